#!/bin/bash
# 75-impair.t — link impairments inside the node kernels, measured
# through the stacks on the default lab (h1 - lan1 - r1 - core - r2 -
# lan2 - h2), as the unprivileged user:
#  - 20 ms of delay on a bus adds 40 ms to the RTT, also while a UDP
#    stream loads the link;
#  - a 10 Mbit/s rate passes 10 Mbit/s of UDP and at most that of TCP;
#  - 5 % loss loses 5 % of 10,000 pings (counted where the replies arrive);
#  - a TCP transfer over a lossy, duplicating, reordering, corrupting
#    link delivers the exact bytes;
#  - settings from the topology (impair:) apply at up and again after a
#    node restarts; link show reports them, and status lists only what
#    changed at run time.
# Tolerances are for a loaded 2-core machine running sanitizer builds;
# `make bench` (tests/bench/60-impair.sh) prints the exact figures.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/lab.sh"
for p in rumpperf rump.ping; do
	[ -x "$B/$p" ] || { echo "1..0 # SKIP $p not built"; exit 0; }
done
plan 37

X() { R exec "$@"; }
# "MIN MEDIAN" RTT in ms of the replies to `rump.ping ARGS` from h1.  The
# median, not the average: on a loaded CI machine three runs of fifty had
# averages 4-8 ms over the delay with minimums exact (a few replies very
# late: a node not scheduled), which says nothing of the delay itself; a
# timer that fired late on most packets still moves the median.
rtt() {
	X h1 -- rump.ping "$@" | sed -n 's/.* time=\([0-9.]*\) ms.*/\1/p' | sort -n |
	    awk '{ v[NR] = $1 } END { if (NR) print v[1], (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}
within() { awk -v v="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(v != "" && v >= lo && v <= hi) }'; }

check "default lab up" R up -q
set -- $(rtt -c 20 -i 0.02 10.0.2.10); bmin=$1 base=$2
diag "RTT h1 -> h2 without impairments: min $bmin median $base ms"

# --- delay -----------------------------------------------------------------
check "link set lan1 delay 20ms" R link set lan1 delay 20ms
R link show lan1 >"$T/show" 2>&1
ok "$(grep -q '^h1:shmif0 .* up *out.delay=20ms' "$T/show"; echo $?)" \
    "link show lists the bus's delay on its members"
# The delay is never shorter (min, in every run), and late by little on
# average.  Lateness is the machine's (a sanitizer build among other
# tests: a node not scheduled answers late) and one-sided, so a run that
# is late is tried again, up to five times; bench shows the exact figure.
# (Three were too few in CI-style runs: 41.87/45.31, 42.14/44.46 and
# 46.83/60.14 ms over a 1.11/2.28 ms base, the first two late by 0.03
# and 0.04 ms past the bounds below.)
# min_ok MIN: never under the 40 ms set, and at most 1 ms over it beyond
# the path's own minimum (bmin: 0.2 ms on an idle machine, 1.2 ms in the
# sanitizer build on a loaded one).
min_ok() {
	within "$1" 40 1000 &&
	    within "$(awk -v a="$1" -v b="$bmin" 'BEGIN { print a - b }')" 39 41
}
# delay_runs HI [UDP]: sets dmin, d (the best run) and dall; with UDP
# a 20 Mbit/s stream runs during each measurement.
delay_runs() {
	local k m a hi=$1
	dmin="" d="" dall="" short=0
	for k in 1 2 3 4 5; do
		if [ -n "${2:-}" ]; then
			X h2 -- rumpperf -s -u -m 1 >"$T/udps" 2>&1 &
			sleep 0.3
			X h1 -- rumpperf -c 10.0.2.10 -u -b 20m -t 3 >"$T/udpc" 2>&1 &
			sleep 0.5
		fi
		set -- $(rtt -c 50 -i 0.02 10.0.2.10); m=$1 a=$2
		wait
		dall="$dall $m/$a"
		within "$m" 0 39.999 && short=1
		if [ -z "$d" ] || within "$a" 0 "$d"; then dmin=$m d=$a; fi
		if min_ok "$m" && med_ok "$a" "$hi"; then
			dmin=$m d=$a
			break
		fi
	done
	[ "$short" = 0 ] && min_ok "$dmin" && med_ok "$d" "$hi"
}
# med_ok MEDIAN HI: the median is at least the 40 ms set and at most HI
# over the path's own median.  (The lower bound is on the figure itself:
# base is one noisy sample, once 2.5 ms against a 0.9 ms minimum on a
# loaded CI machine, and "avg - base >= 39" then failed a delay that was
# exact.)
med_ok() {
	within "$1" 40 1000 &&
	    within "$(awk -v a="$1" -v b="$base" 'BEGIN { print a - b }')" -1000 "$2"
}
delay_runs 43
r=$?
diag "RTT min/median with 20 ms on lan1:$dall ms (base median $base)"
ok $r "20 ms each way on lan1 adds 40 ms to the RTT: min $dmin, median $d - $base"
# 48 ms over the base: the stream's frames and the pings share the
# machine's two cores with the rest of the suite, and a CI-style run
# saw medians of 50.9, 50.1 and 46.8 ms over a 2.1 ms base (44 failed).
delay_runs 48 udp
r=$?
diag "RTT min/median with 20 ms while a 20 Mbit/s UDP stream runs:$dall ms; $(tail -1 "$T/udpc")"
ok $r "under a UDP load the delay still adds 40 ms: min $dmin, median $d - $base"
check "link set lan1 clear" R link set lan1 clear
set -- $(rtt -c 20 -i 0.02 10.0.2.10)
ok "$(within "$1" 0 5; echo $?)" "clear takes the delay away (min $1 ms)"

# --- jitter -----------------------------------------------------------------
# The normal and Pareto jitters need libm, which a node opens when one of
# them is first set (netcomp/impair.c), not at its start.
pid_of() { R status | awk -v n="$1" '$1 == n { print $2 }'; }
maps_libm() { grep -c 'libm\.so' "/proc/$(pid_of "$1")/maps"; }
# (A sanitizer build's runtime brings libm to every program.)
lazy_libm=$(ldd "$B/rump_server" | grep -q 'libm\.so' && echo "# SKIP libm comes with $(ldd "$B/rump_server" | awk '/libasan|libubsan/ { print $1; exit }')")
if [ -n "$lazy_libm" ]; then ok 0 "$lazy_libm"
else ok "$([ "$(maps_libm h1)" = 0 ]; echo $?)" "a node maps no libm before a jitter needs it"
fi
# jitter DIST: h1's link out gets 20 ms of delay and a DIST jitter of 5
# ms; J is "MIN MEDIAN MAX EARLY" of 50 pings' RTT from h1, in ms, EARLY
# the least less the path's own (bmin).
jitter() {
	check "link set h1:shmif0 out delay 20ms jitter 5ms $1" \
	    R link set h1:shmif0 out delay 20ms jitter 5ms "$1"
	J=$(X h1 -- rump.ping -c 50 -i 0.05 10.0.2.10 |
	    sed -n 's/.* time=\([0-9.]*\) ms.*/\1/p' | sort -n |
	    awk -v b="$bmin" '{ v[NR] = $1 } END { if (NR) print v[1], v[int((NR + 1) / 2)], v[NR], v[1] - b }')
	diag "RTT min/median/max/early with 20 ms, $1 jitter of 5 ms: $J ms"
}
jitter normal; set -- $J
# 50 samples of a deviation of 5 ms span about 20 ms; 5 is the least.
# Some come early, which no load can make: the least is 3 ms early at
# most once in 10^5 runs.
ok "$(within "$2" 16 30 && within "$(awk -v a="$3" -v b="$1" 'BEGIN { print a - b }')" 5 1000 &&
    within "$4" 0 17; echo $?)" \
    "a normal jitter spreads the delay around it, early too: $* ms"
if [ -n "$lazy_libm" ]; then ok 0 "$lazy_libm"
else ok "$([ "$(maps_libm h1)" != 0 ] && [ "$(maps_libm r1)" = 0 ]; echo $?)" \
    "the node that set it maps libm now, the others do not"
fi
jitter pareto; set -- $J
# Pareto (alpha 3) of mean 5 ms, centred: never below 20 - 5/3 ms, and
# more than half of the samples at least 0.5 ms early (all 50 late: one
# run in 10^19).
ok "$(within "$1" 18.3 1000 && within "$(awk -v a="$3" -v b="$1" 'BEGIN { print a - b }')" 2 1000 &&
    within "$4" 0 19.5; echo $?)" \
    "a Pareto jitter adds its long tail, never much less than the delay: $* ms"
