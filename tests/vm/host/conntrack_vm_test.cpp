// Conntrack flush against the VM's kernel: entries made by real UDP flows through IPVS.

#include <gtest/gtest.h>

#include "datapath_fixture.hpp"
#include "host/conntrack_flush.hpp"

namespace kipvs::host {
namespace {

using core::IpAddress;
using core::Protocol;
using vmtest::shOk;
using vmtest::udpQuery;

int entries(const std::string& filter) {
  const auto out = vmtest::sh("conntrack -L -p udp " + filter).output;
  int count = 0;
  for (std::size_t at = out.find("udp "); at != std::string::npos; at = out.find("udp ", at + 1)) {
    ++count;
  }
  return count;
}

TEST_F(DataPath, FlushDeletesTheUdpEntriesOfOneServiceAndRealServerOnly) {
  firewall_->apply(baseSpec());
  ASSERT_EQ(udpQuery("client", "10.96.0.10", 53, 40000), "peer=10.244.1.1");
  ASSERT_EQ(udpQuery("client", "198.51.100.1", 30053, 40001), "peer=10.244.1.1");
  ASSERT_EQ(entries("--orig-dst 10.96.0.10 --orig-port-dst 53"), 1) << shOk("conntrack -L");
  ASSERT_EQ(entries("--orig-dst 198.51.100.1 --orig-port-dst 30053"), 1);

  NetlinkConntrack conntrack;
  const ConntrackFilter otherServer{.destination = *IpAddress::parse("10.96.0.10"),
                                    .protocol = Protocol::Udp,
                                    .port = 53,
                                    .replySource = IpAddress::parse("10.244.1.99")};
  EXPECT_EQ(conntrack.flush(otherServer), 0U);
  const ConntrackFilter otherProtocol{.destination = *IpAddress::parse("10.96.0.10"),
                                      .protocol = Protocol::Tcp,
                                      .port = 53,
                                      .replySource = std::nullopt};
  EXPECT_EQ(conntrack.flush(otherProtocol), 0U);
  EXPECT_EQ(entries("--orig-dst 10.96.0.10 --orig-port-dst 53"), 1);

  const ConntrackFilter stale{.destination = *IpAddress::parse("10.96.0.10"),
                              .protocol = Protocol::Udp,
                              .port = 53,
                              .replySource = IpAddress::parse("10.244.1.5")};
  EXPECT_EQ(conntrack.flush(stale), 1U);
  EXPECT_EQ(entries("--orig-dst 10.96.0.10 --orig-port-dst 53"), 0) << shOk("conntrack -L");
  EXPECT_EQ(entries("--orig-dst 198.51.100.1 --orig-port-dst 30053"), 1);  // another service: kept

  // The next datagram from the same client port makes a fresh entry and is answered.
  EXPECT_EQ(udpQuery("client", "10.96.0.10", 53, 40000), "peer=10.244.1.1");
  ASSERT_EQ(entries("--orig-dst 10.96.0.10 --orig-port-dst 53"), 1);

  core::ConntrackPort& port = conntrack;  // what the reconciler calls
  port.flush(*IpAddress::parse("10.96.0.10"), 53, Protocol::Udp, *IpAddress::parse("10.244.1.5"));
  EXPECT_EQ(entries("--orig-dst 10.96.0.10 --orig-port-dst 53"), 0);
}

}  // namespace
}  // namespace kipvs::host
