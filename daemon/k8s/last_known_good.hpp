#pragma once

// The last-known-good file (<state-dir>/last-known-good.json): the cluster snapshot behind the last
// complete sync from the API server, so a node that boots without an API server can program what it
// last knew (rule 3 in daemon/README.md). The file is a Kubernetes `List` of the Services, EndpointSlices and
// this node's Node, written in the API's own JSON shape and read back by the same decoders as a live
// LIST (so `kubectl`/`jq` can read it and the round trip is tested), plus a `kipvs` header object:
// format version, node name, when it was saved. Pure functions; the file I/O is the StateStore's.

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/cluster.hpp"

namespace kipvs::k8s {

inline constexpr int kLastKnownGoodFormat = 1;

struct LastKnownGood {
  std::string nodeName;  // the node the snapshot was saved on
  std::string savedAt;   // RFC 3339, UTC
  core::ClusterSnapshot snapshot;
  std::vector<std::string> skipped;  // objects the decoders rejected (each is left out, like a live LIST)
};

// Not a usable last-known-good file: broken or truncated JSON, no kipvs header, another format.
class LastKnownGoodError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

std::string encodeLastKnownGood(const core::ClusterSnapshot& snapshot, std::string_view nodeName,
                                std::string_view savedAt);
// Throws LastKnownGoodError. Slices are joined to their Services exactly as the live cache does.
LastKnownGood decodeLastKnownGood(std::string_view text);

}  // namespace kipvs::k8s
