#pragma once

// The data-path world of the host VM tests, built once per test program by host.sh and this fixture:
//
//   netns client 198.51.100.2 fd00:198::2   ──veth── 198.51.100.1 fd00:198::1  (node addresses, NodePorts)
//   netns pod    10.244.1.5   fd00:244:1::5 ──veth── 10.244.1.1   fd00:244:1::1 the only real server,
//                                                                              UDP 5353 / TCP 8080
//   netns pod2   10.244.2.6   fd00:244:2::6 ──veth── 10.244.2.1   fd00:244:2::1 another pod in the cluster
//   CIDR kipvs0: 10.96.0.10 and fd00:96::10 (ClusterIP UDP 53 → 5353, TCP 80 → 8080), 192.0.2.20 (LB TCP 80 →
//   8080) NodePorts on 198.51.100.1: UDP 30053 (ETP Cluster), UDP 30054 (ETP Local) → 5353 root namespace: a
//   TCP listener on 0.0.0.0:2222 (what the VIP guard must hide)

#include <gtest/gtest.h>

#include <memory>

#include "core/firewall_spec.hpp"
#include "host/nft_firewall.hpp"
#include "vm_helpers.hpp"

namespace kipvs::host {

class DataPath : public ::testing::Test {
 protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite();

  // The spec matching the world above: cluster CIDRs 10.244.0.0/16 and fd00:244::/32, source ranges of the LB
  // limited to 203.0.113.0/24, hairpin for the pod.
  static core::FirewallSpec baseSpec();

  static std::unique_ptr<NftFirewall> firewall_;
  static std::unique_ptr<vmtest::PeerServer> pod_;
  static std::unique_ptr<vmtest::PeerServer> node_;
};

}  // namespace kipvs::host
