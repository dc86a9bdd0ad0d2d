#!/usr/bin/env bash
# Fetches Debian's current linux-image-*-amd64 (with IPVS as modules) into a cache folder, unpacks it and
# indexes its modules. Idempotent: a cache that is complete is reused. Usage: fetch-kernel.sh <cache-dir>
set -euo pipefail
cache=${1:?usage: fetch-kernel.sh <cache-dir>}
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)

if [ -f "$cache/ready" ]; then
  echo "fetch-kernel: using cached kernel $(cat "$cache/ready")"
  exit 0
fi

package=$(apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[^ ]*-amd64\)$/\1/p' | head -n1)
if [ -z "$package" ]; then
  apt-get update -q >/dev/null
  package=$(apt-cache depends linux-image-amd64 | sed -n 's/^ *Depends: \(linux-image-[^ ]*-amd64\)$/\1/p' | head -n1)
fi
[ -n "$package" ] || { echo "fetch-kernel: cannot resolve linux-image-amd64" >&2; exit 1; }
version=${package#linux-image-}

rm -rf "$cache/root" "$cache"/*.deb
(cd "$cache" && apt-get download -q "$package" 2>&1 | grep -v '^W: Download is performed unsandboxed' || true)
deb=$(ls "$cache"/linux-image-*.deb)
dpkg -x "$deb" "$cache/root"
rm -f "$deb"
depmod -b "$cache/root" "$version"
[ -f "$cache/root/boot/vmlinuz-$version" ] || { echo "fetch-kernel: no vmlinuz in $package" >&2; exit 1; }
echo "$version" > "$cache/ready"
echo "fetch-kernel: $package ready in $cache"
