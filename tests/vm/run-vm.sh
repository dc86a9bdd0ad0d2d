#!/usr/bin/env bash
# Boots a test script in a minimal initramfs under qemu TCG with Debian's kernel; exits with the script's
# status. Everything the guest prints is shown. Usage:
#   run-vm.sh --kernel-cache DIR --script FILE [--program PATH]... [--file PATH]... [--timeout S] [--mem MiB]
#             [--expect-status N]   (succeed only if the script exits with N; default 0)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=initrd-lib.sh
. "$here/initrd-lib.sh"

kernel_cache="" script="" timeout=300 mem=1024 expect=0 programs=() files=()
while (($#)); do
  case "$1" in
    --kernel-cache) kernel_cache=$2; shift 2 ;;
    --script) script=$2; shift 2 ;;
    --program) programs+=("$2"); shift 2 ;;
    --file) files+=("$2"); shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    --mem) mem=$2; shift 2 ;;
    --expect-status) expect=$2; shift 2 ;;
    *) echo "run-vm: unknown argument $1" >&2; exit 2 ;;
  esac
done
kernel_from_cache run-vm "$kernel_cache"
[ -f "$script" ] || { echo "run-vm: no script '$script'" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/kipvs-vm.XXXXXX")
trap 'rm -rf "$work"' EXIT
stage=$work/root
mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,run,opt/kipvs/bin,opt/kipvs/lib,opt/kipvs/files}

stage_busybox "$stage"
# bash runs the test scripts: busybox sh would prefer its own applets (ip, ...) over the real tools.
stage_program "$stage" /bin/bash /bin/bash
for tool in /usr/sbin/ipvsadm /usr/sbin/nft /usr/sbin/ip /usr/sbin/conntrack; do
  if [ -e "$tool" ]; then stage_program "$stage" "$tool" "/usr/sbin/$(basename "$tool")"; fi
done
[ -e "$stage/usr/sbin/ip" ] || { echo "run-vm: iproute2 'ip' not found on host" >&2; exit 1; }
# iptables (both front ends, as kube-proxy nodes have them) and ipset: the kube-proxy takeover tests
# build kube-proxy's state with them, and kipvsd drives them to remove it.
stage_iptables_and_ipset "$stage"
for p in "${programs[@]}"; do stage_program "$stage" "$p" "/opt/kipvs/bin/$(basename "$p")"; done
for f in "${files[@]}"; do cp -rL "$f" "$stage/opt/kipvs/files/"; done
cp "$script" "$stage/opt/kipvs/test.sh"
cp "$here/guest-init.sh" "$stage/init"
chmod +x "$stage/init"

# The modules the tests need, with their dependencies, as modprobe resolves them.
modules=(ip_vs ip_vs_rr ip_vs_wrr ip_vs_lc ip_vs_wlc ip_vs_lblc ip_vs_lblcr ip_vs_dh ip_vs_sh ip_vs_sed
         ip_vs_nq ip_vs_fo ip_vs_ovf ip_vs_mh dummy veth nf_conntrack nf_conntrack_netlink nf_nat nf_tables
         nft_masq nft_chain_nat nft_ct nft_nat nft_fib_inet nft_reject_inet nft_numgen nf_defrag_ipv6 sctp
         crc32c_generic
         # iptables-nft (kube-proxy's iptables rules in bench-datapath): its xtables matches and targets
         nft_compat xt_comment xt_statistic xt_mark xt_addrtype xt_nat xt_tcpudp xt_conntrack xt_MASQUERADE
         # kube-proxy's IPVS-mode rules and sets in both iptables front ends (the takeover test)
         xt_set ip_tables iptable_nat iptable_filter ipt_REJECT ip6_tables ip6table_nat ip6table_filter
         ip_set_hash_ip ip_set_hash_ipport ip_set_hash_ipportip ip_set_hash_ipportnet ip_set_bitmap_port)
# One module per line, with its parameters: no dummy0 appears by itself.
printf '%s\n' "${modules[@]}" | sed 's/^dummy$/dummy numdummies=0/' > "$stage/etc/kipvs-modules"
stage_modules "$kroot" "$version" "$stage" "${modules[@]}"

pack_initrd "$stage" "$work/initrd"

log=$work/console.log
set +e
timeout --foreground -k 5 "$timeout" qemu-system-x86_64 -accel tcg -cpu max -smp 2 -m "$mem" \
  -nographic -no-reboot -nic none -monitor none -serial stdio \
  -kernel "$kroot/boot/vmlinuz-$version" -initrd "$work/initrd" \
  -append "console=ttyS0 panic=-1 quiet loglevel=3 rdinit=/init" </dev/null | tee "$log"
qemu_status=${PIPESTATUS[0]}
set -e

status=$(sed -n 's/^KIPVS_VM_EXIT=\([0-9]*\).*/\1/p' "$log" | tail -n1)
missing="guest ended without reporting a status (qemu exit $qemu_status)"
[ "$qemu_status" -ne 124 ] || missing="guest timed out after ${timeout}s"
exit_with_guest_status run-vm "$status" "$expect" "$missing"
