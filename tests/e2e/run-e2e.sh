#!/usr/bin/env bash
# Boots Debian's kernel under qemu TCG with systemd as PID 1 on the host's own root (read-only over 9p,
# tmpfs overlay), runs a test script as a unit after multi-user.target, exits with the script's status.
# Usage:
#   run-e2e.sh --kernel-cache DIR --script FILE [--file PATH]... [--deb PATH] [--timeout S] [--mem MiB]
#              [--expect-status N]
# In the guest: the script runs with `bash -e` from /e2e/files (FILES copied there), /e2e/lib.sh
# is available, the .deb (if any) is /e2e/kipvs.deb. Console output is shown as it comes.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../vm/initrd-lib.sh
. "$here/../vm/initrd-lib.sh"

kernel_cache="" script="" deb="" timeout=300 mem=1024 expect=0 files=()
while (($#)); do
  case "$1" in
    --kernel-cache) kernel_cache=$2; shift 2 ;;
    --script) script=$2; shift 2 ;;
    --file) files+=("$2"); shift 2 ;;
    --deb) deb=$2; shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    --mem) mem=$2; shift 2 ;;
    --expect-status) expect=$2; shift 2 ;;
    *) echo "run-e2e: unknown argument $1" >&2; exit 2 ;;
  esac
done
kernel_from_cache run-e2e "$kernel_cache"
[ -f "$script" ] || { echo "run-e2e: no script '$script'" >&2; exit 1; }
[ -z "$deb" ] || [ -f "$deb" ] || { echo "run-e2e: no package '$deb' (build target package-deb)" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/kipvs-e2e.XXXXXX")
trap 'rm -rf "$work"' EXIT
exchange=$work/exchange
mkdir -p "$exchange/files"
cp "$script" "$exchange/test.sh"
cp "$here/guest-run.sh" "$here/lib.sh" "$exchange/"
for f in "${files[@]}"; do cp -rL "$f" "$exchange/files/"; done
[ -z "$deb" ] || cp "$deb" "$exchange/kipvs.deb"

# The initramfs: busybox, the modules to reach 9p and overlay, the init.
stage=$work/initrd
mkdir -p "$stage"/{bin,etc,proc,sys,dev}
stage_busybox "$stage"
cp "$here/e2e-init.sh" "$stage/init"
chmod +x "$stage/init"
echo "$version" >"$stage/etc/kernel-version"
echo "$timeout" >"$stage/etc/test-timeout"
modules=(virtio_pci 9pnet_virtio 9p overlay crc32c_generic)
printf '%s\n' "${modules[@]}" >"$stage/etc/initrd-modules"
stage_modules "$kroot" "$version" "$stage" "${modules[@]}"
pack_initrd "$stage" "$work/initrd.img"

log=$work/console.log
set +e
timeout --foreground -k 5 "$((timeout + 240))" qemu-system-x86_64 -accel tcg -cpu max -smp 2 -m "$mem" \
  -nographic -no-reboot -nic none -monitor none -serial stdio \
  -virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap" \
  -virtfs "local,path=$kroot/lib/modules/$version,mount_tag=modules,security_model=none,readonly=on" \
  -virtfs "local,path=$exchange,mount_tag=exchange,security_model=none" \
  -kernel "$kroot/boot/vmlinuz-$version" -initrd "$work/initrd.img" \
  -append "console=ttyS0 panic=-1 quiet loglevel=3 rdinit=/init systemd.unit=multi-user.target systemd.show_status=error" \
  </dev/null | tee "$log"
qemu_status=${PIPESTATUS[0]}
set -e

if [ -s "$exchange/journal.log" ]; then
  echo "---- guest journal (failure) ----"
  cat "$exchange/journal.log"
fi
status=$(cat "$exchange/status" 2>/dev/null || sed -n 's/^KIPVS_E2E_EXIT=\([0-9]*\).*/\1/p' "$log" | tail -n1)
exit_with_guest_status run-e2e "$status" "$expect" \
  "guest ended without reporting a status (qemu exit $qemu_status; timeout ${timeout}s?)"
