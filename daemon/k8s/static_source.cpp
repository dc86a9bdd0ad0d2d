#include "k8s/static_source.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>

#include "core/log.hpp"
#include "k8s/json_reader.hpp"
#include "k8s/yaml_json.hpp"

namespace kipvs::k8s {
namespace {

constexpr int kDebounceMs = 200;  // editors write in several steps; read once they are done

bool isManifest(const std::filesystem::path& path) {
  const auto ext = path.extension();
  return ext == ".yaml" || ext == ".yml" || ext == ".json";
}

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
      if (key != "items" || reader.tryNull()) {
        reader.skip();
        continue;
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

void readFile(const std::filesystem::path& path, ManifestSet& set) {
  std::ifstream in(path);
  if (!in) {
    set.errors.push_back(path.string() + ": cannot read");
    return;
  }
  std::ostringstream text;
  text << in.rdbuf();
  readManifestText(text.str(), path.string(), path.extension() == ".json", set);
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

namespace {

std::vector<std::filesystem::path> manifestFiles(const std::filesystem::path& dir, ManifestSet& set) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.is_regular_file() && isManifest(entry.path()) &&
        entry.path().filename().string().front() != '.') {
      files.push_back(entry.path());
    }
  }
  if (ec) {
    set.errors.push_back(dir.string() + ": " + ec.message());
  }
  std::sort(files.begin(), files.end());
  return files;
}

template <typename T>
void append(std::vector<T>& to, const std::vector<T>& from) {
  to.insert(to.end(), from.begin(), from.end());
}

}  // namespace

ManifestSet readManifestDirectory(const std::filesystem::path& dir) {
  return ManifestCache{}.read(dir, {}, true);
}

ManifestSet ManifestCache::read(const std::filesystem::path& dir, const std::set<std::string>& changed,
                                bool all) {
  ManifestSet set;
  std::map<std::filesystem::path, File> next;
  lastParsed_ = 0;
  for (const auto& path : manifestFiles(dir, set)) {
    Signature signature;
    struct stat info {};
    if (::stat(path.c_str(), &info) == 0) {
      signature = {.inode = info.st_ino,
                   .size = info.st_size,
                   .mtimeNs = info.st_mtim.tv_sec * 1'000'000'000LL + info.st_mtim.tv_nsec};
    }
    auto cached = files_.find(path);
    if (!all && cached != files_.end() && signature.size >= 0 && cached->second.signature == signature &&
        !changed.contains(path.filename().string())) {
      next.emplace(path, std::move(cached->second));
      continue;
    }
    File file{.signature = signature, .objects = {}};
    readFile(path, file.objects);
    ++lastParsed_;
    next.emplace(path, std::move(file));
  }
  files_ = std::move(next);
  // Reserved exactly: growth slack of the lists of 400-byte objects was ~4.5 MiB of peak at 10k Services.
  std::size_t services = 0;
  std::size_t slices = 0;
  for (const auto& [path, file] : files_) {
    services += file.objects.services.items.size();
    slices += file.objects.slices.items.size();
  }
  set.services.items.reserve(services);
  set.slices.items.reserve(slices);
  for (const auto& [path, file] : files_) {  // lexical order, as the files were read
    append(set.services.items, file.objects.services.items);
    append(set.slices.items, file.objects.slices.items);
    append(set.errors, file.objects.errors);
  }
  return set;
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
  auto set = cache_.read(dir_, changed, all);
  log::debug("static source: " + std::to_string(set.services.items.size()) + " Services and " +
             std::to_string(set.slices.items.size()) + " EndpointSlices in " + dir_.string() + " (" +
             std::to_string(cache_.lastParsed()) + " files parsed)");
  for (const auto& error : set.errors) {
    log::warning("static source: " + error, {{"KIPVS_MANIFEST_ERROR", error}});
    post_(SourceEvent::failure(ResourceKind::Service, FailureReason::MalformedObject, error));
  }
  post_(SourceEvent::listed(ResourceKind::Service, std::move(set.services)));
  post_(SourceEvent::listed(ResourceKind::EndpointSlice, std::move(set.slices)));
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
