// kipvsctl, run as a separate program against the publisher over a private bus, checked against the
// known state: tables, JSON, errors and exit codes, watch, the generated man page and completion.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "dbus/bus_names.hpp"
#include "known_state.hpp"
#include "private_bus.hpp"
#include "process.hpp"
#include "test_server.hpp"

namespace kipvs::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Runs of spaces collapsed, so the table checks do not depend on column widths.
std::string squeezed(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (c == ' ' && !out.empty() && out.back() == ' ') {
      continue;
    }
    out += c;
  }
  return out;
}

class Kipvsctl : public ::testing::Test {
 protected:
  PrivateBus bus_;
  TestServer server_{bus_.address(), knownState()};

  ProcessResult run(std::vector<std::string> args) {
    args.insert(args.begin(), binaryDir() + "/client/kipvsctl");
    return runProcess(args, {"DBUS_SYSTEM_BUS_ADDRESS=" + bus_.address(), "NO_COLOR="});
  }
};

TEST_F(Kipvsctl, ListShowsTheTableWithKubernetesNames) {
  const auto r = run({"list"});
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_EQ(squeezed(r.out),
            "Prot LocalAddress:Port Sched Flags Kind Service\n"
            " -> RemoteAddress:Port Forward Weight State Node Pod\n"
            "TCP 10.96.0.1:443 rr ClusterIP default/kubernetes:https\n"
            " -> 192.168.1.10:6443 Masq 1 ready node-a -\n"
            " -> 192.168.1.11:6443 Masq 0 drained node-b -\n"
            "UDP 10.96.0.10:53 rr ClusterIP kube-system/kube-dns:dns\n"
            " -> 10.244.1.5:53 Masq 1 ready node-b coredns-7db6d8ff4d-abcde\n"
            "TCP [fd00::20]:80 sh persistent 10800s LoadBalancer web/shop:http\n"
            " ! loadBalancerSourceRanges ignored for IPv6\n"
            " -> [fd00:244::7]:8080 Masq 0 terminating,serving node-a shop-0\n");
  EXPECT_THAT(r.out, Not(HasSubstr("\033[")));  // not a terminal: no colour
}

TEST_F(Kipvsctl, ListJsonIsTheDocumentedShape) {
  const auto r = run({"--json", "list"});
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_THAT(
      r.out,
      HasSubstr(
          R"({"services":[{"key":"TCP 10.96.0.1:443","path":"/org/kipvs/Proxy1/service/TCP_2010_2e96_2e0_2e1_3a443",)"
          R"("namespace":"default","name":"kubernetes","portName":"https","kind":"ClusterIP","protocol":"TCP",)"
          R"("address":"10.96.0.1","port":443,"fwmark":0,"scheduler":"rr","flags":[],"persistenceTimeout":0,)"
          R"("problem":"","realServers":[{"address":"192.168.1.10","port":6443,"weight":1,"forward":"Masq","pod":"",)"
          R"("node":"node-a","ready":true,"serving":true,"terminating":false,"local":true,"drained":false},)"));
  EXPECT_THAT(r.out, HasSubstr(R"("scheduler":"sh","flags":["persistent"],"persistenceTimeout":10800,)"));
  EXPECT_TRUE(r.out.ends_with("}]}]}\n"));
}

TEST_F(Kipvsctl, StatusTextAndJson) {
  auto r = run({"status"});
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_THAT(squeezed(r.out), HasSubstr("sync state: synced\n"));
  EXPECT_THAT(squeezed(r.out), HasSubstr("virtual services: 3\n"));
  EXPECT_THAT(squeezed(r.out), HasSubstr("last sync: 2023-11-14 22:13:20 UTC\n"));
  r = run({"status", "--json"});
  EXPECT_EQ(r.out,
            R"({"version":")" + std::string(dbus::kVersion) +
                R"(","nodeName":"node-a","source":"kubernetes","apiServer":"https://127.0.0.1:6443",)"
                R"("connected":true,"syncState":"synced","lastSyncUsec":1700000000000000,"lastError":"",)"
                R"("virtualServiceCount":3,"realServerCount":4,"resourceVersion":"4711"})"
                "\n");
}

