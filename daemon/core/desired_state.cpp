#include "core/desired_state.hpp"

namespace kipvs::core {

std::string_view toString(ServiceKind kind) {
  switch (kind) {
    case ServiceKind::ClusterIP:
      return "ClusterIP";
    case ServiceKind::NodePort:
      return "NodePort";
    case ServiceKind::LoadBalancer:
      return "LoadBalancer";
    case ServiceKind::ExternalIP:
      return "ExternalIP";
    case ServiceKind::Static:
      return "Static";
  }
  return "?";
}

}  // namespace kipvs::core
