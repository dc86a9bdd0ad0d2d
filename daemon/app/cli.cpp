#include "app/cli.hpp"

namespace kipvs::app {

CommandLine parseCommandLine(const std::vector<std::string>& args) {
  CommandLine cli;
  // Options that take a value map to a config key; --config names the file itself.
  const std::vector<std::pair<std::string, std::string>> valueOptions{{"--static-dir", "static-dir"},
                                                                      {"--node-name", "node-name"},
                                                                      {"--kubeconfig", "kubeconfig"},
                                                                      {"--source", "source"},
                                                                      {"--state-dir", "state-dir"}};
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    auto takeValue = [&](const std::string& name) -> std::string {
      if (arg.size() > name.size() && arg.compare(0, name.size() + 1, name + "=") == 0) {
        return arg.substr(name.size() + 1);
      }
      if (i + 1 >= args.size()) {
        cli.error = name + " needs a value";
        return {};
      }
      return args[++i];
    };
    auto is = [&](const std::string& name) { return arg == name || arg.rfind(name + "=", 0) == 0; };

    if (arg == "-h" || arg == "--help") {
      cli.help = true;
    } else if (arg == "--version") {
      cli.version = true;
    } else if (arg == "--check-config") {
      cli.checkConfig = true;
    } else if (arg == "--plan") {
      cli.plan = true;
    } else if (arg == "--json") {
      cli.json = true;
    } else if (arg == "--cleanup") {
      cli.cleanup = true;
    } else if (arg == "-v" || arg == "--verbose") {
      cli.overrides.emplace_back("log-level=debug");
    } else if (is("--config")) {
      cli.configFile = takeValue("--config");
      cli.configNamed = true;
    } else if (is("--set")) {
      cli.overrides.push_back(takeValue("--set"));
    } else {
      bool matched = false;
      for (const auto& [option, key] : valueOptions) {
        if (is(option)) {
          cli.overrides.push_back(key + "=" + takeValue(option));
          matched = true;
          break;
        }
      }
      if (!matched) {
        cli.error = "unknown argument \"" + arg + "\"";
      }
    }
    if (!cli.error.empty()) {
      break;
    }
  }
  if (cli.error.empty() && cli.plan && cli.cleanup) {
    cli.error = "--plan and --cleanup exclude each other";
  } else if (cli.error.empty() && cli.json && !cli.plan) {
    cli.error = "--json goes with --plan";
  }
  return cli;
}

std::string usage() {
  return "Usage: kipvsd [OPTIONS]\n"
         "IPVS service proxy for Kubernetes nodes.\n\n"
         "  --config FILE        configuration file (default /etc/kipvs/kipvsd.conf; drop-ins in FILE.d/)\n"
         "  --static-dir DIR     read Services and EndpointSlices from manifests in DIR (source = static)\n"
         "  --source KIND        static or kubernetes\n"
         "  --kubeconfig FILE    kubeconfig for source = kubernetes\n"
         "  --node-name NAME     this node's name (default: the host name)\n"
         "  --state-dir DIR      last-known-good state (default /var/lib/kipvs)\n"
         "  --set KEY=VALUE      override any configuration key\n"
         "  -v, --verbose        log-level = debug\n"
         "  --check-config       validate the configuration; print it (stdout) with the origin of\n"
         "                       each value, and every problem (stderr); exit 0, or 2 if refused\n"
         "  --plan [--json]      print what start would change (IPVS, addresses, nft, a takeover's\n"
         "                       removals), change nothing, exit\n"
         "  --cleanup            remove what kipvs owns (its virtual services, kipvs0, inet kipvs, its\n"
         "                       state files) and nothing else; stop kipvsd first\n"
         "  --version, --help\n";
}

}  // namespace kipvs::app
