#pragma once

// Feeds the daemon with cluster events: the static directory or the Kubernetes API, as configured.
// Shared by kipvsd and `kipvsd --plan`.

#include <memory>
#include <optional>
#include <string>

#include "app/config.hpp"
#include "k8s/config.hpp"
#include "k8s/kube_source.hpp"
#include "k8s/static_source.hpp"

namespace kipvs::app {

// With source = kubernetes: why kipvsd has no credentials to try — no kubeconfig and no in-cluster
// service-account files, or a kubeconfig that is not there — as one sentence saying what to do; nullopt
// when it has some. The one message for this, at start and wherever the configuration is checked.
std::optional<std::string> missingCredentials(const Config& config, const k8s::InClusterPaths& paths = {});

class ClusterSource {
 public:
  // Throws std::runtime_error when source = kubernetes has no way to reach the API server
  // (missingCredentials' sentence, or the kubeconfig's own error).
  ClusterSource(const Config& config, k8s::StaticSource::Post post);
  void start() { static_ ? static_->start() : kube_->start(); }
  void stop() { static_ ? static_->stop() : kube_->stop(); }
  void rescan() {
    if (static_) {
      static_->rescan();
    }
  }

 private:
  std::unique_ptr<k8s::StaticSource> static_;
  std::unique_ptr<k8s::KubeSource> kube_;
};

}  // namespace kipvs::app
