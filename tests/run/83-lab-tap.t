#!/bin/bash
# 83-lab-tap.t — proves host taps: a lab node and a network namespace
# share a segment through a tap.  With a bus joined to a tap (a pump),
# the namespace and two lab nodes are on one segment: ping and a TCP
# transfer (nc, 1 MB) both ways, the ARP exchange seen in a capture on
# both sides (tcpdump on the tap in the namespace, `rumplab capture` of
# the bus in the lab); a node's own interface on a tap (virt0) pings
# both ways; status shows the taps; the taps are gone after `down`, and
# after `kill -9` of the supervisor followed by `down`.  Without access
# to /dev/net/tun `up` names what is missing and starts nothing; a user
# whose /dev/net/tun is open gets the taps in a user and network
# namespace of the lab's own.
#
# Needs root: the test runs itself in a network and mount namespace it
# makes (unshare -n -m), holding only its loopback and the lab's taps,
# so no frame leaves that namespace; the lab's 10.0.x.x addresses are
# never put on the host's own stack.  /dev/net/tun is replaced inside
# the mount namespace only (a device node on a tmpfs, bound over it).
if [ -z "$RUMPLAB_TAP_NS" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "1..0 # SKIP needs root: runs in a network namespace of its own (unshare -n -m)"
		exit 0
	fi
	RUMPLAB_TAP_NS=1 exec unshare -n -m --propagation private "$0" "$@"
fi
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/lab.sh"
for t in ip tcpdump nc python3; do
	command -v $t >/dev/null || skip_all "no $t"
done
[ -c /dev/net/tun ] || skip_all "no /dev/net/tun here"
plan 27
ip link set lo up

# The root labs' state, apart from the user's.
RX=$T/rxdg
mkdir -m 0700 "$RX"
RR() { env XDG_RUNTIME_DIR="$RX" timeout -k 10 300 rumplab "$@"; }
on_exit 'for l in $(ls "$RX/rumplab" 2>/dev/null); do RR down "$l"; done >/dev/null 2>&1'
gone() { ! ip link show "$1" >/dev/null 2>&1; }
cat >"$T/tap.yaml" <<'EOF'
name: tapl
buses:
  lan1: { subnet: 10.0.9.0/24, tap: { name: rl-lan1, addr: 10.0.9.1/24 } }
nodes:
  h1: { interfaces: [ { bus: lan1, addr: 10.0.9.2/24 } ] }
  h2: { interfaces: [ { bus: lan1, addr: 10.0.9.3/24 } ] }
  h3: { interfaces: [ { tap: { name: rl-h3, addr: 10.0.8.1/24 },
        addr: 10.0.8.2/24 } ] }
EOF
chmod 644 "$T/tap.yaml"

# --- root: the taps in this namespace ---------------------------------------
check "up as root makes the taps here" RR up -q "$T/tap.yaml"
ip -br addr >"$T/addrs"
ok $(grep -q '^rl-lan1 .*10.0.9.1/24' "$T/addrs" && grep -q '^rl-h3 .*10.0.8.1/24' "$T/addrs"; echo $?) \
    "the taps are up with their host addresses"
sed 's/^/# /' "$T/addrs"

tcpdump -i rl-lan1 -n -U --immediate-mode -w "$T/ns.pcap" arp 2>"$T/td.err" & td=$!
env XDG_RUNTIME_DIR="$RX" rumplab capture lan1 -w "$T/lab.pcap" 2>/dev/null & cap=$!
for i in $(seq 100); do	# tcpdump says so once its filter is set
	grep -q "listening on" "$T/td.err" && break
	sleep 0.1
done
sleep 0.5
check "ping from the namespace to h1 on the bus" ping -c 2 -i 0.2 -W 2 10.0.9.2
check "ping from h2 to the namespace" RR exec h2 -- rump.ping -c 2 -i 0.2 10.0.9.1
for i in $(seq 30); do	# both captures have the second exchange
	[ "$(tcpdump -n -r "$T/ns.pcap" 2>/dev/null | grep -c 'tell 10.0.9.3\|10.0.9.1 is-at')" -ge 2 ] && break
	sleep 0.1
done
sleep 0.3
kill -INT $td $cap; wait $td $cap
tcpdump -n -r "$T/ns.pcap" 2>/dev/null >"$T/ns.txt"
tcpdump -n -r "$T/lab.pcap" 2>/dev/null >"$T/lab.txt"
arp_seen() {
	grep -q 'Request who-has 10.0.9.2 tell 10.0.9.1' "$1" &&
	    grep -q 'Reply 10.0.9.2 is-at' "$1" &&
	    grep -q 'Request who-has 10.0.9.1 tell 10.0.9.3' "$1" &&
	    grep -q 'Reply 10.0.9.1 is-at' "$1"
}
arp_seen "$T/ns.txt"; ok $? "tcpdump on the tap shows both ARP exchanges"
sed 's/^/# ns: /' "$T/ns.txt" | head -6
arp_seen "$T/lab.txt"; ok $? "rumplab capture of the bus shows them too"
sed 's/^/# lab: /' "$T/lab.txt" | grep ARP | head -6

wait_listen() {
	local i
	for i in $(seq 100); do
		RR exec "$1" -- rump.netstat -an 2>/dev/null | grep -q "[.:]$2 .*LISTEN" && return 0
		sleep 0.1
	done
	return 1
}
head -c 1048576 /dev/urandom >"$T/one.bin"
RR exec h1 -- nc -l 7001 >"$T/got1.bin" 2>"$T/nc1.err" & srv=$!
wait_listen h1 7001
timeout 30 nc -N 10.0.9.2 7001 <"$T/one.bin"
wait $srv
cmp -s "$T/one.bin" "$T/got1.bin"; ok $? "TCP from the namespace to h1: 1 MB byte for byte"
timeout 30 nc -l 10.0.9.1 7002 >"$T/got2.bin" & srv=$!
sleep 0.3
RR exec h1 -- nc -N 10.0.9.1 7002 <"$T/one.bin" 2>"$T/nc2.err"
wait $srv
cmp -s "$T/one.bin" "$T/got2.bin"; ok $? "TCP from h1 to the namespace: 1 MB byte for byte"
check "ping from the namespace to h3's own tap interface" ping -c 2 -i 0.2 -W 2 10.0.8.2
check "ping from h3 (virt0) to the namespace" RR exec h3 -- rump.ping -c 2 -i 0.2 10.0.8.1

RR status >"$T/st"
ok $(grep -Eq '^rl-lan1 +bus lan1 +where up ran +up \(pump pid [0-9]+\)' "$T/st" &&
    grep -Eq '^rl-h3 +h3 virt0 +where up ran +up$' "$T/st"; echo $?) \
    "status shows each tap, what it joins and where"
sed 's/^/# /' "$T/st" | sed -n '/^# TAP/,$p'
# The console's bus list names each bus's host tap.
if command -v tmux >/dev/null; then
	TM() { env TMUX_TMPDIR="$T" tmux -L rl83 "$@"; }
	TM new-session -d -s c83 -x 120 -y 30 \
	    "env XDG_RUNTIME_DIR=$RX TERM=xterm-256color rumplab console tapl; exec sleep 60"
	for i in $(seq 100); do
		TM capture-pane -p -t c83 >"$T/con" 2>/dev/null
		grep -q 'host-tap:rl-lan1' "$T/con" && grep -q 'host-tap:rl-h3' "$T/con" && break
		sleep 0.1
	done
	ok $(grep -q '^ *lan1 .*h1:shmif0 h2:shmif0 host-tap:rl-lan1' "$T/con" &&
	    grep -q '^ *rl-h3 .*h3:virt0 host-tap:rl-h3' "$T/con"; echo $?) \
	    "the console's bus list shows each bus's host tap"
	sed -n '/BUSES/,$p' "$T/con" | sed 's/^/# /' | head -5
	TM kill-server 2>/dev/null
else
	echo "ok $((_n = _n + 1)) # SKIP tmux not installed"
fi
check "down" RR down tapl
gone rl-lan1 && gone rl-h3; ok $? "the taps are gone after down"

check "up again" RR up -q "$T/tap.yaml"
sp=$(RR status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["supervisor"])')
kill -9 "$sp"; sleep 0.5
gone rl-lan1; ok $? "with the supervisor killed, the bus's tap goes with its pump"
check "down after the supervisor was killed with -9" RR down tapl
gone rl-lan1 && gone rl-h3; ok $? "the node's tap is gone too"
XDG_RUNTIME_DIR=$RX check_nothing_left "nothing of the root lab is left"

# --- a user without /dev/net/tun ----------------------------------------------
mkdir "$T/dev" && mount -t tmpfs -o mode=0755 rumplab-tun "$T/dev"
mknod -m 0600 "$T/dev/tun" c 10 200 && mount --bind "$T/dev/tun" /dev/net/tun
on_exit 'umount /dev/net/tun; umount "$T/dev"'
R up "$T/tap.yaml" >"$T/no" 2>&1; r=$?
ok $([ $r = 1 ] && grep -q "rumplab up: lab tapl: its host taps (rl-lan1, rl-h3) need /dev/net/tun, which user 'nobody' cannot open (mode 0600, owner uid 0): run rumplab up as root, or let users open it (as root: chmod 0666 /dev/net/tun); nothing was started" "$T/no"; echo $?) \
    "without /dev/net/tun, up says what is missing and how to get it"
sed 's/^/# /' "$T/no"
ok $([ -z "$(ls -A "$XDG_RUNTIME_DIR/rumplab" 2>/dev/null)" ] && [ -z "$(lab_pids)" ]; echo $?) \
    "and nothing was started"

# --- a user with /dev/net/tun: the lab's own namespace -------------------------
chmod 0666 "$T/dev/tun"
check "up as the user with /dev/net/tun open to users" R up -q "$T/tap.yaml"
R status >"$T/ust"
ok $(grep -Eq "^rl-lan1 +bus lan1 +the lab's own +up" "$T/ust" &&
    grep -q 'nsenter -t [0-9]* -U -n --preserve-credentials' "$T/ust"; echo $?) \
    "status says the taps are in the lab's own namespace, and how to enter it"
gone rl-lan1; ok $? "the tap is not in this namespace"
sp=$(R status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["supervisor"])')
as_user nsenter -t "$sp" -U -n --preserve-credentials ping -c 2 -i 0.2 -W 2 10.0.9.2 >"$T/up" 2>&1
ok $? "from the lab's namespace, the tap reaches h1" || sed 's/^/# /' "$T/up"
check "down" R down tapl
check_nothing_left
done_testing
