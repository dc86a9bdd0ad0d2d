#include "process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>

namespace kipvs::test {

namespace {

struct Spawned {
  pid_t pid;
  int out;
  int err;
};

std::vector<std::string> mergedEnvironment(const std::vector<std::string>& extra) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry = *e;
    const auto name = entry.substr(0, entry.find('=') + 1);
    bool overridden = false;
    for (const auto& x : extra) {
      overridden = overridden || x.starts_with(name);
    }
    if (!overridden) {
      env.push_back(entry);
    }
  }
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (auto& s : strings) {
    out.push_back(s.data());
  }
  out.push_back(nullptr);
  return out;
}

Spawned spawn(std::vector<std::string> argv, const std::vector<std::string>& extraEnv) {
  auto env = mergedEnvironment(extraEnv);
  auto argvp = pointers(argv);
  auto envp = pointers(env);
  int out[2];
  int err[2];
  if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) {
    throw std::system_error(errno, std::generic_category(), "pipe2");
  }
  const pid_t pid = fork();
  if (pid < 0) {
    throw std::system_error(errno, std::generic_category(), "fork");
  }
  if (pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    dup2(err[1], STDERR_FILENO);
    execvpe(argvp[0], argvp.data(), envp.data());
    _exit(127);
  }
  close(out[1]);
  close(err[1]);
  return {pid, out[0], err[0]};
}

int reap(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

ProcessResult runProcess(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                         std::chrono::seconds timeout) {
  const auto child = spawn(argv, env);
  ProcessResult result;
  pollfd fds[2] = {{child.out, POLLIN, 0}, {child.err, POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open = 2;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  char buffer[65536];
  while (open > 0) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      kill(child.pid, SIGKILL);
      break;
    }
    if (poll(fds, 2, static_cast<int>(left.count())) < 0 && errno != EINTR) {
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) {
        continue;
      }
      const auto n = read(fds[i].fd, buffer, sizeof buffer);
      if (n > 0) {
        sinks[i]->append(buffer, static_cast<std::size_t>(n));
      } else {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open;
      }
    }
  }
  for (const auto& fd : fds) {
    if (fd.fd >= 0) {
      close(fd.fd);
    }
  }
  result.exitCode = reap(child.pid);
  return result;
}

RunningProcess::RunningProcess(const std::vector<std::string>& argv, const std::vector<std::string>& env) {
  const auto child = spawn(argv, env);
  close(child.err);
  pid_ = child.pid;
  outFd_ = child.out;
}

RunningProcess::~RunningProcess() {
  kill(pid_, SIGTERM);
  reap(pid_);
  close(outFd_);
}

std::string RunningProcess::readLine(bool& ok, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (const auto nl = buffer_.find('\n'); nl != std::string::npos) {
      std::string line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      ok = true;
      return line;
    }
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd fd{outFd_, POLLIN, 0};
    if (left.count() <= 0 || poll(&fd, 1, static_cast<int>(left.count())) <= 0) {
      break;
    }
    char chunk[4096];
    const auto n = read(outFd_, chunk, sizeof chunk);
    if (n <= 0) {
      break;
    }
    buffer_.append(chunk, static_cast<std::size_t>(n));
  }
  ok = false;
  return {};
}

std::vector<std::string> asNobody(std::vector<std::string> argv, const std::vector<gid_t>& groups) {
  std::vector<std::string> prefix{"setpriv", "--reuid=65534", "--regid=65534"};
  if (groups.empty()) {
    prefix.emplace_back("--clear-groups");
  } else {
    std::string list;
    for (const auto g : groups) {
      list += (list.empty() ? "" : ",") + std::to_string(g);
    }
    prefix.push_back("--groups=" + list);
  }
  prefix.insert(prefix.end(), argv.begin(), argv.end());
  return prefix;
}

std::string binaryDir() {
  return KIPVS_BINARY_DIR;
}

}  // namespace kipvs::test
