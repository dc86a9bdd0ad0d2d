#include "bus/bus_pump.hpp"

namespace kipvs::bus {

BusPump::Wait BusPump::pollData() const {
  const auto data = connection_.getEventLoopPollData();
  return Wait{.fd = data.fd, .events = data.events, .timeoutMs = data.getPollTimeout()};
}

std::uint32_t BusPump::dispatch() {
  std::uint32_t handled = 0;
  while (connection_.processPendingRequest()) {
    ++handled;
  }
  return handled;
}

}  // namespace kipvs::bus
