#!/usr/bin/env bash
# Runs every kipvs test tier on a Debian 12 machine: installs dependencies, builds with warnings as
# errors, runs ctest. Fails loudly if a tier that must exist has no tests (a tier is never skipped).
set -euo pipefail
cd "$(dirname "$0")/.."

bash packaging/install-deps.sh
cmake --preset ci
cmake --build --preset ci

required_tiers=(unit vm)
[ -d tests/k8s ] && [ -f tests/k8s/CMakeLists.txt ] && required_tiers+=(k8s)
[ -d tests/bus ] && [ -f tests/bus/CMakeLists.txt ] && required_tiers+=(bus)
[ -d tests/e2e ] && [ -f tests/e2e/CMakeLists.txt ] && required_tiers+=(e2e)
for tier in "${required_tiers[@]}"; do
  count=$(ctest --preset ci -N -L "^${tier}\$" | sed -n 's/^Total Tests: //p')
  if [ "${count:-0}" -eq 0 ]; then
    echo "run-all: tier '${tier}' has no tests registered — refusing to call this a pass" >&2
    exit 1
  fi
  echo "run-all: tier ${tier}: ${count} tests"
done

ctest --preset ci --output-on-failure -j"$(nproc)" "$@"
