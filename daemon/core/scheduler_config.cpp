#include "core/scheduler_config.hpp"

#include <algorithm>
#include <array>

#include "core/ipvs_model.hpp"

namespace kipvs::core {
namespace {

constexpr std::array<std::string_view, 14> kSchedulers = {"rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh",
                                                          "sh", "sed", "nq", "fo",  "ovf",  "mh",    "twos"};

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) {
    return {};
  }
  const auto last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

// Parses one flag token for `scheduler`; 0 when it is not a flag of that scheduler.
std::uint32_t parseFlag(std::string_view token, std::string_view scheduler) {
  if (token.size() > 3 && token[2] == '-' && (token.starts_with("sh-") || token.starts_with("mh-"))) {
    if (token.substr(0, 2) != scheduler) {
      return 0;
    }
    token.remove_prefix(3);
  }
  if (token == "fallback" || token == "flag-1") {
    return svc_flags::kSched1;
  }
  if (token == "port" || token == "flag-2") {
    return svc_flags::kSched2;
  }
  if (token == "flag-3") {
    return svc_flags::kSched3;
  }
  return 0;
}

}  // namespace

bool isKnownScheduler(std::string_view name) {
  return std::find(kSchedulers.begin(), kSchedulers.end(), name) != kSchedulers.end();
}

SchedulerChoice chooseScheduler(const Labels& annotations, const std::string& defaultScheduler) {
  SchedulerChoice choice{.scheduler = defaultScheduler.empty() ? std::string("rr") : defaultScheduler};
  if (const auto it = annotations.find(std::string(kSchedulerAnnotation)); it != annotations.end()) {
    const auto wanted = trim(it->second);
    if (isKnownScheduler(wanted)) {
      choice.scheduler = wanted;
    } else {
      choice.problems.push_back("unknown scheduler \"" + it->second + "\" in " +
                                std::string(kSchedulerAnnotation) + "; programmed with \"" +
                                choice.scheduler + "\"");
    }
  }
  const bool hashing = choice.scheduler == "sh" || choice.scheduler == "mh";
  const auto flags = annotations.find(std::string(kSchedulerFlagsAnnotation));
  if (flags == annotations.end()) {
    choice.flags = choice.scheduler == "mh" ? svc_flags::kSched2 : 0;
    return choice;
  }
  if (!hashing) {
    if (!trim(flags->second).empty()) {
      choice.problems.push_back(std::string(kSchedulerFlagsAnnotation) + " \"" + flags->second +
                                "\" ignored: flags apply only to the sh and mh schedulers, not \"" +
                                choice.scheduler + "\"");
    }
    return choice;
  }
  std::string_view rest = flags->second;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const auto token = trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    if (token.empty()) {
      continue;
    }
    if (const auto flag = parseFlag(token, choice.scheduler); flag != 0) {
      choice.flags |= flag;
    } else {
      choice.problems.push_back("unknown " + choice.scheduler + " flag \"" + std::string(token) + "\" in " +
                                std::string(kSchedulerFlagsAnnotation) + "; ignored");
    }
  }
  return choice;
}

}  // namespace kipvs::core
