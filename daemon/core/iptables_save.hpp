#pragma once

// The text `iptables-save` (and `ip6tables-save`, in both the nft and the legacy backend) prints, as
// plain values: per table, the chains it declares and its rules in order. Pure: the host adaptor runs
// the command, this only reads its output.
//
//   *nat
//   :PREROUTING ACCEPT [0:0]
//   :KUBE-SERVICES - [0:0]
//   -A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
//   COMMIT

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace kipvs::core {

class IptablesParseError : public std::runtime_error {
 public:
  IptablesParseError(std::size_t line, const std::string& what)
      : std::runtime_error("iptables-save line " + std::to_string(line) + ": " + what) {}
};

struct IptablesRule {
  std::string chain;
  std::string spec;    // everything after "-A <chain> ", as printed (iptables-restore takes it back)
  std::string target;  // the -j / -g argument; empty for a rule without one

  bool operator==(const IptablesRule&) const = default;
};

struct IptablesTable {
  std::string name;                 // "nat", "filter", ...
  std::vector<std::string> chains;  // every chain declared, built-in or not, in order
  std::vector<IptablesRule> rules;

  bool hasChain(std::string_view chain) const;
  bool operator==(const IptablesTable&) const = default;
};

struct IptablesDump {
  std::vector<IptablesTable> tables;

  const IptablesTable* table(std::string_view name) const;  // null when the dump has no such table
  bool operator==(const IptablesDump&) const = default;
};

// Throws IptablesParseError on a line it cannot place (a rule outside a table, an unterminated quote).
// Comment lines ("# ...", including iptables-nft's "Table `x' is incompatible") are skipped.
IptablesDump parseIptablesSave(std::string_view text);

// The words of a rule as iptables reads them: blanks split, double quotes group, backslash escapes.
std::vector<std::string> ruleWords(std::string_view spec);

}  // namespace kipvs::core
