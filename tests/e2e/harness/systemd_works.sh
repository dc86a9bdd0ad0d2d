# The e2e harness proves itself: systemd is PID 1 and running, a unit starts and stops, the system bus
# answers busctl, IPVS modules load from the kernel share, and no host service leaked into the guest.
. /e2e/lib.sh

step "PID 1 is systemd"
expect_eq "$(cat /proc/1/comm)" systemd "PID 1"
expect_eq "$(systemd-detect-virt --container || true)" none "container detection"

step "a unit starts, runs, stops"
cat >/run/systemd/system/e2e-trivial.service <<'UNIT'
[Service]
Type=notify
ExecStart=/bin/sh -c 'systemd-notify --ready --status="trivial and ready"; exec sleep infinity'
UNIT
systemctl daemon-reload
systemctl start e2e-trivial.service
expect_eq "$(systemctl is-active e2e-trivial.service)" active "e2e-trivial state"
expect_eq "$(systemctl show -P StatusText e2e-trivial.service)" "trivial and ready" "status text"
systemctl stop e2e-trivial.service
expect_eq "$(systemctl is-active e2e-trivial.service || true)" inactive "e2e-trivial after stop"

step "the system bus answers"
busctl --system call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus GetId >/dev/null
busctl --system list --no-pager | grep -q '^org.freedesktop.systemd1 ' || fail "systemd1 not on the bus"
expect_eq "$(busctl get-property org.freedesktop.systemd1 /org/freedesktop/systemd1 \
  org.freedesktop.systemd1.Manager Virtualization)" 's "qemu"' "virtualization seen by systemd"

step "IPVS from the kernel's modules"
modprobe ip_vs
ipvsadm -A -t 10.96.0.1:80 -s rr
ipvsadm -Ln | grep -q '10.96.0.1:80' || fail "ipvsadm does not list the service"

step "no host service leaked in"
for unit in postgresql.service getty@tty1.service ipvsadm.service; do
  state=$(systemctl is-active "$unit" || true)
  [ "$state" != active ] || fail "$unit runs in the guest"
done
step "harness OK"
