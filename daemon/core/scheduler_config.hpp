#pragma once

// The per-Service scheduler annotations: kipvs.io/scheduler and kipvs.io/scheduler-flags.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/cluster.hpp"

namespace kipvs::core {

inline constexpr std::string_view kSchedulerAnnotation = "kipvs.io/scheduler";
inline constexpr std::string_view kSchedulerFlagsAnnotation = "kipvs.io/scheduler-flags";

bool isKnownScheduler(std::string_view name);  // the schedulers Linux IPVS ships (rr, wrr, lc, … mh, twos)

struct SchedulerChoice {
  std::string scheduler;
  std::uint32_t flags = 0;              // svc_flags::kSched1..3
  std::vector<std::string> problems{};  // unknown scheduler or flags: reported, the bad value not used
};

// An unknown scheduler keeps `defaultScheduler` (and reports it); flags are honoured only for sh and mh
// (tokens: fallback|port|flag-1|flag-2|flag-3, optionally prefixed "sh-"/"mh-"). mh without the flags
// annotation gets mh-port, as kube-proxy sets it.
SchedulerChoice chooseScheduler(const Labels& annotations, const std::string& defaultScheduler);

}  // namespace kipvs::core
