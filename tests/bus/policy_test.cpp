// The bus policy (dbus/org.kipvs.Proxy1.conf.in, as built) on a system-like private bus: `nobody` may
// read but not act; `nobody` in the admin group may act; nobody but root owns the name. Without the
// policy, the daemon's own caller check still refuses `nobody`.

#include <fcntl.h>
#include <gmock/gmock.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <unistd.h>

#include "bus/wire.hpp"
#include "dbus/bus_names.hpp"
#include "known_state.hpp"
#include "private_bus.hpp"
#include "process.hpp"
#include "test_server.hpp"

namespace kipvs::test {
namespace {

using ::testing::HasSubstr;

const std::string kManager = "org.kipvs.Proxy1.Manager";

// The admin group must exist before the bus reads the policy. Created for the test run if missing
// (the package creates it on real systems) and removed again afterwards. ctest runs each test case
// as its own process, in parallel: a lock file serialises them around the group's life.
class AdminGroup {
 public:
  AdminGroup() {
    lock_ = open("/tmp/kipvs-bus-policy-test.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (lock_ < 0 || flock(lock_, LOCK_EX) != 0) {
      throw std::runtime_error("cannot lock the policy tests");
    }
    if (getgrnam(dbus::kAdminGroup) == nullptr) {
      const auto r = runProcess({"groupadd", "--system", dbus::kAdminGroup});
      if (r.exitCode != 0) {
        throw std::runtime_error("groupadd " + std::string(dbus::kAdminGroup) + ": " + r.err);
      }
      created_ = true;
    }
    gid_ = getgrnam(dbus::kAdminGroup)->gr_gid;
  }
  ~AdminGroup() {
    if (created_) {
      runProcess({"groupdel", dbus::kAdminGroup});
    }
    close(lock_);  // releases the lock
  }
  gid_t gid() const { return gid_; }

 private:
  int lock_ = -1;
  bool created_ = false;
  gid_t gid_ = 0;
};

class Policy : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ASSERT_EQ(geteuid(), 0U) << "the policy tests switch users: run the bus tier as root";
    group_ = new AdminGroup();
  }
  static void TearDownTestSuite() {
    delete group_;
    group_ = nullptr;
  }

  // gdbus prints the D-Bus error name on failure, so the tests can check which gate refused.
  ProcessResult call(const PrivateBus& bus, const std::string& method, std::vector<std::string> args,
                     const std::vector<gid_t>& groups, bool asRoot = false,
                     const std::string& path = dbus::kRootPath) {
    std::vector<std::string> argv{"gdbus",        "call",          "--address", bus.address(), "--dest",
                                  dbus::kBusName, "--object-path", path,        "--method",    method};
    argv.insert(argv.end(), args.begin(), args.end());
    return runProcess(asRoot ? argv : asNobody(argv, groups), {"HOME=/tmp"});
  }

  static AdminGroup* group_;
};

AdminGroup* Policy::group_ = nullptr;

TEST_F(Policy, NobodyMayReadEverything) {
  PrivateBus bus(PrivateBus::Policy::System);
  TestServer server(bus.address(), knownState());
  for (const auto& [method, args] : std::vector<std::pair<std::string, std::vector<std::string>>>{
           {kManager + ".ListVirtualServices", {}},
           {kManager + ".GetVirtualService", {"TCP 10.96.0.1:443"}},
           {kManager + ".GetStatistics", {}},
           {kManager + ".Explain", {"10.96.0.1", "443", "TCP"}},
           {kManager + ".Plan", {}},
           {"org.freedesktop.DBus.Properties.GetAll", {kManager}},
           {"org.freedesktop.DBus.Properties.Get", {kManager, "SyncState"}},
           {"org.freedesktop.DBus.ObjectManager.GetManagedObjects", {}},
           {"org.freedesktop.DBus.Introspectable.Introspect", {}}}) {
    const auto r = call(bus, method, args, {});
    EXPECT_EQ(r.exitCode, 0) << method << ": " << r.err;
  }
  const auto tree =
      runProcess(asNobody({"busctl", "--address=" + bus.address(), "tree", "--list", dbus::kBusName}));
  EXPECT_EQ(tree.exitCode, 0) << tree.err;
  EXPECT_THAT(tree.out, HasSubstr("/org/kipvs/Proxy1/service/TCP_2010_2e96_2e0_2e1_3a443"));
}

// The virtual services are served by one sd-bus fallback vtable: the same gates apply to them. Every
// member of org.kipvs.Proxy1.VirtualService is a read; their properties cannot be set by anyone.
TEST_F(Policy, NobodyMayReadAVirtualServiceButNotSetIt) {
  const auto path = bus::servicePath(tcpKey("10.96.0.1", 443));
  const std::string service = "org.kipvs.Proxy1.VirtualService";
  for (const auto policy : {PrivateBus::Policy::System, PrivateBus::Policy::Open}) {
    PrivateBus bus(policy);
    TestServer server(bus.address(), knownState());
    for (const auto& [method, args] : std::vector<std::pair<std::string, std::vector<std::string>>>{
             {service + ".GetStats", {}},
             {"org.freedesktop.DBus.Properties.Get", {service, "Key"}},
             {"org.freedesktop.DBus.Properties.GetAll", {service}},
             {"org.freedesktop.DBus.Introspectable.Introspect", {}}}) {
      const auto r = call(bus, method, args, {}, false, path);
      EXPECT_EQ(r.exitCode, 0) << method << ": " << r.err;
    }
    // The system policy refuses Set before kipvsd sees it; without it, sd-bus refuses a read-only one.
    auto r =
        call(bus, "org.freedesktop.DBus.Properties.Set", {service, "Scheduler", "<'lc'>"}, {}, false, path);
    EXPECT_THAT(r.err, HasSubstr(policy == PrivateBus::Policy::System
                                     ? "org.freedesktop.DBus.Error.AccessDenied"
                                     : "org.freedesktop.DBus.Error.PropertyReadOnly"));
    r = call(bus, "org.freedesktop.DBus.Properties.Set", {service, "Scheduler", "<'lc'>"}, {}, true, path);
    EXPECT_THAT(r.err, HasSubstr("org.freedesktop.DBus.Error.PropertyReadOnly"));  // root neither
    r = call(bus, "org.freedesktop.DBus.Properties.Get", {service, "Scheduler"}, {}, false, path);
    EXPECT_EQ(r.out, "(<'rr'>,)\n") << r.err;
  }
}

