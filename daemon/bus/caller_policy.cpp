#include "bus/caller_policy.hpp"

#include <grp.h>
#include <sdbus-c++/Error.h>
#include <sdbus-c++/Message.h>
#include <unistd.h>

#include <algorithm>
#include <vector>

#include "dbus/bus_names.hpp"

namespace kipvs::bus {

CallerPolicy CallerPolicy::withGroupNamed(const std::string& group) {
  std::vector<char> buffer(16384);
  struct group entry {};
  struct group* found = nullptr;
  if (getgrnam_r(group.c_str(), &entry, buffer.data(), buffer.size(), &found) == 0 && found != nullptr) {
    return CallerPolicy(found->gr_gid);
  }
  return CallerPolicy(std::nullopt);
}

bool CallerPolicy::allows(uid_t uid, gid_t gid, const std::vector<gid_t>& groups) const {
  if (uid == 0 || uid == geteuid()) {
    return true;
  }
  if (!adminGroup_) {
    return false;
  }
  return gid == *adminGroup_ || std::find(groups.begin(), groups.end(), *adminGroup_) != groups.end();
}

void CallerPolicy::requireAdmin(const sdbus::Message& call, const std::string& method) const {
  // The credentials come from the bus daemon (GetConnectionCredentials), not from the caller.
  const uid_t uid = call.getCredsUid();
  const gid_t gid = call.getCredsGid();
  const std::vector<gid_t> groups = call.getCredsSupplementaryGids();
  if (!allows(uid, gid, groups)) {
    throw sdbus::Error(dbus::kErrorAccessDenied, method + " needs root or membership in group '" +
                                                     std::string(dbus::kAdminGroup) + "' (caller uid " +
                                                     std::to_string(uid) + ")");
  }
}

}  // namespace kipvs::bus
