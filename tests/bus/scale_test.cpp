// 10,000 virtual services published: kipvsctl list --json must complete and list every one. The
// timings and the publisher's memory are printed (and recorded as test properties), never asserted.

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <string>

#include "private_bus.hpp"
#include "process.hpp"

namespace kipvs::test {
namespace {

constexpr int kServices = 10000;

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) {
    ++n;
  }
  return n;
}

long rssKiB(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with("VmRSS:")) {
      return std::stol(line.substr(6));
    }
  }
  return -1;
}

struct Measured {
  double publishMs = 0;
  double listMs = 0;
  std::size_t listBytes = 0;
  std::size_t listed = 0;
  long serverRssKiB = 0;
};

Measured measure(int services) {
  PrivateBus bus;
  const auto started = std::chrono::steady_clock::now();
  RunningProcess server({binaryDir() + "/tests/bus/kipvs-bus-test-server", "--address", bus.address(),
                         "--services", std::to_string(services)});
  bool ok = false;
  const auto ready = server.readLine(ok, std::chrono::seconds(300));
  if (!ok || !ready.starts_with("ready ")) {
    throw std::runtime_error("test server did not start: " + ready);
  }
  Measured m;
  m.publishMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  const auto before = std::chrono::steady_clock::now();
  const auto r = runProcess({binaryDir() + "/client/kipvsctl", "--json", "list"},
                            {"DBUS_SYSTEM_BUS_ADDRESS=" + bus.address()}, std::chrono::seconds(300));
  m.listMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - before).count();
  if (r.exitCode != 0) {
    throw std::runtime_error("kipvsctl list failed: " + r.err);
  }
  m.listBytes = r.out.size();
  m.listed = count(r.out, "\"key\":");
  m.serverRssKiB = rssKiB(server.pid());
  return m;
}

TEST(Scale, KipvsctlListsTenThousandVirtualServices) {
  const auto empty = measure(0);
  const auto full = measure(kServices);
  EXPECT_EQ(empty.listed, 0U);
  EXPECT_EQ(full.listed, static_cast<std::size_t>(kServices));
  std::cout << "scale: publish+name " << kServices << " services: " << full.publishMs
            << " ms (empty: " << empty.publishMs << " ms)\n"
            << "scale: kipvsctl list --json: " << full.listMs << " ms, " << full.listBytes
            << " bytes (empty: " << empty.listMs << " ms)\n"
            << "scale: publisher RSS " << full.serverRssKiB << " KiB (empty: " << empty.serverRssKiB
            << " KiB)\n";
  ::testing::Test::RecordProperty("list_ms", std::to_string(full.listMs));
  ::testing::Test::RecordProperty("list_empty_ms", std::to_string(empty.listMs));
  ::testing::Test::RecordProperty("publish_ms", std::to_string(full.publishMs));
  ::testing::Test::RecordProperty("rss_kib", std::to_string(full.serverRssKiB));
}

}  // namespace
}  // namespace kipvs::test
