#pragma once

// Helpers for scripting the first watch (or list) of a resource and letting the fake cluster serve
// the rest.

#include <atomic>
#include <memory>
#include <string>

#include "harness.hpp"

namespace kipvs::k8s::testing {

inline std::string added(const std::string& json, std::uint64_t rv) {
  return eventJson("ADDED", render(json, rv));
}
inline std::string modified(const std::string& json, std::uint64_t rv) {
  return eventJson("MODIFIED", render(json, rv));
}
inline std::string deleted(const std::string& json, std::uint64_t rv) {
  return eventJson("DELETED", render(json, rv));
}
inline std::string svc(const std::string& name, const std::string& ip = "10.96.1.1") {
  return serviceJson("shop", name, ip);
}

// Runs `fn` for the first `times` requests matching `match`; the cluster serves the others.
inline Harness::Script scripted(std::function<bool(const FakeRequest&)> match,
                                std::function<void(const FakeRequest&, Responder&)> fn, int times = 1) {
  auto left = std::make_shared<std::atomic<int>>(times);
  return [match = std::move(match), fn = std::move(fn), left](const FakeRequest& request, Responder& out) {
    if (!match(request) || left->fetch_sub(1) <= 0) {
      return false;
    }
    fn(request, out);
    return true;
  };
}

inline std::function<bool(const FakeRequest&)> serviceWatch() {
  return [](const FakeRequest& r) { return Harness::isWatch(r, ResourceKind::Service); };
}
inline std::function<bool(const FakeRequest&)> serviceList() {
  return [](const FakeRequest& r) { return Harness::isList(r, ResourceKind::Service); };
}

inline bool hasService(const Harness& h, const std::string& name) {
  return h.subscription && h.subscription->cache().snapshot().services.count({"shop", name}) != 0;
}

inline std::size_t watchesFrom(const Harness& h, ResourceKind kind, const std::string& rv) {
  return h.requests(
      [&](const FakeRequest& r) { return Harness::isWatch(r, kind) && r.param("resourceVersion") == rv; });
}

}  // namespace kipvs::k8s::testing
