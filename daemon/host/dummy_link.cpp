#include "host/dummy_link.hpp"

#include <linux/if_addr.h>
#include <netlink/cache.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>
#include <memory>

namespace kipvs::host {
namespace {

struct LinkPut {
  void operator()(rtnl_link* link) const { rtnl_link_put(link); }
};
struct AddrPut {
  void operator()(rtnl_addr* addr) const { rtnl_addr_put(addr); }
};
struct CacheFree {
  void operator()(nl_cache* cache) const { nl_cache_free(cache); }
};

bool isMissing(int err) {
  return err == -NLE_OBJ_NOTFOUND || err == -NLE_NODEV;
}

std::unique_ptr<rtnl_addr, AddrPut> addressMessage(int ifindex, const core::IpAddress& address) {
  std::unique_ptr<rtnl_addr, AddrPut> addr(rtnl_addr_alloc());
  if (!addr) {
    throw std::system_error(ENOMEM, std::generic_category(), "allocating rtnl_addr");
  }
  rtnl_addr_set_ifindex(addr.get(), ifindex);
  rtnl_addr_set_family(addr.get(), address.family() == core::IpFamily::V4 ? AF_INET : AF_INET6);
  const auto local = toNlAddr(address);
  if (const int err = rtnl_addr_set_local(addr.get(), local.get()); err < 0) {
    throwNl(err, "setting local address " + address.toString());
  }
  if (address.family() == core::IpFamily::V6) {
    // No duplicate address detection: the address is usable at once, as on a NOARP link anyway.
    rtnl_addr_set_flags(addr.get(), IFA_F_NODAD);
  }
  return addr;
}

}  // namespace

DummyLink::DummyLink(std::string name) : name_(std::move(name)), sock_(connectNetlink(NETLINK_ROUTE)) {}

int DummyLink::ifindex() {
  rtnl_link* raw = nullptr;
  const int err = rtnl_link_get_kernel(sock_.get(), 0, name_.c_str(), &raw);
  std::unique_ptr<rtnl_link, LinkPut> link(raw);
  if (isMissing(err)) {
    return 0;
  }
  if (err < 0) {
    throwNl(err, "looking up link " + name_);
  }
  const char* type = rtnl_link_get_type(link.get());
  if (type == nullptr || std::strcmp(type, "dummy") != 0) {
    throw std::system_error(EEXIST, std::generic_category(),
                            "link " + name_ + " exists but is a " + (type ? type : "device without a kind") +
                                ", not a dummy: refusing to use it");
  }
  return rtnl_link_get_ifindex(link.get());
}

int DummyLink::ensure() {
  ifindex_ = ifindex();
  if (ifindex_ != 0) {
    return ifindex_;
  }
  std::unique_ptr<rtnl_link, LinkPut> link(rtnl_link_alloc());
  if (!link) {
    throw std::system_error(ENOMEM, std::generic_category(), "allocating rtnl_link");
  }
  rtnl_link_set_name(link.get(), name_.c_str());
  if (const int err = rtnl_link_set_type(link.get(), "dummy"); err < 0) {
    throwNl(err, "creating dummy link " + name_ + " (is the dummy module available?)");
  }
  // Created without IFF_UP, and nothing here ever sets it.
  if (const int err = rtnl_link_add(sock_.get(), link.get(), NLM_F_CREATE | NLM_F_EXCL);
      err < 0 && err != -NLE_EXIST) {
    throwNl(err, "creating dummy link " + name_ + " (is the dummy module available?)");
  }
  ifindex_ = ifindex();
  if (ifindex_ == 0) {
    throw std::system_error(ENODEV, std::generic_category(),
                            "dummy link " + name_ + " vanished after creation");
  }
  return ifindex_;
}

std::vector<core::IpAddress> DummyLink::addresses() {
  const int index = ifindex();
  if (index == 0) {
    return {};
  }
  nl_cache* raw = nullptr;
  if (const int err = rtnl_addr_alloc_cache(sock_.get(), &raw); err < 0) {
    throwNl(err, "dumping addresses");
  }
  std::unique_ptr<nl_cache, CacheFree> cache(raw);
  std::vector<core::IpAddress> out;
  for (nl_object* obj = nl_cache_get_first(cache.get()); obj != nullptr; obj = nl_cache_get_next(obj)) {
    auto* addr = reinterpret_cast<rtnl_addr*>(obj);
    if (rtnl_addr_get_ifindex(addr) != index) {
      continue;
    }
    if (auto address = fromNlAddr(rtnl_addr_get_local(addr))) {
      out.push_back(*address);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

void DummyLink::add(const core::IpAddress& address) {
  if (ifindex_ == 0) {
    ensure();
  }
  int err = rtnl_addr_add(sock_.get(), addressMessage(ifindex_, address).get(), 0);
  if (isMissing(err)) {
    ensure();  // the link was deleted behind our back: recreate it, then retry once
    err = rtnl_addr_add(sock_.get(), addressMessage(ifindex_, address).get(), 0);
  }
  if (err < 0 && err != -NLE_EXIST) {
    throwNl(err, "adding " + address.toString() + " to " + name_);
  }
}

void DummyLink::remove(const core::IpAddress& address) {
  const int index = ifindex_ != 0 ? ifindex_ : ifindex();
  if (index == 0) {
    return;  // no link, so no address
  }
  const auto addr = addressMessage(index, address);
  if (const int err = rtnl_addr_delete(sock_.get(), addr.get(), 0);
      err < 0 && err != -NLE_NOADDR && !isMissing(err)) {
    throwNl(err, "removing " + address.toString() + " from " + name_);
  }
}

void DummyLink::destroy() {
  const int index = ifindex();
  ifindex_ = 0;
  if (index == 0) {
    return;
  }
  std::unique_ptr<rtnl_link, LinkPut> link(rtnl_link_alloc());
  if (!link) {
    throw std::system_error(ENOMEM, std::generic_category(), "allocating rtnl_link");
  }
  rtnl_link_set_ifindex(link.get(), index);
  if (const int err = rtnl_link_delete(sock_.get(), link.get()); err < 0 && !isMissing(err)) {
    throwNl(err, "deleting link " + name_);
  }
}

}  // namespace kipvs::host
