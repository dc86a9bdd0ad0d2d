#pragma once

// rest_client_requests_total{code,method,host}: every request kipvsd makes to the API server, by
// HTTP status ("<error>" when there was no answer), method and API server host:port — the counter
// client-go's REST client keeps (k8s.io/client-go/tools/metrics, registered by component-base). The
// watch and Event threads count; the loop reads a copy when /metrics is scraped.

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>

namespace kipvs::k8s {

class RequestCounter {
 public:
  using Key = std::tuple<std::string, std::string, std::string>;  // code, method, host

  void count(int status, std::string_view method, std::string_view host);  // status 0: no answer
  std::map<Key, std::uint64_t> snapshot() const;

 private:
  mutable std::mutex mutex_;
  std::map<Key, std::uint64_t> counts_;
};

}  // namespace kipvs::k8s
