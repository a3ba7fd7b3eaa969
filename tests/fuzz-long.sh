#!/bin/sh
# fuzz-long.sh — `make fuzz-long`: each libFuzzer target runs RUNS
# executions, one target after the other, from its seeds (tests/fuzz/
# targets.sh) and the corpus earlier long runs grew, kept in
# FUZZ_O/corpus/NAME.  It prints per target the executions, the wall time,
# executions a second, the coverage (libFuzzer's cov: edges, ft: features)
# and the finding if any, whose input is kept in FUZZ_O/findings/NAME/ and
# log in FUZZ_O/fuzz-long-NAME.log (written anew at every run, so a run
# with a finding leaves a copy beside its input, fuzz-long-TIME.log).  It
# fails (exit 1) when a target finds a crash, a leak, a hang or a
# sanitizer report; `make check` runs the
# same targets for seconds only.  FUZZ_TIME (seconds, 0: none) bounds
# each target's run: one stopped by it before RUNS says so ("time limit"),
# which is no finding but fails too, for RUNS were not reached.  An input
# that runs longer than FUZZ_TIMEOUT seconds (60) is a hang: more than
# make check's 10, for on a loaded machine a run at nice 19 waits its
# turn (an input of 17 ms once took 14 s of wall time at a load of 80).
# FUZZ_JOBS=N (1) runs each target in libFuzzer's fork mode, N processes
# at a time that share one corpus, RUNS counting all of theirs: 10
# million of the slow targets is hours of one core.
#
#   FUZZ_O=build/fuzz [FUZZ_TIME=S] [FUZZ_JOBS=N] sh tests/fuzz-long.sh
#       [RUNS [NAME...]]
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
FUZZ_O=$(cd "${FUZZ_O:-$ROOT/build/fuzz}" && pwd) || exit 1
RUNS=${1:-10000000}
JOBS=${FUZZ_JOBS:-1}
case $JOBS in
''|*[!0-9]*|0) echo "fuzz-long: FUZZ_JOBS=$JOBS: give a number of processes, 1 or more" >&2
	exit 2 ;;
esac
# fork mode carries on past a job's hang or memory blow-up unless told
[ "$JOBS" -gt 1 ] && fork="-fork=$JOBS -ignore_timeouts=0 -ignore_ooms=0 -ignore_crashes=0" || fork=
[ $# -gt 0 ] && shift
. "$ROOT/tests/fuzz/targets.sh"
[ $# -gt 0 ] || set -- $(fuzz_targets)
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

# run FLAGS...: target $t with FLAGS and its own, on its corpus, into $L.
# shellcheck disable=SC2046 # the flags are words
run() {
	"$F" "$@" $(fuzz_flags "$t") -timeout="${FUZZ_TIMEOUT:-60}" \
	    -artifact_prefix="$A/" "$C" >"$L" 2>&1
}

# stat NAME LOG: the value of libFuzzer's final "stat::NAME:" line.
stat() { sed -n "s/^stat::$1: *//p" "$2" | tail -1; }

fail=0
printf '%-10s %12s %8s %8s %16s  %s\n' target executions seconds exec/s \
    coverage finding
for t in "$@"; do
	F=$FUZZ_O/fuzz_$t
	if [ ! -x "$F" ]; then
		echo "fuzz-long: $F: not built (make O=build/fuzz fuzz-build)" >&2
		fail=1
		continue
	fi
	C=$FUZZ_O/corpus/$t
	A=$FUZZ_O/findings/$t
	L=$FUZZ_O/fuzz-long-$t.log
	mkdir -p "$A"
	if ! why=$(fuzz_seeds "$t" "$C"); then
		echo "fuzz-long: $t: no seeds: $why" >&2
		fail=1
		continue
	fi
	t0=$(date +%s)
	# in FUZZ_O: a target may leave scratch files in its directory
	cd "$FUZZ_O" || exit 1
	r=0
	if [ -n "$fork" ]; then
		# Fork mode reads the corpus through a merge that drops an
		# input that crashes: run it all once first, as one process.
		run -runs=0
		r=$?
	fi
	if [ $r = 0 ]; then
		# shellcheck disable=SC2086 # the flags are words
		run $fork -runs="$RUNS" -max_total_time="${FUZZ_TIME:-0}" \
		    -print_final_stats=1
		r=$?
	fi
	secs=$(($(date +%s) - t0))
	cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$L" | tail -1 |
	    sed 's/cov: \([0-9]*\) ft: \([0-9]*\)/\1 edges \2 ft/')
	art=$(sed -n 's/.*Test unit written to \(.*\)/\1/p' "$L" | tail -1)
	if [ $r != 0 ]; then
		what=$(grep -m1 -o 'ERROR: [A-Za-z]*Sanitizer: [a-z-]*\|ERROR: libFuzzer: [a-z-]*\|runtime error: .*' "$L")
		finding="${what:-exit $r} ${art:-}"
		fail=1
	else
		finding=none
	fi
	if [ -n "$fork" ]; then
		# the parent's count ("INFO: fuzzed for N iterations", else
		# its last "#N: cov:" line), not a child's final stats; and
		# the jobs' hangs, memory blow-ups and crashes it counted
		n=$(sed -n 's/^INFO: fuzzed for \([0-9]*\) iterations.*/\1/p' "$L" | tail -1)
		[ -n "$n" ] || n=$(sed -n 's/^#\([0-9]*\): cov:.*/\1/p' "$L" | tail -1)
		otc=$(sed -n 's/.*oom\/timeout\/crash: \([0-9]*\/[0-9]*\/[0-9]*\).*/\1/p' "$L" | tail -1)
		if [ $r = 0 ] && [ "${otc:-0/0/0}" != 0/0/0 ]; then
			finding="oom/timeout/crash $otc in $A"
			fail=1
		fi
	else
		n=$(stat number_of_executed_units "$L")
	fi
	if [ "$finding" = none ] && [ "${n:-0}" -lt "$RUNS" ]; then
		finding="none (time limit before $RUNS)"
		fail=1
	elif [ "$finding" != none ]; then
		cp "$L" "$A/fuzz-long-$(date +%Y%m%d-%H%M%S).log"
	fi
	printf '%-10s %12s %8s %8s %16s  %s\n' "$t" "${n:-?}" "$secs" \
	    "$((${n:-0} / (secs > 0 ? secs : 1)))" "${cov:-?}" "$finding"
done
exit $fail
