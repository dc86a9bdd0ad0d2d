// podnet: the pods and clients of kipvsd's data-path tests in the VM.
//   podnet serve <port> <name>          TCP and UDP on <port> (IPv4+IPv6); each request is answered with
//                                       "<name> <client address>\n". A TCP client may keep the connection
//                                       and send more lines; each gets an answer.
//   podnet ask tcp|udp <ip> <port> <n> [<src-port>]
//                                       n requests (a new connection each for TCP); prints "<name> <seen-as>"
//                                       per answer, "lost" per unanswered request (1 s timeout).
//   podnet hold <ip> <port> <seconds>   one TCP connection, a request every 100 ms; prints the answers'
//                                       names and exits 1 if the connection breaks or an answer is missing.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <thread>

namespace {

sockaddr_storage parseAddress(const char* ip, int port, socklen_t& length) {
  sockaddr_storage storage{};
  auto* v4 = reinterpret_cast<sockaddr_in*>(&storage);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
  if (inet_pton(AF_INET, ip, &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<std::uint16_t>(port));
    length = sizeof *v4;
  } else if (inet_pton(AF_INET6, ip, &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<std::uint16_t>(port));
    length = sizeof *v6;
  } else {
    std::fprintf(stderr, "podnet: bad address %s\n", ip);
    std::exit(2);
  }
  return storage;
}

std::string peerName(const sockaddr_storage& peer) {
  char text[INET6_ADDRSTRLEN] = {};
  if (peer.ss_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&peer)->sin_addr, text, sizeof text);
  } else {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&peer);
    inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof text);
    if (std::strncmp(text, "::ffff:", 7) == 0) {
      return text + 7;  // an IPv4 client of the dual-stack socket
    }
  }
  return text;
}

int dualStackSocket(int type, int port) {
  const int fd = socket(AF_INET6, type, 0);
  const int on = 1;
  const int off = 0;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
  sockaddr_in6 address{};
  address.sin6_family = AF_INET6;
  address.sin6_port = htons(static_cast<std::uint16_t>(port));
  address.sin6_addr = in6addr_any;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    std::perror("podnet: bind");
    std::exit(1);
  }
  return fd;
}

void serveTcpClient(int client, const std::string& name, const std::string& peer) {
  const std::string answer = name + " " + peer + "\n";
  char buffer[256];
  // Answer at once (one-shot clients read without sending), then once per line received.
  if (write(client, answer.data(), answer.size()) < 0) {
    close(client);
    return;
  }
  while (read(client, buffer, sizeof buffer) > 0) {
    if (write(client, answer.data(), answer.size()) < 0) {
      break;
    }
  }
  close(client);
}

int serve(int port, const std::string& name) {
  std::signal(SIGPIPE, SIG_IGN);
  const int tcp = dualStackSocket(SOCK_STREAM, port);
  listen(tcp, 256);
  const int udp = dualStackSocket(SOCK_DGRAM, port);
  std::thread([udp, name] {
    char buffer[512];
    for (;;) {
      sockaddr_storage peer{};
      socklen_t length = sizeof peer;
      if (recvfrom(udp, buffer, sizeof buffer, 0, reinterpret_cast<sockaddr*>(&peer), &length) < 0) {
        continue;
      }
      const std::string answer = name + " " + peerName(peer) + "\n";
      sendto(udp, answer.data(), answer.size(), 0, reinterpret_cast<sockaddr*>(&peer), length);
    }
  }).detach();
  for (;;) {
    sockaddr_storage peer{};
    socklen_t length = sizeof peer;
    const int client = accept(tcp, reinterpret_cast<sockaddr*>(&peer), &length);
    if (client >= 0) {
      std::thread(serveTcpClient, client, name, peerName(peer)).detach();
    }
  }
}

// Reads one line (the answer) with a timeout; empty on timeout or close.
std::string readAnswer(int fd, int timeoutMs) {
  pollfd wait{fd, POLLIN, 0};
  if (poll(&wait, 1, timeoutMs) != 1) {
    return {};
  }
  char buffer[512];
  const ssize_t n = read(fd, buffer, sizeof buffer - 1);
  if (n <= 0) {
    return {};
  }
  std::string line(buffer, static_cast<std::size_t>(n));
  return line.substr(0, line.find('\n'));
}

int ask(const std::string& protocol, const char* ip, int port, int count, int sourcePort) {
  socklen_t length = 0;
  const auto target = parseAddress(ip, port, length);
  int lost = 0;
  for (int i = 0; i < count; ++i) {
    const bool tcp = protocol == "tcp";
    const int fd = socket(target.ss_family, tcp ? SOCK_STREAM : SOCK_DGRAM, 0);
    if (sourcePort != 0) {
      const int on = 1;
      setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
      sockaddr_storage local{};
      local.ss_family = target.ss_family;
      reinterpret_cast<sockaddr_in*>(&local)->sin_port = htons(static_cast<std::uint16_t>(sourcePort));
      if (target.ss_family == AF_INET6) {
        reinterpret_cast<sockaddr_in6*>(&local)->sin6_port = htons(static_cast<std::uint16_t>(sourcePort));
      }
      if (bind(fd, reinterpret_cast<sockaddr*>(&local), length) != 0) {
        std::perror("podnet ask: bind source port");
        std::exit(1);
      }
    }
    std::string answer;
    if (connect(fd, reinterpret_cast<const sockaddr*>(&target), length) == 0) {
      if (!tcp) {
        [[maybe_unused]] const auto sent = send(fd, "?\n", 2, 0);
      }
      answer = readAnswer(fd, 1000);
    }
    close(fd);
    if (answer.empty()) {
      ++lost;
      std::printf("lost\n");
    } else {
      std::printf("%s\n", answer.c_str());
    }
    std::fflush(stdout);
  }
  return lost == 0 ? 0 : 1;
}

int hold(const char* ip, int port, int seconds) {
  socklen_t length = 0;
  const auto target = parseAddress(ip, port, length);
  const int fd = socket(target.ss_family, SOCK_STREAM, 0);
  if (connect(fd, reinterpret_cast<const sockaddr*>(&target), length) != 0) {
    std::perror("podnet hold: connect");
    return 1;
  }
  std::string first = readAnswer(fd, 1000);
  std::printf("%s\n", first.c_str());
  std::fflush(stdout);  // the test reads which pod holds the connection while it is still open
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  int answers = 0;
  while (std::chrono::steady_clock::now() < end) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (send(fd, "ping\n", 5, MSG_NOSIGNAL) != 5) {
      std::printf("broken after %d answers: send: %s\n", answers, std::strerror(errno));
      return 1;
    }
    if (readAnswer(fd, 2000).empty()) {
      std::printf("broken after %d answers: no answer\n", answers);
      return 1;
    }
    ++answers;
  }
  close(fd);
  std::printf("held %s for %d s: %d answers\n", first.c_str(), seconds, answers);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "serve" && argc == 4) {
    return serve(std::atoi(argv[2]), argv[3]);
  }
  if (mode == "ask" && (argc == 6 || argc == 7)) {
    return ask(argv[2], argv[3], std::atoi(argv[4]), std::atoi(argv[5]), argc == 7 ? std::atoi(argv[6]) : 0);
  }
  if (mode == "hold" && argc == 5) {
    return hold(argv[2], std::atoi(argv[3]), std::atoi(argv[4]));
  }
  std::fprintf(stderr,
               "usage: podnet serve <port> <name> | ask tcp|udp <ip> <port> <n> [<src-port>] | "
               "hold <ip> <port> <seconds>\n");
  return 2;
}
