#pragma once

// kube-proxy's iptables rules and ipsets, read and removed through the iptables and ipset tools.
//
// Why the tools and not libiptc / libipset (both packaged in Debian 12 as libiptc-dev, libipset-dev):
// kube-proxy wrote its rules with `iptables-restore` through whichever backend the node uses, and a node
// may hold rules in both: iptables-nft (nf_tables tables "ip nat"/"ip filter" in the compat format) and
// iptables-legacy (the x_tables get/setsockopt ABI). libiptc speaks only the legacy ABI, so it could
// clean half of them; the nft backend's compat encoding has no library of its own. `iptables-restore
// --noflush` applies one table's deletions in a single atomic commit in both backends (all or nothing:
// never a half-removed set of chains) and takes the xtables lock (--wait) as kube-proxy does. ipset is
// driven the same way (`ipset save`, `ipset destroy`), so one code path reads and removes everything,
// and the packages only recommend two tools every kube-proxy node already has.
// ipset has no transactions: sets are destroyed one `ipset destroy` at a time, so one that someone else
// still references fails alone.

#include <optional>
#include <string>
#include <vector>

namespace kipvs::host {

// One iptables front end: "iptables-nft", "ip6tables-nft", "iptables-legacy" or "ip6tables-legacy".
class IptablesCli {
 public:
  explicit IptablesCli(std::string backend) : backend_(std::move(backend)) {}

  // The four front ends, those whose -save tool is installed.
  static std::vector<IptablesCli> installed();

  const std::string& backend() const { return backend_; }
  // `<backend>-save`; throws std::runtime_error with the tool's message when it fails.
  std::string save() const;
  // `<backend>-restore --noflush --wait=5`: the script's tables each in one commit. Throws on failure.
  void restore(const std::string& script) const;

 private:
  std::string backend_;
};

// `ipset save`; nullopt when the ipset tool is not installed.
std::optional<std::string> ipsetSave();
// `ipset destroy <name>`. Throws std::runtime_error on failure (in use, or gone).
void ipsetDestroy(const std::string& name);

}  // namespace kipvs::host
