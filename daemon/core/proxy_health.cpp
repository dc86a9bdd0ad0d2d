#include "core/proxy_health.hpp"

#include <algorithm>
#include <ctime>

namespace kipvs::core {
namespace {

std::vector<std::pair<std::string, std::string>> jsonHeaders() {
  return {{"Content-Type", "application/json"}, {"X-Content-Type-Options", "nosniff"}};
}

std::string quoted(const std::string& text) {
  return "\"" + text + "\"";  // goTimeString never holds quotes or backslashes
}

}  // namespace

void ProxyHealth::queued(const HealthMoment& now) {
  if (!oldestQueued_) {
    oldestQueued_ = now;
  }
}

void ProxyHealth::updated(const HealthMoment& now) {
  oldestQueued_.reset();
  lastUpdated_ = now;
}

void ProxyHealth::sourceLost(const HealthMoment& now) {
  if (!sourceLost_) {
    sourceLost_ = now;
  }
}

void ProxyHealth::syncNode(const std::optional<Node>& node) {
  if (node) {
    nodeEligible_ = core::nodeEligible(*node);
  }
}

bool ProxyHealth::healthy(Clock::TimePoint now) const {
  // Healthy while starting (never synced) and while nothing waits, or what waits is not late yet.
  const bool fresh = !lastUpdated_ || !oldestQueued_ || now - oldestQueued_->steady < timeout_;
  return fresh && (!sourceLost_ || now - sourceLost_->steady < timeout_);
}

bool nodeEligible(const Node& node) {
  return !node.meta.deleting &&
         std::find(node.taintKeys.begin(), node.taintKeys.end(), kToBeDeletedTaint) == node.taintKeys.end();
}

HealthAnswer healthzAnswer(const ProxyHealth& health, const HealthMoment& now) {
  const bool healthy = health.healthy(now.steady) && health.nodeEligible();
  const auto current = goTimeString(now.wall);
  const auto lastUpdated =
      healthy ? current
              : goTimeString(health.lastUpdated() ? std::optional(health.lastUpdated()->wall) : std::nullopt);
  return {.status = healthy ? 200 : 503,
          .headers = jsonHeaders(),
          .body = "{\"lastUpdated\": " + quoted(lastUpdated) + ",\"currentTime\": " + quoted(current) +
                  ", \"nodeEligible\": " + (health.nodeEligible() ? "true" : "false") + "}"};
}

HealthAnswer livezAnswer(const ProxyHealth& health, const HealthMoment& now) {
  const bool healthy = health.healthy(now.steady);
  const auto current = goTimeString(now.wall);
  const auto lastUpdated =
      healthy ? current
              : goTimeString(health.lastUpdated() ? std::optional(health.lastUpdated()->wall) : std::nullopt);
  return {.status = healthy ? 200 : 503,
          .headers = jsonHeaders(),
          .body = "{\"lastUpdated\": " + quoted(lastUpdated) + ",\"currentTime\": " + quoted(current) + "}"};
}

std::string goTimeString(std::optional<std::chrono::system_clock::time_point> time) {
  if (!time) {
    return "0001-01-01 00:00:00 +0000 UTC";
  }
  const auto since = time->time_since_epoch();
  auto seconds = std::chrono::floor<std::chrono::seconds>(since);
  const auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(since - seconds).count();
  const std::time_t whole = seconds.count();
  std::tm utc{};
  gmtime_r(&whole, &utc);
  char head[32];
  std::strftime(head, sizeof head, "%Y-%m-%d %H:%M:%S", &utc);
  std::string out = head;
  if (nanos != 0) {
    auto fraction = std::to_string(1'000'000'000 + nanos).substr(1);  // nine digits
    fraction.erase(fraction.find_last_not_of('0') + 1);
    out += "." + fraction;
  }
  return out + " +0000 UTC";
}

}  // namespace kipvs::core
