#!/bin/bash
# 78-lab-services.t — proves a node's run: commands are services the lab
# supervises: one that exits 3 at once is reported by `up` (which exits
# non-zero) and by `status` (text and JSON) as "exited 3" with its last
# line; long-running ones are running, their output in the node's log
# after their name; they get the environment `rumplab exec` gives (one
# function: RUMP_SERVER, RUMPLAB_*, PATH, and LD_PRELOAD exactly when the
# hijack library is installed); a service killed with -9 shows "killed
# by signal 9"; `node restart` starts them anew; `down` leaves no process
# of theirs (their process groups are empty), a child included, and a
# service that ignores SIGTERM is killed within the bound.  Only sh and
# sleep run: nothing reaches the network.  Unprivileged; one lab.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/lab.sh"
plan 20

cat >"$T/svc.yaml" <<'EOF'
name: svc
buses:
  lan: { subnet: 10.99.0.0/24 }
nodes:
  a:
    interfaces: [ { bus: lan, addr: 10.99.0.1/24 } ]
    run:
      - "sleep 1000 & exec sleep 1001"
      - "echo starting; echo doomed >&2; exit 3"
      - "trap '' TERM; while :; do echo tick; sleep 0.2; done"
  b:
    interfaces: [ { bus: lan, addr: 10.99.0.2/24 } ]
    run: [ "env | grep -E '^(RUMP_SERVER|RUMPLAB_|PATH=|LD_PRELOAD=)' | sort; exec sleep 1000" ]
EOF
chmod 644 "$T/svc.yaml"
log=$XDG_RUNTIME_DIR/rumplab/svc/log
# snap: status --json into $T/st.json; svc NODE NAME FIELD: from it
snap() { R status --json >"$T/st.json" 2>/dev/null; }
svc() {
	python3 -c "import json
n=[x for x in json.load(open('$T/st.json'))['nodes'] if x['name']=='$1'][0]
print([s for s in n['services'] if s['name']=='$2'][0]['$3'])"
}
# pids of processes in any of the process groups given
in_groups() {
	cat /proc/[0-9]*/stat 2>/dev/null | awk -v groups=" $* " '{
		pid = $1; sub(/.*\) /, ""); if (index(groups, " " $3 " ")) print pid }'
}

R up "$T/svc.yaml" >"$T/up" 2>&1; r=$?
ok $([ $r != 0 ]; echo $?) "up exits non-zero when a service ended at once (exit $r)"
grep -q 'node a: service run1 exited 3' "$T/up" && grep -q '| run1: doomed' "$T/up"
ok $? "up reports the service: exited 3, with its last line"
sed 's/^/# /' "$T/up" | head -20

R status >"$T/st" 2>&1; r=$?
grep -Eq '^a +run1 +[0-9]+ +exited 3 ' "$T/st" && grep -q '| run1: doomed' "$T/st"
ok $? "status shows run1 exited 3 with its last line"
ok $([ $r = 1 ]; echo $?) "status exits 1 while a service is dead (exit $r)"
grep -Eq '^a +run0 +[0-9]+ +running ' "$T/st" &&
    grep -Eq '^a +run2 +[0-9]+ +running ' "$T/st" &&
    grep -Eq '^b +run0 +[0-9]+ +running ' "$T/st"
ok $? "status shows the long-running services running"
snap
[ "$(svc a run1 state) $(svc a run1 code) $(svc a run0 state)" = "exited 3 running" ] &&
    svc a run1 log >"$T/svclog" && grep -q 'run1: doomed' "$T/svclog"
ok $? "status --json: state, code and log of each service"
sed 's/^/# /' "$T/st" | head -16

grep -q '^run2: tick$' "$log/a.log" && grep -q '^rumplab: run1 exited with status 3$' "$log/a.log"
ok $? "services' output is in the node's log after their name"

# One environment for exec and services.
grep '^run0: ' "$log/b.log" | sed 's/^run0: //' | grep -v '^PATH=' >"$T/env.svc"
R exec b -- sh -c "env | grep -E '^(RUMP_SERVER|RUMPLAB_|LD_PRELOAD=)' | sort" >"$T/env.exec" 2>/dev/null
[ -s "$T/env.svc" ] && diff "$T/env.svc" "$T/env.exec" >&2
ok $? "a service gets the environment rumplab exec gives"
grep -q "^RUMP_SERVER=unix://$XDG_RUNTIME_DIR/rumplab/svc/sock/1\$" "$T/env.svc" &&
    grep -q '^RUMPLAB_NODE=b$' "$T/env.svc" && grep -q '^RUMPLAB_LAB=svc$' "$T/env.svc" &&
    grep "^run0: PATH=" "$log/b.log" | grep -q ":$B\$"
ok $? "... RUMP_SERVER, RUMPLAB_LAB, RUMPLAB_NODE, and rumplab's directory on PATH"
if [ -e "$O/lib/librumphijack.so" ]; then
	grep -qx "LD_PRELOAD=$O/lib/librumphijack.so" "$T/env.svc"
else
	! grep -q '^LD_PRELOAD=' "$T/env.svc"
fi
ok $? "LD_PRELOAD is the hijack library exactly when $O/lib has one"
# A rumplab with a librumphijack.so in ../lib (an empty one: the loader
# says it cannot preload it and runs the program on).
mkdir -p "$T/inst/bin" "$T/inst/lib"
cp "$B/rumplab" "$T/inst/bin/" && : >"$T/inst/lib/librumphijack.so"
chmod -R a+rX "$T/inst"
as_user env XDG_RUNTIME_DIR="$XDG_RUNTIME_DIR" LD_PRELOAD= "$T/inst/bin/rumplab" \
    exec b -- sh -c 'echo "preload=$LD_PRELOAD"' >"$T/pre" 2>/dev/null
grep -qx "preload=$T/inst/lib/librumphijack.so" "$T/pre"
ok $? "exec preloads ../lib/librumphijack.so (absolute) when it is there"

p=$(svc a run0 pid)
kill -9 "$p"; sleep 0.3
R status >"$T/st" 2>&1
grep -Eq "^a +run0 +$p +killed by signal 9 " "$T/st"
ok $? "a service killed with -9 shows killed by signal 9"

g2=$(svc a run2 pid)
check "node restart a" R node restart a
R status >"$T/st" 2>&1
snap
p2=$(svc a run0 pid)
grep -Eq "^a +run0 +$p2 +running " "$T/st" && [ "$p2" != "$p" ] &&
    grep -Eq '^a +run2 +[0-9]+ +running ' "$T/st"
ok $? "node restart starts its services anew (run0: pid $p, now $p2)"
left=$(in_groups "$p" "$g2")
ok $([ -n "$p" ] && [ -n "$g2" ] && [ -z "$left" ]; echo $?) "the old services' groups are gone, children and a TERM-deaf loop included${left:+ (left: $left)}"

groups="$(svc a run0 pid) $(svc a run2 pid) $(svc b run0 pid)"
ok $([ -n "$(in_groups $groups)" ]; echo $?) "the services' process groups have members before down"
s=$(secs)
check "down" R down
t=$(elapsed "$s")
left=$(in_groups $groups)
ok $([ -z "$left" ]; echo $?) "down leaves no process in the services' groups${left:+ (left: $left)}"
ok $(awk -v t="$t" 'BEGIN { exit !(t < 8) }'; echo $?) "down kills a service deaf to SIGTERM within its bound (${t}s)"
check_nothing_left
done_testing
