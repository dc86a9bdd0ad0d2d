#!/usr/bin/env bash
# Lints the packages CPack built: lintian on the .deb, rpmlint on the .rpm. Fails on any error;
# warnings are printed (the accepted ones are explained in packaging/README.md).
# Usage: lint.sh <package-dir> <version-release>
set -euo pipefail
dir=${1:?usage: lint.sh <package-dir> <version-release>} version=${2:?}
deb=$dir/kipvs_${version}_amd64.deb
rpm=$dir/kipvs-${version}.x86_64.rpm
status=0

echo "== lintian $(basename "$deb")"
# --fail-on error: warnings are reported, not fatal.
lintian --info --display-info --fail-on error "$deb" || status=1

echo "== rpmlint $(basename "$rpm")"
if command -v rpmlint >/dev/null; then
  # rpmlint exits 64 when it reports errors, 66 when errors exceed its badness threshold.
  rpmlint --info -c "$(dirname "$0")/rpmlint.toml" "$rpm" || status=1
else
  echo "lint: rpmlint not installed (apt-get install rpmlint)" >&2
  status=1
fi
exit $status
