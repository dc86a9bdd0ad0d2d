# kipvsd takes a node over from kube-proxy's IPVS mode on the real kernel, with connections open:
# kube_proxy_node.sh leaves the node as kube-proxy would; kipvsd starts with takeover = kube-proxy, is
# killed midway (while it removes kube-proxy's rules) and started again. Traffic runs through a ClusterIP
# (from a pod) and a NodePort (from outside) the whole time: long-lived connections and new ones.
# Pods pod1, pod2 serve; podc is a client pod; ext (192.0.2.2) is outside, reaching the node at 192.0.2.1.

. ./checks.sh
. ./kube_proxy_node.sh

mkns() {  # mkns <name> <host address/24> <namespace address> [serve]
  ip netns add "$1"
  ip link add "h-$1" type veth peer name eth0 netns "$1"
  ip addr add "$2/24" dev "h-$1"
  ip link set "h-$1" up
  ip netns exec "$1" ip link set lo up
  ip netns exec "$1" ip addr add "$3/24" dev eth0
  ip netns exec "$1" ip link set eth0 up
  ip netns exec "$1" ip route add default via "$2"
  if [ -n "${4:-}" ]; then ip netns exec "$1" podnet serve 8080 "$1" & fi
}
mkns pod1 10.244.1.1 10.244.1.10 serve
mkns pod2 10.244.2.1 10.244.2.10 serve
mkns podc 10.244.9.1 10.244.9.10
mkns ext 192.0.2.1 192.0.2.2

# ---- the Services kube-proxy was serving (web: ClusterIP + NodePort 30080; dns: UDP); 10.96.0.99 is gone
mkdir -p /tmp/manifests /tmp/kipvs-state
cat > /tmp/manifests/services.yaml <<'YAML'
apiVersion: v1
kind: Service
metadata: {name: web, namespace: demo}
spec:
  type: NodePort
  clusterIP: 10.96.0.10
  ports: [{name: p, port: 80, protocol: TCP, targetPort: 8080, nodePort: 30080}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: web-1, namespace: demo, labels: {kubernetes.io/service-name: web}}
addressType: IPv4
ports: [{name: p, port: 8080, protocol: TCP}]
endpoints:
- {addresses: ["10.244.1.10"], conditions: {ready: true}, nodeName: node-a}
- {addresses: ["10.244.2.10"], conditions: {ready: true}, nodeName: node-a}
---
apiVersion: v1
kind: Service
metadata: {name: dns, namespace: demo}
spec:
  clusterIP: 10.96.0.53
  ports: [{name: p, port: 53, protocol: UDP, targetPort: 8080}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: dns-1, namespace: demo, labels: {kubernetes.io/service-name: dns}}
addressType: IPv4
ports: [{name: p, port: 8080, protocol: UDP}]
endpoints:
- {addresses: ["10.244.1.10"], conditions: {ready: true}, nodeName: node-a}
YAML
cat > /tmp/kipvsd.conf <<'CONF'
[kipvsd]
source = static
static-dir = /tmp/manifests
node-name = node-a
dbus = none
state-dir = /tmp/kipvs-state
sync-period = 2s
min-sync-period = 100ms
cluster-cidr = 10.244.0.0/16
takeover = kube-proxy
log-level = debug
CONF

leave_kube_proxy_state
echo "front ends:$backends"
case "$backends" in *iptables-nft*iptables-legacy*) ;; *) fail "the guest lacks an iptables front end: $backends" ;; esac
podnet ask tcp 10.96.0.10 80 2 | grep -q lost && fail "kube-proxy's node does not serve the ClusterIP"
ip netns exec ext podnet ask tcp 192.0.2.1 30080 2 | grep -q lost && fail "kube-proxy's node does not serve the NodePort"
foreign_state > /tmp/foreign.before
pass "the node is as kube-proxy's IPVS mode leaves it ($(ipvsadm -Ln | grep -c '^[TU]') virtual services)"

