#include "host/netlink_util.hpp"

#include <netlink/addr.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <sys/socket.h>

#include <cerrno>
#include <string>

namespace kipvs::host {

void NlSockDeleter::operator()(nl_sock* sock) const {
  nl_socket_free(sock);
}
void NlAddrDeleter::operator()(nl_addr* addr) const {
  nl_addr_put(addr);
}

int errnoFromNl(int nlError) {
  switch (nlError < 0 ? -nlError : nlError) {
    case NLE_SUCCESS:
      return 0;
    case NLE_INTR:
      return EINTR;
    case NLE_BAD_SOCK:
      return EBADF;
    case NLE_AGAIN:
      return EAGAIN;
    case NLE_NOMEM:
      return ENOMEM;
    case NLE_EXIST:
      return EEXIST;
    case NLE_INVAL:
      return EINVAL;
    case NLE_RANGE:
      return ERANGE;
    case NLE_MSGSIZE:
      return EMSGSIZE;
    case NLE_OPNOTSUPP:
      return EOPNOTSUPP;
    case NLE_AF_NOSUPPORT:
      return EAFNOSUPPORT;
    case NLE_OBJ_NOTFOUND:
      return ENOENT;
    case NLE_NOATTR:
      return ENODATA;
    case NLE_PERM:
      return EPERM;
    case NLE_BUSY:
      return EBUSY;
    case NLE_PROTO_MISMATCH:
      return EPROTONOSUPPORT;
    case NLE_NOACCESS:
      return EACCES;
    case NLE_NODEV:
      return ENODEV;
    case NLE_NOADDR:
      return EADDRNOTAVAIL;
    case NLE_IMMUTABLE:
      return EROFS;
    default:
      return EIO;
  }
}

void throwNl(int nlError, std::string_view what) {
  throw std::system_error(errnoFromNl(nlError), std::generic_category(),
                          std::string(what) + ": " + nl_geterror(nlError));
}

NlSocket connectNetlink(int protocol) {
  NlSocket sock(nl_socket_alloc());
  if (!sock) {
    throw std::system_error(ENOMEM, std::generic_category(), "allocating a netlink socket");
  }
  if (const int err = nl_connect(sock.get(), protocol); err < 0) {
    throwNl(err, "connecting a netlink socket (protocol " + std::to_string(protocol) + ")");
  }
  return sock;
}

NlAddr toNlAddr(const core::IpAddress& address) {
  const auto bytes = address.bytes();
  const int family = address.family() == core::IpFamily::V4 ? AF_INET : AF_INET6;
  NlAddr addr(nl_addr_build(family, bytes.data(), bytes.size()));
  if (!addr) {
    throw std::system_error(ENOMEM, std::generic_category(), "building nl_addr for " + address.toString());
  }
  nl_addr_set_prefixlen(addr.get(), static_cast<int>(bytes.size() * 8));
  return addr;
}

std::optional<core::IpAddress> fromNlAddr(const nl_addr* addr) {
  if (addr == nullptr) {
    return std::nullopt;
  }
  const int family = nl_addr_get_family(addr);
  if (family != AF_INET && family != AF_INET6) {
    return std::nullopt;
  }
  const auto* data = static_cast<const std::uint8_t*>(nl_addr_get_binary_addr(addr));
  return core::IpAddress::fromBytes(family == AF_INET ? core::IpFamily::V4 : core::IpFamily::V6,
                                    {data, nl_addr_get_len(addr)});
}

}  // namespace kipvs::host
