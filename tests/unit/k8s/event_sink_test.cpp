#include "k8s/event_sink.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <stdexcept>
#include <vector>

namespace kipvs::k8s {
namespace {

struct Sent {
  std::string method;
  std::string target;
  std::string contentType;
  std::string body;
};

class RecordingTransport final : public EventTransport {
 public:
  int send(std::string_view method, const std::string& target, std::string_view contentType,
           const std::string& body) override {
    const std::lock_guard lock(mutex);
    sent.push_back({std::string(method), target, std::string(contentType), body});
    if (unreachable) {
      throw std::runtime_error("connection refused");
    }
    return status;
  }
  std::vector<Sent> all() {
    const std::lock_guard lock(mutex);
    return sent;
  }

  std::mutex mutex;
  std::vector<Sent> sent;
  int status = 201;
  bool unreachable = false;
};

EventNote portInUse(const std::string& service) {
  return {.regarding = {.kind = "Service", .ns = "shop", .name = service, .uid = "u1"},
          .warning = true,
          .reason = "HealthCheckPortInUse",
          .action = "Serving",
          .note = "port 30000 is in use"};
}

TEST(EventSink, PostsEachNewEventToTheRegardingObjectsNamespace) {
  RecordingTransport transport;
  EventSink sink(transport, "kipvsd-node-a");
  sink.record(portInUse("web"));
  sink.record(portInUse("web"));  // a repeat: folded into the series, not posted again
  sink.drain();
  const auto sent = transport.all();
  ASSERT_EQ(sent.size(), 1U);
  EXPECT_EQ(sent[0].method, "POST");
  EXPECT_EQ(sent[0].target, "/apis/events.k8s.io/v1/namespaces/shop/events");
  EXPECT_EQ(sent[0].contentType, "application/json");
  EXPECT_NE(sent[0].body.find(R"("reportingInstance":"kipvsd-node-a")"), std::string::npos);
  EXPECT_EQ(sink.counters().responses.at(201), 1U);
}

TEST(EventSink, PatchesTheSeriesOnceItIsDue) {
  RecordingTransport transport;
  std::atomic<std::int64_t> now{1'000'000'000'000'000};
  EventSink sink(transport, "i", {.seriesInterval = std::chrono::seconds(30)}, [&] { return now.load(); });
  sink.record(portInUse("web"));
  sink.drain();
  now += 31'000'000;
  sink.record(portInUse("web"));
  sink.drain();
  const auto sent = transport.all();
  ASSERT_EQ(sent.size(), 2U);
  EXPECT_EQ(sent[1].method, "PATCH");
  EXPECT_EQ(sent[1].contentType, "application/merge-patch+json");
  EXPECT_NE(sent[1].body.find(R"("count":2)"), std::string::npos);
}

TEST(EventSink, ARefusingOrUnreachableApiServerIsCountedAndNothingElse) {
  RecordingTransport transport;
  transport.status = 403;
  EventSink sink(transport, "i");
  sink.record(portInUse("a"));
  sink.drain();
  transport.unreachable = true;
  sink.record(portInUse("b"));
  sink.drain();
  const auto counters = sink.counters();
  EXPECT_EQ(counters.responses.at(403), 1U);
  EXPECT_EQ(counters.transportErrors, 1U);
  EXPECT_EQ(counters.queued, 2U);
}

TEST(EventSink, AFullQueueDropsAndCountsInsteadOfWaiting) {
  std::mutex gate;
  gate.lock();  // the transport blocks until released, like a hung API server
  struct BlockingTransport final : EventTransport {
    std::mutex& gate;
    explicit BlockingTransport(std::mutex& g) : gate(g) {}
    int send(std::string_view, const std::string&, std::string_view, const std::string&) override {
      const std::lock_guard lock(gate);
      return 201;
    }
  } blocking(gate);
  {
    EventSink sink(blocking, "i", {.burst = 1000});
    for (std::size_t i = 0; i < EventSink::kMaxQueued * 2 + 2; ++i) {
      sink.record(portInUse("svc-" + std::to_string(i)));  // returns at once although nothing is sent
    }
    EXPECT_GE(sink.counters().queueFull, EventSink::kMaxQueued - 1);
    gate.unlock();
  }
}

}  // namespace
}  // namespace kipvs::k8s
