#include "core/ownership.hpp"

#include <charconv>
#include <sstream>
#include <vector>

namespace kipvs::core {
namespace {

constexpr std::string_view kHeader = "kipvs-ownership 1";

std::vector<std::string_view> words(std::string_view line) {
  std::vector<std::string_view> result;
  while (!line.empty()) {
    const auto start = line.find_first_not_of(" \t");
    if (start == std::string_view::npos) {
      break;
    }
    line.remove_prefix(start);
    const auto end = line.find_first_of(" \t");
    result.push_back(line.substr(0, end));
    line = end == std::string_view::npos ? std::string_view{} : line.substr(end);
  }
  return result;
}

template <typename Number>
std::optional<Number> number(std::string_view text) {
  Number value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

VirtualServiceKey parseEntry(const std::vector<std::string_view>& w, std::size_t line) {
  if (w.size() == 4 && w[0] == "vs") {
    const auto protocol = parseProtocol(w[1]);
    const auto address = IpAddress::parse(w[2]);
    const auto port = number<std::uint16_t>(w[3]);
    if (!protocol || !address || !port) {
      throw OwnershipParseError(line, "bad virtual service");
    }
    return {
        .family = address->family(), .protocol = *protocol, .address = *address, .port = *port, .fwmark = 0};
  }
  if (w.size() == 3 && w[0] == "fwm") {
    const auto mark = number<std::uint32_t>(w[1]);
    if (!mark || *mark == 0 || (w[2] != "IPv4" && w[2] != "IPv6")) {
      throw OwnershipParseError(line, "bad firewall-mark service");
    }
    VirtualServiceKey key;
    key.family = w[2] == "IPv4" ? IpFamily::V4 : IpFamily::V6;
    key.fwmark = *mark;
    return key;
  }
  throw OwnershipParseError(line, "unknown entry");
}

}  // namespace

std::string OwnershipRecord::toText() const {
  std::ostringstream out;
  out << kHeader << '\n';
  for (const auto& key : services) {
    if (key.fwmark != 0) {
      out << "fwm " << key.fwmark << ' ' << toString(key.family) << '\n';
    } else {
      out << "vs " << key.protocol << ' ' << key.address << ' ' << key.port << '\n';
    }
  }
  if (kubeProxyTakeoverPending) {
    out << "takeover kube-proxy pending\n";
  }
  return out.str();
}

OwnershipRecord OwnershipRecord::parse(std::string_view text) {
  OwnershipRecord record;
  std::size_t lineNumber = 0;
  bool sawHeader = false;
  while (!text.empty()) {
    const auto newline = text.find('\n');
    auto line = text.substr(0, newline);
    text = newline == std::string_view::npos ? std::string_view{} : text.substr(newline + 1);
    ++lineNumber;
    line = line.substr(0, line.find('#'));
    const auto w = words(line);
    if (w.empty()) {
      continue;
    }
    if (!sawHeader) {
      if (w.size() != 2 || w[0] != "kipvs-ownership" || w[1] != "1") {
        throw OwnershipParseError(lineNumber, "expected \"" + std::string(kHeader) + "\"");
      }
      sawHeader = true;
      continue;
    }
    if (w.size() == 3 && w[0] == "takeover" && w[1] == "kube-proxy" && w[2] == "pending") {
      record.kubeProxyTakeoverPending = true;
      continue;
    }
    record.services.insert(parseEntry(w, lineNumber));
  }
  return record;
}

}  // namespace kipvs::core