TEST_F(Policy, NobodyMayNotCallTheMutatingMethods) {
  PrivateBus bus(PrivateBus::Policy::System);
  TestServer server(bus.address(), knownState());
  for (const auto& [method, args] : std::vector<std::pair<std::string, std::vector<std::string>>>{
           {kManager + ".Resync", {}},
           {kManager + ".Drain", {"node", ""}},
           {kManager + ".Undrain", {"node", ""}},
           {kManager + ".SetLogLevel", {"debug"}},
           {kManager + ".Reload", {}},
           {"org.freedesktop.DBus.Properties.Set", {kManager, "SyncState", "<'synced'>"}}}) {
    const auto r = call(bus, method, args, {});
    EXPECT_NE(r.exitCode, 0) << method;
    EXPECT_THAT(r.err, HasSubstr("org.freedesktop.DBus.Error.AccessDenied")) << method;
  }
  const auto calls = server.control().calls();
  EXPECT_EQ(calls.resyncs, 0);
  EXPECT_TRUE(calls.drains.empty());
  EXPECT_TRUE(calls.undrains.empty());
  EXPECT_TRUE(calls.logLevels.empty());
  EXPECT_EQ(calls.reloads, 0);
}

TEST_F(Policy, TheAdminGroupAndRootMayAct) {
  PrivateBus bus(PrivateBus::Policy::System);
  TestServer server(bus.address(), knownState());
  auto r = call(bus, kManager + ".Resync", {}, {group_->gid()});
  EXPECT_EQ(r.exitCode, 0) << r.err;
  r = call(bus, kManager + ".Drain", {"service", "default/kubernetes"}, {group_->gid()});
  EXPECT_EQ(r.out, "(uint32 2,)\n") << r.err;
  r = call(bus, kManager + ".SetLogLevel", {"info"}, {}, /*asRoot=*/true);
  EXPECT_EQ(r.exitCode, 0) << r.err;
  const auto calls = server.control().calls();
  EXPECT_EQ(calls.resyncs, 1);
  EXPECT_EQ(calls.drains.size(), 1U);
  EXPECT_EQ(calls.logLevels.size(), 1U);
}

TEST_F(Policy, OnlyRootMayOwnTheName) {
  PrivateBus bus(PrivateBus::Policy::System);
  const auto r = runProcess(
      asNobody({"busctl", "--address=" + bus.address(), "call", "org.freedesktop.DBus",
                "/org/freedesktop/DBus", "org.freedesktop.DBus", "RequestName", "su", dbus::kBusName, "0"}));
  EXPECT_NE(r.exitCode, 0);
  EXPECT_THAT(r.err, HasSubstr("Access denied"));
  TestServer server(bus.address(), knownState());  // root may
  EXPECT_EQ(call(bus, kManager + ".ListVirtualServices", {}, {}).exitCode, 0);
}

TEST_F(Policy, WithoutThePolicyTheDaemonStillRefusesNobody) {
  PrivateBus bus(PrivateBus::Policy::Open);
  TestServer server(bus.address(), knownState());
  auto r = call(bus, kManager + ".Resync", {}, {});
  EXPECT_THAT(r.err, HasSubstr(dbus::kErrorAccessDenied));
  r = call(bus, kManager + ".Drain", {"node", ""}, {});
  EXPECT_THAT(r.err, HasSubstr(dbus::kErrorAccessDenied));
  r = call(bus, kManager + ".Reload", {}, {});
  EXPECT_THAT(r.err, HasSubstr(dbus::kErrorAccessDenied));
  EXPECT_EQ(server.control().calls().reloads, 0);
  r = call(bus, kManager + ".Resync", {}, {group_->gid()});
  EXPECT_EQ(r.exitCode, 0) << r.err;  // supplementary group membership counts
  EXPECT_EQ(server.control().calls().resyncs, 1);
  EXPECT_TRUE(server.control().calls().drains.empty());
}

TEST_F(Policy, KipvsctlAsNobodyReadsButGetsAccessDeniedForResync) {
  PrivateBus bus(PrivateBus::Policy::System);
  TestServer server(bus.address(), knownState());
  const std::string kipvsctl = binaryDir() + "/client/kipvsctl";
  const std::vector<std::string> env{"DBUS_SYSTEM_BUS_ADDRESS=" + bus.address()};
  auto r = runProcess(asNobody({kipvsctl, "list"}), env);
  EXPECT_EQ(r.exitCode, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("default/kubernetes:https"));
  r = runProcess(asNobody({kipvsctl, "resync"}), env);
  EXPECT_EQ(r.exitCode, 5) << r.out << r.err;
}

}  // namespace
}  // namespace kipvs::test
