#!/bin/sh
# 55-scale.sh — the largest labs: `generate line N --hosts` (2N nodes) for
# N = 500 and 5000 (1000 and 10,000 nodes), as the user running it: time
# to `up` (until every node is configured), `check` (every path pinged),
# and `down`; each size's time a node and the ratio of 10,000's to
# 1000's; memory a node all in (MemAvailable's drop while the lab is up,
# over the nodes) and the CPU its processes used over 10 idle seconds
# once the lab settled; and, where the kernel runs DAMON, the CPU its
# kdamond threads took during `up`.  A size the machine cannot hold is
# reported as `up` refuses it.  Figures only; never fails because the
# machine is slow.
#
#   O=build/default sh tests/bench/55-scale.sh [SCRATCH]
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-$top/build/default}
PATH=$O/bin:$PATH
x=$(mktemp -d "${1:-/dev/shm}/rumplab-bench-scale.XXXXXX" 2>/dev/null || mktemp -d)
XDG_RUNTIME_DIR=$x
export PATH XDG_RUNTIME_DIR
trap 'for l in $(ls "$x/rumplab" 2>/dev/null); do rumplab down "$l" >/dev/null 2>&1; done; rm -rf "$x"' EXIT
trap 'exit 130' INT TERM
now() { date +%s.%N; }
dt() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
avail() { awk '/^MemAvailable:/ { print $2 }' /proc/meminfo; }
# clock ticks the lab's processes have used (node kernels, supervisor:
# every process whose arguments name the scratch directory)
busy() {
	grep -lzF -- "$x/" /proc/[0-9]*/cmdline 2>/dev/null |
	    sed 's|/cmdline$|/stat|' | xargs cat 2>/dev/null |
	    awk '{ sub(/.*\) /, ""); s += $12 + $13 } END { print s + 0 }'
}

# clock ticks the kernel's DAMON threads (kdamond, a machine's memory
# monitor, none of the lab's) have used: at 10,000 nodes its rmap walks
# over the pages every node maps (rump_server's and its libraries' text)
# were a sixth of the CPU of `up` on the machine these figures come from
kdamond() {
	grep -l '^kdamond' /proc/[0-9]*/comm 2>/dev/null |
	    sed 's|/comm$|/stat|' | xargs cat 2>/dev/null |
	    awk '{ sub(/.*\) /, ""); s += $12 + $13 } END { print s + 0 }'
}

echo "jobs: ${RUMPLAB_JOBS:-$((4 * $(nproc)))} node starts at once on $(nproc) cores; pid_max $(cat /proc/sys/kernel/pid_max)"
printf '%7s %8s %10s %8s %9s %10s %12s\n' nodes "up (s)" "ms a node" "check" "down (s)" "KiB a node" "idle CPU %"
per1k=""
for n in ${SCALE_SIZES:-500 5000}; do
	nodes=$((2 * n))
	f=$x/line-$n.yaml
	rumplab generate line "$n" --hosts -o "$f" >/dev/null || continue
	m0=$(avail)
	k0=$(kdamond)
	t0=$(now)
	if ! rumplab up -q "$f" >"$x/up.out" 2>&1; then
		echo "$nodes nodes: up failed: $(tail -1 "$x/up.out")"
		rumplab down >/dev/null 2>&1
		continue
	fi
	t1=$(now)
	k1=$(kdamond)
	ck=fail
	rumplab check >/dev/null 2>&1 && ck=pass
	# the last router solicitations and reports are over by then
	sleep 15
	m1=$(avail)
	c0=$(busy); sleep 10; c1=$(busy)
	t2=$(now)
	rumplab down >/dev/null 2>&1
	t3=$(now)
	up=$(dt "$t0" "$t1")
	ms=$(awk -v u="$up" -v n="$nodes" 'BEGIN { printf "%.2f", u * 1000 / n }')
	[ "$nodes" = 1000 ] && per1k=$ms
	printf '%7d %8s %10s %8s %9s %10d %12s\n' "$nodes" "$up" "$ms" "$ck" \
	    "$(dt "$t2" "$t3")" $(((m0 - m1) / nodes)) \
	    "$(awk -v a="$c0" -v b="$c1" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", (b - a) / hz / 10 * 100 }')"
	[ "$k1" -gt "$k0" ] && echo "the kernel's kdamond (the machine's DAMON, not the lab) used $(awk -v a="$k0" -v b="$k1" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f", (b - a) / hz }') s of CPU during up"
	if [ "$nodes" = 10000 ] && [ -n "$per1k" ]; then
		echo "time a node at 10,000 against 1000: $(awk -v a="$per1k" -v b="$ms" 'BEGIN { printf "%.2fx", b / a }')"
	fi
done
exit 0
