#!/bin/bash
# Impairment figures on the default lab (h1 - lan1 - r1 - core - r2 -
# lan2 - h2), measured through the node stacks:
#  - delay accuracy: RTT added by 20 ms each way on lan1 (target 40 ms
#    +-1), idle and under UDP loads of 1, 10 and 100 Mbit/s;
#  - rate accuracy: TCP goodput through 1, 10 and 100 Mbit/s (best
#    possible: 1460/1514 of the rate);
#  - loss accuracy: 5 % over 10,000 pings;
#  - cost: TCP throughput h1 -> h2 unimpaired, and through an impaired
#    interface whose impairment never fires (the detour through the
#    impairment thread);
#  - what the usual alternative does here: Linux tc netem (what Mininet
#    uses) if this kernel has it.
# $1: scratch directory.  Prints figures; fails only if the lab cannot
# start.
set -u
d=$1/impair
mkdir -p "$d/xdg" && chmod 700 "$d/xdg" || exit 1
export XDG_RUNTIME_DIR=$d/xdg PATH="$O/bin:$PATH"
trap 'rumplab down >/dev/null 2>&1' EXIT INT TERM
rumplab up -q >/dev/null || exit 1
X() { rumplab exec "$@"; }
rtt() { X h1 -- rump.ping -q "$@" 10.0.2.10 | awk -F'[/ =]+' '/^round-trip/ { print $6, $7, $8 }'; }
server() {      # server LOG ARGS...: rumpperf -s on h2, waits until it listens
	local log=$1 i; shift
	X h2 -- rumpperf -s "$@" >"$log" 2>&1 &
	for i in $(seq 200); do grep -q '^listening' "$log" 2>/dev/null && return 0; sleep 0.05; done
	return 1
}
tcp() {         # tcp SECS: goodput h1 -> h2 in Mbit/s
	server "$d/s.log" -m 1 || return
	X h1 -- rumpperf -c 10.0.2.10 -t "$1" | awk '/Mbit/ { print $(NF-1) }'
	wait
}

X h1 -- rump.ping -q -c 3 -i 0.01 10.0.2.10 >/dev/null
set -- $(rtt -c 200 -i 0.005)
base=$2
echo "RTT h1 -> h2 unimpaired: min $1 avg $2 max $3 ms (200 pings)"

rumplab link set lan1 delay 20ms >/dev/null
set -- $(rtt -c 200 -i 0.005)
echo "20 ms each way on lan1, idle: min $1 avg $2 max $3 ms: added $(awk -v a="$2" -v b="$base" 'BEGIN { printf "%.3f", a - b }') ms (target 40 +-1)"
for load in 1m 10m 100m; do
	server "$d/u.log" -u -m 1 || break
	X h1 -- rumpperf -c 10.0.2.10 -u -b $load -t 4 >"$d/uc.log" 2>&1 &
	sleep 0.5
	set -- $(rtt -c 200 -i 0.01)
	wait
	echo "  under ${load}bit/s of UDP ($(awk '/Mbit/ { print $(NF-1) }' "$d/uc.log") Mbit/s sent): min $1 avg $2 max $3 ms: added $(awk -v a="$2" -v b="$base" 'BEGIN { printf "%.3f", a - b }') ms"
done
rumplab link set lan1 clear >/dev/null

for r in 1 10 100; do
	rumplab link set h1:shmif0 out rate ${r}mbit >/dev/null
	g=$(tcp 4)
	echo "rate ${r}mbit: TCP goodput $g Mbit/s = $(awk -v g="$g" -v r=$r 'BEGIN { printf "%.1f", 100 * g / r }') % of the rate (best 96.4 %)"
done
rumplab link set h1:shmif0 clear >/dev/null

rumplab link set h1:shmif0 out loss 5% >/dev/null
for k in 1 2 3 4 5; do
	X h1 -- rump.ping -q -c 2000 -i 0.001 -W 1 10.0.1.1 >"$d/loss$k" 2>&1 &
done
wait
cat "$d"/loss? | awk '/transmitted/ { s += $1; g += $4 } END { printf "loss 5%%: %d pings, %d answered: %.2f %% lost (target 5 +-1)\n", s, g, 100 * (s - g) / s }'
rumplab link set h1:shmif0 clear >/dev/null

u=$(tcp 4)
rumplab link set h1:shmif0 out dup 0.0001% >/dev/null
i=$(tcp 4)
rumplab link set h1:shmif0 clear >/dev/null
echo "TCP h1 -> h2 unimpaired: $u Mbit/s; through the impairment thread (dup 0.0001 %): $i Mbit/s ($(awk -v a="$i" -v b="$u" 'BEGIN { printf "%.2f", a / b }')x)"

if [ "$(id -u)" = 0 ] && command -v tc >/dev/null && ip netns add rlb1 2>/dev/null; then
	ip netns add rlb2
	ip link add va netns rlb1 type veth peer name vb netns rlb2
	ip -n rlb1 addr add 10.99.0.1/24 dev va; ip -n rlb2 addr add 10.99.0.2/24 dev vb
	ip -n rlb1 link set va up; ip -n rlb2 link set vb up
	if ip netns exec rlb1 tc qdisc add dev va root netem delay 20ms 2>/dev/null; then
		ip netns exec rlb2 tc qdisc add dev vb root netem delay 20ms
		ip netns exec rlb1 ping -q -c 200 -i 0.005 10.99.0.2 | tail -1 | sed 's/^/tc netem, veth, 20 ms each way: /'
	else
		echo "tc netem: not available in this kernel (sch_netem missing): Mininet's link delays and losses would not work here"
	fi
	ip netns del rlb1; ip netns del rlb2
fi
