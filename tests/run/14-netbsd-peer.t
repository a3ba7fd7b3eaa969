#!/bin/bash
# 14-netbsd-peer.t — proves that a rumplab node and a host that uses the
# bus exactly as NetBSD's shmif does (tests/shmif/nbpeer.c: NetBSD's lock,
# `last` stored first, garbage padding, wakes only by pwrite(), sleeps on
# inotify) hear each other at once: pings both ways are answered within
# milliseconds, none in batches, on a bus rumplab made (with its wake map)
# and on a bus NetBSD's own shmif wrote (no map).  As the unprivileged
# user; only the bus files in $T carry traffic.
. "$(dirname "$0")/../lib/common.sh"

for p in rump_server rump.ifconfig rump.ping rump.halt; do
	[ -x "$B/$p" ] || { echo "1..0 # SKIP $p not built in $O"; exit 0; }
done
fixture=$SHARED/fixtures/netbsd-shmif
cd "$T" || exit 1
plan 16

urls=""; pids=""
on_exit 'for u in $urls; do RUMP_SERVER=$u as_user rump.halt -w 1; done;
    for p in $pids; do kill -9 $p; done; wait'
N() { local n=$1; shift; RUMP_SERVER=unix://$T/$n as_user timeout 60 "$@"; }

# node NAME BUS ADDR: an IPv4-only node (no IPv6 timers to wake it by
# chance) with shmif0 on BUS.
node() {
	as_user rump_server -l rumpnet_netinet -l rumpnet_shmif "unix://$T/$1" &&
	urls="$urls unix://$T/$1" &&
	N "$1" rump.ifconfig shmif0 create &&
	N "$1" rump.ifconfig shmif0 linkstr "$T/$2" &&
	N "$1" rump.ifconfig shmif0 inet "$3/24"
}

# max_ms FILE: the largest "time=X ms" of rump.ping's reply lines
max_ms() { sed -n 's/.*time=\([0-9.]*\) ms.*/\1/p' "$1" | sort -n | tail -1; }
under() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "" && a < b) }'; }

# pings BUS NODE PEERADDR NODEADDR: both directions, five each
pings() {
	local bus=$1 n=$2 peer=$3 me=$4 m resp
	as_user "$O/tests/nbpeer" "$T/$bus" "$peer" -t 30 &
	resp=$!
	pids="$pids $resp"
	sleep 0.2
	N "$n" rump.ping -c 5 -i 0.2 -w 5 "$peer" >"$n.ping" 2>&1
	ok $? "$bus: node -> NetBSD-style peer: 5 of 5 replies"
	m=$(max_ms "$n.ping")
	under "$m" 100; ok $? "$bus: node -> peer: every reply within 100 ms (max $m ms)"
	[ $? = 0 ] || sed 's/^/# /' "$n.ping"
	as_user "$O/tests/nbpeer" "$T/$bus" 10.0.0.3${me##*.} ping "$me" 5 200 \
	    >"$n.nb" 2>&1
	ok $? "$bus: NetBSD-style peer -> node: 5 of 5 replies"
	m=$(sed -n 's/.* max \([0-9.]*\) ms/\1/p' "$n.nb")
	under "$m" 100; ok $? "$bus: peer -> node: every reply within 100 ms (max $m ms)"
	[ $? = 0 ] || sed 's/^/# /' "$n.nb"
	pkill -P "$resp"      # the responder itself, under as_user's subshell
}

# 1. A bus the node makes: it gets its wake map, and rumplab writers
#    pwrite() only once the foreign writer has shown itself.
node n1 bus1 10.0.0.1 || { echo "Bail out! node n1"; exit 1; }
pings bus1 n1 10.0.0.2 10.0.0.1

# 2. A bus NetBSD's own shmif wrote (no wake map).
gzip -dc "$fixture/wrapped.bus.gz" >"$T/bus2" && chmod 0666 "$T/bus2"
node n2 bus2 10.0.0.1 || { echo "Bail out! node n2"; exit 1; }
pings bus2 n2 10.0.0.2 10.0.0.1

test -e "$T/bus1.wake" -a ! -e "$T/bus2.wake"
ok $? "the node made a wake map with the bus it created, none for NetBSD's"

# 3. The node that watches the directory (n1, first there) killed: n2,
#    which waited on a pidfd of it, takes the watch over, and hears the
#    peer as before.  Nodes watch without a thread (two threads a node).
dirkey() {	# the MAJ:MIN:INO of a path as /proc/locks prints it
	local d; d=$(stat -c %d "$1")
	printf '%02x:%02x:%d' $(( (d >> 8) & 0xfff )) \
	    $(( (d & 0xff) | ((d >> 12) & 0xfff00) )) "$(stat -c %i "$1")"
}
holder() { awk -v k="$(dirkey "$T")" '$2 == "FLOCK" && $6 == k { print $5 }' /proc/locks; }
p1=$(N n1 rump.sysctl -n kern.pid) p2=$(N n2 rump.sysctl -n kern.pid)
h=$(holder)
ok $([ -n "$h" ] && [ "$h" = "$p1" ]; echo $?) "n1 ($p1) holds the watch of the bus directory (holder: $h)"
for i in $(seq 80); do	# a ping's worker goes after 5 s idle
	[ "$(ls /proc/$p2/task | wc -l)" = 2 ] && break; sleep 0.1
done
ok $([ "$(ls /proc/$p2/task | wc -l)" = 2 ]; echo $?) \
    "n2, with an interface, is two threads ($(cat /proc/$p2/task/*/comm | tr '\n' ' '))"
kill -9 "$p1"
for i in $(seq 50); do [ "$(holder)" = "$p2" ] && break; sleep 0.1; done
ok $([ "$(holder)" = "$p2" ]; echo $?) "n1 killed, n2 ($p2) takes the watch over"
pings bus2 n2 10.0.0.2 10.0.0.1
done_testing
