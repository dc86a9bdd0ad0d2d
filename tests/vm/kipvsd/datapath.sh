# kipvsd against the real kernel: static manifests in; IPVS, kipvs0 and the nft table out; real TCP and
# UDP traffic between network namespaces. Pods: pod1, pod2 on node-a (this node), pod3 on node-b.
# External client: namespace ext (192.0.2.2) reaching the node at 192.0.2.1. One boot, checks in order.

. ./checks.sh

# weight <proto flag> <vip:port> <real:port>: the real server's weight, empty when it is not there
weight() { ipvsadm -Ln "$1" "$2" 2>/dev/null | awk -v real="$3" '$2 == real {print $4}'; }
weight_is() { [ "$(weight "$1" "$2" "$3")" = "$4" ]; }
real_absent() { ipvsadm -Ln "$1" "$2" >/dev/null && [ -z "$(weight "$1" "$2" "$3")" ]; }
service_count_at_least() { [ "$(ipvsadm -Ln | grep -c '^[TU]')" -ge "$1" ]; }

# ---- topology
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
mkpod pod3 3
ip netns add ext
ip link add h-ext type veth peer name eth0 netns ext
ip addr add 192.0.2.1/24 dev h-ext
ip link set h-ext up
ip netns exec ext ip link set lo up
ip netns exec ext ip addr add 192.0.2.2/24 dev eth0
ip netns exec ext ip link set eth0 up
ip netns exec ext ip route add default via 192.0.2.1

# ---- manifests
mkdir -p /tmp/manifests /tmp/kipvs-state
endpoint() {  # endpoint <pod index> <node>
  printf -- '- addresses: ["10.244.%s.10"]\n  conditions: {ready: true}\n  nodeName: %s\n  targetRef: {kind: Pod, name: pod%s}\n' "$1" "$2" "$1"
}
write_service() {  # write_service <name> <ip> <port> <protocol> <extra spec yaml> <endpoint indexes...>
  local name=$1 ip=$2 port=$3 protocol=$4 extra=$5 pod; shift 5
  {
    printf 'apiVersion: v1\nkind: Service\nmetadata: {name: %s, namespace: demo}\nspec:\n' "$name"
    printf '  clusterIP: %s\n  ports: [{name: p, port: %s, protocol: %s, targetPort: 8080%s}]\n' "$ip" "$port" "$protocol" "${NODEPORT:-}"
    [ -n "$extra" ] && printf '%s\n' "$extra"
    printf -- '---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\n'
    printf 'metadata: {name: %s-1, namespace: demo, labels: {kubernetes.io/service-name: %s}}\n' "$name" "$name"
    printf 'addressType: IPv4\nports: [{name: p, port: 8080, protocol: %s}]\nendpoints:\n' "$protocol"
    for pod in "$@"; do
      if [ "$pod" = 3 ]; then endpoint 3 node-b; else endpoint "$pod" node-a; fi
    done
  } > "/tmp/manifests/$name.yaml.tmp"
  mv "/tmp/manifests/$name.yaml.tmp" "/tmp/manifests/$name.yaml"
}
NODEPORT=", nodePort: 30080" write_service web 10.96.0.10 80 TCP "  type: NodePort" 1 2 3
write_service sticky 10.96.0.11 80 TCP "  sessionAffinity: ClientIP
  sessionAffinityConfig: {clientIP: {timeoutSeconds: 60}}" 1 2 3
NODEPORT=", nodePort: 30081" write_service local 10.96.0.12 80 TCP "  type: NodePort
  externalTrafficPolicy: Local" 1 3
write_service dns 10.96.0.53 53 UDP "" 1 2

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
graceful-termination-deadline = 30s
log-level = debug
CONF

start_kipvsd() {
  : > /tmp/kipvsd.log
  kipvsd --config /tmp/kipvsd.conf >>/tmp/kipvsd.log 2>&1 &
  kipvsd_pid=$!
  wait_for "kipvsd's first sync" 20 grep -q "first sync complete" /tmp/kipvsd.log
}
ipvsadm -A -t 198.51.100.1:80 -s wlc  # someone else's virtual service: kipvs must never touch it
start_kipvsd

# ---- programmed state, read back through ipvsadm
ipvsadm -Ln -t 10.96.0.10:80 | grep -q "10.244.3.10:8080 *Masq *1" || fail "web lacks pod3"
ip -br addr show dev kipvs0 | grep -q "10.96.0.10/32" || fail "ClusterIP not on kipvs0"
ip -br link show dev kipvs0 | grep -q DOWN || fail "kipvs0 must stay DOWN"
ipvsadm -Ln | grep -q "192.0.2.1:30080" || fail "no NodePort on the node address"
ip -br addr show dev kipvs0 | grep -q "192.0.2.1" && fail "a node address must not be bound on kipvs0"
ipvsadm -Ln | grep -A0 "10.96.0.11:80" | grep -q "persistent 60" || fail "affinity must be persistence 60"
nft list table inet kipvs >/dev/null || fail "no nft table inet kipvs"
pass "services, NodePorts, affinity, kipvs0 and the nft table are programmed"