check "clear" R link set h1:shmif0 clear

# --- rate -------------------------------------------------------------------
check "link set h1:shmif0 out rate 10mbit" R link set h1:shmif0 out rate 10mbit
# best_rate LO HI -u|-t: up to three rumpperf runs h1 -> h2 (-u: UDP at
# 20 Mbit/s, twice the rate, which keeps the shaper's queue full whatever
# the load, and the server's figure; -t: TCP, the client's) until one lies
# in [LO, HI].  Sets best (the highest figure) and runs (all of them).
# The machine's errors only lower a figure, so the best run is the
# shaper's: a UDP receiver starved for longer than its socket's 128
# datagrams take to arrive (150 ms) loses some; a TCP sender or receiver
# starved leaves the link idle (lwIP's 64 KB window drains in 52 ms at
# 10 Mbit/s; CI under load once got 8.1).
best_rate() {
	local k t
	best=0 runs=""
	for k in 1 2 3; do
		if [ "$3" = -u ]; then
			X h2 -- rumpperf -s -u -m 1 >"$T/rs" 2>&1 &
			sleep 0.3
			X h1 -- rumpperf -c 10.0.2.10 -u -b 20m -t 3 >"$T/rc" 2>&1
			wait
			t=$(awk '/^received/ { for (i = 1; i < NF; i++) if ($(i+1) == "Mbit/s,") print $i }' "$T/rs")
		else
			X h2 -- rumpperf -s -m 1 >"$T/rs" 2>&1 &
			sleep 0.3
			X h1 -- rumpperf -c 10.0.2.10 -t 3 >"$T/rc" 2>&1
			wait
			t=$(awk '/Mbit/ { print $(NF-1) }' "$T/rc")
		fi
		runs="$runs ${t:-none}"
		within "$t" "$best" 1000 && best=$t
		within "$best" "$1" "$2" && return 0
	done
	return 1
}
# UDP: 1384-byte datagrams in 1426-byte frames, 9.705 Mbit/s at best.
best_rate 9.3 9.705 -u
r=$?
diag "UDP at 20 Mbit/s into 10mbit:$runs Mbit/s received; last: $(grep '^received' "$T/rs")"
ok $r "10 Mbit/s passes 10 Mbit/s of UDP frames: $best Mbit/s of payload"
# TCP: never above the rate, and within 5 % of the 9.64 possible.
best_rate 9.16 9.66 -t
r=$?
diag "TCP goodput at 10mbit:$runs Mbit/s (frames carry 1460 of 1514 bytes: 9.64 at best)"
ok $r "10 Mbit/s gives 10 Mbit/s of TCP goodput, 5 % at most below the 9.64 possible: $best"
check "clear" R link set h1:shmif0 clear

