# The demo, inside the guest: install the package, start two example pods, feed kipvsd an example
# Service and EndpointSlice from the static source, and show what it did.
. /e2e/lib.sh
. ./pods.sh
make_pod pod1 1
make_pod pod2 2
mkdir -p /etc/kipvs/static.d
write_manifests /etc/kipvs/static.d
echo "\$ cat /etc/kipvs/static.d/web.yaml"; cat /etc/kipvs/static.d/web.yaml
echo "\$ dpkg -i kipvs.deb"; dpkg -i /e2e/kipvs.deb
wait_until 60 sh -c "ipvsadm -Ln -t 10.96.0.10:80 | grep -q 10.244.2.2"
echo "\$ systemctl status kipvsd"; systemctl --no-pager status kipvsd | head -n 12 || true
echo "\$ kipvsctl list"; kipvsctl list
echo "\$ busctl tree org.kipvs.Proxy1"; busctl --no-pager tree org.kipvs.Proxy1
echo "\$ ipvsadm -Ln"; ipvsadm -Ln
echo "\$ for i in \$(seq 10); do curl -s http://10.96.0.10/; done"
requests 10
