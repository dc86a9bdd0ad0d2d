#pragma once

// Which published virtual services a command line argument names: "ns/name[:port]", "vip:port"
// ("[v6]:port"), or a key ("TCP 10.96.0.1:443").

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ip_address.hpp"
#include "model.hpp"

namespace kipvs::ctl {

struct Selection {
  enum class Kind { Name, Endpoint, Key } kind = Kind::Name;
  std::string ns, name;
  std::optional<std::string> port;  // Name: port name or number
  core::IpAddress address;          // Endpoint
  std::uint16_t number = 0;         // Endpoint port
  std::string key;                  // Key
};

std::optional<Selection> parseSelection(std::string_view text);
bool matches(const ServiceRow& row, const Selection& selection);
std::vector<ServiceRow> select(const std::vector<ServiceRow>& rows, const Selection& selection);

}  // namespace kipvs::ctl
