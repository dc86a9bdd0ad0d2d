#include "core/callback_edge.hpp"

#include <atomic>
#include <new>

#include "core/log.hpp"

namespace kipvs::core {
namespace {

// Edges run on the main loop and the libnl callbacks on whichever thread called into libnl.
std::array<std::atomic<std::uint64_t>, kEdgeCount> failures{};

}  // namespace

std::string_view toString(Edge edge) {
  switch (edge) {
    case Edge::Timer:
      return "timer";
    case Edge::Posted:
      return "posted";
    case Edge::Signal:
      return "signal";
    case Edge::FileDescriptor:
      return "fd";
    case Edge::Bus:
      return "bus";
    case Edge::Netlink:
      return "netlink";
  }
  return "unknown";
}

EdgeFailure noteEdgeFailure(Edge edge, std::string_view context) noexcept {
  EdgeFailure failure;
  try {
    failures.at(static_cast<std::size_t>(edge)).fetch_add(1, std::memory_order_relaxed);
    std::string what;
    try {
      throw;
    } catch (const FatalError& error) {
      what = error.what();
      failure.fatalExitCode = error.exitCode();
    } catch (const std::bad_alloc&) {
      what = "out of memory";
      failure.fatalExitCode = 1;
    } catch (const std::exception& error) {
      what = error.what();
    } catch (...) {
      what = "an unknown exception";
    }
    failure.message = std::string(context) + ": " + what;
    const std::string edgeName(toString(edge));
    log::error((failure.fatalExitCode ? "fatal at the " : "caught at the ") + edgeName + " edge: " +
                   failure.message + (failure.fatalExitCode ? "; stopping" : "; kipvsd keeps running"),
               {{"KIPVS_EDGE", edgeName}});
  } catch (...) {
    // Logging itself failed (no memory): the count above is all that can be done.
    failure.fatalExitCode = 1;
  }
  return failure;
}

std::array<std::uint64_t, kEdgeCount> edgeFailureCounts() {
  std::array<std::uint64_t, kEdgeCount> counts{};
  for (std::size_t i = 0; i < kEdgeCount; ++i) {
    counts.at(i) = failures.at(i).load(std::memory_order_relaxed);
  }
  return counts;
}

}  // namespace kipvs::core
