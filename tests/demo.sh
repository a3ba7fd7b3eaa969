#!/bin/sh
# make demo: show rumplab working on this machine — first a bare bus
# (tests/demo-bus.sh), then a lab: `rumplab up` of the built-in default
# lab (h1 - r1 = r2 - h2), its status, a ping and a traceroute from h1 to
# h2 through both routers, the lab's checks, a delay on lan1 and r1's core
# link pulled and plugged back, and `rumplab down`.  The lab
# lives under a private XDG_RUNTIME_DIR and is taken down on any exit.
# It needs nothing outside this tree.  DEMO_LAB=no stops after the bus
# part (tests/run/00-setup.t runs `make demo` so; the lab's own tests
# cover the rest).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
O=${O:-$top/build/default}
export O
sh "$top/tests/demo-bus.sh"
[ "${DEMO_LAB:-yes}" != no ] || exit 0

B=$O/bin
PATH=$B:$PATH
XDG_RUNTIME_DIR=$(mktemp -d "${TMPDIR:-/tmp}/rumplab-demo.XXXXXX")
export PATH XDG_RUNTIME_DIR
cleanup() {
	rumplab down demo >/dev/null 2>&1 || true
	rm -rf "$XDG_RUNTIME_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
say rumplab up --name demo
rumplab up --name demo
say rumplab status
rumplab status
say rumplab exec h1 -- rump.ping -c 3 10.0.2.10
rumplab exec h1 -- rump.ping -c 3 -i 0.2 10.0.2.10
if [ -x "$B/rump.traceroute" ]; then
	say rumplab exec h1 -- rump.traceroute -n 10.0.2.10
	rumplab exec h1 -- rump.traceroute -n -q 1 10.0.2.10
fi
say rumplab check
rumplab check
say rumplab link set lan1 delay 20ms
rumplab link set lan1 delay 20ms
say rumplab exec h1 -- rump.ping -c 3 10.0.2.10
rumplab exec h1 -- rump.ping -c 3 -i 0.2 10.0.2.10
say rumplab link set r1:shmif1 down
rumplab link set r1:shmif1 down
say rumplab check
rumplab check || echo "(the checks fail while r1's core link is down, as they should)"
say rumplab link set r1:shmif1 up
rumplab link set r1:shmif1 up
say rumplab link show
rumplab link show
say rumplab down
rumplab down
