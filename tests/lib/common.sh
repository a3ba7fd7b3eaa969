# common.sh — sourced by every tests/run/*.t script.
#
# Gives each test a private scratch directory $T (removed on any exit), the
# build tree $O (set by `make check`), the shared fixtures $SHARED, and
# `as_user CMD...`: runs CMD as an unprivileged user (nobody) when the test
# runs as root, so every test also proves rumplab needs no privileges.
#
# $SHARED (../shared beside the tree) holds NetBSD's conformance data, $FX
# the buses and captures NetBSD kernels wrote.  It is not part of the tree:
# CI has it, a bare clone does not, and a test that needs it skips what
# needs it, saying why (skip_all, or an "ok N # SKIP" line).
: "${O:=$(cd "$(dirname "$0")/../.." && pwd)/build/test}"
: "${SHARED:=$(cd "$(dirname "$0")/../../.." && pwd)/shared}"
export O SHARED
FX=$SHARED/fixtures/netbsd-shmif
B=$O/bin
export PATH="$B:$PATH"

T=$(mktemp -d "${TMPDIR:-/tmp}/rumplab-t.XXXXXX") || exit 1
chmod 0755 "$T"
_cleanup_fns=""
on_exit() { _cleanup_fns="$* ; $_cleanup_fns"; }
_cleanup() {
	eval "$_cleanup_fns" 2>/dev/null
	# nothing may outlive the test: kill what still runs from our tree
	rm -rf "$T"
}
trap _cleanup EXIT
trap 'exit 130' INT TERM

if [ "$(id -u)" = 0 ]; then
	chown 65534:65534 "$T"
	as_user() { setpriv --reuid=65534 --regid=65534 --clear-groups env HOME="$T" "$@"; }
else
	as_user() { "$@"; }
fi

# ASan: no leak checks in forked helpers that exit by signal; fail loudly.
# A lab service is started from a shell with librumphijack preloaded, so
# a client the test build made with ASan (rump.routed) finds the hijack
# ahead of its runtime in the library list: allowed (verify_asan_link_
# order=0), for the program's own interceptors still come first.
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:verify_asan_link_order=0}"
# For bulk client calls whose leaks their own tests check: LeakSanitizer's
# exit scan costs ~50 ms a process, more than the call itself.
ASAN_NOLEAK="$ASAN_OPTIONS:detect_leaks=0"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

# TAP helpers for shell tests.
_n=0; _fail=0
plan() { echo "1..$1"; }
# skip_all REASON: the whole test is skipped (before its plan).
skip_all() { echo "1..0 # SKIP $*"; exit 0; }
# no_fixtures: why NetBSD's fixtures cannot be used, or false when they can.
no_fixtures() { [ -r "$FX/small.bus.gz" ] && return 1
	echo "no NetBSD fixtures in $FX (NetBSD's conformance data, beside the tree)"; }
# ok STATUS DESC: one test line; returns STATUS's truth, so that
# `ok $? "..." || diagnostics` prints the diagnostics of a failure.
ok() { _n=$((_n+1)); if [ "$1" = 0 ]; then echo "ok $_n - $2"; else echo "not ok $_n - $2"; _fail=$((_fail+1)); return 1; fi; }
# check DESC CMD...: run CMD, ok when it exits 0
# (a long output shows its first 10 and last 30 lines: a fuzzer's or a
# sanitizer's verdict comes at the end)
check() { d=$1; shift; "$@" >"$T/.out" 2>&1; r=$?; ok $r "$d"; [ $r = 0 ] || show_out "$T/.out"; return $r; }
show_out() {
	if [ "$(wc -l <"$1")" -le 40 ]; then sed 's/^/# /' "$1"
	else head -10 "$1" | sed 's/^/# /'; echo "#   [...]"; tail -30 "$1" | sed 's/^/# /'; fi
}
diag() { echo "# $*"; }
done_testing() { [ "$_fail" = 0 ]; exit $?; }