# ---- --plan: what the takeover will do, printed; nothing changed
node_snapshot() {
  ipvsadm -Ln; ip -br addr; ip -br link | awk '{print $1, $2}'
  for b in $backends; do echo "== $b"; "$b-save" 2>/dev/null | grep -v '^#'; done
  ipset save; nft list ruleset; ls /tmp/kipvs-state
}
chains_of() { "$1-save" 2>/dev/null | sed -n 's/^:\([^ ]*\) .*/\1/p' | sort; }
# removed <before file> <after file>: the lines of the first that the second lacks (counting repeats)
removed() { awk 'NR == FNR {left[$0]++; next} left[$0] > 0 {left[$0]--; next} {print}' "$2" "$1"; }
for b in $backends; do chains_of "$b" > "/tmp/chains.$b.before"; done
ipset list -n | sort > /tmp/sets.before
node_snapshot > /tmp/node.before-plan
kipvsd --config /tmp/kipvsd.conf --plan > /tmp/plan.txt 2> /tmp/plan.err || fail "--plan failed: $(tail -5 /tmp/plan.err)"
kipvsd --config /tmp/kipvsd.conf --plan --json > /tmp/plan.json 2>> /tmp/plan.err || fail "--plan --json failed"
node_snapshot > /tmp/node.after-plan
diff /tmp/node.before-plan /tmp/node.after-plan || fail "--plan changed the node"
cat /tmp/plan.txt
grep -qx "ipvs: delete-service TCP 10.96.0.99:80" /tmp/plan.txt || fail "the plan does not delete the stale service"
grep -E "^ipvs: (delete|add)-service TCP 10.96.0.10:80" /tmp/plan.txt && fail "the plan re-creates a live service"
for a in 10.96.0.10 10.96.0.53 10.96.0.99; do grep -qx "kube-ipvs0: remove $a" /tmp/plan.txt || fail "plan: $a"; done
grep -qx "kube-ipvs0: delete link" /tmp/plan.txt || fail "the plan keeps kube-ipvs0"
grep -q '"area":"ipset","change":"destroy KUBE-CLUSTER-IP"' /tmp/plan.json || fail "--json lacks the ipsets"
pass "--plan lists $(grep -c . /tmp/plan.txt) lines (text and JSON) and changes nothing"

# ---- traffic for the whole takeover: long-lived connections and a stream of new ones, both ways in
ip netns exec podc podnet hold 10.96.0.10 80 60 > /tmp/hold-pod.out 2>&1 &
hold_pod=$!
ip netns exec ext podnet hold 192.0.2.1 30080 60 > /tmp/hold-ext.out 2>&1 &
hold_ext=$!
(while [ ! -e /tmp/traffic.stop ]; do
  ip netns exec podc podnet ask tcp 10.96.0.10 80 1
  ip netns exec ext podnet ask tcp 192.0.2.1 30080 1
done) > /tmp/new.out 2>&1 &
new_loop=$!
wait_for "both long-lived connections" 10 grep -q "^pod" /tmp/hold-ext.out

# ---- first start: killed while it removes kube-proxy's iptables-legacy rules
mkdir -p /tmp/slowbin
cat > /tmp/slowbin/iptables-legacy-restore <<'SLOW'
#!/bin/bash
echo $$ > /tmp/takeover-midway
exec sleep 600
SLOW
chmod +x /tmp/slowbin/iptables-legacy-restore
: > /tmp/kipvsd.log
PATH=/tmp/slowbin:$PATH kipvsd --config /tmp/kipvsd.conf >> /tmp/kipvsd.log 2>&1 &
kipvsd_pid=$!
wait_for "kipvsd midway through the takeover" 60 test -s /tmp/takeover-midway
grep -q "takeover kube-proxy pending" /tmp/kipvs-state/state || fail "the record does not say the takeover is pending"
ip link show kube-ipvs0 >/dev/null 2>&1 && fail "kube-ipvs0 is still there midway"
[ -z "$(kube_proxy_chains iptables-nft)" ] || fail "iptables-nft still has kube-proxy's chains midway"
[ -n "$(kube_proxy_chains iptables-legacy)" ] || fail "iptables-legacy lost its chains before its turn"
kill -KILL "$kipvsd_pid"
wait "$kipvsd_pid" 2>/dev/null || true
kill "$(cat /tmp/takeover-midway)"
pass "killed midway: VIPs on kipvs0, kube-ipvs0 and iptables-nft's chains gone, iptables-legacy's left"

# ---- second start finishes the job
start_line=$(wc -l < /tmp/kipvsd.log)
kipvsd --config /tmp/kipvsd.conf >> /tmp/kipvsd.log 2>&1 &
kipvsd_pid=$!
wait_for "the takeover to complete" 60 sh -c "tail -n +$start_line /tmp/kipvsd.log | grep -q 'takeover kube-proxy: complete'"
tail -n +"$start_line" /tmp/kipvsd.log | grep -q "takeover kube-proxy: resuming" || fail "the restart did not resume"
grep -q "takeover" /tmp/kipvs-state/state && fail "the record still says pending: $(cat /tmp/kipvs-state/state)"
pass "the restart resumed and finished the takeover"

kill -0 "$hold_pod" && kill -0 "$hold_ext" || fail "a long-lived connection ended before the takeover did"
sleep 2
touch /tmp/traffic.stop
wait "$new_loop"
wait "$hold_pod" || fail "the pod's long-lived connection broke: $(tail -3 /tmp/hold-pod.out)"
wait "$hold_ext" || fail "the external long-lived connection broke: $(tail -3 /tmp/hold-ext.out)"
new=$(grep -c . /tmp/new.out)
lost=$(grep -c lost /tmp/new.out || true)
total=$((new + 2))
echo "KIPVS_TAKEOVER_CONNECTIONS failed=$lost total=$total"
[ "$lost" = 0 ] || fail "$lost of $total connections failed during takeover"
[ "$new" -ge 10 ] || fail "too few new connections to prove anything: $new"
pass "0 of $total connections failed during takeover (2 long-lived, $new new)"

