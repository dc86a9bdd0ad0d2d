#pragma once

// Shared by the ipvs unit tests: addresses from literals, and the errno a failing call reports.

#include "core/ip_address.hpp"
#include "ipvs/ipvs_error.hpp"

namespace kipvs::ipvs::testing {

inline core::IpAddress ip(const char* text) {
  return *core::IpAddress::parse(text);
}

// The errnum of the IpvsError that fn() throws; 0 when it throws none.
inline int errnoOf(const auto& fn) {
  try {
    fn();
  } catch (const IpvsError& error) {
    return error.errnum();
  }
  return 0;
}

}  // namespace kipvs::ipvs::testing
