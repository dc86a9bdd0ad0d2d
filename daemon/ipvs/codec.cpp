#include "ipvs/codec.hpp"

#include <linux/ip_vs.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <sstream>

#include "ipvs/attributes.hpp"
#include "ipvs/ipvs_error.hpp"

namespace kipvs::ipvs {
namespace {

using core::IpFamily;

std::uint16_t addressFamily(IpFamily family) {
  return family == IpFamily::V6 ? AF_INET6 : AF_INET;
}

IpFamily familyFromAf(std::uint16_t af, const std::string& context) {
  if (af == AF_INET) {
    return IpFamily::V4;
  }
  if (af == AF_INET6) {
    return IpFamily::V6;
  }
  throw IpvsError(EBADMSG, "decode " + context + ": unknown address family " + std::to_string(af));
}

core::IpAddress unspecified(IpFamily family) {
  const std::array<std::uint8_t, 16> zero{};
  return *core::IpAddress::fromBytes(family, zero);
}

// The kernel's address attributes are a union nf_inet_addr (16 bytes); IPv4 uses the first 4.
void putAddress(AttrWriter& out, std::uint16_t type, const core::IpAddress& address) {
  std::array<std::uint8_t, 16> raw{};
  const auto bytes = address.bytes();
  std::copy(bytes.begin(), bytes.end(), raw.begin());
  out.putBytes(type, raw);
}

core::IpAddress getAddress(const Attributes& attrs, std::uint16_t type, IpFamily family) {
  const auto raw = attrs.bytes(type);
  auto address = core::IpAddress::fromBytes(family, raw);
  if (!address) {
    throw IpvsError(EBADMSG, "decode " + attrs.context() + ": address attribute has " +
                                 std::to_string(raw.size()) + " bytes, too short for " +
                                 std::string(core::toString(family)));
  }
  return *address;
}

void checkKey(const core::VirtualServiceKey& key, const char* attempted) {
  if (key.fwmark == 0 && key.address.family() != key.family) {
    throw IpvsError(EINVAL, std::string(attempted) + " " + key.toString() + ": address " +
                                key.address.toString() + " is not " +
                                std::string(core::toString(key.family)));
  }
}

void putServiceKey(AttrWriter& out, const core::VirtualServiceKey& key) {
  out.putU16(IPVS_SVC_ATTR_AF, addressFamily(key.family));
  if (key.fwmark != 0) {
    out.putU32(IPVS_SVC_ATTR_FWMARK, key.fwmark);
    return;
  }
  out.putU16(IPVS_SVC_ATTR_PROTOCOL, core::ipProtocolNumber(key.protocol));
  putAddress(out, IPVS_SVC_ATTR_ADDR, key.address);
  out.putBe16(IPVS_SVC_ATTR_PORT, key.port);
}

// The service as the first-level IPVS_CMD_ATTR_SERVICE nest; `full` adds the settings.
void putService(AttrWriter& out, const core::VirtualService& service, bool full, const char* attempted) {
  checkKey(service.key, attempted);
  const auto nest = out.beginNested(IPVS_CMD_ATTR_SERVICE);
  putServiceKey(out, service.key);
  if (full) {
    if (service.scheduler.size() >= IP_VS_SCHEDNAME_MAXLEN) {
      throw IpvsError(EINVAL, std::string(attempted) + " " + service.key.toString() + ": scheduler name '" +
                                  service.scheduler + "' is longer than " +
                                  std::to_string(IP_VS_SCHEDNAME_MAXLEN - 1) + " characters");
    }
    out.putString(IPVS_SVC_ATTR_SCHED_NAME, service.scheduler);
    const ip_vs_flags flags{.flags = service.flags & ~core::svc_flags::kHashed, .mask = ~0U};
    out.putBytes(IPVS_SVC_ATTR_FLAGS, {reinterpret_cast<const std::uint8_t*>(&flags), sizeof flags});
    out.putU32(IPVS_SVC_ATTR_TIMEOUT, service.timeout);
    if (service.key.family == IpFamily::V6) {
      out.putU32(IPVS_SVC_ATTR_NETMASK, std::min<std::uint32_t>(service.netmask, 128));
    } else {
      out.putBe32(IPVS_SVC_ATTR_NETMASK, service.netmask);
    }
  }
  out.endNested(nest);
}

void putReal(AttrWriter& out, const core::RealServer& real, bool full) {
  const auto nest = out.beginNested(IPVS_CMD_ATTR_DEST);
  out.putU16(IPVS_DEST_ATTR_ADDR_FAMILY, addressFamily(real.address.family()));
  putAddress(out, IPVS_DEST_ATTR_ADDR, real.address);
  out.putBe16(IPVS_DEST_ATTR_PORT, real.port);
  if (full) {
    out.putU32(IPVS_DEST_ATTR_FWD_METHOD, static_cast<std::uint32_t>(real.forward));
    out.putU32(IPVS_DEST_ATTR_WEIGHT, static_cast<std::uint32_t>(real.weight));
    out.putU32(IPVS_DEST_ATTR_U_THRESH, real.upperThreshold);
    out.putU32(IPVS_DEST_ATTR_L_THRESH, real.lowerThreshold);
  }
  out.endNested(nest);
}

Request serviceRequest(std::uint8_t command, const core::VirtualService& service, bool full,
                       const char* attempted) {
  AttrWriter out;
  putService(out, service, full, attempted);
  return {.command = command, .attributes = out.take()};
}

Request realRequest(std::uint8_t command, const core::VirtualServiceKey& key, const core::RealServer& real,
                    bool full, const char* attempted) {
  AttrWriter out;
  putService(out, core::VirtualService{.key = key}, false, attempted);
  putReal(out, real, full);
  return {.command = command, .attributes = out.take()};
}

core::IpvsStats decodeStats(const Attributes& parent, std::uint16_t stats32, std::uint16_t stats64) {
  const bool wide = parent.has(stats64);
  if (!wide && !parent.has(stats32)) {
    return {};
  }
  const auto attrs = parent.nested(wide ? stats64 : stats32, parent.context() + " stats");
  const auto get = [&attrs](std::uint16_t type) -> std::uint64_t {
    return attrs.has(type) ? attrs.u64(type) : 0;
  };
  return {.connections = get(IPVS_STATS_ATTR_CONNS),
          .packetsIn = get(IPVS_STATS_ATTR_INPKTS),
          .packetsOut = get(IPVS_STATS_ATTR_OUTPKTS),
          .bytesIn = get(IPVS_STATS_ATTR_INBYTES),
          .bytesOut = get(IPVS_STATS_ATTR_OUTBYTES),
          .connectionsPerSecond = get(IPVS_STATS_ATTR_CPS),
          .packetsInPerSecond = get(IPVS_STATS_ATTR_INPPS),
          .packetsOutPerSecond = get(IPVS_STATS_ATTR_OUTPPS),
          .bytesInPerSecond = get(IPVS_STATS_ATTR_INBPS),
          .bytesOutPerSecond = get(IPVS_STATS_ATTR_OUTBPS)};
}

}  // namespace

std::string KernelInfo::versionString() const {
  std::ostringstream out;
  out << ((version >> 16) & 0xff) << '.' << ((version >> 8) & 0xff) << '.' << (version & 0xff);
  return out.str();
}

Request encodeAddService(const core::VirtualService& service) {
  return serviceRequest(IPVS_CMD_NEW_SERVICE, service, true, "add virtual service");
}

Request encodeEditService(const core::VirtualService& service) {
  return serviceRequest(IPVS_CMD_SET_SERVICE, service, true, "edit virtual service");
}

Request encodeDeleteService(const core::VirtualServiceKey& key) {
  return serviceRequest(IPVS_CMD_DEL_SERVICE, core::VirtualService{.key = key}, false,
                        "delete virtual service");
}

Request encodeGetService(const core::VirtualServiceKey& key) {
  return serviceRequest(IPVS_CMD_GET_SERVICE, core::VirtualService{.key = key}, false, "get virtual service");
}

Request encodeDumpServices() {
  return {.command = IPVS_CMD_GET_SERVICE, .dump = true};
}

Request encodeAddReal(const core::VirtualServiceKey& key, const core::RealServer& real) {
  return realRequest(IPVS_CMD_NEW_DEST, key, real, true, "add real server to virtual service");
}

Request encodeEditReal(const core::VirtualServiceKey& key, const core::RealServer& real) {
  return realRequest(IPVS_CMD_SET_DEST, key, real, true, "edit real server of virtual service");
}

Request encodeDeleteReal(const core::VirtualServiceKey& key, const core::RealServer& real) {
  return realRequest(IPVS_CMD_DEL_DEST, key, real, false, "delete real server from virtual service");
}

Request encodeDumpReals(const core::VirtualServiceKey& key) {
  auto request =
      serviceRequest(IPVS_CMD_GET_DEST, core::VirtualService{.key = key}, false, "list real servers of");
  request.dump = true;
  return request;
}

Request encodeGetInfo() {
  return {.command = IPVS_CMD_GET_INFO};
}
Request encodeGetConfig() {
  return {.command = IPVS_CMD_GET_CONFIG};
}
Request encodeFlush() {
  return {.command = IPVS_CMD_FLUSH};
}

Request encodeSetConfig(const Timeouts& timeouts) {
  AttrWriter out;
  out.putU32(IPVS_CMD_ATTR_TIMEOUT_TCP, timeouts.tcp);
  out.putU32(IPVS_CMD_ATTR_TIMEOUT_TCP_FIN, timeouts.tcpFin);
  out.putU32(IPVS_CMD_ATTR_TIMEOUT_UDP, timeouts.udp);
  return {.command = IPVS_CMD_SET_CONFIG, .attributes = out.take()};
}

Request encode(const core::IpvsOp& op) {
  using Kind = core::IpvsOp::Kind;
  switch (op.kind) {
    case Kind::AddService:
      return encodeAddService(op.service);
    case Kind::EditService:
      return encodeEditService(op.service);
    case Kind::DeleteService:
      return encodeDeleteService(op.service.key);
    case Kind::AddReal:
      return encodeAddReal(op.service.key, op.real);
    case Kind::EditReal:
      return encodeEditReal(op.service.key, op.real);
    case Kind::DeleteReal:
      return encodeDeleteReal(op.service.key, op.real);
  }
  throw IpvsError(EINVAL, "encode IPVS op of unknown kind");
}

std::string describe(const core::IpvsOp& op) {
  using Kind = core::IpvsOp::Kind;
  std::ostringstream out;
  switch (op.kind) {
    case Kind::AddService:
      out << "add virtual service " << op.service.key;
      break;
    case Kind::EditService:
      out << "edit virtual service " << op.service.key;
      break;
    case Kind::DeleteService:
      out << "delete virtual service " << op.service.key;
      break;
    case Kind::AddReal:
      out << "add real server " << op.real << " to virtual service " << op.service.key;
      break;
    case Kind::EditReal:
      out << "edit real server " << op.real << " of virtual service " << op.service.key;
      break;
    case Kind::DeleteReal:
      out << "delete real server " << op.real << " from virtual service " << op.service.key;
      break;
  }
  return out.str();
}

core::VirtualServiceStatus decodeService(std::span<const std::uint8_t> attributes) {
  const auto top = Attributes::parse(attributes, "IPVS service reply");
  const auto attrs = top.nested(IPVS_CMD_ATTR_SERVICE, "IPVS service");
  core::VirtualServiceStatus status;
  auto& service = status.service;
  auto& key = service.key;
  key.family = familyFromAf(attrs.u16(IPVS_SVC_ATTR_AF), attrs.context());
  if (attrs.has(IPVS_SVC_ATTR_FWMARK) && attrs.u32(IPVS_SVC_ATTR_FWMARK) != 0) {
    key.fwmark = attrs.u32(IPVS_SVC_ATTR_FWMARK);
    key.address = unspecified(key.family);
  } else {
    const auto number = attrs.u16(IPVS_SVC_ATTR_PROTOCOL);
    const auto protocol = core::fromIpProtocolNumber(number);
    if (!protocol) {
      throw IpvsError(EBADMSG, "decode IPVS service: unsupported protocol " + std::to_string(number));
    }
    key.protocol = *protocol;
    key.address = getAddress(attrs, IPVS_SVC_ATTR_ADDR, key.family);
    key.port = attrs.be16(IPVS_SVC_ATTR_PORT);
  }
  service.scheduler = attrs.string(IPVS_SVC_ATTR_SCHED_NAME);
  service.flags = attrs.u32(IPVS_SVC_ATTR_FLAGS) & ~core::svc_flags::kHashed;
  service.timeout = attrs.u32(IPVS_SVC_ATTR_TIMEOUT);
  service.netmask =
      key.family == IpFamily::V6 ? attrs.u32(IPVS_SVC_ATTR_NETMASK) : attrs.be32(IPVS_SVC_ATTR_NETMASK);
  status.stats = decodeStats(attrs, IPVS_SVC_ATTR_STATS, IPVS_SVC_ATTR_STATS64);
  return status;
}

core::RealServerStatus decodeRealServer(std::span<const std::uint8_t> attributes, IpFamily serviceFamily) {
  const auto top = Attributes::parse(attributes, "IPVS real server reply");
  const auto attrs = top.nested(IPVS_CMD_ATTR_DEST, "IPVS real server");
  core::RealServerStatus status;
  auto& real = status.server;
  // Kernels before 3.18 omit the family; their real servers always share the service's.
  IpFamily family = serviceFamily;
  if (attrs.has(IPVS_DEST_ATTR_ADDR_FAMILY)) {
    family = familyFromAf(attrs.u16(IPVS_DEST_ATTR_ADDR_FAMILY), attrs.context());
  }
  real.address = getAddress(attrs, IPVS_DEST_ATTR_ADDR, family);
  real.port = attrs.be16(IPVS_DEST_ATTR_PORT);
  const auto forward = attrs.u32(IPVS_DEST_ATTR_FWD_METHOD) & IP_VS_CONN_F_FWD_MASK;
  if (forward > static_cast<std::uint32_t>(core::ForwardMethod::Bypass)) {
    throw IpvsError(EBADMSG, "decode IPVS real server: unknown forwarding method " + std::to_string(forward));
  }
  real.forward = static_cast<core::ForwardMethod>(forward);
  real.weight = static_cast<std::int32_t>(attrs.u32(IPVS_DEST_ATTR_WEIGHT));
  real.upperThreshold = attrs.has(IPVS_DEST_ATTR_U_THRESH) ? attrs.u32(IPVS_DEST_ATTR_U_THRESH) : 0;
  real.lowerThreshold = attrs.has(IPVS_DEST_ATTR_L_THRESH) ? attrs.u32(IPVS_DEST_ATTR_L_THRESH) : 0;
  const auto counter = [&attrs](std::uint16_t type) -> std::uint32_t {
    return attrs.has(type) ? attrs.u32(type) : 0;
  };
  status.activeConnections = counter(IPVS_DEST_ATTR_ACTIVE_CONNS);
  status.inactiveConnections = counter(IPVS_DEST_ATTR_INACT_CONNS);
  status.persistentConnections = counter(IPVS_DEST_ATTR_PERSIST_CONNS);
  status.stats = decodeStats(attrs, IPVS_DEST_ATTR_STATS, IPVS_DEST_ATTR_STATS64);
  return status;
}

KernelInfo decodeInfo(std::span<const std::uint8_t> attributes) {
  const auto attrs = Attributes::parse(attributes, "IPVS info reply");
  return {.version = attrs.u32(IPVS_INFO_ATTR_VERSION),
          .connTableSize = attrs.u32(IPVS_INFO_ATTR_CONN_TAB_SIZE)};
}

Timeouts decodeConfig(std::span<const std::uint8_t> attributes) {
  const auto attrs = Attributes::parse(attributes, "IPVS config reply");
  const auto get = [&attrs](std::uint16_t type) -> std::uint32_t {
    return attrs.has(type) ? attrs.u32(type) : 0;
  };
  return {.tcp = get(IPVS_CMD_ATTR_TIMEOUT_TCP),
          .tcpFin = get(IPVS_CMD_ATTR_TIMEOUT_TCP_FIN),
          .udp = get(IPVS_CMD_ATTR_TIMEOUT_UDP)};
}

}  // namespace kipvs::ipvs
