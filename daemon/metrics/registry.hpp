#pragma once

// What /metrics serves: the text of every registered collector, in registration order. A collector
// that throws (the kernel cannot be read, say) is cut back out of the text and counted in
// kipvs_metrics_collector_errors_total{collector}; the others still render, so one failure never
// turns a scrape into a broken or empty page.

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "metrics/exposition.hpp"

namespace kipvs::metrics {

// The Content-Type of the text format.
inline constexpr const char* kContentType = "text/plain; version=0.0.4; charset=utf-8";

class Registry {
 public:
  using Collect = std::function<void(TextWriter&)>;

  // `name` labels the error counter and the log line of a failure.
  void add(std::string name, Collect collect);
  // Not const: failures are counted. `onError` hears of each (for the log).
  std::string scrape(
      const std::function<void(const std::string& collector, const std::string& error)>& onError = {});

 private:
  struct Entry {
    std::string name;
    Collect collect;
  };
  std::vector<Entry> collectors_;
  std::map<std::string, std::uint64_t> errors_;
  std::size_t lastSize_ = 0;  // reserve what the previous scrape took
};

// kipvs_build_info{version} 1, as Prometheus' own *_build_info.
void writeBuildInfo(TextWriter& writer, std::string_view version);

}  // namespace kipvs::metrics
