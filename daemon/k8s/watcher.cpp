#include "k8s/watcher.hpp"

#include "core/log.hpp"

namespace kipvs::k8s {

namespace {

constexpr std::string_view kProxyNameLabel = "service.kubernetes.io/service-proxy-name";

std::string encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~') {
      out.push_back(c);
    } else {
      out += {'%', kHex[u >> 4], kHex[u & 15]};
    }
  }
  return out;
}

}  // namespace

std::string proxyLabelSelector(const std::string& proxyName) {
  return proxyName.empty() ? "!service.kubernetes.io/headless,!service.kubernetes.io/service-proxy-name"
                           : "!service.kubernetes.io/headless";
}

bool acceptsProxyName(const core::ObjectMeta& meta, const std::string& proxyName) {
  const auto it = meta.labels.find(std::string(kProxyNameLabel));
  return it == meta.labels.end() || it->second == proxyName;
}

std::string_view collectionPath(ResourceKind kind) {
  switch (kind) {
    case ResourceKind::Service:
      return "/api/v1/services";
    case ResourceKind::EndpointSlice:
      return "/apis/discovery.k8s.io/v1/endpointslices";
    case ResourceKind::Node:
      break;
  }
  return "/api/v1/nodes";
}

ResourceWatcher::ResourceWatcher(HttpTransport& transport, ResourceKind kind, WatcherOptions options,
                                 Timing& timing, Post post)
    : transport_(transport),
      kind_(kind),
      options_(std::move(options)),
      timing_(timing),
      post_(std::move(post)),
      plan_(options_.watchList, options_.maxRewatchFailures, options_.backoff) {}

void ResourceWatcher::stop() {
  stopped_ = true;
  timing_.interrupt();
  transport_.abort();
}

void ResourceWatcher::run() {
  while (!stopped_) {
    const ListWatchPlan::Step step = plan_.next();
    const RequestEnd end = step.request == Request::List ? list(step) : watch(step);
    if (stopped_) {
      return;
    }
    report(end);
    const auto pause = plan_.record(end.as, end.outcome, end.retryAfter, timing_);
    if (pause > std::chrono::milliseconds(0) && !wait(pause)) {
      return;
    }
  }
}

std::string ResourceWatcher::query(bool watch) const {
  std::string q = "?";
  if (!options_.labelSelector.empty()) {
    q += "labelSelector=" + encode(options_.labelSelector) + "&";
  }
  if (!options_.fieldSelector.empty()) {
    q += "fieldSelector=" + encode(options_.fieldSelector) + "&";
  }
  if (watch) {
    q += "watch=true&allowWatchBookmarks=true&";
  }
  return std::string(collectionPath(kind_)) + q;
}

bool ResourceWatcher::wait(std::chrono::milliseconds duration) {
  lastWait_ = duration;
  return timing_.sleepFor(duration) && !stopped_;
}

void ResourceWatcher::report(const RequestEnd& end) {
  if (end.outcome == Outcome::Ok) {
    return;
  }
  if (end.as == Request::WatchList) {
    ++stats_.watchListFallbacks;
  }
  if (end.outcome == Outcome::Expired || end.outcome == Outcome::ContinueExpired) {
    ++stats_.expired;
  }
  if (end.as == Request::WatchList && end.outcome == Outcome::WatchListUnsupported) {
    return;  // expected from servers with the WatchList gate off: not a failure
  }
  ++stats_.failures;
  log::warning(std::string(toString(kind_)) + " watch: " + end.detail,
               {{"KIPVS_RESOURCE", std::string(toString(kind_))},
                {"KIPVS_FAILURE", std::string(toString(end.reason))}});
  post_(SourceEvent::failure(kind_, end.reason, end.detail));
}

RequestEnd ResourceWatcher::classify(const HttpResponse& response) {
  const Status status = decodeStatusBody(response.body, response.status);
  RequestEnd end;
  end.retryAfter = response.retryAfterSeconds;
  if (!end.retryAfter && status.retryAfterSeconds > 0) {
    end.retryAfter = status.retryAfterSeconds;
  }
  end.detail = "HTTP " + std::to_string(response.status) +
               (status.reason.empty() ? "" : " " + status.reason) +
               (status.message.empty() ? "" : ": " + status.message);
  end.reason = FailureReason::ServerError;
  if (response.status == 410) {
    end.outcome = Outcome::Expired;
    end.reason = FailureReason::Expired;
  } else if (status.isTooLargeResourceVersion()) {
    end.outcome = Outcome::TooLarge;
  } else if (response.status == 429) {
    end.outcome = Outcome::Throttled;
    end.reason = FailureReason::Throttled;
  } else if (response.status == 401 || response.status == 403) {
    end.outcome = Outcome::Refused;
    end.reason = FailureReason::Unauthorized;
    if (response.status == 401) {
      transport_.credentialsRejected();  // read a rotated token at once (client-go token_source.go)
    }
  } else if (response.status >= 500) {
    end.outcome = Outcome::ServerError;
  } else {
    end.outcome = Outcome::Refused;
  }
  return end;
}

