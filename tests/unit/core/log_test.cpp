#include "core/log.hpp"

#include <gtest/gtest.h>

namespace kipvs::log {
namespace {

struct Captured {
  Level level;
  std::string message;
  Fields fields;
};

class LogTest : public testing::Test {
 protected:
  void SetUp() override {
    setSink([this](Level l, std::string_view m, const Fields& f) {
      lines_.push_back({l, std::string(m), f});
    });
  }
  void TearDown() override {
    setSink(nullptr);
    setLevel(Level::Info);
  }
  std::vector<Captured> lines_;
};

TEST_F(LogTest, DropsMessagesAboveTheLevel) {
  setLevel(Level::Warning);
  debug("hidden");
  info("hidden");
  warning("shown", {{"KIPVS_SERVICE", "shop/web"}});
  ASSERT_EQ(lines_.size(), 1U);
  EXPECT_EQ(lines_[0].message, "shown");
  EXPECT_EQ(lines_[0].fields, (Fields{{"KIPVS_SERVICE", "shop/web"}}));
}

TEST_F(LogTest, ParsesLevelNamesBothWays) {
  for (const auto l : {Level::Error, Level::Warning, Level::Notice, Level::Info, Level::Debug}) {
    EXPECT_EQ(parseLevel(toString(l)), l);
  }
  EXPECT_FALSE(parseLevel("verbose"));
}

}  // namespace
}  // namespace kipvs::log
