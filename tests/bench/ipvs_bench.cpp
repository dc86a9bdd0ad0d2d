// Cold-start programming cost: 10,000 virtual services x 10 real servers through NetlinkIpvs::apply()
// versus `ipvsadm -R` restoring the same table, in the same kernel, in one run. Runs as root in the VM
// (target bench-ipvs). The last line is `ipvs_program_vs_ipvsadm_restore_ratio: <x>`.
//
// Each measurement gets a fresh network namespace (IPVS state is per namespace): a table just flushed
// leaves its real servers in the kernel's dest trash for minutes, and every later add walks that list,
// which would penalise whichever side runs second.

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "ipvs/netlink_ipvs.hpp"

namespace {

using kipvs::core::IpvsOp;
using Clock = std::chrono::steady_clock;

constexpr int kServices = 10000;
constexpr int kRealsPerService = 10;
constexpr int kRounds = 2;
constexpr const char* kRulesFile = "/tmp/ipvs_bench.rules";
constexpr const char* kIp = "/usr/sbin/ip";  // not busybox's applet

std::string v4(int a, int b, int c, int d) {
  return std::to_string(a) + '.' + std::to_string(b) + '.' + std::to_string(c) + '.' + std::to_string(d);
}

// The same table as ops and as ipvsadm-save text.
std::vector<IpvsOp> buildTable(std::string& rules) {
  std::vector<IpvsOp> ops;
  ops.reserve(kServices * (kRealsPerService + 1));
  for (int s = 0; s < kServices; ++s) {
    const std::string vip = v4(10, 64, s >> 8, s & 0xff);
    const kipvs::core::VirtualService service{.key = {.family = kipvs::core::IpFamily::V4,
                                                      .protocol = kipvs::core::Protocol::Tcp,
                                                      .address = *kipvs::core::IpAddress::parse(vip),
                                                      .port = 80,
                                                      .fwmark = 0},
                                              .scheduler = "rr"};
    ops.push_back({.kind = IpvsOp::Kind::AddService, .service = service, .real = {}});
    rules += "-A -t " + vip + ":80 -s rr\n";
    for (int r = 0; r < kRealsPerService; ++r) {
      const std::string rip = v4(10, 128 + r, s >> 8, s & 0xff);
      ops.push_back({.kind = IpvsOp::Kind::AddReal,
                     .service = service,
                     .real = {.address = *kipvs::core::IpAddress::parse(rip), .port = 8080}});
      rules += "-a -t " + vip + ":80 -r " + rip + ":8080 -m -w 1\n";
    }
  }
  return ops;
}

double seconds(Clock::duration elapsed) {
  return std::chrono::duration<double>(elapsed).count();
}

void shell(const std::string& command) {
  if (std::system(command.c_str()) != 0) {
    std::cerr << "ipvs_bench: failed: " << command << '\n';
    std::exit(1);
  }
}

// /proc/net/ip_vs of the namespace: 3 header lines, one per service, one per real server.
void expectComplete(const std::string& netns, const char* who) {
  const std::string count = "/tmp/ipvs_bench.count";
  shell(std::string(kIp) + " netns exec " + netns + " cat /proc/net/ip_vs | wc -l > " + count);
  long lines = 0;
  std::ifstream(count) >> lines;
  if (lines != 3 + kServices * (1 + kRealsPerService)) {
    std::cerr << "ipvs_bench: " << who << " left " << lines - 3 << " services and real servers\n";
    std::exit(1);
  }
}

// A fresh namespace with a route to 10/8: the kernel refuses real servers it cannot call unicast.
void addNetns(const std::string& netns) {
  const std::string in = std::string(kIp) + " netns exec " + netns + " " + kIp;
  shell(std::string(kIp) + " netns add " + netns);
  shell(in + " link set lo up && " + in + " link add bench0 type dummy && " + in + " link set bench0 up && " +
        in + " addr add 10.0.0.1/8 dev bench0");
}

double timeIpvsadmRestore(const std::string& netns) {
  addNetns(netns);
  const auto start = Clock::now();
  shell(std::string(kIp) + " netns exec " + netns + " ipvsadm -R < " + kRulesFile);
  const auto elapsed = Clock::now() - start;
  expectComplete(netns, "ipvsadm -R");
  shell(std::string(kIp) + " netns exec " + netns + " ipvsadm -C");
  return seconds(elapsed);
}

double timeApply(const std::string& netns, const std::vector<IpvsOp>& ops) {
  addNetns(netns);
  const int home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
  const int target = open(("/run/netns/" + netns).c_str(), O_RDONLY | O_CLOEXEC);
  if (home < 0 || target < 0 || setns(target, CLONE_NEWNET) != 0) {
    std::perror("ipvs_bench: enter netns");
    std::exit(1);
  }
  double result = 0;
  {
    kipvs::ipvs::NetlinkIpvs ipvs;  // its socket lives in the fresh namespace
    const auto start = Clock::now();
    const auto results = ipvs.apply(ops);
    const auto elapsed = Clock::now() - start;
    const auto failed = std::count_if(results.begin(), results.end(), [](int errnum) { return errnum != 0; });
    if (failed != 0) {
      std::cerr << "ipvs_bench: apply: " << failed << " ops failed\n";
      std::exit(1);
    }
    expectComplete(netns, "apply");
    ipvs.flush();
    result = seconds(elapsed);
  }
  setns(home, CLONE_NEWNET);
  close(home);
  close(target);
  return result;
}

}  // namespace

int main() {
  std::string rules;
  const auto ops = buildTable(rules);
  std::ofstream(kRulesFile) << rules;

  std::cout << "table: " << kServices << " services x " << kRealsPerService
            << " real servers = " << ops.size() << " operations\n";
  double bestIpvsadm = 1e9;
  double bestLayer = 1e9;
  for (int round = 1; round <= kRounds; ++round) {
    const std::string suffix = std::to_string(round);
    double ipvsadm = 0;
    double layer = 0;
    if (round % 2 == 1) {  // alternate the order: neither side always runs first
      ipvsadm = timeIpvsadmRestore("bench-ipvsadm-" + suffix);
      layer = timeApply("bench-layer-" + suffix, ops);
    } else {
      layer = timeApply("bench-layer-" + suffix, ops);
      ipvsadm = timeIpvsadmRestore("bench-ipvsadm-" + suffix);
    }
    std::printf("round %d: ipvsadm -R %.3f s, NetlinkIpvs::apply %.3f s\n", round, ipvsadm, layer);
    std::fflush(stdout);
    bestIpvsadm = std::min(bestIpvsadm, ipvsadm);
    bestLayer = std::min(bestLayer, layer);
  }
  std::printf("ipvsadm_restore_seconds: %.3f\n", bestIpvsadm);
  std::printf("ipvs_program_seconds: %.3f\n", bestLayer);
  std::printf("ipvs_program_vs_ipvsadm_restore_ratio: %.3f\n", bestLayer / bestIpvsadm);
  return 0;
}
