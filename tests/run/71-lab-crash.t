#!/bin/bash
# 71-lab-crash.t — proves the supervisor owns the nodes: a node killed
# with -9 shows as dead (with its last log lines) in status, check fails
# at once naming it on each path and exec on it says it is dead and how
# to start it; `node restart` brings it back configured and check passes
# again; `node stop` / `node start` work; and with the supervisor itself
# killed with -9, `down` still removes every process and file, counting
# each process once.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/lab.sh"
plan 19
pid_of() { R status --json | python3 -c "import json,sys; print([n['pid'] for n in json.load(sys.stdin)['nodes'] if n['name']=='$1'][0])"; }

check "up the default lab" R up -q
p=$(pid_of r1)
kill -9 "$p"; sleep 0.3
R status >"$T/st" 2>&1
grep -q '^r1 .* dead' "$T/st"; ok $? "status shows r1 dead after kill -9"
grep -q 'killed by signal 9' "$T/st"; ok $? "and why, with its log lines"
sed 's/^/# /' "$T/st" | head -12
s=$(secs)
R check >"$T/ck" 2>&1; r=$?
t=$(elapsed "$s")
ok $([ $r != 0 ] && [ "$(grep -c 'FAIL .*not tried: node r1 on the path is dead (killed by signal 9)' "$T/ck")" = 2 ] &&
    grep -q 'FAIL h2 .*not tried: node r1, the destination, is dead' "$T/ck"; echo $?) \
    "check fails while r1 is dead, naming it on each path"
sed 's/^/# /' "$T/ck"
ok $(awk -v t="$t" 'BEGIN { exit !(t < 3) }'; echo $?) "and says so at once (${t} s, not a timeout per try)"
R exec r1 -- rump.ifconfig -a >"$T/ex" 2>&1; r=$?
ok $([ $r = 1 ] && grep -qx 'rumplab exec: node r1 is dead (killed by signal 9); `rumplab node start r1` starts it' "$T/ex"; echo $?) \
    "exec on the dead node says so and how to start it"
sed 's/^/# /' "$T/ex"
check "node restart r1" R node restart r1
[ "$(pid_of r1)" != "$p" ]; ok $? "r1 has a new pid"
check "check passes again" R check
check "node stop h2" R node stop h2
R status | grep -q '^h2 .* stopped'; ok $? "status shows h2 stopped"
check "node start h2" R node start h2
check "check passes" R check
sp=$(R status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["supervisor"])')
kill -9 "$sp"; sleep 0.2
check "down after the supervisor was killed with -9" R down
grep -q 'did not answer; 4 processes stopped by hand' "$T/.out"; ok $? \
    "down said it cleaned up by hand, the four node kernels, each once"
sed 's/^/# /' "$T/.out"
# A node that dies under its worker while `up` goes on fails the up: the
# supervisor adopts its zombie only when the worker exits, just before
# judging (with one worker, r1 is killed while r2..r30 still start).
R generate line 30 -o "$T/line30.yaml" >/dev/null
R up -q --jobs 1 "$T/line30.yaml" >"$T/up30" 2>&1 & up=$!
log=$XDG_RUNTIME_DIR/rumplab/line-30/log/r1.log
p=""
for i in $(seq 500); do
	p=$(sed -n 's/.*node r1 configured (pid \([0-9]*\)).*/\1/p' "$log" 2>/dev/null)
	[ -n "$p" ] && break
	sleep 0.01
done
[ -n "$p" ] && kill -9 "$p"
wait $up; r=$?
ok $([ -n "$p" ] && [ $r != 0 ] && grep -q "r1 .*signal 9" "$T/up30"; echo $?) \
    "a node killed while up still runs fails the up (exit $r)"
sed 's/^/# /' "$T/up30" | head -4
# The node runs its recorded configuration itself (rump_server -b); a
# step it refuses fails the up naming the step as it would be typed,
# with the node's reason, and nothing is left.
cat >"$T/badcfg.yaml" <<'EOF'
name: badcfg
buses:
  lan: { subnet: 10.0.0.0/24 }
nodes:
  a: { interfaces: [ { bus: lan, addr: 10.0.0.1/24 } ] }
  b: { sysctl: { net.inet6.ip6.dad_count: 1000 }, interfaces: [ { bus: lan, addr: 10.0.0.2/24 } ] }
EOF
R up -q "$T/badcfg.yaml" >"$T/bad.out" 2>&1; r=$?
ok $([ $r != 0 ] && grep -q 'b rump.sysctl -w net.inet6.ip6.dad_count=1000: Invalid argument' "$T/bad.out" &&
    grep -q '1 of 2 nodes failed' "$T/bad.out"; echo $?) \
    "a configuration step the node refuses fails the up, named as typed (exit $r)"
sed 's/^/# /' "$T/bad.out" | head -6
[ ! -d "$XDG_RUNTIME_DIR/rumplab/badcfg" ]; ok $? "and the lab is gone"
check_nothing_left
done_testing
