#!/bin/bash
# 50-node.t — proves the node's network commands (netcomp/cmd) end to end,
# unprivileged, on rump_server nodes with netinet, netinet6 and shmif:
# two nodes on one bus configured with rump.ifconfig (NetBSD's listing
# format, DAD waited for with -w) ping each other over IPv4 and IPv6
# (NetBSD's output lines and exit codes), carry a 10 MiB TCP stream checked
# byte for byte, a file compared with cmp, and checked UDP datagrams; three
# nodes share the bus; a server blocked in accept in one node does not stop
# its own worker thread nor another client from moving data; a node halted
# and restarted on the same socket and bus is reachable again; bad URLs,
# components, addresses, names, a duplicate interface, linkstr while up and
# a file that is not a bus each get a clear error and a non-zero exit while
# the node keeps running; a capture of the bus shows a ping's ICMP echo
# request and reply; rump.sysctl, rump.dmesg, -h of every command.
# Only bus files and unix sockets in $T carry traffic.
. "$(dirname "$0")/../lib/common.sh"

for p in rump_server rump.ifconfig rump.ping rump.ping6 rump.sysctl \
    rump.halt rump.dmesg rumpperf shmif_dumpbus; do
	if [ ! -x "$B/$p" ]; then
		echo "1..0 # SKIP $p not built in $O"
		exit 0
	fi
done
cd "$T" || exit 1

# Every node and background client we start is stopped on any exit: the
# nodes are halted (which ends their clients) and then killed.
nodes=""; bg=""; urls=""
on_exit 'for u in $urls; do RUMP_SERVER=$u as_user rump.halt -w 1; done;
    for p in $nodes $bg; do kill -9 $p; done; wait'

N() {           # N NODE CMD...: run CMD as a client of node NODE
	local n=$1; shift
	RUMP_SERVER=unix://$n as_user timeout 60 "$@"
}
start_node() {  # start_node NODE: a node with netinet, netinet6 and shmif
	as_user rump_server -l rumpnet_netinet -l rumpnet_netinet6 \
	    -l rumpnet_shmif "unix://$1" || return 1
	urls="$urls unix://$1"
	nodes="$nodes $(N "$1" rump.sysctl -n kern.pid)"
}
config() {      # config NODE N BUS [MAC]: shmif0 on BUS, 10.0.0.N/24, fc00::N/64
	N "$1" rump.ifconfig shmif0 create &&
	N "$1" rump.ifconfig shmif0 linkstr "$3" &&
	{ [ -z "$4" ] || N "$1" rump.ifconfig shmif0 link "$4" active; } &&
	N "$1" rump.ifconfig shmif0 inet "10.0.0.$2/24" &&
	N "$1" rump.ifconfig shmif0 inet6 "fc00::$2/64"
}
wait_grep() {   # wait_grep FILE REGEX: up to 10 s
	local i
	for i in $(seq 200); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done
	return 1
}
perf_server() { # perf_server NODE LOG ARGS...: rumpperf -s in the background
	local n=$1 log=$2; shift 2
	N "$n" rumpperf -s "$@" >"$log" 2>&1 &
	bg="$bg $!"
	wait_grep "$log" "^listening on"
}
fails_with() {  # fails_with DESC REGEX CMD...: CMD exits non-zero saying REGEX
	local d=$1 re=$2; shift 2
	"$@" >"$T/.err" 2>&1; local r=$?
	ok $([ $r != 0 ] && grep -q -- "$re" "$T/.err"; echo $?) "$d (exit $r)"
	[ $r != 0 ] && grep -q -- "$re" "$T/.err" || sed 's/^/#   /' "$T/.err" | head -5
}
U() {           # U URL CMD...: run CMD with RUMP_SERVER=URL ("" unsets it)
	local u=$1; shift
	if [ -z "$u" ]; then (unset RUMP_SERVER; as_user "$@"); return; fi
	RUMP_SERVER=$u as_user "$@"
}
alias_roundtrip() {     # an alias added (tentative: DAD is on), listed, removed
	N n1 rump.ifconfig shmif0 inet 10.0.0.11/24 alias &&
	N n1 rump.ifconfig shmif0 | grep -qx '	inet 10.0.0.11/24 broadcast 10.0.0.255 flags 0x1<TENTATIVE>' &&
	N n1 rump.ifconfig shmif0 inet 10.0.0.11 -alias &&
	! N n1 rump.ifconfig shmif0 | grep -q 10.0.0.11
}
todo() {        # todo STATUS DESC WHY: a known failure, reported not counted
	_n=$((_n+1))
	if [ "$1" = 0 ]; then echo "ok $_n - $2 # TODO $3"; else echo "not ok $_n - $2 # TODO $3"; fi
}
alive() {       # alive NODE: the node still answers
	N "$1" rump.ifconfig -l >/dev/null 2>&1
}