# --- loss -------------------------------------------------------------------
check "link set h1:shmif0 out loss 5%" R link set h1:shmif0 out loss 5%
# Each raw ICMP socket gets every echo reply and holds 128 of them
# (Debian lwIP's mailbox), so on a loaded machine pingers lose replies in
# their own queues (five pingers: 8.6 % in all, 5.1 % on the link).  The
# link's loss is therefore counted where the replies arrive, h1's shmif0;
# ping's own figure can only be higher.
ipkts() { X h1 -- rump.netstat -i -n | awk '$1 == "shmif0" && $3 == "<Link>" { print $5 }'; }
in0=$(ipkts)
for k in 1 2; do
	X h1 -- rump.ping -q -c 5000 -i 0.001 -W 1 10.0.1.1 >"$T/loss$k" 2>&1 &
done
wait
in1=$(ipkts)
sent=$(cat "$T"/loss? | awk '/transmitted/ { s += $1 } END { print s }')
got=$(cat "$T"/loss? | awk '/transmitted/ { s += $4 } END { print s }')
pct=$(awk -v s="$sent" -v g="$got" 'BEGIN { printf "%.2f", 100 * (s - g) / s }')
lpct=$(awk -v s="$sent" -v a="$in0" -v b="$in1" 'BEGIN { printf "%.2f", 100 * (s - (b - a)) / s }')
diag "5 % loss: $sent pings, $((in1 - in0)) replies reached h1 ($lpct % lost), $got reached ping ($pct % lost)"
ok "$(within "$lpct" 4 6 && within "$pct" "$lpct" 100; echo $?)" \
    "5 % loss loses 5 % +-1 of $sent pings ($lpct %; ping saw $pct %)"
