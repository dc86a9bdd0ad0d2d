#include "metrics/process_stats.hpp"

#include <gtest/gtest.h>

#include "metric_text.hpp"

namespace kipvs::metrics {
namespace {

// proc(5) fields 1-24 and a few more; the command name holds a space and parentheses.
constexpr const char* kStat =
    "4242 (kipvsd (x) y) S 1 4242 4242 0 -1 4194560 1200 0 0 0 250 150 0 0 20 0 3 0 5000 "
    "123456789 2560 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";

TEST(ProcessStats, ReadsCpuMemoryAndStartTimeFromProcStat) {
  const auto stats = parseProcStat(kStat, {.ticksPerSecond = 100, .pageSize = 4096, .bootTime = 1700000000});
  ASSERT_TRUE(stats.has_value());
  EXPECT_DOUBLE_EQ(stats->cpuSeconds, 4.0);  // (250 + 150) ticks
  EXPECT_EQ(stats->virtualBytes, 123456789U);
  EXPECT_EQ(stats->residentBytes, 2560U * 4096U);
  EXPECT_DOUBLE_EQ(stats->startTime, 1700000050.0);  // boot + 5000 ticks
}

TEST(ProcessStats, RefusesTextThatIsNotProcStat) {
  const ProcClock clock;
  EXPECT_FALSE(parseProcStat("", clock).has_value());
  EXPECT_FALSE(parseProcStat("4242 (kipvsd) S 1 2 3", clock).has_value());
  EXPECT_FALSE(parseProcStat("no parenthesis at all", clock).has_value());
}

TEST(ProcessStats, FindsBootTimeInProcStat) {
  EXPECT_EQ(parseBootTime("cpu  1 2 3\nintr 5\nbtime 1699999000\nprocesses 7\n"), 1699999000.0);
  EXPECT_FALSE(parseBootTime("cpu 1 2 3\n").has_value());
}

TEST(ProcessStats, ThisProcessHasMemoryOpenFilesAndAStartTime) {
  const auto stats = readProcessStats();
  EXPECT_GT(stats.residentBytes, 0U);
  EXPECT_GT(stats.openFds, 2U);  // stdin, stdout, stderr at least
  EXPECT_GE(stats.maxFds, stats.openFds);
  EXPECT_GT(stats.startTime, 1.6e9);
}

TEST(ProcessStats, WritesTheStandardProcessSeries) {
  std::string out;
  TextWriter writer(out);
  writeProcessStats(writer, {.cpuSeconds = 1.5,
                             .residentBytes = 100,
                             .virtualBytes = 200,
                             .startTime = 1700000000,
                             .openFds = 9,
                             .maxFds = 1024});
  EXPECT_EQ(testing::valueOf(out, "process_cpu_seconds_total"), "1.5");
  EXPECT_EQ(testing::valueOf(out, "process_resident_memory_bytes"), "100");
  EXPECT_EQ(testing::valueOf(out, "process_virtual_memory_bytes"), "200");
  EXPECT_EQ(testing::valueOf(out, "process_start_time_seconds"), "1700000000");
  EXPECT_EQ(testing::valueOf(out, "process_open_fds"), "9");
  EXPECT_EQ(testing::valueOf(out, "process_max_fds"), "1024");
}

}  // namespace
}  // namespace kipvs::metrics
