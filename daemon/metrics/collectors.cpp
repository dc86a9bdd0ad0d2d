#include "metrics/collectors.hpp"

#include "metrics/process_stats.hpp"

namespace kipvs::metrics {

void addKipvsCollectors(Registry& registry, KipvsSources sources) {
  registry.add("build", [version = sources.version](TextWriter& writer) { writeBuildInfo(writer, version); });
  registry.add("process", [](TextWriter& writer) { writeProcessStats(writer, readProcessStats()); });
  registry.add("sync", [&sync = sources.sync](TextWriter& writer) { sync.write(writer); });
  registry.add("traffic_policy", [count = std::move(sources.noLocalEndpoints)](TextWriter& writer) {
    writeNoLocalEndpoints(writer, count());
  });
  registry.add("ipvs", [desired = std::move(sources.desired),
                        kernel = std::move(sources.kernelCounters)](TextWriter& writer) {
    const auto counters = kernel();
    writeIpvsMetrics(writer, desired(), counters);
  });
}

}  // namespace kipvs::metrics
