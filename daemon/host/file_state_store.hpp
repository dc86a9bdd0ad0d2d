#pragma once

// core::StateStore on a file (default /var/lib/kipvs/state): the last-known-good state and the ownership
// record survive restarts and reboots. save() is atomic: write a temporary file, fsync, rename over the
// old one, fsync the directory; a crash leaves either the old or the new content, never a mix.

#include <filesystem>

#include "core/ports.hpp"

namespace kipvs::host {

inline constexpr const char* kDefaultStatePath = "/var/lib/kipvs/state";

class FileStateStore final : public core::StateStore {
 public:
  explicit FileStateStore(std::filesystem::path path = kDefaultStatePath) : path_(std::move(path)) {}

  // nullopt when the file does not exist; throws std::system_error on any other failure.
  std::optional<std::string> load() override;
  // Creates the parent directory (0755) when missing; the file is 0644. Throws std::system_error.
  void save(std::string_view text) override;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace kipvs::host
