# kipvsd at boot without an API server (rule 3, daemon/README.md) on the real kernel: source = kubernetes with
# the API server unreachable (a closed port on 127.0.0.1). A corrupt last-known-good file is refused
# and nothing is programmed; a good one (dual-stack: an IPv4 and an IPv6 Service) is programmed after
# restore-after, IPv6 forwarding is turned on for the IPv6 Service, and traffic reaches the pods.

. ./checks.sh

# ---- pods pod1, pod2 (IPv4 and IPv6), both on this node
mkpod() {
  local name=$1 index=$2
  ip netns add "$name"
  ip link add "h-$name" type veth peer name eth0 netns "$name"
  ip addr add "10.244.$index.1/24" dev "h-$name"
  ip addr add "fd00:244:$index::1/64" dev "h-$name" nodad
  ip link set "h-$name" up
  ip netns exec "$name" ip link set lo up
  ip netns exec "$name" ip addr add "10.244.$index.10/24" dev eth0
  ip netns exec "$name" ip addr add "fd00:244:$index::10/64" dev eth0 nodad
  ip netns exec "$name" ip link set eth0 up
  ip netns exec "$name" ip route add default via "10.244.$index.1"
  ip netns exec "$name" ip -6 route add default via "fd00:244:$index::1"
  ip netns exec "$name" podnet serve 8080 "$name" &
}
mkpod pod1 1
mkpod pod2 2

# ---- an API server that does not answer, and a state directory
mkdir -p /tmp/kipvs-state
cat > /tmp/kubeconfig <<'KUBE'
apiVersion: v1
kind: Config
clusters:
- name: gone
  cluster: {server: "https://127.0.0.1:1", insecure-skip-tls-verify: true}
users:
- name: kipvs
  user: {token: not-used}
contexts:
- name: gone
  context: {cluster: gone, user: kipvs}
current-context: gone
KUBE
cat > /tmp/kipvsd.conf <<'CONF'
[kipvsd]
source = kubernetes
kubeconfig = /tmp/kubeconfig
node-name = node-a
dbus = none
state-dir = /tmp/kipvs-state
restore-after = 1s
min-sync-period = 100ms
cluster-cidr = 10.244.0.0/16, fd00:244::/48
log-level = debug
CONF

endpoints() {  # endpoints <family: 4|6>
  local a=10.244.1.10 b=10.244.2.10
  [ "$1" = 6 ] && a=fd00:244:1::10 b=fd00:244:2::10
  printf '{"addresses":["%s"],"conditions":{"ready":true},"nodeName":"node-a","targetRef":{"kind":"Pod","name":"pod1"}},' "$a"
  printf '{"addresses":["%s"],"conditions":{"ready":true},"nodeName":"node-a","targetRef":{"kind":"Pod","name":"pod2"}}' "$b"
}
service() {  # service <name> <clusterIP> <family>
  printf '{"apiVersion":"v1","kind":"Service","metadata":{"name":"%s","namespace":"demo","uid":"u-%s","resourceVersion":"10"},' "$1" "$1"
  printf '"spec":{"clusterIPs":["%s"],"ipFamilies":["IPv%s"],"ports":[{"name":"p","protocol":"TCP","port":80,"targetPort":8080}]}},' "$2" "$3"
  printf '{"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"name":"%s-1","namespace":"demo",' "$1"
  printf '"labels":{"kubernetes.io/service-name":"%s"},"resourceVersion":"11"},"addressType":"IPv%s",' "$1" "$3"
  printf '"ports":[{"name":"p","protocol":"TCP","port":8080}],"endpoints":[%s]}' "$(endpoints "$3")"
}
# Written by hand: the file is a Kubernetes List in the API's JSON shape plus a kipvs header.
{
  printf '{"apiVersion":"v1","kind":"List","metadata":{"resourceVersion":"12"},'
  printf '"kipvs":{"format":1,"nodeName":"node-a","savedAt":"2026-11-26T12:00:00Z"},"items":['
  service web 10.96.0.10 4
  printf ','
  service web6 fd00:96::10 6
  printf ']}\n'
} > /tmp/good.json

start_kipvsd() {
  : > /tmp/kipvsd.log
  kipvsd --config /tmp/kipvsd.conf >>/tmp/kipvsd.log 2>&1 &
  kipvsd_pid=$!
}
stop_kipvsd() {
  kill -TERM "$kipvsd_pid"
  wait "$kipvsd_pid" || fail "kipvsd exited non-zero on SIGTERM"
}

