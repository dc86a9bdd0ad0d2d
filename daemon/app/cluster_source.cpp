#include "app/cluster_source.hpp"

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace kipvs::app {

std::optional<std::string> missingCredentials(const Config& config, const k8s::InClusterPaths& paths) {
  if (config.source != SourceKind::Kubernetes) {
    return std::nullopt;
  }
  std::error_code error;
  if (!config.kubeconfig.empty()) {
    if (std::filesystem::exists(config.kubeconfig, error)) {
      return std::nullopt;
    }
    return "no credentials for the Kubernetes API: kubeconfig " + config.kubeconfig.string() +
           " does not exist (make one as in the README's \"Replace kube-proxy on a node\")";
  }
  if (std::filesystem::exists(paths.tokenFile, error) && std::filesystem::exists(paths.caFile, error)) {
    return std::nullopt;
  }
  return "no credentials for the Kubernetes API: no kubeconfig is set (kubeconfig = ...) and the in-cluster "
         "service-account files " +
         paths.tokenFile + " and " + paths.caFile +
         " are absent; set kubeconfig (the README's \"Replace kube-proxy on a node\" makes one per node)";
}

ClusterSource::ClusterSource(const Config& config, k8s::StaticSource::Post post) {
  if (config.source == SourceKind::Static) {
    static_ = std::make_unique<k8s::StaticSource>(config.staticDir, std::move(post));
    return;
  }
  if (auto problem = missingCredentials(config)) {
    throw std::runtime_error(*problem);
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
