// Core values → contract structs.

#include "bus/wire.hpp"

#include <gtest/gtest.h>

namespace kipvs::bus {
namespace {

TEST(ServicePath, EscapesTheKeyWithSdBusPathEncode) {
  core::VirtualServiceKey key{.family = core::IpFamily::V4,
                              .protocol = core::Protocol::Tcp,
                              .address = *core::IpAddress::parse("10.96.0.1"),
                              .port = 443};
  EXPECT_EQ(servicePath(key), "/org/kipvs/Proxy1/service/TCP_2010_2e96_2e0_2e1_3a443");
}

TEST(FlagNames, NamesEveryShownFlagAndHidesHashed) {
  namespace f = core::svc_flags;
  EXPECT_EQ(flagNames(f::kPersistent | f::kHashed | f::kSched2),
            (std::vector<std::string>{"persistent", "sched-flag-2"}));
  EXPECT_TRUE(flagNames(0).empty());
}

TEST(PersistenceOf, IsZeroUnlessPersistent) {
  core::VirtualService vs;
  vs.timeout = 300;
  EXPECT_EQ(persistenceOf(vs), 0U);
  vs.flags = core::svc_flags::kPersistent;
  EXPECT_EQ(persistenceOf(vs), 300U);
}

TEST(ToWire, CarriesEveryRealServerField) {
  core::DesiredRealServer real;
  real.server.address = *core::IpAddress::parse("fd00::7");
  real.server.port = 8080;
  real.server.weight = 0;
  real.endpoint = {
      .pod = "p", .node = "n", .ready = false, .serving = true, .terminating = true, .local = true};
  real.drained = true;
  EXPECT_EQ(toWire(real),
            (RealServerWire{"fd00::7", 8080, 0, "Masq", "p", "n", false, true, true, true, true}));
}

}  // namespace
}  // namespace kipvs::bus
