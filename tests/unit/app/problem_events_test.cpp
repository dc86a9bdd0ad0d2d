#include "app/problem_events.hpp"

#include <gtest/gtest.h>

namespace kipvs::app {
namespace {

struct ReasonCase {
  const char* problem;
  const char* reason;
};

class ProblemReasonTest : public ::testing::TestWithParam<ReasonCase> {};

TEST_P(ProblemReasonTest, NamesTheKindOfProblem) {
  EXPECT_EQ(problemReason(GetParam().problem), GetParam().reason);
}

INSTANTIATE_TEST_SUITE_P(
    Problems, ProblemReasonTest,
    ::testing::Values(
        ReasonCase{"unknown scheduler \"fancy\" in kipvs.io/scheduler; using rr", "UnknownScheduler"},
        ReasonCase{"unknown mh flag \"x\" in kipvs.io/scheduler-flags; ignored", "UnknownSchedulerFlag"},
        ReasonCase{"clusterIP 0.0.0.0 is unspecified; ignored", "ImpossibleAddress"},
        ReasonCase{"externalIP fd00::1 ignored: the Service has no IPv6 clusterIP", "ImpossibleAddress"},
        ReasonCase{"virtual service TCP 10.0.0.1:80 is also derived from shop/api; kept for the older",
                   "VirtualServiceConflict"},
        ReasonCase{"port \"http\" has port number 0; skipped", "ImpossiblePort"},
        ReasonCase{"something new", "CannotProgram"}));

core::DesiredState withProblems(std::map<core::ObjectKey, std::vector<std::string>> problems) {
  core::DesiredState desired;
  desired.problems = std::move(problems);
  return desired;
}

TEST(ProblemEvents, WarnsOnAServiceWhenAProblemAppearsAndOnlyThen) {
  const core::ObjectKey web{"shop", "web"};
  core::ClusterSnapshot snapshot;
  snapshot.services[web].meta.uid = "uid-web";
  ProblemEvents events;
  const auto first = events.afterSync(withProblems({{web, {"unknown scheduler \"x\"; using rr"}}}), snapshot);
  ASSERT_EQ(first.size(), 1U);
  EXPECT_EQ(first[0].regarding.kind, "Service");
  EXPECT_EQ(first[0].regarding.ns, "shop");
  EXPECT_EQ(first[0].regarding.name, "web");
  EXPECT_EQ(first[0].regarding.uid, "uid-web");
  EXPECT_TRUE(first[0].warning);
  EXPECT_EQ(first[0].reason, "UnknownScheduler");
  EXPECT_EQ(first[0].note, "unknown scheduler \"x\"; using rr");

  EXPECT_TRUE(
      events.afterSync(withProblems({{web, {"unknown scheduler \"x\"; using rr"}}}), snapshot).empty());
  EXPECT_TRUE(events.afterSync(withProblems({}), snapshot).empty());  // fixed: nothing to say
  EXPECT_EQ(events.afterSync(withProblems({{web, {"unknown scheduler \"x\"; using rr"}}}), snapshot).size(),
            1U);
}

TEST(ProblemEvents, TheNodeEventIsKubeProxysStarting) {
  const auto note = nodeStarting("node-a", "0.1.0");
  EXPECT_EQ(note.regarding.kind, "Node");
  EXPECT_EQ(note.regarding.name, "node-a");
  EXPECT_EQ(note.reason, "Starting");
  EXPECT_FALSE(note.warning);
}

}  // namespace
}  // namespace kipvs::app
