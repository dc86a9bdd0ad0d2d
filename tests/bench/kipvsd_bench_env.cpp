#include "kipvsd_bench_env.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

namespace kipvs::bench {
namespace {

constexpr const char* kIp = "/usr/sbin/ip";  // not busybox's applet

// x.y of the i-th (0-based) Service: i + 1 in two octets, so no address ends in .0.0.
std::string lowOctets(int index) {
  const int n = index + 1;
  return std::to_string(n >> 8) + '.' + std::to_string(n & 0xff);
}

}  // namespace

void die(const std::string& what) {
  std::cerr << "kipvsd_bench: " << what << '\n';
  std::exit(1);
}

void shell(const std::string& command) {
  if (std::system(command.c_str()) != 0) {
    die("failed: " + command);
  }
}

std::string shellOutput(const std::string& command) {
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    die("popen: " + command);
  }
  std::string out;
  char buffer[4096];
  while (const auto n = std::fread(buffer, 1, sizeof buffer, pipe)) {
    out.append(buffer, n);
  }
  if (pclose(pipe) != 0) {
    die("failed: " + command);
  }
  return out;
}

double seconds(Clock::duration elapsed) {
  return std::chrono::duration<double>(elapsed).count();
}

std::string nodeOf(int index, int endpoint) {
  return "node-" + std::to_string((index * 10 + endpoint) % 100);
}

void writeServiceManifest(const std::string& dir, int index, int endpoints, int skip) {
  char name[32];
  std::snprintf(name, sizeof name, "svc-%05d", index);
  const std::string low = lowOctets(index);
  std::ostringstream out;
  out << R"({"apiVersion": "v1", "kind": "List", "items": [)"
      << R"({"apiVersion": "v1", "kind": "Service", "metadata": {"name": ")" << name
      << R"(", "namespace": "bench"}, "spec": {"type": "ClusterIP", "clusterIP": "10.96.)" << low
      << R"(", "ports": [{"name": "http", "port": 80, "protocol": "TCP", "targetPort": 8080}]}},)"
      << R"({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "metadata": {"name": ")" << name
      << R"(-1", "namespace": "bench", "labels": {"kubernetes.io/service-name": ")" << name
      << R"("}}, "addressType": "IPv4", "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}], )"
      << R"("endpoints": [)";
  const char* separator = "";
  for (int r = 0; r < endpoints; ++r) {
    if (r == skip) {
      continue;
    }
    out << separator << R"({"addresses": ["10.)" << 128 + r << '.' << low
        << R"("], "conditions": {"ready": true}, "nodeName": ")" << nodeOf(index, r) << R"("})";
    separator = ", ";
  }
  out << "]}]}\n";
  // Written beside the watched directory and renamed into it: the daemon's inotify watch sees one event
  // for the complete file.
  const std::string aside = dir + ".tmp";
  std::ofstream(aside) << out.str();
  std::filesystem::rename(aside, dir + "/" + name + ".json");
}

void writeIpvsadmRules(const std::string& path, int services, int endpoints) {
  std::ofstream out(path);
  for (int i = 0; i < services; ++i) {
    const std::string service = "-t 10.96." + lowOctets(i) + ":80";
    out << "-A " << service << " -s rr\n";
    for (int r = 0; r < endpoints; ++r) {
      out << "-a " << service << " -r 10." << 128 + r << '.' << lowOctets(i) << ":8080 -m -w 1\n";
    }
  }
}

void writeManifests(const std::string& dir, int services, int endpoints) {
  std::filesystem::create_directories(dir);
  for (int i = 0; i < services; ++i) {
    writeServiceManifest(dir, i, endpoints);
  }
}

void addNetns(const std::string& name) {
  const std::string in = std::string(kIp) + " netns exec " + name + " " + kIp;
  shell(std::string(kIp) + " netns add " + name);
  shell(in + " link set lo up && " + in + " link add bench0 type dummy && " + in + " link set bench0 up && " +
        in + " addr add 10.0.0.1/8 dev bench0");
}

std::string ipvsTable(const std::string& netns) {
  return shellOutput(std::string(kIp) + " netns exec " + netns + " ipvsadm -S -n | sort");
}

long ipvsLines(const std::string& netns) {
  // Over netlink, not /proc/net/ip_vs: with several namespaces' services in the kernel's (global) service
  // table, 6.1's /proc listing skipped about half of them while netlink listed all.
  return std::stol(shellOutput(std::string(kIp) + " netns exec " + netns + " ipvsadm -S -n | wc -l"));
}

long realServers(const std::string& netns, int index) {
  return std::stol(shellOutput(std::string(kIp) + " netns exec " + netns + " ipvsadm -Ln -t 10.96." +
                               lowOctets(index) + ":80 | grep -c Masq"));
}

NotifySocket::NotifySocket(std::string path) : path_(std::move(path)) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path_.size() >= sizeof address.sun_path) {
    die("notify socket path too long: " + path_);
  }
  std::memcpy(address.sun_path, path_.c_str(), path_.size() + 1);
  ::unlink(path_.c_str());
  fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    die("notify socket " + path_ + ": " + std::strerror(errno));
  }
}

NotifySocket::~NotifySocket() {
  ::close(fd_);
  ::unlink(path_.c_str());
}

