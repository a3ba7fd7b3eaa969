#!/bin/bash
# 70-lab-up-down.t — proves every ready-made topology comes up as a running
# lab (one node kernel per node, configured from its plan), passes its own
# checks through the node stacks (ping, traceroute / hop limits), and goes
# down leaving no process, file or socket; and that `up` without a file
# starts the built-in default lab.  Unprivileged; state under $T.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/lab.sh"
topos=$(cd "$ROOT/topologies" && ls *.yaml | sed 's/\.yaml$//')
n=$(echo $topos | wc -w)
plan $((n * 5 + 4))

for t in $topos; do
	f=$ROOT/topologies/$t.yaml
	check "$t: validates" as_user rumplab validate "$f"
	s=$(secs)
	check "$t: up" R up -q "$f"
	up=$(elapsed "$s")
	s=$(secs)
	check "$t: status shows every node up" R status
	check "$t: checks pass" R check
	sed 's/^/# /' "$T/.out"
	ck=$(elapsed "$s"); s=$(secs)
	check "$t: down" R down
	diag "$t: up ${up}s, status+check ${ck}s, down $(elapsed "$s")s"
done
check "default lab (no FILE) comes up" R up -q
check "its checks pass" R check
check "down" R down
check_nothing_left
done_testing