# ---- the takeover did what --plan said: chains, sets, kube-ipvs0 addresses and deleted services
for b in $backends; do
  planned=$(sed -n "s/^$b [a-z]*: -X //p" /tmp/plan.txt | sort)
  chains_of "$b" > "/tmp/chains.$b.after"
  removed=$(removed "/tmp/chains.$b.before" "/tmp/chains.$b.after" | sort)
  [ "$planned" = "$removed" ] || fail "$b: planned -X [$planned], removed [$removed]"
done
planned=$(sed -n 's/^ipset: destroy //p' /tmp/plan.txt | sort)
ipset list -n | sort > /tmp/sets.after
removed=$(removed /tmp/sets.before /tmp/sets.after | sort)
[ "$planned" = "$removed" ] || fail "ipsets: planned [$planned], destroyed [$removed]"
for vs in $(sed -n 's/^ipvs: delete-service [A-Z]* //p' /tmp/plan.txt); do
  ipvsadm -Ln | grep -q " $vs " && fail "planned deletion of $vs did not happen"
done
pass "the takeover removed exactly the chains, sets and services --plan listed"

# ---- the node after the takeover
expected=$(printf '%s\n' "TCP 10.96.0.10:80 rr" "UDP 10.96.0.53:53 rr" "TCP 198.51.100.1:80 wlc" "TCP 192.0.2.1:8081 wlc" \
  $(for a in $(node_addresses); do echo "TCP_$a:30080_rr"; done) | tr _ ' ' | sort)
actual=$(ipvsadm -Ln | awk '/^(TCP|UDP)/ {print $1, $2, $3}' | sort)
[ "$actual" = "$expected" ] || fail "IPVS table: $actual; expected: $expected"
ipvsadm -Ln | grep -q 10.96.0.99 && fail "the stale virtual service is still there"
pass "the IPVS table is kipvs's (stale 10.96.0.99 gone), the foreign services untouched"
ip link show kube-ipvs0 >/dev/null 2>&1 && fail "kube-ipvs0 still exists"
for a in 10.96.0.10 10.96.0.53; do ip -br addr show dev kipvs0 | grep -q "$a/32" || fail "$a not on kipvs0"; done
ip -br addr show dev kipvs0 | grep -q 10.96.0.99 && fail "the stale VIP moved to kipvs0"
pass "kube-ipvs0 is gone; the live VIPs are on kipvs0"
for b in $backends; do
  [ -z "$(kube_proxy_chains "$b")" ] || fail "$b keeps kube-proxy's chains: $(kube_proxy_chains "$b")"
done
[ "$(ipset list -n | sort | tr '\n' ' ')" = "my-allow " ] || fail "ipsets left: $(ipset list -n | tr '\n' ' ')"
pass "kube-proxy's chains and jumps are gone from$backends; its ipsets are gone"
foreign_state > /tmp/foreign.after
diff /tmp/foreign.before /tmp/foreign.after || fail "kubelet's or foreign state changed"
pass "kubelet's chains, the foreign chain, ipset and virtual services are untouched"

kipvsd --config /tmp/kipvsd.conf --plan > /tmp/plan.after 2>> /tmp/plan.err || fail "--plan after the takeover failed"
grep -vE '^(#|nft: )' /tmp/plan.after && fail "after the takeover --plan still has changes"
pass "after the takeover --plan finds nothing to change: the table is as kipvs computes it"

# ---- --cleanup: only the foreign items (and kubelet's) are left
kill "$kipvsd_pid"
wait "$kipvsd_pid" || true
kipvsd --config /tmp/kipvsd.conf --cleanup > /tmp/cleanup.txt 2>&1 || fail "--cleanup failed: $(cat /tmp/cleanup.txt)"
cat /tmp/cleanup.txt
[ "$(ipvsadm -Ln | awk '/^(TCP|UDP)/ {print $2}' | sort | tr '\n' ' ')" = "192.0.2.1:8081 198.51.100.1:80 " ] ||
  fail "after --cleanup: $(ipvsadm -Ln)"
ip link show kipvs0 >/dev/null 2>&1 && fail "kipvs0 survived --cleanup"
nft list table inet kipvs >/dev/null 2>&1 && fail "inet kipvs survived --cleanup"
[ -e /tmp/kipvs-state/state ] && fail "the ownership record survived --cleanup"
foreign_state > /tmp/foreign.cleaned
diff /tmp/foreign.before /tmp/foreign.cleaned || fail "--cleanup touched foreign or kubelet state"
pass "--cleanup left only the foreign virtual services, chains and sets (and kubelet's)"
echo "kipvsd takeover: $passed passed, 0 failed"
