#pragma once

// The process_* metrics every Prometheus client library exports (and kube-proxy with them), read from
// /proc: CPU time, resident and virtual memory, start time, open and maximum file descriptors. Parsing
// is pure; readProcessStats() is the thin reading step.

#include <cstdint>
#include <optional>
#include <string_view>

#include "metrics/exposition.hpp"

namespace kipvs::metrics {

struct ProcessStats {
  double cpuSeconds = 0;  // user + system
  std::uint64_t residentBytes = 0;
  std::uint64_t virtualBytes = 0;
  double startTime = 0;  // Unix seconds
  std::uint64_t openFds = 0;
  std::uint64_t maxFds = 0;
};

struct ProcClock {
  long ticksPerSecond = 100;  // sysconf(_SC_CLK_TCK)
  long pageSize = 4096;       // sysconf(_SC_PAGESIZE)
  double bootTime = 0;        // /proc/stat btime
};

// Fills the CPU, memory and start-time fields from /proc/<pid>/stat; nullopt when it is not that format.
std::optional<ProcessStats> parseProcStat(std::string_view stat, const ProcClock& clock);
// The btime line of /proc/stat.
std::optional<double> parseBootTime(std::string_view procStat);

// This process, now. Fields that cannot be read stay 0.
ProcessStats readProcessStats();

void writeProcessStats(TextWriter& writer, const ProcessStats& stats);

}  // namespace kipvs::metrics
