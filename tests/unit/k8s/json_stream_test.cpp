// Watch-body framing (watch edge cases 1-5).

#include "k8s/json_stream.hpp"

#include <gtest/gtest.h>

#include "k8s/json_reader.hpp"

namespace kipvs::k8s {
namespace {

std::vector<std::string> frame(JsonStreamFramer& framer, std::initializer_list<std::string_view> pieces) {
  std::vector<std::string> documents;
  for (const auto piece : pieces) {
    framer.feed(piece, [&](std::string_view d) { documents.emplace_back(d); });
  }
  return documents;
}

// watch edge case 1: several events in one chunk.
TEST(JsonStreamFramer, SplitsSeveralEventsInOneChunk) {
  JsonStreamFramer framer;
  const auto docs = frame(framer, {"{\"a\":1}\n{\"b\":{\"c\":[1,2]}}\n{\"d\":\"}\"}\n"});
  EXPECT_EQ(docs, (std::vector<std::string>{R"({"a":1})", R"({"b":{"c":[1,2]}})", R"({"d":"}"})"}));
  EXPECT_FALSE(framer.hasPartial());
}

// watch edge case 2: one event across many chunks, split inside a UTF-8 sequence and inside a string escape.
TEST(JsonStreamFramer, JoinsAnEventSplitAcrossChunksEvenInsideEscapesAndUtf8) {
  const std::string event = "{\"type\":\"ADDED\",\"object\":{\"name\":\"caf\xC3\xA9 \\\"}\\\\\",\"n\":1}}";
  for (std::size_t cut = 1; cut < event.size(); ++cut) {
    JsonStreamFramer framer;
    const auto docs =
        frame(framer, {std::string_view(event).substr(0, cut), std::string_view(event).substr(cut)});
    ASSERT_EQ(docs.size(), 1U) << cut;
    EXPECT_EQ(docs[0], event);
  }
  JsonStreamFramer bytewise;
  std::vector<std::string> docs;
  for (const char c : event) {
    bytewise.feed(std::string_view(&c, 1), [&](std::string_view d) { docs.emplace_back(d); });
  }
  EXPECT_EQ(docs, std::vector<std::string>{event});
}

// watch edge case 3: "\n", "\r\n" or nothing between events.
TEST(JsonStreamFramer, AcceptsAnySeparator) {
  JsonStreamFramer framer;
  const auto docs = frame(framer, {"{\"a\":1}\r\n{\"b\":2}{\"c\":3}  \t\n{\"d\":4}"});
  EXPECT_EQ(docs.size(), 4U);
}

// watch edge case 4: a partial event at the end stays buffered, never emitted.
TEST(JsonStreamFramer, KeepsAPartialEventBuffered) {
  JsonStreamFramer framer;
  const auto docs = frame(framer, {"{\"a\":1}\n{\"type\":\"MODIFIED\",\"object\":{\"metadata\":{\"na"});
  EXPECT_EQ(docs.size(), 1U);
  EXPECT_TRUE(framer.hasPartial());
}

// watch edge case 5: no line-length limit for large events; a cap on absurd sizes.
TEST(JsonStreamFramer, HandlesLargeEventsAndCapsAbsurdOnes) {
  std::string big = "{\"endpoints\":[";
  for (int i = 0; i < 20000; ++i) {
    big += (i ? "," : "") + std::string("{\"addresses\":[\"10.1.") + std::to_string(i / 256) + "." +
           std::to_string(i % 256) + "\"]}";
  }
  big += "]}";
  ASSERT_GT(big.size(), 512U * 1024U);
  JsonStreamFramer framer;
  std::vector<std::string> docs;
  for (std::size_t at = 0; at < big.size(); at += 1500) {
    framer.feed(std::string_view(big).substr(at, 1500), [&](std::string_view d) { docs.emplace_back(d); });
  }
  ASSERT_EQ(docs.size(), 1U);
  EXPECT_EQ(docs[0].size(), big.size());
  JsonStreamFramer capped(1024);
  EXPECT_THROW(capped.feed(std::string_view(big).substr(0, 4096), [](std::string_view) {}), JsonError);
}

TEST(JsonStreamFramer, RejectsGarbageBetweenEvents) {
  JsonStreamFramer framer;
  EXPECT_THROW(frame(framer, {"{\"a\":1}\nnot json\n"}), JsonError);
}

}  // namespace
}  // namespace kipvs::k8s
