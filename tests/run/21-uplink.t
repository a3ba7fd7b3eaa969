#!/bin/sh
# 21-uplink.t — rumplab uplink: a bus joined to another over VDE.  Two
# bus files with a node on each (10.21.0.1 on busa, 10.21.0.2 on busb),
# and two uplinks joined with udp:// on 127.0.0.1, run as the
# unprivileged user inside a network namespace of the test's own
# (unshare -rn, its loopback up: no frame can leave the machine, and
# every port there is free).  Proves: the formats against lab/UPLINK.txt
# (tests/test_uplink) and the heartbeat parser's fuzz target for a
# bounded time; a missing bus file, a bad URL, a scheme libvdeplug has
# no module for and a port already taken each end it with a message
# naming the problem, exit 1; both peers come up; a ping crosses; the
# stats files count the frames both ways, each side's out the other's
# in; each bus holds each echo request and reply once (an uplink sends
# on no frame it wrote itself); idle, an uplink wakes for heartbeats
# only; with one uplink killed the other's peer is lost within ~4 s and
# the frames sent meanwhile count as lost; restarted, both are up again
# and the ping crosses; SIGTERM ends both with status 0 and no temp file;
# two uplinks in one vxvde:// multicast group carry a ping too.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/nodes.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/tests/fuzz/targets.sh"
if ! as_user unshare -rn true 2>/dev/null; then
	skip_all "user namespaces are refused here (unshare -rn)"
fi
for t in nsenter tcpdump; do
	command -v $t >/dev/null || skip_all "$t not installed"
done
plan 24

# --- the formats ------------------------------------------------------------
check "the heartbeat, the stats file and URLs as lab/UPLINK.txt says" \
    as_user "$O/tests/test_uplink" "$ROOT/lab/UPLINK.txt"
F=${FUZZ_O:-$O/../fuzz}/fuzz_uplink
if [ -x "$F" ]; then
	fuzz_seeds uplink "$T/corpus" >/dev/null
	check "fuzz_uplink: ${FUZZ_SECONDS:-10} s over arbitrary frames, stats lines and URLs, no finding" \
	    sh -c "cd '$T' && '$F' -max_total_time=${FUZZ_SECONDS:-10} $(fuzz_flags uplink) '$T/corpus'"
else
	echo "ok $((_n=_n+1)) # SKIP $F not built"
fi

# --- the namespace, the nodes -----------------------------------------------
NS=""; UA=""; UB=""
on_exit 'for p in $UA $UB $NS; do kill -9 $p; done; wait'
# Its loopback carries multicast too, for vxvde:// (its only route there).
as_user unshare -rn sh -c "ip link set lo up multicast on &&
    ip route add 239.0.0.0/8 dev lo && echo \$\$ >'$T/ns.pid' &&
    exec sleep 1000" 2>/dev/null &
wait_grep "$T/ns.pid" . && NS=$(cat "$T/ns.pid")
# uplink VAR ARGS...: an uplink in the namespace; its pid in VAR, that
# of the shell that waits for it (and exits with its status) in VARw
uplink() {
	local v=$1; shift
	rm -f "$T/$v.pid"
	as_user nsenter -U -n -t "$NS" --preserve-credentials \
	    sh -c 'echo $$ >"$0" && exec "$@"' "$T/$v.pid" \
	    rumplab uplink "$@" >>"$T/uplink.log" 2>&1 &
	eval "${v}w=\$!"
	wait_grep "$T/$v.pid" . && eval "$v=\$(cat \"\$T/\$v.pid\")"
}
# the field of a stats file's line, from its state on
state() { awk '{ print $(NF-5) }' "$1" 2>/dev/null; }
outs() { awk '{ print $(NF-4) " " $(NF-3) }' "$1"; }
ins() { awk '{ print $(NF-2) " " $(NF-1) }' "$1"; }
lost() { awk '{ print $NF }' "$1"; }
wait_state() {	# wait_state FILE STATE SECONDS
	local i=0
	while [ $i -lt $(($3 * 20)) ]; do
		[ "$(state "$1")" = "$2" ] && return 0
		sleep 0.05; i=$((i + 1))
	done
	return 1
}
ms() { echo $(($(date +%s%N) / 1000000)); }
# echo requests or replies (icmp-echo, icmp-echoreply) on a bus
echoes() { shmif_dumpbus -p - "$T/$1" 2>/dev/null |
    tcpdump -n -r - "icmp[icmptype] == $2" 2>/dev/null | wc -l; }
