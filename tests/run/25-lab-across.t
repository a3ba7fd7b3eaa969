#!/bin/bash
# 25-lab-across.t — a lab across two hosts (lab/HOSTS.txt): this machine
# ("a") and a second host ("b") reached over OpenSSH, an sshd of the
# test's own on 127.0.0.1 (tests/lib/sshd.sh) whose logins get a state
# root of their own, so "b" is another host to rumplab in every way but
# the kernel.  The lab runs unprivileged (sshd.sh's user):
#  - a routed lab h1 - r1 =core= r2 - h2, r2 and h2 on b, core spanning
#    both hosts (a udp:// uplink pair on 127.0.0.1): up, status lists
#    both hosts and every node up; check passes end to end;
#  - exec reaches a remote node through the forwarded socket; link set on
#    a remote interface is relayed there and undone; capture of a bus
#    that is only on b is made there and its pcap comes back;
#  - the uplink counts frames both ways (status uplink lines);
#  - killing b's part supervisor is noticed (host b lost); down stops
#    what is left on both hosts and nothing remains on either;
#  - a host that refuses ssh fails up with its name and ssh's words, and
#    nothing is left.
# No frame leaves the machine: the uplink's UDP is bound to 127.0.0.1.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/sshd.sh"
sshd_start || skip_all "$SSHD_WHY"
. "$(dirname "$0")/../lib/lab.sh"

plan 28

