#include "metrics/registry.hpp"

#include <exception>

namespace kipvs::metrics {

void Registry::add(std::string name, Collect collect) {
  errors_.emplace(name, 0);
  collectors_.push_back({std::move(name), std::move(collect)});
}

std::string Registry::scrape(
    const std::function<void(const std::string& collector, const std::string& error)>& onError) {
  std::string out;
  out.reserve(lastSize_ + lastSize_ / 8);
  TextWriter writer(out);
  for (const auto& entry : collectors_) {
    const auto before = out.size();
    try {
      entry.collect(writer);
    } catch (const std::exception& error) {
      out.resize(before);
      ++errors_[entry.name];
      if (onError) {
        onError(entry.name, error.what());
      }
    }
  }
  constexpr const char* kErrors = "kipvs_metrics_collector_errors_total";
  writer.family(kErrors, MetricType::Counter, "Scrapes in which a group of metrics could not be read");
  for (const auto& [name, count] : errors_) {
    writer.sample(kErrors, {{"collector", name}}, count);
  }
  lastSize_ = out.size();
  return out;
}

void writeBuildInfo(TextWriter& writer, std::string_view version) {
  writer.family("kipvs_build_info", MetricType::Gauge,
                "A metric with a constant 1 value labelled by the kipvs version");
  writer.sample("kipvs_build_info", {{"version", version}}, std::uint64_t{1});
}

}  // namespace kipvs::metrics
