#pragma once

// The sets `ipset save` prints (and the names `ipset list -n` prints), as plain values. Pure: the host
// adaptor runs the command.
//
//   create KUBE-CLUSTER-IP hash:ip,port family inet hashsize 1024 maxelem 65536
//   add KUBE-CLUSTER-IP 10.96.0.10,tcp:80

#include <cstddef>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace kipvs::core {

class IpsetParseError : public std::runtime_error {
 public:
  IpsetParseError(std::size_t line, const std::string& what)
      : std::runtime_error("ipset save line " + std::to_string(line) + ": " + what) {}
};

struct Ipset {
  std::string type;               // "hash:ip,port", "bitmap:port", ...
  std::set<std::string> members;  // as printed: "10.96.0.10,tcp:80", "30080"

  bool operator==(const Ipset&) const = default;
};

using IpsetDump = std::map<std::string, Ipset, std::less<>>;  // by set name

// Throws IpsetParseError on an `add` to a set not created before it, or a line it does not know.
IpsetDump parseIpsetSave(std::string_view text);

// `ipset list -n`: one name a line.
std::vector<std::string> parseIpsetNames(std::string_view text);

}  // namespace kipvs::core
