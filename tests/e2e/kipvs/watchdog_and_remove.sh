# A hung daemon is restarted by the watchdog; removing and purging the package leaves traffic flowing.
. /e2e/lib.sh
. ./pods.sh

make_pod pod1 1
make_pod pod2 2
mkdir -p /etc/kipvs/static.d
write_manifests /etc/kipvs/static.d
dpkg -i /e2e/kipvs.deb
wait_until 60 sh -c "ipvsadm -Ln -t 10.96.0.10:80 | grep -q 10.244.2.2"

step "kill -STOP: the watchdog restarts kipvsd"
pid=$(systemctl show -P MainPID kipvsd)
restarts=$(systemctl show -P NRestarts kipvsd)
kill -STOP "$pid"
requests 4 | grep -q FAILED && fail "traffic stopped while kipvsd hung"
# WatchdogSec=30s, RestartSec=2s, plus TCG slowness.
wait_until 120 sh -c "[ \"\$(systemctl show -P MainPID kipvsd)\" != $pid ] && systemctl is-active -q kipvsd"
expect_eq "$(systemctl show -P NRestarts kipvsd)" "$((restarts + 1))" "NRestarts"
journalctl -u kipvsd --no-pager | grep -i watchdog | head -n 3

step "apt-get remove: stopped, traffic still flowing"
apt-get remove -y -q kipvs
systemctl is-active -q kipvsd && fail "kipvsd still running after remove"
ipvsadm -Ln -t 10.96.0.10:80 | grep -q 10.244.1.2 || fail "IPVS service gone after remove"
requests 10 | sort | uniq -c | tee /tmp/spread
grep -q FAILED /tmp/spread && fail "traffic broken after remove"
[ -f /etc/kipvs/kipvsd.conf ] || fail "remove deleted the configuration"

step "dpkg --purge: configuration and state gone, traffic still flowing"
dpkg --purge kipvs
[ ! -e /etc/kipvs ] || fail "/etc/kipvs left after purge"
[ ! -e /var/lib/kipvs ] || fail "/var/lib/kipvs left after purge"
requests 4 | grep -q FAILED && fail "traffic broken after purge"
step "watchdog_and_remove OK"