pings() {	# pings N: a ping of N packets from a to b, all answered
	N a rump.ping -c "$1" -i 0.2 -w 5 10.21.0.2 >"$T/ping.out" 2>&1 &&
	    grep -q "$1 packets received" "$T/ping.out"
}

cd "$T" || exit 1
fails_with "a missing bus file: exit 1, saying so" "uplink nobus: no such bus file" \
    as_user rumplab uplink nobus "udp://1->127.0.0.1:2"
start_node a 4 && start_node b 4 && ifc a shmif0 "$T/busa" 10.21.0.1/24 &&
    ifc b shmif0 "$T/busb" 10.21.0.2/24
ok $? "two nodes, each on a bus of its own"
fails_with "a udp:// URL without its arrow: exit 1, the syntax shown" \
    "udp://garbage: a udp:// URL is udp://\[ADDR:\]PORT->ADDR:PORT" \
    as_user rumplab uplink busa udp://garbage
fails_with "a scheme libvdeplug has no module for: exit 1, naming it" \
    "nosuch://x: libvdeplug has no module for nosuch://" \
    as_user rumplab uplink busa nosuch://x
as_user rumplab uplink busa >"$T/.err" 2>&1
ok $([ $? = 2 ] && grep -q "no URL to join the bus to" "$T/.err"; echo $?) \
    "no URL: a usage error (exit 2)"

# --- two uplinks ------------------------------------------------------------
A2B="udp://127.0.0.1:47100->127.0.0.1:47101"
B2A="udp://127.0.0.1:47101->127.0.0.1:47100"
t0=$(ms)
uplink UA busa "$A2B" --stats sa
uplink UB busb "$B2A" --stats sb
wait_state sa up 5 && wait_state sb up 5
ok $? "both peers up within $(($(ms) - t0)) ms (heartbeats each second)" ||
    sed 's/^/# /' "$T/uplink.log" sa sb
fails_with "a local port already taken: exit 1, saying so" \
    "local port 47100 is taken" \
    as_user nsenter -U -n -t "$NS" --preserve-credentials \
    rumplab uplink busb "$A2B"
# Counters over the ping (a node's first frames, its IPv6 duplicate
# address probe, may go out before the other uplink listens).
sleep 1.2		# the stats files are written at most once a second
set -- $(outs sa) $(ins sa) $(outs sb) $(ins sb)
pings 5
ok $? "a ping of 5 crosses the uplinks" || sed 's/^/#   /' "$T/ping.out"
sleep 1.2
set -- $(($(outs sa | cut -d' ' -f1) - $1)) $(($(outs sa | cut -d' ' -f2) - $2)) \
    $(($(ins sa | cut -d' ' -f1) - $3)) $(($(ins sa | cut -d' ' -f2) - $4)) \
    $(($(outs sb | cut -d' ' -f1) - $5)) $(($(outs sb | cut -d' ' -f2) - $6)) \
    $(($(ins sb | cut -d' ' -f1) - $7)) $(($(ins sb | cut -d' ' -f2) - $8))
[ "$1 $2" = "$7 $8" ] && [ "$5 $6" = "$3 $4" ]
ok $? "meanwhile each side's out is the other's in (frames bytes: a out $1 $2 in $3 $4, b out $5 $6 in $7 $8)" ||
    cat sa sb | sed 's/^/#   /'
[ "$1" -ge 6 ] && [ "$5" -ge 6 ] && [ "$(lost sa)" = 0 ] && [ "$(lost sb)" = 0 ]
ok $? "at least the ARP exchange and 5 echoes each way, none lost"
r1=$(echoes busa icmp-echo) r2=$(echoes busb icmp-echo)
r3=$(echoes busa icmp-echoreply) r4=$(echoes busb icmp-echoreply)
[ "$r1 $r2 $r3 $r4" = "5 5 5 5" ]
ok $? "each bus holds the 5 requests and 5 replies once (busa $r1/$r3, busb $r2/$r4)"