# ---- ClusterIP from the node reaches every pod, rr-balanced
spread=$(podnet ask tcp 10.96.0.10 80 30 | names)
[ "$spread" = "pod1=10 pod2=10 pod3=10 " ] || fail "ClusterIP spread: $spread"
pass "ClusterIP from the node: $spread"

# ---- NodePort from outside, masqueraded (the pod does not see the client's address)
answers=$(ip netns exec ext podnet ask tcp 192.0.2.1 30080 6)
echo "$answers" | grep -q lost && fail "NodePort lost requests: $answers"
echo "$answers" | grep -q "192.0.2.2" && fail "NodePort (externalTrafficPolicy Cluster) must masquerade: $answers"
pass "NodePort from ext, masqueraded: $(echo "$answers" | names)"

# ---- externalTrafficPolicy Local: only the local pod, and it sees the client's own address
answers=$(ip netns exec ext podnet ask tcp 192.0.2.1 30081 6)
[ "$(echo "$answers" | sort -u)" = "pod1 192.0.2.2" ] || fail "ETP Local: $answers"
pass "externalTrafficPolicy Local keeps the client address and stays local"

# ---- ClientIP affinity sticks
spread=$(podnet ask tcp 10.96.0.11 80 12 | names)
[ "$(echo "$spread" | wc -w)" = 1 ] || fail "affinity did not stick: $spread"
pass "ClientIP affinity sticks: $spread"

# ---- a long-lived TCP connection survives its endpoint's removal; the real server is reaped after
podnet hold 10.96.0.10 80 6 > /tmp/hold.out 2>&1 &
hold_pid=$!
wait_for "the held connection" 10 grep -q "^pod" /tmp/hold.out
held=$(head -n1 /tmp/hold.out | awk '{print $1}')
index=${held#pod}
remaining=$(printf '%s\n' 1 2 3 | grep -v "^$index\$" | tr '\n' ' ')
# shellcheck disable=SC2086 # the indexes are words
NODEPORT=", nodePort: 30080" write_service web 10.96.0.10 80 TCP "  type: NodePort" $remaining
wait_for "$held at weight 0" 20 weight_is -t 10.96.0.10:80 "10.244.$index.10:8080" 0
wait "$hold_pid" || fail "the held connection broke: $(cat /tmp/hold.out)"
weight_is -t 10.96.0.10:80 "10.244.$index.10:8080" 0 || fail "$held reaped while its connection was open"
pass "held connection to $held survived its removal ($(tail -n1 /tmp/hold.out))"
wait_for "$held reaped after its connection closed" 60 real_absent -t 10.96.0.10:80 "10.244.$index.10:8080"
pass "$held reaped once its connection was closed"

# ---- UDP: after an endpoint is removed, the next datagram (same client port) reaches a live pod
first=$(podnet ask udp 10.96.0.53 53 1 40000 | awk '{print $1}')
[ -n "$first" ] && [ "$first" != lost ] || fail "no UDP answer"
gone=${first#pod}
other=$((3 - gone))
write_service dns 10.96.0.53 53 UDP "" "$other"
wait_for "pod$gone removed from the UDP service" 20 real_absent -u 10.96.0.53:53 "10.244.$gone.10:8080"
next=$(podnet ask udp 10.96.0.53 53 1 40000 | awk '{print $1}')
[ "$next" = "pod$other" ] || fail "next datagram after removing $first went to: $next"
pass "UDP: the next datagram after removing $first reached pod$other (conntrack flushed)"

# ---- restarting kipvsd with connections open resets none; traffic flows while it is down
for _ in 1 2 3; do podnet hold 10.96.0.10 80 6 >> /tmp/holds.out 2>&1 & done
sleep 1
kill -TERM "$kipvsd_pid"
wait "$kipvsd_pid" || fail "kipvsd exited non-zero on SIGTERM"
ipvsadm -Ln | grep -q "10.96.0.10:80" || fail "SIGTERM flushed IPVS"
podnet ask tcp 10.96.0.10 80 4 | grep -q lost && fail "traffic stopped while kipvsd was down"
start_kipvsd
for job in $(jobs -p); do
  case "$(cat /proc/"$job"/cmdline 2>/dev/null | tr '\0' ' ')" in
    *hold*) wait "$job" || fail "a connection broke across the restart: $(cat /tmp/holds.out)" ;;
  esac
done
[ "$(grep -c "^held" /tmp/holds.out)" = 3 ] || fail "holds: $(cat /tmp/holds.out)"
pass "restart kept 3 of 3 open connections, and traffic flowed while kipvsd was down"

# ---- someone else's virtual service survives every sync; ipvsadm -C is repaired within a syncPeriod
sleep 4  # at least one periodic full sync (sync-period = 3s)
ipvsadm -Ln | grep -q "198.51.100.1:80 wlc" || fail "kipvsd touched a foreign virtual service"
pass "a virtual service added by hand survives kipvsd's syncs and restart"
ipvsadm -C
wait_for "repair after ipvsadm -C" 8 service_count_at_least 12
pass "ipvsadm -C repaired within one syncPeriod"

kill "$kipvsd_pid"
echo "kipvsd datapath: $passed passed, 0 failed"
