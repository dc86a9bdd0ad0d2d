#!/usr/bin/env bash
# The built .deb carries the distribution's hardening: lintian reports no hardening-* tag (no
# _FORTIFY_SOURCE functions, no RELRO, no BIND_NOW, no PIE, no stack protector) on any binary in it.
# Usage: check-hardening.sh <package.deb>
set -euo pipefail
deb=${1:?usage: check-hardening.sh <package.deb>}
[ -f "$deb" ] || { echo "check-hardening: no package at $deb" >&2; exit 1; }
# Every tag lintian emits, informational ones included; only the hardening family matters here.
report=$(lintian --display-info --display-experimental --no-tag-display-limit "$deb" 2>&1) || true
echo "$report" | grep -E '^[EWIXP]: ' | sed 's/^/lintian: /' || true
if echo "$report" | grep -qE '^[EWIXP]: [^ ]+: hardening-'; then
  echo "check-hardening: lintian reports hardening tags on $(basename "$deb"):" >&2
  echo "$report" | grep -E '^[EWIXP]: [^ ]+: hardening-' >&2
  exit 1
fi
# lintian ran and looked at the ELF files (a report without a single line would prove nothing).
contents=$(dpkg-deb -c "$deb")
grep -qE '/kipvsd$' <<<"$contents" || { echo "check-hardening: kipvsd is not in the package" >&2; exit 1; }
echo "check-hardening: no hardening-* tag on $(basename "$deb")"
