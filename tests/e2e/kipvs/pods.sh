# Test "pods" for the kipvs e2e tests: network namespaces with a veth to the guest's root namespace,
# each running a tiny HTTP server that answers with its own name. Source it: `. pods.sh`.
#   make_pod <name> <index>   -> namespace <name>, address 10.244.<index>.2, served on :8080
#   write_manifests <dir>     -> Service "web" (ClusterIP 10.96.0.10:80 -> 8080) + its EndpointSlice
# Addresses exist only inside the guest (-nic none).

make_pod() {
  local name=$1 index=$2
  ip netns add "$name"
  ip link add "veth-$name" type veth peer name eth0 netns "$name"
  ip addr add "10.244.$index.1/24" dev "veth-$name"
  ip link set "veth-$name" up
  ip -n "$name" addr add "10.244.$index.2/24" dev eth0
  ip -n "$name" link set eth0 up
  ip -n "$name" link set lo up
  ip -n "$name" route add default via "10.244.$index.1"
  mkdir -p "/run/pods/$name"
  echo "$name" >"/run/pods/$name/index.html"
  # busybox httpd: static, forks per connection, no dependency beyond the host's busybox-static.
  ip netns exec "$name" busybox httpd -p 8080 -h "/run/pods/$name"
}

write_manifests() {
  local dir=$1
  cat >"$dir/web.yaml" <<'YAML'
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: demo
spec:
  type: ClusterIP
  clusterIP: 10.96.0.10
  clusterIPs: [10.96.0.10]
  ipFamilies: [IPv4]
  ports:
  - name: http
    port: 80
    protocol: TCP
    targetPort: 8080
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: web-1
  namespace: demo
  labels:
    kubernetes.io/service-name: web
addressType: IPv4
ports:
- name: http
  port: 8080
  protocol: TCP
endpoints:
- addresses: [10.244.1.2]
  conditions: {ready: true, serving: true, terminating: false}
  targetRef: {kind: Pod, name: pod1, namespace: demo}
- addresses: [10.244.2.2]
  conditions: {ready: true, serving: true, terminating: false}
  targetRef: {kind: Pod, name: pod2, namespace: demo}
YAML
}

# requests <count>: that many HTTP requests to the ClusterIP, one connection each; prints the answers.
requests() {
  local i
  for ((i = 0; i < $1; i++)); do curl -s --max-time 5 http://10.96.0.10/ || echo "FAILED"; done
}
