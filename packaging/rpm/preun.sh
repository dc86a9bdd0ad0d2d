# kipvs %preun: on erase (not upgrade) disable and stop the unit, as %systemd_preun does. kipvsd leaves
# the kernel's IPVS state as it is, so traffic keeps flowing. Erase never runs `kipvsd --cleanup` (that
# would cut the node's Service traffic): it is the operator's step, before removal, and this says so.
if [ "$1" -eq 0 ]; then
  systemctl --no-reload disable --now kipvsd.service >/dev/null 2>&1 || :
  echo "kipvs: the kernel stays programmed (kipvs's virtual services, kipvs0, nft table inet kipvs);" >&2
  echo "kipvs: removal does not run 'kipvsd --cleanup': run it before removing the package to delete them." >&2
fi
