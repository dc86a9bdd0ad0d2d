#pragma once

// The guest-side plumbing of bench-kipvsd: manifests, network namespaces, the real kipvsd and
// dbus-daemon processes, the sd_notify socket they report to, and what the daemon logs per sync.
// Every failure ends the bench with a message: a benchmark that half-ran prints no figures.

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace kipvs::bench {

using Clock = std::chrono::steady_clock;

[[noreturn]] void die(const std::string& what);
void shell(const std::string& command);  // /bin/sh -c, dies unless it exits 0
std::string shellOutput(const std::string& command);
double seconds(Clock::duration elapsed);

// One manifest file per Service: a JSON List of the Service (ClusterIP, TCP 80 -> 8080) and its
// EndpointSlice of `endpoints` ready endpoints, leaving out endpoint `skip`. Service i (0-based) has
// ClusterIP 10.96.x.y and endpoints 10.(128+r).x.y, where x.y encodes i + 1. Endpoints are spread over a
// 100-node cluster: endpoint r of Service i is on node-<(10 i + r) mod 100>; this node is node-0.
constexpr const char* kThisNode = "node-0";
std::string nodeOf(int index, int endpoint);
void writeServiceManifest(const std::string& dir, int index, int endpoints, int skip = -1);
void writeManifests(const std::string& dir, int services, int endpoints);
// The same table in ipvsadm-save format: what `ipvsadm -R` restores.
void writeIpvsadmRules(const std::string& path, int services, int endpoints);

// A fresh network namespace with a dummy link routing 10/8: the kernel refuses real servers it cannot
// reach by unicast. IPVS state is per namespace, so each measurement starts from an empty kernel.
void addNetns(const std::string& name);
long ipvsLines(const std::string& netns);  // services + real servers in the namespace's IPVS table
long realServers(const std::string& netns, int index);  // of Service `index`'s virtual service
std::string ipvsTable(const std::string& netns);        // `ipvsadm -S -n`, sorted

// The AF_UNIX datagram socket given to kipvsd as NOTIFY_SOCKET.
class NotifySocket {
 public:
  explicit NotifySocket(std::string path);
  ~NotifySocket();
  NotifySocket(const NotifySocket&) = delete;
  NotifySocket& operator=(const NotifySocket&) = delete;

  const std::string& path() const { return path_; }
  // Waits for a message carrying READY=1; false when `pid` exits or the timeout passes first.
  bool waitReady(pid_t pid, std::chrono::seconds timeout);

 private:
  std::string path_;
  int fd_ = -1;
};

// Starts `argv` inside `netns` (empty: this one) with extra environment entries, stdout and stderr
// appended to `logPath`.
pid_t spawn(const std::vector<std::string>& argv, const std::string& netns,
            const std::vector<std::string>& env, const std::string& logPath);
void stop(pid_t pid);      // SIGTERM, then waits for it
long vmHwmKib(pid_t pid);  // peak resident set size so far (/proc/<pid>/status VmHWM)
double mib(long kib);

// A private dbus-daemon (session type, open policy) listening on a socket in `dir`.
struct PrivateBus {
  pid_t pid = -1;
  std::string address;  // for DBUS_SESSION_BUS_ADDRESS
};
PrivateBus startBus(const std::string& dir);

// kipvsd's per-sync debug line:
// "sync: <full|incremental> services=<n> ipvs_ops=<n> reconcile_us=<n> took_us=<n>".
struct SyncLine {
  bool full = false;
  std::size_t services = 0;
  std::size_t ops = 0;
  long reconcileUs = 0;
  long tookUs = 0;
  Clock::time_point seen;  // when the bench read the line (polled every 5 ms)
};

// Reads a log file as it grows.
class LogTail {
 public:
  explicit LogTail(std::string path) : path_(std::move(path)) {}
  void skipToEnd();
  // The next sync line of that kind written after what was read so far; dies after `timeout`.
  SyncLine waitSync(bool full, std::chrono::seconds timeout);

 private:
  std::optional<std::string> nextLine();

  std::string path_;
  std::size_t offset_ = 0;
};

}  // namespace kipvs::bench
