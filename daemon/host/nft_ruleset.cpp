#include "host/nft_ruleset.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <sstream>
#include <vector>

namespace kipvs::host {
namespace {

using core::Cidr;
using core::FirewallEntry;
using core::FirewallSpec;
using core::IpAddress;
using core::IpFamily;

struct SetDecl {
  std::string_view name;  // without the _v4 / _v6 suffix
  std::string_view type;  // with ADDR standing for ipv4_addr / ipv6_addr
  bool interval;
};

// Every set exists in both families; the order here is the order in the rendered table.
constexpr std::array kSets{
    SetDecl{"cluster_cidrs", "ADDR", true},
    SetDecl{"cluster_ips", "ADDR . inet_proto . inet_service", false},
    SetDecl{"external", "ADDR . inet_proto . inet_service", false},
    SetDecl{"external_local", "ADDR . inet_proto . inet_service", false},
    SetDecl{"vips", "ADDR", false},
    SetDecl{"source_ranges", "ADDR . inet_proto . inet_service", false},
    SetDecl{"source_ranges_allowed", "ADDR . inet_proto . inet_service . ADDR", true},
    SetDecl{"hairpin", "ADDR . ADDR", false},
};

constexpr std::array kFamilies{IpFamily::V4, IpFamily::V6};

std::string_view suffix(IpFamily family) {
  return family == IpFamily::V4 ? "_v4" : "_v6";
}
std::string_view addrType(IpFamily family) {
  return family == IpFamily::V4 ? "ipv4_addr" : "ipv6_addr";
}
std::string_view ipKeyword(IpFamily family) {
  return family == IpFamily::V4 ? "ip" : "ip6";
}

std::string setName(std::string_view base, IpFamily family) {
  return std::string(base) + std::string(suffix(family));
}

std::string setType(std::string_view pattern, IpFamily family) {
  std::string out(pattern);
  for (auto at = out.find("ADDR"); at != std::string::npos; at = out.find("ADDR", at)) {
    out.replace(at, 4, addrType(family));
  }
  return out;
}

std::string protocolName(core::Protocol protocol) {
  switch (protocol) {
    case core::Protocol::Tcp:
      return "tcp";
    case core::Protocol::Udp:
      return "udp";
    case core::Protocol::Sctp:
      return "sctp";
  }
  return "tcp";
}

std::string entryText(const FirewallEntry& entry) {
  return entry.address.toString() + " . " + protocolName(entry.protocol) + " . " + std::to_string(entry.port);
}

// nft refuses prefixes with host bits set: keep only the network part.
Cidr normalized(const Cidr& cidr) {
  const auto bytes = cidr.base.bytes();
  std::vector<std::uint8_t> masked(bytes.begin(), bytes.end());
  unsigned remaining = cidr.prefixLength;
  for (auto& byte : masked) {
    const unsigned bits = std::min(remaining, 8U);
    byte = static_cast<std::uint8_t>(byte & (bits == 0 ? 0 : 0xff << (8 - bits)));
    remaining -= bits;
  }
  return Cidr{.base = *IpAddress::fromBytes(cidr.base.family(), masked), .prefixLength = cidr.prefixLength};
}

std::string cidrText(const Cidr& cidr) {
  return cidr.base.toString() + "/" + std::to_string(static_cast<unsigned>(cidr.prefixLength));
}

// Interval sets reject overlapping elements: keep only prefixes not inside another one of the list.
std::vector<Cidr> outermost(const std::vector<Cidr>& cidrs, IpFamily family) {
  std::vector<Cidr> candidates;
  for (const auto& cidr : cidrs) {
    if (cidr.base.family() == family) {
      candidates.push_back(normalized(cidr));
    }
  }
  std::vector<Cidr> out;
  for (const auto& cidr : candidates) {
    const bool covered = std::any_of(candidates.begin(), candidates.end(), [&](const Cidr& other) {
      return other != cidr && other.prefixLength <= cidr.prefixLength && other.contains(cidr.base);
    });
    if (!covered && std::find(out.begin(), out.end(), cidr) == out.end()) {
      out.push_back(cidr);
    }
  }
  return out;
}

void addEntries(NftSetContents& sets, std::string_view base, const std::vector<FirewallEntry>& entries) {
  for (const auto& entry : entries) {
    sets[setName(base, entry.address.family())].insert(entryText(entry));
  }
}

std::string renderElements(const std::set<std::string>& elements) {
  std::string out;
  for (const auto& element : elements) {
    out += out.empty() ? "" : ", ";
    out += element;
  }
  return out;
}

std::string hexMark(std::uint32_t mark) {
  std::array<char, 16> buffer{};
  std::snprintf(buffer.data(), buffer.size(), "0x%x", mark);
  return buffer.data();
}

void renderChains(std::ostringstream& out, const FirewallSpec& spec) {
  const auto mark = hexMark(spec.masqueradeMark);
  const auto setMark = "meta mark set meta mark | " + mark;

  // Runs on the first packet of every connection (nat chains), before IPVS rewrites the destination.
  out << "\tchain mark_masquerade {\n";
  out << "\t\tip saddr 127.0.0.0/8 return comment \"localhost is never proxied\"\n";
  out << "\t\tip6 saddr ::1 return\n";
  for (const auto family : kFamilies) {
    const auto ip = ipKeyword(family);
    const auto key = std::string(ip) + " daddr . meta l4proto . th dport";
    out << "\t\t" << key << " @" << setName("external", family) << " " << setMark
        << " comment \"external IP, LB, NodePort with ETP Cluster\"\n";
    out << "\t\t" << key << " @" << setName("cluster_ips", family) << " ";
    if (!spec.masqueradeAll) {
      out << ip << " saddr != @" << setName("cluster_cidrs", family) << " ";
    }
    out << setMark << " comment \"ClusterIP from outside the cluster\"\n";
  }
  out << "\t}\n\n";

  out << "\tchain prerouting {\n\t\ttype nat hook prerouting priority dstnat; policy accept;\n"
         "\t\tjump mark_masquerade\n\t}\n\n";
  out << "\tchain output {\n\t\ttype nat hook output priority -100; policy accept;\n"
         "\t\tjump mark_masquerade\n\t}\n\n";

  out << "\tchain postrouting {\n\t\ttype nat hook postrouting priority srcnat; policy accept;\n";
  out << "\t\tmeta mark & " << mark << " == " << mark << " meta mark set meta mark ^ " << mark
      << " masquerade fully-random\n";
  for (const auto family : kFamilies) {
    const auto ip = ipKeyword(family);
    out << "\t\t" << ip << " saddr . " << ip << " daddr @" << setName("hairpin", family)
        << " masquerade fully-random comment \"hairpin: an endpoint reaching itself through its service\"\n";
  }
  out << "\t}\n\n";

  // Priority filter runs before IPVS (LOCAL_IN at srcnat - 2), so dropped packets never reach a real server.
  out << "\tchain input {\n\t\ttype filter hook input priority filter; policy accept;\n";
  for (const auto family : kFamilies) {
    const auto ip = std::string(ipKeyword(family));
    const auto key = ip + " daddr . meta l4proto . th dport";
    out << "\t\tiifname != \"lo\" " << key << " @" << setName("source_ranges", family) << " " << key << " . "
        << ip << " saddr != @" << setName("source_ranges_allowed", family)
        << " drop comment \"loadBalancerSourceRanges\"\n";
  }
  for (const auto family : kFamilies) {
    const auto ip = std::string(ipKeyword(family));
    const auto key = ip + " daddr . meta l4proto . th dport";
    out << "\t\tct state new meta l4proto { tcp, udp, sctp } " << ip << " daddr @" << setName("vips", family);
    for (const auto* base : {"cluster_ips", "external", "external_local"}) {
      out << " " << key << " != @" << setName(base, family);
    }
    out << " reject comment \"VIP guard: only service ports answer on kipvs0 addresses\"\n";
  }
  out << "\t}\n";
}

}  // namespace

NftSetContents renderSetContents(const FirewallSpec& spec) {
  NftSetContents sets;
  for (const auto family : kFamilies) {
    for (const auto& decl : kSets) {
      sets[setName(decl.name, family)];
    }
    for (const auto& cidr : outermost(spec.clusterCidrs, family)) {
      sets[setName("cluster_cidrs", family)].insert(cidrText(cidr));
    }
  }
  addEntries(sets, "cluster_ips", spec.clusterIps);
  addEntries(sets, "external", spec.external);
  addEntries(sets, "external_local", spec.externalLocal);
  for (const auto& address : spec.guardedAddresses) {
    sets[setName("vips", address.family())].insert(address.toString());
  }
  for (const auto& rule : spec.sourceRanges) {
    const auto family = rule.entry.address.family();
    sets[setName("source_ranges", family)].insert(entryText(rule.entry));
    for (const auto& cidr : outermost(rule.allowed, family)) {
      sets[setName("source_ranges_allowed", family)].insert(entryText(rule.entry) + " . " + cidrText(cidr));
    }
  }
  for (const auto& address : spec.hairpinEndpoints) {
    sets[setName("hairpin", address.family())].insert(address.toString() + " . " + address.toString());
  }
  return sets;
}

std::string renderTable(const FirewallSpec& spec) {
  return renderTable(renderSetContents(spec), spec);
}

std::string renderTable(const NftSetContents& contents, const FirewallSpec& rules) {
  std::ostringstream out;
  out << "table " << kNftFamily << " " << kNftTable << " {\n";
  for (const auto family : kFamilies) {
    for (const auto& decl : kSets) {
      const auto name = setName(decl.name, family);
      out << "\tset " << name << " {\n\t\ttype " << setType(decl.type, family) << "\n";
      if (decl.interval) {
        out << "\t\tflags interval\n";
      }
      const auto& elements = contents.at(name);
      if (!elements.empty()) {
        out << "\t\telements = { " << renderElements(elements) << " }\n";
      }
      out << "\t}\n\n";
    }
  }
  renderChains(out, rules);
  out << "}\n";
  return out.str();
}

std::string renderDelete() {
  const auto table = std::string(kNftFamily) + " " + std::string(kNftTable);
  return "table " + table + "\ndelete table " + table + "\n";
}

std::string renderReplace(const FirewallSpec& spec) {
  return renderDelete() + renderTable(spec);
}

bool rulesEqual(const FirewallSpec& a, const FirewallSpec& b) {
  return a.masqueradeAll == b.masqueradeAll && a.masqueradeMark == b.masqueradeMark;
}

std::string renderElementChanges(const NftSetContents& gone, const NftSetContents& added) {
  const auto prefix = std::string(kNftFamily) + " " + std::string(kNftTable) + " ";
  const auto render = [&](const NftSetContents& sets, std::string_view verb) {
    std::string out;
    for (const auto& [name, elements] : sets) {
      if (!elements.empty()) {
        out.append(verb).append(" element ").append(prefix).append(name).append(" { ");
        out.append(renderElements(elements)).append(" }\n");
      }
    }
    return out;
  };
  // Removals first: an interval set must never hold two overlapping prefixes, even inside the transaction.
  return render(gone, "delete") + render(added, "add");
}

std::string renderUpdate(const FirewallSpec& from, const FirewallSpec& to) {
  return renderUpdate(renderSetContents(from), renderSetContents(to));
}

std::string renderUpdate(const NftSetContents& before, const NftSetContents& after) {
  NftSetContents gone;
  NftSetContents added;
  for (const auto& [name, elements] : after) {
    const auto& old = before.at(name);
    std::set_difference(old.begin(), old.end(), elements.begin(), elements.end(),
                        std::inserter(gone[name], gone[name].end()));
    std::set_difference(elements.begin(), elements.end(), old.begin(), old.end(),
                        std::inserter(added[name], added[name].end()));
  }
  return renderElementChanges(gone, added);
}

std::string renderDelta(NftSetContents& applied, const core::FirewallDelta& delta) {
  auto gone = renderSetContents(delta.removed);
  auto added = renderSetContents(delta.added);
  for (auto& [name, elements] : gone) {
    auto& current = applied[name];
    auto& arriving = added[name];
    std::erase_if(elements, [&](const std::string& element) {
      // Leaving and arriving in the same change (a rule rewritten): it stays. Absent: nothing to delete.
      return arriving.erase(element) > 0 || !current.contains(element);
    });
    std::erase_if(arriving, [&](const std::string& element) { return current.contains(element); });
    for (const auto& element : elements) {
      current.erase(element);
    }
    current.insert(arriving.begin(), arriving.end());
  }
  return renderElementChanges(gone, added);
}

}  // namespace kipvs::host