TEST_F(Kipvsctl, ShowSelectsByNameAddressOrKey) {
  auto r = run({"show", "default/kubernetes"});
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_THAT(squeezed(r.out), HasSubstr("conns 42 in 420 pkts / 42000 B out 378 pkts / 37800 B"));
  EXPECT_THAT(squeezed(r.out), HasSubstr("active 7 inactive 3 persistent 0"));
  r = run({"show", "[fd00::20]:80"});
  EXPECT_THAT(r.out, HasSubstr("web/shop:http"));
  EXPECT_THAT(r.out, HasSubstr("(no kernel counters)"));
  r = run({"--json", "show", "UDP 10.96.0.10:53"});
  EXPECT_THAT(r.out, HasSubstr(R"("name":"kube-dns")"));
  EXPECT_THAT(r.out, HasSubstr(R"("stats":null)"));
  r = run({"--json", "show", "default/kubernetes:https"});
  EXPECT_THAT(r.out,
              HasSubstr(R"("activeConnections":7,"inactiveConnections":3,"persistentConnections":0,)"));
  r = run({"show", "default/nothing"});
  EXPECT_EQ(r.exitCode, 4);
  EXPECT_THAT(r.err, HasSubstr("no virtual service matches 'default/nothing'"));
}

TEST_F(Kipvsctl, StatsAndExplain) {
  auto r = run({"--json", "stats"});
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_EQ(r.out, R"({"statistics":[{"key":"TCP 10.96.0.1:443","namespace":"default","name":"kubernetes",)"
                   R"("portName":"https","stats":{"connections":42,"packetsIn":420,"packetsOut":378,)"
                   R"("bytesIn":42000,"bytesOut":37800,"connectionsPerSecond":1,"packetsInPerSecond":2,)"
                   R"("packetsOutPerSecond":3,"bytesInPerSecond":4,"bytesOutPerSecond":5}}]})"
                   "\n");
  r = run({"explain", "10.96.0.1:443"});
  EXPECT_EQ(squeezed(r.out),
            "TCP 10.96.0.1:443: externalTrafficPolicy=Cluster: every ready endpoint\n"
            " in 192.168.1.10:6443 node-a - ready\n"
            " out 192.168.1.11:6443 node-b - drained by operator\n");
  r = run({"--json", "explain", "default/kubernetes"});
  EXPECT_THAT(r.out, HasSubstr(R"({"address":"192.168.1.11","port":6443,"pod":"","node":"node-b",)"
                               R"("included":false,"reason":"drained by operator"})"));
  r = run({"explain", "kube-system/kube-dns"});  // the fake has no explanation for it
  EXPECT_EQ(r.exitCode, 4);
}

TEST_F(Kipvsctl, PlanListsWhatTheDaemonWouldChange) {
  auto r = run({"plan"});
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_EQ(r.out, "ipvs: delete-service TCP 10.96.0.99:80\nkipvs0: add 10.96.0.10\n");
  r = run({"--json", "plan"});
  EXPECT_EQ(r.out, R"({"changes":[{"area":"ipvs","change":"delete-service TCP 10.96.0.99:80"},)"
                   R"({"area":"kipvs0","change":"add 10.96.0.10"}]})"
                   "\n");
}

