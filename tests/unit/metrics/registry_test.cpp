#include "metrics/registry.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "metric_text.hpp"

namespace kipvs::metrics {
namespace {

TEST(Registry, RendersCollectorsInOrderThenTheirErrorCounters) {
  Registry registry;
  registry.add("first", [](TextWriter& writer) {
    writer.family("kipvs_a", MetricType::Gauge, "A.");
    writer.sample("kipvs_a", {}, std::uint64_t{1});
  });
  registry.add("second", [](TextWriter& writer) { writeBuildInfo(writer, "1.2.3"); });
  const auto text = registry.scrape();
  EXPECT_LT(text.find("kipvs_a 1"), text.find("kipvs_build_info{version=\"1.2.3\"} 1"));
  EXPECT_EQ(testing::valueOf(text, "kipvs_metrics_collector_errors_total{collector=\"first\"}"), "0");
  EXPECT_EQ(testing::valueOf(text, "kipvs_metrics_collector_errors_total{collector=\"second\"}"), "0");
}

TEST(Registry, AFailingCollectorIsCutOutAndCountedWhileTheOthersRender) {
  Registry registry;
  int calls = 0;
  registry.add("kernel", [&](TextWriter& writer) {
    ++calls;
    writer.family("kipvs_half_written", MetricType::Gauge, "Never complete.");
    throw std::runtime_error("cannot read IPVS");
  });
  registry.add("build", [](TextWriter& writer) { writeBuildInfo(writer, "1"); });
  std::vector<std::string> errors;
  registry.scrape([&](const std::string& collector, const std::string& error) {
    errors.push_back(collector + ": " + error);
  });
  const auto text = registry.scrape();
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(errors, std::vector<std::string>{"kernel: cannot read IPVS"});
  EXPECT_EQ(text.find("kipvs_half_written"), std::string::npos);
  EXPECT_EQ(testing::valueOf(text, "kipvs_build_info{version=\"1\"}"), "1");
  EXPECT_EQ(testing::valueOf(text, "kipvs_metrics_collector_errors_total{collector=\"kernel\"}"), "2");
}

}  // namespace
}  // namespace kipvs::metrics