# Everything of the lab user's: the "remote" state root is $SSH_XDG.
left_both() {
	leftovers
	find "$SSH_XDG/rumplab" -mindepth 1 2>/dev/null | sed 's/^/remote file /'
	for f in $(grep -lzF -- "$SSH_XDG/" /proc/[0-9]*/cmdline 2>/dev/null); do
		p=${f#/proc/}; p=${p%%/*}
		grep -q '^State:.*Z' "/proc/$p/status" 2>/dev/null ||
		    echo "remote process $p: $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)"
	done
}
# ok when nothing of either host's is left (waiting up to 10 s).
nothing_left_both() {
	local i
	for i in $(seq 100); do [ -z "$(left_both)" ] && break; sleep 0.1; done
	left_both >"$T/left"
	ok "$([ -s "$T/left" ] && echo 1 || echo 0)" "$1"
	sed 's/^/# /' "$T/left" | head
}
# A free UDP port pair base.
uport=$(( 30000 + $(od -An -N2 -tu2 /dev/urandom) % 20000 ))
uport=$(( uport - uport % 2 ))

cat >"$T/two.yaml" <<EOF
name: two
hosts:
  a: {}
  b:
    ssh: $SSH_DEST
    ssh_config: $SSH_CONFIG
    rumplab: $B/rumplab
    addr: 127.0.0.1
uplink: udp
uplink_port: $uport
buses:
  lan1: { subnet: 10.0.1.0/24 }
  core: { subnet: 10.0.0.0/30 }
  lan2: { subnet: 10.0.2.0/24 }
nodes:
  h1: { host: a, interfaces: [ { bus: lan1, addr: 10.0.1.10/24 } ], gateway: 10.0.1.1 }
  r1: { host: a, kind: router, interfaces: [ { bus: lan1, addr: 10.0.1.1/24 }, { bus: core, addr: 10.0.0.1/30 } ] }
  r2: { host: b, kind: router, interfaces: [ { bus: core, addr: 10.0.0.2/30 }, { bus: lan2, addr: 10.0.2.1/24 } ] }
  h2: { host: b, interfaces: [ { bus: lan2, addr: 10.0.2.10/24 } ], gateway: 10.0.2.1 }
checks:
  - { from: h1, to: h2, via: [r1, r2] }
  - { from: h2, to: h1 }
EOF
chmod 0644 "$T/two.yaml"

check "up: a lab over two hosts starts" R up "$T/two.yaml"
R status >"$T/st" 2>&1
ok "$(grep -Eq '^a +here' "$T/st" && grep -Eq '^b +up ' "$T/st" && echo 0 || echo 1)" \
    "status: a line per host, a here, b up"
sed 's/^/# /' "$T/st" | head -30
ok "$(awk '$1 ~ /^(h1|r1|r2|h2)$/ && $4 == "up"' "$T/st" | wc -l | grep -qx 4 && echo 0 || echo 1)" \
    "status: the four nodes are up, b's from its part"
check "check: h1 reaches h2 through r1 and r2 across the uplink, and back" \
    R check two
R exec h2 -- rump.ifconfig shmif0 >"$T/if" 2>&1
ok "$(grep -q 'inet 10.0.2.10' "$T/if" && echo 0 || echo 1)" \
    "exec on b's node h2 reaches its stack through the forwarded socket"
R exec h1 -- rump.ping -c 3 -i 0.2 10.0.2.10 >"$T/ping" 2>&1
ok "$(grep -q '3 packets received' "$T/ping" && echo 0 || echo 1)" \
    "a ping from a to b crosses the uplink"
# An uplink writes its stats file at most once a second (lab/UPLINK.txt):
# the ping's frames are in it within a second or two.
uplinks_carried() {
	R status --json >"$T/js" 2>&1
	jq -e '.uplinks | length == 2 and (.[0] | test("^core a udp://127.0.0.1:[0-9]+->127.0.0.1:[0-9]+ up out [1-9][0-9]* [0-9]+ in [1-9]")) and (.[1] | test("^core b udp://.* up out [1-9][0-9]* [0-9]+ in [1-9]"))' "$T/js" >/dev/null
}
k=0
until uplinks_carried || [ $k -ge 15 ]; do
	sleep 0.2
	k=$((k + 1))
done
ok "$(uplinks_carried && echo 0 || echo 1)" \
    "status: core's uplink on each host is up and has carried frames both ways (within $((k * 200)) ms)"
jq -c .uplinks "$T/js" | sed 's/^/# /'

check "link set on b's interface is relayed to b" \
    R link set r2:shmif0 down
R link show r2:shmif0 >"$T/ls" 2>&1
ok "$(grep -Eq '^r2:shmif0 +core +down' "$T/ls" && echo 0 || echo 1)" \
    "link show of b's interface says it is down"
sed 's/^/# /' "$T/ls"
R exec h1 -- rump.ping -c 1 -w 1 10.0.2.10 >/dev/null 2>&1
ok "$([ $? != 0 ] && echo 0 || echo 1)" "with it down, h1 no longer reaches h2"
R link set r2:shmif0 up >/dev/null 2>&1
R exec h1 -- rump.ping -c 1 -w 3 10.0.2.10 >/dev/null 2>&1
ok $? "up again, it does"

# A delay on core, which spans both hosts: each host's part applies it
# where frames are sent (the request is relayed to b and made here).
check "link set on core (both hosts) delays it: 50 ms out, each side" \
    R link set core delay 50ms
rtt=$(R exec h1 -- rump.ping -c 3 -i 0.2 -q 10.0.2.10 2>/dev/null |
    sed -n 's/.*= [0-9.]*\/\([0-9.]*\)\/.*/\1/p')
ok "$(awk -v r="${rtt:-0}" 'BEGIN { exit !(r >= 95 && r < 400) }' && echo 0 || echo 1)" \
    "a ping across core takes the delay both ways (avg ${rtt:-?} ms, 100 added)"
R link set core clear >/dev/null 2>&1

# lan2 is only on b: the capture is made there.
( sleep 1; R exec h2 -- rump.ping -c 3 -i 0.2 10.0.2.1 >/dev/null 2>&1 ) &
pinger=$!
R capture lan2 -c 6 -w "$T/lan2.pcap" 2>"$T/cap.err"
wait $pinger
# 6 frames: the echoes, and an ARP exchange first when r2 forgot h2.
ok "$([ "$(tcpdump -nr "$T/lan2.pcap" 2>/dev/null | grep -c 'ICMP echo')" -ge 4 ] && echo 0 || echo 1)" \
    "capture of b's bus lan2 is made there and the pcap comes here"
sed 's/^/# /' "$T/cap.err"

# core spans a and b: a capture of it here shows the whole segment once.
( sleep 1; R exec h1 -- rump.ping -c 4 -i 0.2 10.0.2.10 >/dev/null 2>&1 ) &
pinger=$!
R capture core -c 8 -w "$T/core.pcap" 2>/dev/null
wait $pinger
tcpdump -nr "$T/core.pcap" 2>/dev/null | grep 'ICMP echo' >"$T/core.txt"
ok "$([ "$(wc -l <"$T/core.txt")" -ge 6 ] &&
    [ -z "$(sed 's/.*ICMP echo \(request\|reply\), id [0-9]*, seq \([0-9]*\).*/\1 \2/' "$T/core.txt" | sort | uniq -d)" ] &&
    echo 0 || echo 1)" \
    "a capture of core (spanning both hosts) here has each echo and reply once"
sed 's/^/# /' "$T/core.txt" | head -8

check "node restart of b's r2 is relayed to b and answered once it is up" \
    R node restart r2
