#pragma once

// Helpers for the host VM tests (run as root inside the test VM only): shell commands, work inside a
// network namespace, tiny UDP/TCP servers that answer with the peer address they saw, and clients.

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace kipvs::host::vmtest {

struct ShellResult {
  int status = -1;
  std::string output;  // stdout and stderr
};

ShellResult sh(const std::string& command);
// Runs `command` and fails the current test (ADD_FAILURE) when it exits non-zero; returns its output.
std::string shOk(const std::string& command);

// Runs `body` in a child process that entered /run/netns/<ns> ("" = the root namespace); returns what the
// body returned.
std::string inNetns(const std::string& ns, const std::function<std::string()>& body);

// Sends `payload` from ns (optionally from a fixed source port) to address:port (IPv4 or IPv6) over UDP and
// waits for one reply; nullopt after ~2 s without one.
std::optional<std::string> udpQuery(const std::string& ns, const std::string& address, std::uint16_t port,
                                    std::uint16_t sourcePort = 0);

// Connects over TCP from ns and reads the server's greeting. The result is the greeting, or
// "error:<errno name>" ("error:ECONNREFUSED", "error:ETIMEDOUT" after ~2 s).
std::string tcpQuery(const std::string& ns, const std::string& address, std::uint16_t port);

// A server process inside ns: UDP on udpPort and TCP on tcpPort (0 = none), on every address of both
// families. Each datagram or connection is answered with "peer=<source address>". Killed by the destructor.
class PeerServer {
 public:
  PeerServer(const std::string& ns, std::uint16_t udpPort, std::uint16_t tcpPort);
  ~PeerServer();
  PeerServer(const PeerServer&) = delete;
  PeerServer& operator=(const PeerServer&) = delete;

 private:
  pid_t pid_ = -1;
};

}  // namespace kipvs::host::vmtest
