#!/bin/bash
# 59-rip.t — rump.routed, RIPv2 between nodes, as the unprivileged user.
# First its protocol without nodes (tests/netcomp/test_rip: convergence,
# split horizon, withdrawal, timeouts, counting to infinity bounded at
# 16, requests, malformed messages).  Then three labs at once with the
# timers shortened (update 1s):
#  - a ring of five routers with hosts (routing: rip): it converges, the
#    routes are in the nodes' tables (flag 2, not S) and in rump.routed -l
#    with their timers; a bus cut re-converges the ring the other way, as
#    the lab's own checks say (steps and within:), and the times are
#    printed; a stub LAN taken down is withdrawn from every router's
#    table by poisoned updates, long before the 30 s timeout;
#  - two routers without split horizon (split: none): with the stub's
#    router deaf for a moment, they count to infinity, one metric at a
#    time, and stop at 16 with the route gone from both tables;
#  - the same pair with poisoned reverse: no counting, the route goes.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/lab.sh"
plan 15

check "the protocol: tests/netcomp/test_rip" "$O/tests/test_rip"
grep -c '^ok' "$T/.out" | sed 's/^/# /; s/$/ of its checks passed/'

# --- the labs ----------------------------------------------------------------
as_user rumplab generate ring 5 --hosts -o "$T/ring.yaml" >/dev/null
sed -i -e "s/^name: .*/name: ring/" -e 's/^  routing: static$/  routing: rip\n  rip: { update: 1s, timeout: 30s, garbage: 10s }/' \
    -e '/^checks:/,$d' "$T/ring.yaml"
cat >>"$T/ring.yaml" <<'X'
checks:
  - { from: h1, to: h3, within: 20s, name: "converged", hint: "RIP needs a few updates" }
  - { from: h1, to: h4, within: 20s }
  - { do: "bus cut r4-r5" }
  - { from: h1, to: h4, via: [r1, r2, r3, r4], within: 20s, name: "around the cut" }
  - { on: r1, run: "rump.routed -l", match: "10\\.0\\.3\\.0/24 .* 4  expires in" }
X
pair() {	# NAME SPLIT
	cat <<X
name: $1
defaults: { routing: rip, rip: { update: 1s, timeout: 60s, garbage: 10s, split: $2 } }
buses: { stub: { subnet: 10.9.0.0/24 } }
nodes:
  a: { kind: router, interfaces: [ { bus: stub, addr: 10.9.0.1/24 } ] }
  b: { kind: router }
  s: { interfaces: [ { bus: stub, addr: 10.9.0.10/24 } ] }
links:
  - { a: a, b: b, subnet: 10.8.0.0/30 }
X
}
pair none none >"$T/none.yaml"
pair poison poison >"$T/poison.yaml"
s=$(secs)
R up -q "$T/ring.yaml" >"$T/u1" 2>&1 & p1=$!
R up -q "$T/none.yaml" >"$T/u2" 2>&1 & p2=$!
R up -q "$T/poison.yaml" >"$T/u3" 2>&1 & p3=$!
wait $p1; r1=$?; wait $p2; r2=$?; wait $p3; r3=$?
ok $([ $r1$r2$r3 = 000 ]; echo $?) "three RIP labs up ($(elapsed "$s") s)" ||
    cat "$T/u1" "$T/u2" "$T/u3" | sed 's/^/# /'
X() { R exec --lab "$1" "$2" -- "${@:3}"; }

# --- the ring ------------------------------------------------------------------
s=$(secs)
R check --json ring >"$T/ck" 2>&1; r=$?
t=$(elapsed "$s")
ok $r "the ring's checks pass: converged, re-converged around the cut (in $t s)" ||
    sed 's/^/# /' "$T/ck"
jq -r '.checks[] | "\(.name // .do // .kind): \(.result) (\(.seconds) s)"' "$T/ck" | sed 's/^/# /'
X ring r1 rump.netstat -rn -f inet >"$T/rt" 2>&1
grep -Eq '^10\.0\.2/24 +10\.0\.5\.2 +UG2 ' "$T/rt"
ok $? "r1's table has RIP's routes, flagged 2 (not S)" || sed 's/^/# /' "$T/rt"
X ring r1 rump.routed -l >"$T/l" 2>&1
grep -q '^RIPv2: update 1s, timeout 30s, garbage 10s; split horizon with poisoned reverse; supplying updates$' "$T/l" &&
grep -Eq '^10\.0\.2\.0/24 +10\.0\.5\.2 +shmif1 +3  expires in [0-9.]+s$' "$T/l"
ok $? "rump.routed -l shows the timers and each route with its own" || sed 's/^/# /' "$T/l"
X ring r2 rump.routed -l 10.0.5.1 >"$T/q" 2>&1
grep -Eq '^10\.0\.0\.0/24 +- +1 +0$' "$T/q"
ok $? "rump.routed -l ADDR: r1 answers a RIP request with its table" || sed 's/^/# /' "$T/q"
# The console: r1's page, section 9, is rump.routed -l, refreshed.
if command -v tmux >/dev/null; then
	TM() { as_user env TMUX_TMPDIR="$T" SHELL=/bin/bash tmux -L rl58 "$@"; }
	on_exit 'TM kill-server'
	screen() { TM capture-pane -p -t c58; }
	wait_for() {	# a loaded machine makes the console's 3 s per
		local i	# question run out: it asks again every 2 s
		for i in $(seq 400); do
			screen | grep -Eq -- "$1" && return 0
			sleep 0.1
		done
		screen | sed 's/^/# | /'
		return 1
	}
	TM new-session -d -s c58 -x 110 -y 40 \
	    "TERM=xterm-256color rumplab console ring; exec sleep 600"
	wait_for '^  r1 +up ' && TM send-keys -t c58 Down Down Down Down Down Enter &&
	    wait_for '^node r1: up' && TM send-keys -t c58 9 &&
	    wait_for 'RIP routes and timers \(rump\.routed -l\)' &&
	    wait_for '^10\.0\.2\.0/24 +10\.0\.5\.2 +shmif1 +3  expires in'
	ok $? "the console's node page shows RIP's table and timers (key 9)"
	TM send-keys -t c58 Q
