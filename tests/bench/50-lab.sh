#!/bin/sh
# 50-lab.sh — how fast labs start and stop, and what a large idle lab
# costs: `rumplab up` (until every node is configured) and `rumplab down`
# for lines and rings of 10, 100 and 1000 routers; `rumplab plan` of lines
# of 1000, 2000 and 5000 routers (its routes grow as n log n, its time
# should too); the 1000-node line's
# memory (PSS summed over its node kernels and supervisor, from
# /proc/PID/smaps_rollup) and its CPU use over 10 idle seconds.  Then, if
# Debian's mininet is installed and we are root, Mininet's start time for
# 10 and 100 nodes beside ours (may fail in a sandbox: reported, never
# fatal).  Figures only; never fails because the machine is slow.
#
#   O=build/default sh tests/bench/50-lab.sh [SCRATCH]
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-$top/build/default}
B=$O/bin
PATH=$B:$PATH
x=$(mktemp -d "${1:-/dev/shm}/rumplab-bench-lab.XXXXXX" 2>/dev/null || mktemp -d)
XDG_RUNTIME_DIR=$x
export PATH XDG_RUNTIME_DIR
trap 'for l in $(ls "$x/rumplab" 2>/dev/null); do rumplab down "$l" >/dev/null 2>&1; done; rm -rf "$x"' EXIT
trap 'exit 130' INT TERM
# 20 and 200 match Mininet's LinearTopo(k=10, 100): 2k nodes each.
SIZES=${LAB_SIZES:-"10 20 100 200 1000"}
now() { date +%s.%N; }
dt() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

echo "jobs: ${RUMPLAB_JOBS:-$((4 * $(nproc)))} node starts at once on $(nproc) cores; state on $(df --output=fstype "$x" | tail -1)"
printf '%-6s %6s %9s %9s\n' shape nodes "up (s)" "down (s)"
for shape in line ring; do
	for n in $SIZES; do
		f=$x/$shape-$n.yaml
		rumplab generate "$shape" "$n" -o "$f" >/dev/null || continue
		t0=$(now)
		if ! rumplab up -q "$f" >"$x/up.out" 2>&1; then
			echo "$shape $n: up failed:"; tail -5 "$x/up.out"; continue
		fi
		t1=$(now)
		if [ "$shape-$n" = "line-1000" ]; then
			sup=$(rumplab status --json | sed -n 's/.*"supervisor":\([0-9]*\).*/\1/p')
			pids="$sup $(rumplab status --json | grep -o '"pid":[0-9]*' | cut -d: -f2)"
			pss=0
			for p in $pids; do
				k=$(awk '/^Pss:/ { print $2 }' /proc/$p/smaps_rollup 2>/dev/null)
				pss=$((pss + ${k:-0}))
			done
			# CPU in ns from schedstat (clock ticks are too coarse);
			# wait out the 3 IPv6 router solicitations (4 s apart).
			cpu() { for p in $pids; do cat /proc/$p/task/*/schedstat 2>/dev/null; done | awk '{ s += $1 } END { printf "%.0f", s }'; }
			sleep 15
			c0=$(cpu); sleep 10; c1=$(cpu)
			idle="PSS $((pss / 1024)) MiB total ($((pss / $(echo $pids | wc -w))) KiB a process); idle CPU over 10 s: $(awk -v a="$c0" -v b="$c1" 'BEGIN { printf "%.3f %% of one core", (b - a) / 1e9 / 10 * 100 }')"
		fi
		t2=$(now)
		rumplab down >/dev/null 2>&1
		t3=$(now)
		printf '%-6s %6d %9s %9s\n' "$shape" "$n" "$(dt "$t0" "$t1")" "$(dt "$t2" "$t3")"
	done
done
[ -n "${idle:-}" ] && echo "line-1000 running: $idle"

printf '%-22s %9s %9s\n' "plan (routers)" routes "time (s)"
for n in ${PLAN_SIZES:-1000 2000 5000}; do
	f=$x/plan-$n.yaml
	rumplab generate line "$n" -o "$f" >/dev/null || continue
	t0=$(now)
	routes=$(rumplab plan "$f" 2>/dev/null | grep -c 'route add')
	printf '%-22s %9d %9s\n' "line $n" "$routes" "$(dt "$t0" "$(now)")"
done

echo "mininet, for comparison:"
mn=$top/../shared/bench/mininet_start.py
if [ "$(id -u)" != 0 ]; then
	echo "  skipped: mininet needs root"
elif [ ! -r "$mn" ]; then
	echo "  skipped: no $mn (the comparison's script, beside the tree)"
elif ! { command -v brctl >/dev/null && command -v ping >/dev/null &&
    /usr/bin/python3 -c 'import mininet' 2>/dev/null; } &&
    ! { DEBIAN_FRONTEND=noninteractive apt-get install -y -q mininet \
    bridge-utils iputils-ping >/dev/null 2>&1 &&
    /usr/bin/python3 -c 'import mininet' 2>/dev/null; }; then
	echo "  skipped: Debian's mininet is not installable here"
else
	# Debian's python3, not whatever python3 comes first on PATH; a
	# LinearTopo(k=N) has N switches and N hosts: 2N nodes.
	for n in 10 100; do
		t0=$(now)
		if timeout 300 /usr/bin/python3 "$mn" "$n" >"$x/mn.out" 2>&1; then
			echo "  mininet k=$n ($((2 * n)) nodes): $(dt "$t0" "$(now)") s ($(tail -1 "$x/mn.out"))"
		else
			echo "  mininet $n nodes: failed here ($(tail -1 "$x/mn.out"))"
		fi
	done
fi
exit 0
