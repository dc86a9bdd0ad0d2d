#pragma once

// kipvsctl's commands over the generated proxies. Each returns an exit code; D-Bus errors propagate
// as sdbus::Error and are mapped by main().

#include <stdexcept>
#include <string>
#include <vector>

#include "render.hpp"

namespace kipvs::ctl {

struct Options {
  bool user = false;  // session bus instead of the system bus
  bool json = false;
  Style style;
};

// A command line kipvsctl cannot act on (exit code 2).
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A selection that matched nothing (exit code 4).
class NothingMatched : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The bus could not be opened at all (exit code 7): which bus, at which address, and what to check.
class BusUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Checks the command and its arguments without the bus; throws UsageError.
void checkUsage(const std::string& name, const std::vector<std::string>& args);

int runCommand(const std::string& name, const std::vector<std::string>& args, const Options& options);

}  // namespace kipvs::ctl