bool NotifySocket::waitReady(pid_t pid, std::chrono::seconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    pollfd wait{fd_, POLLIN, 0};
    if (::poll(&wait, 1, 200) > 0) {
      char message[4096];
      const auto n = ::recv(fd_, message, sizeof message - 1, 0);
      if (n > 0) {
        const std::string text(message, static_cast<std::size_t>(n));
        if (text == "READY=1" || text.starts_with("READY=1\n") ||
            text.find("\nREADY=1") != std::string::npos) {
          return true;
        }
      }
      continue;
    }
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      return false;
    }
  }
  return false;
}

pid_t spawn(const std::vector<std::string>& argv, const std::string& netns,
            const std::vector<std::string>& env, const std::string& logPath) {
  const pid_t pid = ::fork();
  if (pid < 0) {
    die(std::string("fork: ") + std::strerror(errno));
  }
  if (pid > 0) {
    return pid;
  }
  if (!netns.empty()) {
    const int fd = ::open(("/run/netns/" + netns).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || ::setns(fd, CLONE_NEWNET) != 0) {
      std::perror("kipvsd_bench: enter netns");
      std::_Exit(127);
    }
  }
  const int log = ::open(logPath.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log < 0 || ::dup2(log, STDOUT_FILENO) < 0 || ::dup2(log, STDERR_FILENO) < 0) {
    std::_Exit(127);
  }
  for (const auto& entry : env) {
    ::putenv(const_cast<char*>(entry.c_str()));
  }
  std::vector<char*> args;
  for (const auto& arg : argv) {
    args.push_back(const_cast<char*>(arg.c_str()));
  }
  args.push_back(nullptr);
  ::execvp(args[0], args.data());
  std::perror("kipvsd_bench: exec");
  std::_Exit(127);
}

void stop(pid_t pid) {
  ::kill(pid, SIGTERM);
  int status = 0;
  ::waitpid(pid, &status, 0);
}

long vmHwmKib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with("VmHWM:")) {
      return std::stol(line.substr(6));
    }
  }
  die("no VmHWM for pid " + std::to_string(pid));
}

double mib(long kib) {
  return static_cast<double>(kib) / 1024.0;
}

PrivateBus startBus(const std::string& dir) {
  std::filesystem::create_directories(dir);
  const std::string socket = dir + "/socket";
  const std::string config = dir + "/bus.conf";
  std::ofstream(config)
      << "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN\"\n"
         " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n<busconfig>\n"
         "  <type>session</type>\n  <listen>unix:path="
      << socket
      << "</listen>\n  <auth>EXTERNAL</auth>\n"
         "  <policy context=\"default\">\n    <allow user=\"*\"/>\n    <allow own=\"*\"/>\n"
         "    <allow send_type=\"method_call\"/>\n    <allow send_type=\"signal\"/>\n"
         "    <allow send_type=\"method_return\"/>\n    <allow send_type=\"error\"/>\n"
         "    <allow receive_type=\"method_call\"/>\n    <allow receive_type=\"signal\"/>\n"
         "    <allow receive_type=\"method_return\"/>\n    <allow receive_type=\"error\"/>\n"
         "  </policy>\n</busconfig>\n";
  PrivateBus bus;
  // Ready once it prints its address (its socket exists a little earlier, before it listens).
  const std::string log = dir + "/dbus-daemon.log";
  bus.pid = spawn({"dbus-daemon", "--nofork", "--nopidfile", "--nosyslog", "--print-address=1",
                   "--config-file=" + config},
                  "", {}, log);
  bus.address = "unix:path=" + socket;
  for (int i = 0; i < 500; ++i) {
    std::stringstream printed;
    printed << std::ifstream(log).rdbuf();
    if (printed.str().find("unix:") != std::string::npos) {
      return bus;
    }
    int status = 0;
    if (::waitpid(bus.pid, &status, WNOHANG) == bus.pid) {
      die("dbus-daemon exited; see " + dir + "/dbus-daemon.log");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  die("dbus-daemon printed no address within 10 s; see " + log);
}

void LogTail::skipToEnd() {
  std::error_code ec;
  offset_ = std::filesystem::file_size(path_, ec);
}

std::optional<std::string> LogTail::nextLine() {
  std::ifstream in(path_);
  in.seekg(static_cast<std::streamoff>(offset_));
  std::string line;
  if (!std::getline(in, line) || in.eof()) {  // a line without its newline is still being written
    return std::nullopt;
  }
  offset_ += line.size() + 1;
  return line;
}

SyncLine LogTail::waitSync(bool full, std::chrono::seconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    while (const auto line = nextLine()) {
      const auto at = line->find("sync: ");
      if (at == std::string::npos) {
        continue;
      }
      SyncLine sync;
      char kind[16] = {};
      if (std::sscanf(line->c_str() + at, "sync: %15s services=%zu ipvs_ops=%zu reconcile_us=%ld took_us=%ld",
                      kind, &sync.services, &sync.ops, &sync.reconcileUs, &sync.tookUs) != 5) {
        continue;  // another message starting with "sync: "
      }
      sync.full = std::string(kind) == "full";
      sync.seen = Clock::now();
      if (sync.full == full) {
        return sync;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  die(std::string("no ") + (full ? "full" : "incremental") + " sync line in " + path_);
}

}  // namespace kipvs::bench