# ---- a truncated file is refused: nothing is programmed, kipvsd keeps waiting for the API server
head -c 300 /tmp/good.json > /tmp/kipvs-state/last-known-good.json
echo 0 > /proc/sys/net/ipv6/conf/all/forwarding
start_kipvsd
wait_for "the refusal" 20 grep -q "not restoring /tmp/kipvs-state/last-known-good.json: corrupt or truncated" /tmp/kipvsd.log
sleep 1
ipvsadm -Ln | grep -q "10.96.0.10" && fail "a truncated file was programmed"
kill -0 "$kipvsd_pid" || fail "kipvsd died on a truncated file"
grep -q "first sync" /tmp/kipvsd.log && fail "kipvsd claimed a first sync without an API server"
stop_kipvsd
pass "a truncated last-known-good file is refused and nothing is programmed"

# ---- a file saved on another node is refused
sed 's/"nodeName":"node-a","savedAt"/"nodeName":"node-b","savedAt"/' /tmp/good.json > /tmp/kipvs-state/last-known-good.json
start_kipvsd
wait_for "the refusal" 20 grep -q 'it was saved on node "node-b" and this is node "node-a"' /tmp/kipvsd.log
stop_kipvsd
ipvsadm -Ln | grep -q "10.96.0.10" && fail "another node's file was programmed"
pass "a last-known-good file from another node is refused"

# ---- a good file is restored after restore-after and served
cp /tmp/good.json /tmp/kipvs-state/last-known-good.json
before=$(md5sum < /tmp/kipvs-state/last-known-good.json)
start_kipvsd
wait_for "the restored first sync" 20 grep -q "first sync (restored state) complete" /tmp/kipvsd.log
grep -q "restored last-known-good state from /tmp/kipvs-state/last-known-good.json (2 services, saved 2026-11-26T12:00:00Z)" \
  /tmp/kipvsd.log || fail "the restore was not logged as such"
ipvsadm -Ln -t 10.96.0.10:80 | grep -q "10.244.1.10:8080 *Masq *1" || fail "web lacks pod1"
ipvsadm -Ln -t 10.96.0.10:80 | grep -q "10.244.2.10:8080 *Masq *1" || fail "web lacks pod2"
ipvsadm -Ln -t "[fd00:96::10]:80" | grep -q "\[fd00:244:1::10\]:8080 *Masq" || fail "web6 lacks pod1"
ip -br addr show dev kipvs0 | grep -q "10.96.0.10/32" || fail "the restored ClusterIP is not on kipvs0"
pass "the restored state is programmed: $(ipvsadm -Ln | grep -c '^TCP') virtual services"

[ "$(cat /proc/sys/net/ipv6/conf/all/forwarding)" = 1 ] || fail "IPv6 forwarding is off with an IPv6 service programmed"
grep -q "sysctl net/ipv6/conf/all/forwarding: 0 -> 1" /tmp/kipvsd.log || fail "turning IPv6 forwarding on was not logged"
pass "IPv6 forwarding was turned on for the IPv6 virtual service"

spread=$(podnet ask tcp 10.96.0.10 80 10 | names)
[ "$spread" = "pod1=5 pod2=5 " ] || fail "restored ClusterIP spread: $spread"
pass "traffic to the restored ClusterIP: $spread"
spread=$(podnet ask tcp fd00:96::10 80 10 | names)
[ "$spread" = "pod1=5 pod2=5 " ] || fail "restored IPv6 ClusterIP spread: $spread"
pass "traffic to the restored IPv6 ClusterIP: $spread"

sleep 1
kill -0 "$kipvsd_pid" || fail "kipvsd died while the API server was unreachable"
grep -q "connection" /tmp/kipvsd.log || fail "no connection failure was logged for the closed port"
stop_kipvsd
[ "$(md5sum < /tmp/kipvs-state/last-known-good.json)" = "$before" ] || fail "a restored state was saved back"
ipvsadm -Ln | grep -q "10.96.0.10:80" || fail "SIGTERM flushed the restored state"
pass "the file is left as it was and SIGTERM leaves the restored state programmed"

echo "kipvsd restore: $passed passed, 0 failed"
