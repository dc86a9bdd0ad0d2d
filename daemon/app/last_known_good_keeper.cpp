#include "app/last_known_good_keeper.hpp"

#include <time.h>

#include <algorithm>
#include <array>

#include "core/log.hpp"
#include "k8s/last_known_good.hpp"

namespace kipvs::app {

using std::chrono::duration_cast;
using std::chrono::milliseconds;

std::string rfc3339Now() {
  const std::time_t now = ::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  std::array<char, 32> text{};
  const auto length = std::strftime(text.data(), text.size(), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return {text.data(), length};
}

LastKnownGoodKeeper::LastKnownGoodKeeper(core::StateStore& store, std::string path, std::string nodeName,
                                         Timers& timers, const core::Clock& clock,
                                         std::chrono::milliseconds minInterval, Current current)
    : store_(store),
      path_(std::move(path)),
      nodeName_(std::move(nodeName)),
      clock_(clock),
      minInterval_(minInterval),
      interval_(minInterval),
      current_(std::move(current)),
      timer_(timers.makeTimer([this] { save(); })) {}

void LastKnownGoodKeeper::changed() {
  dirty_ = true;
  const auto now = clock_.now();
  if (!lastSave_ || now - *lastSave_ >= interval_) {
    timer_->cancel();
    save();
    return;
  }
  timer_->armIfIdle(duration_cast<milliseconds>(*lastSave_ + interval_ - now));
}

void LastKnownGoodKeeper::flush() {
  timer_->cancel();
  save();
}

void LastKnownGoodKeeper::save() {
  if (!dirty_) {
    return;
  }
  lastSave_ = clock_.now();
  const auto& snapshot = current_();
  try {
    store_.save(k8s::encodeLastKnownGood(snapshot, nodeName_, rfc3339Now()));
    dirty_ = false;
    ++saves_;
    // Saving runs on the main loop (10k Services: ~0.3 s on a loaded 2-core machine): keep it under 2%
    // of the loop's time by spacing saves at least 50 times their own duration.
    const auto took = duration_cast<milliseconds>(clock_.now() - *lastSave_);
    interval_ = std::max(minInterval_, took * 50);
    log::debug("saved the last-known-good state (" + std::to_string(snapshot.services.size()) +
               " Services) to " + path_ + " in " + std::to_string(took.count()) + " ms");
  } catch (const std::exception& error) {
    // The previous file (if any) is intact: the store renames only a complete write.
    log::warning(std::string("cannot save the last-known-good state: ") + error.what());
  }
}

std::optional<RestoredState> LastKnownGoodKeeper::load() {
  std::optional<std::string> text;
  try {
    text = store_.load();
  } catch (const std::exception& error) {
    log::error(std::string("cannot read the last-known-good state: ") + error.what());
    return std::nullopt;
  }
  if (!text) {
    log::notice("no last-known-good state at " + path_ + "; waiting for the API server");
    return std::nullopt;
  }
  k8s::LastKnownGood saved;
  try {
    saved = k8s::decodeLastKnownGood(*text);
  } catch (const k8s::LastKnownGoodError& error) {
    log::error("not restoring " + path_ + ": " + error.what() + "; waiting for the API server");
    return std::nullopt;
  }
  if (saved.nodeName != nodeName_) {
    log::error("not restoring " + path_ + ": it was saved on node \"" + saved.nodeName +
               "\" and this is node \"" + nodeName_ + "\"; waiting for the API server");
    return std::nullopt;
  }
  for (const auto& skipped : saved.skipped) {
    log::warning("last-known-good state: skipped " + skipped);
  }
  RestoredState restored;
  restored.description = "restored last-known-good state from " + path_ + " (" +
                         std::to_string(saved.snapshot.services.size()) + " services, saved " +
                         (saved.savedAt.empty() ? std::string("at an unknown time") : saved.savedAt) + ")";
  restored.snapshot = std::move(saved.snapshot);
  return restored;
}

}  // namespace kipvs::app
