# kipvsd's /metrics scraped by a real Prometheus (Debian's prometheus server) on the real kernel: the
# sync timestamp is there, and a Service's connection counter (kernel IPVS stats with Kubernetes labels)
# grows with the connections this script makes. promtool checks the text kipvsd serves. One boot.

. ./checks.sh

# ---- two pods behind one ClusterIP, and an active connection to count
mkpod() {
  local name=$1 index=$2
  ip netns add "$name"
  ip link add "h-$name" type veth peer name eth0 netns "$name"
  ip addr add "10.244.$index.1/24" dev "h-$name"
  ip link set "h-$name" up
  ip netns exec "$name" ip link set lo up
  ip netns exec "$name" ip addr add "10.244.$index.10/24" dev eth0
  ip netns exec "$name" ip link set eth0 up
  ip netns exec "$name" ip route add default via "10.244.$index.1"
  ip netns exec "$name" podnet serve 8080 "$name" &
}
mkpod pod1 1
mkpod pod2 2
ip link set lo up

mkdir -p /tmp/manifests /tmp/kipvs-state /tmp/prometheus
cat > /tmp/manifests/web.yaml <<'YAML'
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  clusterIP: 10.96.0.10
  ports: [{name: http, port: 80, protocol: TCP, targetPort: 8080}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: web-1, namespace: shop, labels: {kubernetes.io/service-name: web}}
addressType: IPv4
ports: [{name: http, port: 8080, protocol: TCP}]
endpoints:
- addresses: ["10.244.1.10"]
  conditions: {ready: true}
  nodeName: node-a
  targetRef: {kind: Pod, name: pod1}
- addresses: ["10.244.2.10"]
  conditions: {ready: true}
  nodeName: node-b
  targetRef: {kind: Pod, name: pod2}
YAML

cat > /tmp/kipvsd.conf <<'CONF'
[kipvsd]
source = static
static-dir = /tmp/manifests
node-name = node-a
dbus = none
state-dir = /tmp/kipvs-state
sync-period = 3s
min-sync-period = 100ms
cluster-cidr = 10.244.0.0/16
metrics-bind-address = 127.0.0.1:10249
CONF
: > /tmp/kipvsd.log
kipvsd --config /tmp/kipvsd.conf >>/tmp/kipvsd.log 2>&1 &
kipvsd_pid=$!
wait_for "kipvsd's first sync" 30 grep -q "first sync complete" /tmp/kipvsd.log

# ---- the text itself: what Prometheus' own parser and lint accept
scrape() { wget -q -O - http://127.0.0.1:10249/metrics; }
wait_for "the metrics listener" 10 scrape
scrape > /tmp/metrics.txt
grep -q '^kipvs_virtual_service_connections_total{namespace="shop",service="web",port_name="http",kind="Static",protocol="TCP",address="10.96.0.10",port="80"} ' /tmp/metrics.txt ||
  fail "no connection counter for shop/web: $(grep kipvs_virtual_service_connections_total /tmp/metrics.txt)"
grep -q '^kipvs_real_server_active_connections{.*real_address="10.244.2.10",real_port="8080",pod="pod2",node="node-b"} ' /tmp/metrics.txt ||
  fail "no real server gauge for pod2"
lint=$(promtool check metrics < /tmp/metrics.txt 2>&1 | grep -v 'kubeproxy_sync_proxy_rules_no_local_endpoints_total non-counter' || true)
[ -z "$lint" ] || fail "promtool: $lint"
pass "kipvsd serves /metrics and promtool accepts it"

# ---- a real Prometheus scrapes it every second
cat > /tmp/prometheus.yml <<'YAML'
global: {scrape_interval: 1s, evaluation_interval: 1s}
scrape_configs:
  - job_name: kipvs
    static_configs: [{targets: ["127.0.0.1:10249"]}]
YAML
prometheus --config.file=/tmp/prometheus.yml --storage.tsdb.path=/tmp/prometheus \
  --web.listen-address=127.0.0.1:9090 > /tmp/prometheus.log 2>&1 &
prometheus_pid=$!
urlencode() { printf '%s' "$1" | sed 's/%/%25/g; s/{/%7B/g; s/}/%7D/g; s/"/%22/g; s/=/%3D/g; s/,/%2C/g; s/ /%20/g'; }
query() {  # query <PromQL>: the first result's value, empty when there is none
  wget -q -O - "http://127.0.0.1:9090/api/v1/query?query=$(urlencode "$1")" |
    sed -n 's/.*"value":\[[0-9.]*,"\([^"]*\)"\].*/\1/p'
}
up_is_one() { [ "$(query 'up{job="kipvs"}')" = 1 ]; }
dump_prometheus() { echo "---- prometheus log"; tail -20 /tmp/prometheus.log; }
trap '[ $? = 0 ] || dump_prometheus' EXIT
wait_for "Prometheus to scrape kipvsd" 120 up_is_one

last_sync=$(query kubeproxy_sync_proxy_rules_last_timestamp_seconds)
now=$(date +%s)
[ -n "$last_sync" ] && awk -v t="$last_sync" -v now="$now" 'BEGIN { exit !(t > now - 60 && t <= now + 1) }' ||
  fail "kubeproxy_sync_proxy_rules_last_timestamp_seconds = '$last_sync' (now $now)"
pass "Prometheus has kubeproxy_sync_proxy_rules_last_timestamp_seconds = $last_sync"

series='kipvs_virtual_service_connections_total{namespace="shop",service="web",kind="Static"}'
before=$(query "$series")
[ -n "$before" ] || fail "Prometheus has no $series"
answers=$(podnet ask tcp 10.96.0.10 80 25)
echo "$answers" | grep -q lost && fail "connections were lost: $answers"
grew() { [ "$(query "$series")" -ge $((before + 25)) ]; }
wait_for "the connection counter to grow by 25" 30 grew
pass "$series grew from $before to $(query "$series") with 25 connections"

kill "$prometheus_pid" "$kipvsd_pid"
echo "kipvsd metrics: $passed passed, 0 failed"
