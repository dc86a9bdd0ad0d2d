#pragma once

// NetlinkIpvs: the thin transport between the IPVS codec and the kernel. It owns one generic-netlink
// socket (libnl-genl-3), frames codec requests, moves bytes, and turns kernel errors into IpvsError
// carrying the errno and what was attempted. apply() pipelines: a batch of requests goes out in one
// sendmsg and only failures (plus one closing ack) come back, matched to ops by sequence number.
// Nothing here flushes or deletes implicitly.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/ipvs_port.hpp"
#include "ipvs/codec.hpp"

struct nl_sock;

namespace kipvs::ipvs {

struct NetlinkMessage;

class NetlinkIpvs final : public core::IpvsPort {
 public:
  // Opens the socket and resolves the "IPVS" family. Throws IpvsError (e.g. ENOENT when the ip_vs
  // module is not loaded).
  NetlinkIpvs();
  ~NetlinkIpvs() override;
  NetlinkIpvs(const NetlinkIpvs&) = delete;
  NetlinkIpvs& operator=(const NetlinkIpvs&) = delete;

  std::vector<core::VirtualServiceStatus> listServices() override;
  // An unknown service has no real servers: the kernel answers such a dump with nothing.
  std::vector<core::RealServerStatus> listRealServers(const core::VirtualServiceKey& key) override;
  std::vector<int> apply(const std::vector<core::IpvsOp>& ops) override;

  // Single operations; each throws IpvsError on failure.
  void addService(const core::VirtualService& service);
  void editService(const core::VirtualService& service);
  void deleteService(const core::VirtualServiceKey& key);
  void addRealServer(const core::VirtualServiceKey& key, const core::RealServer& real);
  void editRealServer(const core::VirtualServiceKey& key, const core::RealServer& real);
  void deleteRealServer(const core::VirtualServiceKey& key, const core::RealServer& real);

  // One service or real server with its counters and rates (ESRCH / ENOENT when missing).
  core::VirtualServiceStatus service(const core::VirtualServiceKey& key);
  core::RealServerStatus realServer(const core::VirtualServiceKey& key, const core::IpAddress& address,
                                    std::uint16_t port);

  KernelInfo info();
  Timeouts timeouts();
  void setTimeouts(const Timeouts& timeouts);  // 0 leaves a timeout unchanged
  // Removes every virtual service and real server, ours or not. Only ever called explicitly.
  void flush();

  std::uint16_t family() const { return family_; }
  std::size_t maxBatchMessages() const { return maxBatchMessages_; }

 private:
  struct SocketDeleter {
    void operator()(nl_sock* socket) const;
  };

  void execute(const Request& request, const std::string& attempted);
  // Sends one request and calls onReply for each generic-netlink reply until its ack or NLMSG_DONE.
  void exchange(const Request& request, const std::string& attempted,
                const std::function<void(const NetlinkMessage&)>& onReply);
  void sendAll(const std::vector<std::uint8_t>& bytes, const std::string& attempted);
  // Reads datagrams and hands each message to `handle` until it returns true.
  void receiveUntil(const std::string& attempted, const std::function<bool(const NetlinkMessage&)>& handle);
  void applyBatch(const std::vector<std::uint8_t>& batch, std::uint32_t firstSeq,
                  const std::vector<std::size_t>& opIndexes, std::vector<int>& results);
  void sizeBuffers();

  std::unique_ptr<nl_sock, SocketDeleter> socket_;
  int fd_ = -1;
  std::uint16_t family_ = 0;
  std::uint32_t seq_ = 1;
  std::size_t maxBatchBytes_ = 0;
  std::size_t maxBatchMessages_ = 0;
  std::vector<std::uint8_t> receiveBuffer_;
};

}  // namespace kipvs::ipvs
