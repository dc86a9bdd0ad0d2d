# Guest side of bench-kipvsd: the real kipvsd at 10k Services x 10 endpoints vs ipvsadm -R.
# dbus-daemon resolves users and wants a machine id: the initramfs has neither.
[ -e /etc/passwd ] || echo 'root:x:0:0:root:/root:/bin/sh' > /etc/passwd
[ -e /etc/group ] || echo 'root:x:0:' > /etc/group
[ -e /etc/machine-id ] || echo 0123456789abcdef0123456789abcdef > /etc/machine-id
kipvsd_bench
