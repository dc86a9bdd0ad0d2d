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

log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
ctest --preset ci --output-on-failure -j"$(nproc)" "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# GoogleTest reports a failed SetUpTestSuite as skipped tests, which CTest does not count as failures:
# a skipped test is a test that did not prove anything, so it fails the run.
if grep -q "\*\*\*Skipped" "$log"; then
  echo "run-all: some tests were skipped (see above) — a skipped test is a failed test here" >&2
  exit 1
fi
exit "$status"
