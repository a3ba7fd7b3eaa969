#!/bin/sh
# 24-remote-ssh.t — a lab's host on another machine, reached with OpenSSH
# (lab/remote.c), against an sshd of the test's own on 127.0.0.1
# (tests/lib/sshd.sh), step by step through tests/lab/remote_try.
# Proves: a refused connection, a refused login and a host that never
# answers (at the timeout) fail with the host,
# its destination and ssh's own last line, leaving nothing; the master
# starts, `ssh -O check` answers through its control socket in
# DIR/host/NAME (a 90-byte path: the longest ssh binds), or in a short
# path that is said when DIR/host/NAME/ssh is longer; a unix socket is
# forwarded and talked through, and 500 of them in one batch (timed); a
# remote command gets its words as given (spaces, quotes, $, ;, an empty
# word), its standard input, and its exit status; the preflight finds
# the remote state root (`rumplab rundir --check`, over ssh) and says
# what is wrong: program not found, another version, not rumplab, a
# state root it cannot write; stop leaves no ssh and no socket, and ends
# a master a killed process left, which a second start is refused beside.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/sshd.sh"
RT=$O/tests/remote_try
RL=$B/rumplab
for p in "$RT" "$O/tests/test_remote" "$RL"; do
	[ -x "$p" ] || skip_all "$p not built"
done
command -v socat >/dev/null || skip_all "socat not installed"
sshd_start || skip_all "$SSHD_WHY"
plan 32

D=$T/lab
as_user mkdir -p "$D/sock" "$T/there"
try() { as_user "$RT" -F "$SSH_CONFIG" -r "$RL" "$@"; }
# pids of ssh processes whose control socket is $1
# (the bracket: grep's own command line does not match)
ssh_with() { grep -lz -- "[C]ontrolPath=$(echo "$1" | sed 's/[].[*^$\\]/\\&/g')" \
	/proc/[0-9]*/cmdline 2>/dev/null | sed 's|/proc/\([0-9]*\)/.*|\1|'; }
# nothing_left CTL PATH...: no ssh of CTL runs, and no PATH is there
nothing_left() {
	local ctl=$1 p; shift
	[ -z "$(ssh_with "$ctl")" ] || { echo "ssh left: $(ssh_with "$ctl")"; return 1; }
	for p in "$ctl" "$@"; do
		[ -e "$p" ] && { echo "left: $p"; return 1; }
	done
	return 0
}
ours=$("$RL" --version | awk '{ print $3 }')

check "the quoting, command lines and control paths (test_remote)" \
    as_user "$O/tests/test_remote"

# --- rumplab rundir, here and there ---------------------------------------
as_user mkdir "$T/x"
out=$(as_user env XDG_RUNTIME_DIR="$T/x" "$RL" rundir --check 2>&1)
[ "$out" = "$T/x/rumplab" ] && [ -d "$T/x/rumplab" ]
ok $? "rumplab rundir --check: the root, made and written ($out)"
as_user mkdir -m 0555 "$T/ro"
out=$(as_user env XDG_RUNTIME_DIR="$T/ro" "$RL" rundir --check 2>&1)
r=$?
[ $r = 1 ] && [ "$out" = "rumplab rundir: $T/ro/rumplab: Permission denied" ]
ok $? "a root that cannot be made: exit 1, the path and why ($out)"
as_user mkdir -m 0755 "$T/y" "$T/y/rumplab"
out=$(as_user env XDG_RUNTIME_DIR="$T/y" "$RL" rundir 2>&1)
[ $? = 1 ] && echo "$out" | grep -q "^rumplab rundir: $T/y/rumplab: not a private directory"
ok $? "a root open to others is refused ($out)"

# --- connecting -------------------------------------------------------------
port=$(_free_port)
out=$(try -p "$port" "$D" b "$SSH_DEST" start)
echo "$out" | grep -qxF "start: error EHOSTUNREACH: host b ($SSH_DEST): ssh: connect to host 127.0.0.1 port $port: Connection refused"
ok $? "a refused connection: the host, its destination, ssh's last line" ||
    echo "$out" | sed 's/^/# /'
check "... and nothing left (no ssh, no control socket)" \
    nothing_left "$D/host/b/ssh"
# a host that takes the connection and says nothing
sport=$(_free_port)
as_user sh -c 'echo $$ >"$1"; exec socat TCP-LISTEN:"$2",bind=127.0.0.1,fork EXEC:"sleep 30"' \
    sh "$T/silent.pid" "$sport" &
