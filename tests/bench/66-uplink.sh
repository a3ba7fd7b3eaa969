#!/bin/sh
# Uplink figures: ping RTT and TCP throughput between two nodes across
# a bus joined by two uplinks (rumplab uplink, udp:// on 127.0.0.1),
# beside the same two nodes on one bus, in the same run.  The uplinks
# run in a network namespace this script makes (unshare -rn, its
# loopback only): no frame leaves it.  $1: scratch directory.  Prints
# figures; fails only if the nodes or the uplinks cannot be set up.
#
# Measured 2026-12-06, -O2, this 2-vCPU machine at a load of 11-14
# (other work): median ping RTT 0.35-0.49 ms on one bus, 0.61-0.72 ms
# across the uplinks; TCP 676-734 Mbit/s on one bus, 284-400 across;
# 17-21 us of the two uplinks' CPU for each frame that crosses, no UDP
# datagram dropped.  A crossing costs two more wake-ups than one bus
# does (the sending uplink's bus reader, the receiving uplink's poll),
# and each frame a send, a poll and a receive: perf on the uplinks
# during the transfer puts about half their time in the scheduler's
# task switch (pvm_irq_enable, as in 2x-routing.sh) and the syscalls
# themselves (poll, send, recv) at 3-4 % each.
set -u
d=$1/uplink
rm -rf "$d" && mkdir -p "$d" || exit 1
cd "$d" || exit 1
export PATH="$O/bin:$PATH"
urls="" pids=""
cleanup() {
	for p in $pids; do kill $p 2>/dev/null; done
	for u in $urls; do RUMP_SERVER=$u rump.halt -w 1 2>/dev/null; done
}
trap cleanup EXIT INT TERM

N() { local n=$1; shift; RUMP_SERVER=unix://$d/$n timeout 120 "$@"; }
node() {
	rump_server -l rumpnet_netinet -l rumpnet_shmif "unix://$d/$1" || exit 1
	urls="$urls unix://$d/$1"
}
# Each bus with its wake map, as in a lab.
ifc() { [ -e "$d/$3.wake" ] || truncate -s 4096 "$d/$3.wake"
	N "$1" rump.ifconfig "$2" create && N "$1" rump.ifconfig "$2" linkstr "$d/$3" &&
	N "$1" rump.ifconfig "$2" inet "$4"; }
server() {      # server NODE LOG ARGS...: rumpperf -s, waits until it listens
	local n=$1 log=$2 i; shift 2
	N "$n" rumpperf -s "$@" >"$log" 2>&1 &
	for i in $(seq 200); do grep -q '^listening' "$log" 2>/dev/null && return 0; sleep 0.05; done
	return 1
}
up() {          # up FILE: its peer is up (within 5 s)
	local i
	for i in $(seq 100); do
		[ "$(awk '{ print $(NF-5) }' "$1" 2>/dev/null)" = up ] && return 0
		sleep 0.05
	done
	return 1
}

if ! unshare -rn true 2>/dev/null; then
	echo "uplink: not measured (user namespaces are refused here)"
	exit 0
fi
# p and q: shmif0 on a bus of each's own, joined by the uplinks
# (10.66.0.0/24); shmif1 on one bus together (10.67.0.0/24).
node p; node q
ifc p shmif0 pbus 10.66.0.1/24 && ifc q shmif0 qbus 10.66.0.2/24 &&
    ifc p shmif1 one 10.67.0.1/24 && ifc q shmif1 one 10.67.0.2/24 || exit 1
unshare -rn sh -c "ip link set lo up && echo \$\$ >ns.pid && exec sleep 3600" &
pids="$pids $!"
for i in $(seq 100); do [ -s ns.pid ] && break; sleep 0.05; done
ns=$(cat ns.pid)
nsenter -U -n -t "$ns" --preserve-credentials rumplab uplink pbus \
    'udp://127.0.0.1:47100->127.0.0.1:47101' --stats pbus.stats &
pids="$pids $!" up1=$!
nsenter -U -n -t "$ns" --preserve-credentials rumplab uplink qbus \
    'udp://127.0.0.1:47101->127.0.0.1:47100' --stats qbus.stats &
pids="$pids $!" up2=$!
up pbus.stats && up qbus.stats || { echo "uplink: the uplinks did not come up"; exit 1; }

for path in "one bus:10.67.0.2" "across the uplink:10.66.0.2"; do
	name=${path%%:*} to=${path#*:}
	N p rump.ping -q -c 5 -i 0.01 $to >/dev/null 2>&1      # ARP
	N p rump.ping -c 200 -i 0.005 $to >ping.out
	rtt=$(sed -n 's/^round-trip .* = //p' ping.out)
	med=$(sed -n 's/.* time=\([0-9.]*\) ms.*/\1/p' ping.out | sort -n |
	    awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
	server q tcp.log || exit 1
	N p rumpperf -c $to -n 64m >/dev/null 2>&1
	sleep 0.2
	tput=$(sed -n 's/^received .*: \([0-9.]* Mbit\/s\).*/\1/p' tcp.log)
	printf "%-18s ping RTT min/avg/max/stddev %s, median %s ms; TCP %s\n" \
	    "$name:" "$rtt" "$med" "$tput"
done
echo "uplink counters: $(cut -d' ' -f3- pbus.stats) (p's side: state, out frames bytes, in frames bytes, lost)"
# CPU of both uplinks (user + system), per frame that crossed.
sleep 1.1
ticks=$(cat /proc/$up1/stat /proc/$up2/stat | awk '{ t += $14 + $15 } END { print t }')
frames=$(awk '{ print $(NF-4) + $(NF-2) }' pbus.stats)
echo "uplink CPU: $(echo "scale=2; $ticks * 1000000 / $(getconf CLK_TCK) / $frames" | bc) us a frame crossing (both uplinks, $frames frames)"
# The uplinks' UDP over the namespace's loopback: datagrams, and those
# dropped for a full receive buffer (a drop would cost TCP a retransmit).
nsenter -U -n -t "$ns" --preserve-credentials cat /proc/net/snmp |
    awk '/^Udp:/ { if (!h) { for (i = 2; i <= NF; i++) f[$i] = i; h = 1 }
    else print "uplink UDP: " $f["InDatagrams"] " datagrams in, " \
    $f["RcvbufErrors"] " dropped for a full receive buffer" }'
