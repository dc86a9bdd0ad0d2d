#pragma once

// The Prometheus text exposition format (version 0.0.4), written in this one place: `# HELP` and
// `# TYPE` once per family, then its samples; counters, gauges and histograms (cumulative `_bucket`
// samples with an `le` label, then `_sum` and `_count`). Label values escape `\`, `"` and newline;
// help text escapes `\` and newline. No Prometheus client library is packaged in Debian 12, and kipvsd
// needs only this much of one. Pure: it appends to a string and reads nothing.

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kipvs::metrics {

enum class MetricType : std::uint8_t { Counter, Gauge, Histogram };

std::string_view toString(MetricType type);

struct Label {
  std::string_view name;
  std::string_view value;
};

// Buckets as Prometheus client libraries declare them: finite upper bounds in increasing order; the
// +Inf bucket is implied.
class Histogram {
 public:
  explicit Histogram(std::vector<double> upperBounds);

  void observe(double value);

  const std::vector<double>& upperBounds() const { return upperBounds_; }
  // Per bucket, not cumulative; one more than upperBounds() (the last is +Inf).
  const std::vector<std::uint64_t>& bucketCounts() const { return counts_; }
  std::uint64_t count() const { return count_; }
  double sum() const { return sum_; }

 private:
  std::vector<double> upperBounds_;
  std::vector<std::uint64_t> counts_;
  std::uint64_t count_ = 0;
  double sum_ = 0;
};

// start, start×factor, … (`count` bounds), as prometheus.ExponentialBuckets.
std::vector<double> exponentialBuckets(double start, double factor, int count);
// start, start+width, … (`count` bounds), as prometheus.LinearBuckets.
std::vector<double> linearBuckets(double start, double width, int count);

// Appends one exposition to `out`. Call family() before the samples of that family; every family
// name must be written once.
class TextWriter {
 public:
  explicit TextWriter(std::string& out) : out_(out) {}

  void family(std::string_view name, MetricType type, std::string_view help);
  // A counter or gauge sample of the current family.
  void sample(std::string_view name, std::initializer_list<Label> labels, double value);
  void sample(std::string_view name, const std::vector<Label>& labels, double value);
  // Integers print exactly (a double would round counters above 2^53).
  void sample(std::string_view name, std::initializer_list<Label> labels, std::uint64_t value);
  void sample(std::string_view name, const std::vector<Label>& labels, std::uint64_t value);
  // `name`_bucket{…,le=…}, `name`_sum, `name`_count.
  void histogram(std::string_view name, const std::vector<Label>& labels, const Histogram& histogram);

 private:
  void labelsAndValue(std::string_view name, const Label* begin, const Label* end, std::string_view extraName,
                      std::string_view extraValue);

  std::string& out_;
};

// Shortest text that reads back as `value`; "+Inf", "-Inf", "NaN" as the format spells them.
std::string formatValue(double value);
void appendEscapedLabelValue(std::string& out, std::string_view value);
void appendEscapedHelp(std::string& out, std::string_view help);

}  // namespace kipvs::metrics
