#include "ipvsadm_table.hpp"

#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <memory>
#include <sstream>
#include <stdexcept>

namespace kipvs::ipvs::vmtest {
namespace {

using core::IpFamily;

std::vector<std::string> words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> out;
  for (std::string word; in >> word;) {
    out.push_back(word);
  }
  return out;
}

[[noreturn]] void bad(const std::string& what, const std::string& line) {
  throw std::runtime_error("ipvsadm output: " + what + " in line: " + line);
}

// "10.0.0.1:80" or "[fd00::1]:80".
std::pair<core::IpAddress, std::uint16_t> endpoint(const std::string& text, const std::string& line) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos) {
    bad("no port", line);
  }
  std::string host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  const auto address = core::IpAddress::parse(host);
  if (!address) {
    bad("bad address " + host, line);
  }
  return {*address, static_cast<std::uint16_t>(std::stoul(text.substr(colon + 1)))};
}

std::uint32_t schedFlags(const std::string& list) {
  std::uint32_t flags = 0;
  std::istringstream in(list);
  for (std::string name; std::getline(in, name, ',');) {
    if (name == "sh-fallback" || name == "mh-fallback" || name == "flag-1") {
      flags |= core::svc_flags::kSched1;
    } else if (name == "sh-port" || name == "mh-port" || name == "flag-2") {
      flags |= core::svc_flags::kSched2;
    } else if (name == "flag-3") {
      flags |= core::svc_flags::kSched3;
    } else {
      throw std::runtime_error("ipvsadm output: unknown scheduler flag " + name);
    }
  }
  return flags;
}

std::uint32_t parseMask(const std::string& text, IpFamily family) {
  if (family == IpFamily::V6) {
    return static_cast<std::uint32_t>(std::stoul(text));
  }
  const auto address = core::IpAddress::parse(text);
  const auto bytes = address->bytes();
  return (std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) | (std::uint32_t{bytes[2]} << 8) |
         bytes[3];
}

core::Protocol protocol(const std::string& word, const std::string& line) {
  if (word == "-t" || word == "TCP") {
    return core::Protocol::Tcp;
  }
  if (word == "-u" || word == "UDP") {
    return core::Protocol::Udp;
  }
  if (word == "--sctp-service" || word == "SCTP") {
    return core::Protocol::Sctp;
  }
  bad("unknown protocol " + word, line);
}

core::VirtualServiceKey addressKey(core::Protocol proto, const std::string& text, const std::string& line) {
  const auto [address, port] = endpoint(text, line);
  return {.family = address.family(), .protocol = proto, .address = address, .port = port, .fwmark = 0};
}

core::VirtualServiceKey fwmarkKey(const std::string& mark, IpFamily family) {
  return {.family = family,
          .protocol = core::Protocol::Tcp,
          .address = *core::IpAddress::parse(family == IpFamily::V6 ? "::" : "0.0.0.0"),
          .port = 0,
          .fwmark = static_cast<std::uint32_t>(std::stoul(mark))};
}

std::uint32_t defaultMask(IpFamily family) {
  return family == IpFamily::V6 ? 128 : 0xffffffff;
}

void sortReals(AdmTable& table) {
  for (auto& [key, entry] : table) {
    std::sort(entry.reals.begin(), entry.reals.end(), [](const auto& a, const auto& b) {
      return std::tie(a.address, a.port) < std::tie(b.address, b.port);
    });
  }
}

}  // namespace

std::string run(const std::string& command) {
  // popen's /bin/sh is busybox, which prefers its own applets (`ip`, ...) over the real tools: use bash.
  std::string quoted;
  for (const char c : command) {
    quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  const std::string line = "bash -c '" + quoted + "'";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(line.c_str(), "r"), pclose);
  if (!pipe) {
    throw std::runtime_error("popen failed: " + command);
  }
  std::string out;
  std::array<char, 65536> buffer{};
  for (std::size_t n; (n = fread(buffer.data(), 1, buffer.size(), pipe.get())) > 0;) {
    out.append(buffer.data(), n);
  }
  const int status = pclose(pipe.release());
  if (status != 0) {
    throw std::runtime_error("command failed (status " + std::to_string(status) + "): " + command + "\n" +
                             out);
  }
  return out;
}

core::VirtualService visible(core::VirtualService service) {
  if ((service.flags & core::svc_flags::kPersistent) == 0) {
    service.netmask = defaultMask(service.key.family);
  }
  return service;
}

