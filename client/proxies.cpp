#include "proxies.hpp"

#include <sstream>

#include "core/json_writer.hpp"
#include "dbus/bus_names.hpp"

namespace kipvs::ctl {

using core::JsonWriter;

namespace {

template <typename Stats>
Counters counters(const Stats& s) {
  return {std::get<0>(s), std::get<1>(s), std::get<2>(s), std::get<3>(s), std::get<4>(s),
          std::get<5>(s), std::get<6>(s), std::get<7>(s), std::get<8>(s), std::get<9>(s)};
}

template <typename Entry>
ServiceRow row(const Entry& e) {
  ServiceRow r;
  r.path = std::get<0>(e);
  r.key = std::get<1>(e);
  r.ns = std::get<2>(e);
  r.name = std::get<3>(e);
  r.portName = std::get<4>(e);
  r.kind = std::get<5>(e);
  r.protocol = std::get<6>(e);
  r.address = std::get<7>(e);
  r.port = std::get<8>(e);
  r.fwmark = std::get<9>(e);
  r.scheduler = std::get<10>(e);
  r.flags = std::get<11>(e);
  r.persistence = std::get<12>(e);
  r.problem = std::get<13>(e);
  for (const auto& w : std::get<14>(e)) {
    r.reals.push_back(RealRow{std::get<0>(w), std::get<1>(w), std::get<2>(w), std::get<3>(w), std::get<4>(w),
                              std::get<5>(w), std::get<6>(w), std::get<7>(w), std::get<8>(w), std::get<9>(w),
                              std::get<10>(w)});
  }
  return r;
}

// Manager properties are s, b, t or u.
void writeVariant(JsonWriter& json, const sdbus::Variant& v) {
  if (v.containsValueOfType<std::string>()) {
    json.value(v.get<std::string>());
  } else if (v.containsValueOfType<bool>()) {
    json.value(v.get<bool>());
  } else if (v.containsValueOfType<std::uint64_t>()) {
    json.value(v.get<std::uint64_t>());
  } else if (v.containsValueOfType<std::uint32_t>()) {
    json.value(v.get<std::uint32_t>());
  } else {
    json.value("<" + v.peekValueType() + ">");
  }
}

std::string variantText(const sdbus::Variant& v) {
  std::ostringstream out;
  JsonWriter json(out);
  writeVariant(json, v);
  return out.str();
}

}  // namespace

ManagerProxy::ManagerProxy(sdbus::IConnection& connection)
    : ProxyInterfaces(connection, dbus::kBusName, dbus::kRootPath) {}

ManagerProxy::~ManagerProxy() {
  unregisterProxy();
}

void ManagerProxy::subscribe(std::function<void(const std::string&, bool)> print, bool json) {
  print_ = std::move(print);
  json_ = json;
  registerProxy();
}

StatusView ManagerProxy::status() {
  const auto all = GetAll(org::kipvs::Proxy1::Manager_proxy::INTERFACE_NAME);
  StatusView s;
  auto get = [&](const char* name, auto& field) {
    using T = std::remove_reference_t<decltype(field)>;
    if (const auto it = all.find(name); it != all.end() && it->second.template containsValueOfType<T>()) {
      field = it->second.template get<T>();
    }
  };
  get("Version", s.version);
  get("NodeName", s.nodeName);
  get("Source", s.source);
  get("ApiServer", s.apiServer);
  get("Connected", s.connected);
  get("SyncState", s.syncState);
  get("LastSyncUsec", s.lastSyncUsec);
  get("LastError", s.lastError);
  get("VirtualServiceCount", s.virtualServices);
  get("RealServerCount", s.realServers);
  get("ResourceVersion", s.resourceVersion);
  return s;
}

std::vector<ServiceRow> ManagerProxy::services() {
  std::vector<ServiceRow> rows;
  for (const auto& entry : ListVirtualServices()) {
    rows.push_back(row(entry));
  }
  return rows;
}

std::vector<std::pair<std::string, Counters>> ManagerProxy::statistics() {
  std::vector<std::pair<std::string, Counters>> out;
  for (const auto& entry : GetStatistics()) {
    out.emplace_back(std::get<0>(entry), counters(std::get<1>(entry)));
  }
  return out;
}

ExplainView ManagerProxy::explain(const std::string& address, std::uint16_t port,
                                  const std::string& protocol) {
  const auto [key, summary, endpoints] = Explain(address, port, protocol);
  ExplainView view{key, summary, {}};
  for (const auto& e : endpoints) {
    view.endpoints.push_back(Verdict{std::get<0>(e), std::get<1>(e), std::get<2>(e), std::get<3>(e),
                                     std::get<4>(e), std::get<5>(e)});
  }
  return view;
}

void ManagerProxy::onSyncCompleted(const std::uint64_t& finishedUsec, const std::uint64_t& durationUsec,
                                   const std::uint32_t& added, const std::uint32_t& removed,
                                   const std::uint32_t& changed, const std::uint32_t& failed) {
  if (!print_) {
    return;
  }
  std::ostringstream out;
  if (json_) {
    JsonWriter json(out);
    json.beginObject().field("event", "SyncCompleted").field("finishedUsec", finishedUsec);
    json.field("durationUsec", durationUsec).field("added", added).field("removed", removed);
    json.field("changed", changed).field("failed", failed).endObject();
  } else {
    out << "sync      +" << added << " -" << removed << " ~" << changed << " in "
        << static_cast<double>(durationUsec) / 1000.0 << " ms";
    if (failed != 0) {
      out << ", " << failed << " operations failed";
    }
  }
  print_(out.str(), json_);
}

void ManagerProxy::onServiceChanged(const sdbus::ObjectPath& path, const std::string& key,
                                    const std::string& change) {
  if (!print_) {
    return;
  }
  std::ostringstream out;
  if (json_) {
    JsonWriter json(out);
    json.beginObject().field("event", "ServiceChanged").field("path", std::string(path)).field("key", key);
    json.field("change", change).endObject();
  } else {
    out << (change + "         ").substr(0, 10) << key;
  }
  print_(out.str(), json_);
}

void ManagerProxy::onPropertiesChanged(const std::string& /*interfaceName*/,
                                       const std::map<std::string, sdbus::Variant>& changed,
                                       const std::vector<std::string>& /*invalidated*/) {
  if (!print_) {
    return;
  }
  std::ostringstream out;
  if (json_) {
    JsonWriter json(out);
    json.beginObject().field("event", "PropertiesChanged").key("properties").beginObject();
    for (const auto& [name, value] : changed) {
      json.key(name);
      writeVariant(json, value);
    }
    json.endObject().endObject();
  } else {
    out << "status   ";
    for (const auto& [name, value] : changed) {
      out << ' ' << name << '=' << variantText(value);
    }
  }
  print_(out.str(), json_);
}

ServiceProxy::ServiceProxy(sdbus::IConnection& connection, const std::string& path)
    : ProxyInterfaces(connection, dbus::kBusName, path) {}

ServiceProxy::~ServiceProxy() {
  unregisterProxy();
}

ServiceStats ServiceProxy::stats() {
  const auto [service, reals] = GetStats();
  ServiceStats out{counters(service), {}};
  for (const auto& r : reals) {
    out.reals.push_back(RealStats{std::get<0>(r), std::get<1>(r), std::get<2>(r), std::get<3>(r),
                                  std::get<4>(r), counters(std::get<5>(r))});
  }
  return out;
}

}  // namespace kipvs::ctl