on_exit 'kill $(cat "$T/silent.pid")'
for i in $(seq 50); do ss -Htln "sport = :$sport" | grep -q . && break; sleep 0.1; done
t0=$(date +%s%N)
out=$(try -t 1500 -p "$sport" "$D" b "$SSH_DEST" start)
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
echo "$out" | grep -q "^start: error E[A-Z]*: host b ($SSH_DEST): .*timed out" && [ $ms -lt 5000 ]
ok $? "a host that never answers: given up on at the timeout, saying so ($ms ms)" ||
    echo "$out" | sed 's/^/# /'
out=$(try "$D" b "nobody-$$@127.0.0.1" start)
echo "$out" | grep -qxF "start: error EHOSTUNREACH: host b (nobody-$$@127.0.0.1): nobody-$$@127.0.0.1: Permission denied (publickey)."
ok $? "a refused login: ssh's own reason" || echo "$out" | sed 's/^/# /'

# --- a master, a forward, remote commands, stop ------------------------------
# (its pid from itself: as_user may be a shell function, whose $! is
# not socat's)
as_user sh -c 'echo $$ >"$1"; exec socat UNIX-LISTEN:"$2",fork EXEC:cat' \
    sh "$T/there/echo.pid" "$T/there/echo.sock" &
on_exit 'kill $(cat "$T/there/echo.pid")'
for i in $(seq 50); do [ -S "$T/there/echo.sock" ] && break; sleep 0.1; done
printf 'from stdin\n' >"$T/in"
try "$D" b "$SSH_DEST" \
    start :: check \
    :: local sh -c "ssh -F '$SSH_CONFIG' -o 'ControlPath=$D/host/b/ssh' -O check '$SSH_DEST' 2>&1" \
    :: local test -S "$D/host/b/ssh" \
    :: forward "$D/sock/0" "$T/there/echo.sock" \
    :: local sh -c "echo through ssh | socat -t 5 - UNIX-CONNECT:$D/sock/0" \
    :: run printf '<%s>\n' 'a b' "it's" '$HOME' 'x;y' '' '"q"' \
    :: run sh -c 'exit 3' \
    :: runin "$T/in" cat \
    :: stop >"$T/m.out" 2>"$T/m.err"
r=$?
ok $r "start, check, forward, run, stop: each ok" || show_out "$T/m.out"
grep -qx "start: ok" "$T/m.out" && grep -qx "check: ok" "$T/m.out"
ok $? "the master starts and answers remote_check()"
sed -n '/^check: ok/,/^local: ok/p' "$T/m.out" | grep -qx "local exit 0"
ok $? "ssh -O check, asked by another process, finds it at DIR/host/b/ssh"
grep -qx "through ssh" "$T/m.out"
ok $? "a unix socket forwarded through the master and talked through"
sed -n '/^forward: ok/,$p' "$T/m.out" | sed -n '/^local: ok/,/^run: ok/p' >"$T/words"
printf '<%s>\n' 'a b' "it's" '$HOME' 'x;y' '' '"q"' >"$T/want"
sed -n '/^</p' "$T/words" | cmp -s - "$T/want"
ok $? "a remote command gets its words as given: spaces, ', \$, ;, '', \"" ||
    sed 's/^/# /' "$T/words"
grep -qx "exit 3" "$T/m.out"
ok $? "a remote command's exit status comes back"
grep -qx "from stdin" "$T/m.out"
ok $? "a remote command reads the standard input it is given"
[ ! -s "$T/m.err" ]
ok $? "nothing on standard error" || show_out "$T/m.err"
check "stop: no ssh, no control socket, no forwarded socket left" \
    nothing_left "$D/host/b/ssh" "$D/sock/0"
[ -S "$T/there/echo.sock" ]
ok $? "... and the remote end's socket is the remote's to remove"

# --- a master left behind ------------------------------------------------------
# remote_try killed (as a supervisor may be): its master lives on, in its
# own process group; a second start is refused, a stop ends it.
try "$D" b "$SSH_DEST" start :: local sh -c 'kill -9 $PPID' >/dev/null 2>&1
left=$(ssh_with "$D/host/b/ssh")
out=$(try "$D" b "$SSH_DEST" start)
[ -n "$left" ] && echo "$out" | grep -qxF "start: error EEXIST: host b ($SSH_DEST): an ssh master answers at $D/host/b/ssh already (is the lab up?)"
ok $? "a master left running: a second one is refused, saying where" ||
    echo "$out" | sed 's/^/# /'
try "$D" b "$SSH_DEST" stop >/dev/null
for i in $(seq 20); do [ -z "$(ssh_with "$D/host/b/ssh")" ] && break; sleep 0.1; done
check "stop asks a master it did not start to exit: nothing left" \
    nothing_left "$D/host/b/ssh"