check "check passes again after the restart" R check two
R graph two -o "$T/g.svg" >"$T/g.out" 2>&1
ok "$(grep -q '>r2<' "$T/g.svg" && grep -q '>h2<' "$T/g.svg" && echo 0 || echo 1)" \
    "graph draws the running lab across both hosts"

# b's part: its supervisor, killed.
spid=$(awk '$1 == "supervisor" { print $2 }' "$SSH_XDG"/rumplab/two@b/state 2>/dev/null)
[ -n "$spid" ] && kill -9 "$spid"
for i in $(seq 50); do
	R status >"$T/st2" 2>&1
	grep -Eq '^b +lost ' "$T/st2" && break
	sleep 0.2
done
ok "$(grep -Eq '^b +lost ' "$T/st2" && echo 0 || echo 1)" \
    "b's part supervisor killed: status says host b is lost"
grep -E '^(b|h2|r2) ' "$T/st2" | sed 's/^/# /'

# The console says so too: its title names the hosts, b's nodes unknown.
TM() { as_user env TMUX_TMPDIR="$T" SHELL=/bin/bash tmux -L rl25 "$@"; }
on_exit 'TM kill-server 2>/dev/null'
TM new-session -d -s c25 -x 160 -y 30 \
    "TERM=xterm-256color rumplab console two; exec sleep 600"
for i in $(seq 300); do
	TM capture-pane -p -t c25 >"$T/screen" 2>/dev/null
	grep -q 'hosts a here, b lost' "$T/screen" &&
	    grep -Eq '^  h2 +unknown' "$T/screen" && break
	sleep 0.1
done
ok "$(grep -q 'hosts a here, b lost' "$T/screen" && grep -Eq '^  h2 +unknown' "$T/screen" && echo 0 || echo 1)" \
    "the console: host b lost in its title, b's nodes unknown"
head -8 "$T/screen" | sed 's/^/# | /'
TM kill-server 2>/dev/null

R down two >"$T/down" 2>&1
ok $? "down with b's part lost: stops what is left on both hosts"
sed 's/^/# /' "$T/down"
nothing_left_both "nothing left on either host"

# A host without the program: checked before anything starts.
sed "s|^    rumplab: .*|    rumplab: /nonexistent/rumplab|" "$T/two.yaml" >"$T/norl.yaml"
R up "$T/norl.yaml" >"$T/norl" 2>&1
ok "$([ $? != 0 ] && grep -q 'host b' "$T/norl" && grep -q '/nonexistent/rumplab' "$T/norl" &&
    grep -q 'nothing was started' "$T/norl" && ! grep -q 'node h1' "$T/norl" &&
    echo 0 || echo 1)" \
    "a host without rumplab fails up before any node starts, naming the host and the program"
sed 's/^/# /' "$T/norl" | head -4

# b unreachable at down: its ssh connection and the sshd gone.  down
# stops what it can and names b; b's part is then stopped on b itself,
# as the message says.
R up -q "$T/two.yaml" >"$T/up2" 2>&1 || sed 's/^/# /' "$T/up2"
kill "$_sshd_pid" 2>/dev/null
for p in $(grep -lzF -- "ControlPath=$XDG_RUNTIME_DIR/rumplab/two/host/b/ssh" \
    /proc/[0-9]*/cmdline 2>/dev/null); do
	p=${p#/proc/}; kill "${p%%/*}" 2>/dev/null
done
R down two >"$T/down2" 2>&1
ok "$([ $? = 0 ] && grep -q 'not everywhere' "$T/down2" && grep -q 'host b' "$T/down2" &&
    echo 0 || echo 1)" "down with b unreachable stops this host's part and names b"
sed 's/^/# /' "$T/down2"
as_user env XDG_RUNTIME_DIR="$SSH_XDG" rumplab down two@b >"$T/down3" 2>&1
ok $? "rumplab down two@b on b stops b's part"
nothing_left_both "then nothing is left on either host"

# A host that refuses: its port is closed.
sed "s/^    ssh_config: .*/&\n    port: 1/" "$T/two.yaml" >"$T/bad.yaml"
R up "$T/bad.yaml" >"$T/bad" 2>&1
r=$?
ok "$([ $r != 0 ] && grep -q 'host b' "$T/bad" && grep -qi 'refused\|ssh' "$T/bad" && echo 0 || echo 1)" \
    "a host ssh cannot reach fails up, naming the host and ssh's words"
sed 's/^/# /' "$T/bad" | head -8
nothing_left_both "and nothing is left"
done_testing
