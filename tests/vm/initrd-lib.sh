# shellcheck shell=bash
# Shared by run-vm.sh and tests/e2e/run-e2e.sh: building blocks of a test boot, from the cached kernel
# to the test's exit status.

# kernel_from_cache <runner> <cache dir>: sets `version` and `kroot` to the cached Debian kernel; fails
# the run when fetch-kernel.sh has not filled the cache.
kernel_from_cache() {
  local runner=$1 cache=$2
  [ -f "$cache/ready" ] || { echo "$runner: no kernel in '$cache' (fetch-kernel.sh failed?)" >&2; exit 1; }
  version=$(cat "$cache/ready")
  kroot=$cache/root
}

# stage_busybox <stage dir>: busybox as /bin/busybox and /bin/sh.
stage_busybox() {
  cp /bin/busybox "$1/bin/busybox"
  ln -s busybox "$1/bin/sh"
}

# stage_program <stage dir> <executable> <path in the guest>: copies the executable and every shared
# library it needs (to the same path as on the host) into the stage.
stage_program() {
  local stage=$1 exe=$2 dest=$3 lib
  cp -L "$exe" "$stage$dest"
  ldd "$exe" 2>/dev/null | awk '/=>/ {print $3} /^\t\/lib/ {print $1}' | while read -r lib; do
    [ -n "$lib" ] && [ -e "$lib" ] || continue
    mkdir -p "$stage$(dirname "$lib")"
    [ -e "$stage$lib" ] || cp -L "$lib" "$stage$lib"
  done
}

# stage_iptables_and_ipset <stage dir>: xtables-nft-multi and xtables-legacy-multi under every name
# (ip6)tables-{nft,legacy}[-save|-restore], their extensions (loaded at run time, so not seen by ldd),
# ipset and /etc/protocols — those that the host has.
stage_iptables_and_ipset() {
  local stage=$1 multi front tool ext=/usr/lib/x86_64-linux-gnu/xtables so
  for multi in nft legacy; do
    [ -e "/usr/sbin/xtables-$multi-multi" ] || continue
    stage_program "$stage" "/usr/sbin/xtables-$multi-multi" "/usr/sbin/xtables-$multi-multi"
    for front in iptables ip6tables; do
      for tool in "" -save -restore; do
        ln -sf "xtables-$multi-multi" "$stage/usr/sbin/$front-$multi$tool"
      done
    done
  done
  if [ -d "$ext" ]; then
    mkdir -p "$stage$ext"
    for so in "$ext"/*.so; do stage_program "$stage" "$so" "$so"; done
  fi
  if [ -e /usr/sbin/ipset ]; then stage_program "$stage" /usr/sbin/ipset /usr/sbin/ipset; fi
  # ipset and iptables name protocols ("tcp:80", "-p tcp") through getprotobyname.
  if [ -e /etc/protocols ]; then cp /etc/protocols "$stage/etc/protocols"; fi
}

# stage_modules <kernel root> <version> <stage dir> <module...>: copies the modules and everything they
# depend on (as modprobe resolves it in the kernel tree) into the stage and indexes them.
stage_modules() {
  local kroot=$1 version=$2 stage=$3; shift 3
  local mdest=$stage/lib/modules/$version m ko rel
  mkdir -p "$mdest"
  for m in "$@"; do
    modprobe -d "$kroot" -S "$version" --show-depends "$m" | awk '$1 == "insmod" {print $2}'
  done | sort -u | while read -r ko; do
    rel=${ko#"$kroot"/lib/modules/"$version"/}
    mkdir -p "$mdest/$(dirname "$rel")"
    cp "$ko" "$mdest/$rel"
  done
  cp "$kroot/lib/modules/$version"/modules.{order,builtin,builtin.modinfo} "$mdest/"
  depmod -b "$stage" "$version"
}

# pack_initrd <stage dir> <image>: the stage as a newc cpio archive.
pack_initrd() {
  (cd "$1" && find . | cpio -o -H newc --quiet) >"$2"
}

# exit_with_guest_status <runner> <status> <expect> <why there is none>: exits with the guest's status,
# or 0 when it is the non-zero status expected (`expect` 0: none expected); 1 when the guest reported
# no status at all.
exit_with_guest_status() {
  local runner=$1 status=$2 expect=$3 missing=$4
  if [ -z "$status" ]; then
    echo "$runner: $missing" >&2
    exit 1
  fi
  if [ "$expect" -ne 0 ]; then
    [ "$status" -eq "$expect" ] && { echo "$runner: guest exited $status as expected"; exit 0; }
    echo "$runner: guest exited $status, expected $expect" >&2
    exit 1
  fi
  exit "$status"
}
