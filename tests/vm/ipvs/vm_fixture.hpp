#pragma once

// Shared by the guest tests: a NetlinkIpvs on an empty table, and the check that our layer and
// ipvsadm (-S -n and -Ln) both show exactly the expected table.

#include <gtest/gtest.h>

#include <algorithm>

#include "ipvs/ipvs_error.hpp"
#include "ipvs/netlink_ipvs.hpp"
#include "ipvsadm_table.hpp"

namespace kipvs::ipvs::vmtest {

inline core::IpAddress ip(const char* text) {
  return *core::IpAddress::parse(text);
}

inline AdmTable tableOf(const std::vector<AdmService>& entries) {
  AdmTable table;
  for (auto entry : entries) {
    std::sort(entry.reals.begin(), entry.reals.end(), [](const auto& a, const auto& b) {
      return std::tie(a.address, a.port) < std::tie(b.address, b.port);
    });
    table[entry.service.key] = entry;
  }
  return table;
}

class IpvsVm : public ::testing::Test {
 protected:
  void SetUp() override { ipvs_.flush(); }  // explicit: every test starts from an empty table

  // The table as our layer reads it back.
  AdmTable ours() {
    std::vector<AdmService> entries;
    for (const auto& status : ipvs_.listServices()) {
      AdmService entry{.service = status.service, .reals = {}};
      for (const auto& real : ipvs_.listRealServers(status.service.key)) {
        entry.reals.push_back(real.server);
      }
      entries.push_back(entry);
    }
    return tableOf(entries);
  }

  // Our layer, `ipvsadm -S -n`, `ipvsadm -Ln` and `ipvsadm -Ln --thresholds` all agree with `expected`.
  // (`withThresholds` = false skips the third listing where no real server has thresholds.)
  void expectAllAgree(const AdmTable& expected, bool withThresholds = true) {
    EXPECT_EQ(ours(), expected) << "read back through NetlinkIpvs";
    AdmTable visibleTable = expected;
    for (auto& [key, entry] : visibleTable) {
      entry.service = visible(entry.service);
    }
    AdmTable withoutThresholds = visibleTable;
    AdmTable onlyThresholds = visibleTable;
    for (auto& [key, entry] : withoutThresholds) {
      for (auto& real : entry.reals) {
        real.upperThreshold = 0;
        real.lowerThreshold = 0;
      }
    }
    for (auto& [key, entry] : onlyThresholds) {
      for (auto& real : entry.reals) {
        real.forward = core::ForwardMethod::Masquerade;
        real.weight = 0;
      }
    }
    EXPECT_EQ(parseSave(run("ipvsadm -S -n")), withoutThresholds) << "ipvsadm -S -n";
    EXPECT_EQ(parseList(run("ipvsadm -Ln")), withoutThresholds) << "ipvsadm -Ln";
    if (withThresholds) {
      EXPECT_EQ(parseList(run("ipvsadm -Ln --thresholds")), onlyThresholds) << "ipvsadm -Ln --thresholds";
    }
  }

  NetlinkIpvs ipvs_;
};

// Runs `fn`, expects an IpvsError with `errnum` whose message is exactly `message`.
template <typename Fn>
void expectError(int errnum, const std::string& message, Fn fn) {
  try {
    fn();
    ADD_FAILURE() << "no error, expected: " << message;
  } catch (const IpvsError& error) {
    EXPECT_EQ(error.errnum(), errnum) << error.what();
    EXPECT_EQ(std::string(error.what()), message);
  }
}

}  // namespace kipvs::ipvs::vmtest

namespace kipvs::core {
// gtest prints these on failure.
inline void PrintTo(const VirtualServiceKey& key, std::ostream* out) {
  *out << key;
}
}  // namespace kipvs::core
namespace kipvs::ipvs::vmtest {
inline std::ostream& operator<<(std::ostream& out, const AdmService& entry) {
  out << entry.service << " reals[";
  for (const auto& real : entry.reals) {
    out << real << " x=" << real.upperThreshold << " y=" << real.lowerThreshold << "; ";
  }
  return out << ']';
}
}  // namespace kipvs::ipvs::vmtest
