#include "bus/shown.hpp"

#include <string_view>

#include "bus/wire.hpp"

namespace kipvs::bus {

namespace {

// FNV-1a, 64 bit: stable, no allocation, good enough for change detection (not for adversaries:
// nothing here is keyed by these hashes).
class Hash {
 public:
  Hash& bytes(const void* data, std::size_t size) {
    const auto* p = static_cast<const unsigned char*>(data);
    for (std::size_t i = 0; i < size; ++i) {
      value_ ^= p[i];
      value_ *= 0x100000001b3ULL;
    }
    return *this;
  }
  Hash& text(std::string_view s) {
    const auto size = s.size();
    bytes(&size, sizeof size);  // length first: ("ab","c") and ("a","bc") differ
    return bytes(s.data(), s.size());
  }
  template <typename T>
  Hash& number(T n) {
    return bytes(&n, sizeof n);
  }
  std::uint64_t value() const { return value_; }

 private:
  std::uint64_t value_ = 0xcbf29ce484222325ULL;
};

std::uint64_t hashOf(std::string_view s) {
  return Hash().text(s).value();
}

// Exactly the fields RealServers shows (toWire): address, port, weight, forward, pod, node, ready,
// serving, terminating, local, drained.
std::uint64_t hashOf(const std::vector<core::DesiredRealServer>& reals) {
  Hash h;
  h.number(reals.size());
  for (const auto& real : reals) {
    const auto address = real.server.address.bytes();
    h.number(real.server.address.family()).bytes(address.data(), address.size());
    h.number(real.server.port).number(real.server.weight).number(real.server.forward);
    h.text(real.endpoint.pod).text(real.endpoint.node);
    h.number(real.endpoint.ready).number(real.endpoint.serving).number(real.endpoint.terminating);
    h.number(real.endpoint.local).number(real.drained);
  }
  return h.value();
}

}  // namespace

Shown shownOf(const core::DesiredVirtualService& value) {
  return {.ns = hashOf(value.origin.ns),
          .name = hashOf(value.origin.name),
          .portName = hashOf(value.origin.portName),
          .scheduler = hashOf(value.service.scheduler),
          .problem = hashOf(value.problem),
          .realServers = hashOf(value.reals),
          .flags = value.service.flags,
          .persistence = persistenceOf(value.service),
          .realCount = static_cast<std::uint32_t>(value.reals.size()),
          .kind = value.origin.kind};
}

std::vector<const char*> changedProperties(const Shown& was, const Shown& now) {
  std::vector<const char*> changed;
  if (now.ns != was.ns) {
    changed.push_back("Namespace");
  }
  if (now.name != was.name) {
    changed.push_back("Name");
  }
  if (now.portName != was.portName) {
    changed.push_back("PortName");
  }
  if (now.kind != was.kind) {
    changed.push_back("Kind");
  }
  if (now.scheduler != was.scheduler) {
    changed.push_back("Scheduler");
  }
  if (now.flags != was.flags) {
    changed.push_back("Flags");
  }
  if (now.persistence != was.persistence) {
    changed.push_back("PersistenceTimeout");
  }
  if (now.problem != was.problem) {
    changed.push_back("Problem");
  }
  if (now.realServers != was.realServers) {
    changed.push_back("RealServers");
  }
  return changed;
}

}  // namespace kipvs::bus
