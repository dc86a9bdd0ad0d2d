#include "commands.hpp"

#include <cctype>
#include <cstdlib>
#include <iostream>
#include <memory>

#include "cli_spec.hpp"
#include "core/json_writer.hpp"
#include "dbus/bus_names.hpp"
#include "proxies.hpp"
#include "selection.hpp"

namespace kipvs::ctl {

using core::JsonWriter;

namespace {

std::string busAddress(bool user) {
  if (const char* address = std::getenv(user ? "DBUS_SESSION_BUS_ADDRESS" : "DBUS_SYSTEM_BUS_ADDRESS")) {
    return address;
  }
  if (!user) {
    return "unix:path=/run/dbus/system_bus_socket";
  }
  const char* runtime = std::getenv("XDG_RUNTIME_DIR");
  return runtime != nullptr ? std::string("unix:path=") + runtime + "/bus" : "(no DBUS_SESSION_BUS_ADDRESS)";
}

std::unique_ptr<sdbus::IConnection> connect(const Options& options) {
  try {
    return options.user ? sdbus::createSessionBusConnection() : sdbus::createSystemBusConnection();
  } catch (const sdbus::Error& e) {
    const auto address = busAddress(options.user);
    throw BusUnavailable(
        std::string("cannot connect to the ") + (options.user ? "session" : "system") + " bus at " + address +
        " (" + e.getMessage() + "): " +
        (options.user
             ? "is a user session bus running (systemctl --user status dbus.socket)? "
               "DBUS_SESSION_BUS_ADDRESS overrides the address"
             : "is dbus running (systemctl status dbus.socket dbus.service)? DBUS_SYSTEM_BUS_ADDRESS "
               "overrides the address; --user talks to the session bus"));
  }
}

void expectArgs(const std::string& command, const std::vector<std::string>& args, std::size_t min,
                std::size_t max) {
  if (args.size() < min || args.size() > max) {
    throw UsageError("'" + command + "' takes " +
                     (min == max ? std::to_string(min) : std::to_string(min) + " to " + std::to_string(max)) +
                     " argument(s); see kipvsctl --help");
  }
}

Selection requireSelection(const std::string& text) {
  auto selection = parseSelection(text);
  if (!selection) {
    throw UsageError("'" + text + "' is neither ns/name[:port], address:port nor a key");
  }
  return *selection;
}

std::vector<ServiceRow> selected(ManagerProxy& manager, const std::string& text) {
  const auto selection = requireSelection(text);
  auto rows = select(manager.services(), selection);
  if (rows.empty()) {
    throw NothingMatched("no virtual service matches '" + text + "'");
  }
  return rows;
}

void printOk(const Options& options, const std::string& text, const char* field = "ok",
             std::uint64_t count = 1) {
  if (options.json) {
    JsonWriter j(std::cout);
    j.beginObject().key(field);
    if (std::string_view(field) == "ok") {
      j.value(true);
    } else {
      j.value(count);
    }
    j.endObject();
    std::cout << '\n';
  } else {
    std::cout << text << '\n';
  }
}

std::optional<ServiceStats> liveStats(sdbus::IConnection& connection, const ServiceRow& row) {
  try {
    return ServiceProxy(connection, row.path).stats();
  } catch (const sdbus::Error& e) {
    if (e.getName() == dbus::kErrorUnavailable) {
      return std::nullopt;  // shown as "no kernel counters"
    }
    throw;
  }
}

int drainCommand(ManagerProxy& manager, const std::string& command, const std::vector<std::string>& args,
                 const Options& options) {
  expectArgs(command, args, 1, 2);
  const std::string& scope = args[0];
  const std::string target = args.size() > 1 ? args[1] : "";
  if (scope != "node" && target.empty()) {
    throw UsageError("'" + command + " " + scope + "' needs a target");
  }
  const auto affected = command == "drain" ? manager.Drain(scope, target) : manager.Undrain(scope, target);
  printOk(options,
          std::string(command == "drain" ? "drained " : "released ") + std::to_string(affected) +
              " real server(s)",
          "affected", affected);
  return kExitOk;
}

}  // namespace

void checkUsage(const std::string& name, const std::vector<std::string>& args) {
  const auto* spec = findCommand(name);
  if (spec == nullptr) {
    throw UsageError("unknown command '" + name + "'; see kipvsctl --help");
  }
  expectArgs(name, args, spec->minArgs, spec->maxArgs);
  if (name == "show" || name == "explain" || (name == "stats" && !args.empty())) {
    requireSelection(args[0]);
  }
  if ((name == "drain" || name == "undrain") && args[0] != "node" && args.size() < 2) {
    throw UsageError("'" + name + " " + args[0] + "' needs a target");
  }
}

int runCommand(const std::string& name, const std::vector<std::string>& args, const Options& options) {
  checkUsage(name, args);
  const auto connection = connect(options);
  ManagerProxy manager(*connection);
  auto& out = std::cout;
  if (name == "status") {
    expectArgs(name, args, 0, 0);
    const auto status = manager.status();
    options.json ? renderStatusJson(out, status) : renderStatus(out, status, options.style);
  } else if (name == "list") {
    expectArgs(name, args, 0, 0);
    const auto rows = manager.services();
    options.json ? renderListJson(out, rows) : renderList(out, rows, options.style);
  } else if (name == "show") {
    expectArgs(name, args, 1, 1);
    std::vector<ShownService> shown;
    for (auto& row : selected(manager, args[0])) {
      auto stats = liveStats(*connection, row);
      shown.push_back({std::move(row), std::move(stats)});
    }
    options.json ? renderShowJson(out, shown) : renderShow(out, shown, options.style);
  } else if (name == "stats") {
    expectArgs(name, args, 0, 1);
    if (args.empty()) {
      const auto stats = manager.statistics();
      const auto rows = manager.services();
      options.json ? renderStatisticsJson(out, stats, rows)
                   : renderStatistics(out, stats, rows, options.style);
    } else {
      std::vector<ShownService> shown;
      for (auto& row : selected(manager, args[0])) {
        auto stats = liveStats(*connection, row);
        shown.push_back({std::move(row), std::move(stats)});
      }
      options.json ? renderShowJson(out, shown) : renderShow(out, shown, options.style);
    }
  } else if (name == "explain") {
    expectArgs(name, args, 1, 2);
    auto rows = selected(manager, args[0]);
    if (args.size() == 2) {
      std::string protocol = args[1];
      for (auto& c : protocol) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      }
      std::erase_if(rows, [&](const ServiceRow& row) { return row.protocol != protocol; });
      if (rows.empty()) {
        throw NothingMatched("no " + protocol + " virtual service matches '" + args[0] + "'");
      }
    }
    std::vector<ExplainView> views;
    for (const auto& row : rows) {
      if (row.fwmark == 0) {
        views.push_back(manager.explain(row.address, row.port, row.protocol));
      }
    }
    options.json ? renderExplainJson(out, views) : renderExplain(out, views, options.style);
  } else if (name == "plan") {
    expectArgs(name, args, 0, 0);
    const auto changes = manager.Plan();
    if (options.json) {
      JsonWriter j(out);
      j.beginObject().key("changes").beginArray();
      for (const auto& change : changes) {
        j.beginObject().field("area", std::get<0>(change)).field("change", std::get<1>(change)).endObject();
      }
      j.endArray().endObject();
      out << '\n';
    } else if (changes.empty()) {
      out << "nothing to change: the kernel is as desired\n";
    } else {
      for (const auto& change : changes) {
        out << std::get<0>(change) << ": " << std::get<1>(change) << '\n';
      }
    }
  } else if (name == "watch") {
    expectArgs(name, args, 0, 0);
    manager.status();  // fails here, with the usual message, when the daemon is not running
    manager.subscribe([](const std::string& line, bool) { std::cout << line << std::endl; }, options.json);
    if (options.json) {
      JsonWriter j(std::cout);
      j.beginObject().field("event", "Watching").field("busName", dbus::kBusName).endObject();
      std::cout << std::endl;
    } else {
      std::cout << "watching " << dbus::kBusName << " (Ctrl-C to stop)" << std::endl;
    }
    connection->enterEventLoop();
  } else if (name == "resync") {
    expectArgs(name, args, 0, 0);
    manager.Resync();
    printOk(options, "resync scheduled");
  } else if (name == "reload") {
    const auto pending = manager.Reload();
    if (options.json) {
      JsonWriter j(std::cout);
      j.beginObject().field("ok", true).key("restartRequired").beginArray();
      for (const auto& note : pending) {
        j.value(note);
      }
      j.endArray().endObject();
      std::cout << '\n';
    } else {
      std::cout << "configuration reloaded\n";
      for (const auto& note : pending) {
        std::cerr << "kipvsctl: not applied until kipvsd restarts: " << note << '\n';
      }
    }
  } else if (name == "drain" || name == "undrain") {
    return drainCommand(manager, name, args, options);
  } else if (name == "log-level") {
    expectArgs(name, args, 1, 1);
    manager.SetLogLevel(args[0]);
    printOk(options, "log level set to " + args[0]);
  } else {
    throw UsageError("unknown command '" + name + "'; see kipvsctl --help");
  }
  return kExitOk;
}

}  // namespace kipvs::ctl
