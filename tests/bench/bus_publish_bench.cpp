// What the D-Bus publisher costs at scale: N synthetic virtual services (R real servers each) published
// on a private dbus-daemon by the same publisher + BusPump loop the daemon runs, then one
// `kipvsctl --json list` over the whole table, then one changed service published with its key named
// (after an incremental sync) and without (every service compared).
//   bus_publish_bench [--services N] [--reals R]        (defaults: 10000, 10)
// The state is built before the first measurement: the daemon owns it, not the publisher. Memory is
// measured after malloc_trim(0) so that freed heap (the burst of queued signals) does not count:
//   heap  = bytes malloc has handed out and not had back (mallinfo2, all arenas)
//   rss   = VmRSS of this process
//   peak  = VmHWM while publishing, above the RSS before it (the signal burst included)
//   list peak = VmHWM while answering ListVirtualServices (one reply with everything), above the RSS
//               before the call

#include <malloc.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <set>
#include <string>

#include "known_state.hpp"
#include "private_bus.hpp"
#include "process.hpp"
#include "test_server.hpp"

namespace {

long statusKiB(const char* field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with(field)) {
      return std::stol(line.substr(std::string(field).size()));
    }
  }
  return -1;
}

struct Memory {
  double heapMiB = 0;
  double rssMiB = 0;
};

Memory settle() {
  malloc_trim(0);
  const auto info = mallinfo2();
  return {.heapMiB = static_cast<double>(info.uordblks + info.hblkhd) / (1024.0 * 1024.0),
          .rssMiB = static_cast<double>(statusKiB("VmRSS:")) / 1024.0};
}

void resetPeak() {
  std::ofstream("/proc/self/clear_refs") << "5";  // VmHWM := VmRSS
}

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t services = 10000;
  int reals = 10;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--services") {
      services = std::strtoul(argv[i + 1], nullptr, 10);
    } else if (flag == "--reals") {
      reals = std::atoi(argv[i + 1]);
    } else {
      std::cerr << "usage: bus_publish_bench [--services N] [--reals R]\n";
      return 2;
    }
  }
  using namespace kipvs::test;
  PrivateBus bus;
  auto state = syntheticState(services, reals);
  const auto before = settle();
  resetPeak();

  const auto published = std::chrono::steady_clock::now();
  TestServer server(bus.address(), std::move(state));  // publishes everything, then owns the name
  const double publishSeconds = secondsSince(published);
  const double peakMiB = static_cast<double>(statusKiB("VmHWM:")) / 1024.0 - before.rssMiB;

  const auto idle = settle();
  resetPeak();
  const auto listed = std::chrono::steady_clock::now();
  std::size_t listBytes = 0;
  {
    // Scoped: the 20 MB of JSON it captured are the bench's, not the publisher's.
    const auto list = runProcess({binaryDir() + "/client/kipvsctl", "--json", "list"},
                                 {"DBUS_SYSTEM_BUS_ADDRESS=" + bus.address()}, std::chrono::seconds(600));
    if (list.exitCode != 0) {
      std::cerr << "kipvsctl list failed: " << list.err << '\n';
      return 1;
    }
    listBytes = list.out.size();
  }
  const double listSeconds = secondsSince(listed);
  const double listPeakMiB = static_cast<double>(statusKiB("VmHWM:")) / 1024.0 - idle.rssMiB;
  server.run([](kipvs::bus::SdbusPublisher&) {});  // the loop is idle again: the reply is out
  const auto after = settle();

  // One real server's weight changed: publishing after an incremental sync (its key named, as the
  // daemon does) against a publish that compares every service (as after a full sync). Timed on the
  // publisher's thread; the states stay alive here until the server takes the last one over.
  auto changed = syntheticState(services, reals);
  const auto key = changed.services.begin()->first;
  changed.services.begin()->second.reals.front().server.weight = 3;
  auto again = changed;
  again.services.begin()->second.reals.front().server.weight = 4;
  const std::set<kipvs::core::VirtualServiceKey> touched{key};
  double touchedSeconds = 0;
  double wholeSeconds = 0;
  server.run([&](kipvs::bus::SdbusPublisher& publisher) {
    auto started = std::chrono::steady_clock::now();
    publisher.publish(changed, {.finishedUsec = 2}, &touched);
    touchedSeconds = secondsSince(started);
    started = std::chrono::steady_clock::now();
    publisher.publish(again, {.finishedUsec = 3});
    wholeSeconds = secondsSince(started);
  });
  server.publish(std::move(again), {.finishedUsec = 4});

  const auto k = std::to_string(services / 1000) + "k_services";
  std::printf("bus_services: %zu x %d real servers\n", services, reals);
  std::printf("bus_publisher_mib_%s: %.1f\n", k.c_str(), after.rssMiB - before.rssMiB);
  std::printf("bus_publisher_heap_mib_%s: %.1f\n", k.c_str(), after.heapMiB - before.heapMiB);
  std::printf("bus_publisher_peak_mib_%s: %.1f\n", k.c_str(), peakMiB);
  std::printf("bus_list_peak_mib_%s: %.1f\n", k.c_str(), listPeakMiB);
  std::printf("bus_publish_seconds_%s: %.2f\n", k.c_str(), publishSeconds);
  std::printf("kipvsctl_list_json_seconds_%s: %.2f (%zu bytes)\n", k.c_str(), listSeconds, listBytes);
  std::printf("bus_publish_one_change_us_%s: %.1f (comparing every service: %.1f)\n", k.c_str(),
              touchedSeconds * 1e6, wholeSeconds * 1e6);
  return 0;
}