# --- 500 forwards --------------------------------------------------------------
as_user mkdir -p "$D/many" "$T/there/many"
try "$D" b "$SSH_DEST" start :: forward-many 500 "$D/many" "$T/there/many" \
    :: local sh -c "ls $D/many | wc -l" :: stop >"$T/f.out" 2>&1
ok $? "500 sockets forwarded in one batch" || show_out "$T/f.out"
ms=$(sed -n 's/^forwarded 500 sockets in \([0-9]*\) ms$/\1/p' "$T/f.out")
diag "forwarding 500 unix sockets through the master: $ms ms"
grep -qx 500 "$T/f.out" && [ -n "$ms" ] && [ "$ms" -lt 10000 ]
ok $? "all 500 listen, in under 10 s ($ms ms)"
[ -z "$(ls -A "$D/many")" ]
ok $? "stop removes all 500"

# --- the control socket's path ---------------------------------------------------
# DIR/host/b/ssh of exactly 90 bytes binds; of 91, a short path is said.
pad=$(printf '%*s' $((79 - ${#T} - 1)) '' | tr ' ' d)
long=$T/$pad
as_user mkdir -p "$long" "${long}d"
out=$(try "$long" b "$SSH_DEST" start :: local test -S "$long/host/b/ssh" :: stop)
echo "$out" | grep -qx "local exit 0" && [ ${#long} = 79 ]
ok $? "a control path of 90 bytes: ssh binds it in DIR" || echo "$out" | sed 's/^/# /'
on_exit "rm -rf /tmp/rumplab-ssh-$LAB_UID"
out=$(try "${long}d" b "$SSH_DEST" start :: check :: stop)
short=$(echo "$out" | sed -n "s|^init: note: host b ($SSH_DEST): ssh's control socket is \\(/tmp/rumplab-ssh-$LAB_UID/[0-9a-f]*\\): ${long}d/host/b/ssh is 91 bytes.*|\\1|p")
[ -n "$short" ] && echo "$out" | grep -qx "check: ok"
ok $? "of 91: the master runs at a short path, and where is said" ||
    echo "$out" | sed 's/^/# /'
check "... and nothing is left there" nothing_left "${short:-/tmp/rumplab-ssh-$LAB_UID/x}"

# --- preflight -------------------------------------------------------------------
out=$(try "$D" b "$SSH_DEST" start :: preflight :: stop)
echo "$out" | grep -qx "root $SSH_XDG/rumplab" && [ -d "$SSH_XDG/rumplab" ]
ok $? "preflight: rumplab there is ours, its state root ($SSH_XDG/rumplab) is writable" ||
    echo "$out" | sed 's/^/# /'
out=$(try -r /nonexistent/rumplab "$D" b "$SSH_DEST" start :: preflight)
echo "$out" | grep -qxF "preflight: error ENOENT: host b ($SSH_DEST): /nonexistent/rumplab: not found there: set hosts.b.rumplab to its path there"
ok $? "a program not found there: set hosts.b.rumplab" || echo "$out" | sed 's/^/# /'
printf '#!/bin/sh\necho "rumplab (rumplab) 0.9-old"\n' >"$T/there/old"
printf '#!/bin/sh\necho hello\n' >"$T/there/other"
chmod 0755 "$T/there/old" "$T/there/other"
out=$(try -r "$T/there/old" "$D" b "$SSH_DEST" start :: preflight)
echo "$out" | grep -qxF "preflight: error EPROTO: host b ($SSH_DEST): $T/there/old is rumplab 0.9-old, this is rumplab $ours: every host needs the same version"
ok $? "another version there is named beside ours" || echo "$out" | sed 's/^/# /'
out=$(try -r "$T/there/other" "$D" b "$SSH_DEST" start :: preflight)
echo "$out" | grep -qxF "preflight: error EPROTO: host b ($SSH_DEST): $T/there/other --version says 'hello': not rumplab: set hosts.b.rumplab to rumplab's path there"
ok $? "a program that is not rumplab" || echo "$out" | sed 's/^/# /'
sed "s|^\\( *SetEnv XDG_RUNTIME_DIR=\\).*|\\1$T/ro|" "$SSH_CONFIG" >"$T/ro.conf"
out=$(as_user "$RT" -F "$T/ro.conf" -r "$RL" "$D" b "$SSH_DEST" start :: preflight)
echo "$out" | grep -qxF "preflight: error EACCES: host b ($SSH_DEST): rumplab rundir: $T/ro/rumplab: Permission denied"
ok $? "a state root it cannot write there, with rumplab's own words" ||
    echo "$out" | sed 's/^/# /'
check "after every failure: no ssh, no socket left" nothing_left "$D/host/b/ssh"
done_testing
