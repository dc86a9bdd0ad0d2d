# A hung daemon is restarted by the watchdog; removing and purging the package leaves traffic flowing;
# purge removes what the package created and keeps the manifests the admin wrote in static.d; the
# package ships its README.
. /e2e/lib.sh
. ./pods.sh

make_pod pod1 1
make_pod pod2 2
mkdir -p /etc/kipvs/static.d
write_manifests /etc/kipvs/static.d
dpkg -i /e2e/kipvs.deb
[ -f /usr/share/doc/kipvs/README.md.gz ] || fail "README not shipped in /usr/share/doc/kipvs"
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

step "dpkg --purge: the package's configuration and state gone, the admin's manifests kept, traffic still flowing"
dpkg --purge kipvs
[ ! -e /etc/kipvs/kipvsd.conf ] || fail "/etc/kipvs/kipvsd.conf left after purge"
[ ! -e /etc/kipvs/kipvsd.conf.d ] || fail "/etc/kipvs/kipvsd.conf.d (empty, the package's) left after purge"
[ ! -e /var/lib/kipvs ] || fail "/var/lib/kipvs left after purge"
[ -f /etc/kipvs/static.d/web.yaml ] || fail "purge deleted the admin's manifest /etc/kipvs/static.d/web.yaml"
requests 4 | grep -q FAILED && fail "traffic broken after purge"
step "watchdog_and_remove OK"
