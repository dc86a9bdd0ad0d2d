#include "host/conntrack_flush.hpp"

#include <netlink/errno.h>
#include <netlink/msg.h>
#include <netlink/netfilter/ct.h>
#include <netlink/netfilter/nfnl.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <stdexcept>
#include <vector>

#include "core/callback_edge.hpp"

namespace kipvs::host {
namespace {

struct CtPut {
  void operator()(nfnl_ct* ct) const { nfnl_ct_put(ct); }
};
using CtPtr = std::unique_ptr<nfnl_ct, CtPut>;

constexpr int kOriginal = 0;
constexpr int kReply = 1;

struct DumpState {
  std::span<const ConntrackFilter> filters;
  std::vector<CtPtr> matched;
  int parseError = 0;
  std::optional<core::EdgeFailure> failed;  // what onEntry caught (libnl is C: nothing may cross it)
};

std::optional<ConntrackTuple> tupleOf(const nfnl_ct* ct) {
  const auto destination = fromNlAddr(nfnl_ct_get_dst(ct, kOriginal));
  const auto replySource = fromNlAddr(nfnl_ct_get_src(ct, kReply));
  if (!destination || !replySource) {
    return std::nullopt;
  }
  return ConntrackTuple{.originalDestination = *destination,
                        .ipProtocol = nfnl_ct_get_proto(ct),
                        .originalDestinationPort = nfnl_ct_get_dst_port(ct, kOriginal),
                        .replySource = *replySource};
}

int onEntry(nl_msg* msg, void* arg) {
  auto& state = *static_cast<DumpState*>(arg);
  nfnl_ct* raw = nullptr;
  if (const int err = nfnlmsg_ct_parse(nlmsg_hdr(msg), &raw); err < 0) {
    state.parseError = err;
    return NL_STOP;
  }
  CtPtr ct(raw);
  state.failed = core::catchAtEdge(core::Edge::Netlink, "conntrack: keeping a dumped entry", [&] {
    if (const auto tuple = tupleOf(ct.get()); tuple && matchesAny(state.filters, *tuple)) {
      state.matched.push_back(std::move(ct));
    }
  });
  return state.failed ? NL_STOP : NL_OK;
}

}  // namespace

bool matches(const ConntrackFilter& filter, const ConntrackTuple& tuple) {
  return tuple.originalDestination == filter.destination && tuple.originalDestinationPort == filter.port &&
         tuple.ipProtocol == core::ipProtocolNumber(filter.protocol) &&
         (!filter.replySource || *filter.replySource == tuple.replySource);
}

bool matchesAny(std::span<const ConntrackFilter> filters, const ConntrackTuple& tuple) {
  return std::any_of(filters.begin(), filters.end(),
                     [&](const auto& filter) { return matches(filter, tuple); });
}

NetlinkConntrack::NetlinkConntrack() : sock_(connectNetlink(NETLINK_NETFILTER)) {}

std::size_t NetlinkConntrack::flush(std::span<const ConntrackFilter> filters) {
  if (filters.empty()) {
    return 0;
  }
  // Stream the dump and keep only the matches: memory follows the matches, not the table size.
  DumpState state{.filters = filters, .matched = {}, .parseError = 0, .failed = std::nullopt};
  if (const int err = nl_socket_modify_cb(sock_.get(), NL_CB_VALID, NL_CB_CUSTOM, onEntry, &state); err < 0) {
    throwNl(err, "conntrack: installing the dump callback");
  }
  if (const int err = nfnl_ct_dump_request(sock_.get()); err < 0) {
    throwNl(err, "conntrack: requesting a dump");
  }
  const int received = nl_recvmsgs_default(sock_.get());
  nl_socket_modify_cb(sock_.get(), NL_CB_VALID, NL_CB_DEFAULT, nullptr, nullptr);
  if (state.failed) {
    throw std::runtime_error(state.failed->message);  // back in C++: the caller's policy applies
  }
  if (state.parseError < 0) {
    throwNl(state.parseError, "conntrack: parsing a dumped entry");
  }
  if (received < 0) {
    throwNl(received, "conntrack: reading the dump");
  }
  std::size_t deleted = 0;
  for (const auto& ct : state.matched) {
    const int err = nfnl_ct_del(sock_.get(), ct.get(), 0);
    if (err == -NLE_OBJ_NOTFOUND) {
      continue;  // expired between the dump and the delete
    }
    if (err < 0) {
      throwNl(err, "conntrack: deleting an entry");
    }
    ++deleted;
  }
  return deleted;
}

}  // namespace kipvs::host
