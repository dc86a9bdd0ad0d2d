#pragma once

// What the static source knows of its directory between reads: per manifest file its signature (inode,
// size, modification time), a hash of its text, the objects it defines (kind and namespace/name, never
// the objects themselves: the cluster cache holds those once) and its errors. A read parses only the
// files that changed and reports what changed as upserts and deletions, so that one edited file costs
// the same in a directory of ten files or of 100,000, and no second decoded copy of the directory is
// ever kept or posted after the first read.
//
// Several files defining the same object: the lexically last file's definition is served (as when the
// directory is read whole); when that file stops defining it, the next one's takes over.

#include <cstdint>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "k8s/decode.hpp"

namespace kipvs::k8s {

struct ManifestSet {
  ListResult services;
  ListResult slices;
  std::vector<std::string> errors;  // "file: reason", one per unreadable file or rejected object
};

// One manifest file's text (`json`: a .json file, else YAML), added to `set`; problems become errors
// naming `where`. Pure (the document decoding lives with the static source, static_source.cpp).
void readManifestText(std::string_view text, const std::string& where, bool json, ManifestSet& set);
// Every manifest in `dir` (not recursive, lexical order), as the first read of a ManifestCache.
ManifestSet readManifestDirectory(const std::filesystem::path& dir);

// An object a manifest defines: enough to delete it, or to find who else defines it.
struct ManifestObject {
  ResourceKind kind = ResourceKind::Service;
  core::ObjectKey key;
  auto operator<=>(const ManifestObject&) const = default;
};

// The object of a DELETED event for `object`: its kind, namespace and name.
Object deletionOf(const ManifestObject& object);

struct ManifestChanges {
  // The current definition of every object of the files parsed by this read (the whole directory on
  // the first read), one per object, in (namespace, name) order; errors of every file, parsed now or
  // before, in lexical file order.
  ManifestSet upserted;
  std::vector<ManifestObject> deleted;  // defined before, by no file now
};

class ManifestCache {
 public:
  // A file is parsed again when its name is in `changed` (inotify said so) or its signature differs
  // from the last read; with `all`, every file is read and parsed unless its text is what was parsed
  // last time. Files that are gone are dropped, their objects deleted.
  ManifestChanges read(const std::filesystem::path& dir, const std::set<std::string>& changed, bool all);

  std::size_t lastParsed() const { return lastParsed_; }  // files parsed by the last read (tests)

 private:
  struct Signature {
    std::uint64_t inode = 0;
    std::int64_t size = -1;
    std::int64_t mtimeNs = 0;
    bool operator==(const Signature&) const = default;
  };
  struct File {
    Signature signature;
    std::uint64_t textHash = 0;
    std::vector<ManifestObject> objects;
    std::vector<std::string> errors;
  };
  using Files = std::map<std::filesystem::path, File>;

  // Records `set` as what `at` defines now; what it no longer defines goes to `dropped`.
  void index(Files::iterator at, const ManifestSet& set, std::vector<ManifestObject>& dropped);
  void count(const ManifestObject& object, int delta);
  bool definedByOthers(const ManifestObject& object) const;
  // The lexically last file that defines `object`, or files_.end().
  Files::const_iterator lastDefiner(const ManifestObject& object) const;

  Files files_;
  // How many files define each object, by a hash of the object: a hint that spares a scan of every file
  // when an object has only one definer (the usual case). A collision only costs that scan.
  std::unordered_map<std::uint64_t, std::uint32_t> definers_;
  std::size_t lastParsed_ = 0;
};

}  // namespace kipvs::k8s
