# kipvs %postun: after an upgrade restart the running daemon (it adopts the IPVS state without flushing,
# no connection is lost), as %systemd_postun_with_restart does. After an erase drop the last-known-good
# state; rpm keeps a modified kipvsd.conf as .rpmsave.
if [ -d /run/systemd/system ]; then
  systemctl daemon-reload || :
fi
if [ "$1" -ge 1 ]; then
  systemctl try-restart kipvsd.service >/dev/null 2>&1 || :
else
  rm -rf /var/lib/kipvs
fi
