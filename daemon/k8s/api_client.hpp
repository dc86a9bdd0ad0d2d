#pragma once

// One HTTP/1.1 GET at a time against the API server over Poco Net/NetSSL (`PocoKubeWatch`'s
// transport): TLS verified against the configured CA and server name unless the config turns it
// off, client-certificate and bearer-token auth, gzip for lists, bodies streamed as they arrive.

#include <Poco/Net/Context.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "k8s/config.hpp"
#include "k8s/http_transport.hpp"

namespace kipvs::k8s {

class ApiClient final : public HttpTransport {
 public:
  ApiClient(ClusterConfig config, std::shared_ptr<TokenSource> tokens);
  ~ApiClient() override;
  ApiClient(const ApiClient&) = delete;
  ApiClient& operator=(const ApiClient&) = delete;

  HttpResponse get(const std::string& target, const RequestOptions& options, const OnBody& onBody) override;
  void abort() override;
  void credentialsRejected() override;

  const ClusterConfig& config() const { return config_; }

 private:
  ClusterConfig config_;
  std::shared_ptr<TokenSource> tokens_;
  std::string host_;
  std::uint16_t port_ = 0;
  bool secure_ = true;
  Poco::Net::Context::Ptr context_;
  std::mutex fdMutex_;
  int fd_ = -1;
  std::atomic<bool> aborted_{false};
};

}  // namespace kipvs::k8s
