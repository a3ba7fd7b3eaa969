#!/bin/bash
# 74-lab-interrupt.t — proves Ctrl-C is safe: SIGINT to `rumplab up` at
# several moments of a 300-node start, and SIGTERM once, leave no process
# and no file; and `down` with an interrupt pending still finishes.  If a
# fast machine finished `up` before the signal, the lab rightly runs: it
# is taken down and must then leave nothing either.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/lab.sh"
plan 6
as_user rumplab generate ring 300 -o "$T/ring.yaml"
finished_first() {	# finished_first STATUS WHEN
	[ "$1" = 0 ] || return 0
	diag "up finished before the signal $2; taking the lab down"
	R down >/dev/null 2>&1
}
for d in 0.05 0.3 1; do
	R up -q "$T/ring.yaml" >/dev/null 2>&1 & p=$!
	sleep "$d"
	# the `up` process itself (timeout's child), as a terminal would
	kill -INT $(pgrep -P "$(pgrep -P $p | head -1)" 2>/dev/null || pgrep -P $p) 2>/dev/null
	kill -INT "$(pgrep -f "rumplab up -q $T/ring.yaml" | head -1)" 2>/dev/null
	wait $p
	finished_first $? "at ${d}s"
	check_nothing_left "SIGINT after ${d}s of up: nothing left"
done
R up -q "$T/ring.yaml" >/dev/null 2>&1 & p=$!
sleep 0.5
kill -TERM "$(pgrep -f "rumplab up -q $T/ring.yaml" | head -1)" 2>/dev/null
wait $p
finished_first $? "at 0.5s (SIGTERM)"
check_nothing_left "SIGTERM during up: nothing left"
check "up again" R up -q "$T/ring.yaml"
R down >/dev/null 2>&1 & p=$!
sleep 0.05
# this test's down (timeout's child), not another lab's on the machine
kill -INT $(pgrep -P "$(pgrep -P $p | head -1)" 2>/dev/null || pgrep -P $p) 2>/dev/null
wait $p
check_nothing_left "SIGINT during down: nothing left"
done_testing
