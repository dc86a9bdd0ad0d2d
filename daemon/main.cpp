// kipvsd: the IPVS service proxy daemon. Parses the command line and configuration, then hands over to
// the composition root (app/runtime.cpp).

#include <malloc.h>
#include <unistd.h>

#include <array>
#include <iostream>

#include "app/cli.hpp"
#include "app/cluster_source.hpp"
#include "app/config.hpp"
#include "app/config_check.hpp"
#include "app/journal.hpp"
#include "app/plan.hpp"
#include "app/runtime.hpp"
#include "dbus/bus_names.hpp"

namespace {

using kipvs::app::LoadedConfig;

// Files, then command-line overrides, then the checks across keys; the host name fills node-name.
LoadedConfig loadConfig(const kipvs::app::CommandLine& cli) {
  auto loaded = kipvs::app::loadConfiguration(cli.configFile, cli.configNamed, cli.overrides);
  if (loaded.config && loaded.config->nodeName.empty()) {
    std::array<char, 256> host{};
    gethostname(host.data(), host.size() - 1);
    loaded.config->nodeName = host.data();
  }
  return loaded;
}

// --check-config: the findings on stderr whatever the log sink (under systemd, JOURNAL_STREAM is set and
// the log goes to the journal, but the admin reads the terminal); the effective configuration on stdout.
int checkConfig(const kipvs::app::CommandLine& cli) {
  const auto loaded = loadConfig(cli);
  for (const auto& error : loaded.errors) {
    std::cerr << "kipvsd: " << error.toString() << '\n';
  }
  if (!loaded.config) {
    std::cerr << "kipvsd: configuration refused (" << loaded.errors.size() << " problem"
              << (loaded.errors.size() == 1 ? "" : "s") << "); nothing was changed\n";
    return 2;
  }
  if (const auto problem = kipvs::app::missingCredentials(*loaded.config)) {
    std::cerr << "kipvsd: " << *problem << '\n';
    return 2;
  }
  kipvs::app::printConfig(std::cout, *loaded.config, loaded.origins);
  std::cerr << "kipvsd: configuration ok\n";
  return 0;
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
  if (cli.checkConfig) {
    return checkConfig(cli);
  }
  kipvs::app::installJournalSink();
  auto loaded = loadConfig(cli);
  for (const auto& error : loaded.errors) {
    kipvs::log::error("configuration: " + error.toString());
  }
  if (!loaded.config) {
    return 2;  // the unit's RestartPreventExitStatus=2: a refused configuration is not retried
  }
  kipvs::log::setLevel(loaded.config->logLevel);
  try {
    if (cli.plan) {
      return kipvs::app::runPlan(*loaded.config, cli.json, std::cout);
    }
    if (cli.cleanup) {
      return kipvs::app::runCleanup(*loaded.config, std::cout);
    }
    return kipvs::app::runKipvsd(*loaded.config, [&cli] { return loadConfig(cli); });
  } catch (const std::exception& error) {
    // Setting up failed (no IPVS in the kernel, no netlink permission, no bus): say so to systemd.
    kipvs::log::error(std::string("fatal: ") + error.what());
    kipvs::app::notify::status(std::string("failed: ") + error.what());
    return 1;
  }
}
