#!/usr/bin/env bash
# The kipvs demo in one command, on a fresh Debian 12 machine (root or sudo): installs the build
# dependencies, builds kipvs and its .deb, boots a VM with systemd as PID 1 (Debian's kernel with IPVS,
# under qemu), installs the package there, feeds kipvsd an example Service and EndpointSlice from the
# static source, and shows `kipvsctl list`, `ipvsadm -Ln` and requests to the ClusterIP spread over two
# example pods (network namespaces inside the VM; no traffic leaves it).
set -euo pipefail
cd "$(dirname "$0")/.."
bash packaging/install-deps.sh
cmake --preset ci
cmake --build --preset ci -j"$(nproc)"
cmake --build --preset ci --target package-deb
tests/vm/fetch-kernel.sh build-ci/vm-kernel
exec tests/e2e/run-e2e.sh --kernel-cache build-ci/vm-kernel --script tests/e2e/demo/guest.sh \
  --file tests/e2e/kipvs/pods.sh --deb "build-ci/packages/$(cd build-ci/packages && ls -t kipvs_*_amd64.deb | head -n1)" \
  --timeout 300
