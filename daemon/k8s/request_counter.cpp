#include "k8s/request_counter.hpp"

namespace kipvs::k8s {

void RequestCounter::count(int status, std::string_view method, std::string_view host) {
  Key key{status == 0 ? std::string("<error>") : std::to_string(status), std::string(method), std::string(host)};
  const std::lock_guard lock(mutex_);
  ++counts_[std::move(key)];
}

std::map<RequestCounter::Key, std::uint64_t> RequestCounter::snapshot() const {
  const std::lock_guard lock(mutex_);
  return counts_;
}

}  // namespace kipvs::k8s