# --- two nodes on one bus ------------------------------------------------------
check "node n1 starts" start_node n1
check "node n2 starts" start_node n2
check "n1: shmif0 on bus1, 10.0.0.1/24, fc00::1/64" config n1 1 bus1
check "n2: shmif0 on bus1, 10.0.0.2/24, fc00::2/64" config n2 2 bus1
check "n1: rump.ifconfig -w waits for DAD" N n1 rump.ifconfig -w 10
check "n2: rump.ifconfig -w waits for DAD" N n2 rump.ifconfig -w 10

N n1 rump.ifconfig shmif0 >if1.txt 2>&1
ok $(head -1 if1.txt | grep -qx 'shmif0: flags=0x8843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST> mtu 1500' &&
    grep -qx '	linkstr: bus1' if1.txt &&
    grep -qE '^	address: b2:a0(:[0-9a-f]{2}){4}$' if1.txt &&
    grep -qx '	inet 10.0.0.1/24 broadcast 10.0.0.255 flags 0x0' if1.txt &&
    grep -qE '^	inet6 fe80::[0-9a-f:]+%shmif0/64 flags 0x0 scopeid 0x[1-9a-f][0-9a-f]*$' if1.txt &&
    grep -qx '	inet6 fc00::1/64 flags 0x0' if1.txt; echo $?) \
    "the listing has NetBSD's lines (flags, linkstr, address, inet, inet6 with scopeid)"
sed 's/^/#   /' if1.txt
N n1 rump.ifconfig >all.txt 2>&1
ok $(grep -q '^lo0: flags=0x8049<UP,LOOPBACK,RUNNING,MULTICAST>' all.txt &&
    grep -q '^shmif0: ' all.txt; echo $?) "no arguments: every interface"
ok $([ "$(N n1 rump.ifconfig -l)" = "lo0 shmif0" ]; echo $?) "-l lists the names"
N n1 rump.netstat -rn -f inet6 >lo6.txt 2>&1
ok $(grep -qx '	inet6 fe80::1%lo0/64 flags 0x0 scopeid 0x1' all.txt &&
    grep -qE '^fe80::1%lo0 +link#1 +UHl ' lo6.txt && grep -qE '^::1 +link#1 +UHl ' lo6.txt; echo $?) \
    "lo0 has ::1 and, as NetBSD's, fe80::1 (UHl routes)"
N n1 rump.ifconfig -v shmif0 >v.txt 2>&1
ok $(grep -qE '^	input: [0-9]+ packets, [0-9]+ bytes' v.txt &&
    grep -qE '^	output: [0-9]+ packets, [0-9]+ bytes' v.txt; echo $?) "-v adds the counters"

N n1 rump.ping -c 3 -i 0.1 10.0.0.2 >p.txt 2>&1; r=$?
ok $([ $r = 0 ] && head -1 p.txt | grep -qx 'PING 10.0.0.2 (10.0.0.2): 56 data bytes' &&
    [ "$(grep -cE '^64 bytes from 10\.0\.0\.2: icmp_seq=[0-2] ttl=[0-9]+ time=[0-9]+\.[0-9]{3} ms$' p.txt)" = 3 ] &&
    grep -qx -- '----10.0.0.2 PING Statistics----' p.txt &&
    grep -qx '3 packets transmitted, 3 packets received, 0.0% packet loss' p.txt &&
    grep -qE '^round-trip min/avg/max/stddev = [0-9.]+/[0-9.]+/[0-9.]+/[0-9.]+ ms$' p.txt; echo $?) \
    "rump.ping n1 -> n2: NetBSD's lines, exit 0"
