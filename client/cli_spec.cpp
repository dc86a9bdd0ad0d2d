#include "cli_spec.hpp"

#include <array>

namespace kipvs::ctl {

namespace {

constexpr std::array kOptions{
    OptionSpec{"--system", "talk to kipvsd on the system bus (default)"},
    OptionSpec{"--user", "talk to kipvsd on the session bus of the calling user"},
    OptionSpec{"--json", "print stable, documented JSON instead of tables (see JSON OUTPUT)"},
    OptionSpec{"--no-color",
               "never colour the output (colour is used only on a terminal; NO_COLOR is honoured)"},
    OptionSpec{"--help", "show this help"},
    OptionSpec{"--version", "print the version of kipvsctl"},
};

constexpr std::array kCommands{
    CommandSpec{
        "status", "", "show the daemon's state: node, source, sync state, counts, last error",
        "Prints the org.kipvs.Proxy1.Manager properties: version, node name, source (kubernetes or static), "
        "API server and whether the watch is connected, sync state (starting, synced, degraded, stale), "
        "time of the last applied plan, the last error and the number of virtual and real servers.",
        "", 0, 0},
    CommandSpec{
        "list", "", "list every virtual service and its real servers (like ipvsadm -Ln, with names)",
        "One ListVirtualServices call. Each virtual service shows protocol, address:port, scheduler, flags, "
        "the Kubernetes kind and namespace/name:port; each real server its address:port, forwarding "
        "method, weight, state (ready, not-ready, terminating, drained), pod and node.",
        "", 0, 0},
    CommandSpec{
        "show", "<ns/name[:port]> | <vip:port> | <key>",
        "show the virtual services of one Service, address or key, with live counters",
        "Selects virtual services by Kubernetes namespace/name (optionally :port name or number), by "
        "virtual address:port (any protocol; IPv6 as [addr]:port) or by key (\"TCP 10.96.0.1:443\"), and "
        "shows them with the kernel's counters for the service and each real server when available.",
        "", 1, 1},
    CommandSpec{
        "stats", "[<ns/name[:port]> | <vip:port>]",
        "show the kernel's counters (connections, packets, bytes)",
        "Without an argument: one GetStatistics call, a line per virtual service. With a selection: the "
        "counters of each selected service and of its real servers (active and inactive connections).",
        "", 0, 1},
    CommandSpec{
        "explain", "<vip:port> [tcp|udp|sctp] | <ns/name[:port]>",
        "explain why each endpoint of a Service is in or out of the real servers",
        "Asks the daemon which endpoints back the virtual service and why each one is included or left "
        "out: readiness, terminating fallback, traffic policy, topology, operator drain.",
        "", 1, 2},
    CommandSpec{
        "plan", "", "show what a full sync would change now, changing nothing",
        "The daemon reads the kernel's IPVS table and kipvs0 afresh and lists the operations a full sync "
        "would apply, one \"area: change\" line each (area ipvs or kipvs0); nothing when the node is as "
        "desired. kipvsd --plan shows the same for a daemon that is not running (plus a takeover).",
        ""},
    CommandSpec{
        "watch", "", "follow changes as they happen (until interrupted)",
        "Prints a line per ServiceChanged, SyncCompleted and Manager property change. With --json, one JSON "
        "object per line.",
        "", 0, 0},
    CommandSpec{"resync", "", "ask the daemon for a full reconcile now (root or group kipvs)",
                "Schedules a full re-list and repair of the kernel state; returns at once.", "", 0, 0},
    CommandSpec{
        "reload", "", "re-read the configuration and apply it, or say why not (root or group kipvs)",
        "Calls Reload: returns once the daemon has applied the configuration files without touching "
        "traffic. A configuration with any error is refused whole (exit code 6, each problem with its "
        "file:line on standard error) and the running one stays. Changed keys that need a restart "
        "(kubeconfig, api-server, proxy-name, node-name, state-dir, dbus, ...) are listed on standard "
        "error. The unit's ExecReload=, so `systemctl reload kipvsd` fails when the daemon refuses.",
        "", 0, 0},
    CommandSpec{
        "drain", "node | service <ns/name[:port]|key> | endpoint <addr>",
        "set weight 0 on real servers until undrained (root or group kipvs)",
        "The drain survives syncs and is visible as state \"drained\" in list and show. node drains every "
        "real server on this node; service every real server of a Service (or of one port of it, or of "
        "one virtual service by key); endpoint one backend address in every "
        "service it backs.",
        "node service endpoint", 1, 2},
    CommandSpec{"undrain", "node | service <ns/name[:port]|key> | endpoint <addr>",
                "lift a drain given with the same arguments (root or group kipvs)", "",
                "node service endpoint", 1, 2},
    CommandSpec{"log-level", "error|warning|notice|info|debug",
                "change the daemon's log level at once (root or group kipvs)", "",
                "error warning notice info debug", 1, 1},
};

constexpr std::array kExitCodes{
    ExitCodeSpec{kExitOk, "success"},
    ExitCodeSpec{kExitFailed, "the daemon reported a failure, or the bus could not be used"},
    ExitCodeSpec{kExitUsage, "bad command line"},
    ExitCodeSpec{kExitNotRunning, "kipvsd is not running (nobody owns org.kipvs.Proxy1 on that bus)"},
    ExitCodeSpec{kExitNotFound, "nothing matched the selection (org.kipvs.Proxy1.Error.NotFound)"},
    ExitCodeSpec{kExitAccessDenied, "the caller may not do this (root or group kipvs required)"},
    ExitCodeSpec{
        kExitInvalidArgument,
        "the daemon refused an argument or the configuration (org.kipvs.Proxy1.Error.InvalidArgument)"},
    ExitCodeSpec{kExitNoBus,
                 "the bus itself cannot be reached (is dbus running? DBUS_SYSTEM_BUS_ADDRESS / "
                 "DBUS_SESSION_BUS_ADDRESS)"},
};

constexpr std::string_view kJson =
    "Every command accepts --json and then prints one JSON document on standard output (watch: one document "
    "per "
    "line). Field names are stable; new fields may be added. Errors go to standard error as "
    "{\"error\":{\"name\":...,\"message\":...}} with the exit code above.\n"
    "status: {version, nodeName, source, apiServer, connected, syncState, lastSyncUsec, lastError, "
    "virtualServiceCount, realServerCount, resourceVersion}\n"
    "list, show: {services:[{key, path, namespace, name, portName, kind, protocol, address, port, fwmark, "
    "scheduler, flags:[...], persistenceTimeout, problem, realServers:[{address, port, weight, forward, pod, "
    "node, "
    "ready, serving, terminating, local, drained}]}]}; show adds stats:{...}|null to each service and "
    "activeConnections, inactiveConnections, persistentConnections, stats to each real server the kernel "
    "has\n"
    "stats: {statistics:[{key, namespace, name, portName, stats:{connections, packetsIn, packetsOut, "
    "bytesIn, "
    "bytesOut, connectionsPerSecond, packetsInPerSecond, packetsOutPerSecond, bytesInPerSecond, "
    "bytesOutPerSecond}}]}\n"
    "explain: {explanations:[{key, summary, endpoints:[{address, port, pod, node, included, reason}]}]}\n"
    "plan: {changes:[{area, change}]}\n"
    "watch: {event:\"Watching\", busName} first, then {event:\"ServiceChanged\", path, key, change} | "
    "{event:\"SyncCompleted\", finishedUsec, "
    "durationUsec, "
    "added, removed, changed, failed} | {event:\"PropertiesChanged\", properties:{name:value}}\n"
    "resync: {ok:true}; reload: {ok:true, restartRequired:[...]}; drain, undrain: {affected:N}; log-level: "
    "{ok:true}";

}  // namespace

std::span<const OptionSpec> globalOptions() {
  return kOptions;
}
std::span<const CommandSpec> commands() {
  return kCommands;
}
std::span<const ExitCodeSpec> exitCodes() {
  return kExitCodes;
}
std::string_view jsonDescription() {
  return kJson;
}

const CommandSpec* findCommand(std::string_view name) {
  for (const auto& command : kCommands) {
    if (command.name == name) {
      return &command;
    }
  }
  return nullptr;
}

}  // namespace kipvs::ctl
