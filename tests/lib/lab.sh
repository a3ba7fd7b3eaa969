# lab.sh — sourced by tests/run/7*-lab-*.t after common.sh: running labs.
#
# State directories go under $T/xdg (XDG_RUNTIME_DIR), private to the
# test.  On exit every lab is taken down and anything still running from
# $T (found by pid in /proc, never by name) is killed.  `leftovers`
# prints the test's processes and files still there.
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
XDG_RUNTIME_DIR=$T/xdg
export XDG_RUNTIME_DIR
mkdir -p "$XDG_RUNTIME_DIR"
chmod 0700 "$XDG_RUNTIME_DIR"
# (as_user's user: nobody, or sshd.sh's lab user, $LAB_UID)
[ "$(id -u)" = 0 ] && chown "${LAB_UID:-65534}:${LAB_GID:-65534}" "$XDG_RUNTIME_DIR"
for p in rumplab rump_server rump.ping rump.ping6; do
	if [ ! -x "$B/$p" ]; then echo "1..0 # SKIP $p not built in $O"; exit 0; fi
done

# pids of processes whose command line or RUMP_SERVER names $T (two
# greps over /proc: a fork per process took 4 s a scan on a PVM guest)
lab_pids() {
	local f p
	for f in $( { grep -lzF -- "$XDG_RUNTIME_DIR/" /proc/[0-9]*/cmdline
	    grep -lz "^RUMP_SERVER=unix://$XDG_RUNTIME_DIR/" /proc/[0-9]*/environ
	    } 2>/dev/null | sort -u); do
		p=${f#/proc/}
		p=${p%%/*}
		[ "$p" = $$ ] && continue
		grep -q '^State:.*Z' "/proc/$p/status" 2>/dev/null || echo "$p"
	done
}
leftovers() {
	lab_pids | while read -r p; do echo "process $p: $(tr '\0' ' ' <"/proc/$p/cmdline")"; done
	find "$XDG_RUNTIME_DIR/rumplab" -mindepth 1 2>/dev/null | sed 's/^/file /'
}
# ok when nothing of the test's labs is left (waits up to 20 s: a
# 300-node down on a machine at load 30 took more than 5)
check_nothing_left() {
	local i
	for i in $(seq 200); do [ -z "$(leftovers)" ] && break; sleep 0.1; done
	leftovers >"$T/.left"
	ok "$([ -s "$T/.left" ] && echo 1 || echo 0)" "${1:-nothing left: no process, no file, no socket}"
	sed 's/^/# /' "$T/.left" | head -20
}
_lab_cleanup() {
	local l
	for l in $(ls "$XDG_RUNTIME_DIR/rumplab" 2>/dev/null); do
		as_user rumplab down "$l" >/dev/null 2>&1
	done
	for l in $(lab_pids); do kill -9 "$l" 2>/dev/null; done
}
on_exit _lab_cleanup
# -k: a rumplab stuck past its TERM is killed.  Seen once (2026-12-04): a
# capture's LeakSanitizer exit check spun for ever with its tracer waiting
# on it, deaf to TERM, and would have held CI until its 90-minute limit.
R() { as_user env XDG_RUNTIME_DIR="$XDG_RUNTIME_DIR" timeout -k 10 300 rumplab "$@"; }
secs() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }'; }