else
	echo "ok $((_n=_n+1)) # SKIP tmux not installed"
fi
# A stub LAN goes: r3 poisons it; every router drops it in seconds.
check "link set r3:lan3 down" R link set --lab ring r3:lan3 down
for i in $(seq 100); do
	n=0
	for r in r1 r2 r4 r5; do
		X ring $r rump.netstat -rn -f inet 2>/dev/null | grep -q '^10\.0\.2/24' && n=$((n + 1))
	done
	[ $n = 0 ] && break
	sleep 0.1
done
# From r3's "interface down" to the last router's "unreachable", by the
# daemons' own clocks in their logs.
L=$XDG_RUNTIME_DIR/rumplab/ring/log
t=$( { grep -h '10\.0\.2\.0/24 .*interface down' "$L/r3.log"
    grep -h '10\.0\.2\.0/24 .*unreachable (withdrawn by' "$L"/r[1245].log; } |
    awk '{ split($1, a, ":"); s = a[1] * 3600 + a[2] * 60 + a[3]
	if (NR == 1) t0 = s; else if (s - t0 > m) m = s - t0; n++ }
	END { if (n == 5) printf "%.3f", m; else print "missing" }')
ok $([ $n = 0 ] && [ "$t" != missing ] && awk -v t="$t" 'BEGIN { exit !(t < 10) }'; echo $?) \
    "a poisoned route is withdrawn from all four other routers in $t s (the timeout is 30 s)"
grep -q '10\.0\.2\.0/24 via 10\.0\.5\.9 .*unreachable (withdrawn by 10\.0\.5\.9)' "$L/r4.log"
ok $? "r4's log says who withdrew it (r3)"

# --- counting to infinity --------------------------------------------------------
countdown() {	# LAB: a deaf, its stub down, b's update heard, a hears again
	R link set --lab "$1" a:a-b out loss 100% >/dev/null &&
	R link set --lab "$1" a:stub down >/dev/null && sleep 2.5 &&
	R link set --lab "$1" a:a-b out loss 0 >/dev/null
}
for l in none poison; do
	X $l b rump.netstat -rn -f inet 2>/dev/null | grep -q '^10\.9\.0/24 .*UG2' ||
	    sleep 2
done
countdown none & c1=$!
countdown poison & c2=$!
wait $c1 $c2
s=$(secs)
# each of a and b drops it when it reaches 16 there, an update apart
for i in $(seq 150); do
	{ X none b rump.netstat -rn -f inet; X none a rump.netstat -rn -f inet; } \
	    2>/dev/null | grep -q '^10\.9\.0/24' || break
	sleep 0.1
done
t=$(elapsed "$s")
L=$XDG_RUNTIME_DIR/rumplab/none/log
grep -o '10\.9\.0\.0/24 via [0-9.]* ([a-z0-9]*) metric [0-9]*' "$L/b.log" "$L/a.log" |
    awk '{ print $NF }' | sort -n | uniq | tr '\n' ' ' >"$T/metrics"
diag "metrics the stub took on a and b: $(cat "$T/metrics")"
ok $([ "$(awk '{ print $NF }' "$T/metrics")" = 16 ] && [ "$(wc -w <"$T/metrics")" -ge 6 ]; echo $?) \
    "without split horizon, a and b count to infinity one metric at a time and stop at 16"
X none b rump.netstat -rn -f inet >"$T/rt" 2>&1
X none a rump.netstat -rn -f inet >>"$T/rt" 2>&1
! grep -q '^10\.9\.0/24' "$T/rt"; ok $? "then the route is gone from both tables ($t s after)"
grep -q 'metric 16: unreachable' "$L/b.log"; ok $? "b logs it unreachable at metric 16"
L=$XDG_RUNTIME_DIR/rumplab/poison/log
X poison b rump.netstat -rn -f inet >"$T/rt" 2>&1
! grep -q '^10\.9\.0/24' "$T/rt" && ! grep -Eq '10\.9\.0\.0/24 .* metric ([3-9]|1[0-5]):' "$L/a.log" "$L/b.log"
ok $? "with poisoned reverse nothing counts: the route goes from metric 2 to 16"
for l in ring none poison; do R down $l >/dev/null 2>&1; done
check_nothing_left
done_testing
