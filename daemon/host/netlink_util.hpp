#pragma once

// Small helpers shared by the libnl adaptors: owned sockets and addresses, libnl error codes turned into
// std::system_error with the nearest errno and what was attempted.

#include <memory>
#include <optional>
#include <string_view>
#include <system_error>

#include "core/ip_address.hpp"

struct nl_sock;
struct nl_addr;

namespace kipvs::host {

struct NlSockDeleter {
  void operator()(nl_sock* sock) const;
};
using NlSocket = std::unique_ptr<nl_sock, NlSockDeleter>;

struct NlAddrDeleter {
  void operator()(nl_addr* addr) const;
};
using NlAddr = std::unique_ptr<nl_addr, NlAddrDeleter>;

// libnl returns -NLE_* codes; this maps them to errno values (EEXIST, ENOENT, EPERM, ...).
int errnoFromNl(int nlError);

// Throws std::system_error(errnoFromNl(nlError)) whose what() reads "<what>: <libnl message>".
[[noreturn]] void throwNl(int nlError, std::string_view what);

// A socket connected to `protocol` (NETLINK_ROUTE, NETLINK_NETFILTER); throws on failure.
NlSocket connectNetlink(int protocol);

// `address` as an nl_addr with prefix length 32 / 128.
NlAddr toNlAddr(const core::IpAddress& address);
std::optional<core::IpAddress> fromNlAddr(const nl_addr* addr);

}  // namespace kipvs::host
