#include "app/service_health_servers.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../http/loopback_client.hpp"
#include "app/event_loop.hpp"
#include "app/retrying_listener.hpp"

namespace kipvs::app {
namespace {

using http::testing::exchange;
using http::testing::get;
using http::testing::LoopbackClient;
using http::testing::runUntil;

const core::ObjectKey kWeb{"shop", "web"};
const std::vector<core::IpAddress> kLoopback{*core::IpAddress::parse("127.0.0.1")};

// A port nothing listens on right now.
std::uint16_t freePort() {
  const int fd = http::openListeningSocket(*http::ListenAddress::parse("127.0.0.1:0"), 1);
  const auto port = http::boundPort(fd);
  close(fd);
  return port;
}

class ServiceHealthServersTest : public testing::Test {
 protected:
  EventLoop loop_;
  http::HttpServer server_{loop_.raw()};
  bool healthy_ = true;
  ServiceHealthServers servers_{server_, loop_, [this] { return healthy_; }};

  std::unique_ptr<LoopbackClient> probe(std::uint16_t port, const std::string& path = "/") {
    auto client = std::make_unique<LoopbackClient>(port);
    if (client->connected()) {
      exchange(loop_.raw(), *client, get(path));
    }
    return client;
  }
};

TEST_F(ServiceHealthServersTest, AnswersOnEveryPathFromTheLocalEndpointCount) {
  const auto port = freePort();
  servers_.sync({{kWeb, port}}, {{kWeb, 1}}, kLoopback);
  for (const char* path : {"/", "/healthz", "/anything"}) {
    const auto client = probe(port, path);
    EXPECT_EQ(client->status(), "HTTP/1.1 200 OK") << path;
    EXPECT_EQ(client->header("Content-Type"), "application/json");
    EXPECT_EQ(client->header("X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(client->header("X-Load-Balancing-Endpoint-Weight"), "1");
    EXPECT_NE(client->body().find("\"localEndpoints\": 1"), std::string::npos);
  }
  servers_.sync({{kWeb, port}}, {}, kLoopback);
  const auto none = probe(port);
  EXPECT_EQ(none->status(), "HTTP/1.1 503 Service Unavailable");
  EXPECT_EQ(none->header("X-Load-Balancing-Endpoint-Weight"), "0");
}

TEST_F(ServiceHealthServersTest, AnUnhealthyProxyAnswers503WithLocalEndpoints) {
  const auto port = freePort();
  servers_.sync({{kWeb, port}}, {{kWeb, 2}}, kLoopback);
  healthy_ = false;
  const auto client = probe(port);
  EXPECT_EQ(client->status(), "HTTP/1.1 503 Service Unavailable");
  EXPECT_NE(client->body().find("\"serviceProxyHealthy\": false"), std::string::npos);
}

TEST_F(ServiceHealthServersTest, MovesAndClosesThePortWithoutTouchingOthers) {
  const auto first = freePort();
  const core::ObjectKey other{"shop", "other"};
  const auto otherPort = freePort();
  servers_.sync({{kWeb, first}, {other, otherPort}}, {{kWeb, 1}, {other, 1}}, kLoopback);
  LoopbackClient held(otherPort);  // a connection in flight on the other Service's port
  const auto moved = freePort();
  servers_.sync({{kWeb, moved}, {other, otherPort}}, {{kWeb, 1}, {other, 1}}, kLoopback);
  EXPECT_FALSE(probe(first)->connected());
  EXPECT_EQ(probe(moved)->status(), "HTTP/1.1 200 OK");
  exchange(loop_.raw(), held, get("/"));
  EXPECT_EQ(held.status(), "HTTP/1.1 200 OK");
  servers_.sync({{other, otherPort}}, {{other, 1}}, kLoopback);
  EXPECT_FALSE(probe(moved)->connected());
  EXPECT_EQ(probe(otherPort)->status(), "HTTP/1.1 200 OK");
  EXPECT_EQ(servers_.services(), 1U);
}

TEST_F(ServiceHealthServersTest, ATakenPortIsAProblemNotAFailure) {
  const int blocker = http::openListeningSocket(*http::ListenAddress::parse("127.0.0.1:0"), 1);
  const auto taken = http::boundPort(blocker);
  int told = 0;
  servers_.onProblemsChanged([&] { ++told; });
  const auto fine = freePort();
  const core::ObjectKey other{"shop", "other"};
  servers_.sync({{kWeb, taken}, {other, fine}}, {{kWeb, 1}, {other, 1}}, kLoopback);
  const auto problems = servers_.problems();
  ASSERT_EQ(problems.size(), 1U);
  EXPECT_NE(problems.at(kWeb).find("127.0.0.1:" + std::to_string(taken)), std::string::npos);
  EXPECT_GE(told, 1);
  EXPECT_EQ(probe(fine)->status(), "HTTP/1.1 200 OK");
  close(blocker);
}

TEST(RetryingListener, ListensOnceThePortIsFree) {
  EventLoop loop;
  http::HttpServer server(loop.raw());
  const int blocker = http::openListeningSocket(*http::ListenAddress::parse("127.0.0.1:0"), 1);
  const auto port = http::boundPort(blocker);
  int changes = 0;
  http::Router router;
  router.fallback([](const http::HttpRequest&) { return http::textResponse(200, "ok"); });
  RetryingListener listener(
      server, loop, {*core::IpAddress::parse("127.0.0.1"), port}, router, "test", [&] { ++changes; },
      std::chrono::milliseconds(50));
  EXPECT_FALSE(listener.listening());
  EXPECT_NE(listener.error().find("Address already in use"), std::string::npos);
  close(blocker);
  runUntil(loop.raw(), [&] { return listener.listening(); });
  EXPECT_EQ(listener.error(), "");
  EXPECT_EQ(changes, 2);  // failed, then bound
  LoopbackClient client(port);
  exchange(loop.raw(), client, get("/"));
  EXPECT_EQ(client.body(), "ok\n");
}

}  // namespace
}  // namespace kipvs::app
