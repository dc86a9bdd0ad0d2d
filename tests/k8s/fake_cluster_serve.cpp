// FakeCluster's LIST and WATCH handlers.

#include <Poco/DeflatingStream.h>

#include <chrono>
#include <sstream>

#include "fake_cluster.hpp"

namespace kipvs::k8s::testing {

namespace {

// List items carry no kind/apiVersion, as in real list responses (watch edge case 10).
std::string asListItem(const std::string& json) {
  return "{" + json.substr(json.find("\"metadata\""));
}

bool fieldMatches(const std::string& json, const std::string& fieldSelector) {
  const std::string prefix = "metadata.name=";
  if (fieldSelector.rfind(prefix, 0) != 0) {
    return true;
  }
  return metaOfJson(json).name == fieldSelector.substr(prefix.size());
}

std::string gzip(const std::string& body) {
  std::ostringstream out;
  Poco::DeflatingOutputStream deflater(out, Poco::DeflatingStreamBuf::STREAM_GZIP);
  deflater << body;
  deflater.close();
  return out.str();
}

}  // namespace

void FakeCluster::list(ResourceKind kind, const FakeRequest& request, Responder& out) {
  const std::string selector = request.param("labelSelector");
  const std::string field = request.param("fieldSelector");
  const std::string limitText = request.param("limit");
  const std::size_t limit = limitText.empty() ? 0 : std::stoul(limitText);
  const std::string token = request.param("continue");
  std::string listRv;
  std::vector<std::string> items;
  {
    const std::lock_guard lock(mutex_);
    if (!token.empty()) {
      const auto it = snapshots_.find(token);
      if (expireContinues > 0 || it == snapshots_.end()) {
        if (expireContinues > 0) {
          --expireContinues;
        }
        // With etcd compaction the 410 carries a new, inconsistent continue token (watch edge case 16).
        out.respond(410, statusJson(410, "Expired",
                                    "The provided continue parameter is too old to display a "
                                    "consistent list result.",
                                    R"("continue":"inconsistent-token")"));
        return;
      }
      listRv = it->second.first;
      items = it->second.second;
      snapshots_.erase(it);
    } else {
      listRv = std::to_string(rv_);
      for (const auto& [key, stored] : objects_[kind]) {
        if (selected(stored.labels, selector) && fieldMatches(stored.json, field)) {
          items.push_back(asListItem(render(stored.json, stored.rv)));
        }
      }
    }
    std::string next;
    if (limit > 0 && items.size() > limit) {
      next = "token-" + std::to_string(nextToken_++);
      snapshots_[next] = {
          listRv, std::vector<std::string>(items.begin() + static_cast<std::ptrdiff_t>(limit), items.end())};
      items.resize(limit);
    }
    std::string body = R"({"kind":")" + std::string(toString(kind)) +
                       R"(List","apiVersion":"v1","metadata":{"resourceVersion":")" + listRv + "\"" +
                       (next.empty() ? "" : R"(,"continue":")" + next + "\"") + R"(},"items":[)";
    for (std::size_t i = 0; i < items.size(); ++i) {
      body += (i ? "," : "") + items[i];
    }
    body += "]}";
    items.clear();
    if (gzipLists && request.header("accept-encoding").find("gzip") != std::string::npos) {
      out.respond(200, gzip(body), "application/json", {{"Content-Encoding", "gzip"}});
      return;
    }
    out.respond(200, body);
  }
}

void FakeCluster::watch(ResourceKind kind, const FakeRequest& request, Responder& out) {
  const std::string selector = request.param("labelSelector");
  const std::string field = request.param("fieldSelector");
  const std::string rvParam = request.param("resourceVersion");
  const bool initialEvents = request.param("sendInitialEvents") == "true";
  const bool wantBookmarks = request.param("allowWatchBookmarks") == "true";
  int seconds = request.param("timeoutSeconds").empty() ? 5 : std::stoi(request.param("timeoutSeconds"));
  if (watchSeconds > 0) {
    seconds = std::min(seconds, watchSeconds.load());
  }
  if (initialEvents && !watchListEnabled) {
    out.respond(
        422,
        statusJson(422, "Invalid",
                   "sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled"));
    return;
  }
  std::uint64_t from = 0;
  std::string initial;
  {
    const std::lock_guard lock(mutex_);
    if (initialEvents || rvParam.empty() || rvParam == "0") {
      for (const auto& [key, stored] : objects_[kind]) {
        if (selected(stored.labels, selector) && fieldMatches(stored.json, field)) {
          initial += eventJson("ADDED", render(stored.json, stored.rv));
        }
      }
      from = rv_;
      if (initialEvents && wantBookmarks) {
        initial += bookmarkJson(kind, rv_, true);
      }
    } else {
      from = std::stoull(rvParam);
      if (from < compactedBefore_) {
        out.beginChunked();
        out.chunk(eventJson("ERROR", statusJson(410, "Expired",
                                                "too old resource version: " + rvParam + " (" +
                                                    std::to_string(compactedBefore_) + ")")));
        out.endChunked();
        return;
      }
    }
  }
  out.beginChunked();
  out.chunk(initial);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (true) {
    std::string batch;
    {
      const std::lock_guard lock(mutex_);
      for (const Entry& entry : log_) {
        if (entry.rv <= from || entry.kind != kind || !fieldMatches(entry.json, field)) {
          continue;
        }
        from = entry.rv;
        const bool now = entry.type != "DELETED" && selected(entry.labels, selector);
        const bool before = entry.hadPrevious && selected(entry.previous, selector);
        std::string type = entry.type;
        if (entry.type == "DELETED") {
          if (!before) {
            continue;
          }
        } else if (now && !before) {
          type = "ADDED";  // entered the selection (watch edge case 25)
        } else if (!now && before) {
          type = "DELETED";  // left it: previous content, new RV
        } else if (!now) {
          continue;
        }
        batch += eventJson(type, render(entry.json, entry.rv));
      }
    }
    out.chunk(batch);
    if (std::chrono::steady_clock::now() >= deadline) {
      break;
    }
    if (!out.pause(std::chrono::milliseconds(20))) {
      return;  // server stopping: the connection is cut, no terminating chunk
    }
  }
  if (bookmarks && wantBookmarks) {
    out.chunk(bookmarkJson(kind, resourceVersion(), false));
  }
  out.endChunked();
}

}  // namespace kipvs::k8s::testing
