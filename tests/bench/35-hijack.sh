#!/bin/sh
# librumphijack figures, on a path a - r - b (two buses, one router):
#  - iperf3 TCP (unmodified, hijacked) beside the project's own rumpperf
#    on the same path, in alternating runs;
#  - a 64-byte TCP request/response loop, the same source built on the C
#    library (hijacked) and on librumpclient: what the hijack adds;
#  - an idle hijacked asyncio server (epoll over a node listener and its
#    own host socketpair): its CPU and its node's over 10 s.
# Hijacked programs run in an empty network namespace where one can be
# made.  $1: scratch directory.  Prints figures; never fails on speed.
set -u
d=$1/hijack
mkdir -p "$d" || exit 1
B=$O/bin
HJ=$O/lib/librumphijack.so
COMPS="-l rumpnet_netinet -l rumpnet_shmif"
for p in iperf3 python3; do
	if ! command -v $p >/dev/null; then
		echo "hijack: $p not installed (make deps); skipped"
		exit 0
	fi
done
NS="unshare -rn"
$NS true 2>/dev/null || NS=""
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	for n in a r b; do
		RUMP_SERVER=unix://$d/$n "$B/rump.halt" >/dev/null 2>&1
	done
}
trap cleanup EXIT INT TERM

R() { n=$1; shift; RUMP_SERVER=unix://$d/$n "$@"; }
H() { n=$1; shift; RUMP_SERVER=unix://$d/$n LD_PRELOAD=$HJ $NS "$@"; }

for n in a r b; do "$B/rump_server" $COMPS "unix://$d/$n" || exit 1; done
R a "$B/rump.ifconfig" shmif0 create && R a "$B/rump.ifconfig" shmif0 linkstr "$d/ab1" &&
R a "$B/rump.ifconfig" shmif0 inet 10.8.1.2/24 &&
R r "$B/rump.ifconfig" shmif0 create && R r "$B/rump.ifconfig" shmif0 linkstr "$d/ab1" &&
R r "$B/rump.ifconfig" shmif0 inet 10.8.1.1/24 &&
R r "$B/rump.ifconfig" shmif1 create && R r "$B/rump.ifconfig" shmif1 linkstr "$d/ab2" &&
R r "$B/rump.ifconfig" shmif1 inet 10.8.2.1/24 &&
R b "$B/rump.ifconfig" shmif0 create && R b "$B/rump.ifconfig" shmif0 linkstr "$d/ab2" &&
R b "$B/rump.ifconfig" shmif0 inet 10.8.2.2/24 &&
R r "$B/rump.sysctl" -w net.inet.ip.forwarding=1 >/dev/null &&
R a "$B/rump.route" -q add default 10.8.1.1 &&
R b "$B/rump.route" -q add default 10.8.2.1 || exit 1
R a "$B/rump.ping" -q -c 1 10.8.2.2 >/dev/null || exit 1

# 1. TCP throughput: iperf3 hijacked and rumpperf, alternating.
H b iperf3 -s -p 5401 >"$d/iperf-s.log" 2>&1 &
pids="$pids $!"
R b "$B/rumpperf" -s -p 5402 -m 0 >"$d/perf-s.log" 2>&1 &
pids="$pids $!"
sleep 1
for round in 1 2; do
	ip=$(H a iperf3 -c 10.8.2.2 -p 5401 -t 4 -f m 2>&1 |
	    awk '/receiver/ { print $7 }')
	rp=$(R a "$B/rumpperf" -c 10.8.2.2 -p 5402 -t 4 2>&1 |
	    sed -n 's/.*: \([0-9.]*\) Mbit\/s.*/\1/p')
	echo "TCP a -> b through a router, round $round: iperf3 (hijacked) ${ip:-?} Mbit/s, rumpperf ${rp:-?} Mbit/s$(
	    [ -n "$ip" ] && [ -n "$rp" ] && awk -v i="$ip" -v r="$rp" \
	    'BEGIN { printf ", ratio %.2f", i / r }')"
done

# 2. Request/response: the same loop on libc (hijacked) and librumpclient.
for v in rr_rump rr; do
	if [ $v = rr ]; then run=H; else run=R; fi
	$run b "$O/tests/$v" -s 5403 >"$d/rr-s.log" 2>&1 &
	srv=$!
	for i in 1 2 3 4 5 6 7 8 9 10; do
		grep -q listening "$d/rr-s.log" && break
		sleep 0.1
	done
	printf '%s: ' "$([ $v = rr ] && echo 'hijacked (C library)' || echo 'librumpclient       ')"
	$run a "$O/tests/$v" -c 10.8.2.2 5403 5000
	wait $srv
done

# 3. An idle hijacked server waiting in epoll.
cat >"$d/idle.py" <<'PY'
import asyncio
async def main():
    srv = await asyncio.start_server(lambda r, w: w.close(), "0.0.0.0", 5404)
    print("serving", flush=True)
    await srv.serve_forever()
asyncio.run(main())
PY
H b python3 "$d/idle.py" >"$d/idle.log" 2>&1 &
pids="$pids $!"
for i in $(seq 50); do grep -q serving "$d/idle.log" && break; sleep 0.1; done
py=$(pgrep -f "python3 $d/idle.py" | head -1)
node=$(R b "$B/rump.sysctl" -n kern.pid)
ticks() { awk '{ print $14 + $15 }' /proc/$1/stat; }
cs() { awk '/^voluntary_ctxt/ { v = $2 } /^nonvoluntary_ctxt/ { n = $2 } END { print v + n }' /proc/$1/status; }
p0=$(ticks $py); n0=$(ticks $node); c0=$(cs $py)
sleep 10
p1=$(ticks $py); n1=$(ticks $node); c1=$(cs $py)
echo "idle hijacked asyncio server over 10 s: $((p1 - p0)) clock ticks of CPU ($((c1 - c0)) context switches), its node $((n1 - n0)) ticks ($(getconf CLK_TCK) ticks a second)"
