#!/usr/bin/env bash
# Installs every Debian 12 package kipvs needs to build, test (all tiers), package and run its VM tier.
# Idempotent: packages already present are left alone; safe to run again.
set -euo pipefail

packages=(
  # build
  build-essential cmake ninja-build pkg-config git
  libnl-3-dev libnl-genl-3-dev libnl-route-3-dev libnl-nf-3-dev
  libsdbus-c++-dev libsdbus-c++-bin libsystemd-dev
  libpoco-dev libyaml-cpp-dev libnftables-dev
  libgtest-dev libgmock-dev
  clang-format clang-tidy
  # fuzz tier (tests/fuzz): clang and libFuzzer's runtime (libclang_rt.fuzzer-x86_64.a)
  clang libclang-rt-14-dev
  # test tiers: bus (dbus-daemon, busctl, gdbus), k8s (openssl for test certificates)
  dbus dbus-bin systemd libglib2.0-bin openssl iproute2 nftables
  # VM tier: qemu under TCG, a busybox initramfs, kernel modules, ipvsadm inside the guest
  qemu-system-x86 busybox-static kmod cpio ipvsadm procps conntrack
  # benchmarks (tests/bench): kube-proxy's iptables rules for bench-datapath, its plot; simdjson, the
  # JSON library bench-k8s compares kipvs's decoder with (the bench links it, kipvsd does not)
  iptables gnuplot-nox libsimdjson-dev
  # the kube-proxy takeover (kipvsd drives them; the VM tier builds kube-proxy's state with them)
  ipset
  # metrics: promtool (unit tier) checks the /metrics text; the prometheus server scrapes kipvsd (VM tier)
  prometheus
  # packaging
  dpkg-dev fakeroot rpm lintian rpmlint
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -q
  "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
echo "install-deps: all ${#packages[@]} packages present"
