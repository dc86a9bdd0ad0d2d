// EndpointSlice (discovery.k8s.io/v1) and Node (v1) decoding: the fields of k8s.io/api discovery/v1 and
// core/v1 types.go a proxy reads.

#include <iterator>

#include "k8s/decode_fields.hpp"

namespace kipvs::k8s::detail {

namespace {

constexpr std::string_view kServiceNameLabel = "kubernetes.io/service-name";

void readConditions(JsonReader& reader, core::EndpointConditions& conditions) {
  if (reader.tryNull()) {
    return;
  }
  reader.beginObject();
  std::string_view key;
  while (reader.nextKey(key)) {
    if (key == "ready") {
      conditions.ready = readOptBool(reader, true);
    } else if (key == "serving") {
      conditions.serving = readOptBool(reader, true);
    } else if (key == "terminating") {
      conditions.terminating = readOptBool(reader, false);
    } else {
      reader.skip();  // conditions added by later API versions
    }
  }
}

// hints.forZones / hints.forNodes: arrays of {"name": ...}.
void readHintList(JsonReader& reader, std::vector<std::string>& out, bool& present) {
  if (reader.tryNull()) {
    return;
  }
  present = true;
  reader.beginArray();
  while (reader.nextElement()) {
    reader.beginObject();
    std::string_view key;
    while (reader.nextKey(key)) {
      if (key == "name") {
        out.push_back(readOptString(reader));
      } else {
        reader.skip();
      }
    }
  }
}

void readHints(JsonReader& reader, core::Endpoint& endpoint) {
  if (reader.tryNull()) {
    return;
  }
  reader.beginObject();
  std::string_view key;
  while (reader.nextKey(key)) {
    if (key == "forZones") {
      readHintList(reader, endpoint.hintZones, endpoint.hasZoneHints);
    } else if (key == "forNodes") {
      readHintList(reader, endpoint.hintNodes, endpoint.hasNodeHints);
    } else {
      reader.skip();
    }
  }
}

void readTargetRef(JsonReader& reader, core::Endpoint& endpoint) {
  if (reader.tryNull()) {
    return;
  }
  std::string kind;
  std::string name;
  reader.beginObject();
  std::string_view key;
  while (reader.nextKey(key)) {
    if (key == "kind") {
      kind = readOptString(reader);
    } else if (key == "name") {
      name = readOptString(reader);
    } else {
      reader.skip();
    }
  }
  if (kind == "Pod") {
    endpoint.podName = std::move(name);
  }
}

void readEndpoints(JsonReader& reader, core::EndpointSlice& slice, bool ipAddresses, Issues& issues) {
  if (reader.tryNull()) {
    return;  // "endpoints": null is how the API writes an empty slice
  }
  // Collected in a reused buffer, then moved into an exactly sized vector: a LIST holds
  // hundreds of thousands of endpoints and growth slack would be a third of its memory.
  thread_local std::vector<core::Endpoint> scratch;
  scratch.clear();
  reader.beginArray();
  while (reader.nextElement()) {
    const std::size_t index = scratch.size();
    core::Endpoint endpoint;
    reader.beginObject();
    std::string_view key;
    while (reader.nextKey(key)) {
      if (key == "addresses") {
        forEachString(reader, [&](std::size_t i, std::string_view text) {
          if (ipAddresses) {
            parseAddress(text, endpoint.addresses, issues, {"endpoints", index, ".addresses", i});
          }
        });
      } else if (key == "conditions") {
        readConditions(reader, endpoint.conditions);
      } else if (key == "nodeName") {
        endpoint.nodeName = readOptString(reader);
      } else if (key == "zone") {
        endpoint.zone = readOptString(reader);
      } else if (key == "hostname") {
        endpoint.hostname = readOptString(reader);
      } else if (key == "targetRef") {
        readTargetRef(reader, endpoint);
      } else if (key == "hints") {
        readHints(reader, endpoint);
      } else {
        reader.skip();
      }
    }
    scratch.push_back(std::move(endpoint));
  }
  slice.endpoints.reserve(slice.endpoints.size() + scratch.size());
  std::move(scratch.begin(), scratch.end(), std::back_inserter(slice.endpoints));
}

void readSlicePorts(JsonReader& reader, core::EndpointSlice& slice, Issues& issues) {
  if (reader.tryNull()) {
    return;
  }
  reader.beginArray();
  while (reader.nextElement()) {
    const std::size_t index = slice.ports.size();
    core::EndpointPort port;
    reader.beginObject();
    std::string_view key;
    while (reader.nextKey(key)) {
      if (key == "name") {
        if (!reader.tryNull()) {
          port.name = reader.readString();
        }
      } else if (key == "protocol") {
        port.protocol = readProtocol(reader, issues, {"ports", index, ".protocol"});
      } else if (key == "port") {
        if (!reader.tryNull()) {
          port.port =
              static_cast<std::uint16_t>(readIntIn(reader, 0, 65535, 0, issues, {"ports", index, ".port"}));
        }
      } else {
        reader.skip();
      }
    }
    slice.ports.push_back(std::move(port));
  }
}

// spec.taints: [{"key": …, "value": …, "effect": …}]; only the keys matter to kipvs.
void readTaintKeys(JsonReader& reader, std::vector<std::string>& keys) {
  reader.beginArray();
  while (reader.nextElement()) {
    reader.beginObject();
    std::string_view key;
    while (reader.nextKey(key)) {
      if (key == "key") {
        keys.push_back(readOptString(reader));
      } else {
        reader.skip();
      }
    }
  }
}

}  // namespace

core::EndpointSlice decodeSliceBody(JsonReader& reader, Issues& issues) {
  core::EndpointSlice slice;
  // addressType decides whether addresses are IPs; it normally precedes endpoints, but JSON objects
  // are unordered, so an endpoints array seen first is re-read once the type is known.
  std::string addressType;
  std::string_view endpointsJson;
  reader.beginObject();
  std::string_view key;
  while (reader.nextKey(key)) {
    if (key == "metadata") {
      readMeta(reader, slice.meta, MetaDetail::SliceLabelsOnly);
    } else if (key == "addressType") {
      addressType = readOptString(reader);
    } else if (key == "endpoints") {
      if (addressType.empty()) {
        const std::size_t start = reader.offset();
        reader.skip();
        endpointsJson = reader.rawSince(start);
      } else {
        readEndpoints(reader, slice, addressType != "FQDN", issues);
      }
    } else if (key == "ports") {
      readSlicePorts(reader, slice, issues);
    } else {
      reader.skip();
    }
  }
  if (!endpointsJson.empty()) {
    JsonReader again(endpointsJson);
    readEndpoints(again, slice, addressType != "FQDN", issues);
  }
  if (addressType == "IPv4") {
    slice.addressType = core::AddressType::IPv4;
  } else if (addressType == "IPv6") {
    slice.addressType = core::AddressType::IPv6;
  } else if (addressType == "FQDN") {
    slice.addressType = core::AddressType::FQDN;
  } else {
    issues.add("addressType: unsupported \"" + addressType + "\"");
  }
  if (const auto it = slice.meta.labels.find(std::string(kServiceNameLabel)); it != slice.meta.labels.end()) {
    slice.serviceName = it->second;
  }
  return slice;
}

core::Node decodeNodeBody(JsonReader& reader, Issues& issues) {
  core::Node node;
  std::string podCIDR;
  std::vector<std::string> podCIDRs;
  reader.beginObject();
  std::string_view key;
  while (reader.nextKey(key)) {
    if (key == "metadata") {
      readMeta(reader, node.meta);
    } else if ((key == "spec" || key == "status") && !reader.tryNull()) {
      const bool spec = key == "spec";
      reader.beginObject();
      while (reader.nextKey(key)) {
        if (spec && key == "podCIDR") {
          podCIDR = readOptString(reader);
        } else if (spec && key == "podCIDRs") {
          forEachString(reader, [&](std::size_t, std::string_view text) { podCIDRs.emplace_back(text); });
        } else if (spec && key == "taints") {
          if (!reader.tryNull()) {
            readTaintKeys(reader, node.taintKeys);
          }
        } else if (!spec && key == "addresses" && !reader.tryNull()) {
          reader.beginArray();
          while (reader.nextElement()) {
            core::NodeAddress address;
            reader.beginObject();
            while (reader.nextKey(key)) {
              if (key == "type") {
                address.type = readOptString(reader);
              } else if (key == "address") {
                address.address = readOptString(reader);
              } else {
                reader.skip();
              }
            }
            node.addresses.push_back(std::move(address));
          }
        } else if (spec || key != "addresses") {
          reader.skip();
        }
      }
    } else if (key != "spec" && key != "status") {
      reader.skip();
    }
  }
  if (podCIDRs.empty() && !podCIDR.empty()) {
    podCIDRs.push_back(podCIDR);
  }
  for (std::size_t i = 0; i < podCIDRs.size(); ++i) {
    if (const auto cidr = core::Cidr::parse(podCIDRs[i])) {
      node.podCIDRs.push_back(*cidr);
    } else {
      issues.add(Field{"spec.podCIDRs", i}.str() + ": invalid CIDR \"" + podCIDRs[i] + "\"");
    }
  }
  return node;
}

}  // namespace kipvs::k8s::detail
