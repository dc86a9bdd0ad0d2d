#include "ipvs/message.hpp"

#include <linux/genetlink.h>
#include <linux/ip_vs.h>
#include <linux/netlink.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <string>

#include "ipvs/ipvs_error.hpp"

namespace kipvs::ipvs {

void appendRequest(std::vector<std::uint8_t>& out, std::uint16_t family, std::uint32_t seq,
                   std::uint16_t flags, const Request& request) {
  const std::size_t length = NLMSG_HDRLEN + GENL_HDRLEN + request.attributes.size();
  const std::size_t start = out.size();
  out.resize(start + NLMSG_ALIGN(length), 0);
  nlmsghdr header{};
  header.nlmsg_len = static_cast<std::uint32_t>(length);
  header.nlmsg_type = family;
  header.nlmsg_flags = static_cast<std::uint16_t>(NLM_F_REQUEST | flags | (request.dump ? NLM_F_DUMP : 0));
  header.nlmsg_seq = seq;
  header.nlmsg_pid = 0;  // the kernel fills in our port id
  std::memcpy(&out[start], &header, sizeof header);
  genlmsghdr genl{};
  genl.cmd = request.command;
  genl.version = IPVS_GENL_VERSION;
  std::memcpy(&out[start + NLMSG_HDRLEN], &genl, sizeof genl);
  if (!request.attributes.empty()) {
    std::memcpy(&out[start + NLMSG_HDRLEN + GENL_HDRLEN], request.attributes.data(),
                request.attributes.size());
  }
}

bool NetlinkMessage::isError() const {
  return type == NLMSG_ERROR;
}
bool NetlinkMessage::isDone() const {
  return type == NLMSG_DONE;
}

int NetlinkMessage::errnum() const {
  std::int32_t error = 0;
  if (payload.size() < sizeof error) {
    if (isDone()) {
      return 0;  // very old kernels send an empty NLMSG_DONE
    }
    throw IpvsError(EBADMSG, "decode netlink error message: " + std::to_string(payload.size()) + " bytes");
  }
  std::memcpy(&error, payload.data(), sizeof error);
  // A hostile or corrupt INT32_MIN has no positive counterpart; widen before negating.
  const std::int64_t magnitude = error < 0 ? -std::int64_t{error} : error;
  return static_cast<int>(std::min<std::int64_t>(magnitude, std::numeric_limits<int>::max()));
}

std::uint8_t NetlinkMessage::genlCommand() const {
  if (payload.size() < GENL_HDRLEN) {
    throw IpvsError(EBADMSG, "decode generic netlink message: payload of " + std::to_string(payload.size()) +
                                 " bytes has no genlmsghdr");
  }
  return payload[0];
}

std::span<const std::uint8_t> NetlinkMessage::genlAttributes() const {
  genlCommand();  // validates the length
  return payload.subspan(GENL_HDRLEN);
}

std::vector<NetlinkMessage> splitMessages(std::span<const std::uint8_t> datagram) {
  std::vector<NetlinkMessage> messages;
  std::size_t offset = 0;
  while (offset < datagram.size()) {
    const std::size_t remaining = datagram.size() - offset;
    if (remaining < NLMSG_HDRLEN) {
      throw IpvsError(EBADMSG, "decode netlink datagram: " + std::to_string(remaining) +
                                   " trailing bytes, too short for a message header");
    }
    nlmsghdr header{};
    std::memcpy(&header, &datagram[offset], sizeof header);
    if (header.nlmsg_len < NLMSG_HDRLEN || header.nlmsg_len > remaining) {
      throw IpvsError(EBADMSG, "decode netlink datagram: message claims length " +
                                   std::to_string(header.nlmsg_len) + " but " + std::to_string(remaining) +
                                   " bytes remain");
    }
    messages.push_back({.type = header.nlmsg_type,
                        .flags = header.nlmsg_flags,
                        .seq = header.nlmsg_seq,
                        .payload = datagram.subspan(offset + NLMSG_HDRLEN, header.nlmsg_len - NLMSG_HDRLEN)});
    offset += std::min<std::size_t>(NLMSG_ALIGN(header.nlmsg_len), remaining);
  }
  return messages;
}

}  // namespace kipvs::ipvs
