#!/bin/bash
# 67-lab-cleanup.t — proves `rumplab down` of a lab whose supervisor is
# gone signals only the lab's own processes: the state file's pids are
# not trusted (a pid reused by another program of the user survives), a
# program that only calls itself rump_server is not a node kernel, and a
# node kernel of lab fk-b is not lab fk's although fk's directory is a
# prefix of fk-b's; and `list` shows the left-over labs in columns.  No
# lab is started: the labs are left-over directories made here, so this
# runs in a second.  Unprivileged.
. "$(dirname "$0")/../lib/common.sh"
# Not lab.sh: its exit sweep of /proc costs seconds, and nothing here
# outlives the three programs killed on exit.
if [ ! -x "$B/rumplab" ]; then echo "1..0 # SKIP rumplab not built in $O"; exit 0; fi
XDG_RUNTIME_DIR=$T/xdg
mkdir -m 0700 "$XDG_RUNTIME_DIR"
[ "$(id -u)" = 0 ] && chown 65534:65534 "$XDG_RUNTIME_DIR"
R() { as_user env XDG_RUNTIME_DIR="$XDG_RUNTIME_DIR" timeout -k 10 60 rumplab "$@"; }
plan 7

root=$XDG_RUNTIME_DIR/rumplab
as_user mkdir -m 0700 "$root" "$root/fk" "$root/fk/sock" "$root/fk-b" \
    "$root/fk-b/sock" || exit 1
# Three programs of the user: a sleep whose pid the state file names as
# the supervisor and a node; a tail started as "rump_server" with fk's
# socket in its arguments; fk-b's node kernel.  spawn NAME CMD...: runs
# CMD as the user in the background, its pid in $NAME.
spawn() {
	local v=$1; shift
	rm -f "$T/pid"
	as_user sh -c 'echo $$ >"$0"; exec "$@"' "$T/pid" "$@" >/dev/null 2>&1 &
	for i in $(seq 100); do [ -s "$T/pid" ] && break; sleep 0.02; done
	eval "$v=$(cat "$T/pid")"
}
spawn reused sleep 300
spawn fake bash -c "exec -a rump_server tail -f /dev/null $root/fk/sock/1"
spawn other rump_server -s "unix://$root/fk-b/sock/0"
for i in $(seq 100); do [ -S "$root/fk-b/sock/0" ] && break; sleep 0.05; done
printf 'rumplab-state 1\nlab fk\nsupervisor %d\nnode a %d up\nnode b %d up\n' \
    "$reused" "$reused" "$fake" | as_user tee "$root/fk/state" >/dev/null
on_exit "kill -9 $reused $fake $other"

# list: columns line up though "no-supervisor" is wider than "running"
R list >"$T/list" 2>&1
awk 'NR == 1 { s = index($0, "STATE"); d = index($0, "DIRECTORY") }
    NR > 1 && (index($0, "no-supervisor") != s || index($0, "/") != d) { bad = 1 }
    END { exit bad || NR != 3 }' "$T/list"
ok $? "list: left-over labs line up under STATE and DIRECTORY"
sed 's/^/# /' "$T/list"
check "down of a lab without a supervisor" R down fk
grep -q 'did not answer; 0 processes stopped by hand' "$T/.out"; ok $? \
    "it stopped nothing: none of these is the lab's"
sed 's/^/# /' "$T/.out"
sleep 0.2
kill -0 "$reused"; ok $? "the program holding a pid from the state file runs on"
kill -0 "$fake"; ok $? "a program named rump_server, not one, runs on"
kill -0 "$other"; ok $? "lab fk-b's node kernel runs on"
[ ! -e "$root/fk" ] && [ -d "$root/fk-b" ]; ok $? "fk's directory is gone, fk-b's is not"
done_testing
