// (popen runs busybox sh, which prefers its own `ip` applet: the real iproute2 is named by path.)
// Real traffic through IPVS: two "pods" (network namespaces behind veth pairs) each run a podnet server;
// a masquerading round-robin virtual service on a VIP of a dummy link spreads connections 50/50.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <thread>

#include "vm_fixture.hpp"

namespace kipvs::ipvs::vmtest {
namespace {

// Connects to address:port and returns the name of the pod that answers ("" on failure): podnet answers
// each connection at once with "<name> <client address>".
std::string ask(const char* address, std::uint16_t port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  const timeval timeout{.tv_sec = 5, .tv_usec = 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  sockaddr_in target{};
  target.sin_family = AF_INET;
  target.sin_port = htons(port);
  inet_pton(AF_INET, address, &target.sin_addr);
  std::string answer;
  if (connect(fd, reinterpret_cast<sockaddr*>(&target), sizeof target) == 0) {
    char buffer[256];
    for (ssize_t n; answer.find('\n') == std::string::npos && (n = read(fd, buffer, sizeof buffer)) > 0;) {
      answer.append(buffer, static_cast<std::size_t>(n));
    }
  }
  close(fd);
  return answer.substr(0, answer.find_first_of(" \n"));
}

void startPod(const std::string& name, int index) {
  const std::string host = "10.244." + std::to_string(index) + ".1";
  const std::string pod = "10.244." + std::to_string(index) + ".2";
  const std::string veth = "veth-" + name;
  const std::string in = "/usr/sbin/ip netns exec " + name + " ";
  run("/usr/sbin/ip netns add " + name);
  run("/usr/sbin/ip link add " + veth + " type veth peer name eth0 netns " + name);
  run("/usr/sbin/ip addr add " + host + "/24 dev " + veth + " && /usr/sbin/ip link set " + veth + " up");
  run(in + "ip link set lo up && " + in + "ip addr add " + pod + "/24 dev eth0 && " + in +
      "ip link set eth0 up");
  run(in + "/usr/sbin/ip route add default via " + host);
  run(in + "podnet serve 8080 " + name + " </dev/null >/dev/null 2>&1 &");
  for (int attempt = 0; attempt < 100 && ask(pod.c_str(), 8080) != name; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(ask(pod.c_str(), 8080), name) << "pod " << name << " does not answer";
}

TEST_F(IpvsVm, RealTrafficIsSpreadRoundRobinOverTwoPods) {
  run("/usr/sbin/ip link add kipvs0 type dummy && /usr/sbin/ip link set kipvs0 up && "
      "/usr/sbin/ip addr add 10.96.0.10/32 dev kipvs0");
  startPod("pod-a", 1);
  startPod("pod-b", 2);

  const core::VirtualService service{.key = {.family = core::IpFamily::V4,
                                             .protocol = core::Protocol::Tcp,
                                             .address = ip("10.96.0.10"),
                                             .port = 80}};
  ipvs_.addService(service);
  ipvs_.addRealServer(service.key, {.address = ip("10.244.1.2"), .port = 8080});
  ipvs_.addRealServer(service.key, {.address = ip("10.244.2.2"), .port = 8080});

  std::map<std::string, int> answers;
  for (int i = 0; i < 100; ++i) {
    ++answers[ask("10.96.0.10", 80)];
  }
  EXPECT_EQ(answers, (std::map<std::string, int>{{"pod-a", 50}, {"pod-b", 50}}));

  // Counters, read both ways. The kernel folds its per-CPU counters into what it reports every 2 s
  // (the rate estimator's tick), so wait for that before comparing.
  for (int tick = 0; tick < 50 && ipvs_.service(service.key).stats.connections < 100; ++tick) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_EQ(ipvs_.service(service.key).stats.connections, 100U);
  const auto a = ipvs_.realServer(service.key, ip("10.244.1.2"), 8080);
  const auto b = ipvs_.realServer(service.key, ip("10.244.2.2"), 8080);
  EXPECT_EQ(a.stats.connections, 50U);
  EXPECT_EQ(b.stats.connections, 50U);
  EXPECT_GT(a.stats.packetsIn, 0U);
  EXPECT_GT(a.stats.bytesOut, 0U);
  EXPECT_EQ(a.activeConnections + a.inactiveConnections, 50U);
  const auto admin = parseStats(run("ipvsadm -Ln --stats --exact"), "10.96.0.10:80");
  EXPECT_EQ(admin.connections, 100U);
  EXPECT_EQ(admin.realConnections,
            (std::map<std::string, std::uint64_t>{{"10.244.1.2:8080", 50}, {"10.244.2.2:8080", 50}}));
  run("/usr/sbin/ip netns pids pod-a | xargs -r kill; ip netns pids pod-b | xargs -r kill");
}

}  // namespace
}  // namespace kipvs::ipvs::vmtest
