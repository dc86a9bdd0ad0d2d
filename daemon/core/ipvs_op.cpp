#include "core/ipvs_port.hpp"

namespace kipvs::core {

std::ostream& operator<<(std::ostream& out, const IpvsOp& op) {
  switch (op.kind) {
    case IpvsOp::Kind::AddService:
      return out << "add-service " << op.service;
    case IpvsOp::Kind::EditService:
      return out << "edit-service " << op.service;
    case IpvsOp::Kind::DeleteService:
      return out << "delete-service " << op.service.key;
    case IpvsOp::Kind::AddReal:
      return out << "add-real " << op.service.key << " -> " << op.real;
    case IpvsOp::Kind::EditReal:
      return out << "edit-real " << op.service.key << " -> " << op.real;
    case IpvsOp::Kind::DeleteReal:
      return out << "delete-real " << op.service.key << " -> " << op.real;
  }
  return out;
}

}  // namespace kipvs::core
