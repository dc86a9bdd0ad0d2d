#!/bin/sh
# /init of the e2e initramfs: mount the host's root read-only over 9p under a tmpfs overlay, add the
# kernel's modules and the read-write exchange share, neutralise what would make the host's root a bad
# guest (container markers, enabled units, slow generators), install the test unit, and hand over to
# systemd as PID 1.
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
version=$(cat /etc/kernel-version)
die() { echo "KIPVS_E2E_INIT: $*"; echo "KIPVS_E2E_EXIT=125"; poweroff -f; }

while read -r module; do modprobe "$module" || die "modprobe $module failed"; done </etc/initrd-modules

p9() { mount -t 9p -o "trans=virtio,version=9p2000.L,msize=262144,$2" "$1" "$3" || die "mount 9p $1 failed"; }
mkdir -p /lower /rw /newroot
p9 hostroot cache=loose,ro /lower
mount -t tmpfs -o mode=0755 rw /rw && mkdir /rw/upper /rw/work
mount -t overlay -o lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work overlay /newroot || die "overlay failed"
r=/newroot
mkdir -p "$r/lib/modules/$version" "$r/e2e"
p9 modules cache=loose,ro "$r/lib/modules/$version"
# Build outputs change between runs: no cache on the exchange share.
p9 exchange cache=none "$r/e2e"
# systemd-tmpfiles would clean the host's /tmp and /var/tmp over 9p, one lookup at a time.
mount -t tmpfs -o mode=1777 tmp "$r/tmp"
mount -t tmpfs -o mode=1777 vartmp "$r/var/tmp"

# A container marker makes systemd ignore systemd.* kernel arguments.
rm -f "$r/.dockerenv"
# The host image forbids service starts in maintainer scripts (policy-rc.d exits 101); a real system
# does not. man-db's dpkg trigger would re-index every man page over 9p (minutes under TCG).
rm -f "$r/usr/sbin/policy-rc.d" "$r/var/lib/man-db/auto-update"
# Nothing the host enabled (databases, timers, gettys, SysV scripts) runs in the guest.
rm -rf "$r"/etc/systemd/system/*.wants
rm -f "$r"/etc/rc[2-5].d/S*
# Every unit and generator a network test does not need is masked: under TCG each costs seconds.
for unit in getty.target systemd-timesyncd.service e2scrub_reap.service apt-daily.timer \
            apt-daily-upgrade.timer man-db.timer systemd-tmpfiles-clean.timer systemd-logind.service \
            systemd-update-utmp.service systemd-random-seed.service systemd-binfmt.service \
            proc-sys-fs-binfmt_misc.automount systemd-journal-flush.service systemd-pstore.service \
            modprobe@drm.service modprobe@fuse.service modprobe@loop.service modprobe@dm_mod.service \
            modprobe@configfs.service dev-hugepages.mount dev-mqueue.mount sys-kernel-debug.mount \
            sys-kernel-tracing.mount sys-kernel-config.mount sys-fs-fuse-connections.mount \
            systemd-ask-password-wall.path systemd-ask-password-console.path systemd-initctl.socket \
            systemd-journald-audit.socket; do
  ln -sf /dev/null "$r/etc/systemd/system/$unit"
done
mkdir -p "$r/etc/systemd/system-generators"
for generator in "$r"/lib/systemd/system-generators/*; do
  case ${generator##*/} in systemd-debug-generator) ;; *) ln -sf /dev/null "$r/etc/systemd/system-generators/${generator##*/}" ;; esac
done
# No udev: no .device units, so nothing may wait for a disk from fstab.
echo "# kipvs e2e guest: everything is mounted by the initramfs" >"$r/etc/fstab"
mkdir -p "$r/etc/modules-load.d" "$r/etc/modprobe.d"
# libcrc32c (via conntrack) fails with "unknown symbol" unless crc32c_generic is loaded first.
echo crc32c_generic >"$r/etc/modules-load.d/00-kipvs-e2e.conf"
# The kernel autoloads dummy when kipvsd creates kipvs0; no dummy0 with it.
echo "options dummy numdummies=0" >"$r/etc/modprobe.d/kipvs-e2e.conf"

timeout=$(cat /etc/test-timeout)
cat >"$r/etc/systemd/system/kipvs-e2e.service" <<UNIT
[Unit]
Description=kipvs end-to-end test
After=multi-user.target
SuccessAction=poweroff-immediate
FailureAction=poweroff-immediate

[Service]
Type=exec
ExecStart=/bin/bash /e2e/guest-run.sh
StandardOutput=journal+console
StandardError=journal+console
RuntimeMaxSec=${timeout}
UNIT
mkdir -p "$r/etc/systemd/system/multi-user.target.wants"
ln -s ../kipvs-e2e.service "$r/etc/systemd/system/multi-user.target.wants/kipvs-e2e.service"

umount /proc /sys
mount --move /dev "$r/dev"
exec switch_root "$r" /lib/systemd/systemd
