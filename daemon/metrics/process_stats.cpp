#include "metrics/process_stats.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <array>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

namespace kipvs::metrics {
namespace {

std::optional<std::uint64_t> toNumber(std::string_view text) {
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

std::string readFile(const char* path) {
  std::string text;
  if (FILE* file = std::fopen(path, "re")) {
    std::array<char, 4096> buffer{};
    while (const auto got = std::fread(buffer.data(), 1, buffer.size(), file)) {
      text.append(buffer.data(), got);
    }
    std::fclose(file);
  }
  return text;
}

}  // namespace

std::optional<ProcessStats> parseProcStat(std::string_view stat, const ProcClock& clock) {
  // "pid (comm) state ppid …": comm may hold spaces and parentheses, so fields start after the last ')'.
  const auto close = stat.rfind(')');
  if (close == std::string_view::npos || clock.ticksPerSecond <= 0) {
    return std::nullopt;
  }
  std::vector<std::string_view> fields;  // fields[0] is field 3 (state) of proc(5)
  std::string_view rest = stat.substr(close + 1);
  while (!rest.empty()) {
    const auto start = rest.find_first_not_of(" \n");
    if (start == std::string_view::npos) {
      break;
    }
    rest.remove_prefix(start);
    const auto end = rest.find_first_of(" \n");
    fields.push_back(rest.substr(0, end));
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end);
  }
  const auto field = [&](std::size_t number) { return toNumber(fields[number - 3]); };
  if (fields.size() < 22) {
    return std::nullopt;
  }
  const auto utime = field(14);
  const auto stime = field(15);
  const auto start = field(22);
  const auto vsize = field(23);
  const auto rss = field(24);
  if (!utime || !stime || !start || !vsize || !rss) {
    return std::nullopt;
  }
  const auto ticks = static_cast<double>(clock.ticksPerSecond);
  ProcessStats stats;
  stats.cpuSeconds = static_cast<double>(*utime + *stime) / ticks;
  stats.startTime = clock.bootTime + static_cast<double>(*start) / ticks;
  stats.virtualBytes = *vsize;
  stats.residentBytes = *rss * static_cast<std::uint64_t>(clock.pageSize);
  return stats;
}

std::optional<double> parseBootTime(std::string_view procStat) {
  std::istringstream lines{std::string(procStat)};
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("btime ", 0) == 0) {
      if (const auto value = toNumber(std::string_view(line).substr(6))) {
        return static_cast<double>(*value);
      }
    }
  }
  return std::nullopt;
}

ProcessStats readProcessStats() {
  static const ProcClock clock{.ticksPerSecond = sysconf(_SC_CLK_TCK),
                               .pageSize = sysconf(_SC_PAGESIZE),
                               .bootTime = parseBootTime(readFile("/proc/stat")).value_or(0)};
  ProcessStats stats = parseProcStat(readFile("/proc/self/stat"), clock).value_or(ProcessStats{});
  std::error_code error;
  for (std::filesystem::directory_iterator it("/proc/self/fd", error), end; !error && it != end;
       it.increment(error)) {
    ++stats.openFds;
  }
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    stats.maxFds = limit.rlim_cur;
  }
  return stats;
}

void writeProcessStats(TextWriter& writer, const ProcessStats& stats) {
  writer.family("process_cpu_seconds_total", MetricType::Counter,
                "Total user and system CPU time spent in seconds.");
  writer.sample("process_cpu_seconds_total", {}, stats.cpuSeconds);
  writer.family("process_resident_memory_bytes", MetricType::Gauge, "Resident memory size in bytes.");
  writer.sample("process_resident_memory_bytes", {}, stats.residentBytes);
  writer.family("process_virtual_memory_bytes", MetricType::Gauge, "Virtual memory size in bytes.");
  writer.sample("process_virtual_memory_bytes", {}, stats.virtualBytes);
  writer.family("process_start_time_seconds", MetricType::Gauge,
                "Start time of the process since unix epoch in seconds.");
  writer.sample("process_start_time_seconds", {}, stats.startTime);
  writer.family("process_open_fds", MetricType::Gauge, "Number of open file descriptors.");
  writer.sample("process_open_fds", {}, stats.openFds);
  writer.family("process_max_fds", MetricType::Gauge, "Maximum number of open file descriptors.");
  writer.sample("process_max_fds", {}, stats.maxFds);
}

}  // namespace kipvs::metrics
