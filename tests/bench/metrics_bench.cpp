// One /metrics scrape of kipvsd at 10,000 Services x 10 ready endpoints on the real kernel (target
// bench-metrics, in the VM): its time and size, and kipvsd's peak RSS before and after scrapes, against
// a baseline in the same run: `ipvsadm -Ln --stats` of the same table (the kernel's counters as text by
// the standard tool; it reads every real server through one netlink dump per service). Each is run
// three times; the fastest counts.

#include <sys/types.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "kipvsd_bench_env.hpp"

namespace {

using namespace kipvs::bench;

constexpr int kEndpoints = 10;
const int kServices =
    std::getenv("KIPVSD_BENCH_SERVICES") ? std::atoi(std::getenv("KIPVSD_BENCH_SERVICES")) : 10000;
const std::string kRoot = "/tmp/metrics-bench";
const std::string kNetns = "bench-metrics";
constexpr int kRuns = 3;

double fastest(const std::string& command) {
  double best = 1e9;
  for (int i = 0; i < kRuns; ++i) {
    const auto started = Clock::now();
    shell(command);
    best = std::min(best, seconds(Clock::now() - started));
  }
  return best;
}

long vmRssKib(pid_t pid) {
  return std::stol(shellOutput("awk '/^VmRSS:/ {print $2}' /proc/" + std::to_string(pid) + "/status"));
}

}  // namespace

int main() {
  shell("mkdir -p " + kRoot + "/manifests " + kRoot + "/state");
  writeManifests(kRoot + "/manifests", kServices, kEndpoints);
  std::ofstream(kRoot + "/kipvsd.conf")
      << "[kipvsd]\nsource = static\nstatic-dir = " << kRoot << "/manifests\nnode-name = " << kThisNode
      << "\ndbus = none\nstate-dir = " << kRoot << "/state\nsync-period = 1h\ncluster-cidr = 10.128.0.0/9\n"
      << "metrics-bind-address = 127.0.0.1:10249\n";
  addNetns(kNetns);
  NotifySocket notify(kRoot + "/notify");
  const pid_t pid = spawn({"kipvsd", "--config", kRoot + "/kipvsd.conf"}, kNetns,
                          {"NOTIFY_SOCKET=" + notify.path()}, kRoot + "/kipvsd.log");
  if (!notify.waitReady(pid, std::chrono::seconds(1200))) {
    shell("tail -30 " + kRoot + "/kipvsd.log >&2");
    die("kipvsd sent no READY=1");
  }
  const long lines = ipvsLines(kNetns);
  std::printf("kipvsd: READY=1, %ld services + real servers in the kernel\n", lines);
  const long hwmReady = vmHwmKib(pid);
  const long rssReady = vmRssKib(pid);

  const std::string in = "ip netns exec " + kNetns + " ";
  const double baseline = fastest(in + "ipvsadm -Ln --stats > " + kRoot + "/stats.txt");
  const double scrape = fastest(in + "wget -q -O " + kRoot + "/metrics.txt http://127.0.0.1:10249/metrics");
  const long hwmScraped = vmHwmKib(pid);
  const long rssScraped = vmRssKib(pid);
  const auto bytes = std::stol(shellOutput("wc -c < " + kRoot + "/metrics.txt"));
  const auto samples = std::stol(shellOutput("grep -vc '^#' " + kRoot + "/metrics.txt"));
  const auto realLines =
      std::stol(shellOutput("grep -c '^kipvs_real_server_active_connections{' " + kRoot + "/metrics.txt"));
  if (realLines != static_cast<long>(kServices) * kEndpoints) {
    die("the scrape has " + std::to_string(realLines) + " real servers, expected " +
        std::to_string(kServices * kEndpoints));
  }
  stop(pid);

  std::printf("ipvsadm -Ln --stats (baseline): %.3f s\n", baseline);
  std::printf("scrape /metrics: %.3f s, %.1f MiB, %ld samples\n", scrape,
              static_cast<double>(bytes) / 1048576.0, samples);
  std::printf("scrape_vs_ipvsadm_stats: %.2f\n", scrape / baseline);
  std::printf("rss_mib at READY: %.1f (peak %.1f); after %d scrapes: %.1f (peak %.1f)\n", mib(rssReady),
              mib(hwmReady), kRuns, mib(rssScraped), mib(hwmScraped));
  std::printf("scrape_peak_rss_increase_mib: %.1f\n", mib(hwmScraped - hwmReady));
  return 0;
}
