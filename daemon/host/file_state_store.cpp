#include "host/file_state_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include "host/file_util.hpp"

namespace kipvs::host {
namespace {

[[noreturn]] void fail(int error, const std::string& what) {
  throw std::system_error(error, std::generic_category(), "state store: " + what);
}

}  // namespace

std::optional<std::string> FileStateStore::load() {
  const Fd fd(::open(path_.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) {
      return std::nullopt;
    }
    fail(errno, "open " + path_.string());
  }
  std::string text;
  if (const int error = readAll(fd.get(), text); error != 0) {
    fail(error, "read " + path_.string());
  }
  return text;
}

void FileStateStore::save(std::string_view text) {
  const auto directory = path_.has_parent_path() ? path_.parent_path() : std::filesystem::path(".");
  std::error_code error;
  std::filesystem::create_directories(directory, error);
  if (error) {
    fail(error.value(), "create directory " + directory.string());
  }
  const auto temporary = path_.string() + ".tmp";
  {
    const Fd fd(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (fd.get() < 0) {
      fail(errno, "create " + temporary);
    }
    if (const int failed = writeAll(fd.get(), text); failed != 0) {
      fail(failed, "write " + temporary);
    }
    if (::fsync(fd.get()) != 0) {
      fail(errno, "fsync " + temporary);
    }
  }
  if (::rename(temporary.c_str(), path_.c_str()) != 0) {
    fail(errno, "rename " + temporary + " to " + path_.string());
  }
  const Fd dir(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() < 0 || ::fsync(dir.get()) != 0) {
    fail(errno, "fsync directory " + directory.string());
  }
}

}  // namespace kipvs::host
