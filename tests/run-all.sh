#!/usr/bin/env bash
# Runs every kipvs test tier on a Debian 12 machine: installs dependencies, builds with warnings as
# errors, runs ctest. Fails loudly if a tier that must exist has no tests (a tier is never skipped).
set -euo pipefail
cd "$(dirname "$0")/.."

bash packaging/install-deps.sh
cmake --preset ci
cmake --build --preset ci
# The fuzz tier has its own build (clang, libFuzzer, ASan + UBSan): only the fuzz targets.
cmake --preset fuzz
cmake --build --preset fuzz

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
fuzz_count=$(ctest --preset fuzz -N | sed -n 's/^Total Tests: //p')
if [ "${fuzz_count:-0}" -eq 0 ]; then
  echo "run-all: tier 'fuzz' has no tests registered — refusing to call this a pass" >&2
  exit 1
fi
echo "run-all: tier fuzz: ${fuzz_count} tests"

log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
ctest --preset ci --output-on-failure -j"$(nproc)" "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
# Each fuzz test fuzzes one target for KIPVS_FUZZ_SECONDS (15 s) after replaying its regressions.
ctest --preset fuzz --output-on-failure -j"$(nproc)" 2>&1 | tee -a "$log"
fuzz_status=${PIPESTATUS[0]}
[ "$status" -ne 0 ] || status=$fuzz_status
set -e
# GoogleTest reports a failed SetUpTestSuite as skipped tests, which CTest does not count as failures:
# a skipped test is a test that did not prove anything, so it fails the run.
if grep -q "\*\*\*Skipped" "$log"; then
  echo "run-all: some tests were skipped (see above) — a skipped test is a failed test here" >&2
  exit 1
fi
exit "$status"