sed 's/^/#   /' p.txt
check "rump.ping n2 -> n1" N n2 rump.ping -q -c 3 -i 0.05 10.0.0.1
N n1 rump.ping6 -c 3 -i 0.1 fc00::2 >p6.txt 2>&1; r=$?
ok $([ $r = 0 ] && head -1 p6.txt | grep -qx 'PING6(56=40+8+8 bytes) fc00::1 --> fc00::2' &&
    [ "$(grep -cE '^16 bytes from fc00::2, icmp_seq=[0-2]( hlim=[0-9]+)? time=[0-9.]+ ms$' p6.txt)" = 3 ] &&
    grep -qx -- '--- fc00::2 ping6 statistics ---' p6.txt &&
    grep -qx '3 packets transmitted, 3 packets received, 0.0% packet loss' p6.txt &&
    grep -qE '^round-trip min/avg/max/std-dev = [0-9.]+/[0-9.]+/[0-9.]+/[0-9.]+ ms$' p6.txt; echo $?) \
    "rump.ping6 n1 -> n2: NetBSD's lines, exit 0"
sed 's/^/#   /' p6.txt
check "rump.ping6 n2 -> n1" N n2 rump.ping6 -q -c 3 -i 0.05 fc00::1
ll2=$(N n2 rump.ifconfig shmif0 | sed -n 's/^	inet6 \(fe80::[0-9a-f:]*\)%shmif0.*/\1/p')
N n1 rump.ping6 -c 2 -i 0.05 "$ll2%shmif0" >p6.txt 2>&1; r=$?
ok $([ $r = 0 ] && head -1 p6.txt | grep -qE "^PING6\(56=40\+8\+8 bytes\) fe80::[0-9a-f:]+%shmif0 --> $ll2%shmif0\$" &&
    [ "$(grep -cE "^16 bytes from $ll2%shmif0, icmp_seq=[01]" p6.txt)" = 2 ]; echo $?) \
    "rump.ping6 to n2's link-local $ll2%shmif0 (scope id from the index, exit $r)"
sed 's/^/#   /' p6.txt
check "rump.ping6 -I shmif0 to a link-local address" N n1 rump.ping6 -q -c 1 -I shmif0 "$ll2"
fails_with "rump.ping6: a zone that is no interface" "rump.ping6: shmif9: no such interface" \
    N n1 rump.ping6 -c 1 "$ll2%shmif9"
N n1 rump.ping -c 2 -i 0.1 -w 1 10.0.0.99 >p.txt 2>&1; r=$?
ok $([ $r = 2 ] && grep -qx '2 packets transmitted, 0 packets received, 100.0% packet loss' p.txt &&
    ! grep -q 'Request timeout' p.txt; echo $?) "no reply: 100% loss, no Request timeout lines (NetBSD's), exit 2 (exit $r)"
N n1 rump.ping -c 2 -i 0.1 -w 1 -W 0.5 10.0.0.99 >p.txt 2>&1; r=$?
ok $([ $r = 2 ] && grep -q '^Request timeout for icmp_seq 0$' p.txt; echo $?) "no reply, -W 0.5: Request timeout lines (exit $r)"
N n1 rump.ping -c 50 -i 0.01 -q 10.0.0.2 >p.txt 2>&1; r=$?
ok $([ $r = 0 ] && grep -q '^50 packets transmitted, 50 packets received' p.txt; echo $?) "-i 0.01: 50 requests, 50 replies"

# --- data ---------------------------------------------------------------------------
perf_server n2 tcp.log -C
N n1 rumpperf -c 10.0.0.2 -n 10m >cli.log 2>&1; r=$?
wait_grep tcp.log "^received"
ok $([ $r = 0 ] && grep -qE '^received 10485760 bytes from 10\.0\.0\.1 port [0-9]+ in [0-9.]+ s: [0-9.]+ Mbit/s, checked: ok$' tcp.log; echo $?) \
    "10 MiB TCP n1 -> n2, every byte checked"
