// The whole /metrics text as kipvsd registers it, checked by Debian's promtool (package prometheus):
// the parser Prometheus itself scrapes with, and its lint rules.

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "metric_text.hpp"
#include "metrics/collectors.hpp"

namespace kipvs::metrics {
namespace {

using namespace std::chrono_literals;

struct PromtoolResult {
  int exitCode = -1;
  std::string output;
};

PromtoolResult promtoolCheck(const std::string& text) {
  // One file per process: ctest runs the tests of this file in parallel processes.
  const auto input = ::testing::TempDir() + "kipvs-metrics-" + std::to_string(::getpid()) + ".prom";
  std::ofstream(input) << text;
  const auto command = "promtool check metrics < " + input + " 2>&1";
  PromtoolResult result;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) {
    return result;
  }
  char buffer[4096];
  while (const auto got = std::fread(buffer, 1, sizeof buffer, pipe)) {
    result.output.append(buffer, got);
  }
  const int status = ::pclose(pipe);
  std::remove(input.c_str());
  result.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

// promtool's lint wants "_total" only on counters; kube-proxy declares this one a gauge, and its name
// and type stay as kube-proxy's so existing dashboards and alerts keep working.
constexpr const char* kKubeProxyNamingLint =
    "kubeproxy_sync_proxy_rules_no_local_endpoints_total non-counter metrics should not have \"_total\" "
    "suffix";

void expectPromtoolAccepts(const std::string& text) {
  const auto result = promtoolCheck(text);
  ASSERT_NE(result.exitCode, 127)
      << "promtool is not installed (packaging/install-deps.sh installs prometheus)";
  std::istringstream lines(result.output);
  std::string line;
  std::vector<std::string> findings;
  while (std::getline(lines, line)) {
    if (!line.empty() && line != kKubeProxyNamingLint) {
      findings.push_back(line);
    }
  }
  EXPECT_TRUE(findings.empty()) << ::testing::PrintToString(findings);
  // 0: clean; 3: lint findings only (the one accepted above). 1 would be a parse error.
  EXPECT_TRUE(result.exitCode == 0 || result.exitCode == 3) << result.output;
}

core::IpAddress v4(std::uint32_t value) {
  const std::array<std::uint8_t, 4> bytes{
      static_cast<std::uint8_t>(value >> 24), static_cast<std::uint8_t>(value >> 16),
      static_cast<std::uint8_t>(value >> 8), static_cast<std::uint8_t>(value)};
  return *core::IpAddress::fromBytes(core::IpFamily::V4, bytes);
}

// `services` ClusterIP Services of `endpoints` endpoints each, with kernel counters for all of them.
struct Scale {
  core::DesiredState desired;
  KernelCounters kernel;
};

Scale scale(std::uint32_t services, std::uint32_t endpoints) {
  Scale s;
  for (std::uint32_t i = 0; i < services; ++i) {
    const core::VirtualServiceKey key{
        .protocol = core::Protocol::Tcp, .address = v4(0x0A600000 + i), .port = 80};
    core::DesiredVirtualService service;
    service.service.key = key;
    service.origin = {
        .ns = "ns-" + std::to_string(i % 50), .name = "svc-" + std::to_string(i), .portName = "http"};
    std::vector<core::RealServerStatus> reals;
    for (std::uint32_t e = 0; e < endpoints; ++e) {
      core::DesiredRealServer desired;
      desired.server = {.address = v4(0x0AF40000 + i * endpoints + e), .port = 8080};
      desired.endpoint.pod = "svc-" + std::to_string(i) + "-" + std::to_string(e);
      desired.endpoint.node = "node-1";
      service.reals.push_back(desired);
      core::RealServerStatus kernel;
      kernel.server = desired.server;
      kernel.activeConnections = e;
      kernel.inactiveConnections = i % 7;
      reals.push_back(kernel);
    }
    core::VirtualServiceStatus status;
    status.service.key = key;
    status.stats.connections = i;
    status.stats.bytesIn = 1ULL << 40;
    s.kernel.services.push_back(status);
    s.kernel.realServers.emplace(key, std::move(reals));
    s.desired.services.emplace(key, std::move(service));
  }
  return s;
}

std::string scrapeOf(const Scale& state, const SyncMetrics& sync) {
  Registry registry;
  addKipvsCollectors(registry, {.version = "0.1.0 \"test\"",
                                .sync = sync,
                                .noLocalEndpoints = [] { return countNoLocalEndpoints({}, "node-1"); },
                                .desired = [&]() -> const core::DesiredState& { return state.desired; },
                                .kernelCounters = [&] { return state.kernel; }});
  return registry.scrape();
}

TEST(Promtool, AcceptsTheWholeScrape) {
  SyncMetrics sync;
  sync.changesQueued(3, 7, 1700000000);
  sync.synced({.full = true, .ok = true, .duration = 25ms, .finishedAt = 1700000001});
  sync.networkProgrammed(1.5);
  const auto text = scrapeOf(scale(3, 2), sync);
  EXPECT_EQ(testing::valueOf(text, "kubeproxy_sync_proxy_rules_last_timestamp_seconds"), "1700000001");
  expectPromtoolAccepts(text);
}

TEST(Promtool, AcceptsAScrapeOfTenThousandServicesWithTenEndpointsEach) {
  const auto text = scrapeOf(scale(10'000, 10), SyncMetrics{});
  EXPECT_EQ(testing::countLinesStartingWith(text, "kipvs_virtual_service_connections_total{"), 10'000U);
  EXPECT_EQ(testing::countLinesStartingWith(text, "kipvs_real_server_active_connections{"), 100'000U);
  expectPromtoolAccepts(text);
}

TEST(Promtool, RejectsABrokenExposition) {
  // The check above can fail: promtool refuses what Prometheus could not parse.
  const auto result = promtoolCheck("kipvs_x{a=\"b} 1\n");
  EXPECT_EQ(result.exitCode, 1) << result.output;
}

}  // namespace
}  // namespace kipvs::metrics
