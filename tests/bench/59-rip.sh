#!/bin/sh
# 59-rip.sh — RIP's convergence in a ring of ten routers, each with a
# host (rumplab generate ring 10 --hosts, made routing: rip with the
# timers shortened to update 1s, timeout 6s, garbage 4s).  Measured, as
# the time a `rumplab check` of h1 against every other host takes to
# pass (each check tried again every half second for up to 60 s, so the
# figures are within about 1.5 s):
#  - from `rumplab up` returning to the first full convergence;
#  - after `bus cut` of the r1-r2 link (both ends lose carrier at once);
#  - after `link set r1:r1-r2 down` (one end: r2 learns it only from the
#    6 s timeout).
# Figures only; never fails because the machine is slow.
#
#   O=build/default sh tests/bench/59-rip.sh [SCRATCH]
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-$top/build/default}
PATH=$O/bin:$PATH
x=$(mktemp -d "${1:-/dev/shm}/rumplab-bench-rip.XXXXXX" 2>/dev/null || mktemp -d)
XDG_RUNTIME_DIR=$x
export PATH XDG_RUNTIME_DIR
trap 'rumplab down rip10 >/dev/null 2>&1; rm -rf "$x"' EXIT
trap 'exit 130' INT TERM
now() { date +%s.%N; }
dt() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

f=$x/rip10.yaml
rumplab generate ring 10 --hosts -o "$f" >/dev/null || exit 1
sed -i -e 's/^name: .*/name: rip10/' \
    -e 's/^  routing: static$/  routing: rip\n  rip: { update: 1s, timeout: 6s, garbage: 4s }/' \
    -e '/^checks:/,$d' "$f"
echo "checks:" >>"$f"
for k in 2 3 4 5 6 7 8 9 10; do
	echo "  - { from: h1, to: h$k, within: 60s }" >>"$f"
done
converge() {	# WHAT: runs the checks, prints how long they took to pass
	t0=$(now)
	if rumplab check rip10 >"$x/check.out" 2>&1; then
		printf '%-44s %6s s\n' "$1" "$(dt "$t0" "$(now)")"
	else
		printf '%-44s %6s\n' "$1" "did not converge in 60 s"
		tail -3 "$x/check.out"
	fi
}
echo "ring of 10 routers and 10 hosts, RIPv2 with update 1s, timeout 6s, garbage 4s"
t0=$(now)
rumplab up -q "$f" >"$x/up.out" 2>&1 || { tail -5 "$x/up.out"; exit 1; }
echo "up: $(dt "$t0" "$(now)") s"
converge "converged after up"
rumplab bus cut r1-r2 >/dev/null
converge "re-converged after bus cut r1-r2"
rumplab bus join r1-r2 >/dev/null
sleep 5		# the short way back
rumplab link set r1:r1-r2 down >/dev/null
converge "re-converged after link set r1:r1-r2 down"
rumplab link set r1:r1-r2 up >/dev/null