diag "$(cat cli.log tcp.log | grep -v listening)"
head -c 3000000 /dev/urandom >in.bin
perf_server n1 file.log -o out.bin
N n2 rumpperf -c fc00::1 -f in.bin >cli.log 2>&1; r=$?
wait_grep file.log "^received"
ok $([ $r = 0 ] && cmp -s in.bin out.bin; echo $?) "a 3 MB file over TCP/IPv6 n2 -> n1 arrives identical (cmp)"
perf_server n2 udp.log -u -C -m 2
N n1 rumpperf -c 10.0.0.2 -u -n 1m -b 20m >cli.log 2>&1; r=$?
wait_grep udp.log "^received"
ok $([ $r = 0 ] && grep -qE '^received [0-9]+ datagrams .* checked: ok$' udp.log; echo $?) "UDP datagrams n1 -> n2, checked"
diag "$(grep -v listening udp.log)"
lost=$(sed -n 's/.* \([0-9]*\) lost.*/\1/p' udp.log)
# A receiver held off the CPU for ~70 ms (the stack's 128-datagram
# mailbox at this rate) loses datagrams: on a loaded machine that is the
# machine, so two more tries on fresh servers; a stack that loses every
# time fails.
try=1
while [ "${lost:-759}" -gt 38 ] && [ $try -lt 3 ]; do
	diag "try $try lost $lost datagrams; again"
	try=$((try + 1))
	perf_server n2 udp$try.log -u -C -m 1 -p 500$try
	N n1 rumpperf -c 10.0.0.2 -p 500$try -u -n 1m -b 20m >/dev/null 2>&1
	wait_grep udp$try.log "^received"
	lost=$(sed -n 's/.* \([0-9]*\) lost.*/\1/p' udp$try.log)
done
ok $([ -n "$lost" ] && [ "$lost" -le 38 ]; echo $?) "UDP loss at 20 Mbit/s under 5% ($lost of 758 lost, try $try)"
N n1 rumpperf -c 10.0.0.2 -u -n 64k >/dev/null 2>&1
for i in $(seq 100); do [ "$(grep -c '^received' udp.log)" = 2 ] && break; sleep 0.05; done
ok $(grep '^received' udp.log | sed -n 2p | grep -q '^received 48 datagrams (65536 bytes) from 10\.0\.0\.1 .* 0 lost.*checked: ok$'; echo $?) \
    "a second UDP session on the same server ignores the first one's strays"
# The node's TCP (lwIP, 64 KiB buffers) under a non-blocking writer.
if [ -x "$O/tests/sp_client" ]; then
	check "non-blocking writes until EAGAIN over the node's loopback: the reader gets exactly those bytes" \
	    N n1 "$O/tests/sp_client" nbfill
	diag "$(cat "$T/.out")"
else
	ok 1 "sp_client not built in $O"
fi
perf_server n2 bad.log -C
N n1 rumpperf -c 10.0.0.2 -f in.bin >/dev/null 2>&1
for i in $(seq 100); do grep -q '^data mismatch' bad.log && break; sleep 0.05; done
ok $(grep -q 'checked: MISMATCH$' bad.log && grep -q '^data mismatch at byte [0-9]*: expected 0x[0-9a-f]*, got 0x[0-9a-f]*$' bad.log; echo $?) \
    "the checked mode reports bytes that are not the stream"
