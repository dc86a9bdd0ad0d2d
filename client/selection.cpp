#include "selection.hpp"

#include <charconv>

namespace kipvs::ctl {

namespace {

std::optional<std::uint16_t> portNumber(std::string_view text) {
  std::uint16_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || value == 0) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

std::optional<Selection> parseSelection(std::string_view text) {
  Selection s;
  for (const std::string_view prefix : {"TCP ", "UDP ", "SCTP ", "FWM "}) {
    if (text.starts_with(prefix)) {
      s.kind = Selection::Kind::Key;
      s.key = std::string(text);
      return s;
    }
  }
  if (const auto slash = text.find('/'); slash != std::string_view::npos) {
    s.kind = Selection::Kind::Name;
    s.ns = std::string(text.substr(0, slash));
    auto rest = text.substr(slash + 1);
    if (const auto colon = rest.find(':'); colon != std::string_view::npos) {
      s.port = std::string(rest.substr(colon + 1));
      rest = rest.substr(0, colon);
      if (s.port->empty()) {
        return std::nullopt;
      }
    }
    s.name = std::string(rest);
    if (s.ns.empty() || s.name.empty()) {
      return std::nullopt;
    }
    return s;
  }
  s.kind = Selection::Kind::Endpoint;
  std::string_view host;
  std::string_view port;
  if (text.starts_with('[')) {
    const auto close = text.find("]:");
    if (close == std::string_view::npos) {
      return std::nullopt;
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos || text.find(':') != colon) {
      return std::nullopt;
    }
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  const auto address = core::IpAddress::parse(host);
  const auto number = portNumber(port);
  if (!address || !number) {
    return std::nullopt;
  }
  s.address = *address;
  s.number = *number;
  return s;
}

bool matches(const ServiceRow& row, const Selection& s) {
  switch (s.kind) {
    case Selection::Kind::Key:
      return row.key == s.key;
    case Selection::Kind::Name:
      return row.ns == s.ns && row.name == s.name &&
             (!s.port || *s.port == row.portName || *s.port == std::to_string(row.port));
    case Selection::Kind::Endpoint: {
      const auto address = core::IpAddress::parse(row.address);
      return address && *address == s.address && row.port == s.number && row.fwmark == 0;
    }
  }
  return false;
}

std::vector<ServiceRow> select(const std::vector<ServiceRow>& rows, const Selection& selection) {
  std::vector<ServiceRow> out;
  for (const auto& row : rows) {
    if (matches(row, selection)) {
      out.push_back(row);
    }
  }
  return out;
}

}  // namespace kipvs::ctl