TEST_F(Kipvsctl, ActionsAndTheirErrors) {
  auto r = run({"drain", "service", "default/kubernetes:https"});
  EXPECT_EQ(r.exitCode, 0) << r.err;
  EXPECT_EQ(r.out, "drained 2 real server(s)\n");
  r = run({"--json", "undrain", "endpoint", "10.244.1.5"});
  EXPECT_EQ(r.out, "{\"affected\":1}\n");
  r = run({"resync", "--json"});
  EXPECT_EQ(r.out, "{\"ok\":true}\n");
  r = run({"log-level", "debug"});
  EXPECT_EQ(r.exitCode, 0);
  r = run({"drain", "galaxy", "x"});
  EXPECT_EQ(r.exitCode, 6);
  EXPECT_THAT(r.err, HasSubstr("unknown drain scope 'galaxy'"));
  r = run({"--json", "log-level", "loud"});
  EXPECT_EQ(r.exitCode, 6);
  EXPECT_THAT(r.err, HasSubstr(R"({"error":{"name":"org.kipvs.Proxy1.Error.InvalidArgument","message":)"));
  r = run({"drain", "service"});
  EXPECT_EQ(r.exitCode, 2);
  r = run({"frobnicate"});
  EXPECT_EQ(r.exitCode, 2);
  r = run({"drain", "service", "default/missing"});
  EXPECT_EQ(r.exitCode, 4);
  r = run({"reload"});
  EXPECT_EQ(r.exitCode, 0) << r.err;
  EXPECT_EQ(r.out, "configuration reloaded\n");
  EXPECT_EQ(r.err,
            "kipvsctl: not applied until kipvsd restarts: kubeconfig: \"/a\" -> \"/b\" needs a restart\n");
  r = run({"--json", "reload"});
  EXPECT_EQ(r.out, R"({"ok":true,"restartRequired":["kubeconfig: \"/a\" -> \"/b\" needs a restart"]})"
                   "\n");
  server_.control().setReloadRefused(
      "configuration refused, the running one stays: kipvsd.conf:3: scheduler: bad");
  r = run({"reload"});
  EXPECT_EQ(r.exitCode, 6);
  EXPECT_THAT(r.err, HasSubstr("kipvsd.conf:3: scheduler: bad"));
  const auto calls = server_.control().calls();
  EXPECT_EQ(calls.reloads, 3);
  EXPECT_EQ(calls.resyncs, 1);
  EXPECT_EQ(calls.drains.size(), 2U);  // the second one is default/missing
  EXPECT_EQ(calls.undrains.size(), 1U);
}

TEST_F(Kipvsctl, WatchFollowsSignals) {
  RunningProcess watch({binaryDir() + "/client/kipvsctl", "watch", "--json"},
                       {"DBUS_SYSTEM_BUS_ADDRESS=" + bus_.address()});
  bool ok = false;
  EXPECT_EQ(watch.readLine(ok), R"({"event":"Watching","busName":"org.kipvs.Proxy1"})");
  ASSERT_TRUE(ok);
  server_.publish(changedState(), {.finishedUsec = 5, .durationUsec = 6});
  std::vector<std::string> lines;
  for (int i = 0; i < 6; ++i) {
    lines.push_back(watch.readLine(ok));
    if (!ok || lines.back().find("SyncCompleted") != std::string::npos) {
      break;
    }
  }
  EXPECT_THAT(lines, ::testing::Contains(
                         R"({"event":"ServiceChanged","path":"/org/kipvs/Proxy1/service/)"
                         R"(UDP_2010_2e96_2e0_2e10_3a53","key":"UDP 10.96.0.10:53","change":"removed"})"));
  EXPECT_THAT(lines, ::testing::Contains(R"({"event":"PropertiesChanged","properties":{"LastSyncUsec":5}})"));
  EXPECT_EQ(lines.back(), R"({"event":"SyncCompleted","finishedUsec":5,"durationUsec":6,"added":1,)"
                          R"("removed":1,"changed":1,"failed":0})");
}

TEST_F(Kipvsctl, UserBusIsSelectedWithUser) {
  const auto r = runProcess(
      {binaryDir() + "/client/kipvsctl", "--user", "status", "--json"},
      {"DBUS_SESSION_BUS_ADDRESS=" + bus_.address(), "DBUS_SYSTEM_BUS_ADDRESS=unix:path=/nonexistent"});
  EXPECT_EQ(r.exitCode, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr(R"("nodeName":"node-a")"));
}

