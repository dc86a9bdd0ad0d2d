#include "host/file_util.hpp"

#include <unistd.h>

#include <array>
#include <cerrno>

namespace kipvs::host {

Fd::~Fd() {
  if (fd_ >= 0) {
    ::close(fd_);
  }
}

int readAll(int fd, std::string& out) {
  std::array<char, 65536> buffer{};
  for (;;) {
    const auto n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return errno;
    }
    if (n == 0) {
      return 0;
    }
    out.append(buffer.data(), static_cast<std::size_t>(n));
  }
}

int writeAll(int fd, std::string_view text) {
  for (std::size_t written = 0; written < text.size();) {
    const auto n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return errno;
    }
    written += static_cast<std::size_t>(n);
  }
  return 0;
}

}  // namespace kipvs::host
