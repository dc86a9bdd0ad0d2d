# The package on a real systemd: dpkg -i, start after the first sync, busctl/kipvsctl/ipvsadm agree,
# traffic to a ClusterIP reaches pods, reload applies a config change, restart and a package upgrade
# under continuous connections lose none.
. /e2e/lib.sh
. ./pods.sh

step "pods in network namespaces"
make_pod pod1 1
make_pod pod2 2

step "dpkg -i kipvs.deb"
dpkg -i /e2e/kipvs.deb
expect_eq "$(systemctl is-enabled kipvsd)" enabled "enabled after install"
expect_eq "$(systemctl is-active kipvsd)" active "started after install (Debian default; inert config)"
getent group kipvs >/dev/null || fail "group kipvs not created"
grep -q '^ip_vs ' /proc/modules || fail "ip_vs not loaded by postinst"
expect_eq "$(sysctl -n net.ipv4.vs.conntrack)" 1 "net.ipv4.vs.conntrack"

step "systemctl restart returns once the first sync is done"
write_manifests /etc/kipvs/static.d
systemctl restart kipvsd
# No waiting: Type=notify, READY=1 only after the kernel is programmed.
ipvsadm -Ln -t 10.96.0.10:80 | grep -q '10.244.1.2:8080' || fail "pod1 not programmed when start returned"
ipvsadm -Ln -t 10.96.0.10:80 | grep -q '10.244.2.2:8080' || fail "pod2 not programmed when start returned"
systemctl show -P StatusText kipvsd

step "busctl and kipvsctl agree with ipvsadm"
busctl get-property org.kipvs.Proxy1 /org/kipvs/Proxy1 org.kipvs.Proxy1.Manager SyncState
count=$(busctl get-property org.kipvs.Proxy1 /org/kipvs/Proxy1 org.kipvs.Proxy1.Manager VirtualServiceCount)
expect_eq "$count" "u 1" "VirtualServiceCount"
kipvsctl list | tee /tmp/list
grep -q '10.96.0.10' /tmp/list || fail "kipvsctl list misses the ClusterIP"
ipvsadm -Ln

step "traffic to the ClusterIP reaches both pods"
requests 20 | sort | uniq -c | tee /tmp/spread
grep -q FAILED /tmp/spread && fail "requests failed"
grep -q pod1 /tmp/spread || fail "no answer from pod1"
grep -q pod2 /tmp/spread || fail "no answer from pod2"

step "systemctl reload applies a configuration change"
pid=$(systemctl show -P MainPID kipvsd)
printf '[kipvsd]\nscheduler = wrr\n' >/etc/kipvs/kipvsd.conf.d/50-e2e.conf
systemctl reload kipvsd
wait_until 30 sh -c "ipvsadm -Ln -t 10.96.0.10:80 | grep -q ' wrr'"
expect_eq "$(systemctl show -P MainPID kipvsd)" "$pid" "MainPID after reload"

# start_load / stop_load: back-to-back HTTP requests to the ClusterIP, one connection each, while the
# caller disturbs the daemon; stop_load leaves "<ok> <lost>" in /tmp/load-result.
start_load() {
  rm -f /tmp/stop-load /tmp/load-result
  ( ok=0 failed=0
    while [ ! -e /tmp/stop-load ]; do
      if curl -s --max-time 5 -o /dev/null http://10.96.0.10/; then ok=$((ok + 1)); else failed=$((failed + 1)); fi
    done
    echo "$ok $failed" >/tmp/load-result ) &
  sleep 3
}
stop_load() {
  touch /tmp/stop-load
  wait
}

step "restart under continuous connections loses none"
start_load
for round in 1 2 3; do systemctl restart kipvsd; sleep 2; done
stop_load
read -r ok failed </tmp/load-result
echo "E2E FIGURE: connections during 3 restarts: $ok ok, $failed lost"
[ "$ok" -gt 0 ] || fail "no connection completed during the restarts"
expect_eq "$failed" 0 "connections lost during restart"

step "package upgrade under continuous connections loses none"
# Re-installing the package runs the upgrade path of the maintainer scripts (prerm upgrade, postinst
# configure <old-version>), which restarts the daemon; the drop-in and the kernel's state must survive.
pid=$(systemctl show -P MainPID kipvsd)
start_load
dpkg -i /e2e/kipvs.deb
sleep 2
stop_load
read -r ok failed </tmp/load-result
echo "E2E FIGURE: connections during the upgrade: $ok ok, $failed lost"
[ "$ok" -gt 0 ] || fail "no connection completed during the upgrade"
expect_eq "$failed" 0 "connections lost during the upgrade"
expect_eq "$(systemctl is-active kipvsd)" active "active after the upgrade"
[ "$(systemctl show -P MainPID kipvsd)" != "$pid" ] || fail "the upgrade did not restart kipvsd"
[ -e /etc/kipvs/kipvsd.conf.d/50-e2e.conf ] || fail "the upgrade removed the admin's drop-in"
ipvsadm -Ln -t 10.96.0.10:80 | grep -q ' wrr' || fail "scheduler from the drop-in lost by the upgrade"
step "install_and_serve OK"
