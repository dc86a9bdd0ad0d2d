# Boot without an API server under systemd (rule 3, daemon/README.md, issue 6 item 1): source = kubernetes with
# an API server that does not answer and a last-known-good file in /var/lib/kipvs. `systemctl restart`
# returns once the saved state is programmed (Type=notify, READY=1), the unit is active, STATUS= and
# the bus say stale, and traffic to the restored ClusterIP reaches the pods.
. /e2e/lib.sh
. ./pods.sh

step "pods in network namespaces; the package installed"
make_pod pod1 1
make_pod pod2 2
dpkg -i /e2e/kipvs.deb

step "source = kubernetes, the API server unreachable, a last-known-good file"
cat >/etc/kipvs/kubeconfig <<'KUBE'
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
mkdir -p /etc/kipvs/kipvsd.conf.d
cat >/etc/kipvs/kipvsd.conf.d/50-kubernetes.conf <<'CONF'
[kipvsd]
source = kubernetes
kubeconfig = /etc/kipvs/kubeconfig
node-name = node-a
restore-after = 2s
CONF
endpoint() {  # endpoint <index>
  printf '{"addresses":["10.244.%s.2"],"conditions":{"ready":true},"targetRef":{"kind":"Pod","name":"pod%s"}}' "$1" "$1"
}
{
  printf '{"apiVersion":"v1","kind":"List","metadata":{"resourceVersion":"12"},'
  printf '"kipvs":{"format":1,"nodeName":"node-a","savedAt":"2026-11-26T12:00:00Z"},"items":['
  printf '{"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"demo","uid":"u1","resourceVersion":"10"},'
  printf '"spec":{"clusterIPs":["10.96.0.10"],"ports":[{"name":"http","protocol":"TCP","port":80,"targetPort":8080}]}},'
  printf '{"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"name":"web-1","namespace":"demo",'
  printf '"labels":{"kubernetes.io/service-name":"web"},"resourceVersion":"11"},"addressType":"IPv4",'
  printf '"ports":[{"name":"http","protocol":"TCP","port":8080}],"endpoints":[%s,%s]}' "$(endpoint 1)" "$(endpoint 2)"
  printf ']}\n'
} >/var/lib/kipvs/last-known-good.json

step "systemctl restart returns once the saved state is programmed"
systemctl restart kipvsd
expect_eq "$(systemctl is-active kipvsd)" active "is-active"
status=$(systemctl show -P StatusText kipvsd)
echo "StatusText: $status"
expect_eq "$status" "stale: restored last-known-good state from /var/lib/kipvs/last-known-good.json (1 services, saved 2026-11-26T12:00:00Z); API server unreachable" "StatusText"
ipvsadm -Ln -t 10.96.0.10:80 | grep -q '10.244.1.2:8080' || fail "pod1 not programmed when restart returned"
ipvsadm -Ln -t 10.96.0.10:80 | grep -q '10.244.2.2:8080' || fail "pod2 not programmed when restart returned"
expect_eq "$(busctl get-property org.kipvs.Proxy1 /org/kipvs/Proxy1 org.kipvs.Proxy1.Manager SyncState)" \
  's "stale"' "SyncState"
journalctl -u kipvsd --no-pager -p warning | grep -q "restored last-known-good state" ||
  fail "no journal warning about the restore"

step "traffic to the restored ClusterIP reaches both pods"
requests 10 | sort | uniq -c | tee /tmp/spread
grep -q FAILED /tmp/spread && fail "requests failed"
grep -q pod1 /tmp/spread && grep -q pod2 /tmp/spread || fail "not spread over both pods"
systemctl status kipvsd --no-pager | head -n 12
step "restore_under_systemd OK"
