#include "k8s/static_source.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <array>
#include <cstring>
#include <system_error>

#include "core/log.hpp"
#include "k8s/json_reader.hpp"
#include "k8s/yaml_json.hpp"

namespace kipvs::k8s {
namespace {

constexpr int kDebounceMs = 200;  // editors write in several steps; read once they are done

void defaultNamespace(core::ObjectMeta& meta) {
  if (meta.ns.empty()) {
    meta.ns = "default";
  }
}

void collect(ObjectResult&& result, const std::string& where, ManifestSet& set) {
  if (result.rejected) {
    set.errors.push_back(where + ": " + result.rejected->describe());
    return;
  }
  if (auto* service = std::get_if<core::Service>(&*result.object)) {
    defaultNamespace(service->meta);
    service->staticSource = true;
    set.services.items.emplace_back(std::move(*service));
  } else if (auto* slice = std::get_if<core::EndpointSlice>(&*result.object)) {
    defaultNamespace(slice->meta);
    set.slices.items.emplace_back(std::move(*slice));
  }
}

// One JSON document: an object, or a List whose items are objects.
void readDocument(std::string_view json, const std::string& where, ManifestSet& set) {
  JsonReader probe(json);
  std::string kind;
  probe.beginObject();
  std::string_view key;
  while (probe.nextKey(key)) {
    if (key == "kind" && probe.peek() == JsonType::String) {
      kind = probe.readString();
    } else {
      probe.skip();
    }
  }
  if (kind.ends_with("List")) {
    JsonReader reader(json);
    reader.beginObject();
    while (reader.nextKey(key)) {
      if (key != "items") {
        reader.skip();
        continue;
      }
      if (reader.tryNull()) {
        continue;  // consumed: "items": null
      }
      reader.beginArray();
      for (int index = 0; reader.nextElement(); ++index) {
        if (auto result = decodeAnyObject(reader)) {
          collect(std::move(*result), where + " items[" + std::to_string(index) + "]", set);
        }
      }
    }
    return;
  }
  JsonReader reader(json);
  if (auto result = decodeAnyObject(reader)) {
    collect(std::move(*result), where, set);
  }
}

}  // namespace

void readManifestText(std::string_view text, const std::string& where, bool json, ManifestSet& set) {
  try {
    if (json) {
      readDocument(text, where, set);
      return;
    }
    const auto documents = yamlDocumentsToJson(text);
    for (std::size_t i = 0; i < documents.size(); ++i) {
      readDocument(documents[i], where + " document " + std::to_string(i + 1), set);
    }
  } catch (const std::exception& error) {
    set.errors.push_back(where + ": " + error.what());
  }
}

StaticSource::StaticSource(std::filesystem::path dir, Post post)
    : dir_(std::move(dir)), post_(std::move(post)) {}

StaticSource::~StaticSource() {
  stop();
}

void StaticSource::start() {
  inotifyFd_ = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
  stopFd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (inotifyFd_ < 0 || stopFd_ < 0) {
    throw std::system_error(errno, std::generic_category(), "watch " + dir_.string());
  }
  constexpr auto kEvents = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_CREATE | IN_ATTRIB;
  if (inotify_add_watch(inotifyFd_, dir_.c_str(), kEvents) < 0) {
    log::warning("static source: cannot watch " + dir_.string() + ": " + std::strerror(errno) +
                 "; changes need SIGHUP");
  }
  rescan();
  thread_ = std::thread([this] { watch(); });
}

void StaticSource::stop() {
  if (thread_.joinable()) {
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto written = write(stopFd_, &one, sizeof one);
    thread_.join();
  }
  for (int* fd : {&inotifyFd_, &stopFd_}) {
    if (*fd >= 0) {
      close(*fd);
      *fd = -1;
    }
  }
}

void StaticSource::rescan() {
  post({}, true);
}

void StaticSource::post(const std::set<std::string>& changed, bool all) {
  const std::lock_guard lock(mutex_);
  auto changes = cache_.read(dir_, changed, all);
  auto& set = changes.upserted;
  log::debug("static source: " + std::to_string(cache_.lastParsed()) + " files parsed in " + dir_.string() +
             ": " + std::to_string(set.services.items.size()) + " Services and " +
             std::to_string(set.slices.items.size()) + " EndpointSlices to apply, " +
             std::to_string(changes.deleted.size()) + " objects gone");
  for (const auto& error : set.errors) {
    log::warning("static source: " + error, {{"KIPVS_MANIFEST_ERROR", error}});
    post_(SourceEvent::failure(ResourceKind::Service, FailureReason::MalformedObject, error));
  }
  if (!listed_) {
    listed_ = true;
    post_(SourceEvent::listed(ResourceKind::Service, std::move(set.services)));
    post_(SourceEvent::listed(ResourceKind::EndpointSlice, std::move(set.slices)));
    return;
  }
  const auto event = [](EventType type, Object object) {
    WatchEvent out;
    out.type = type;
    out.object = std::move(object);
    return out;
  };
  for (auto* list : {&set.services, &set.slices}) {
    const auto kind = list == &set.services ? ResourceKind::Service : ResourceKind::EndpointSlice;
    for (auto& item : list->items) {
      post_(SourceEvent::watch(kind, event(EventType::Modified, std::move(item))));
    }
  }
  for (const auto& gone : changes.deleted) {
    post_(SourceEvent::watch(gone.kind, event(EventType::Deleted, deletionOf(gone))));
  }
}

void StaticSource::watch() {
  std::array<pollfd, 2> fds{pollfd{inotifyFd_, POLLIN, 0}, pollfd{stopFd_, POLLIN, 0}};
  bool dirty = false;
  bool all = false;  // the kernel dropped events: names are incomplete
  std::set<std::string> changed;
  while (true) {
    const int ready = poll(fds.data(), fds.size(), dirty ? kDebounceMs : -1);
    if (ready < 0 && errno != EINTR) {
      log::error(std::string("static source: poll: ") + std::strerror(errno));
      return;
    }
    if ((fds[1].revents & POLLIN) != 0) {
      return;
    }
    if ((fds[0].revents & POLLIN) != 0) {
      alignas(inotify_event) std::array<char, 4096> buffer{};
      for (ssize_t length = 0; (length = read(inotifyFd_, buffer.data(), buffer.size())) > 0;) {
        for (ssize_t at = 0; at < length;) {
          inotify_event header{};
          std::memcpy(&header, buffer.data() + at, sizeof header);
          all |= (header.mask & IN_Q_OVERFLOW) != 0;
          if (header.len > 0) {
            changed.emplace(buffer.data() + at + sizeof header);  // NUL-terminated (padded) name
          }
          at += static_cast<ssize_t>(sizeof header + header.len);
        }
      }
      dirty = true;
      continue;
    }
    if (ready == 0 && dirty) {
      post(changed, all);
      dirty = all = false;
      changed.clear();
    }
  }
}

}  // namespace kipvs::k8s
