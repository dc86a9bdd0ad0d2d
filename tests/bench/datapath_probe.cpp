// datapath_probe: new-connection cost through one Service address, the client side of bench-datapath.
//   datapath_probe <ip> <port> <connections>
// Opens <connections> TCP connections one after another. For each it times connect(), i.e. SYN out to
// SYN-ACK back: the first packet of a connection is the one the service proxy has to classify (IPVS
// looks the virtual service up in a hash table; kube-proxy's iptables rules are walked in order; its
// nftables rules use one verdict-map lookup), so this is where the number of Services shows. Each
// connection then reads the pod's one-line answer (proof it reached a pod) and is closed with a reset, so
// no TIME_WAIT piles up on the client. Prints one line:
//   p50_us=<x> p99_us=<x> rate_per_s=<x> failed=<n>
// and exits 1 when a connection failed.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

// One connection: true when connected and answered; `connectUs` is the time connect() took.
bool oneConnection(const sockaddr_in& target, double& connectUs) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) {
    return false;
  }
  const auto started = Clock::now();
  const bool connected = connect(fd, reinterpret_cast<const sockaddr*>(&target), sizeof target) == 0;
  connectUs = std::chrono::duration<double, std::micro>(Clock::now() - started).count();
  bool answered = false;
  if (connected) {
    pollfd wait{fd, POLLIN, 0};
    char buffer[256];
    answered = poll(&wait, 1, 2000) == 1 && read(fd, buffer, sizeof buffer) > 0;
  }
  const linger reset{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
  close(fd);
  return answered;
}

double percentile(std::vector<double> values, double fraction) {
  if (values.empty()) {
    return 0;
  }
  const auto rank = static_cast<std::size_t>(fraction * static_cast<double>(values.size() - 1));
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(rank), values.end());
  return values[rank];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: datapath_probe <ip> <port> <connections>\n");
    return 2;
  }
  sockaddr_in target{};
  target.sin_family = AF_INET;
  target.sin_port = htons(static_cast<std::uint16_t>(std::atoi(argv[2])));
  const int connections = std::atoi(argv[3]);
  if (inet_pton(AF_INET, argv[1], &target.sin_addr) != 1 || connections <= 0) {
    std::fprintf(stderr, "datapath_probe: bad address or count\n");
    return 2;
  }
  std::vector<double> connectUs;
  connectUs.reserve(static_cast<std::size_t>(connections));
  int failed = 0;
  const auto started = Clock::now();
  for (int i = 0; i < connections; ++i) {
    double us = 0;
    if (oneConnection(target, us)) {
      connectUs.push_back(us);
    } else {
      ++failed;
    }
  }
  const double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
  std::printf("p50_us=%.1f p99_us=%.1f rate_per_s=%.0f failed=%d\n", percentile(connectUs, 0.50),
              percentile(connectUs, 0.99), connections / elapsed, failed);
  return failed == 0 ? 0 : 1;
}
