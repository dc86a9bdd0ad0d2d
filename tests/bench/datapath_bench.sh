# Guest side of bench-datapath: what a new connection through one ClusterIP costs with 1, 1,000 and
# 10,000 Services present, for three service proxies, on one kernel in one boot:
#   ipvs      IPVS as kipvsd programs it (the real daemon on a static directory of manifests);
#   iptables  the rules kube-proxy's iptables mode writes (pkg/proxy/iptables/proxier.go): KUBE-SERVICES
#             tests each Service in turn, then KUBE-SVC-* picks an endpoint by `-m statistic` probability
#             and KUBE-SEP-* DNATs; loaded with iptables-restore (the nft backend, Debian's default). The
#             target Service is measured last in KUBE-SERVICES (the worst case) and in the middle;
#   nft       the rules kube-proxy's nftables mode writes (pkg/proxy/nftables/proxier.go): one verdict
#             map from address . protocol . port to the Service's chain, `numgen` to pick an endpoint.
# Every Service has the same three pods as endpoints; only the number of Services changes. A client in
# its own namespace ("external", as a load balancer's traffic arrives) connects to the target address
# with datapath_probe. One system at a time owns the data path: the others' state is removed and
# conntrack flushed in between. The control plane is measured at 10,000 too: adding one Service.
# Under TCG absolute times mean little: compare within this run only.
set -euo pipefail
export XTABLES_LIBDIR=/opt/kipvs/files/xtables
for tool in iptables-restore iptables-save; do ln -sf xtables-nft-multi "/opt/kipvs/bin/$tool"; done

connections=${KIPVS_DATAPATH_CONNECTIONS:-2000}
counts=${KIPVS_DATAPATH_SERVICES:-1 1000 10000}
work=/tmp/datapath
mkdir -p "$work"
sysctl -qw net.ipv4.ip_forward=1

# ---- topology: three pods, one external client, this VM is the node
for k in 1 2 3; do
  ip netns add "pod$k"
  ip link add "h-pod$k" type veth peer name eth0 netns "pod$k"
  ip addr add "10.244.$k.1/24" dev "h-pod$k"
  ip link set "h-pod$k" up
  ip netns exec "pod$k" ip link set lo up
  ip netns exec "pod$k" ip addr add "10.244.$k.10/24" dev eth0
  ip netns exec "pod$k" ip link set eth0 up
  ip netns exec "pod$k" ip route add default via "10.244.$k.1"
  ip netns exec "pod$k" podnet serve 8080 "pod$k" &
done
ip netns add cli
ip link add h-cli type veth peer name eth0 netns cli
ip addr add 192.0.2.1/24 dev h-cli
ip link set h-cli up
ip netns exec cli ip link set lo up
ip netns exec cli ip addr add 192.0.2.2/24 dev eth0
ip netns exec cli ip link set eth0 up
ip netns exec cli ip route add default via 192.0.2.1

# Service i (0-based) has ClusterIP 10.96.x.y, where x.y encodes i + 1.
vip() { echo "10.96.$((($1 + 1) >> 8)).$((($1 + 1) & 255))"; }
now_us() { local t=${EPOCHREALTIME/./}; echo "$t"; }
elapsed_ms() { echo $((($(now_us) - $1) / 1000)); }

# ---- generators (awk: a bash loop over 10,000 Services is slow under TCG)
write_manifests() {  # <dir> <first> <count>: one JSON List file per Service
  mkdir -p "$1"
  awk -v dir="$1" -v first="$2" -v n="$3" 'BEGIN {
    for (i = first; i < first + n; i++) {
      ip = sprintf("10.96.%d.%d", int((i + 1) / 256), (i + 1) % 256)
      name = sprintf("svc-%05d", i); file = dir "/" name ".json"
      printf "{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"%s\",\"namespace\":\"bench\"},\"spec\":{\"type\":\"ClusterIP\",\"clusterIP\":\"%s\",\"ports\":[{\"name\":\"http\",\"port\":80,\"protocol\":\"TCP\",\"targetPort\":8080}]}},", name, ip > file
      printf "{\"apiVersion\":\"discovery.k8s.io/v1\",\"kind\":\"EndpointSlice\",\"metadata\":{\"name\":\"%s-1\",\"namespace\":\"bench\",\"labels\":{\"kubernetes.io/service-name\":\"%s\"}},\"addressType\":\"IPv4\",\"ports\":[{\"name\":\"http\",\"port\":8080,\"protocol\":\"TCP\"}],\"endpoints\":[", name, name > file
      for (k = 1; k <= 3; k++)
        printf "%s{\"addresses\":[\"10.244.%d.10\"],\"conditions\":{\"ready\":true},\"nodeName\":\"node-a\"}", (k > 1 ? "," : ""), k > file
      printf "]}]}\n" > file
      close(file)
    }
  }'
}

