#pragma once

// The error policy where C calls into kipvs (sd-event timers, posted work, signals and file descriptors,
// sd-bus dispatch, libnl callbacks): no exception crosses into C. Each such edge runs its C++ body
// through catchAtEdge(), which logs what failed with the edge's context, counts it per edge (read by
// /metrics through edgeFailureCounts()) and returns, so the daemon keeps running. Retrying is the
// caller's business: the sync loop retries a failed sync with backoff and reports SyncState=degraded.
//
// A FatalError is the one exception to "keep running": the daemon cannot go on (its loop or bus is
// gone). The edge reports it to its caller, which stops the loop with the error's exit code and a
// STATUS= line, instead of std::terminate.

#include <array>
#include <cstdint>
#include <exception>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace kipvs::core {

enum class Edge : std::uint8_t { Timer, Posted, Signal, FileDescriptor, Bus, Netlink };
inline constexpr std::size_t kEdgeCount = 6;
std::string_view toString(Edge edge);  // "timer", "posted", "signal", "fd", "bus", "netlink"

class FatalError : public std::runtime_error {
 public:
  explicit FatalError(const std::string& what, int exitCode = 1)
      : std::runtime_error(what), exitCode_(exitCode) {}
  int exitCode() const { return exitCode_; }

 private:
  int exitCode_;
};

// What an edge caught. `fatalExitCode` is set for a FatalError (and for memory exhaustion).
struct EdgeFailure {
  std::string message;  // "<context>: <what>"
  std::optional<int> fatalExitCode;
};

// Logs, counts and describes the exception in flight; call only inside a catch block.
EdgeFailure noteEdgeFailure(Edge edge, std::string_view context) noexcept;

// Runs `body`; nullopt when it returned, else what it threw (already logged and counted).
template <typename Body>
std::optional<EdgeFailure> catchAtEdge(Edge edge, std::string_view context, Body&& body) noexcept {
  try {
    body();
    return std::nullopt;
  } catch (...) {
    return noteEdgeFailure(edge, context);
  }
}

// Failures caught at each edge since the process started, indexed by Edge.
std::array<std::uint64_t, kEdgeCount> edgeFailureCounts();

}  // namespace kipvs::core
