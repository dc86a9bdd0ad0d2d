# Sourced by takeover.sh: leaves the node as kube-proxy's IPVS mode leaves it for the Services of
# takeover.sh (pkg/proxy/ipvs/proxier.go): the IPVS table, every VIP on the DOWN dummy kube-ipvs0, the
# ipsets (pkg/proxy/ipvs/ipset.go) and the iptables chains and jumps, in every iptables front end the
# guest has (nft and legacy, IPv4 and a little IPv6), plus a stale virtual service. Then what is not
# kube-proxy's: kubelet's chains (KUBE-KUBELET-CANARY, KUBE-FIREWALL), a foreign chain, ipset and
# virtual services.

# The node's addresses, as kube-proxy picks NodePort addresses (not lo, not kube-ipvs0).
node_addresses() { ip -4 -o addr show | awk '$2 != "lo" && $2 != "kube-ipvs0" && $2 != "kipvs0" {sub("/.*", "", $4); print $4}'; }

kube_proxy_rules() {  # the iptables-restore input kube-proxy's IPVS mode writes (trimmed to these Services)
  cat <<'RULES'
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:KUBE-KUBELET-CANARY - [0:0]
:KUBE-LOAD-BALANCER - [0:0]
:KUBE-MARK-MASQ - [0:0]
:KUBE-NODE-PORT - [0:0]
:KUBE-POSTROUTING - [0:0]
:KUBE-SERVICES - [0:0]
-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING
-A KUBE-LOAD-BALANCER -j KUBE-MARK-MASQ
-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000
-A KUBE-NODE-PORT -p tcp -m comment --comment "Kubernetes nodeport TCP port for masquerade purpose" -m set --match-set KUBE-NODE-PORT-TCP dst -j KUBE-MARK-MASQ
-A KUBE-POSTROUTING -m comment --comment "Kubernetes endpoints dst ip:port, source ip for solving hairpin purpose" -m set --match-set KUBE-LOOP-BACK dst,dst,src -j MASQUERADE
-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000
-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE
-A KUBE-SERVICES -s 127.0.0.0/8 -j RETURN
-A KUBE-SERVICES ! -s 10.244.0.0/16 -m comment --comment "Kubernetes service cluster ip + port for masquerade purpose" -m set --match-set KUBE-CLUSTER-IP dst,dst -j KUBE-MARK-MASQ
-A KUBE-SERVICES -m addrtype --dst-type LOCAL -j KUBE-NODE-PORT
-A KUBE-SERVICES -m set --match-set KUBE-CLUSTER-IP dst,dst -j ACCEPT
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:KUBE-FIREWALL - [0:0]
:KUBE-FORWARD - [0:0]
:KUBE-IPVS-FILTER - [0:0]
:KUBE-IPVS-OUT-FILTER - [0:0]
:KUBE-KUBELET-CANARY - [0:0]
:KUBE-NODE-PORT - [0:0]
:KUBE-PROXY-FIREWALL - [0:0]
:KUBE-SOURCE-RANGES-FIREWALL - [0:0]
:MY-FILTER - [0:0]
-A INPUT -m comment --comment "kubernetes health check rules" -j KUBE-NODE-PORT
-A INPUT -m comment --comment "kube-proxy firewall rules" -j KUBE-PROXY-FIREWALL
-A INPUT -m comment --comment "kubernetes ipvs access filter" -j KUBE-IPVS-FILTER
-A INPUT -j KUBE-FIREWALL
-A INPUT -j MY-FILTER
-A FORWARD -m comment --comment "kube-proxy firewall rules" -j KUBE-PROXY-FIREWALL
-A FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD
-A OUTPUT -m comment --comment "kubernetes ipvs access filter" -j KUBE-IPVS-OUT-FILTER
-A OUTPUT -j KUBE-FIREWALL
-A KUBE-FIREWALL ! -s 127.0.0.0/8 -d 127.0.0.0/8 -m comment --comment "block incoming localnet connections" -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A KUBE-IPVS-FILTER -m set --match-set KUBE-CLUSTER-IP dst,dst -j RETURN
-A KUBE-IPVS-FILTER -m conntrack --ctstate NEW -m set --match-set KUBE-IPVS-IPS dst -j REJECT --reject-with icmp-port-unreachable
-A KUBE-PROXY-FIREWALL -m set --match-set KUBE-LOAD-BALANCER-FW dst,dst -j KUBE-SOURCE-RANGES-FIREWALL
-A KUBE-SOURCE-RANGES-FIREWALL -j DROP
-A MY-FILTER -s 203.0.113.0/24 -j DROP
COMMIT
RULES
}

