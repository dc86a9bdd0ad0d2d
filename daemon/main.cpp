// kipvsd: the IPVS service proxy daemon. Parses the command line and configuration, then hands over to
// the composition root (app/runtime.cpp).

#include <malloc.h>
#include <unistd.h>

#include <array>
#include <iostream>

#include "app/cli.hpp"
#include "app/config.hpp"
#include "app/journal.hpp"
#include "app/runtime.hpp"
#include "dbus/bus_names.hpp"

namespace {

using kipvs::app::Config;

// Files, then command-line overrides; nullopt (and every problem on stderr/the journal) when invalid.
std::optional<Config> loadConfig(const kipvs::app::CommandLine& cli) {
  Config config;
  auto errors = kipvs::app::loadConfigFiles(config, cli.configFile);
  for (const auto& entry : cli.overrides) {
    if (auto error = kipvs::app::applyConfigOverride(config, entry)) {
      errors.push_back(*error);
    }
  }
  for (const auto& error : errors) {
    kipvs::log::error("configuration: " + error.toString());
  }
  if (!errors.empty()) {
    return std::nullopt;
  }
  if (config.nodeName.empty()) {
    std::array<char, 256> host{};
    gethostname(host.data(), host.size() - 1);
    config.nodeName = host.data();
  }
  return config;
}

}  // namespace

int main(int argc, char** argv) {
  // One malloc arena: the static source and the API watch decode on threads of their own, and glibc gave
  // each thread an arena that kept its pages after the decoded lists moved to the main loop (~10 MiB of
  // peak RSS at 10k Services). The threads hand over whole lists, so they rarely contend.
  mallopt(M_ARENA_MAX, 1);
  const auto cli = kipvs::app::parseCommandLine({argv + 1, argv + argc});
  if (!cli.error.empty()) {
    std::cerr << "kipvsd: " << cli.error << "\n" << kipvs::app::usage();
    return 2;
  }
  if (cli.help || cli.version) {
    std::cout << (cli.help ? kipvs::app::usage() : std::string("kipvsd ") + kipvs::dbus::kVersion + "\n");
    return 0;
  }
  kipvs::app::installJournalSink();
  auto config = loadConfig(cli);
  if (!config) {
    return 2;
  }
  kipvs::log::setLevel(config->logLevel);
  if (cli.checkConfig) {
    std::cout << "configuration ok: node " << config->nodeName << ", scheduler " << config->scheduler << "\n";
    return 0;
  }
  try {
    return kipvs::app::runKipvsd(*config, [&cli] { return loadConfig(cli); });
  } catch (const std::exception& error) {
    // Setting up failed (no IPVS in the kernel, no netlink permission, no bus): say so to systemd.
    kipvs::log::error(std::string("fatal: ") + error.what());
    kipvs::app::notify::status(std::string("failed: ") + error.what());
    return 1;
  }
}
