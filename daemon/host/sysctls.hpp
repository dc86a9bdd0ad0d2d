#pragma once

// Kernel settings IPVS proxying needs (kube-proxy pkg/proxy/ipvs/proxier.go NewProxier), written under
// /proc/sys. The root is injectable so tests run against a plain directory.

#include <compare>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kipvs::host {

class Sysctls {
 public:
  explicit Sysctls(std::filesystem::path root = "/proc/sys") : root_(std::move(root)) {}

  // `key` is a path below the root: "net/ipv4/vs/conntrack". Values are trimmed of surrounding whitespace.
  // Both throw std::system_error with the errno and the file, e.g. "sysctl net/ipv4/vs/conntrack: open
  // /proc/sys/net/ipv4/vs/conntrack: No such file or directory (is the ip_vs module loaded?)".
  std::string read(std::string_view key) const;
  void write(std::string_view key, std::string_view value) const;

  const std::filesystem::path& root() const { return root_; }

 private:
  std::filesystem::path root_;
};

struct KernelVersion {
  int major = 0;
  int minor = 0;
  int patch = 0;

  // From a uname release such as "6.1.0-26-amd64" or "5.4.17"; nullopt when it does not start with N.N.
  static std::optional<KernelVersion> parse(std::string_view release);
  static KernelVersion running();  // uname(2); throws when unparsable

  auto operator<=>(const KernelVersion&) const = default;
};

// conn_reuse_mode=0 works around the 1-second SYN delay of kernels >= 4.1 and < 5.9; newer ones are fixed
// and keep the kernel's value (kube-proxy does the same).
bool needsConnReuseModeZero(KernelVersion kernel);

// IPVS connection timeouts in seconds (ipvsadm --set); 0 keeps the kernel's value. Applied through the IPVS
// netlink layer, not /proc/sys, hence a hook.
struct IpvsTimeouts {
  std::uint32_t tcp = 0;
  std::uint32_t tcpFin = 0;
  std::uint32_t udp = 0;

  bool any() const { return tcp != 0 || tcpFin != 0 || udp != 0; }
  bool operator==(const IpvsTimeouts&) const = default;
};

struct KernelSettings {
  bool strictArp = false;  // arp_ignore=1, arp_announce=2 on all: no ARP replies for VIPs on kipvs0
  // net/ipv6/conf/all/forwarding=1. IPv6 services need it: replies from real servers are un-NATed by IPVS in
  // the forward path (IPv4 gets ip_forward=1 always, as in kube-proxy). Opt-in because forwarding makes the
  // kernel ignore router advertisements (unless accept_ra=2): the caller sets it when it programs IPv6.
  bool ipv6Forwarding = false;
  IpvsTimeouts timeouts;
};

struct SysctlChange {
  std::string key;
  std::string before;
  std::string after;

  bool operator==(const SysctlChange&) const = default;
};

// The (key, value) pairs kipvs wants for `settings` on `kernel`, in the order they are written.
std::vector<std::pair<std::string, std::string>> wantedSysctls(const KernelSettings& settings,
                                                               KernelVersion kernel);

// Writes every wanted sysctl whose value differs; returns what changed (for the log). Calls
// `setIpvsTimeouts` when any timeout is set. Stops at the first failure (std::system_error).
std::vector<SysctlChange> applyKernelSettings(
    const Sysctls& sysctls, const KernelSettings& settings, KernelVersion kernel,
    const std::function<void(const IpvsTimeouts&)>& setIpvsTimeouts);

}  // namespace kipvs::host
