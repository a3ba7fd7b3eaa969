#!/bin/sh
# RTT between a rumplab node and a host that uses the bus as NetBSD's
# shmif does (tests/shmif/nbpeer: wakes only by pwrite(), sleeps on
# inotify), beside the RTT between two rumplab nodes on the same bus in the
# same run (shmif/FORMAT.txt, "Writers that only pwrite()").  Both ways:
# rump.ping from node a (client-measured, through sysproxy), and nbpeer's
# own pings of node a (measured in the peer, no sysproxy).
# $1: scratch directory (tmpfs).  Prints figures; never fails on speed.
set -u
d=$1/nbpeer
mkdir -p "$d" || exit 1
B=$O/bin
COMPS="-l rumpnet_netinet -l rumpnet_shmif"
peer=""
cleanup() {
	for s in "$d"/*.sock; do
		[ -S "$s" ] && RUMP_SERVER=unix://$s "$B/rump.halt" >/dev/null 2>&1
	done
	[ -n "$peer" ] && kill "$peer" 2>/dev/null
}
trap cleanup EXIT INT TERM

node() {	# node NAME ADDR: a node with shmif0 on $d/bus
	"$B/rump_server" $COMPS "unix://$d/$1.sock" || return 1
	RUMP_SERVER=unix://$d/$1.sock "$B/rump.ifconfig" shmif0 create &&
	RUMP_SERVER=unix://$d/$1.sock "$B/rump.ifconfig" shmif0 linkstr "$d/bus" &&
	RUMP_SERVER=unix://$d/$1.sock "$B/rump.ifconfig" shmif0 inet "$2/24"
}
ping_a() {	# ping_a TARGET LABEL
	RUMP_SERVER=unix://$d/a.sock "$B/rump.ping" -q -c 3 -i 0.01 "$1" >/dev/null
	RUMP_SERVER=unix://$d/a.sock "$B/rump.ping" -q -c 500 -i 0.002 "$1" |
	    sed -n "s/^round-trip/rump.ping a -> $2, 500 echoes: round-trip/p"
}
# median and max of nbpeer's "seq N rtt X ms" lines
peer_stats() {
	sed -n 's/^seq [0-9]* rtt \([0-9.]*\) ms/\1/p' | sort -n |
	    awk '{v[NR]=$1} END {if (NR) printf "median %.3f ms, max %.3f ms (%d echoes)\n", v[int((NR+1)/2)], v[NR], NR}'
}

node a 10.9.0.1 && node b 10.9.0.2 || exit 1
"$O/tests/nbpeer" "$d/bus" 10.9.0.3 -t 120 >/dev/null 2>&1 &
peer=$!
sleep 0.2
ping_a 10.9.0.2 "rumplab node b"
ping_a 10.9.0.3 "NetBSD-style peer"
printf 'NetBSD-style peer -> node a, 200 echoes 5 ms apart (in the peer): '
"$O/tests/nbpeer" "$d/bus" 10.9.0.4 ping 10.9.0.1 200 5 | peer_stats
