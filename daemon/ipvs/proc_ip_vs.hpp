#pragma once

// Every real server of every virtual service with its active and inactive connection counts, from one
// read of /proc/net/ip_vs. Generic netlink has no dump of all destinations (IPVS_CMD_GET_DEST needs
// the service, net/netfilter/ipvs/ip_vs_ctl.c ip_vs_genl_dump_dests), and one dump per service would
// be 10k round trips a scrape; ip_vs_info_seq_show prints them all in one pass. Virtual services by
// firewall mark (FWM lines) carry no address family there and are left out: kipvs programs none.

#include <map>
#include <string_view>
#include <vector>

#include "core/ipvs_model.hpp"

namespace kipvs::ipvs {

using RealServersByService = std::map<core::VirtualServiceKey, std::vector<core::RealServerStatus>>;

// Parses the text of /proc/net/ip_vs. Lines it does not understand are skipped.
RealServersByService parseProcIpVs(std::string_view text);

// Reads and parses the file; throws std::system_error when it cannot be read (no ip_vs module).
RealServersByService readProcIpVs(const char* path = "/proc/net/ip_vs");

}  // namespace kipvs::ipvs
