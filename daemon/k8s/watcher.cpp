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
      backoff_(options_.backoff) {}

void ResourceWatcher::stop() {
  stopped_ = true;
  timing_.interrupt();
  transport_.abort();
}

std::string ResourceWatcher::resourceVersion() const {
  const std::lock_guard lock(rvMutex_);
  return rv_;
}

void ResourceWatcher::setResourceVersion(const std::string& rv) {
  if (rv.empty()) {
    return;
  }
  const std::lock_guard lock(rvMutex_);
  rv_ = rv;
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

void ResourceWatcher::fail(const Failure& failure) {
  ++stats_.failures;
  log::warning(std::string(toString(kind_)) + " watch: " + failure.detail,
               {{"KIPVS_RESOURCE", std::string(toString(kind_))},
                {"KIPVS_FAILURE", std::string(toString(failure.reason))}});
  post_(SourceEvent::failure(kind_, failure.reason, failure.detail));
}

ResourceWatcher::Failure ResourceWatcher::classify(const HttpResponse& response) {
  const Status status = decodeStatusBody(response.body, response.status);
  Failure f;
  f.retryAfter = response.retryAfterSeconds;
  if (!f.retryAfter && status.retryAfterSeconds > 0) {
    f.retryAfter = status.retryAfterSeconds;
  }
  f.detail = "HTTP " + std::to_string(response.status) + (status.reason.empty() ? "" : " " + status.reason) +
             (status.message.empty() ? "" : ": " + status.message);
  if (response.status == 410) {
    f.outcome = Outcome::Expired;
    f.reason = FailureReason::Expired;
  } else if (status.isTooLargeResourceVersion()) {
    f.outcome = Outcome::TooLarge;
    f.reason = FailureReason::ServerError;
  } else if (response.status == 429) {
    f.outcome = Outcome::Retry;
    f.reason = FailureReason::Throttled;
  } else if (response.status == 401 || response.status == 403) {
    f.outcome = Outcome::Relist;
    f.reason = FailureReason::Unauthorized;
    if (response.status == 401) {
      transport_.credentialsRejected();  // read a rotated token at once (client-go token_source.go)
    }
  } else if (response.status >= 500) {
    f.outcome = Outcome::Retry;
    f.reason = FailureReason::ServerError;
  } else {
    f.outcome = Outcome::Relist;
    f.reason = FailureReason::ServerError;
  }
  return f;
}

ResourceWatcher::Failure ResourceWatcher::listOnce(const std::string& rv, bool paginate) {
  ListResult all;
  std::string continueToken;
  std::string body;
  bool first = true;
  do {
    std::string target = query(false);
    if (paginate) {
      target += "limit=" + std::to_string(options_.pageSize) + "&";
    }
    // Continuation requests carry no resourceVersion (client-go tools/pager/pager.go).
    target += continueToken.empty() ? (rv.empty() ? "" : "resourceVersion=" + encode(rv))
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
      return {stopped_ ? Outcome::Stopped : Outcome::Retry, FailureReason::ConnectionFailure, e.what(), {}};
    }
    if (stopped_) {
      return {Outcome::Stopped, FailureReason::ConnectionFailure, "stopped", {}};
    }
    if (response.status != 200) {
      Failure f = classify(response);
      if (!continueToken.empty() && f.outcome == Outcome::Expired) {
        f.detail = "continue token expired: " + f.detail;  // never use the inconsistent new token
        f.duringPaging = true;
      }
      return f;
    }
    if (!response.complete) {
      return {Outcome::Retry, FailureReason::ConnectionFailure, "list response cut short", {}};
    }
    if (response.contentType.find("json") == std::string::npos) {
      return {Outcome::Relist,
              FailureReason::ProtocolError,
              "unexpected Content-Type " + response.contentType,
              {}};
    }
    try {
      ListResult page = decodeListEach(body, kind_, [&](ObjectResult&& item) {
        if (item.rejected) {
          all.rejected.push_back(std::move(*item.rejected));
        } else if (accepted(metaOf(*item.object))) {
          all.items.push_back(std::move(*item.object));
        }
      });
      if (first) {
        all.resourceVersion = page.resourceVersion;
        first = false;
      }
      continueToken = page.continueToken;
    } catch (const JsonError& e) {
      return {
          Outcome::Relist, FailureReason::ProtocolError, std::string("undecodable list: ") + e.what(), {}};
    }
    ++stats_.listPages;
  } while (!continueToken.empty());
  setResourceVersion(all.resourceVersion);
  relistRv_ = all.resourceVersion;  // later relists: not older than what we saw (watch edge case 19)
  ++stats_.lists;
  post_(SourceEvent::listed(kind_, std::move(all)));
  return {};
}

