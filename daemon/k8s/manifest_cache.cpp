#include "k8s/manifest_cache.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <iterator>
#include <optional>
#include <sstream>
#include <system_error>

namespace kipvs::k8s {
namespace {

bool isManifest(const std::filesystem::path& path) {
  const auto ext = path.extension();
  return ext == ".yaml" || ext == ".yml" || ext == ".json";
}

std::vector<std::filesystem::path> manifestFiles(const std::filesystem::path& dir,
                                                 std::vector<std::string>& errors) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.is_regular_file() && isManifest(entry.path()) &&
        entry.path().filename().string().front() != '.') {
      files.push_back(entry.path());
    }
  }
  if (ec) {
    errors.push_back(dir.string() + ": " + ec.message());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::optional<std::string> readText(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) {
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return std::move(text).str();
}

ManifestSet parse(const std::filesystem::path& path, const std::optional<std::string>& text) {
  ManifestSet set;
  if (!text) {
    set.errors.push_back(path.string() + ": cannot read");
  } else {
    readManifestText(*text, path.string(), path.extension() == ".json", set);
  }
  return set;
}

ResourceKind kindOf(const Object& object) {
  return std::holds_alternative<core::Service>(object)         ? ResourceKind::Service
         : std::holds_alternative<core::EndpointSlice>(object) ? ResourceKind::EndpointSlice
                                                               : ResourceKind::Node;
}

ManifestObject identityOf(const Object& object) {
  return {.kind = kindOf(object), .key = metaOf(object).key()};
}

std::uint64_t hashOf(const ManifestObject& object) {
  const std::hash<std::string> text;
  std::uint64_t h = text(object.key.ns);
  h = h * 1'000'003U ^ text(object.key.name);
  return h * 31U + static_cast<std::uint64_t>(object.kind);
}

std::vector<ManifestObject> sortedUnique(std::vector<ManifestObject> objects) {
  std::sort(objects.begin(), objects.end());
  objects.erase(std::unique(objects.begin(), objects.end()), objects.end());
  return objects;
}

ListResult& listOf(ManifestSet& set, ResourceKind kind) {
  return kind == ResourceKind::Service ? set.services : set.slices;
}

}  // namespace

Object deletionOf(const ManifestObject& object) {
  core::ObjectMeta meta;
  meta.ns = object.key.ns;
  meta.name = object.key.name;
  if (object.kind == ResourceKind::Service) {
    core::Service service;
    service.meta = std::move(meta);
    return service;
  }
  core::EndpointSlice slice;
  slice.meta = std::move(meta);
  return slice;
}

ManifestSet readManifestDirectory(const std::filesystem::path& dir) {
  return ManifestCache{}.read(dir, {}, true).upserted;
}

void ManifestCache::count(const ManifestObject& object, int delta) {
  const auto h = hashOf(object);
  auto& n = definers_[h];
  n = static_cast<std::uint32_t>(static_cast<int>(n) + delta);
  if (n == 0) {
    definers_.erase(h);
  }
}

bool ManifestCache::definedByOthers(const ManifestObject& object) const {
  return definers_.contains(hashOf(object));
}

ManifestCache::Files::const_iterator ManifestCache::lastDefiner(const ManifestObject& object) const {
  for (auto it = files_.rbegin(); it != files_.rend(); ++it) {
    const auto& objects = it->second.objects;
    if (std::binary_search(objects.begin(), objects.end(), object)) {
      return std::prev(it.base());
    }
  }
  return files_.end();
}

void ManifestCache::index(Files::iterator at, const ManifestSet& set, std::vector<ManifestObject>& dropped) {
  std::vector<ManifestObject> now;
  now.reserve(set.services.items.size() + set.slices.items.size());
  for (const auto* list : {&set.services.items, &set.slices.items}) {
    for (const auto& item : *list) {
      now.push_back(identityOf(item));
    }
  }
  now = sortedUnique(std::move(now));
  auto& was = at->second.objects;
  std::vector<ManifestObject> gone;
  std::set_difference(was.begin(), was.end(), now.begin(), now.end(), std::back_inserter(gone));
  std::vector<ManifestObject> fresh;
  std::set_difference(now.begin(), now.end(), was.begin(), was.end(), std::back_inserter(fresh));
  for (const auto& object : gone) {
    count(object, -1);
    dropped.push_back(object);
  }
  for (const auto& object : fresh) {
    count(object, +1);
  }
  was = std::move(now);
}

ManifestChanges ManifestCache::read(const std::filesystem::path& dir, const std::set<std::string>& changed,
                                    bool all) {
  ManifestChanges out;
  lastParsed_ = 0;
  const auto listing = manifestFiles(dir, out.upserted.errors);
  std::vector<ManifestObject> dropped;
  std::map<ManifestObject, Object> served;               // one definition per object, in object order
  for (auto it = files_.begin(); it != files_.end();) {  // files that are gone
    if (std::binary_search(listing.begin(), listing.end(), it->first)) {
      ++it;
      continue;
    }
    for (const auto& object : it->second.objects) {
      count(object, -1);
      dropped.push_back(object);
    }
    it = files_.erase(it);
  }
  for (const auto& path : listing) {
    Signature signature;
    struct stat info {};
    if (::stat(path.c_str(), &info) == 0) {
      signature = {.inode = info.st_ino,
                   .size = info.st_size,
                   .mtimeNs = info.st_mtim.tv_sec * 1'000'000'000LL + info.st_mtim.tv_nsec};
    }
    auto at = files_.find(path);
    const bool known = at != files_.end();
    if (known && !all && signature.size >= 0 && at->second.signature == signature &&
        !changed.contains(path.filename().string())) {
      continue;
    }
    const auto text = readText(path);
    const std::uint64_t textHash = text ? std::hash<std::string_view>{}(*text) | 1U : 0U;  // 0: unreadable
    if (known && textHash != 0 && textHash == at->second.textHash) {
      at->second.signature = signature;  // touched or rewritten alike: nothing to parse
      continue;
    }
    auto set = parse(path, text);
    ++lastParsed_;
    if (!known) {
      at = files_.emplace(path, File{}).first;
    }
    at->second.signature = signature;
    at->second.textHash = textHash;
    at->second.errors = set.errors;
    index(at, set, dropped);
    for (auto* list : {&set.services.items, &set.slices.items}) {
      for (auto& item : *list) {
        auto object = identityOf(item);
        // Served only by its lexically last definer (files are visited in that order).
        if (definers_.at(hashOf(object)) == 1 || lastDefiner(object) == at) {
          served.insert_or_assign(std::move(object), std::move(item));
        }
      }
    }
  }
  // What a file stopped defining: deleted, or served from the next file that defines it.
  for (const auto& object : sortedUnique(std::move(dropped))) {
    const auto other = definedByOthers(object) ? lastDefiner(object) : files_.end();
    if (other == files_.end()) {
      out.deleted.push_back(object);
      continue;
    }
    if (served.contains(object)) {
      continue;  // that file was parsed by this read
    }
    auto set = parse(other->first, readText(other->first));
    for (auto& item : listOf(set, object.kind).items) {
      if (identityOf(item) == object) {
        served.insert_or_assign(object, std::move(item));
        break;
      }
    }
  }
  for (auto it = served.begin(); it != served.end(); it = served.erase(it)) {
    listOf(out.upserted, it->first.kind).items.push_back(std::move(it->second));
  }
  for (const auto& [path, file] : files_) {
    out.upserted.errors.insert(out.upserted.errors.end(), file.errors.begin(), file.errors.end());
  }
  return out;
}

}  // namespace kipvs::k8s
