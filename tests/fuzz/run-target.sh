#!/usr/bin/env bash
# run-target.sh <fuzzer> <seconds> <workdir> <regressions dir> <seed dir>...
# Replays the regression inputs once, then fuzzes for <seconds> on a fresh scratch corpus in
# <workdir>/corpus (seed directories are only read), leaving crash/leak/timeout reproducers in
# <workdir>. Fails on any crash, leak, sanitizer report, timeout or out-of-memory (libFuzzer exits
# non-zero on each).
set -euo pipefail
fuzzer=$1 seconds=$2 workdir=$3 regressions=$4
shift 4
rm -rf "$workdir"
mkdir -p "$workdir/corpus"
seeds=()
for dir in "$@"; do
  [ -d "$dir" ] && seeds+=("$dir")
done
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
options=(-timeout=10 -rss_limit_mb=2048 -artifact_prefix="$workdir/")
if [ -d "$regressions" ] && [ -n "$(ls -A "$regressions")" ]; then
  "$fuzzer" "${options[@]}" "$regressions"/*
fi
exec "$fuzzer" "${options[@]}" -max_total_time="$seconds" -max_len=8192 -print_final_stats=1 \
  "$workdir/corpus" "${seeds[@]}"
