# Guest script of the host VM tests: builds the namespaces of datapath_fixture.hpp, then runs the gtest
# program (kipvs0, node addresses, sysctls, nft table, real traffic, conntrack flush).
veth() {  # veth <host side> <netns> <host v4/len> <pod v4/len> <host v6/len> <pod v6/len>
  ip netns add "$2"
  ip link add "$1" type veth peer name eth0 netns "$2"
  ip addr add "$3" dev "$1"
  ip addr add "$5" dev "$1" nodad
  ip link set "$1" up
  ip -n "$2" addr add "$4" dev eth0
  ip -n "$2" addr add "$6" dev eth0 nodad
  ip -n "$2" link set lo up
  ip -n "$2" link set eth0 up
  ip -n "$2" route add default via "${3%/*}"
  ip -n "$2" -6 route add default via "${5%/*}"
}
veth veth-client client 198.51.100.1/24 198.51.100.2/24 fd00:198::1/64 fd00:198::2/64
veth veth-pod pod 10.244.1.1/24 10.244.1.5/24 fd00:244:1::1/64 fd00:244:1::5/64
veth veth-pod2 pod2 10.244.2.1/24 10.244.2.6/24 fd00:244:2::1/64 fd00:244:2::6/64

host_vm_test --gtest_color=no
echo "host_vm_test: ok"
