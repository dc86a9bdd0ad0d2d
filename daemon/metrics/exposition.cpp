#include "metrics/exposition.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <stdexcept>

namespace kipvs::metrics {
namespace {

void appendNumber(std::string& out, std::uint64_t value, bool negative = false) {
  if (negative) {
    out += '-';
  }
  std::array<char, 24> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  out.append(buffer.data(), result.ptr);
}

void appendNumber(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "NaN";
  } else if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
  } else if (constexpr double kExact = 9007199254740992.0;
             std::fabs(value) < kExact && value == std::trunc(value)) {
    // Whole numbers (timestamps, byte counts) as integers: to_chars' shortest form would be "1.7e+09".
    appendNumber(out, static_cast<std::uint64_t>(std::fabs(value)), value < 0);
  } else {
    std::array<char, 32> buffer{};
    const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
    out.append(buffer.data(), result.ptr);
  }
}

}  // namespace

std::string_view toString(MetricType type) {
  switch (type) {
    case MetricType::Counter:
      return "counter";
    case MetricType::Gauge:
      return "gauge";
    case MetricType::Histogram:
      return "histogram";
  }
  return "untyped";
}

Histogram::Histogram(std::vector<double> upperBounds)
    : upperBounds_(std::move(upperBounds)), counts_(upperBounds_.size() + 1, 0) {
  if (!std::is_sorted(upperBounds_.begin(), upperBounds_.end()) ||
      std::adjacent_find(upperBounds_.begin(), upperBounds_.end()) != upperBounds_.end()) {
    throw std::invalid_argument("histogram buckets must increase strictly");
  }
}

void Histogram::observe(double value) {
  // The first bucket whose upper bound is >= value ("le": less than or equal).
  const auto bucket =
      std::lower_bound(upperBounds_.begin(), upperBounds_.end(), value) - upperBounds_.begin();
  ++counts_[static_cast<std::size_t>(bucket)];
  ++count_;
  sum_ += value;
}

std::vector<double> exponentialBuckets(double start, double factor, int count) {
  std::vector<double> bounds;
  bounds.reserve(static_cast<std::size_t>(std::max(count, 0)));
  double bound = start;
  for (int i = 0; i < count; ++i) {
    bounds.push_back(bound);
    bound *= factor;
  }
  return bounds;
}

std::vector<double> linearBuckets(double start, double width, int count) {
  std::vector<double> bounds;
  bounds.reserve(static_cast<std::size_t>(std::max(count, 0)));
  for (int i = 0; i < count; ++i) {
    bounds.push_back(start + width * i);
  }
  return bounds;
}

std::string formatValue(double value) {
  std::string text;
  appendNumber(text, value);
  return text;
}

void appendEscapedLabelValue(std::string& out, std::string_view value) {
  for (const char c : value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
}

void appendEscapedHelp(std::string& out, std::string_view help) {
  for (const char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

void TextWriter::family(std::string_view name, MetricType type, std::string_view help) {
  out_ += "# HELP ";
  out_ += name;
  out_ += ' ';
  appendEscapedHelp(out_, help);
  out_ += "\n# TYPE ";
  out_ += name;
  out_ += ' ';
  out_ += toString(type);
  out_ += '\n';
}

void TextWriter::labelsAndValue(std::string_view name, const Label* begin, const Label* end,
                                std::string_view extraName, std::string_view extraValue) {
  out_ += name;
  if (begin != end || !extraName.empty()) {
    out_ += '{';
    bool first = true;
    const auto add = [&](std::string_view labelName, std::string_view labelValue) {
      if (!first) {
        out_ += ',';
      }
      first = false;
      out_ += labelName;
      out_ += "=\"";
      appendEscapedLabelValue(out_, labelValue);
      out_ += '"';
    };
    for (const auto* label = begin; label != end; ++label) {
      add(label->name, label->value);
    }
    if (!extraName.empty()) {
      add(extraName, extraValue);
    }
    out_ += '}';
  }
  out_ += ' ';
}

void TextWriter::sample(std::string_view name, std::initializer_list<Label> labels, double value) {
  labelsAndValue(name, labels.begin(), labels.end(), {}, {});
  appendNumber(out_, value);
  out_ += '\n';
}

void TextWriter::sample(std::string_view name, const std::vector<Label>& labels, double value) {
  labelsAndValue(name, labels.data(), labels.data() + labels.size(), {}, {});
  appendNumber(out_, value);
  out_ += '\n';
}

void TextWriter::sample(std::string_view name, std::initializer_list<Label> labels, std::uint64_t value) {
  labelsAndValue(name, labels.begin(), labels.end(), {}, {});
  appendNumber(out_, value);
  out_ += '\n';
}

void TextWriter::sample(std::string_view name, const std::vector<Label>& labels, std::uint64_t value) {
  labelsAndValue(name, labels.data(), labels.data() + labels.size(), {}, {});
  appendNumber(out_, value);
  out_ += '\n';
}

void TextWriter::histogram(std::string_view name, const std::vector<Label>& labels,
                           const Histogram& histogram) {
  const std::string bucketName = std::string(name) + "_bucket";
  std::uint64_t cumulative = 0;
  const auto& bounds = histogram.upperBounds();
  for (std::size_t i = 0; i <= bounds.size(); ++i) {
    cumulative += histogram.bucketCounts()[i];
    const auto le = i < bounds.size() ? formatValue(bounds[i]) : std::string("+Inf");
    labelsAndValue(bucketName, labels.data(), labels.data() + labels.size(), "le", le);
    appendNumber(out_, cumulative);
    out_ += '\n';
  }
  sample(std::string(name) + "_sum", labels, histogram.sum());
  sample(std::string(name) + "_count", labels, histogram.count());
}

}  // namespace kipvs::metrics