bool ResourceWatcher::list() {
  std::string rv = relistRv_;
  bool paginate = rv.empty() || rv == "0";
  for (int attempt = 0; attempt < 3 && !stopped_; ++attempt) {
    const Failure f = listOnce(rv, paginate);
    switch (f.outcome) {
      case Outcome::Clean:
        return true;
      case Outcome::Stopped:
        return false;
      case Outcome::Expired:
        // Too old an RV (watch edge case 15): restart at once, consistent. An expired continue token (watch
        // edge cases 16, 48): restart from scratch as one unpaginated list, as client-go's pager does.
        fail(f);
        ++stats_.expired;
        paginate = paginate && !f.duringPaging;
        rv = relistRv_ = "";
        continue;
      case Outcome::TooLarge:
        fail(f);
        if (!wait(std::chrono::seconds(f.retryAfter.value_or(1)))) {
          return false;
        }
        rv = relistRv_ = "";
        continue;
      default: {
        fail(f);
        const auto backoff = backoff_.next(timing_.now(), timing_.random());
        const auto retryAfter = std::chrono::milliseconds(std::chrono::seconds(f.retryAfter.value_or(0)));
        wait(std::max(backoff, retryAfter));
        return false;
      }
    }
  }
  if (!stopped_) {
    wait(backoff_.next(timing_.now(), timing_.random()));
  }
  return false;
}

void ResourceWatcher::run() {
  bool needList = true;
  int rewatchFailures = 0;
  while (!stopped_) {
    if (needList) {
      if (options_.watchList && watchListSupported_) {
        const Failure f = watch(true);
        if (f.outcome == Outcome::Stopped) {
          break;
        }
        if (f.outcome == Outcome::Clean) {
          needList = false;
          continue;
        }
        if (f.outcome != Outcome::NoWatchList) {
          fail(f);
        }
        // watch edge case 21: any watch-list failure falls back to a normal LIST (422 / RequestWatchProgress:
        // for good).
        watchListSupported_ = f.outcome != Outcome::NoWatchList;
        ++stats_.watchListFallbacks;
      }
      if (!list()) {
        continue;
      }
      needList = false;
      rewatchFailures = 0;
    }
    const Failure f = watch(false);
    const auto backoff = [&] { return backoff_.next(timing_.now(), timing_.random()); };
    switch (f.outcome) {
      case Outcome::Clean:
        rewatchFailures = 0;
        break;  // watch edge case 12: re-watch at once from the last RV
      case Outcome::Stopped:
        return;
      case Outcome::Expired:
        ++stats_.expired;
        fail(f);
        relistRv_ = "";
        needList = true;
        wait(backoff());
        break;
      case Outcome::TooLarge:
        fail(f);
        relistRv_ = "";
        needList = true;
        wait(std::chrono::seconds(f.retryAfter.value_or(1)));
        break;
      case Outcome::Retry:
        fail(f);
        wait(std::max(backoff(), std::chrono::milliseconds(std::chrono::seconds(f.retryAfter.value_or(0)))));
        if (++rewatchFailures > options_.maxRewatchFailures) {
          needList = true;  // re-watch keeps failing: escalate to a relist
          relistRv_ = resourceVersion();
          rewatchFailures = 0;
        }
        break;
      case Outcome::VeryShort:
      case Outcome::Relist:
      case Outcome::NoWatchList:
        fail(f);
        needList = true;
        relistRv_ = resourceVersion();  // not "0": never roll back to older state (watch edge case 19)
        wait(backoff());
        break;
    }
  }
}

}  // namespace kipvs::k8s