X h1 -- rump.ifconfig -v shmif0 >"$T/ifv" 2>&1
grep impair "$T/ifv" | sed 's/^/# /'
ok "$(awk '/impair out: loss 50000ppm;/ { f = $5; l = $7; exit !(f >= 10000 && l >= 400 && l <= 600) } END { if (!f) exit 1 }' "$T/ifv"; echo $?)" \
    "rump.ifconfig -v shows the impairment and about the 500 frames it lost (counters count since the interface came up)"
check "clear" R link set h1:shmif0 clear

# --- a bad link, exact bytes --------------------------------------------------
head -c 1000000 /dev/urandom >"$T/payload"
chmod 0644 "$T/payload"
check "a lossy, duplicating, reordering, corrupting link" \
    R link set h1:shmif0 delay 1ms loss 2% dup 2% reorder 10% corrupt 0.5%
X h2 -- rumpperf -s -m 1 -o "$T/received" >"$T/bads" 2>&1 &
sleep 0.3
s=$(secs)
check "TCP transfer of 1 MB over it completes" X h1 -- rumpperf -c 10.0.2.10 -f "$T/payload" -w 60
wait
diag "1 MB over the bad link in $(elapsed "$s") s: $(cat "$T/.out")"
ok "$(cmp -s "$T/payload" "$T/received"; echo $?)" "the bytes received are the bytes sent"
R link show h1:shmif0 >"$T/show" 2>&1
ok "$(grep -q 'out.delay=1ms out.loss=2% out.dup=2% out.reorder=10% out.corrupt=0.5% in.delay=1ms' "$T/show"; echo $?)" \
    "link show prints what was set, both directions"
sed 's/^/# /' "$T/show"
check "down" R down

# --- from the topology --------------------------------------------------------
cat >"$T/imp.yaml" <<'Y'
name: imp
buses:
  lan: { subnet: 10.9.0.0/24, delay: 5ms }
nodes:
  a: { interfaces: [ { bus: lan, addr: 10.9.0.1/24, impair: "out delay 10ms" } ] }
  b: { interfaces: [ { bus: lan, addr: 10.9.0.2/24 } ] }
  c: { interfaces: [ { bus: lan, addr: 10.9.0.3/24 } ] }
Y
chmod 0644 "$T/imp.yaml"
check "a topology with impair: comes up" R up -q "$T/imp.yaml"
R status >"$T/st" 2>&1
ok "$(! grep -q 'NOT AS PLANNED' "$T/st"; echo $?)" \
    "status does not list the topology's own impairments as not planned"
# The minimum is exact on an idle machine (15.2 ms); a loaded one once
# had all ten late (17.2 ms), so a late run is tried again, twice.
for k in 1 2 3; do
	r=$(R exec a -- rump.ping -q -c 10 -i 0.05 10.9.0.2 | awk -F'[/ =]+' '/^round-trip/ { print $6 }')
	within "$r" 15 17 && break
done
ok "$(within "$r" 15 17; echo $?)" "its settings apply at up: a's 10 ms out, b's 5 ms from the bus (min $r ms)"
check "node restart a" R node restart a
for k in 1 2 3; do              # as above: a late run is tried again
	r=$(R exec a -- rump.ping -q -c 10 -i 0.05 10.9.0.2 | awk -F'[/ =]+' '/^round-trip/ { print $6 }')
	within "$r" 15 17 && break
done
ok "$(within "$r" 15 17; echo $?)" "and again after a restart (min $r ms)"
# a's input impairments meet only a's frames, not the segment's others
check "a: in rate 100kbit limit 20" R link set a:shmif0 in rate 100kbit limit 20
R status >"$T/st" 2>&1
ok "$(sed -n '/NOT AS PLANNED/,/^BUS/p' "$T/st" | grep -v 'NOT AS PLANNED\|^BUS' |
    diff - <(echo 'iface a:shmif0 out.delay=10ms in.rate=100kbit in.limit=20 (planned: out.delay=10ms)') >&2; echo $?)" \
    "status lists the run-time change, beside what the topology set"
R exec b -- rump.ping -q -c 1500 -i 0.001 -s 1000 -W 1 10.9.0.3 >/dev/null 2>&1 &
sleep 0.5
R exec a -- rump.ping -q -c 10 -i 0.1 -W 2 10.9.0.2 >"$T/own" 2>&1
wait
ok "$(grep -q ' 0.0% packet loss' "$T/own"; echo $?)" \
    "b's flood to c on the same bus does not use up a's input rate"
sed 's/^/# /' "$T/own" | tail -2
check "down" R down
check_nothing_left
done_testing
