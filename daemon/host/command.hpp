#pragma once

// Runs a program (searched on PATH) to completion: the text for its stdin in, its exit status and
// output out. For the few tools kipvsd drives instead of a library (iptables-save/-restore, ipset; see
// iptables_cli.hpp for why). No shell is involved: arguments are passed as they are.

#include <string>
#include <vector>

namespace kipvs::host {

struct CommandResult {
  int status = -1;  // exit status; 128 + signal when killed; 127 when it could not be started
  std::string out;
  std::string err;

  bool ok() const { return status == 0; }
};

CommandResult runCommand(const std::vector<std::string>& argv, const std::string& input = {});

// True when `program` is found on PATH (or is an executable path).
bool programExists(const std::string& program);

}  // namespace kipvs::host
