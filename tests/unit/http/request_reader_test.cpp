#include "http/request_reader.hpp"

#include <gtest/gtest.h>

#include <string>

namespace kipvs::http {
namespace {

struct HeadCase {
  const char* name;
  std::string head;
  int status;  // 0: parsed
  std::string method{};
  std::string path{};
  std::string query{};
};

class ParseRequestHead : public testing::TestWithParam<HeadCase> {};

TEST_P(ParseRequestHead, ParsesOrRefusesWithTheRightStatus) {
  const auto& c = GetParam();
  const auto parsed = parseRequestHead(c.head, 8);
  if (c.status == 0) {
    ASSERT_TRUE(std::holds_alternative<HttpRequest>(parsed)) << std::get<ParseError>(parsed).reason;
    const auto& request = std::get<HttpRequest>(parsed);
    EXPECT_EQ(request.method, c.method);
    EXPECT_EQ(request.path, c.path);
    EXPECT_EQ(request.query, c.query);
  } else {
    ASSERT_TRUE(std::holds_alternative<ParseError>(parsed));
    EXPECT_EQ(std::get<ParseError>(parsed).status, c.status) << std::get<ParseError>(parsed).reason;
    EXPECT_FALSE(std::get<ParseError>(parsed).reason.empty());
  }
}

INSTANTIATE_TEST_SUITE_P(
    Heads, ParseRequestHead,
    testing::Values(
        HeadCase{"Simple", "GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n", 0, "GET", "/healthz"},
        HeadCase{"BareLineFeeds", "GET /livez HTTP/1.1\nHost: a\n\n", 0, "GET", "/livez"},
        HeadCase{"Query", "GET /metrics?x=1#f HTTP/1.1\r\nHost: a\r\n\r\n", 0, "GET", "/metrics", "x=1"},
        HeadCase{"Fragment", "GET /a#b?c HTTP/1.1\r\nHost: a\r\n\r\n", 0, "GET", "/a"},
        HeadCase{"AbsoluteForm", "GET http://node:10256/healthz HTTP/1.1\r\nHost: a\r\n\r\n", 0, "GET",
                 "/healthz"},
        HeadCase{"AbsoluteFormWithoutPath", "GET http://node:10256 HTTP/1.1\r\nHost: a\r\n\r\n", 0, "GET",
                 "/"},
        HeadCase{"Asterisk", "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n", 0, "OPTIONS", "*"},
        HeadCase{"Http10NeedsNoHost", "HEAD / HTTP/1.0\r\n\r\n", 0, "HEAD", "/"},
        HeadCase{"LeadingEmptyLinesIgnored", "\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", 0, "GET", "/"},
        HeadCase{"HeaderWithoutSpace", "GET / HTTP/1.1\r\nHost:a\r\n\r\n", 0, "GET", "/"},
        HeadCase{"ObsTextInValue", "GET / HTTP/1.1\r\nHost: a\r\nX: caf\xc3\xa9\r\n\r\n", 0, "GET", "/"},
        HeadCase{"MissingHost", "GET / HTTP/1.1\r\n\r\n", 400},
        HeadCase{"TwoHosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400},
        HeadCase{"NoVersion", "GET /\r\n\r\n", 400},
        HeadCase{"TwoSpaces", "GET  / HTTP/1.1\r\nHost: a\r\n\r\n", 400},
        HeadCase{"LowerCaseVersion", "GET / http/1.1\r\nHost: a\r\n\r\n", 400},
        HeadCase{"Http2", "GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505},
        HeadCase{"Http09", "GET / HTTP/0.9\r\n\r\n", 505},
        HeadCase{"RelativeTarget", "GET healthz HTTP/1.1\r\nHost: a\r\n\r\n", 400},
        HeadCase{"ControlInTarget", std::string("GET /a\x01 HTTP/1.1\r\nHost: a\r\n\r\n"), 400},
        HeadCase{"BadMethod", "G(T / HTTP/1.1\r\nHost: a\r\n\r\n", 400},
        HeadCase{"SpaceBeforeColon", "GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400},
        HeadCase{"NoColon", "GET / HTTP/1.1\r\nHost a\r\n\r\n", 400},
        HeadCase{"Folding", "GET / HTTP/1.1\r\nHost: a\r\n b\r\n\r\n", 400},
        HeadCase{"LoneCarriageReturn", "GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n", 400},
        HeadCase{"NulInValue", std::string("GET / HTTP/1.1\r\nHost: a\r\nX: ") + '\0' + "\r\n\r\n", 400},
        HeadCase{"TooManyHeaders",
                 "GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 1\r\nC: 1\r\nD: 1\r\nE: 1\r\nF: 1\r\nG: 1\r\nH: "
                 "1\r\n\r\n",
                 431}),
    [](const testing::TestParamInfo<HeadCase>& param) { return std::string(param.param.name); });

TEST(ParseRequestHead, LowerCasesNamesAndTrimsValues) {
  const auto parsed = parseRequestHead("GET / HTTP/1.1\r\nHOST: node\r\nX-Probe: \t on  \r\n\r\n", 8);
  const auto& request = std::get<HttpRequest>(parsed);
  EXPECT_EQ(request.header("host"), "node");
  EXPECT_EQ(request.header("x-probe"), "on");
  EXPECT_EQ(request.header("absent"), "");
  EXPECT_EQ(request.minorVersion, 1);
}

TEST(RequestReader, CompletesOnceTheEmptyLineArrivesByteByByte) {
  const std::string head = "GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n";
  RequestReader reader;
  for (std::size_t i = 0; i + 1 < head.size(); ++i) {
    ASSERT_EQ(reader.feed(head.substr(i, 1)), RequestReader::State::NeedMore) << i;
  }
  EXPECT_EQ(reader.feed(head.substr(head.size() - 1)), RequestReader::State::Complete);
  EXPECT_EQ(reader.request().path, "/healthz");
}

TEST(RequestReader, IgnoresABodyAfterTheHead) {
  RequestReader reader;
  EXPECT_EQ(reader.feed("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nbody"),
            RequestReader::State::Complete);
  EXPECT_EQ(reader.request().method, "POST");
  EXPECT_EQ(reader.feed("more"), RequestReader::State::Complete);
}

TEST(RequestReader, RefusesALongRequestLineWith414AndKeepsNoMoreThanTheLimit) {
  RequestReader reader(HeadLimits{.maxHeadBytes = 64, .maxHeaders = 8});
  const std::string line = "GET /" + std::string(1 << 20, 'a');
  EXPECT_EQ(reader.feed(line), RequestReader::State::Failed);
  EXPECT_EQ(reader.error().status, 414);
  EXPECT_EQ(reader.buffered(), 0U);
}

TEST(RequestReader, RefusesLongHeadersWith431) {
  RequestReader reader(HeadLimits{.maxHeadBytes = 64, .maxHeaders = 8});
  EXPECT_EQ(reader.feed("GET / HTTP/1.1\r\n"), RequestReader::State::NeedMore);
  for (int i = 0; i < 10 && reader.state() == RequestReader::State::NeedMore; ++i) {
    reader.feed("X-Long: aaaaaaaa\r\n");
  }
  EXPECT_EQ(reader.state(), RequestReader::State::Failed);
  EXPECT_EQ(reader.error().status, 431);
}

TEST(RequestReader, AcceptsAHeadOfExactlyTheLimit) {
  const std::string head = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
  RequestReader reader(HeadLimits{.maxHeadBytes = head.size(), .maxHeaders = 8});
  EXPECT_EQ(reader.feed(head), RequestReader::State::Complete);
  RequestReader shorter(HeadLimits{.maxHeadBytes = head.size() - 1, .maxHeaders = 8});
  EXPECT_EQ(shorter.feed(head), RequestReader::State::Failed);
}

TEST(RequestReader, ReportsTheParseErrorOfACompleteHead) {
  RequestReader reader;
  EXPECT_EQ(reader.feed("GET / HTTP/3.0\r\n\r\n"), RequestReader::State::Failed);
  EXPECT_EQ(reader.error().status, 505);
}

}  // namespace
}  // namespace kipvs::http
