#include "http/message.hpp"

#include <gtest/gtest.h>

namespace kipvs::http {
namespace {

TEST(Serialize, WritesStatusHeadersLengthCloseAndBody) {
  HttpResponse response{.status = 503, .headers = {}, .body = "{}"};
  response.with("Content-Type", "application/json");
  EXPECT_EQ(serialize(response),
            "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
            "Connection: close\r\n\r\n{}");
}

TEST(Serialize, LeavesTheBodyOutForHeadButKeepsItsLength) {
  const HttpResponse response{.status = 200, .headers = {}, .body = "hello"};
  EXPECT_EQ(serialize(response, true), "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\n");
}

TEST(TextResponse, IsPlainTextThatBrowsersDoNotSniff) {
  const auto response = textResponse(404, "404 page not found");
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.body, "404 page not found\n");
  EXPECT_EQ(serialize(response).substr(0, 22), "HTTP/1.1 404 Not Found");
  EXPECT_NE(serialize(response).find("X-Content-Type-Options: nosniff\r\n"), std::string::npos);
}

TEST(ReasonPhrase, NamesTheStatusesTheServerSends) {
  EXPECT_EQ(reasonPhrase(414), "URI Too Long");
  EXPECT_EQ(reasonPhrase(431), "Request Header Fields Too Large");
  EXPECT_EQ(reasonPhrase(299), "");
}

}  // namespace
}  // namespace kipvs::http