# kube-proxy iptables mode for Services [0, n), in KUBE-SERVICES order 0..n-1.
write_iptables() {  # <file> <n>
  awk -v n="$2" 'BEGIN {
    print "*nat"
    print ":KUBE-SERVICES - [0:0]"; print ":KUBE-POSTROUTING - [0:0]"; print ":KUBE-MARK-MASQ - [0:0]"
    print ":KUBE-NODEPORTS - [0:0]"
    for (i = 0; i < n; i++) {
      printf ":KUBE-SVC-%016d - [0:0]\n", i
      for (k = 1; k <= 3; k++) printf ":KUBE-SEP-%014d%02d - [0:0]\n", i, k
    }
    print "-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES"
    print "-A OUTPUT -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES"
    print "-A POSTROUTING -m comment --comment \"kubernetes postrouting rules\" -j KUBE-POSTROUTING"
    print "-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000"
    print "-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN"
    print "-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0"
    print "-A KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic requiring SNAT\" -j MASQUERADE"
    for (i = 0; i < n; i++) {
      ip = sprintf("10.96.%d.%d", int((i + 1) / 256), (i + 1) % 256); c = sprintf("bench/svc-%05d:http", i)
      printf "-A KUBE-SERVICES -d %s/32 -p tcp -m comment --comment \"%s cluster IP\" -m tcp --dport 80 -j KUBE-SVC-%016d\n", ip, c, i
      printf "-A KUBE-SVC-%016d ! -s 10.244.0.0/16 -d %s/32 -p tcp -m comment --comment \"%s cluster IP\" -m tcp --dport 80 -j KUBE-MARK-MASQ\n", i, ip, c
      printf "-A KUBE-SVC-%016d -m comment --comment \"%s -> 10.244.1.10:8080\" -m statistic --mode random --probability 0.33333333349 -j KUBE-SEP-%014d01\n", i, c, i
      printf "-A KUBE-SVC-%016d -m comment --comment \"%s -> 10.244.2.10:8080\" -m statistic --mode random --probability 0.50000000000 -j KUBE-SEP-%014d02\n", i, c, i
      printf "-A KUBE-SVC-%016d -m comment --comment \"%s -> 10.244.3.10:8080\" -j KUBE-SEP-%014d03\n", i, c, i
      for (k = 1; k <= 3; k++) {
        printf "-A KUBE-SEP-%014d%02d -s 10.244.%d.10/32 -m comment --comment %s -j KUBE-MARK-MASQ\n", i, k, k, c
        printf "-A KUBE-SEP-%014d%02d -p tcp -m comment --comment %s -m tcp -j DNAT --to-destination 10.244.%d.10:8080\n", i, k, c, k
      }
    }
    print "-A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports\" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS"
    print "COMMIT"
  }' > "$1"
}

# kube-proxy nftables mode: Services [first, first + n) as nft commands; <base> 1 adds the table itself.
write_nft() {  # <file> <first> <n> <base>
  awk -v first="$2" -v n="$3" -v base="$4" 'BEGIN {
    t = "ip kube-proxy"
    if (base) {
      print "add table " t
      print "add chain " t " mark-for-masquerade"
      print "add rule " t " mark-for-masquerade meta mark set meta mark or 0x4000"
      print "add chain " t " masquerading"
      print "add rule " t " masquerading meta mark and 0x4000 == 0 return"
      print "add rule " t " masquerading meta mark set meta mark xor 0x4000"
      print "add rule " t " masquerading masquerade fully-random"
      print "add map " t " service-ips { type ipv4_addr . inet_proto . inet_service : verdict ; }"
      print "add chain " t " services"
      print "add rule " t " services ip daddr . meta l4proto . th dport vmap @service-ips"
      print "add chain " t " nat-prerouting { type nat hook prerouting priority dstnat ; }"
      print "add rule " t " nat-prerouting jump services"
      print "add chain " t " nat-output { type nat hook output priority -100 ; }"
      print "add rule " t " nat-output jump services"
      print "add chain " t " nat-postrouting { type nat hook postrouting priority srcnat ; }"
      print "add rule " t " nat-postrouting jump masquerading"
    }
    for (i = first; i < first + n; i++) {
      ip = sprintf("10.96.%d.%d", int((i + 1) / 256), (i + 1) % 256); s = sprintf("service-%05d", i)
      for (k = 1; k <= 3; k++) {
        e = sprintf("endpoint-%05d-%d", i, k)
        print "add chain " t " " e
        printf "add rule %s %s ip saddr 10.244.%d.10 jump mark-for-masquerade\n", t, e, k
        printf "add rule %s %s meta l4proto tcp dnat to 10.244.%d.10:8080\n", t, e, k
      }
      print "add chain " t " " s
      printf "add rule %s %s ip daddr %s tcp dport 80 ip saddr != 10.244.0.0/16 jump mark-for-masquerade\n", t, s, ip
      printf "add rule %s %s numgen random mod 3 vmap { 0 : goto endpoint-%05d-1, 1 : goto endpoint-%05d-2, 2 : goto endpoint-%05d-3 }\n", t, s, i, i, i
      printf "add element %s service-ips { %s . tcp . 80 : goto %s }\n", t, ip, s
    }
  }' > "$1"
}

