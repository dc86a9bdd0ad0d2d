#include "http/server.hpp"

#include <gtest/gtest.h>
#include <systemd/sd-event.h>

#include <memory>
#include <system_error>
#include <vector>

#include "loopback_client.hpp"

namespace kipvs::http {
namespace {

using testing::exchange;
using testing::get;
using testing::LoopbackClient;
using testing::runUntil;

const ListenAddress kLoopback = *ListenAddress::parse("127.0.0.1:0");

class HttpServerTest : public ::testing::Test {
 protected:
  HttpServerTest() { sd_event_new(&event_); }
  ~HttpServerTest() override {
    server_.reset();
    sd_event_unref(event_);
  }
  HttpServer& server(ServerLimits limits = {}) {
    server_ = std::make_unique<HttpServer>(event_, limits);
    return *server_;
  }
  static Router hello() {
    Router router;
    router.route("/hello", [](const HttpRequest& request) {
      return HttpResponse{
          .status = 200, .headers = {{"X-Method", request.method}}, .body = "hi " + request.query};
    });
    return router;
  }

  sd_event* event_ = nullptr;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(HttpServerTest, AnswersARoutedPathAndCloses) {
  auto& http = server();
  const auto port = http.port(http.listen(kLoopback, hello()));
  LoopbackClient client(port);
  exchange(event_, client, get("/hello?you"));
  EXPECT_EQ(client.status(), "HTTP/1.1 200 OK");
  EXPECT_EQ(client.header("X-Method"), "GET");
  EXPECT_EQ(client.header("Content-Length"), "6");
  EXPECT_EQ(client.header("Connection"), "close");
  EXPECT_EQ(client.body(), "hi you");
  runUntil(event_, [&] { return http.connections() == 0; });
  EXPECT_EQ(http.counters().answered, 1U);
}

TEST_F(HttpServerTest, Answers404ElsewhereAndOmitsTheBodyForHead) {
  auto& http = server();
  const auto port = http.port(http.listen(kLoopback, hello()));
  LoopbackClient missing(port);
  exchange(event_, missing, get("/other"));
  EXPECT_EQ(missing.status(), "HTTP/1.1 404 Not Found");
  LoopbackClient head(port);
  exchange(event_, head, "HEAD /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(head.status(), "HTTP/1.1 200 OK");
  EXPECT_EQ(head.header("Content-Length"), "3");
  EXPECT_EQ(head.body(), "");
}

TEST_F(HttpServerTest, AFallbackAnswersEveryPath) {
  auto& http = server();
  Router router;
  router.fallback([](const HttpRequest& request) { return textResponse(503, request.path); });
  const auto port = http.port(http.listen(kLoopback, router));
  for (const char* path : {"/", "/healthz", "/any/thing"}) {
    LoopbackClient client(port);
    exchange(event_, client, get(path));
    EXPECT_EQ(client.status(), "HTTP/1.1 503 Service Unavailable");
    EXPECT_EQ(client.body(), std::string(path) + "\n");
  }
}

TEST_F(HttpServerTest, RefusesAMalformedRequestWith400) {
  auto& http = server();
  const auto port = http.port(http.listen(kLoopback, hello()));
  LoopbackClient client(port);
  exchange(event_, client, "GARBAGE\r\n\r\n");
  EXPECT_EQ(client.status(), "HTTP/1.1 400 Bad Request");
  EXPECT_EQ(http.counters().malformed, 1U);
}

TEST_F(HttpServerTest, AnswersAMegabyteRequestLineWith414WithoutBufferingIt) {
  auto& http = server();
  const auto port = http.port(http.listen(kLoopback, hello()));
  LoopbackClient client(port);
  exchange(event_, client, "GET /" + std::string(1 << 20, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(client.status(), "HTTP/1.1 414 URI Too Long");
  runUntil(event_, [&] { return http.connections() == 0; });
}

TEST_F(HttpServerTest, AHandlerThatThrowsGets500AndTheServerGoesOn) {
  auto& http = server();
  Router router;
  router.route("/boom", [](const HttpRequest&) -> HttpResponse { throw std::runtime_error("boom"); });
  router.route("/ok", [](const HttpRequest&) { return textResponse(200, "ok"); });
  const auto port = http.port(http.listen(kLoopback, router));
  LoopbackClient boom(port);
  exchange(event_, boom, get("/boom"));
  EXPECT_EQ(boom.status(), "HTTP/1.1 500 Internal Server Error");
  LoopbackClient ok(port);
  exchange(event_, ok, get("/ok"));
  EXPECT_EQ(ok.status(), "HTTP/1.1 200 OK");
  EXPECT_EQ(http.counters().handlerErrors, 1U);
}

TEST_F(HttpServerTest, ASlowClientIsClosedAtItsDeadlineWhileOthersAreServed) {
  auto& http = server(ServerLimits{.readTimeout = std::chrono::milliseconds(300)});
  const auto port = http.port(http.listen(kLoopback, hello()));
  LoopbackClient slow(port);
  slow.send("GET /hello HT");
  runUntil(event_, [&] {
    slow.step();
    return http.connections() == 1;
  });
  LoopbackClient quick(port);
  exchange(event_, quick, get("/hello"));
  EXPECT_EQ(quick.status(), "HTTP/1.1 200 OK");
  EXPECT_FALSE(slow.closed());
  runUntil(event_, [&] { return slow.step(); });
  EXPECT_EQ(slow.received(), "");
  EXPECT_EQ(http.counters().timedOut, 1U);
}

TEST_F(HttpServerTest, ConnectionsOverTheBoundAreClosedAtOnceAndServedAgainLater) {
  auto& http = server(ServerLimits{.maxConnections = 2});
  const auto port = http.port(http.listen(kLoopback, hello()));
  auto idle1 = std::make_unique<LoopbackClient>(port);
  LoopbackClient idle2(port);
  runUntil(event_, [&] { return http.connections() == 2; });
  LoopbackClient over(port);
  exchange(event_, over, get("/hello"));
  EXPECT_EQ(over.received(), "");
  EXPECT_EQ(http.counters().refused, 1U);
  idle1.reset();
  runUntil(event_, [&] { return http.connections() == 1; });
  LoopbackClient later(port);
  exchange(event_, later, get("/hello"));
  EXPECT_EQ(later.status(), "HTTP/1.1 200 OK");
}

TEST_F(HttpServerTest, ClosingOneListenerLeavesTheOthersServing) {
  auto& http = server();
  const auto first = http.listen(kLoopback, hello());
  const auto second = http.listen(kLoopback, hello());
  const auto firstPort = http.port(first);
  const auto secondPort = http.port(second);
  http.close(first);
  EXPECT_EQ(http.port(first), 0);
  LoopbackClient refused(firstPort);
  EXPECT_FALSE(refused.connected());
  EXPECT_EQ(refused.connectErrno(), ECONNREFUSED);
  LoopbackClient served(secondPort);
  exchange(event_, served, get("/hello"));
  EXPECT_EQ(served.status(), "HTTP/1.1 200 OK");
}

TEST_F(HttpServerTest, AHandlerMayCloseItsOwnListener) {
  auto& http = server();
  HttpServer::ListenerId id = 0;
  Router router;
  router.route("/close", [&](const HttpRequest&) {
    http.close(id);
    return textResponse(200, "closed");
  });
  id = http.listen(kLoopback, router);
  const auto port = http.port(id);
  LoopbackClient client(port);
  exchange(event_, client, get("/close"));
  EXPECT_EQ(client.body(), "closed\n");
  LoopbackClient after(port);
  EXPECT_FALSE(after.connected());
}

TEST_F(HttpServerTest, ListeningOnATakenPortThrowsWithTheErrno) {
  auto& http = server();
  const auto port = http.port(http.listen(kLoopback, hello()));
  try {
    http.listen({kLoopback.ip, port}, hello());
    ADD_FAILURE() << "bound twice";
  } catch (const std::system_error& error) {
    EXPECT_EQ(error.code().value(), EADDRINUSE);
  }
}

}  // namespace
}  // namespace kipvs::http
