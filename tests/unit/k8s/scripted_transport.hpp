#pragma once

// A ResourceWatcher over a scripted HttpTransport and a virtual clock: every request takes the next
// scripted reply (status, body pieces, how it ends, how long it lasts); when the script runs out the
// watcher is stopped. Runs the real list/watch state machine in microseconds, no sockets, no waiting.

#include <chrono>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "k8s/http_transport.hpp"
#include "k8s/subscription.hpp"
#include "k8s/timing.hpp"
#include "k8s/watcher.hpp"

namespace kipvs::k8s::testing {

struct Reply {
  enum class End : std::uint8_t {
    Complete,  // the body was read to its end
    Cut,       // the connection dies after the pieces (TransportError)
    Refused,   // no connection at all (TransportError before any byte)
  };
  int status = 200;
  std::string contentType = "application/json";
  std::optional<int> retryAfter;
  std::vector<std::string> pieces;  // a 2xx body as it arrives, or the error body
  End end = End::Complete;
  std::chrono::milliseconds lasts{0};  // virtual time the request takes
};

class VirtualTiming final : public Timing {
 public:
  Clock::time_point now() override { return now_; }
  bool sleepFor(std::chrono::milliseconds duration) override {
    sleeps.push_back(duration);
    now_ += duration;
    return !interrupted_;
  }
  void interrupt() override { interrupted_ = true; }
  double random() override { return 0.5; }
  void advance(std::chrono::milliseconds duration) { now_ += duration; }

  std::vector<std::chrono::milliseconds> sleeps;

 private:
  Clock::time_point now_{std::chrono::hours(1)};
  bool interrupted_ = false;
};

class ScriptedTransport final : public HttpTransport {
 public:
  explicit ScriptedTransport(VirtualTiming& timing) : timing_(timing) {}

  HttpResponse get(const std::string& target, const RequestOptions& options, const OnBody& onBody) override {
    targets.push_back(target);
    requestOptions.push_back(options);
    if (aborted_ || script.empty()) {
      if (onExhausted) {
        onExhausted();
      }
      throw TransportError("script ended");
    }
    const Reply reply = std::move(script.front());
    script.pop_front();
    timing_.advance(reply.lasts);
    if (reply.end == Reply::End::Refused) {
      throw TransportError("connection refused");
    }
    HttpResponse response{.status = reply.status,
                          .contentType = reply.contentType,
                          .retryAfterSeconds = reply.retryAfter,
                          .body = {},
                          .complete = false};
    const bool success = reply.status >= 200 && reply.status < 300;
    for (const std::string& piece : reply.pieces) {
      if (!success) {
        response.body += piece;
      } else if (!onBody(piece)) {
        return response;  // the reader stopped early: not complete
      }
    }
    if (reply.end == Reply::End::Cut) {
      throw TransportError("connection reset by peer");
    }
    response.complete = true;
    return response;
  }
  void abort() override { aborted_ = true; }
  void credentialsRejected() override { ++credentialResets; }

  std::deque<Reply> script;
  std::vector<std::string> targets;
  std::vector<RequestOptions> requestOptions;
  int credentialResets = 0;
  std::function<void()> onExhausted;

 private:
  VirtualTiming& timing_;
  bool aborted_ = false;
};

// The query parameter `name` of a request target ("" when absent; values are not decoded).
inline std::string param(const std::string& target, const std::string& name) {
  const std::string key = name + "=";
  for (std::size_t at = target.find('?'); at != std::string::npos; at = target.find('&', at)) {
    ++at;
    if (target.compare(at, key.size(), key) == 0) {
      const std::size_t end = target.find('&', at);
      return target.substr(at + key.size(),
                           end == std::string::npos ? std::string::npos : end - at - key.size());
    }
  }
  return {};
}
inline bool isWatch(const std::string& target) {
  return param(target, "watch") == "true";
}

inline std::string serviceJson(const std::string& name, std::uint64_t rv, const std::string& labels = "") {
  return R"({"kind":"Service","apiVersion":"v1","metadata":{"name":")" + name +
         R"(","namespace":"shop","uid":"uid-)" + name + R"(","resourceVersion":")" + std::to_string(rv) +
         R"(","labels":{)" + labels +
         R"(}},"spec":{"type":"ClusterIP","clusterIP":"10.96.0.1","clusterIPs":["10.96.0.1"],"ports":[{"name":"http","protocol":"TCP","port":80,"targetPort":8080}]}})";
}
inline std::string event(const std::string& type, const std::string& object) {
  return R"({"type":")" + type + R"(","object":)" + object + "}\n";
}
inline std::string bookmark(std::uint64_t rv, bool initialEventsEnd = false) {
  return event("BOOKMARK",
               R"({"kind":"Service","apiVersion":"v1","metadata":{"resourceVersion":")" + std::to_string(rv) +
                   R"(")" +
                   (initialEventsEnd ? R"(,"annotations":{"k8s.io/initial-events-end":"true"})" : "") +
                   R"(},"spec":{}})");
}
inline std::string statusJson(int code, const std::string& reason, const std::string& message,
                              const std::string& details = "") {
  return R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":")" + message +
         R"(","reason":")" + reason + R"(")" + (details.empty() ? "" : R"(,"details":)" + details) +
         R"(,"code":)" + std::to_string(code) + "}";
}
inline std::string listJson(std::uint64_t rv, const std::vector<std::string>& items,
                            const std::string& continueToken = "") {
  std::string out =
      R"({"kind":"ServiceList","apiVersion":"v1","metadata":{"resourceVersion":")" + std::to_string(rv) +
      R"(")" + (continueToken.empty() ? "" : R"(,"continue":")" + continueToken + R"(")") + R"(},"items":[)";
  for (std::size_t i = 0; i < items.size(); ++i) {
    out += (i ? "," : "") + items[i];
  }
  return out + "]}";
}

