#include "private_bus.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <system_error>

namespace kipvs::test {

namespace {

const char* kOpenRules = R"(
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_type="method_return"/>
    <allow send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="signal"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
  </policy>
)";

// The defaults of /usr/share/dbus-1/system.conf, then the policy under test.
const char* kSystemRules = R"(
  <policy context="default">
    <allow user="*"/>
    <deny own="*"/>
    <deny send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Introspectable"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Properties"/>
    <deny send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus" send_member="UpdateActivationEnvironment"/>
    <deny send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Debug.Stats"/>
    <deny send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.systemd1.Activator"/>
  </policy>
  <include>)" KIPVS_BUS_POLICY_FILE R"(</include>
)";

}  // namespace

PrivateBus::PrivateBus(Policy policy) {
  char pattern[] = "/tmp/kipvs-bus-XXXXXX";
  if (mkdtemp(pattern) == nullptr) {
    throw std::system_error(errno, std::generic_category(), "mkdtemp");
  }
  dir_ = pattern;
  chmod(dir_.c_str(), 0755);  // callers run as other users in the policy tests
  const std::string socket = dir_ + "/socket";
  const std::string config = dir_ + "/bus.conf";
  {
    std::ofstream out(config);
    out << "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN\"\n"
           " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n<busconfig>\n"
        << "  <type>" << (policy == Policy::System ? "system" : "session") << "</type>\n"
        << "  <listen>unix:path=" << socket << "</listen>\n  <auth>EXTERNAL</auth>\n"
        << (policy == Policy::System ? kSystemRules : kOpenRules) << "</busconfig>\n";
  }
  // Ready when dbus-daemon prints its address (--print-address), which it does once it listens: the
  // socket file alone appears at bind(), before listen(), and a connect then is refused.
  int ready[2];
  if (pipe2(ready, O_CLOEXEC) != 0) {
    throw std::system_error(errno, std::generic_category(), "pipe2");
  }
  const std::string arg = "--config-file=" + config;
  const std::string log = dir_ + "/daemon.log";  // keeps its warnings out of the test output
  const std::string printAddress = "--print-address=" + std::to_string(ready[1]);
  pid_ = fork();
  if (pid_ < 0) {
    throw std::system_error(errno, std::generic_category(), "fork");
  }
  if (pid_ == 0) {
    if (freopen(log.c_str(), "w", stderr) == nullptr || fcntl(ready[1], F_SETFD, 0) != 0) {
      _exit(126);
    }
    execlp("dbus-daemon", "dbus-daemon", "--nofork", "--nopidfile", "--nosyslog", arg.c_str(),
           printAddress.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(ready[1]);
  address_ = "unix:path=" + socket;
  pollfd wait{.fd = ready[0], .events = POLLIN, .revents = 0};
  char byte = 0;
  const bool listening = poll(&wait, 1, 5000) == 1 && read(ready[0], &byte, 1) == 1;
  close(ready[0]);
  if (listening) {
    return;
  }
  int status = 0;
  const bool exited = waitpid(pid_, &status, WNOHANG) == pid_;
  if (exited) {
    pid_ = -1;
  }
  throw std::runtime_error(
      std::string(exited ? "dbus-daemon exited while starting" : "dbus-daemon did not listen within 5 s") +
      " with " + config + " (see " + log + ")");
}

PrivateBus::~PrivateBus() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  unlink((dir_ + "/socket").c_str());
  unlink((dir_ + "/bus.conf").c_str());
  unlink((dir_ + "/daemon.log").c_str());
  rmdir(dir_.c_str());
}

}  // namespace kipvs::test
