#include "metrics/ipvs_metrics.hpp"

#include <gtest/gtest.h>

#include "metric_text.hpp"

namespace kipvs::metrics {
namespace {

using testing::valueOf;

core::IpAddress ip(const char* text) {
  return *core::IpAddress::parse(text);
}

const core::VirtualServiceKey kWeb{.protocol = core::Protocol::Tcp, .address = ip("10.96.0.20"), .port = 80};
const core::VirtualServiceKey kWebNodePort{
    .protocol = core::Protocol::Tcp, .address = ip("192.168.1.5"), .port = 30080};
const core::VirtualServiceKey kNotOurs{
    .protocol = core::Protocol::Tcp, .address = ip("10.1.1.1"), .port = 22};

core::DesiredVirtualService web(const core::VirtualServiceKey& key, core::ServiceKind kind) {
  core::DesiredVirtualService service;
  service.service.key = key;
  service.origin = {.ns = "shop", .name = "web", .portName = "http", .kind = kind};
  return service;
}

core::DesiredRealServer desiredReal(const char* address, const char* pod, const char* node) {
  core::DesiredRealServer real;
  real.server = {.address = ip(address), .port = 8080};
  real.endpoint.pod = pod;
  real.endpoint.node = node;
  return real;
}

core::DesiredState desiredState() {
  core::DesiredState desired;
  desired.services[kWeb] = web(kWeb, core::ServiceKind::ClusterIP);
  desired.services[kWeb].reals = {desiredReal("10.244.1.7", "web-a", "n1"),
                                  desiredReal("10.244.2.9", "web-b", "n2")};
  desired.services[kWebNodePort] = web(kWebNodePort, core::ServiceKind::NodePort);
  return desired;
}

core::VirtualServiceStatus kernelService(const core::VirtualServiceKey& key, core::IpvsStats stats) {
  core::VirtualServiceStatus status;
  status.service.key = key;
  status.stats = stats;
  return status;
}

core::RealServerStatus kernelReal(const char* address, std::uint16_t port, std::uint32_t active,
                                  std::uint32_t inactive) {
  core::RealServerStatus status;
  status.server = {.address = ip(address), .port = port};
  status.activeConnections = active;
  status.inactiveConnections = inactive;
  return status;
}

KernelCounters kernelCounters() {
  KernelCounters kernel;
  core::IpvsStats webStats;
  webStats.connections = 12;
  webStats.packetsIn = 340;
  webStats.packetsOut = 300;
  webStats.bytesIn = 5000;
  webStats.bytesOut = 900000;
  core::IpvsStats one;
  one.connections = 1;
  core::IpvsStats many;
  many.connections = 99;
  kernel.services = {kernelService(kWeb, webStats), kernelService(kWebNodePort, one),
                     kernelService(kNotOurs, many)};
  kernel.realServers[kWeb] = {kernelReal("10.244.1.7", 8080, 3, 1), kernelReal("10.244.2.9", 8080, 0, 4),
                              kernelReal("10.244.3.3", 8080, 2, 0)};  // the last: draining, not desired
  kernel.realServers[kNotOurs] = {kernelReal("10.1.1.2", 22, 5, 0)};
  return kernel;
}

std::string render() {
  std::string out;
  TextWriter writer(out);
  writeIpvsMetrics(writer, desiredState(), kernelCounters());
  return out;
}

constexpr const char* kWebLabels =
    R"({namespace="shop",service="web",port_name="http",kind="ClusterIP",protocol="TCP",address="10.96.0.20",port="80"})";

struct SeriesCase {
  std::string series;
  std::optional<std::string> value;  // nullopt: the series must not be written
};

class IpvsMetricsTable : public ::testing::TestWithParam<SeriesCase> {};

TEST_P(IpvsMetricsTable, WritesKernelCountersUnderKubernetesLabels) {
  EXPECT_EQ(valueOf(render(), GetParam().series), GetParam().value) << GetParam().series;
}

INSTANTIATE_TEST_SUITE_P(
    Series, IpvsMetricsTable,
    ::testing::Values(
        SeriesCase{std::string("kipvs_virtual_service_connections_total") + kWebLabels, "12"},
        SeriesCase{std::string("kipvs_virtual_service_incoming_packets_total") + kWebLabels, "340"},
        SeriesCase{std::string("kipvs_virtual_service_outgoing_packets_total") + kWebLabels, "300"},
        SeriesCase{std::string("kipvs_virtual_service_incoming_bytes_total") + kWebLabels, "5000"},
        SeriesCase{std::string("kipvs_virtual_service_outgoing_bytes_total") + kWebLabels, "900000"},
        SeriesCase{
            R"(kipvs_virtual_service_connections_total{namespace="shop",service="web",port_name="http",kind="NodePort",protocol="TCP",address="192.168.1.5",port="30080"})",
            "1"},
        SeriesCase{
            R"(kipvs_real_server_active_connections{namespace="shop",service="web",port_name="http",kind="ClusterIP",protocol="TCP",address="10.96.0.20",port="80",real_address="10.244.1.7",real_port="8080",pod="web-a",node="n1"})",
            "3"},
        SeriesCase{
            R"(kipvs_real_server_inactive_connections{namespace="shop",service="web",port_name="http",kind="ClusterIP",protocol="TCP",address="10.96.0.20",port="80",real_address="10.244.2.9",real_port="8080",pod="web-b",node="n2"})",
            "4"},
        // A real server still in the kernel (a draining TCP backend) without an endpoint: no pod, no node.
        SeriesCase{
            R"(kipvs_real_server_active_connections{namespace="shop",service="web",port_name="http",kind="ClusterIP",protocol="TCP",address="10.96.0.20",port="80",real_address="10.244.3.3",real_port="8080",pod="",node=""})",
            "2"},
        // Someone else's virtual service is not ours to report.
        SeriesCase{
            R"(kipvs_virtual_service_connections_total{namespace="",service="",port_name="",kind="ClusterIP",protocol="TCP",address="10.1.1.1",port="22"})",
            std::nullopt}));

TEST(IpvsMetrics, WritesOnlyOurServicesAndEachFamilyOnce) {
  const auto text = render();
  EXPECT_EQ(text.find("10.1.1.1"), std::string::npos);
  EXPECT_EQ(testing::countLinesStartingWith(text, "kipvs_virtual_service_connections_total{"), 2U);
  EXPECT_EQ(testing::countLinesStartingWith(text, "kipvs_real_server_active_connections{"), 3U);
  EXPECT_EQ(testing::countLinesStartingWith(text, "# TYPE "), 7U);
}

}  // namespace
}  // namespace kipvs::metrics
