#include "metrics/exposition.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace kipvs::metrics {
namespace {

struct ValueCase {
  double value;
  const char* text;
};

class FormatValueTest : public ::testing::TestWithParam<ValueCase> {};

TEST_P(FormatValueTest, PrintsTheShortestTextThatReadsBack) {
  EXPECT_EQ(formatValue(GetParam().value), GetParam().text);
}

INSTANTIATE_TEST_SUITE_P(Values, FormatValueTest,
                         ::testing::Values(ValueCase{0, "0"}, ValueCase{1, "1"}, ValueCase{0.001, "0.001"},
                                           ValueCase{0.25, "0.25"}, ValueCase{-2.5, "-2.5"},
                                           ValueCase{1.7e9, "1700000000"}, ValueCase{-3, "-3"},
                                           ValueCase{1700000000.5, "1700000000.5"},
                                           ValueCase{1e300, "1e+300"}, ValueCase{1e-9, "1e-09"},
                                           ValueCase{std::numeric_limits<double>::infinity(), "+Inf"},
                                           ValueCase{-std::numeric_limits<double>::infinity(), "-Inf"},
                                           ValueCase{std::numeric_limits<double>::quiet_NaN(), "NaN"}));

struct EscapeCase {
  const char* raw;
  const char* label;  // as a label value
  const char* help;   // as help text
};

class EscapeTest : public ::testing::TestWithParam<EscapeCase> {};

TEST_P(EscapeTest, EscapesWhatTheFormatReserves) {
  std::string label;
  appendEscapedLabelValue(label, GetParam().raw);
  EXPECT_EQ(label, GetParam().label);
  std::string help;
  appendEscapedHelp(help, GetParam().raw);
  EXPECT_EQ(help, GetParam().help);
}

INSTANTIATE_TEST_SUITE_P(Strings, EscapeTest,
                         ::testing::Values(EscapeCase{"plain", "plain", "plain"},
                                           EscapeCase{R"(a"b)", R"(a\"b)", R"(a"b)"},
                                           EscapeCase{R"(a\b)", R"(a\\b)", R"(a\\b)"},
                                           EscapeCase{"a\nb", R"(a\nb)", R"(a\nb)"}, EscapeCase{"", "", ""}));

TEST(TextWriter, WritesHelpAndTypeThenSamples) {
  std::string out;
  TextWriter writer(out);
  writer.family("kipvs_things_total", MetricType::Counter, "Things seen.\nTwo lines.");
  writer.sample("kipvs_things_total", {}, std::uint64_t{3});
  writer.sample("kipvs_things_total", {{"kind", "a\"b"}, {"port", "80"}},
                std::uint64_t{18446744073709551615ULL});
  writer.family("kipvs_ratio", MetricType::Gauge, "A ratio.");
  writer.sample("kipvs_ratio", {{"x", "y"}}, 0.5);
  EXPECT_EQ(out,
            "# HELP kipvs_things_total Things seen.\\nTwo lines.\n"
            "# TYPE kipvs_things_total counter\n"
            "kipvs_things_total 3\n"
            "kipvs_things_total{kind=\"a\\\"b\",port=\"80\"} 18446744073709551615\n"
            "# HELP kipvs_ratio A ratio.\n"
            "# TYPE kipvs_ratio gauge\n"
            "kipvs_ratio{x=\"y\"} 0.5\n");
}

TEST(TextWriter, WritesHistogramBucketsCumulativelyWithLeLast) {
  Histogram histogram({0.1, 1, 10});
  for (const double value : {0.05, 0.1, 0.5, 3.0, 30.0}) {
    histogram.observe(value);
  }
  std::string out;
  TextWriter writer(out);
  writer.family("kipvs_wait_seconds", MetricType::Histogram, "Waits.");
  writer.histogram("kipvs_wait_seconds", {{"ip_family", "IPv4"}}, histogram);
  EXPECT_EQ(out,
            "# HELP kipvs_wait_seconds Waits.\n"
            "# TYPE kipvs_wait_seconds histogram\n"
            "kipvs_wait_seconds_bucket{ip_family=\"IPv4\",le=\"0.1\"} 2\n"
            "kipvs_wait_seconds_bucket{ip_family=\"IPv4\",le=\"1\"} 3\n"
            "kipvs_wait_seconds_bucket{ip_family=\"IPv4\",le=\"10\"} 4\n"
            "kipvs_wait_seconds_bucket{ip_family=\"IPv4\",le=\"+Inf\"} 5\n"
            "kipvs_wait_seconds_sum{ip_family=\"IPv4\"} 33.65\n"
            "kipvs_wait_seconds_count{ip_family=\"IPv4\"} 5\n");
}

TEST(Histogram, AnEmptyHistogramHasZeroEverywhere) {
  const Histogram histogram({1, 2});
  EXPECT_EQ(histogram.bucketCounts(), (std::vector<std::uint64_t>{0, 0, 0}));
  EXPECT_EQ(histogram.count(), 0U);
  EXPECT_EQ(histogram.sum(), 0);
}

TEST(Histogram, RefusesBoundsThatDoNotIncrease) {
  EXPECT_THROW(Histogram({1, 1}), std::invalid_argument);
  EXPECT_THROW(Histogram({2, 1}), std::invalid_argument);
}

TEST(Buckets, ExponentialAndLinearAsPrometheusClientsDeclareThem) {
  EXPECT_EQ(exponentialBuckets(0.001, 2, 4), (std::vector<double>{0.001, 0.002, 0.004, 0.008}));
  EXPECT_EQ(linearBuckets(60, 5, 3), (std::vector<double>{60, 65, 70}));
  EXPECT_TRUE(exponentialBuckets(1, 2, 0).empty());
}

}  // namespace
}  // namespace kipvs::metrics
