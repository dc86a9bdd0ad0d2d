#pragma once

// A private dbus-daemon for one test: its own socket in a fresh directory, killed when the object dies.
// Policy::Open lets anyone own and call anything (a session-like bus); Policy::System mirrors the system
// bus defaults (deny own, deny method calls) and includes kipvs's real policy file.

#include <sys/types.h>

#include <string>

namespace kipvs::test {

class PrivateBus {
 public:
  enum class Policy { Open, System };
  explicit PrivateBus(Policy policy = Policy::Open);
  ~PrivateBus();
  PrivateBus(const PrivateBus&) = delete;
  PrivateBus& operator=(const PrivateBus&) = delete;

  const std::string& address() const { return address_; }  // "unix:path=/tmp/kipvs-bus-XXXX/socket"
  const std::string& directory() const { return dir_; }

 private:
  std::string dir_;
  std::string address_;
  pid_t pid_ = -1;
};

}  // namespace kipvs::test