RequestEnd ResourceWatcher::list(const ListWatchPlan::Step& step) {
  const auto failed = [](Outcome outcome, FailureReason reason, std::string detail) {
    return RequestEnd{.outcome = outcome,
                      .reason = reason,
                      .detail = std::move(detail),
                      .retryAfter = {},
                      .as = Request::List};
  };
  ListResult all;
  std::string continueToken;
  std::string body;
  bool first = true;
  do {
    std::string target = query(false);
    if (step.paginate) {
      target += "limit=" + std::to_string(options_.pageSize) + "&";
    }
    // Continuation requests carry no resourceVersion (client-go tools/pager/pager.go).
    target += continueToken.empty()
                  ? (step.resourceVersion.empty() ? "" : "resourceVersion=" + encode(step.resourceVersion))
                  : "continue=" + encode(continueToken);
    body.clear();
    HttpResponse response;
    try {
      RequestOptions request;
      request.idleTimeout = options_.listIdleTimeout;
      response = transport_.get(target, request, [&](std::string_view bytes) {
        body.append(bytes);
        return !stopped_.load();
      });
    } catch (const TransportError& e) {
      return failed(Outcome::TransportError, FailureReason::ConnectionFailure, e.what());
    }
    if (stopped_) {
      return {};
    }
    if (response.status != 200) {
      RequestEnd end = classify(response);
      if (!continueToken.empty() && end.outcome == Outcome::Expired) {
        end.outcome = Outcome::ContinueExpired;  // never use the inconsistent new token it may carry
        end.detail = "continue token expired: " + end.detail;
      }
      return end;
    }
    if (!response.complete) {
      return failed(Outcome::TransportError, FailureReason::ConnectionFailure, "list response cut short");
    }
    if (response.contentType.find("json") == std::string::npos) {
      return failed(Outcome::BadResponse, FailureReason::ProtocolError,
                    "unexpected Content-Type " + response.contentType);
    }
    try {
      ListResult page = decodeListEach(body, kind_, [&](ObjectResult&& item) {
        if (item.rejected) {
          all.rejected.push_back(std::move(*item.rejected));
        } else if (!options_.accept || options_.accept(metaOf(*item.object))) {
          all.items.push_back(std::move(*item.object));
        }
      });
      if (first) {
        all.resourceVersion = page.resourceVersion;
        first = false;
      }
      continueToken = page.continueToken;
    } catch (const JsonError& e) {
      return failed(Outcome::BadResponse, FailureReason::ProtocolError,
                    std::string("undecodable list: ") + e.what());
    }
    ++stats_.listPages;
  } while (!continueToken.empty());
  plan_.listed(all.resourceVersion);
  ++stats_.lists;
  post_(SourceEvent::listed(kind_, std::move(all)));
  return {};
}

RequestEnd ResourceWatcher::watch(const ListWatchPlan::Step& step) {
  const bool initialEvents = step.request == Request::WatchList;
  const auto minTimeout = options_.minWatchTimeout.count();
  const auto timeoutSeconds = std::max<std::int64_t>(
      1, minTimeout + static_cast<std::int64_t>(static_cast<double>(minTimeout) * timing_.random()));
  std::string target = query(true) + "timeoutSeconds=" + std::to_string(timeoutSeconds) + "&";
  if (initialEvents) {
    target += "sendInitialEvents=true&resourceVersionMatch=NotOlderThan&";
  }
  target += "resourceVersion=" + step.resourceVersion;
  ++stats_.watches;

  WatchStream stream({kind_, options_.accept, plan_, stats_, post_}, initialEvents);
  const auto start = timing_.now();
  HttpResponse response;
  try {
    RequestOptions request;
    request.idleTimeout = std::chrono::seconds(timeoutSeconds) + options_.idleMargin;
    request.acceptGzip = false;
    response = transport_.get(target, request,
                              [&](std::string_view bytes) { return stream.feed(bytes) && !stopped_; });
  } catch (const TransportError& e) {
    return stream.cut(e.what());
  }
  if (stopped_) {
    return {};
  }
  if (response.status != 200) {
    RequestEnd end = classify(response);
    if (initialEvents && (response.status == 422 || response.status == 400)) {
      end.outcome = Outcome::WatchListUnsupported;  // the WatchList gate is off
    }
    end.as = step.request;
    return end;
  }
  if (response.contentType.find("json") == std::string::npos) {
    return {.outcome = Outcome::BadResponse,
            .reason = FailureReason::ProtocolError,
            .detail = "unexpected Content-Type " + response.contentType,
            .retryAfter = {},
            .as = stream.as()};
  }
  return stream.finish(timing_.now() - start < options_.veryShortWatch);
}

}  // namespace kipvs::k8s
