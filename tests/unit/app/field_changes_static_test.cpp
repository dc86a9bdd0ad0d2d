// Field changes through the static source: every row of the field table rewrites one manifest file, the
// real StaticSource re-reads the directory, and the daemon's node must equal a from-scratch computation
// of the directory after every step. (The watch path runs the same table in tests/k8s.)

#include <gtest/gtest.h>

#include <iostream>

#include "core/log.hpp"
#include "field_rows_runner.hpp"
#include "sourced_daemon.hpp"

namespace kipvs::app::testing {
namespace {

TEST(StaticFieldChanges, EveryFieldChangeIsProgrammedAsFromScratch) {
  log::setLevel(log::Level::Error);  // rows that make objects malformed are logged by design
  ManifestDirSource source("table");
  const auto rows = fieldRows();
  const auto outcomes = runFieldRows(source, baseWorld(), rows);
  log::setLevel(log::Level::Info);
  ASSERT_EQ(outcomes.size(), rows.size()) << (outcomes.empty() ? "" : outcomes.front().failures.front());
  std::size_t steps = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    SCOPED_TRACE(rows[i].field);
    steps += outcomes[i].steps;
    EXPECT_EQ(outcomes[i].failures, std::vector<std::string>{});
    if (rows[i].effect == Effect::Both || rows[i].effect == Effect::StaticOnly) {
      EXPECT_TRUE(outcomes[i].changedDesired) << "no value of this field changed the desired state";
    }
  }
  std::cout << "[          ] " << rows.size() << " fields, " << steps << " manifest rewrites\n";
}

// The watch events of the same table, decoded and handed to the daemon without HTTP (cheap enough for
// the unit tier; tests/k8s sends them over a real watch stream).
TEST(EventFieldChanges, EveryFieldChangeIsProgrammedAsFromScratch) {
  log::setLevel(log::Level::Error);
  EventSource source;
  const auto rows = fieldRows();
  const auto outcomes = runFieldRows(source, baseWorld(), rows);
  log::setLevel(log::Level::Info);
  ASSERT_EQ(outcomes.size(), rows.size()) << (outcomes.empty() ? "" : outcomes.front().failures.front());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    SCOPED_TRACE(rows[i].field);
    EXPECT_EQ(outcomes[i].failures, std::vector<std::string>{});
    if (rows[i].effect == Effect::Both || rows[i].effect == Effect::WatchOnly) {
      EXPECT_TRUE(outcomes[i].changedDesired) << "no value of this field changed the desired state";
    }
  }
}

}  // namespace
}  // namespace kipvs::app::testing
