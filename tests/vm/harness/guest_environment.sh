# Guest self-check: the kernel has IPVS with every scheduler, the tools the tests use work, and the guest
# can create what data-path tests need (dummy link, veth into a namespace, nftables table).
fail() { echo "guest_environment: $*" >&2; exit 1; }

grep -q "IP Virtual Server" /proc/net/ip_vs || fail "no /proc/net/ip_vs"
for s in rr wrr lc wlc lblc lblcr dh sh sed nq fo ovf mh; do
  grep -q "^ip_vs_$s " /proc/modules || fail "scheduler module ip_vs_$s not loaded"
done
ipvsadm -A -t 192.0.2.1:80 -s mh -b mh-port
ipvsadm -Ln | grep -q "192.0.2.1:80 mh (mh-port)" || fail "ipvsadm cannot program a service"
ipvsadm -D -t 192.0.2.1:80
[ -z "$(ipvsadm -Sn)" ] || fail "service not deleted"

ip link add kipvs0 type dummy
ip addr add 192.0.2.1/32 dev kipvs0
ip -o addr show dev kipvs0 | grep -q "192.0.2.1/32" || fail "no address on the dummy link"
ip link show dummy0 >/dev/null 2>&1 && fail "dummy0 must not exist (numdummies=0)"

ip netns add pod
ip link add veth-pod type veth peer name eth0 netns pod
ip netns exec pod ip link set eth0 up
ip netns exec pod ip -o link show eth0 | grep -q "state\|UP" || fail "veth in namespace"

nft add table inet kipvs_probe
nft list tables | grep -q "inet kipvs_probe" || fail "nftables"
echo "guest_environment: ok"
