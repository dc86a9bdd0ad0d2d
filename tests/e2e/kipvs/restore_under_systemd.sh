# Boot without an API server under systemd (rule 3, daemon/README.md, issue 6 item 1): source = kubernetes with
# an API server that does not answer.
# 1. No last-known-good file (issue 12): a unit ordered after kipvsd (as kubelet is) starts once
#    ready-timeout has passed; kipvsd is active and STATUS= says it is not synced and why.
# 2. A last-known-good file in /var/lib/kipvs: `systemctl restart` returns once the saved state is
#    programmed (Type=notify, READY=1), the unit is active, STATUS= and the bus say stale, and traffic to
#    the restored ClusterIP reaches the pods.
# 3. `systemctl reload` (kipvsctl reload, D-Bus Reload) fails with the reason on a bad configuration and
#    keeps the running one; a changed restart-only key is reported in the journal.
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
ready-timeout = 5s
CONF

step "no last-known-good file: a unit ordered after kipvsd starts after ready-timeout"
rm -f /var/lib/kipvs/last-known-good.json
cat >/etc/systemd/system/after-kipvs.service <<'UNIT'
[Unit]
Requires=kipvsd.service
After=kipvsd.service
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/touch /run/after-kipvs-ran
UNIT
systemctl daemon-reload
systemctl stop kipvsd
# Without ready-timeout this start would wait for the API server until TimeoutStartSec (3 min) fails it.
systemctl start after-kipvs.service
[ -e /run/after-kipvs-ran ] || fail "the unit ordered after kipvsd did not run"
expect_eq "$(systemctl is-active kipvsd)" active "is-active without API server nor state"
status=$(systemctl show -P StatusText kipvsd)
echo "StatusText: $status"
case $status in
  "not synced yet: API server unreachable"*"READY=1 sent after ready-timeout 5s") ;;
  *) fail "StatusText does not say why kipvsd is not synced: $status" ;;
esac
journalctl -u kipvsd --no-pager -p warning | grep -q "telling systemd the service is ready" ||
  fail "no journal warning about ready-timeout"
expect_eq "$(busctl get-property org.kipvs.Proxy1 /org/kipvs/Proxy1 org.kipvs.Proxy1.Manager SyncState)" \
  's "starting"' "SyncState before any sync"
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

step "systemctl reload fails visibly on a bad configuration and keeps the running one"
printf '[kipvsd]\nscheduler = foo\n' >/etc/kipvs/kipvsd.conf.d/90-bad.conf
if systemctl reload kipvsd; then fail "systemctl reload succeeded with scheduler = foo"; fi
journalctl -u kipvsd --no-pager | grep -q "90-bad.conf:2: scheduler: expected an IPVS scheduler" ||
  fail "the refusal is not in the journal with file:line and key"
expect_eq "$(systemctl is-active kipvsd)" active "is-active after a refused reload"
/usr/libexec/kipvs/kipvsd --check-config >/dev/null 2>/tmp/check && fail "--check-config accepted scheduler = foo"
grep -q "90-bad.conf:2: scheduler:" /tmp/check || fail "--check-config printed no finding on stderr"
rm /etc/kipvs/kipvsd.conf.d/90-bad.conf

step "a changed restart-only key is reported, the reload itself succeeds"
printf '[kipvsd]\nproxy-name = kipvs\n' >/etc/kipvs/kipvsd.conf.d/90-proxy.conf
kipvsctl reload 2>/tmp/reload || fail "kipvsctl reload failed: $(cat /tmp/reload)"
grep -q 'proxy-name: "" -> "kipvs" needs a restart' /tmp/reload || fail "restart-only key not reported: $(cat /tmp/reload)"
systemctl reload kipvsd
journalctl -u kipvsd --no-pager | grep -q 'reload: proxy-name: "" -> "kipvs" needs a restart' ||
  fail "restart-only key not in the journal"
step "restore_under_systemd OK"
