#pragma once

// kipvsd's command line: what to load and which settings to override. Pure; main() acts on the result.

#include <filesystem>
#include <string>
#include <vector>

namespace kipvs::app {

struct CommandLine {
  std::filesystem::path configFile = "/etc/kipvs/kipvsd.conf";
  bool configNamed = false;            // --config given: the file must exist
  std::vector<std::string> overrides;  // key=value, applied after the files in order
  bool help = false;
  bool version = false;
  bool checkConfig = false;  // parse and validate the configuration, print it, exit
  bool plan = false;         // print what start would change, change nothing, exit (app/plan.hpp)
  bool json = false;         // --plan as JSON
  bool cleanup = false;      // remove what kipvs owns, exit
  std::string error;         // non-empty: the command line is invalid
};

CommandLine parseCommandLine(const std::vector<std::string>& args);
std::string usage();

}  // namespace kipvs::app
