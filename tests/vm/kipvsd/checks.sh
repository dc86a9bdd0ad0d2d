# Sourced by the kipvsd VM scripts: pass/fail counting, polling, and on failure a dump of IPVS, kipvs0
# and the end of kipvsd's log (the scripts run kipvsd with its output in /tmp/kipvsd.log).

passed=0
dump() {
  echo "---- ipvsadm -Ln"; ipvsadm -Ln
  echo "---- kipvs0"; ip -br addr show dev kipvs0 || true
  echo "---- kipvsd log"; tail -40 /tmp/kipvsd.log || true
}
fail() { echo "FAIL: $*" >&2; dump; exit 1; }
pass() { echo "PASS: $*"; passed=$((passed + 1)); }
wait_for() {  # wait_for <what> <seconds> <command...>: polls until the command succeeds
  local what=$1 seconds=$2 start=$SECONDS; shift 2
  while ((SECONDS - start < seconds)); do
    if "$@" >/dev/null 2>&1; then
      echo "  ($what after $((SECONDS - start))s)"
      return 0
    fi
    sleep 0.2
  done
  fail "timed out after ${seconds}s waiting for: $what"
}
names() { awk '$1 != "lost" {print $1}' | sort | uniq -c | awk '{print $2 "=" $1}' | tr '\n' ' '; }
