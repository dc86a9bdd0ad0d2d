// Decoding of D-Bus arguments: every malformed input is a named error, never a crash.

#include "bus/arguments.hpp"

#include <gtest/gtest.h>
#include <sdbus-c++/Error.h>

#include "dbus/bus_names.hpp"

namespace kipvs::bus {
namespace {

core::VirtualServiceKey key(const char* address, std::uint16_t port,
                            core::Protocol protocol = core::Protocol::Tcp) {
  const auto ip = *core::IpAddress::parse(address);
  return {.family = ip.family(), .protocol = protocol, .address = ip, .port = port};
}

std::string errorOf(const std::function<void()>& call) {
  try {
    call();
  } catch (const sdbus::Error& e) {
    return e.getName();
  }
  return "none";
}

TEST(ParseKey, RoundTripsTheCanonicalSpelling) {
  for (const auto& k : {key("10.96.0.1", 443), key("fd00::a", 53, core::Protocol::Udp),
                        key("192.168.0.1", 65535, core::Protocol::Sctp)}) {
    const auto parsed = parseKey(k.toString());
    ASSERT_TRUE(parsed) << k.toString();
    EXPECT_EQ(*parsed, k);
  }
  core::VirtualServiceKey fwm;
  fwm.fwmark = 7;
  EXPECT_EQ(parseKey("FWM 7 IPv4"), fwm);
  EXPECT_EQ(parseKey("FWM 7 IPv6")->family, core::IpFamily::V6);
}

TEST(ParseKey, RejectsEverythingElse) {
  for (const char* bad : {"",
                          " ",
                          "TCP",
                          "TCP ",
                          "tcp 10.0.0.1:80",
                          "TCP 10.0.0.1",
                          "TCP 10.0.0.1:",
                          "TCP 10.0.0.1:0",
                          "TCP 10.0.0.1:65536",
                          "TCP fd00::1:80",
                          "TCP [fd00::1]",
                          "TCP [fd00::1:80",
                          "TCP  10.0.0.1:80",
                          "TCP 10.0.0.1:80 ",
                          "ICMP 10.0.0.1:80",
                          "FWM 0 IPv4",
                          "FWM x IPv4",
                          "FWM 7",
                          "FWM 7 IPv5",
                          "TCP [10.0.0.1]:80",
                          "TCP 010.0.0.1:80"}) {
    EXPECT_FALSE(parseKey(bad)) << bad;
  }
}

TEST(RequireDrainTarget, DecodesEachScope) {
  EXPECT_EQ(requireDrainTarget("node", "").scope, core::DrainTarget::Scope::Node);
  const auto byName = requireDrainTarget("service", "web/shop:http");
  EXPECT_EQ(byName.service, (core::ObjectKey{"web", "shop"}));
  EXPECT_EQ(byName.portName, "http");
  EXPECT_FALSE(requireDrainTarget("service", "web/shop").portName);
  EXPECT_EQ(requireDrainTarget("service", "UDP 10.96.0.10:53").virtualKey,
            key("10.96.0.10", 53, core::Protocol::Udp));
  EXPECT_EQ(requireDrainTarget("endpoint", "fd00::5").address, core::IpAddress::parse("fd00::5"));
  EXPECT_EQ(requireDrainTarget("endpoint", "10.1.2.3").address, core::IpAddress::parse("10.1.2.3"));
}

TEST(RequireDrainTarget, MalformedTargetsAreInvalidArguments) {
  const std::vector<std::pair<const char*, const char*>> bad{{"", ""},
                                                             {"Node", ""},
                                                             {"node", "x"},
                                                             {"service", ""},
                                                             {"service", "/"},
                                                             {"service", "a/"},
                                                             {"service", "/b"},
                                                             {"service", "a/b:"},
                                                             {"service", "a/:p"},
                                                             {"service", "a/b/c"},
                                                             {"endpoint", ""},
                                                             {"endpoint", "host:80"},
                                                             {"endpoint", "10.0.0.1:80"},
                                                             {"endpoint", "[fd00::1]:80"},
                                                             {"endpoint", "10.0.0.1:99999"}};
  for (const auto& [scope, target] : bad) {
    // (clang before 16 cannot capture structured bindings, hence the named captures)
    EXPECT_EQ(errorOf([&s = scope, &t = target] { requireDrainTarget(s, t); }), dbus::kErrorInvalidArgument)
        << scope << " '" << target << "'";
  }
}

TEST(RequireEndpointKey, ValidatesAddressPortAndProtocol) {
  EXPECT_EQ(requireEndpointKey("fd00::1", 80, "TCP"), key("fd00::1", 80));
  EXPECT_EQ(errorOf([] { requireEndpointKey("fd00::1", 80, "tcp"); }), dbus::kErrorInvalidArgument);
  EXPECT_EQ(errorOf([] { requireEndpointKey("x", 80, "TCP"); }), dbus::kErrorInvalidArgument);
  EXPECT_EQ(errorOf([] { requireEndpointKey("10.0.0.1", 0, "UDP"); }), dbus::kErrorInvalidArgument);
}

TEST(RequireLogLevel, AcceptsTheLogFacadeNames) {
  EXPECT_EQ(requireLogLevel("debug"), log::Level::Debug);
  EXPECT_EQ(requireLogLevel("error"), log::Level::Error);
  EXPECT_EQ(errorOf([] { requireLogLevel("DEBUG"); }), dbus::kErrorInvalidArgument);
}

TEST(RethrowAsBusError, MapsControlErrorsToNamedErrors) {
  using Code = core::ControlError::Code;
  const auto mapped = [](auto thrower) {
    return errorOf([&] {
      try {
        thrower();
      } catch (...) {
        rethrowAsBusError("testing");
      }
    });
  };
  EXPECT_EQ(mapped([] { throw core::ControlError(Code::NotFound, "x"); }), dbus::kErrorNotFound);
  EXPECT_EQ(mapped([] { throw core::ControlError(Code::Unavailable, "x"); }), dbus::kErrorUnavailable);
  EXPECT_EQ(mapped([] { throw core::ControlError(Code::InvalidArgument, "x"); }),
            dbus::kErrorInvalidArgument);
  EXPECT_EQ(mapped([] { throw std::runtime_error("boom"); }), dbus::kErrorFailed);
}

}  // namespace
}  // namespace kipvs::bus
