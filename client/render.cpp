#include "render.hpp"

#include <ctime>
#include <iomanip>
#include <map>

#include "core/json_writer.hpp"

namespace kipvs::ctl {

using core::JsonWriter;

namespace {

std::string pad(std::string text, std::size_t width) {
  if (text.size() < width) {
    text.append(width - text.size(), ' ');
  }
  return text;
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    out += (out.empty() ? "" : ",") + item;
  }
  return out;
}

std::string whenText(std::uint64_t usec) {
  if (usec == 0) {
    return "never";
  }
  const std::time_t seconds = static_cast<std::time_t>(usec / 1000000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  std::ostringstream out;
  out << std::put_time(&tm, "%Y-%m-%d %H:%M:%S UTC");
  return out.str();
}

const char* stateColour(const RealRow& real) {
  if (real.drained || real.terminating) {
    return "33";  // yellow
  }
  return real.ready ? "32" : "31";  // green / red
}

void writeRealJson(JsonWriter& j, const RealRow& r) {
  j.field("address", r.address).field("port", r.port).field("weight", r.weight).field("forward", r.forward);
  j.field("pod", r.pod).field("node", r.node).field("ready", r.ready).field("serving", r.serving);
  j.field("terminating", r.terminating).field("local", r.local).field("drained", r.drained);
}

void writeCountersJson(JsonWriter& j, const Counters& c) {
  j.beginObject().field("connections", c.connections).field("packetsIn", c.packetsIn);
  j.field("packetsOut", c.packetsOut).field("bytesIn", c.bytesIn).field("bytesOut", c.bytesOut);
  j.field("connectionsPerSecond", c.connectionsPerSecond).field("packetsInPerSecond", c.packetsInPerSecond);
  j.field("packetsOutPerSecond", c.packetsOutPerSecond).field("bytesInPerSecond", c.bytesInPerSecond);
  j.field("bytesOutPerSecond", c.bytesOutPerSecond).endObject();
}

// Writes the fields of a service; the caller has opened the object.
void writeServiceFields(JsonWriter& j, const ServiceRow& s) {
  j.field("key", s.key).field("path", s.path).field("namespace", s.ns).field("name", s.name);
  j.field("portName", s.portName)
      .field("kind", s.kind)
      .field("protocol", s.protocol)
      .field("address", s.address);
  j.field("port", s.port).field("fwmark", s.fwmark).field("scheduler", s.scheduler);
  j.key("flags").beginArray();
  for (const auto& flag : s.flags) {
    j.value(flag);
  }
  j.endArray().field("persistenceTimeout", s.persistence).field("problem", s.problem);
}

void serviceLine(std::ostream& out, const ServiceRow& s, const Style& style) {
  std::string flags = joined(s.flags);
  if (s.persistence != 0) {
    flags += " " + std::to_string(s.persistence) + "s";
  }
  out << style.paint(
             pad(s.protocol, 5) +
                 pad(s.fwmark != 0 ? "FWM " + std::to_string(s.fwmark) : hostPort(s.address, s.port), 40),
             "1")
      << pad(s.scheduler, 6) << pad(flags, 20) << pad(s.kind, 13) << style.paint(serviceName(s), "36")
      << '\n';
  if (!s.problem.empty()) {
    out << "  ! " << style.paint(s.problem, "31") << '\n';
  }
}

void realLine(std::ostream& out, const RealRow& r, const Style& style) {
  out << "  -> " << pad(hostPort(r.address, r.port), 40) << pad(r.forward, 8)
      << pad(std::to_string(r.weight), 7) << style.paint(pad(realState(r), 20), stateColour(r))
      << pad(r.node.empty() ? "-" : r.node, 16) << (r.pod.empty() ? "-" : r.pod) << '\n';
}

std::map<std::string, const ServiceRow*> byKey(const std::vector<ServiceRow>& rows) {
  std::map<std::string, const ServiceRow*> out;
  for (const auto& row : rows) {
    out.emplace(row.key, &row);
  }
  return out;
}

}  // namespace

std::string Style::paint(const std::string& text, const char* code) const {
  return colour ? "\033[" + std::string(code) + "m" + text + "\033[0m" : text;
}

void renderStatus(std::ostream& out, const StatusView& s, const Style& style) {
  const char* syncColour = s.syncState == "synced" ? "32" : (s.syncState == "starting" ? "33" : "31");
  out << "kipvsd " << s.version << " on node " << style.paint(s.nodeName.empty() ? "?" : s.nodeName, "1")
      << '\n'
      << "  source:           " << s.source << (s.apiServer.empty() ? "" : " (" + s.apiServer + ")") << '\n'
      << "  connected:        " << (s.connected ? "yes" : style.paint("no", "31")) << '\n'
      << "  sync state:       " << style.paint(s.syncState, syncColour) << '\n'
      << "  last sync:        " << whenText(s.lastSyncUsec) << '\n'
      << "  resource version: " << (s.resourceVersion.empty() ? "-" : s.resourceVersion) << '\n'
      << "  virtual services: " << s.virtualServices << '\n'
      << "  real servers:     " << s.realServers << '\n'
      << "  last error:       " << (s.lastError.empty() ? "-" : style.paint(s.lastError, "31")) << '\n';
}

void renderStatusJson(std::ostream& out, const StatusView& s) {
  JsonWriter j(out);
  j.beginObject().field("version", s.version).field("nodeName", s.nodeName).field("source", s.source);
  j.field("apiServer", s.apiServer).field("connected", s.connected).field("syncState", s.syncState);
  j.field("lastSyncUsec", s.lastSyncUsec).field("lastError", s.lastError);
  j.field("virtualServiceCount", s.virtualServices).field("realServerCount", s.realServers);
  j.field("resourceVersion", s.resourceVersion).endObject();
  out << '\n';
}

void renderList(std::ostream& out, const std::vector<ServiceRow>& rows, const Style& style) {
  out << pad("Prot LocalAddress:Port", 45) << pad("Sched", 6) << pad("Flags", 20) << pad("Kind", 13)
      << "Service\n"
      << "  -> " << pad("RemoteAddress:Port", 40) << pad("Forward", 8) << pad("Weight", 7) << pad("State", 20)
      << pad("Node", 16) << "Pod\n";
  for (const auto& row : rows) {
    serviceLine(out, row, style);
    for (const auto& real : row.reals) {
      realLine(out, real, style);
    }
  }
}

void renderListJson(std::ostream& out, const std::vector<ServiceRow>& rows) {
  JsonWriter j(out);
  j.beginObject().key("services").beginArray();
  for (const auto& row : rows) {
    j.beginObject();
    writeServiceFields(j, row);
    j.key("realServers").beginArray();
    for (const auto& real : row.reals) {
      j.beginObject();
      writeRealJson(j, real);
      j.endObject();
    }
    j.endArray().endObject();
  }
  j.endArray().endObject();
  out << '\n';
}

void renderShow(std::ostream& out, const std::vector<ShownService>& shown, const Style& style) {
  for (const auto& s : shown) {
    serviceLine(out, s.row, style);
    if (s.stats) {
      const auto& c = s.stats->counters;
      out << "     conns " << c.connections << "  in " << c.packetsIn << " pkts / " << c.bytesIn << " B  out "
          << c.packetsOut << " pkts / " << c.bytesOut << " B  rate " << c.connectionsPerSecond << " conn/s\n";
    } else {
      out << "     (no kernel counters)\n";
    }
    out << "  -> " << pad("RemoteAddress:Port", 40) << pad("Forward", 8) << pad("Weight", 7)
        << pad("State", 20) << pad("Node", 16) << "Pod\n";
    for (const auto& real : s.row.reals) {
      realLine(out, real, style);
      if (!s.stats) {
        continue;
      }
      for (const auto& rs : s.stats->reals) {
        if (rs.address == real.address && rs.port == real.port) {
          out << "       active " << rs.active << "  inactive " << rs.inactive << "  persistent "
              << rs.persistent << "  conns " << rs.counters.connections << '\n';
        }
      }
    }
  }
}

void renderShowJson(std::ostream& out, const std::vector<ShownService>& shown) {
  JsonWriter j(out);
  j.beginObject().key("services").beginArray();
  for (const auto& s : shown) {
    j.beginObject();
    writeServiceFields(j, s.row);
    j.key("stats");
    if (s.stats) {
      writeCountersJson(j, s.stats->counters);
    } else {
      j.null();
    }
    j.key("realServers").beginArray();
    for (const auto& real : s.row.reals) {
      j.beginObject();
      writeRealJson(j, real);
      if (s.stats) {
        for (const auto& rs : s.stats->reals) {
          if (rs.address != real.address || rs.port != real.port) {
            continue;
          }
          j.field("activeConnections", rs.active).field("inactiveConnections", rs.inactive);
          j.field("persistentConnections", rs.persistent).key("stats");
          writeCountersJson(j, rs.counters);
        }
      }
      j.endObject();
    }
    j.endArray().endObject();
  }
  j.endArray().endObject();
  out << '\n';
}

void renderStatistics(std::ostream& out, const std::vector<std::pair<std::string, Counters>>& stats,
                      const std::vector<ServiceRow>& rows, const Style& style) {
  const auto names = byKey(rows);
  out << pad("Prot LocalAddress:Port", 45) << std::right << std::setw(10) << "Conns" << std::setw(12)
      << "InPkts" << std::setw(12) << "OutPkts" << std::setw(14) << "InBytes" << std::setw(14) << "OutBytes"
      << std::left << "  Service\n";
  for (const auto& [key, c] : stats) {
    const auto it = names.find(key);
    out << style.paint(pad(key, 45), "1") << std::right << std::setw(10) << c.connections << std::setw(12)
        << c.packetsIn << std::setw(12) << c.packetsOut << std::setw(14) << c.bytesIn << std::setw(14)
        << c.bytesOut << std::left << "  " << (it == names.end() ? "-" : serviceName(*it->second)) << '\n';
  }
}

void renderStatisticsJson(std::ostream& out, const std::vector<std::pair<std::string, Counters>>& stats,
                          const std::vector<ServiceRow>& rows) {
  const auto names = byKey(rows);
  JsonWriter j(out);
  j.beginObject().key("statistics").beginArray();
  for (const auto& [key, c] : stats) {
    const auto it = names.find(key);
    j.beginObject().field("key", key);
    j.field("namespace", it == names.end() ? "" : it->second->ns);
    j.field("name", it == names.end() ? "" : it->second->name);
    j.field("portName", it == names.end() ? "" : it->second->portName);
    j.key("stats");
    writeCountersJson(j, c);
    j.endObject();
  }
  j.endArray().endObject();
  out << '\n';
}

void renderExplain(std::ostream& out, const std::vector<ExplainView>& views, const Style& style) {
  for (const auto& v : views) {
    out << style.paint(v.key, "1") << ": " << v.summary << '\n';
    for (const auto& e : v.endpoints) {
      out << "  " << style.paint(e.included ? "in " : "out", e.included ? "32" : "31") << ' '
          << pad(hostPort(e.address, e.port), 40) << pad(e.node.empty() ? "-" : e.node, 16)
          << pad(e.pod.empty() ? "-" : e.pod, 28) << e.reason << '\n';
    }
  }
}

void renderExplainJson(std::ostream& out, const std::vector<ExplainView>& views) {
  JsonWriter j(out);
  j.beginObject().key("explanations").beginArray();
  for (const auto& v : views) {
    j.beginObject().field("key", v.key).field("summary", v.summary).key("endpoints").beginArray();
    for (const auto& e : v.endpoints) {
      j.beginObject()
          .field("address", e.address)
          .field("port", e.port)
          .field("pod", e.pod)
          .field("node", e.node);
      j.field("included", e.included).field("reason", e.reason).endObject();
    }
    j.endArray().endObject();
  }
  j.endArray().endObject();
  out << '\n';
}

}  // namespace kipvs::ctl
