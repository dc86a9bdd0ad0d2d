#pragma once

// The known state the bus tests publish and check: three virtual services of two Services, and a
// synthetic state of any size for the scale test.

#include <cstddef>

#include "core/control_port.hpp"
#include "core/desired_state.hpp"

namespace kipvs::test {

core::IpAddress ip(const char* text);
core::VirtualServiceKey tcpKey(const char* address, std::uint16_t port);

// default/kubernetes:https  TCP 10.96.0.1:443   rr,  2 real servers (one drained)
// kube-system/kube-dns:dns  UDP 10.96.0.10:53   rr,  1 real server
// web/shop:http             TCP [fd00::20]:80   sh persistent 10800, 1 real server, terminating
core::DesiredState knownState();
// knownState() with kube-dns removed, shop's scheduler changed and TCP 10.96.0.50:8080 (web/new) added.
core::DesiredState changedState();
core::AgentStatus knownStatus();
core::IpvsStats knownStats(std::uint64_t seed);
// n ClusterIP services 10.(n/65536).x.y:80 with `reals` real servers each (pods named like a
// Deployment's: "<service>-7d4b9c6f5d-<n>").
core::DesiredState syntheticState(std::size_t n, int reals = 2);

}  // namespace kipvs::test
