#include "app/cluster_source.hpp"

#include <cstdlib>
#include <stdexcept>

#include "k8s/config.hpp"

namespace kipvs::app {

ClusterSource::ClusterSource(const Config& config, k8s::StaticSource::Post post) {
  if (config.source == SourceKind::Static) {
    static_ = std::make_unique<k8s::StaticSource>(config.staticDir, std::move(post));
    return;
  }
  if (config.kubeconfig.empty() && config.apiServer.empty()) {
    throw std::runtime_error(
        "source = kubernetes needs kubeconfig or api-server (never the kubernetes "
        "ClusterIP: kipvs implements it)");
  }
  const auto cluster = config.kubeconfig.empty() ? k8s::inClusterConfig(::getenv, config.apiServer)
                                                 : k8s::loadKubeconfig(config.kubeconfig.string());
  k8s::SourceOptions options;
  options.nodeName = config.nodeName;
  options.proxyName = config.proxyName;
  kube_ = std::make_unique<k8s::KubeSource>(cluster, options, std::move(post));
}

}  // namespace kipvs::app
