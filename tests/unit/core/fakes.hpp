#pragma once

// In-memory fakes of the core's ports. FakeIpvs answers like the kernel (EEXIST, ESRCH, ENOENT) and
// logs every op it is asked to apply; connection counters are set by the test.

#include <algorithm>
#include <cerrno>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <system_error>
#include <tuple>
#include <vector>

#include "core/diff.hpp"
#include "core/ipvs_port.hpp"
#include "core/ports.hpp"

namespace kipvs::core::testing {

class FakeIpvs final : public IpvsPort {
 public:
  ObservedState table;
  std::vector<std::string> log;  // every op applied, rendered
  std::map<std::tuple<VirtualServiceKey, IpAddress, std::uint16_t>, std::uint32_t> connections;
  std::optional<int> failNext;  // errno for the next op, then cleared

  std::vector<VirtualServiceStatus> listServices() override {
    std::vector<VirtualServiceStatus> result;
    for (const auto& [key, vs] : table) {
      VirtualServiceStatus status;
      status.service = vs.service;
      status.service.flags |= svc_flags::kHashed;  // as the kernel reports it
      result.push_back(status);
    }
    return result;
  }

  std::vector<RealServerStatus> listRealServers(const VirtualServiceKey& key) override {
    const auto it = table.find(key);
    if (it == table.end()) {
      return {};
    }
    std::vector<RealServerStatus> reals;
    for (const auto& server : it->second.reals) {
      RealServerStatus real;
      real.server = server;
      const auto conns = connections.find({key, server.address, server.port});
      real.activeConnections = conns == connections.end() ? 0 : conns->second;
      reals.push_back(real);
    }
    return reals;
  }

  std::vector<int> apply(const std::vector<IpvsOp>& ops) override {
    std::vector<int> results;
    for (const auto& op : ops) {
      std::ostringstream out;
      out << op;
      log.push_back(out.str());
      int error = check(op);
      if (failNext) {
        error = *failNext;
        failNext.reset();
      }
      if (error == 0) {
        applyToObserved(table, op);
      }
      results.push_back(error);
    }
    return results;
  }

  void setConnections(const VirtualServiceKey& key, const IpAddress& address, std::uint16_t port,
                      std::uint32_t n) {
    connections[{key, address, port}] = n;
  }

 private:
  int check(const IpvsOp& op) const {
    const auto vs = table.find(op.service.key);
    const bool exists = vs != table.end();
    const bool realExists =
        exists && std::any_of(vs->second.reals.begin(), vs->second.reals.end(), [&](const auto& r) {
          return r.address == op.real.address && r.port == op.real.port;
        });
    switch (op.kind) {
      case IpvsOp::Kind::AddService:
        return exists ? EEXIST : 0;
      case IpvsOp::Kind::EditService:
      case IpvsOp::Kind::DeleteService:
        return exists ? 0 : ESRCH;
      case IpvsOp::Kind::AddReal:
        return !exists ? ESRCH : realExists ? EEXIST : 0;
      case IpvsOp::Kind::EditReal:
      case IpvsOp::Kind::DeleteReal:
        return !exists ? ESRCH : realExists ? 0 : ENOENT;
    }
    return EINVAL;
  }
};

class FakeAddresses final : public AddressPort {
 public:
  std::set<IpAddress> addresses;
  std::vector<std::string> log;
  std::optional<int> failNext;

  std::vector<IpAddress> listAddresses() override { return {addresses.begin(), addresses.end()}; }
  void addAddress(const IpAddress& address) override {
    maybeFail("add " + address.toString());
    addresses.insert(address);
  }
  void removeAddress(const IpAddress& address) override {
    maybeFail("remove " + address.toString());
    addresses.erase(address);
  }

 private:
  void maybeFail(std::string entry) {
    log.push_back(std::move(entry));
    if (failNext) {
      const int error = *failNext;
      failNext.reset();
      throw std::system_error(error, std::generic_category(), log.back());
    }
  }
};

class FakeConntrack final : public ConntrackPort {
 public:
  std::vector<std::string> log;
  void flush(const IpAddress& vip, std::uint16_t port, Protocol protocol, const IpAddress& realIp) override {
    std::ostringstream out;
    out << protocol << ' ' << vip << ':' << port << " -> " << realIp;
    log.push_back(out.str());
  }
};

class FakeStore final : public StateStore {
 public:
  std::optional<std::string> text;
  int saves = 0;
  std::optional<std::string> load() override { return text; }
  void save(std::string_view value) override {
    text = std::string(value);
    ++saves;
  }
};

class FakeClock final : public Clock {
 public:
  TimePoint current{};
  TimePoint now() const override { return current; }
  void advance(std::chrono::steady_clock::duration by) { current += by; }
};

}  // namespace kipvs::core::testing