// A 200 body in these pieces, ending as `end`.
inline Reply bodyReply(std::vector<std::string> pieces, Reply::End end = Reply::End::Complete,
                       const std::string& contentType = "application/json") {
  Reply reply;
  reply.pieces = std::move(pieces);
  reply.end = end;
  reply.contentType = contentType;
  return reply;
}
inline Reply refusedConnection() {
  return bodyReply({}, Reply::End::Refused);
}
inline Reply plainStatus(int code, int retryAfter,
                         const std::string& text) {  // as API Priority and Fairness sends
  Reply reply = bodyReply({text}, Reply::End::Complete, "text/plain");
  reply.status = code;
  reply.retryAfter = retryAfter;
  return reply;
}
inline Reply listReply(std::uint64_t rv, const std::vector<std::string>& items,
                       const std::string& continueToken = "") {
  return bodyReply({listJson(rv, items, continueToken)});
}
// A watch that ends cleanly at its timeoutSeconds (long enough not to count as "very short").
inline Reply watchReply(std::vector<std::string> events,
                        std::chrono::milliseconds lasts = std::chrono::minutes(5)) {
  Reply reply = bodyReply(std::move(events));
  reply.lasts = lasts;
  return reply;
}
inline Reply statusReply(int code, const std::string& reason, const std::string& message,
                         const std::string& details = "", std::optional<int> retryAfter = std::nullopt) {
  Reply reply = bodyReply({statusJson(code, reason, message, details)});
  reply.status = code;
  reply.retryAfter = retryAfter;
  return reply;
}

// One resource watcher running a script to its end on the test's thread.
struct ScriptedWatch {
  explicit ScriptedWatch(WatcherOptions options = fastOptions()) : options_(std::move(options)) {
    transport.onExhausted = [this] { watcher->stop(); };
  }
  static WatcherOptions fastOptions() {
    WatcherOptions options;
    options.pageSize = 2;
    return options;
  }
  void run(ResourceKind kind = ResourceKind::Service) {
    watcher = std::make_unique<ResourceWatcher>(transport, kind, options_, timing,
                                                [this](SourceEvent&& e) { posted.push_back(std::move(e)); });
    watcher->run();
  }
  std::vector<SourceEvent> ofType(SourceEvent::Type type) const {
    std::vector<SourceEvent> out;
    for (const SourceEvent& e : posted) {
      if (e.type == type) {
        out.push_back(e);
      }
    }
    return out;
  }
  std::size_t failures(FailureReason reason) const {
    std::size_t n = 0;
    for (const SourceEvent& e : posted) {
      n += e.type == SourceEvent::Type::Failure && e.reason == reason ? 1 : 0;
    }
    return n;
  }
  std::vector<std::string> watchesFrom() const {  // the resourceVersion of every plain watch
    std::vector<std::string> out;
    for (const std::string& t : transport.targets) {
      if (isWatch(t) && param(t, "sendInitialEvents").empty()) {
        out.push_back(param(t, "resourceVersion"));
      }
    }
    return out;
  }

  VirtualTiming timing;
  ScriptedTransport transport{timing};
  std::unique_ptr<ResourceWatcher> watcher;
  std::vector<SourceEvent> posted;

 private:
  WatcherOptions options_;
};

}  // namespace kipvs::k8s::testing
