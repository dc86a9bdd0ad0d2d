#pragma once

// Who may call the mutating methods. The bus policy (dbus/org.kipvs.Proxy1.conf.in) is the first
// gate on the system bus; this is the second, and the only one on a bus without that policy.

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace sdbus {
class Message;
}

namespace kipvs::bus {

class CallerPolicy {
 public:
  // adminGroup: members may act (nullopt: root and the daemon's own user only).
  explicit CallerPolicy(std::optional<gid_t> adminGroup) : adminGroup_(adminGroup) {}

  // Resolves the group by name; a missing group simply grants nothing extra.
  static CallerPolicy withGroupNamed(const std::string& group);

  // Allowed: uid 0, the daemon's own uid, or a member (primary or supplementary) of the admin group.
  bool allows(uid_t uid, gid_t gid, const std::vector<gid_t>& groups) const;

  // Throws org.kipvs.Proxy1.Error.AccessDenied naming the method unless the sender of `call` is allowed.
  void requireAdmin(const sdbus::Message& call, const std::string& method) const;

 private:
  std::optional<gid_t> adminGroup_;
};

}  // namespace kipvs::bus
