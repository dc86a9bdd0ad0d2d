#pragma once

// Counters of one resource watcher (read from any thread: metrics, tests).

#include <atomic>
#include <cstdint>

namespace kipvs::k8s {

struct WatcherStats {
  std::atomic<std::uint64_t> lists{0};
  std::atomic<std::uint64_t> listPages{0};
  std::atomic<std::uint64_t> watches{0};
  std::atomic<std::uint64_t> events{0};
  std::atomic<std::uint64_t> bookmarks{0};
  std::atomic<std::uint64_t> expired{0};
  std::atomic<std::uint64_t> partialDropped{0};
  std::atomic<std::uint64_t> failures{0};
  std::atomic<std::uint64_t> watchListFallbacks{0};
};

}  // namespace kipvs::k8s
