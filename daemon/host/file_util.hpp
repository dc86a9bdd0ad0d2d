#pragma once

// POSIX file plumbing shared by the host adaptors that read and write small files (sysctls, the state
// store). The helpers report errno and leave the wording of errors to their callers, which know what
// was being attempted.

#include <string>
#include <string_view>

namespace kipvs::host {

// Owns a file descriptor (negative: none) and closes it.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd();
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// Appends everything up to the end of the file to `out`, retrying on EINTR. Returns 0, or the errno of
// the read that failed.
int readAll(int fd, std::string& out);

// Writes all of `text`, retrying on EINTR and after short writes. Returns 0, or the errno of the write
// that failed.
int writeAll(int fd, std::string_view text);

}  // namespace kipvs::host
