# Guest side of bench-ipvs: NetlinkIpvs::apply vs ipvsadm -R on the same 10k x 10 table.
ipvs_bench
