// Independent clients against the published tree: busctl and gdbus see what the XML promises.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "bus/wire.hpp"
#include "dbus/bus_names.hpp"
#include "known_state.hpp"
#include "private_bus.hpp"
#include "process.hpp"
#include "test_server.hpp"

namespace kipvs::test {
namespace {

using ::testing::HasSubstr;

struct Member {
  std::string kind;  // method, property, signal
  std::string name;
  std::string type;  // properties only
};

// The members the contract declares, read from the XML itself.
std::vector<Member> contractMembers(const std::string& interface) {
  std::ifstream in(std::string(KIPVS_DBUS_XML_DIR) + "/" + interface + ".xml");
  std::stringstream text;
  text << in.rdbuf();
  const std::string xml = text.str();
  std::vector<Member> members;
  const std::regex element(R"re(<(method|property|signal) name="([A-Za-z]+)"(?: type="([^"]+)")?)re");
  for (auto it = std::sregex_iterator(xml.begin(), xml.end(), element); it != std::sregex_iterator(); ++it) {
    members.push_back({(*it)[1], (*it)[2], (*it)[3]});
  }
  return members;
}

class ExternalTools : public ::testing::Test {
 protected:
  PrivateBus bus_;
  TestServer server_{bus_.address(), knownState()};

  ProcessResult busctl(std::vector<std::string> args) {
    args.insert(args.begin(), {"busctl", "--address=" + bus_.address()});
    return runProcess(args);
  }
  ProcessResult gdbus(std::vector<std::string> args) {
    args.insert(args.begin() + 1, {"--address", bus_.address()});
    args.insert(args.begin(), "gdbus");
    return runProcess(args);
  }
};

const std::string kManager = "org.kipvs.Proxy1.Manager";
const std::string kService = "org.kipvs.Proxy1.VirtualService";

TEST_F(ExternalTools, BusctlIntrospectShowsEveryManagerMember) {
  const auto r = busctl({"introspect", dbus::kBusName, dbus::kRootPath, kManager});
  ASSERT_EQ(r.exitCode, 0) << r.err;
  const auto members = contractMembers(kManager);
  EXPECT_EQ(members.size(),
            11U + 10U + 2U);  // properties, methods (Reload the ninth, Plan the tenth), signals
  for (const auto& m : members) {
    const std::regex line(
        "\\n\\." + m.name + " +" + m.kind + " +" +
        (m.type.empty() ? "" : std::regex_replace(m.type, std::regex(R"([()])"), R"(\$&)")));
    EXPECT_TRUE(std::regex_search(r.out, line)) << m.kind << ' ' << m.name << " missing in\n" << r.out;
  }
  EXPECT_TRUE(std::regex_search(
      r.out, std::regex("\\n\\.Version +property +s +\"" + std::string(dbus::kVersion) + "\" +const")));
  EXPECT_THAT(r.out, HasSubstr("ssa(sqssbs)"));  // Explain's out signature
}

TEST_F(ExternalTools, BusctlIntrospectShowsEveryVirtualServiceMember) {
  const auto path = bus::servicePath(tcpKey("10.96.0.1", 443));
  const auto r = busctl({"introspect", dbus::kBusName, path, kService});
  ASSERT_EQ(r.exitCode, 0) << r.err;
  for (const auto& m : contractMembers(kService)) {
    EXPECT_TRUE(std::regex_search(r.out, std::regex("\\n\\." + m.name + " +" + m.kind))) << m.name;
  }
  EXPECT_THAT(r.out, HasSubstr("\"TCP 10.96.0.1:443\""));
  EXPECT_THAT(r.out, HasSubstr(".RealServers"));
}

TEST_F(ExternalTools, BusctlTreeShowsOneChildPerVirtualService) {
  const auto r = busctl({"tree", dbus::kBusName, "--list"});
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_EQ(r.out, "/\n/org\n/org/kipvs\n" + std::string(dbus::kRootPath) + "\n" + dbus::kServicePathPrefix +
                       "\n" + bus::servicePath(tcpKey("10.96.0.1", 443)) + "\n" +
                       bus::servicePath(tcpKey("fd00::20", 80)) + "\n" + dbus::kServicePathPrefix +
                       "/UDP_2010_2e96_2e0_2e10_3a53\n");
}

TEST_F(ExternalTools, BusctlCallListVirtualServicesReturnsTheTable) {
  const auto r = busctl({"call", dbus::kBusName, dbus::kRootPath, kManager, "ListVirtualServices"});
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_TRUE(
      r.out.starts_with("a(osssssssqusasusa(sqisssbbbbb)) 3 \"" + bus::servicePath(tcpKey("10.96.0.1", 443)) +
                        "\" \"TCP 10.96.0.1:443\" \"default\" \"kubernetes\" \"https\" \"ClusterIP\" \"TCP\" "
                        "\"10.96.0.1\" 443 0 \"rr\" 0 0 \"\" 2 \"192.168.1.10\" 6443 1 \"Masq\" \"\" "
                        "\"node-a\" true true false true false"))
      << r.out;
}

TEST_F(ExternalTools, BusctlCallExplainAndGetProperty) {
  auto r = busctl(
      {"call", dbus::kBusName, dbus::kRootPath, kManager, "Explain", "sqs", "10.96.0.1", "443", "TCP"});
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_THAT(r.out,
              HasSubstr("\"TCP 10.96.0.1:443\" \"externalTrafficPolicy=Cluster: every ready endpoint\" 2"));
  r = busctl({"get-property", dbus::kBusName, dbus::kRootPath, kManager, "SyncState", "VirtualServiceCount"});
  EXPECT_EQ(r.out, "s \"synced\"\nu 3\n");
}

TEST_F(ExternalTools, MalformedCallsGetNamedErrorsAndTheServerLives) {
  auto r = gdbus({"call", "--dest", dbus::kBusName, "--object-path", dbus::kRootPath, "--method",
                  kManager + ".GetVirtualService", "garbage"});
  EXPECT_NE(r.exitCode, 0);
  EXPECT_THAT(r.err, HasSubstr(dbus::kErrorInvalidArgument));
  r = gdbus({"call", "--dest", dbus::kBusName, "--object-path", dbus::kRootPath, "--method",
             kManager + ".Drain", "galaxy", "far-away"});
  EXPECT_THAT(r.err, HasSubstr(dbus::kErrorInvalidArgument));
  r = busctl({"call", dbus::kBusName, dbus::kRootPath, kManager, "Explain", "uu", "1", "2"});
  EXPECT_THAT(r.err, HasSubstr("Invalid arguments 'uu'"));
  r = busctl({"call", dbus::kBusName, dbus::kRootPath, kManager, "NoSuchMethod"});
  EXPECT_NE(r.exitCode, 0);
  r = busctl({"get-property", dbus::kBusName, dbus::kRootPath, kManager, "VirtualServiceCount"});
  EXPECT_EQ(r.out, "u 3\n");  // still serving
}

TEST_F(ExternalTools, GdbusSeesTheObjectManagerTree) {
  auto r = gdbus({"introspect", "--dest", dbus::kBusName, "--object-path", dbus::kRootPath, "--recurse"});
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("interface org.freedesktop.DBus.ObjectManager"));
  EXPECT_THAT(r.out, HasSubstr("node /org/kipvs/Proxy1/service/TCP_2010_2e96_2e0_2e1_3a443"));
  EXPECT_THAT(r.out, HasSubstr("readonly s Key = 'TCP [fd00::20]:80';"));
  r = gdbus({"call", "--dest", dbus::kBusName, "--object-path", dbus::kRootPath, "--method",
             "org.freedesktop.DBus.ObjectManager.GetManagedObjects"});
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("'Name': <'kube-dns'>"));
  EXPECT_THAT(r.out, HasSubstr("'Problem': <'loadBalancerSourceRanges ignored for IPv6'>"));
}

}  // namespace
}  // namespace kipvs::test
