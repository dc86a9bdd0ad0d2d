// kipvsctl: inspect and steer kipvsd over D-Bus. Command line described once in cli_spec.cpp.

#include <sdbus-c++/Error.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "cli_spec.hpp"
#include "commands.hpp"
#include "core/json_writer.hpp"
#include "dbus/bus_names.hpp"

namespace {

using namespace kipvs::ctl;
using kipvs::core::JsonWriter;

void printHelp() {
  std::cout << "Usage: kipvsctl [OPTIONS] COMMAND [ARGS]\n\nInspect and steer kipvsd ("
            << kipvs::dbus::kBusName << ").\n\nCommands:\n";
  for (const auto& c : commands()) {
    const std::string head = std::string(c.name) + (c.synopsis.empty() ? "" : " " + std::string(c.synopsis));
    std::cout << "  " << head << "\n      " << c.summary << '\n';
  }
  std::cout << "\nOptions:\n";
  for (const auto& o : globalOptions()) {
    std::cout << "  " << o.name << std::string(14 - o.name.size(), ' ') << o.help << '\n';
  }
  std::cout << "\nExit codes:\n";
  for (const auto& e : exitCodes()) {
    std::cout << "  " << e.code << "  " << e.meaning << '\n';
  }
}

int fail(bool json, int code, const std::string& name, const std::string& message) {
  if (json) {
    JsonWriter j(std::cerr);
    j.beginObject()
        .key("error")
        .beginObject()
        .field("name", name)
        .field("message", message)
        .endObject()
        .endObject();
    std::cerr << '\n';
  } else {
    std::cerr << "kipvsctl: " << message << '\n';
  }
  return code;
}

int exitCodeFor(const std::string& name) {
  namespace d = kipvs::dbus;
  if (name == d::kErrorNotFound) {
    return kExitNotFound;
  }
  if (name == d::kErrorAccessDenied || name == "org.freedesktop.DBus.Error.AccessDenied") {
    return kExitAccessDenied;
  }
  if (name == d::kErrorInvalidArgument || name == "org.freedesktop.DBus.Error.InvalidArgs") {
    return kExitInvalidArgument;
  }
  return kExitFailed;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  bool noColour = std::getenv("NO_COLOR") != nullptr;
  std::string command;
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (!command.empty() && !arg.starts_with("--")) {
      args.push_back(arg);
    } else if (arg == "--system") {
      options.user = false;
    } else if (arg == "--user") {
      options.user = true;
    } else if (arg == "--json") {
      options.json = true;
    } else if (arg == "--no-color") {
      noColour = true;
    } else if (arg == "--help" || arg == "-h") {
      printHelp();
      return kExitOk;
    } else if (arg == "--version") {
      std::cout << "kipvsctl " << kipvs::dbus::kVersion << '\n';
      return kExitOk;
    } else if (arg.starts_with("-")) {
      return fail(options.json, kExitUsage, "usage", "unknown option '" + arg + "'; see kipvsctl --help");
    } else {
      command = arg;
    }
  }
  if (command.empty()) {
    printHelp();
    return kExitUsage;
  }
  options.style.colour = !noColour && !options.json && isatty(STDOUT_FILENO) == 1;
  const std::string bus = options.user ? "user" : "system";
  try {
    return runCommand(command, args, options);
  } catch (const UsageError& e) {
    return fail(options.json, kExitUsage, "usage", e.what());
  } catch (const BusUnavailable& e) {
    return fail(options.json, kExitNoBus, "bus", e.what());
  } catch (const NothingMatched& e) {
    return fail(options.json, kExitNotFound, kipvs::dbus::kErrorNotFound, e.what());
  } catch (const sdbus::Error& e) {
    const auto& name = e.getName();
    if (name == "org.freedesktop.DBus.Error.ServiceUnknown" ||
        name == "org.freedesktop.DBus.Error.NameHasNoOwner") {
      return fail(options.json, kExitNotRunning, name,
                  "kipvsd is not running: nobody owns " + std::string(kipvs::dbus::kBusName) + " on the " +
                      bus + " bus (systemctl status kipvsd)");
    }
    return fail(options.json, exitCodeFor(name), name, e.getMessage().empty() ? name : e.getMessage());
  } catch (const std::exception& e) {
    return fail(options.json, kExitFailed, "failed", e.what());
  }
}
