#!/usr/bin/env bash
# run-fuzz.sh [seconds-per-target] [target...]
# Builds the fuzz preset (clang, libFuzzer, ASan + UBSan) and fuzzes each target (default: all) for
# the given time (default 20 s), one after the other. The growing corpus is kept in
# build-fuzz/fuzz-corpus/<target> between runs (the committed seeds in tests/fuzz/corpus are only
# read); reproducers land in build-fuzz/fuzz-artifacts/<target>/. Exits non-zero if any target found
# a crash, leak, sanitizer report, timeout or out-of-memory.
# A reproducer worth keeping goes to tests/fuzz/regressions/<target>/ with the fix.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-20}
shift || true

launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
cmake --preset fuzz "${launcher[@]}" >/dev/null
cmake --build --preset fuzz -j"${KIPVS_BUILD_JOBS:-2}"

targets=("$@")
if ((${#targets[@]} == 0)); then
  for exe in build-fuzz/tests/fuzz/fuzz_*; do
    targets+=("${exe##*/fuzz_}")
  done
fi

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
failed=()
for target in "${targets[@]}"; do
  corpus=build-fuzz/fuzz-corpus/$target artifacts=build-fuzz/fuzz-artifacts/$target
  mkdir -p "$corpus" "$artifacts"
  seeds=(tests/fuzz/corpus/"$target")
  case $target in json_reader | k8s_object | k8s_list) seeds+=(tests/fixtures/k8s) ;; esac
  regressions=(tests/fuzz/regressions/"$target"/*)
  [ -e "${regressions[0]}" ] || regressions=()
  log=build-fuzz/fuzz-artifacts/$target.log
  options=(-timeout=10 -rss_limit_mb=2048 -artifact_prefix="$artifacts/")
  echo "run-fuzz: $target for ${seconds}s"
  # Regressions are replayed once, not mutated (some are deliberately slow or large).
  if { ((${#regressions[@]} == 0)) || build-fuzz/tests/fuzz/fuzz_"$target" "${options[@]}" "${regressions[@]}"; } >"$log" 2>&1 &&
    build-fuzz/tests/fuzz/fuzz_"$target" "${options[@]}" -max_total_time="$seconds" -max_len=8192 \
      -print_final_stats=1 "$corpus" "${seeds[@]}" >>"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    echo "run-fuzz: $target ok: ${runs:-?} runs, $((${runs:-0} / seconds)) exec/s, corpus $(ls "$corpus" | wc -l) inputs"
  else
    echo "run-fuzz: $target FAILED (log $log, reproducers in $artifacts/):" >&2
    grep -E "ERROR|SUMMARY|invariant|runtime error" "$log" | head -5 >&2 || true
    failed+=("$target")
  fi
done
if ((${#failed[@]})); then
  echo "run-fuzz: failed: ${failed[*]}" >&2
  exit 1
fi
echo "run-fuzz: all ${#targets[@]} targets clean"
