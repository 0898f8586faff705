  for pidfile in "${OSL_STATE:-/var/lib/openstack-lite}"/run/*.pid; do
    [ -e "$pidfile" ] || continue
    started=$(ps -o lstart= -p "$(cat "$pidfile")" 2>/dev/null || true)
    if [ -z "$started" ] || [ "$(date -d "$started" +%s)" -gt "$(($(stat -c %Y "$pidfile") + 2))" ]; then
      echo "== removing stale $pidfile"
      rm -f "$pidfile"
    fi
  done
