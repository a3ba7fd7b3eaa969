#!/bin/sh
# Node kernel figures with real rump_server processes and the rump.*
# commands (what a user runs): start time to accepting clients, ping RTT
# and TCP throughput between two nodes on one bus, memory of an idle node
# with one interface, and the CPU of 100 idle nodes over 10 s.
# $1: scratch directory (tmpfs).  Prints figures; never fails on speed.
set -u
d=$1/node
mkdir -p "$d" || exit 1
B=$O/bin
COMPS="-l rumpnet_netinet -l rumpnet_netinet6 -l rumpnet_shmif"
pids=""
cleanup() {
	for s in "$d"/*.sock; do
		[ -S "$s" ] && RUMP_SERVER=unix://$s "$B/rump.halt" >/dev/null 2>&1
	done
	for p in $pids; do kill "$p" 2>/dev/null; done
}
trap cleanup EXIT INT TERM

node() {	# node NAME BUS ADDR: start and configure one node
	"$B/rump_server" $COMPS "unix://$d/$1.sock" || return 1
	export RUMP_SERVER=unix://$d/$1.sock
	"$B/rump.ifconfig" shmif0 create &&
	"$B/rump.ifconfig" shmif0 linkstr "$d/$2" &&
	"$B/rump.ifconfig" shmif0 inet "$3" up
	unset RUMP_SERVER
}

pidof_node() {
	RUMP_SERVER=unix://$d/$1.sock "$B/rump.sysctl" -n kern.pid 2>/dev/null
}

# 1. start: rump_server returns once the node accepts clients.
n=30
t0=$(date +%s%N)
i=0
while [ $i -lt $n ]; do
	"$B/rump_server" $COMPS "unix://$d/s$i.sock" || exit 1
	i=$((i + 1))
done
t1=$(date +%s%N)
i=0
while [ $i -lt $n ]; do
	RUMP_SERVER=unix://$d/s$i.sock "$B/rump.halt" >/dev/null 2>&1
	i=$((i + 1))
done
# The same loop starting /bin/true: this machine's fork/exec floor.
t2=$(date +%s%N)
i=0
while [ $i -lt $n ]; do
	/bin/true
	i=$((i + 1))
done
t3=$(date +%s%N)
echo "rump_server start to accepting clients (netinet, netinet6, shmif): $(( (t1 - t0) / n / 1000 )) us per node (mean of $n, including fork/exec; /bin/true in the same loop: $(( (t3 - t2) / n / 1000 )) us)"

# 2. two nodes on one bus: ping RTT (client-measured, through sysproxy)
#    and TCP throughput.
node a bus 10.9.0.1/24 && node b bus 10.9.0.2/24 || exit 1
RUMP_SERVER=unix://$d/a.sock "$B/rump.ping" -q -c 2 -i 0.01 10.9.0.2 >/dev/null
RUMP_SERVER=unix://$d/a.sock "$B/rump.ping" -q -c 2000 -i 0.001 10.9.0.2 |
    sed -n 's/^round-trip/rump.ping a -> b over one bus, 2000 echoes: round-trip/p'
RUMP_SERVER=unix://$d/b.sock "$B/rumpperf" -s -p 5001 -w 30 >"$d/perf.log" 2>&1 &
pids="$pids $!"
sleep 0.3
RUMP_SERVER=unix://$d/a.sock "$B/rumpperf" -c 10.9.0.2 -p 5001 -n 200m 2>&1 |
    sed 's/^/rumpperf TCP a -> b, /'

# 3. an idle node with one interface: memory.
pa=$(pidof_node a)
if [ -n "$pa" ] && [ -r /proc/$pa/smaps_rollup ]; then
	awk '/^Rss:/ {r=$2} /^Pss:/ {p=$2} END {printf "idle node with one shmif interface: RSS %d KiB, PSS %d KiB\n", r, p}' /proc/$pa/smaps_rollup
fi
RUMP_SERVER=unix://$d/a.sock "$B/rump.halt" >/dev/null 2>&1
RUMP_SERVER=unix://$d/b.sock "$B/rump.halt" >/dev/null 2>&1

# 4. 100 idle nodes, ten to a bus, each configured: CPU over 10 s.
i=0; list=""
while [ $i -lt 100 ]; do
	node "i$i" "idle$((i / 10))" "10.8.$((i / 10)).$((i % 10 + 1))/24" || exit 1
	list="$list $(pidof_node i$i)"
	i=$((i + 1))
done
sleep 15		# let DAD, MLD and the 3 router solicitations (4 s apart) finish
# CPU time in ns from schedstat (exact, unlike clock ticks)
cpu_ns() { for p in $list; do cat /proc/$p/task/*/schedstat; done | awk '{s+=$1} END {printf "%.0f", s}'; }
csw() { for p in $list; do for t in /proc/$p/task/*; do awk '/ctxt_switches/ {s+=$2} END {print s}' $t/status; done; done | awk '{s+=$1} END {print s}'; }
k0=$(cpu_ns); c0=$(csw)
sleep 10
k1=$(cpu_ns); c1=$(csw)
pss=$(for p in $list; do awk '/^Pss:/ {print $2}' /proc/$p/smaps_rollup; done | awk '{s+=$1} END {print s}')
echo "100 idle nodes over 10 s: $(awk "BEGIN {printf \"%.1f ms CPU = %.3f\", ($k1 - $k0) / 1e6, ($k1 - $k0) / 1e9 / 10 * 100}") % of one core; $((c1 - c0)) context switches in total; PSS $((pss / 1024)) MiB in total"
