#pragma once

// Feeds the daemon with cluster events: the static directory or the Kubernetes API, as configured.
// Shared by kipvsd and `kipvsd --plan`.

#include <memory>

#include "app/config.hpp"
#include "k8s/kube_source.hpp"
#include "k8s/static_source.hpp"

namespace kipvs::app {

class ClusterSource {
 public:
  // Throws std::runtime_error when source = kubernetes has no way to reach the API server.
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