# ---- one measurement
probe() {  # <system> <services> <target placement> <target index>
  local line
  ip netns exec cli datapath_probe "$(vip "$4")" 80 50 >/dev/null  # warm caches, ARP, routes
  line=$(ip netns exec cli datapath_probe "$(vip "$4")" 80 "$connections")
  echo "datapath system=$1 services=$2 target=$3 $line"
}

reset_data_path() {
  ipvsadm -C
  ip link del kipvs0 2>/dev/null || true
  nft delete table inet kipvs 2>/dev/null || true
  nft delete table ip kube-proxy 2>/dev/null || true
  printf '*nat\nCOMMIT\n' | iptables-restore
  conntrack -F >/dev/null 2>&1 || true
}

run_kipvsd() {  # <n>: starts kipvsd on n Services and waits until the kernel has them all
  local n=$1 dir=$work/manifests-$1
  write_manifests "$dir" 0 "$n"
  printf '[kipvsd]\nsource = static\nstatic-dir = %s\nnode-name = node-a\ndbus = none\nstate-dir = %s\n' \
    "$dir" "$work/state-$n" > "$work/kipvsd-$n.conf"
  printf 'sync-period = 1h\nmin-sync-period = 10ms\ncluster-cidr = 10.244.0.0/16\nlog-level = debug\n' \
    >> "$work/kipvsd-$n.conf"
  kipvsd --config "$work/kipvsd-$n.conf" > "$work/kipvsd-$n.log" 2>&1 &
  kipvsd_pid=$!
  local waited=0
  until [ "$(ipvsadm -Ln | grep -c '^TCP')" -ge "$n" ]; do
    sleep 1
    waited=$((waited + 1))
    [ "$waited" -lt 1200 ] || { tail -20 "$work/kipvsd-$n.log"; echo "kipvsd never programmed $n Services"; exit 1; }
  done
}

# kipvsd adds one Service at 10,000: from the manifest's rename into the directory to the kernel.
kipvsd_add_one() {  # <n>
  local n=$1 dir=$work/manifests-$1 started
  write_manifests "$work/extra" "$n" 1
  started=$(now_us)
  mv "$work/extra/svc-$(printf %05d "$n").json" "$dir/"
  until ipvsadm -Ln -t "$(vip "$n"):80" >/dev/null 2>&1; do sleep 0.01; done
  echo "control system=ipvs services=$n add_one_ms=$(elapsed_ms "$started")"
  grep 'sync: incremental' "$work/kipvsd-$n.log" | tail -1 | sed 's/^/control kipvsd_log: /'
}

for n in $counts; do
  last=$((n - 1)) middle=$((n / 2))
  # IPVS, programmed by kipvsd
  run_kipvsd "$n"
  probe ipvs "$n" last "$last"
  [ "$n" -lt 10000 ] || kipvsd_add_one "$n"
  kill "$kipvsd_pid"
  wait "$kipvsd_pid" || true
  reset_data_path

  # kube-proxy's iptables mode
  write_iptables "$work/iptables-$n" "$n"
  started=$(now_us)
  iptables-restore < "$work/iptables-$n"
  echo "control system=iptables services=$n restore_ms=$(elapsed_ms "$started")"
  probe iptables "$n" last "$last"
  [ "$n" -lt 3 ] || probe iptables "$n" middle "$middle"
  if [ "$n" -ge 10000 ]; then  # kube-proxy's iptables mode rewrites the whole table to add one Service
    write_iptables "$work/iptables-plus-one" $((n + 1))
    started=$(now_us)
    iptables-restore < "$work/iptables-plus-one"
    echo "control system=iptables services=$n add_one_ms=$(elapsed_ms "$started")"
  fi
  reset_data_path

  # kube-proxy's nftables mode
  write_nft "$work/nft-$n" 0 "$n" 1
  started=$(now_us)
  nft -f "$work/nft-$n"
  echo "control system=nft services=$n load_ms=$(elapsed_ms "$started")"
  probe nft "$n" last "$last"
  if [ "$n" -ge 10000 ]; then  # nftables mode adds one Service's chains and map element
    write_nft "$work/nft-plus-one" "$n" 1 0
    started=$(now_us)
    nft -f "$work/nft-plus-one"
    echo "control system=nft services=$n add_one_ms=$(elapsed_ms "$started")"
  fi
  reset_data_path
done
echo "datapath: done"
