#!/usr/bin/env bash
# Host side of bench-datapath: runs the VM boot given as arguments, keeps what the guest printed in
# <out>.log, and turns its "datapath ..." lines into <out>.dat, a plot <out>.png (median connection
# setup latency against the number of Services, one line per system; gnuplot from gnuplot-nox) and the
# 10k-vs-1 ratios as the last lines. Usage: datapath_report.sh <out prefix> <vm command...>
set -euo pipefail
out=${1:?usage: datapath_report.sh <out prefix> <vm command...>}
shift
"$@" | tee "$out.log"

# field <line> <key>: the value of key=value in a line
field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<" $1"; }
p50() {  # p50 <system> <services> <target>
  local line
  line=$(grep -E "^datapath system=$1 services=$2 target=$3 " "$out.log" | tail -1)
  [ -n "$line" ] || { echo "datapath_report: no measurement for $1 at $2 ($3)" >&2; exit 1; }
  field "$line" p50_us
}

counts=$(sed -n 's/^datapath system=ipvs services=\([0-9]*\) .*/\1/p' "$out.log" | sort -n | uniq)
{
  echo "# services ipvs iptables_last iptables_middle nft  (median connect() latency, microseconds)"
  for n in $counts; do
    middle=$( ((n < 3)) && p50 iptables "$n" last || p50 iptables "$n" middle)
    echo "$n $(p50 ipvs "$n" last) $(p50 iptables "$n" last) $middle $(p50 nft "$n" last)"
  done
} > "$out.dat"

gnuplot <<PLOT
set terminal png size 900,560
set output "$out.png"
set title "New TCP connection through one ClusterIP (qemu TCG: compare lines, not absolute values)"
set xlabel "Services present"
set ylabel "median connect() latency (us)"
set logscale x
set xrange [0.7:15000]
set key left top
set grid
plot "$out.dat" using 1:2 with linespoints lw 2 title "IPVS (kipvsd)", \
     "" using 1:3 with linespoints lw 2 title "iptables (kube-proxy), target last", \
     "" using 1:4 with linespoints lw 2 title "iptables (kube-proxy), target in the middle", \
     "" using 1:5 with linespoints lw 2 title "nftables (kube-proxy)"
PLOT

grep -E '^control ' "$out.log" || true
echo "plot: $out.png"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
first=$(head -n2 "$out.dat" | tail -1) last=$(tail -n1 "$out.dat")
read -r _ ipvs1 ipt1 _ nft1 <<<"$first"
read -r _ ipvsN iptN _ nftN <<<"$last"
echo "datapath_ipvs_10k_vs_1: $(ratio "$ipvsN" "$ipvs1")"
echo "datapath_iptables_10k_vs_1: $(ratio "$iptN" "$ipt1")"
echo "datapath_nft_10k_vs_1: $(ratio "$nftN" "$nft1")"
