# kipvs %preun: on erase (not upgrade) disable and stop the unit, as %systemd_preun does. kipvsd leaves
# the kernel's IPVS state as it is, so traffic keeps flowing.
if [ "$1" -eq 0 ]; then
  systemctl --no-reload disable --now kipvsd.service >/dev/null 2>&1 || :
fi
