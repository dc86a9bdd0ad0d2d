#pragma once

// The one description of kipvsctl's command line: --help, the man page and the bash completion are
// all generated from these tables (kipvsctl-docgen writes the last two at build time).

#include <span>
#include <string_view>

namespace kipvs::ctl {

struct OptionSpec {
  std::string_view name;  // "--json"
  std::string_view help;
};

struct CommandSpec {
  std::string_view name;        // "list"
  std::string_view synopsis;    // arguments after the name
  std::string_view summary;     // one line for --help
  std::string_view details;     // a paragraph for the man page
  std::string_view completion;  // words completed for the first argument ("" = none)
  unsigned minArgs = 0;         // checked before the bus is opened (usage errors exit 2)
  unsigned maxArgs = 0;
};

struct ExitCodeSpec {
  int code;
  std::string_view meaning;
};

std::span<const OptionSpec> globalOptions();
std::span<const CommandSpec> commands();
std::span<const ExitCodeSpec> exitCodes();
std::string_view jsonDescription();  // the documented --json shapes
const CommandSpec* findCommand(std::string_view name);

// Exit codes (also in exitCodes()).
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitNotRunning = 3;
inline constexpr int kExitNotFound = 4;
inline constexpr int kExitAccessDenied = 5;
inline constexpr int kExitInvalidArgument = 6;
inline constexpr int kExitNoBus = 7;

}  // namespace kipvs::ctl
