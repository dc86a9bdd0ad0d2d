#!/bin/bash
# Runs in the guest as kipvs-e2e.service once multi-user.target is reached: the test script with
# `bash -e` from /e2e/files, its status written back to the exchange share; on failure the journal too.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export E2E=/e2e
cd /e2e/files || exit 0
echo "KIPVS_E2E_BEGIN (systemd $(systemctl --version | head -n1 | cut -d' ' -f2), $(systemctl is-system-running))"
bash -e /e2e/test.sh
status=$?
if [ "$status" -ne 0 ]; then
  systemctl --no-pager --failed >/e2e/journal.log 2>&1
  journalctl -b --no-pager -o short-monotonic -n 300 >>/e2e/journal.log 2>&1
fi
echo "$status" >/e2e/status
echo "KIPVS_E2E_EXIT=$status"
# No sync(1): the exchange share is uncached (writes reach the host at once), and sync over 9p can hang.
exit 0
