# Guest script of the host VM tests: builds the namespaces of datapath_fixture.hpp, then runs the gtest
# program (kipvs0, node addresses, sysctls, nft table, real traffic, conntrack flush).
veth() {  # veth <host-side name> <host address/len> <netns> <pod address/len> <gateway>
  ip netns add "$3"
  ip link add "$1" type veth peer name eth0 netns "$3"
  ip addr add "$2" dev "$1"
  ip link set "$1" up
  ip -n "$3" addr add "$4" dev eth0
  ip -n "$3" link set lo up
  ip -n "$3" link set eth0 up
  ip -n "$3" route add default via "$5"
}
veth veth-client 198.51.100.1/24 client 198.51.100.2/24 198.51.100.1
veth veth-pod 10.244.1.1/24 pod 10.244.1.5/24 10.244.1.1
veth veth-pod2 10.244.2.1/24 pod2 10.244.2.6/24 10.244.2.1

host_vm_test --gtest_color=no
echo "host_vm_test: ok"
