#!/bin/sh
# /init of the test initramfs: mount the basics, load IPVS and networking modules, run the test script,
# report its exit status on the console, power off.
/bin/busybox --install -s /bin
export PATH=/opt/kipvs/bin:/usr/sbin:/usr/bin:/sbin:/bin
export LD_LIBRARY_PATH=/opt/kipvs/lib
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp
mkdir -p /run /var/run /dev/pts && mount -t tmpfs run /run && mount -t devpts devpts /dev/pts
mkdir -p /run/netns

# crc32c_generic first: libcrc32c (pulled in via conntrack) otherwise fails with "unknown symbol".
modprobe crc32c_generic
while read -r module params; do
  # shellcheck disable=SC2086 # params are words
  modprobe "$module" $params || echo "KIPVS_VM: modprobe $module failed"
done </etc/kipvs-modules
ip link set lo up

echo "KIPVS_VM_BEGIN"
cd /opt/kipvs/files
bash -e /opt/kipvs/test.sh
status=$?
echo "KIPVS_VM_EXIT=$status"
sync
poweroff -f
