#!/bin/bash
# 67-hosts.sh — a lab across two hosts beside the same lab on one, in one
# run: `rumplab up` and `down` of `generate line 500 --hosts` (1000
# nodes), once on this machine alone and once split by placement over
# this machine and a second host reached over OpenSSH (an sshd of the
# bench's own on 127.0.0.1, tests/lib/sshd.sh: "the other host" is this
# machine again, so the figure is the cost of the split, ssh, the part's
# start and the forwards, not of a network); then ping RTT across 20
# routers in the middle of the line, whose path crosses the host
# boundary once in the split lab (placement cuts the line in two).
# Figures only; never fails because the machine is slow.  Skipped (said
# so) where no sshd can be run.
#
#   O=build/default bash tests/bench/67-hosts.sh [SCRATCH]
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-$top/build/default}
B=$O/bin
PATH=$B:$PATH
export PATH
N=${HOSTS_BENCH_ROUTERS:-500}
# tests/lib's helpers (T, on_exit, as_user, the sshd) without TAP output.
. "$top/tests/lib/common.sh" >/dev/null
. "$top/tests/lib/sshd.sh"
if ! sshd_start >/dev/null; then
	echo "skipped: no sshd to stand for a second host ($SSHD_WHY)"
	exit 0
fi
XDG_RUNTIME_DIR=$T/xdg
mkdir -p "$XDG_RUNTIME_DIR"
chmod 0700 "$XDG_RUNTIME_DIR"
[ "$(id -u)" = 0 ] && chown "$LAB_UID:$LAB_GID" "$XDG_RUNTIME_DIR"
export XDG_RUNTIME_DIR
R() { as_user env XDG_RUNTIME_DIR="$XDG_RUNTIME_DIR" rumplab "$@"; }
on_exit 'for l in $(ls "$XDG_RUNTIME_DIR/rumplab" 2>/dev/null); do R down "$l" >/dev/null 2>&1; done'
now() { date +%s.%N; }
dt() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

rumplab generate line "$N" --hosts -o "$T/one.yaml" >/dev/null || exit 1
uport=$(( 30000 + $(od -An -N2 -tu2 /dev/urandom) % 20000 ))
{
	sed 's/^name: .*/name: split/' "$T/one.yaml"
	cat <<-EOF
	hosts:
	  a: {}
	  b:
	    ssh: $SSH_DEST
	    ssh_config: $SSH_CONFIG
	    rumplab: $B/rumplab
	    addr: 127.0.0.1
	uplink_port: $uport
	EOF
} >"$T/split.yaml"
chmod 0644 "$T/one.yaml" "$T/split.yaml"

src=h$((N / 2 - 9)) dst=h$((N / 2 + 10))
printf '%-26s %6s %8s %8s %s\n' lab nodes "up (s)" "down (s)" "ping $src -> $dst"
for f in one split; do
	t0=$(now)
	if ! R up -q "$T/$f.yaml" >"$T/up.out" 2>&1; then
		echo "$f: up failed:"; tail -5 "$T/up.out"; continue
	fi
	t1=$(now)
	lab=line-$N
	[ "$f" = split ] && lab=split
	ping=$(R exec --lab "$lab" "$src" -- rump.ping -c 20 -i 0.05 -q \
	    "$(R exec --lab "$lab" "$dst" -- rump.ifconfig shmif0 2>/dev/null |
	    awk '$1 == "inet" { sub("/.*", "", $2); print $2; exit }')" 2>/dev/null |
	    sed -n 's/.*= [0-9.]*\/\([0-9.]*\)\/.*/\1 ms avg/p')
	where="one host"
	[ "$f" = split ] && where="two hosts ($(R status "$lab" 2>/dev/null |
	    awk '/^[ab] +(here|up) / { printf "%s%s %s", s, $1, $(NF-1); s = ", " }'))"
	t2=$(now)
	R down "$lab" >/dev/null 2>&1
	t3=$(now)
	printf '%-26s %6d %8s %8s %s\n' "$where" $((2 * N)) "$(dt "$t0" "$t1")" \
	    "$(dt "$t2" "$t3")" "${ping:-?}"
done
