#include "datapath_fixture.hpp"

#include "host/dummy_link.hpp"
#include "host/sysctls.hpp"

namespace kipvs::host {
namespace {

using core::FirewallEntry;
using core::IpAddress;
using core::Protocol;

FirewallEntry entry(const char* address, Protocol protocol, std::uint16_t port) {
  return {.address = *IpAddress::parse(address), .protocol = protocol, .port = port};
}

}  // namespace

std::unique_ptr<NftFirewall> DataPath::firewall_;
std::unique_ptr<vmtest::PeerServer> DataPath::pod_;
std::unique_ptr<vmtest::PeerServer> DataPath::node_;

core::FirewallSpec DataPath::baseSpec() {
  core::FirewallSpec spec;
  spec.clusterCidrs = {*core::Cidr::parse("10.244.0.0/16"), *core::Cidr::parse("fd00:244::/32")};
  spec.clusterIps = {entry("10.96.0.10", Protocol::Udp, 53), entry("10.96.0.10", Protocol::Tcp, 80),
                     entry("fd00:96::10", Protocol::Udp, 53), entry("fd00:96::10", Protocol::Tcp, 80)};
  spec.external = {entry("198.51.100.1", Protocol::Udp, 30053), entry("192.0.2.20", Protocol::Tcp, 80)};
  spec.externalLocal = {entry("198.51.100.1", Protocol::Udp, 30054)};
  spec.guardedAddresses = {*IpAddress::parse("10.96.0.10"), *IpAddress::parse("192.0.2.20"),
                           *IpAddress::parse("fd00:96::10")};
  spec.sourceRanges = {
      {.entry = entry("192.0.2.20", Protocol::Tcp, 80), .allowed = {*core::Cidr::parse("203.0.113.0/24")}}};
  spec.hairpinEndpoints = {*IpAddress::parse("10.244.1.5"), *IpAddress::parse("fd00:244:1::5")};
  return spec;
}

void DataPath::SetUpTestSuite() {
  // vs/conntrack=1, ip_forward=1, IPv6 forwarding (replies of IPv6 real servers are un-NATed when forwarded).
  applyKernelSettings(Sysctls(), {.strictArp = false, .ipv6Forwarding = true, .timeouts = {}},
                      KernelVersion::running(), nullptr);
  DummyLink link;
  link.ensure();
  link.add(*IpAddress::parse("10.96.0.10"));
  link.add(*IpAddress::parse("192.0.2.20"));
  link.add(*IpAddress::parse("fd00:96::10"));
  // IPVS itself is another layer's; ipvsadm programs the virtual services these tests need.
  vmtest::shOk(
      "ipvsadm -A -u 10.96.0.10:53 -s rr && ipvsadm -a -u 10.96.0.10:53 -r 10.244.1.5:5353 -m && "
      "ipvsadm -A -t 10.96.0.10:80 -s rr && ipvsadm -a -t 10.96.0.10:80 -r 10.244.1.5:8080 -m && "
      "ipvsadm -A -t 192.0.2.20:80 -s rr && ipvsadm -a -t 192.0.2.20:80 -r 10.244.1.5:8080 -m && "
      "ipvsadm -A -u 198.51.100.1:30053 -s rr && ipvsadm -a -u 198.51.100.1:30053 -r 10.244.1.5:5353 -m && "
      "ipvsadm -A -u 198.51.100.1:30054 -s rr && ipvsadm -a -u 198.51.100.1:30054 -r 10.244.1.5:5353 -m && "
      "ipvsadm -A -u [fd00:96::10]:53 -s rr && ipvsadm -a -u [fd00:96::10]:53 -r [fd00:244:1::5]:5353 -m && "
      "ipvsadm -A -t [fd00:96::10]:80 -s rr && ipvsadm -a -t [fd00:96::10]:80 -r [fd00:244:1::5]:8080 -m");
  pod_ = std::make_unique<vmtest::PeerServer>("pod", 5353, 8080);
  node_ = std::make_unique<vmtest::PeerServer>("", 0, 2222);
  firewall_ = std::make_unique<NftFirewall>();
}

void DataPath::TearDownTestSuite() {
  pod_.reset();
  node_.reset();
  if (firewall_) {
    firewall_->remove();
  }
  firewall_.reset();
  vmtest::sh("ipvsadm -C");
}

}  // namespace kipvs::host
