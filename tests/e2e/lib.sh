# Helpers for e2e guest scripts: `. /e2e/lib.sh`.

# step <words>: a visible milestone in the console log.
step() { echo "E2E: $*"; }

# fail <words>: stop the test with a message.
fail() { echo "E2E FAIL: $*" >&2; exit 1; }

# wait_until <seconds> <command...>: run the command every 0.5 s until it succeeds; fail after <seconds>.
wait_until() {
  local limit=$1; shift
  local deadline=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || fail "timed out after ${limit}s waiting for: $*"
    sleep 0.5
  done
}

# expect_eq <actual> <expected> <what>
expect_eq() { [ "$1" = "$2" ] || fail "$3: got '$1', expected '$2'"; }
