#include "host/sysctls.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <system_error>

namespace kipvs::host {
namespace {

namespace fs = std::filesystem;

// A fake /proc/sys: a temporary directory with the files a kernel with ip_vs would have.
class FakeProcSys : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "kipvs-sysctl-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
    for (const auto* key :
         {"net/ipv4/vs/conntrack", "net/ipv4/vs/expire_nodest_conn", "net/ipv4/vs/expire_quiescent_template",
          "net/ipv4/vs/conn_reuse_mode", "net/ipv4/ip_forward", "net/ipv4/conf/all/arp_ignore",
          "net/ipv4/conf/all/arp_announce", "net/ipv6/conf/all/forwarding"}) {
      put(key, key == std::string("net/ipv4/vs/conn_reuse_mode") ? "1" : "0");
    }
  }
  void TearDown() override { fs::remove_all(root_); }

  void put(const std::string& key, const std::string& value) {
    fs::create_directories((root_ / key).parent_path());
    std::ofstream(root_ / key) << value << "\n";
  }
  std::string get(const std::string& key) {
    std::ifstream in(root_ / key);
    std::string value;
    in >> value;
    return value;
  }

  fs::path root_;
};

TEST_F(FakeProcSys, ReadTrimsAndWriteReplacesTheValue) {
  const Sysctls sysctls(root_);
  put("net/ipv4/ip_forward", "  0\t");
  EXPECT_EQ(sysctls.read("net/ipv4/ip_forward"), "0");
  sysctls.write("net/ipv4/ip_forward", "1");
  EXPECT_EQ(sysctls.read("net/ipv4/ip_forward"), "1");
}

TEST_F(FakeProcSys, MissingIpvsKeyNamesTheModule) {
  fs::remove_all(root_ / "net/ipv4/vs");
  const Sysctls sysctls(root_);
  try {
    sysctls.write("net/ipv4/vs/conntrack", "1");
    FAIL() << "no exception";
  } catch (const std::system_error& error) {
    EXPECT_EQ(error.code().value(), ENOENT);
    EXPECT_NE(std::string(error.what()).find("sysctl net/ipv4/vs/conntrack: open "), std::string::npos);
    EXPECT_NE(std::string(error.what()).find("is the ip_vs module loaded?"), std::string::npos);
  }
}

TEST_F(FakeProcSys, AppliesTheIpvsSettingsAndReportsOnlyChanges) {
  const Sysctls sysctls(root_);
  put("net/ipv4/ip_forward", "1");
  const auto changes = applyKernelSettings(sysctls, {}, KernelVersion{6, 1, 0}, nullptr);
  EXPECT_EQ(changes, (std::vector<SysctlChange>{{"net/ipv4/vs/conntrack", "0", "1"},
                                                {"net/ipv4/vs/expire_nodest_conn", "0", "1"},
                                                {"net/ipv4/vs/expire_quiescent_template", "0", "1"}}));
  EXPECT_EQ(get("net/ipv4/vs/conn_reuse_mode"), "1");   // fixed kernel: left alone
  EXPECT_EQ(get("net/ipv4/conf/all/arp_ignore"), "0");  // no strict ARP asked
  EXPECT_EQ(get("net/ipv6/conf/all/forwarding"), "0");  // no IPv6 asked
  EXPECT_TRUE(applyKernelSettings(sysctls, {}, KernelVersion{6, 1, 0}, nullptr).empty());
}

TEST_F(FakeProcSys, OldKernelGetsConnReuseModeZeroAndStrictArpSetsBothKeys) {
  const Sysctls sysctls(root_);
  applyKernelSettings(sysctls, {.strictArp = true, .ipv6Forwarding = false, .timeouts = {}},
                      KernelVersion{5, 4, 0}, nullptr);
  EXPECT_EQ(get("net/ipv4/vs/conn_reuse_mode"), "0");
  EXPECT_EQ(get("net/ipv4/conf/all/arp_ignore"), "1");
  EXPECT_EQ(get("net/ipv4/conf/all/arp_announce"), "2");
}

TEST_F(FakeProcSys, Ipv6ForwardingOnlyWhenAsked) {
  const Sysctls sysctls(root_);
  const auto changes = applyKernelSettings(
      sysctls, {.strictArp = false, .ipv6Forwarding = true, .timeouts = {}}, {6, 1, 0}, nullptr);
  EXPECT_EQ(changes.back(), (SysctlChange{"net/ipv6/conf/all/forwarding", "0", "1"}));
  EXPECT_EQ(get("net/ipv6/conf/all/forwarding"), "1");
}

TEST_F(FakeProcSys, TimeoutsGoThroughTheHookOnlyWhenSet) {
  const Sysctls sysctls(root_);
  std::vector<IpvsTimeouts> calls;
  const auto hook = [&](const IpvsTimeouts& timeouts) { calls.push_back(timeouts); };
  applyKernelSettings(sysctls, {}, KernelVersion{6, 1, 0}, hook);
  EXPECT_TRUE(calls.empty());
  applyKernelSettings(
      sysctls,
      {.strictArp = false, .ipv6Forwarding = false, .timeouts = {.tcp = 900, .tcpFin = 0, .udp = 30}},
      KernelVersion{6, 1, 0}, hook);
  EXPECT_EQ(calls, (std::vector<IpvsTimeouts>{{.tcp = 900, .tcpFin = 0, .udp = 30}}));
}

TEST(KernelVersion, ParsesUnameReleases) {
  EXPECT_EQ(KernelVersion::parse("6.1.0-26-amd64"), (KernelVersion{6, 1, 0}));
  EXPECT_EQ(KernelVersion::parse("5.10.209"), (KernelVersion{5, 10, 209}));
  EXPECT_EQ(KernelVersion::parse("4.19"), (KernelVersion{4, 19, 0}));
  EXPECT_EQ(KernelVersion::parse("6.8-rc1"), (KernelVersion{6, 8, 0}));
  EXPECT_FALSE(KernelVersion::parse("linux"));
  EXPECT_FALSE(KernelVersion::parse("6"));
  EXPECT_FALSE(KernelVersion::parse(""));
}

TEST(KernelVersion, ConnReuseModeWorkaroundOnlyBetween41And59) {
  EXPECT_FALSE(needsConnReuseModeZero({4, 0, 9}));
  EXPECT_TRUE(needsConnReuseModeZero({4, 1, 0}));
  EXPECT_TRUE(needsConnReuseModeZero({5, 8, 18}));
  EXPECT_FALSE(needsConnReuseModeZero({5, 9, 0}));
  EXPECT_FALSE(needsConnReuseModeZero({6, 1, 0}));
}

}  // namespace
}  // namespace kipvs::host
