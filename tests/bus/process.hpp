#pragma once

// Runs other programs for the bus tests (busctl, gdbus, kipvsctl, setpriv), capturing their output.
// fork+execvpe with everything prepared before the fork: the test process has threads.

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace kipvs::test {

struct ProcessResult {
  int exitCode = -1;  // 128+N when killed by signal N
  std::string out;
  std::string err;
};

// `env` entries ("NAME=value") are added to (and override) the test's environment.
ProcessResult runProcess(const std::vector<std::string>& argv, const std::vector<std::string>& env = {},
                         std::chrono::seconds timeout = std::chrono::seconds(60));

// A child kept running while the test reads its output line by line (kipvsctl watch).
class RunningProcess {
 public:
  RunningProcess(const std::vector<std::string>& argv, const std::vector<std::string>& env = {});
  ~RunningProcess();  // SIGTERM, then reaps
  RunningProcess(const RunningProcess&) = delete;
  RunningProcess& operator=(const RunningProcess&) = delete;

  // The next line of standard output (without '\n'); "" with ok=false on timeout or EOF.
  std::string readLine(bool& ok, std::chrono::milliseconds timeout = std::chrono::seconds(5));
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  int outFd_ = -1;
  std::string buffer_;
};

// Prefix running argv as `nobody` (uid/gid 65534), with the given supplementary groups only.
std::vector<std::string> asNobody(std::vector<std::string> argv, const std::vector<gid_t>& groups = {});

std::string binaryDir();  // where kipvsctl and friends were built (compile definition)

}  // namespace kipvs::test
