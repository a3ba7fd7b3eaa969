#!/bin/sh
# soak.sh — `make soak`: a lab lives through a long day.  A lab of NODES
# nodes (a line of routers, a host each: `generate line N/2 --hosts`) runs
# MINUTES minutes of mixed work, one action after another, chosen in
# turn: pings between random hosts, a TCP and a UDP stream (rumpperf)
# between random hosts, a capture started and stopped, a bus cut and
# joined, a node restarted.  Every 10 s it reads the resident memory of
# its own and the open descriptors of every process of the lab (nodes and
# supervisor): VmRSS without RssShmem, the pages of the bus files it maps
# (each bus is a file in shared memory, once on the machine however many
# map it), whose count grows as traffic first crosses a bus and stops at
# the bus's size.
#
# It fails (exit 1) when, after warm-up (the first fifth), a process's
# RSS grew by more than 10 % and 1 MiB, or its descriptors grew, or a
# node is not up at the end, or the lab's checks fail once every cut is
# joined, or `down` leaves a process or a file.  It prints its figures.
#
#   O=build/default sh tests/soak.sh [MINUTES] [NODES]
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
O=${O:-$top/build/default}
MIN=${1:-30}
N=${2:-300}
PATH=$O/bin:$PATH
x=$(mktemp -d /dev/shm/rumplab-soak.XXXXXX 2>/dev/null || mktemp -d)
XDG_RUNTIME_DIR=$x
export PATH XDG_RUNTIME_DIR
trap 'rumplab down soak >/dev/null 2>&1; rm -rf "$x"' EXIT
trap 'exit 130' INT TERM
R=$((N / 2))

rumplab generate line $R --hosts -o "$x/soak.yaml" >/dev/null || exit 1
sed -i 's/^name: .*/name: soak/' "$x/soak.yaml"
echo "soak: $N nodes (a line of $R routers and their hosts), $MIN minutes"
t0=$(date +%s)
rumplab up -q "$x/soak.yaml" || exit 1
echo "up in $(($(date +%s) - t0)) s"

# "PID RSS_KB FDS" for every process of the lab (its command line names
# the state directory), RSS_KB without shared memory (the buses).
sample() {
	grep -lzF -- "$x/" /proc/[0-9]*/cmdline 2>/dev/null | tr '\0' '\n' |
	    while read -r f; do
		p=${f#/proc/}; p=${p%%/*}
		r=$(awk '/^VmRSS:/ { r = $2 } /^RssShmem:/ { s = $2 }
		    END { if (r != "") print r - s }' /proc/$p/status 2>/dev/null)
		n=$(ls /proc/$p/fd 2>/dev/null | wc -l)
		[ -n "$r" ] && [ "$p" != "$$" ] && echo "$p $r $n"
	done
}
rnd() { awk -v n="$1" -v s="$(od -An -N4 -tu4 /dev/urandom)" 'BEGIN { srand(s); print int(rand() * n) + 1 }'; }
X() { rumplab exec --lab soak "$@"; }

end=$(( $(date +%s) + MIN * 60 ))
warm=$(( $(date +%s) + MIN * 12 ))
nping=0 ntcp=0 nudp=0 ncap=0 ncut=0 nrst=0 k=0 next=0
: >"$x/base"
while [ "$(date +%s)" -lt "$end" ]; do
	now=$(date +%s)
	if [ "$now" -ge "$next" ]; then
		sample >"$x/now"
		[ "$now" -ge "$warm" ] && [ ! -s "$x/base" ] && cp "$x/now" "$x/base"
		next=$((now + 10))
	fi
	a=$(rnd $R) b=$(rnd $R)
	to=$(X h$b -- rump.ifconfig shmif0 inet | sed -n 's/.*inet \([0-9.]*\)\/.*/\1/p')
	case $((k % 6)) in
	0) X h$a -- rump.ping -q -c 3 -i 0.2 "$to" >/dev/null 2>&1
	   nping=$((nping + 1)) ;;
	1) X h$b -- timeout 10 rumpperf -s -p 5101 -m 1 >/dev/null 2>&1 &
	   sleep 0.3
	   X h$a -- timeout 10 rumpperf -c "$to" -p 5101 -n 1m >/dev/null 2>&1
	   wait; ntcp=$((ntcp + 1)) ;;
	2) X h$a -- timeout 3 rumpperf -c "$to" -u -p 5102 -l 200 -b 1m -t 1 >/dev/null 2>&1
	   nudp=$((nudp + 1)) ;;
	3) timeout -s INT 2 rumplab capture --lab soak lan$a -w "$x/cap.pcap" >/dev/null 2>&1
	   rm -f "$x/cap.pcap"; ncap=$((ncap + 1)) ;;
	4) rumplab bus cut --lab soak lan$a >/dev/null 2>&1; sleep 1
	   rumplab bus join --lab soak lan$a >/dev/null 2>&1; ncut=$((ncut + 1)) ;;
	5) rumplab node restart --lab soak h$a >/dev/null 2>&1; nrst=$((nrst + 1)) ;;
	esac
	k=$((k + 1))
done
sample >"$x/now"
[ -s "$x/base" ] || cp "$x/now" "$x/base"
echo "processes sampled: $(wc -l <"$x/base") after warm-up, $(wc -l <"$x/now") at the end"
echo "actions: $k ($nping pings, $ntcp TCP, $nudp UDP streams, $ncap captures, $ncut cuts, $nrst restarts)"
fail=0
# A restarted node is a new process: compare the processes in both.
awk 'NR == FNR { r[$1] = $2; f[$1] = $3; next }
    ($1 in r) { n++; dr = $2 - r[$1]; df = $3 - f[$1]
	if (dr > mr) mr = dr; if (df > mf) mf = df
	if (dr > 1024 && dr > r[$1] / 10) { bad++; print "  grew: pid " $1 " RSS " r[$1] " -> " $2 " KiB" }
	if (df > 0) { bad++; print "  grew: pid " $1 " descriptors " f[$1] " -> " $3 } }
    END { printf "processes compared after warm-up: %d; largest RSS growth %d KiB, descriptors %d\n", n, mr, mf
	exit bad > 0 }' "$x/base" "$x/now" || fail=1
rumplab status soak >"$x/st" 2>&1
up=$(grep -c ' up ' "$x/st")
echo "nodes up at the end: $up of $N"
[ "$up" -ge "$N" ] || fail=1
if rumplab check soak >"$x/check" 2>&1; then
	echo "checks: $(tail -1 "$x/check")"
else
	echo "checks failed:"; tail -5 "$x/check"; fail=1
fi
rumplab down soak >/dev/null 2>&1
left=$(sample | wc -l)
files=$(find "$x/rumplab" -mindepth 1 2>/dev/null | wc -l)
echo "after down: $left processes, $files files left"
[ "$left" = 0 ] && [ "$files" = 0 ] || fail=1
[ $fail = 0 ] && echo "soak: passed" || echo "soak: FAILED"
exit $fail