sleep 0.2; ok $(! kill -0 ${bg##* } 2>/dev/null && ! wait ${bg##* }; echo $?) "... and exits non-zero"

# --- three nodes on one bus ---------------------------------------------------------
check "node n3 starts" start_node n3
check "n3: shmif0 on bus1, 10.0.0.3/24, fc00::3/64" config n3 3 bus1
check "n3: DAD done" N n3 rump.ifconfig -w 10
check "ping n3 -> n1" N n3 rump.ping -q -c 2 -i 0.05 10.0.0.1
check "ping n3 -> n2" N n3 rump.ping -q -c 2 -i 0.05 10.0.0.2
check "ping n1 -> n3" N n1 rump.ping -q -c 2 -i 0.05 10.0.0.3
check "ping6 n3 -> n1" N n3 rump.ping6 -q -c 2 -i 0.05 fc00::1
check "ping6 n2 -> n3" N n2 rump.ping6 -q -c 2 -i 0.05 fc00::3
perf_server n3 t3.log -C -m 2
N n1 rumpperf -c 10.0.0.3 -n 4m >c1.log 2>&1 & c1=$!
N n2 rumpperf -c fc00::3 -n 4m >c2.log 2>&1; r2=$?
wait $c1; r1=$?
wait_grep t3.log "^received.*from fc00::2"
ok $([ $r1 = 0 ] && [ $r2 = 0 ] &&
    [ "$(grep -c '^received 4194304 bytes .*checked: ok$' t3.log)" = 2 ]; echo $?) \
    "n1 and n2 send 4 MiB each to n3 at once, both checked"

# --- accept blocking neither another thread nor another client -------------------
# A: two connections; its main thread blocks in accept for the second
# while a worker thread receives the first.  B: another client of n1.
perf_server n1 a.log -C -p 6000 -m 2; ap=${bg##* }
perf_server n1 b.log -C -p 6001
check "A's first connection moves 4 MiB (A's main thread now in accept)" \
    N n2 rumpperf -c 10.0.0.1 -p 6000 -n 4m
check "meanwhile B, another client of n1, receives 4 MiB" \
    N n3 rumpperf -c 10.0.0.1 -p 6001 -n 4m
wait_grep a.log "^received" && wait_grep b.log "^received"
ok $(grep -q 'checked: ok$' a.log && grep -q 'checked: ok$' b.log && kill -0 $ap; echo $?) \
    "both transfers checked while A still waits in accept"
check "A's second connection" N n3 rumpperf -c fc00::1 -p 6000 -n 64k
for i in $(seq 100); do kill -0 $ap 2>/dev/null || break; sleep 0.05; done
ok $([ "$(grep -c 'checked: ok$' a.log)" = 2 ] && ! kill -0 $ap 2>/dev/null; echo $?) "A served two connections and exited"

# --- capture --------------------------------------------------------------------------
check "ping n1 -> n2 for the capture" N n1 rump.ping -c 1 -s 123 10.0.0.2
as_user shmif_dumpbus -p - bus1 2>/dev/null | as_user tcpdump -n -r - 2>/dev/null >cap.txt
ok $(grep -qE 'IP 10\.0\.0\.1 > 10\.0\.0\.2: ICMP echo request, .*length 131' cap.txt &&
    grep -qE 'IP 10\.0\.0\.2 > 10\.0\.0\.1: ICMP echo reply, .*length 131' cap.txt; echo $?) \
    "shmif_dumpbus | tcpdump shows the echo request and reply"
grep 'length 131' cap.txt | sed 's/^/#   /'

# --- ICMP errors ----------------------------------------------------------------------
# A router's "time exceeded" about a running ping's request, forged onto
# the bus as a frame to n1 (ping matches it by its identifier, its pid).
icmp_error_pcap() {     # icmp_error_pcap 4|6 MAC IDENT > pcap
	python3 - "$@" <<'PY'
import struct, sys
fam, mac, ident = sys.argv[1], bytes.fromhex(sys.argv[2].replace(':', '')), int(sys.argv[3]) & 0xffff
def csum(b):
    b += b'\0' * (len(b) & 1)
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
def ip4(src, dst, ttl, payload):
    h = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(payload), 1, 0, ttl, 1, 0, bytes(src), bytes(dst))
    return h[:10] + struct.pack('!H', csum(h)) + h[12:] + payload
def ip6(src, dst, hlim, payload):
    return struct.pack('!IHBB', 6 << 28, len(payload), 58, hlim) + src + dst + payload
if fam == '4':
    quoted = ip4([10, 0, 0, 1], [10, 0, 0, 77], 1, struct.pack('!BBHHH', 8, 0, 0, ident, 0))
    icmp = struct.pack('!BBHI', 11, 0, 0, 0) + quoted
    icmp = icmp[:2] + struct.pack('!H', csum(icmp)) + icmp[4:]
    frame = mac + bytes.fromhex('b2a0000000fe') + b'\x08\x00' + ip4([10, 0, 0, 254], [10, 0, 0, 1], 64, icmp)
else:
    a = lambda n: bytes.fromhex('fc00' + '00' * 13) + bytes([n])
    quoted = ip6(a(1), a(0x77), 1, struct.pack('!BBHHH', 128, 0, 0, ident, 0))
    icmp = struct.pack('!BBHI', 3, 0, 0, 0) + quoted
    pseudo = a(0xfe) + a(1) + struct.pack('!I3xB', len(icmp), 58)
    icmp = icmp[:2] + struct.pack('!H', csum(pseudo + icmp)) + icmp[4:]
    frame = mac + bytes.fromhex('b2a0000000fe') + b'\x86\xdd' + ip6(a(0xfe), a(1), 64, icmp)
out = sys.stdout.buffer
out.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
out.write(struct.pack('<IIII', 0, 0, len(frame), len(frame)) + frame)
PY
}
forged_error() {        # forged_error 4|6 PINGCMD...: output of the ping
	local fam=$1 mac pid i; shift
	mac=$(N n1 rump.ifconfig shmif0 | sed -n 's/^	address: //p')
	N n1 "$@" >err.txt 2>&1 & local job=$!
	for i in $(seq 100); do
		pid=$(pgrep -n -f "^$1 $2 $3") && break; sleep 0.02
	done
	sleep 0.3
	# The ping runs until the error is in (or 20 s), then is interrupted:
	# a loaded machine may take seconds to start python.
	icmp_error_pcap "$fam" "$mac" "$pid" >err.pcap &&
	    as_user shmif_pcapin err.pcap bus1 >/dev/null 2>&1
	for i in $(seq 100); do
		grep -q 'Time to live exceeded' err.txt && break; sleep 0.05
	done
	kill -INT "$pid" 2>/dev/null
	wait $job
}
if command -v python3 >/dev/null && command -v pgrep >/dev/null; then
	forged_error 4 rump.ping -c 40 -i 0.5 -w 20 10.0.0.77
	ok $(grep -qx '36 bytes from 10.0.0.254: Time To Live exceeded' err.txt; echo $?) \
	    "rump.ping prints a time exceeded about its request as NetBSD does"
	sed 's/^/#   /' err.txt
	forged_error 6 rump.ping6 -c 40 -i 0.5 -w 20 fc00::77
	ok $(grep -qx '56 bytes from fc00::fe: Time to live exceeded' err.txt; echo $?) \
	    "rump.ping6 prints a time exceeded about its request"
	sed 's/^/#   /' err.txt
else
	ok 0 "# SKIP no python3/pgrep to forge ICMP errors"
	ok 0 "# SKIP no python3/pgrep to forge ICMP errors"
fi

# --- halt and restart -----------------------------------------------------------------
P2=$(N n2 rump.sysctl -n kern.pid)
check "rump.halt n2" N n2 rump.halt
gone() {        # gone PID: it exits within 5 s
	local i
	for i in $(seq 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.05; done
	return 1
}
ok $(gone "$P2" && [ ! -e n2 ]; echo $?) "n2's process is gone and its socket removed"
fails_with "a halted node: no server" "no server at unix://n2" N n2 rump.ifconfig
N n1 rump.ping -q -c 1 -w 1 10.0.0.2 >/dev/null 2>&1; r=$?
ok $([ $r = 2 ]; echo $?) "n2 no longer answers pings (exit $r)"
check "n2 restarts on the same socket" start_node n2
check "n2 reconfigured on the same bus, a new MAC b2:a0:00:00:00:02" \
    config n2 2 bus1 b2:a0:00:00:00:02
N n2 rump.ifconfig shmif0 >if2.txt 2>&1
ok $(grep -qx '	address: b2:a0:00:00:00:02' if2.txt &&
    grep -q '^	inet6 fe80::b0a0:ff:fe00:2%shmif0/64' if2.txt; echo $?) \
    "link ... active: rump.ifconfig shows the MAC and its link-local address"
sed 's/^/#   /' if2.txt
check "n2: DAD done" N n2 rump.ifconfig -w 10
check "the restarted n2 answers n1 (IPv4)" N n1 rump.ping -q -c 2 -i 0.1 -w 2 10.0.0.2
# n1 still has n2's old MAC in its neighbour cache; n2's neighbour
# solicitation carries the new one, which RFC 4861 7.2.3 says replaces it.
N n2 rump.ping6 -q -c 2 -i 0.1 -w 2 fc00::1 >p6.txt 2>&1; r=$?
ok $([ $r = 0 ]; echo $?) "the restarted n2 reaches n1 (IPv6): its NS replaced the stale MAC (exit $r)"
[ $r = 0 ] || sed 's/^/#   /' p6.txt
perf_server n2 r.log -C
N n1 rumpperf -c 10.0.0.2 -n 1m >/dev/null 2>&1
wait_grep r.log "^received"
ok $(grep -q '^received 1048576 bytes.*checked: ok$' r.log; echo $?) "TCP to the restarted n2 checked"
# Restarted again with the same MAC: n1's caches stay right, so both
# families answer the first request, with no new resolution.
P2=$(N n2 rump.sysctl -n kern.pid)
N n2 rump.halt; gone "$P2"
check "n2 restarts a second time" start_node n2
check "n2 reconfigured with the same MAC" config n2 2 bus1 b2:a0:00:00:00:02
check "n2: DAD done" N n2 rump.ifconfig -w 10
N n1 rump.ping -q -c 1 -w 2 10.0.0.2 >/dev/null 2>&1; r4=$?
N n1 rump.ping6 -q -c 1 -w 2 fc00::2 >/dev/null 2>&1; r6=$?
ok $([ $r4 = 0 ] && [ $r6 = 0 ]; echo $?) \
    "the same MAC: n2 answers n1's first ping and ping6 at once (exit $r4, $r6)"

# --- bad input -------------------------------------------------------------------------
fails_with "missing socket" "no server at unix://$T/nothere: No such file" \
    U "unix://$T/nothere" rump.ifconfig
fails_with "bad URL (ifconfig)" "bad server URL 'http://x'" U http://x rump.ifconfig
fails_with "bad URL (ping)" "bad server URL" U unix:/x rump.ping -c 1 10.0.0.1
fails_with "bad URL (sysctl)" "bad server URL" U tcp://nohost rump.sysctl -a
fails_with "RUMP_SERVER unset" "RUMP_SERVER is not set" U "" rump.ifconfig
fails_with "unknown component" "unknown component 'rumpnet_foo'" \
    as_user rump_server -l rumpnet_foo unix://bad
fails_with "an interface kind not loaded" "virt0: create: no such interface kind" \
    N n1 rump.ifconfig virt0 create
fails_with "bad address" "rump.ifconfig: bad address '10.0.0.300'" \
    N n1 rump.ifconfig shmif0 inet 10.0.0.300
fails_with "bad prefix length" "bad address 'fc00::9/129'" N n1 rump.ifconfig shmif0 inet6 fc00::9/129
fails_with "bad netmask" "bad netmask '255.0.255.0'" N n1 rump.ifconfig shmif0 inet 10.0.0.9 netmask 255.0.255.0
fails_with "unknown parameter" "unknown parameter 'frob'" N n1 rump.ifconfig shmif0 frob
fails_with "rump.ping: bad address" "bad address '10.0.0.300'" N n1 rump.ping 10.0.0.300
fails_with "rump.ping6: bad address" "bad address 'fc00::zz'" N n1 rump.ping6 fc00::zz
fails_with "rump.ping6: a link-local address without a zone, no default route" \
    "rump.ping6: fe80::1: No route to host" N n1 rump.ping6 fe80::1
fails_with "no such interface" "rump.ifconfig: shmif9: no such interface" N n1 rump.ifconfig shmif9
fails_with "duplicate interface" "shmif0: create: interface exists" N n1 rump.ifconfig shmif0 create
fails_with "linkstr while up" "linkstr: bus2: shmif0 is up; bring it down first" \
    N n1 rump.ifconfig shmif0 linkstr bus2
fails_with "a multicast MAC" "link: 01:00:5e:00:00:01: not a unicast address (the multicast bit is set)" \
    N n1 rump.ifconfig shmif0 link 01:00:5e:00:00:01 active
fails_with "a zero MAC" "link: 00:00:00:00:00:00: not a unicast address (all zero)" \
    N n1 rump.ifconfig shmif0 link 00:00:00:00:00:00 active
fails_with "a bad MAC" "link: bad address 'b2:a0:1'" N n1 rump.ifconfig shmif0 link b2:a0:1 active
fails_with "media of lo0" "media: none: lo0 has no media to select" \
    N n1 rump.ifconfig lo0 media none
fails_with "an unknown media" "media: unknown Ethernet media '10baseT' (autoselect or none)" \
    N n1 rump.ifconfig shmif0 media 10baseT
as_user sh -c 'echo "not a bus at all" >notbus'
check "n1: shmif1 created" N n1 rump.ifconfig shmif1 create
ok $(N n1 rump.ifconfig shmif1 link b2:a0:0:0:1:1 active &&
    N n1 rump.ifconfig shmif1 | grep -qx '	address: b2:a0:00:00:01:01'; echo $?) \
    "link ... active on a down interface, short hex bytes accepted"
fails_with "a file that is not a bus" "linkstr: notbus: not a shmif bus" \
    N n1 rump.ifconfig shmif1 linkstr notbus
fails_with "a bus path that does not exist" "linkstr: $T/no/such/bus: No such file" \
    N n1 rump.ifconfig shmif1 linkstr "$T/no/such/bus"
fails_with "deleting an address it does not have" "10.9.9.9: no such address" \
    N n1 rump.ifconfig shmif0 inet 10.9.9.9 -alias
fails_with "unknown sysctl" "third level name 'nope' in 'net.inet.nope' is invalid" \
    N n1 rump.sysctl net.inet.nope
fails_with "read-only sysctl" "kern.ostype: Operation not permitted" N n1 rump.sysctl -w kern.ostype=x
fails_with "rumpperf: nobody listening" "rumpperf: connect: Connection refused" \
    N n1 rumpperf -c 10.0.0.2 -p 7777 -n 1k
ok $(alive n1 && N n1 rump.ping -q -c 1 10.0.0.2 >/dev/null; echo $?) \
    "after all that n1 still runs and pings"
check "shmif1 destroyed" N n1 rump.ifconfig shmif1 destroy
check "an alias added, listed and removed" alias_roundtrip

# --- sysctl, dmesg, help --------------------------------------------------------------
ok $([ "$(N n1 rump.sysctl kern.ostype)" = "kern.ostype = rumplab" ]; echo $?) "rump.sysctl: name = value"
ok $([ "$(N n1 rump.sysctl -w net.inet.ip.ttl=32)" = "net.inet.ip.ttl: 64 -> 32" ] &&
    [ "$(N n1 rump.sysctl -n net.inet.ip.ttl)" = 32 ]; echo $?) "rump.sysctl -w prints old -> new; -n the value"
ok $(N n1 rump.sysctl -a | grep -q '^net.inet.ip.forwarding = 1$' &&
    [ "$(N n1 rump.sysctl net.inet.ip | wc -l)" -ge 2 ]; echo $?) "rump.sysctl -a and a level"
ok $(N n1 rump.dmesg | grep -q 'shmif0: attached to bus bus1'; echo $?) "rump.dmesg shows the bus attach"
for p in rump.ifconfig rump.ping rump.ping6 rump.sysctl rump.halt rump.dmesg rumpperf; do
	as_user "$p" --help >h.txt 2>&1; r=$?
	ok $([ $r = 0 ] && grep -q "^usage: $p" h.txt; echo $?) "$p --help"
done
as_user rump.ping6 -h >h.txt 2>&1
ok $(grep -q "^usage: rump.ping6" h.txt; echo $?) "rump.ping6 -h (alone) is help, not the hop limit"
as_user rump.ifconfig -Z >h.txt 2>&1; r=$?
ok $([ $r = 1 ] && grep -q "^usage:" h.txt; echo $?) "an unknown option: usage, exit 1"

plan $_n
done_testing