kube_proxy_rules6() {  # the IPv6 proxier's chains (no IPv6 Services here: the jumps and empty chains)
  printf '*nat\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:KUBE-SERVICES - [0:0]\n:KUBE-KUBELET-CANARY - [0:0]\n'
  printf -- '-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES\nCOMMIT\n'
}

leave_kube_proxy_state() {
  local a
  # kube-proxy's sysctls (NewProxier): IPVS keeps conntrack entries so iptables can masquerade
  echo 1 > /proc/sys/net/ipv4/vs/conntrack
  echo 1 > /proc/sys/net/ipv4/ip_forward
  echo 1 > /proc/sys/net/ipv4/vs/expire_nodest_conn
  # IPVS, as syncService/syncEndpoint make it: rr, masquerade, weight 1
  ipvsadm -A -t 10.96.0.10:80 -s rr
  ipvsadm -A -u 10.96.0.53:53 -s rr
  ipvsadm -A -t 10.96.0.99:80 -s rr  # stale: its Service is gone
  for a in 10.244.1.10 10.244.2.10; do ipvsadm -a -t 10.96.0.10:80 -r "$a:8080" -m -w 1; done
  ipvsadm -a -u 10.96.0.53:53 -r 10.244.1.10:8080 -m -w 1
  ipvsadm -a -t 10.96.0.99:80 -r 10.244.2.10:8080 -m -w 1
  for a in $(node_addresses); do
    ipvsadm -A -t "$a:30080" -s rr
    ipvsadm -a -t "$a:30080" -r 10.244.1.10:8080 -m -w 1
    ipvsadm -a -t "$a:30080" -r 10.244.2.10:8080 -m -w 1
  done
  # every VIP on kube-ipvs0, a DOWN dummy link
  ip link add kube-ipvs0 type dummy
  for a in 10.96.0.10 10.96.0.53 10.96.0.99; do ip addr add "$a/32" dev kube-ipvs0; done
  # its ipsets
  ipset create KUBE-CLUSTER-IP hash:ip,port
  ipset add KUBE-CLUSTER-IP 10.96.0.10,tcp:80
  ipset add KUBE-CLUSTER-IP 10.96.0.53,udp:53
  ipset add KUBE-CLUSTER-IP 10.96.0.99,tcp:80
  ipset create KUBE-LOOP-BACK hash:ip,port,ip
  ipset add KUBE-LOOP-BACK 10.244.1.10,tcp:8080,10.244.1.10
  ipset create KUBE-NODE-PORT-TCP bitmap:port range 0-65535
  ipset add KUBE-NODE-PORT-TCP 30080
  ipset create KUBE-IPVS-IPS hash:ip
  for a in 10.96.0.10 10.96.0.53 10.96.0.99; do ipset add KUBE-IPVS-IPS "$a"; done
  ipset create KUBE-LOAD-BALANCER-FW hash:ip,port
  ipset create KUBE-6-CLUSTER-IP hash:ip,port family inet6
  # its iptables, in every front end
  backends=""
  for b in iptables-nft iptables-legacy; do
    if command -v "$b-restore" >/dev/null; then
      kube_proxy_rules | "$b-restore" --noflush
      backends="$backends $b"
    fi
  done
  for b in ip6tables-nft ip6tables-legacy; do
    if command -v "$b-restore" >/dev/null; then
      kube_proxy_rules6 | "$b-restore" --noflush
      backends="$backends $b"
    fi
  done
  # not kube-proxy's: someone's set and virtual services (one on a node address, off the NodePort sets)
  ipset create my-allow hash:ip
  ipset add my-allow 203.0.113.7
  ipvsadm -A -t 198.51.100.1:80 -s wlc
  ipvsadm -A -t 192.0.2.1:8081 -s wlc
}

# kube-proxy's chains left in a front end (kubelet's KUBE-KUBELET-CANARY and KUBE-FIREWALL excluded).
kube_proxy_chains() {
  "$1-save" 2>/dev/null | grep -E '^:KUBE-|-j KUBE-' | grep -vE 'KUBE-KUBELET-CANARY|KUBE-FIREWALL' || true
}
# What is not kube-proxy's, in a stable text: compared before and after.
foreign_state() {
  local b
  for b in $backends; do echo "== $b"; "$b-save" 2>/dev/null | grep -E 'KUBE-KUBELET-CANARY|KUBE-FIREWALL|MY-FILTER'; done
  echo "== ipset"; ipset list my-allow | grep -E '^Name|^203'
  echo "== ipvs"; ipvsadm -Ln | grep -E '198.51.100.1:80|192.0.2.1:8081'
}