AdmTable parseSave(const std::string& text) {
  AdmTable table;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    const auto w = words(line);
    if (w.empty()) {
      continue;
    }
    if (w.size() < 3 || (w[0] != "-A" && w[0] != "-a")) {
      bad("unexpected", line);
    }
    const bool v6 = std::find(w.begin(), w.end(), "-6") != w.end();
    const auto key = w[1] == "-f" ? fwmarkKey(w[2], v6 ? IpFamily::V6 : IpFamily::V4)
                                  : addressKey(protocol(w[1], line), w[2], line);
    if (w[0] == "-A") {
      core::VirtualService service{.key = key, .scheduler = "", .netmask = defaultMask(key.family)};
      for (std::size_t i = 3; i < w.size(); ++i) {
        if (w[i] == "-s") {
          service.scheduler = w.at(++i);
        } else if (w[i] == "-p") {
          service.flags |= core::svc_flags::kPersistent;
          service.timeout = static_cast<std::uint32_t>(std::stoul(w.at(++i)));
        } else if (w[i] == "-M") {
          service.netmask = parseMask(w.at(++i), key.family);
        } else if (w[i] == "-o") {
          service.flags |= core::svc_flags::kOnePacket;
        } else if (w[i] == "-b") {
          service.flags |= schedFlags(w.at(++i));
        } else if (w[i] != "-6") {
          bad("unknown option " + w[i], line);
        }
      }
      table[key].service = service;
      continue;
    }
    core::RealServer real{};
    for (std::size_t i = 3; i < w.size(); ++i) {
      if (w[i] == "-r") {
        std::tie(real.address, real.port) = endpoint(w.at(++i), line);
      } else if (w[i] == "-m") {
        real.forward = core::ForwardMethod::Masquerade;
      } else if (w[i] == "-g") {
        real.forward = core::ForwardMethod::DirectRoute;
      } else if (w[i] == "-i") {
        real.forward = core::ForwardMethod::Tunnel;
      } else if (w[i] == "-w") {
        real.weight = std::stoi(w.at(++i));
      } else if (w[i] == "-x") {
        real.upperThreshold = static_cast<std::uint32_t>(std::stoul(w.at(++i)));
      } else if (w[i] == "-y") {
        real.lowerThreshold = static_cast<std::uint32_t>(std::stoul(w.at(++i)));
      } else if (w[i] == "--tun-type") {
        if (w.at(++i) != "ipip") {
          bad("unexpected tunnel type", line);
        }
      } else if (w[i] != "-6") {
        bad("unknown option " + w[i], line);
      }
    }
    const auto found = table.find(key);
    if (found == table.end()) {
      bad("real server before its service", line);
    }
    found->second.reals.push_back(real);
  }
  sortReals(table);
  return table;
}

AdmTable parseList(const std::string& text) {
  AdmTable table;
  std::istringstream in(text);
  AdmService* current = nullptr;
  bool thresholds = false;  // --thresholds adds Uthreshold and Lthreshold columns after Weight
  for (std::string line; std::getline(in, line);) {
    const auto w = words(line);
    if (!w.empty() && w[0] == "Prot") {
      thresholds = std::find(w.begin(), w.end(), "Uthreshold") != w.end();
      continue;
    }
    if (w.empty() || w[0] == "IP" || (w[0] == "->" && w.size() > 1 && w[1] == "RemoteAddress:Port")) {
      continue;
    }
    if (w[0] == "->") {
      if (current == nullptr || w.size() < 5) {
        bad("real server line", line);
      }
      core::RealServer real{};
      std::tie(real.address, real.port) = endpoint(w[1], line);
      if (thresholds) {  // -> address Uthreshold Lthreshold ActiveConn InActConn: no forward, no weight
        real.weight = 0;
        real.upperThreshold = static_cast<std::uint32_t>(std::stoul(w[2]));
        real.lowerThreshold = static_cast<std::uint32_t>(std::stoul(w[3]));
        current->reals.push_back(real);
        continue;
      }
      if (w[2] == "Masq") {
        real.forward = core::ForwardMethod::Masquerade;
      } else if (w[2] == "Route") {
        real.forward = core::ForwardMethod::DirectRoute;
      } else if (w[2] == "Tunnel") {
        real.forward = core::ForwardMethod::Tunnel;
      } else {
        bad("forwarding method " + w[2], line);
      }
      real.weight = std::stoi(w[3]);
      current->reals.push_back(real);
      continue;
    }
    std::size_t i = 0;
    core::VirtualServiceKey key;
    if (w[0] == "FWM") {
      const bool v6 = w.size() > 2 && w[2] == "IPv6";
      key = fwmarkKey(w.at(1), v6 ? IpFamily::V6 : IpFamily::V4);
      i = v6 ? 3 : 2;
    } else {
      key = addressKey(protocol(w[0], line), w.at(1), line);
      i = 2;
    }
    core::VirtualService service{.key = key, .scheduler = w.at(i++), .netmask = defaultMask(key.family)};
    for (; i < w.size(); ++i) {
      if (w[i] == "persistent") {
        service.flags |= core::svc_flags::kPersistent;
        service.timeout = static_cast<std::uint32_t>(std::stoul(w.at(++i)));
      } else if (w[i] == "mask") {
        service.netmask = parseMask(w.at(++i), key.family);
      } else if (w[i] == "ops") {
        service.flags |= core::svc_flags::kOnePacket;
      } else if (w[i].size() > 2 && w[i].front() == '(' && w[i].back() == ')') {
        service.flags |= schedFlags(w[i].substr(1, w[i].size() - 2));
      } else {
        bad("unknown flag " + w[i], line);
      }
    }
    current = &table[key];
    current->service = service;
  }
  sortReals(table);
  return table;
}

AdmStats parseStats(const std::string& text, const std::string& serviceAddress) {
  AdmStats stats;
  std::istringstream in(text);
  bool inService = false;
  for (std::string line; std::getline(in, line);) {
    const auto w = words(line);
    if (w.size() < 3) {
      continue;
    }
    if (w[0] != "->") {
      inService = w[1] == serviceAddress;
      if (inService) {
        stats.connections = std::stoull(w[2]);
      }
    } else if (inService) {
      stats.realConnections[w[1]] = std::stoull(w[2]);
    }
  }
  return stats;
}

}  // namespace kipvs::ipvs::vmtest
