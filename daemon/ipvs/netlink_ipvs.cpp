#include "ipvs/netlink_ipvs.hpp"

#include <linux/ip_vs.h>
#include <linux/netlink.h>
#include <netlink/errno.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/socket.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>
#include <sstream>

#include "ipvs/ipvs_error.hpp"
#include "ipvs/message.hpp"

namespace kipvs::ipvs {
namespace {

// Socket buffers: big enough that a batch of requests fits one sendmsg and every possible error
// reply to it fits the receive queue (the kernel drops replies, not requests, when it is full).
constexpr int kSocketBufferBytes = 4 << 20;            // the kernel doubles it
constexpr std::size_t kReplyTruesize = 1024;           // upper bound of one capped error ack's skb truesize
constexpr std::size_t kMaxBatchMessages = 4096;        // beyond this, batches stop paying off
constexpr std::size_t kReceiveBufferBytes = 64 << 10;  // dumps come in skbs of at most 32 KiB
constexpr long kReplyTimeoutSeconds = 60;

void setBuffer(int fd, int forceOption, int option, int bytes) {
  // FORCE needs CAP_NET_ADMIN (which programming IPVS needs anyway); without it net.core.*mem_max caps.
  if (setsockopt(fd, SOL_SOCKET, forceOption, &bytes, sizeof bytes) != 0) {
    setsockopt(fd, SOL_SOCKET, option, &bytes, sizeof bytes);
  }
}

int bufferSize(int fd, int option) {
  int bytes = 0;
  socklen_t length = sizeof bytes;
  getsockopt(fd, SOL_SOCKET, option, &bytes, &length);
  return bytes;
}

std::string serviceText(const core::VirtualServiceKey& key) {
  return "virtual service " + key.toString();
}

std::string realText(const core::VirtualServiceKey& key, const core::IpAddress& address, std::uint16_t port) {
  std::ostringstream out;
  if (address.family() == core::IpFamily::V6) {
    out << '[' << address << "]:" << port;
  } else {
    out << address << ':' << port;
  }
  return "real server " + out.str() + " of " + serviceText(key);
}

}  // namespace

void NetlinkIpvs::SocketDeleter::operator()(nl_sock* socket) const {
  nl_socket_free(socket);
}

NetlinkIpvs::NetlinkIpvs() : socket_(nl_socket_alloc()), receiveBuffer_(kReceiveBufferBytes) {
  if (!socket_) {
    throw IpvsError(ENOMEM, "allocate netlink socket");
  }
  if (const int err = genl_connect(socket_.get()); err < 0) {
    throw IpvsError(EIO, std::string("connect generic netlink socket: ") + nl_geterror(err));
  }
  const int family = genl_ctrl_resolve(socket_.get(), IPVS_GENL_NAME);
  if (family < 0) {
    const int errnum = family == -NLE_OBJ_NOTFOUND ? ENOENT : EIO;
    throw IpvsError(errnum,
                    std::string("resolve generic netlink family IPVS (is the ip_vs module loaded?): ") +
                        nl_geterror(family));
  }
  family_ = static_cast<std::uint16_t>(family);
  fd_ = nl_socket_get_fd(socket_.get());
  const int one = 1;
  // Error acks without a copy of the request: smaller replies, more of them fit the receive queue.
  setsockopt(fd_, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof one);
  const timeval timeout{.tv_sec = kReplyTimeoutSeconds, .tv_usec = 0};
  setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  sizeBuffers();
}

NetlinkIpvs::~NetlinkIpvs() = default;

void NetlinkIpvs::sizeBuffers() {
  setBuffer(fd_, SO_SNDBUFFORCE, SO_SNDBUF, kSocketBufferBytes);
  setBuffer(fd_, SO_RCVBUFFORCE, SO_RCVBUF, kSocketBufferBytes);
  const auto sendBytes = static_cast<std::size_t>(bufferSize(fd_, SO_SNDBUF));
  const auto receiveBytes = static_cast<std::size_t>(bufferSize(fd_, SO_RCVBUF));
  maxBatchBytes_ = std::max<std::size_t>(sendBytes / 2, 4096);
  maxBatchMessages_ = std::clamp<std::size_t>(receiveBytes / 2 / kReplyTruesize, 1, kMaxBatchMessages);
}

void NetlinkIpvs::sendAll(const std::vector<std::uint8_t>& bytes, const std::string& attempted) {
  for (;;) {
    const ssize_t sent = ::send(fd_, bytes.data(), bytes.size(), 0);
    if (sent == static_cast<ssize_t>(bytes.size())) {
      return;
    }
    if (sent < 0 && errno == EINTR) {
      continue;
    }
    throw IpvsError(sent < 0 ? errno : EIO, attempted + ": send to kernel");
  }
}

void NetlinkIpvs::receiveUntil(const std::string& attempted,
                               const std::function<bool(const NetlinkMessage&)>& handle) {
  for (;;) {
    const ssize_t length = ::recv(fd_, receiveBuffer_.data(), receiveBuffer_.size(), MSG_TRUNC);
    if (length < 0) {
      if (errno == EINTR) {
        continue;
      }
      const int errnum = errno == EAGAIN ? ETIMEDOUT : errno;
      throw IpvsError(errnum, attempted + ": receive from kernel");
    }
    if (static_cast<std::size_t>(length) > receiveBuffer_.size()) {
      throw IpvsError(EMSGSIZE,
                      attempted + ": kernel reply of " + std::to_string(length) + " bytes truncated");
    }
    for (const auto& message : splitMessages({receiveBuffer_.data(), static_cast<std::size_t>(length)})) {
      if (handle(message)) {
        return;
      }
    }
  }
}

void NetlinkIpvs::exchange(const Request& request, const std::string& attempted,
                           const std::function<void(const NetlinkMessage&)>& onReply) {
  const std::uint32_t seq = seq_++;
  std::vector<std::uint8_t> bytes;
  appendRequest(bytes, family_, seq, request.dump ? 0 : NLM_F_ACK, request);
  sendAll(bytes, attempted);
  std::exception_ptr failure;
  receiveUntil(attempted, [&](const NetlinkMessage& message) {
    if (message.seq != seq) {
      return false;  // a stale reply to an earlier, abandoned request
    }
    if (message.isError() || message.isDone()) {
      if (const int errnum = message.errnum(); errnum != 0) {
        throw IpvsError(errnum, attempted);
      }
      return true;
    }
    if (message.type == family_ && !failure) {
      try {
        onReply(message);
      } catch (const IpvsError&) {
        failure = std::current_exception();  // keep reading: an unfinished dump would block the next one
      }
    }
    return false;
  });
  if (failure) {
    std::rethrow_exception(failure);
  }
}

void NetlinkIpvs::execute(const Request& request, const std::string& attempted) {
  exchange(request, attempted, [](const NetlinkMessage&) {});
}

std::vector<core::VirtualServiceStatus> NetlinkIpvs::listServices() {
  std::vector<core::VirtualServiceStatus> services;
  exchange(encodeDumpServices(), "list virtual services", [&](const NetlinkMessage& message) {
    services.push_back(decodeService(message.genlAttributes()));
  });
  return services;
}

std::vector<core::RealServerStatus> NetlinkIpvs::listRealServers(const core::VirtualServiceKey& key) {
  std::vector<core::RealServerStatus> reals;
  exchange(encodeDumpReals(key), "list real servers of " + serviceText(key),
           [&](const NetlinkMessage& message) {
             reals.push_back(decodeRealServer(message.genlAttributes(), key.family));
           });
  return reals;
}

std::vector<int> NetlinkIpvs::apply(const std::vector<core::IpvsOp>& ops) {
  std::vector<int> results(ops.size(), 0);
  std::vector<std::uint8_t> batch;
  std::vector<std::size_t> opIndexes;  // op index of each message in the batch, by seq - firstSeq
  std::uint32_t firstSeq = seq_;
  for (std::size_t i = 0; i < ops.size(); ++i) {
    Request request;
    try {
      request = encode(ops[i]);
    } catch (const IpvsError& error) {
      results[i] = error.errnum();  // never sent: the kernel could not have taken it either
      continue;
    }
    const std::size_t messageBytes = NLMSG_HDRLEN + 4 + request.attributes.size();
    if (!opIndexes.empty() &&
        (batch.size() + messageBytes > maxBatchBytes_ || opIndexes.size() >= maxBatchMessages_)) {
      applyBatch(batch, firstSeq, opIndexes, results);
      batch.clear();
      opIndexes.clear();
      firstSeq = seq_;
    }
    appendRequest(batch, family_, seq_++, 0, request);
    opIndexes.push_back(i);
  }
  if (!opIndexes.empty()) {
    applyBatch(batch, firstSeq, opIndexes, results);
  }
  return results;
}

void NetlinkIpvs::applyBatch(const std::vector<std::uint8_t>& batch, std::uint32_t firstSeq,
                             const std::vector<std::size_t>& opIndexes, std::vector<int>& results) {
  // Only the last request asks for an ack: the kernel answers the others only when they fail, and
  // handles a sendmsg's messages in order, so that ack closes the batch.
  std::vector<std::uint8_t> bytes = batch;
  std::size_t lastOffset = 0;
  for (std::size_t offset = 0; offset < bytes.size();) {
    nlmsghdr header{};
    std::memcpy(&header, &bytes[offset], sizeof header);
    lastOffset = offset;
    offset += NLMSG_ALIGN(header.nlmsg_len);
  }
  nlmsghdr last{};
  std::memcpy(&last, &bytes[lastOffset], sizeof last);
  last.nlmsg_flags |= NLM_F_ACK;
  std::memcpy(&bytes[lastOffset], &last, sizeof last);

  const std::string attempted = "apply " + std::to_string(opIndexes.size()) + " IPVS changes";
  sendAll(bytes, attempted);
  const std::uint32_t lastSeq = last.nlmsg_seq;
  receiveUntil(attempted, [&](const NetlinkMessage& message) {
    if (!message.isError() || message.seq < firstSeq || message.seq > lastSeq) {
      return false;
    }
    results[opIndexes[message.seq - firstSeq]] = message.errnum();
    return message.seq == lastSeq;
  });
}

void NetlinkIpvs::addService(const core::VirtualService& service) {
  execute(encodeAddService(service), "add " + serviceText(service.key));
}

void NetlinkIpvs::editService(const core::VirtualService& service) {
  execute(encodeEditService(service), "edit " + serviceText(service.key));
}

void NetlinkIpvs::deleteService(const core::VirtualServiceKey& key) {
  execute(encodeDeleteService(key), "delete " + serviceText(key));
}

void NetlinkIpvs::addRealServer(const core::VirtualServiceKey& key, const core::RealServer& real) {
  execute(encodeAddReal(key, real), "add " + realText(key, real.address, real.port));
}

void NetlinkIpvs::editRealServer(const core::VirtualServiceKey& key, const core::RealServer& real) {
  execute(encodeEditReal(key, real), "edit " + realText(key, real.address, real.port));
}

void NetlinkIpvs::deleteRealServer(const core::VirtualServiceKey& key, const core::RealServer& real) {
  execute(encodeDeleteReal(key, real), "delete " + realText(key, real.address, real.port));
}

core::VirtualServiceStatus NetlinkIpvs::service(const core::VirtualServiceKey& key) {
  std::vector<core::VirtualServiceStatus> found;
  const std::string attempted = "get " + serviceText(key);
  exchange(encodeGetService(key), attempted,
           [&](const NetlinkMessage& message) { found.push_back(decodeService(message.genlAttributes())); });
  if (found.size() != 1) {
    throw IpvsError(EBADMSG, attempted + ": kernel sent " + std::to_string(found.size()) + " replies");
  }
  return found.front();
}

core::RealServerStatus NetlinkIpvs::realServer(const core::VirtualServiceKey& key,
                                               const core::IpAddress& address, std::uint16_t port) {
  const std::string attempted = "get " + realText(key, address, port);
  service(key);  // ESRCH for a missing service rather than an empty dump
  for (auto& real : listRealServers(key)) {
    if (real.server.address == address && real.server.port == port) {
      return real;
    }
  }
  throw IpvsError(ENOENT, attempted);
}

KernelInfo NetlinkIpvs::info() {
  KernelInfo info;
  exchange(encodeGetInfo(), "get IPVS info",
           [&](const NetlinkMessage& message) { info = decodeInfo(message.genlAttributes()); });
  return info;
}

Timeouts NetlinkIpvs::timeouts() {
  Timeouts timeouts;
  exchange(encodeGetConfig(), "get IPVS timeouts",
           [&](const NetlinkMessage& message) { timeouts = decodeConfig(message.genlAttributes()); });
  return timeouts;
}

void NetlinkIpvs::setTimeouts(const Timeouts& timeouts) {
  execute(encodeSetConfig(timeouts), "set IPVS timeouts");
}

void NetlinkIpvs::flush() {
  execute(encodeFlush(), "flush IPVS");
}

}  // namespace kipvs::ipvs
