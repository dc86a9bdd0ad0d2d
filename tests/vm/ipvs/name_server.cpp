// A tiny TCP server for data-path tests: answers every connection with its name and a newline.
// Usage: name_server <port> <name>   (listens on all IPv4 and IPv6 addresses)

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s <port> <name>\n", argv[0]);
    return 2;
  }
  std::signal(SIGPIPE, SIG_IGN);
  const std::string answer = std::string(argv[2]) + "\n";
  const int listener = socket(AF_INET6, SOCK_STREAM, 0);
  const int on = 1;
  const int off = 0;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  setsockopt(listener, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
  sockaddr_in6 address{};
  address.sin6_family = AF_INET6;
  address.sin6_port = htons(static_cast<std::uint16_t>(std::atoi(argv[1])));
  address.sin6_addr = in6addr_any;
  if (bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      listen(listener, 128) != 0) {
    std::perror("name_server: bind/listen");
    return 1;
  }
  for (;;) {
    const int client = accept(listener, nullptr, nullptr);
    if (client < 0) {
      continue;
    }
    const ssize_t written = write(client, answer.data(), answer.size());
    (void)written;
    close(client);
  }
}