TEST(KipvsctlWithoutDaemon, SaysTheDaemonIsNotRunning) {
  PrivateBus bus;  // nobody owns the name
  const std::string kipvsctl = binaryDir() + "/client/kipvsctl";
  auto r = runProcess({kipvsctl, "list"}, {"DBUS_SYSTEM_BUS_ADDRESS=" + bus.address()});
  EXPECT_EQ(r.exitCode, 3);
  EXPECT_EQ(r.err,
            "kipvsctl: kipvsd is not running: nobody owns org.kipvs.Proxy1 on the system bus "
            "(systemctl status kipvsd)\n");
  r = runProcess({kipvsctl, "--json", "watch"}, {"DBUS_SYSTEM_BUS_ADDRESS=" + bus.address()});
  EXPECT_EQ(r.exitCode, 3);
  EXPECT_THAT(r.err, HasSubstr(R"({"error":{"name":"org.freedesktop.DBus.Error.ServiceUnknown")"));
}

// The command line is checked before any bus is opened: usage errors are exit code 2 even without a
// bus; without a reachable bus kipvsctl names the bus, its address and what to check, exit code 7.
TEST(KipvsctlWithoutBus, UsageErrorsComeFirstAndAMissingBusIsNamed) {
  const std::string kipvsctl = binaryDir() + "/client/kipvsctl";
  const std::vector<std::string> noBus{"DBUS_SYSTEM_BUS_ADDRESS=unix:path=/nonexistent/socket",
                                       "DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/session"};
  for (const auto& usage : std::vector<std::vector<std::string>>{{"frobnicate"},
                                                                 {"list", "extra"},
                                                                 {"show"},
                                                                 {"show", "not a selection"},
                                                                 {"drain", "service"},
                                                                 {"log-level"},
                                                                 {"reload", "now"}}) {
    auto args = usage;
    args.insert(args.begin(), kipvsctl);
    const auto r = runProcess(args, noBus);
    EXPECT_EQ(r.exitCode, 2) << usage[0] << ": " << r.err;
    EXPECT_THAT(r.err, Not(HasSubstr("bus"))) << usage[0];
  }
  auto r = runProcess({kipvsctl, "status"}, noBus);
  EXPECT_EQ(r.exitCode, 7);
  EXPECT_THAT(r.err, HasSubstr("cannot connect to the system bus at unix:path=/nonexistent/socket"));
  EXPECT_THAT(r.err, HasSubstr("is dbus running"));
  r = runProcess({kipvsctl, "--user", "--json", "list"}, noBus);
  EXPECT_EQ(r.exitCode, 7);
  EXPECT_THAT(r.err, HasSubstr(R"({"error":{"name":"bus","message":"cannot connect to the session bus at )"
                               R"(unix:path=/nonexistent/session)"));
}

TEST(KipvsctlDocs, ManPageAndCompletionCoverEveryCommand) {
  std::stringstream man;
  std::stringstream completion;
  man << std::ifstream(binaryDir() + "/client/kipvsctl.1").rdbuf();
  completion << std::ifstream(binaryDir() + "/client/kipvsctl.bash").rdbuf();
  const auto help = runProcess({binaryDir() + "/client/kipvsctl", "--help"});
  for (const char* command : {"status", "list", "show", "stats", "explain", "watch", "resync", "reload",
                              "drain", "undrain", "log-level"}) {
    std::string roffName = command;
    if (roffName == "log-level") {
      roffName = "log\\-level";
    }
    EXPECT_THAT(man.str(), HasSubstr(".B " + roffName)) << command;
    EXPECT_THAT(completion.str(), HasSubstr(command)) << command;
    EXPECT_THAT(help.out, HasSubstr("  " + std::string(command))) << command;
  }
  EXPECT_THAT(man.str(), HasSubstr(".SH JSON OUTPUT"));
  EXPECT_THAT(man.str(), HasSubstr(".SH EXIT STATUS"));
  EXPECT_EQ(runProcess({"bash", "-n", binaryDir() + "/client/kipvsctl.bash"}).exitCode, 0);
  const auto words = runProcess({"bash", "-c",
                                 "source " + binaryDir() +
                                     "/client/kipvsctl.bash; COMP_WORDS=(kipvsctl drain ''); COMP_CWORD=2; "
                                     "_kipvsctl; echo ${COMPREPLY[*]}"});
  EXPECT_EQ(words.out, "node service endpoint\n");
}

}  // namespace
}  // namespace kipvs::test
