#include "k8s/json_reader.hpp"

#include <gtest/gtest.h>

namespace kipvs::k8s {
namespace {

TEST(JsonReader, WalksNestedObjectsAndArrays) {
  JsonReader reader(R"( {"a": [1, -2, {"b": true}], "c": null, "d": "x", "e": {}} )");
  reader.beginObject();
  std::string_view key;
  ASSERT_TRUE(reader.nextKey(key));
  EXPECT_EQ(key, "a");
  reader.beginArray();
  ASSERT_TRUE(reader.nextElement());
  EXPECT_EQ(reader.readInt(), 1);
  ASSERT_TRUE(reader.nextElement());
  EXPECT_EQ(reader.readInt(), -2);
  ASSERT_TRUE(reader.nextElement());
  reader.beginObject();
  ASSERT_TRUE(reader.nextKey(key));
  EXPECT_TRUE(reader.readBool());
  EXPECT_FALSE(reader.nextKey(key));
  EXPECT_FALSE(reader.nextElement());
  ASSERT_TRUE(reader.nextKey(key));
  EXPECT_TRUE(reader.tryNull());
  ASSERT_TRUE(reader.nextKey(key));
  EXPECT_EQ(reader.readString(), "x");
  ASSERT_TRUE(reader.nextKey(key));
  EXPECT_EQ(key, "e");
  reader.skip();
  EXPECT_FALSE(reader.nextKey(key));
  EXPECT_TRUE(reader.atEnd());
}

TEST(JsonReader, DecodesEscapesAndSurrogatePairs) {
  JsonReader reader(R"("a\"b\\c\/\n\u00e9\u20ac\ud83d\ude00")");
  EXPECT_EQ(reader.readString(), "a\"b\\c/\n\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
}

TEST(JsonReader, ReturnsViewsIntoTheInputWhenThereAreNoEscapes) {
  const std::string text = R"("plain")";
  JsonReader reader(text);
  std::string scratch;
  const std::string_view view = reader.readString(scratch);
  EXPECT_EQ(view, "plain");
  EXPECT_EQ(view.data(), text.data() + 1);
}

TEST(JsonReader, SkipsAnyValue) {
  JsonReader reader(R"([{"x": [1.5e3, "s\"", {"y": [[], {}]}]}, false, -0.25])");
  reader.skip();
  EXPECT_TRUE(reader.atEnd());
}

TEST(JsonReader, RejectsMalformedDocuments) {
  for (const char* text : {"{", R"({"a" 1})", R"({"a":1,})", "[1 2]", R"("abc)", "[tru]", R"("\x")",
                           "{\"a\":\"\x01\"}", R"({"a":1 "b":2})", "-"}) {
    JsonReader reader(text);
    EXPECT_THROW(reader.skip(), JsonError) << text;
  }
}

TEST(JsonReader, ReadIntRejectsFractions) {
  JsonReader reader("1.5");
  EXPECT_THROW(reader.readInt(), JsonError);
}

// Found by the json_reader fuzzer: a lone '-' was consumed before the error, so a decoder that caught
// it and skipped the value accepted `-"x"` as a value.
TEST(JsonReader, NumbersFollowJsonGrammarAndAFailedReadConsumesNothing) {
  for (const char* text : {"[-\"x\"]", "[1-2]", "[01]", "[1.]", "[.5]", "[1e]", "[1e+]", "[--1]", "[+1]"}) {
    JsonReader reader(text);
    EXPECT_THROW(reader.skip(), JsonError) << text;
  }
  for (const char* text : {"-\"x\"", "-", "--1", "01", "1.", "1e", "-e5"}) {
    JsonReader reader(text);
    EXPECT_THROW(reader.readInt(), JsonError) << text;
    EXPECT_EQ(reader.offset(), 0U) << text;
  }
  for (const char* text : {"0", "-0", "1.5e3", "0.0e-0", "12E+2", "-7"}) {
    JsonReader reader(text);
    reader.skip();
    EXPECT_TRUE(reader.atEnd()) << text;
  }
}

}  // namespace
}  // namespace kipvs::k8s
