#!/bin/bash
# 70-lab-up-down.t — proves every ready-made topology comes up as a running
# lab (one node kernel per node, configured from its plan), passes its own
# checks through the node stacks (ping, traceroute / hop limits), and goes
# down leaving no process, file or socket; that a service that cannot run
# is reported by up; and that `up` without a file starts the built-in
# default lab.  Unprivileged; state under $T.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/lab.sh"
topos=$(cd "$ROOT/topologies" && ls *.yaml | sed 's/\.yaml$//')
n=$(echo $topos | wc -w)
plan $((n * 5 + 5))

# campus's servers run `python3 -m http.server 80`.  Without the hijack
# library it runs on the host, where an unprivileged user may not bind
# port 80: its service must be shown dead, by up when python fails
# within up's 0.4 s (run from /usr/bin: a pyenv shim on PATH alone takes
# a second), else by status.
dead_web() {
	[ "$1" = campus ] && [ ! -e "$O/lib/librumphijack.so" ] &&
	    [ "$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start)" -gt 80 ]
}
all_up() { R status | grep -Eq "^lab $1: ([0-9]+)/\1 nodes up"; }
web_dead() { R status | grep -Eq '^web +run0 +[0-9]+ +exited 1 '; }
up_dead_web() {
	local i r
	PATH=$B:/usr/bin:/bin R up -q "$1" >"$T/up" 2>&1; r=$?
	if [ $r = 1 ] && grep -q 'node web: service run0 exited 1: python3 -m http.server 80' "$T/up"; then
		ok 0 "campus: up reports web's http.server dead (no hijack library: port 80 on the host is refused)"
		return
	fi
	for i in $(seq 50); do web_dead && break; sleep 0.1; done
	web_dead
	ok $? "campus: web's http.server is shown dead, by status (it outlived up's 0.4 s; up exit $r)"
}

for t in $topos; do
	f=$ROOT/topologies/$t.yaml
	check "$t: validates" as_user rumplab validate "$f"
	s=$(secs)
	if dead_web "$t"; then
		up_dead_web "$f"
		sed 's/^/# /' "$T/up" | head -4
	else
		check "$t: up" R up -q "$f"
	fi
	up=$(elapsed "$s")
	s=$(secs)
	if dead_web "$t"; then
		check "$t: status shows every node up" all_up "$t"
	else
		check "$t: status shows every node up" R status
	fi
	check "$t: checks pass" R check
	sed 's/^/# /' "$T/.out"
	ck=$(elapsed "$s"); s=$(secs)
	check "$t: down" R down
	diag "$t: up ${up}s, status+check ${ck}s, down $(elapsed "$s")s"
done
check "default lab (no FILE) comes up" R up -q
check "its checks pass" R check
# A bus file is 1 MiB (NetBSD's size) but holds, in tmpfs or on disk, only
# the ring pages its frames have reached: never all of it in a lab that
# has only started and pinged (10,000 nodes would need 10 GiB).
big=$(for f in "$XDG_RUNTIME_DIR"/rumplab/*/bus/*; do
	[ "$(stat -c %s "$f")" = 1048576 ] && du -k "$f"; done |
    awk '$1 >= 512 { n++ } END { print n + 0 }')
ok $([ "$big" = 0 ]; echo $?) "its bus files hold only the pages used ($big of them hold half or more)"
check "down" R down
check_nothing_left
done_testing
