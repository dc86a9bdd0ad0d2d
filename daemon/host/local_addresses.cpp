#include "host/local_addresses.hpp"

#include <netlink/cache.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <sys/socket.h>

#include <algorithm>
#include <memory>
#include <string>

#include "host/netlink_util.hpp"

namespace kipvs::host {

std::vector<core::IpAddress> nodePortCandidates(const std::vector<InterfaceAddress>& all, int excludedIfindex,
                                                std::optional<core::IpFamily> family) {
  std::vector<core::IpAddress> out;
  for (const auto& [ifindex, address] : all) {
    if (excludedIfindex != 0 && ifindex == excludedIfindex) {
      continue;
    }
    if (family && address.family() != *family) {
      continue;
    }
    if (address.isLoopback() || address.isUnspecified() ||
        (address.family() == core::IpFamily::V6 && address.isLinkLocal())) {
      continue;
    }
    out.push_back(address);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<InterfaceAddress> dumpInterfaceAddresses() {
  const auto sock = connectNetlink(NETLINK_ROUTE);
  nl_cache* raw = nullptr;
  if (const int err = rtnl_addr_alloc_cache(sock.get(), &raw); err < 0) {
    throwNl(err, "dumping addresses");
  }
  const std::unique_ptr<nl_cache, void (*)(nl_cache*)> cache(raw, nl_cache_free);
  std::vector<InterfaceAddress> out;
  for (nl_object* obj = nl_cache_get_first(cache.get()); obj != nullptr; obj = nl_cache_get_next(obj)) {
    auto* addr = reinterpret_cast<rtnl_addr*>(obj);
    if (auto address = fromNlAddr(rtnl_addr_get_local(addr))) {
      out.push_back({.ifindex = rtnl_addr_get_ifindex(addr), .address = *address});
    }
  }
  return out;
}

std::vector<core::IpAddress> localNodeAddresses(std::optional<core::IpFamily> family,
                                                const std::vector<std::string_view>& excludedLinks) {
  std::vector<int> excluded;
  const auto sock = connectNetlink(NETLINK_ROUTE);
  for (const auto excludedLink : excludedLinks) {
    rtnl_link* link = nullptr;
    const std::string name(excludedLink);
    const int err = rtnl_link_get_kernel(sock.get(), 0, name.c_str(), &link);
    if (err == 0) {
      excluded.push_back(rtnl_link_get_ifindex(link));
      rtnl_link_put(link);
    } else if (err != -NLE_OBJ_NOTFOUND && err != -NLE_NODEV) {
      throwNl(err, "looking up link " + name);
    }
  }
  auto all = dumpInterfaceAddresses();
  std::erase_if(all, [&](const InterfaceAddress& entry) {
    return std::find(excluded.begin(), excluded.end(), entry.ifindex) != excluded.end();
  });
  return nodePortCandidates(all, 0, family);
}

}  // namespace kipvs::host
