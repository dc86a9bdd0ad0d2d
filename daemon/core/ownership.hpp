#pragma once

// Which IPVS virtual services kipvs created or adopted, persisted across restarts so that a restart
// (or a crash) never deletes someone else's virtual service and never leaks kipvs's own.
//
// Text format, one entry per line, '#' starts a comment:
//   kipvs-ownership 1
//   vs TCP 10.96.0.10 80
//   vs UDP fd00:96::a 53
//   fwm 7 IPv6
//   takeover kube-proxy pending
//
// The last line is there from the moment kipvsd, configured with `takeover = kube-proxy`, has
// recorded kube-proxy's virtual services as its own, until kube-proxy's addresses, chains and sets
// are gone: a restart in between finishes the takeover instead of forgetting it.

#include <set>
#include <stdexcept>
#include <string>
#include <string_view>

#include "core/ipvs_model.hpp"

namespace kipvs::core {

class OwnershipParseError : public std::runtime_error {
 public:
  OwnershipParseError(std::size_t line, const std::string& what)
      : std::runtime_error("ownership record line " + std::to_string(line) + ": " + what), line_(line) {}
  std::size_t line() const { return line_; }

 private:
  std::size_t line_;
};

struct OwnershipRecord {
  std::set<VirtualServiceKey> services;
  bool kubeProxyTakeoverPending = false;

  std::string toText() const;
  static OwnershipRecord parse(std::string_view text);  // throws OwnershipParseError
  bool operator==(const OwnershipRecord&) const = default;
};

}  // namespace kipvs::core