# Idle: the main thread wakes for its own heartbeat and the peer's, 2 a
# second; the bus's reader sleeps on the bus (the nodes have no IPv6, whose
# timers would send frames).  Sleeps (voluntary switches) of the main
# thread and of all: a poll loop would count hundreds.
sleeps() { cat /proc/$1/task/${2:-*}/status 2>/dev/null |
    awk '/^voluntary_ctxt_switches/ { n += $2 } END { print n + 0 }'; }
m0=$(sleeps $UA $UA) s0=$(sleeps $UA); sleep 3; m1=$(sleeps $UA $UA) s1=$(sleeps $UA)
[ "$m0" -gt 0 ] && [ $((m1 - m0)) -le 8 ] && [ $((s1 - s0)) -le 10 ]
ok $? "idle for 3 s, an uplink's main thread wakes $((m1 - m0)) times, all its threads $((s1 - s0))"

# --- a peer lost, and back ----------------------------------------------------
kill -9 $UB; wait $UBw 2>/dev/null; UB=""; t0=$(ms)
wait_state sa lost 6
ok $? "the other uplink killed: its peer is lost after $(($(ms) - t0)) ms (3 s without a heartbeat)"
[ $(($(ms) - t0)) -le 4500 ]
ok $? "within 4.5 s"
o0=$(outs sa); l0=$(lost sa)
N a rump.ping -c 3 -i 0.2 -w 2 10.21.0.2 >/dev/null 2>&1
sleep 1.2
[ -n "$l0" ] && [ "$(lost sa)" -ge $((l0 + 3)) ] && [ "$(outs sa)" = "$o0" ]
ok $? "a ping sent meanwhile: its frames count as lost ($l0 -> $(lost sa)), not out" ||
    sed 's/^/#   /' sa
uplink UB busb "$B2A" --stats sb
t0=$(ms)
wait_state sa up 5 && wait_state sb up 5
ok $? "restarted, both are up again after $(($(ms) - t0)) ms"
for i in 1 2 3 4 5; do pings 1 && break; sleep 0.5; done
ok $? "and a ping crosses again" || sed 's/^/#   /' "$T/ping.out"

# --- the end ---------------------------------------------------------------
kill -TERM $UA $UB
wait $UAw; ra=$?; wait $UBw; rb=$?; UA=""; UB=""
ok $([ $ra = 0 ] && [ $rb = 0 ]; echo $?) "SIGTERM ends both with status 0 ($ra, $rb)"
[ ! -e sa.tmp ] && [ ! -e sb.tmp ] && [ "$(state sa)" = up ]
ok $? "no temp file left; the stats files keep the last counters"
# --- vxvde://: a multicast group (the namespace's loopback only) ----------
uplink UA busa vxvde://239.255.0.1/vni=21 --stats va
uplink UB busb vxvde://239.255.0.1/vni=21 --stats vb
wait_state va up 5 && wait_state vb up 5 && sleep 1.2 &&
    set -- $(outs va) $(ins vb) && pings 3 && sleep 1.2
ok $? "two uplinks in one vxvde:// group: both up, a ping crosses" ||
    sed 's/^/#   /' "$T/ping.out" va vb
[ $(($(outs va | cut -d" " -f1) - $1)) -ge 3 ] &&
    [ $(($(outs va | cut -d' ' -f1) - $1)) = $(($(ins vb | cut -d' ' -f1) - $3)) ]
ok $? "each frame once: a's out is b's in ($(outs va) / $(ins vb))"
kill -TERM $UA $UB
wait $UAw; ra=$?; wait $UBw; rb=$?; UA=""; UB=""

# (The shell that waited for the killed one says "Killed".)
ok $([ "$(grep -v '^Killed$' uplink.log)" = "" ]; echo $?) \
    "the uplinks said nothing while they ran" || sed 's/^/#   /' uplink.log
done_testing
