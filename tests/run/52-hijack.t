#!/bin/bash
# 52-hijack.t — proves librumphijack.so (librumphijack(3)): unmodified
# programs from Debian run on rump_server nodes, unprivileged, with their
# Internet sockets in the nodes.  A line h1 - r1 - r2 - h2 (IPv4 and
# IPv6, static routes):
#  - hj_probe (libc alone) on h1: node sockets under dup, fcntl, fork,
#    exec, poll/select/epoll mixed with host descriptors (level, edge,
#    one-shot, another thread's epoll_ctl), signals with and without
#    SA_RESTART, names from a hosts file, raw sockets refused;
#  - nc -l on h2 and nc on h1, two routers apart, move 10 MB byte for
#    byte, both ways;
#  - python3 -m http.server on h2; curl and wget on h1 fetch from it by
#    IPv4 and IPv6 address and by name;
#  - iperf3 -s and -c across the routers, TCP and UDP;
#  - socat bridges a host pipe and a node TCP socket (one poll set);
#  - faults: no node at RUMP_SERVER, the node killed while nc blocks in
#    accept, the node halted while Python waits in epoll_wait: an error on
#    stderr and a non-zero exit, within seconds, never a hang.
# Every hijacked program runs in an empty network namespace (unshare -rn),
# so that if it escaped its node it would reach nothing; the nodes' traffic
# is on bus files in $T.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/nodes.sh"

HJ=$O/lib/librumphijack.so
PROBE=$O/tests/hj_probe
PY=/usr/bin/python3
for p in "$HJ" "$PROBE" "$B/rump_server" /usr/bin/nc /usr/bin/curl \
    /usr/bin/wget /usr/bin/iperf3 /usr/bin/socat "$PY"; do
	if [ ! -x "$p" ] && [ ! -f "$p" ]; then
		echo "1..0 # SKIP $p missing (make deps installs the programs)"
		exit 0
	fi
done
if ! as_user unshare -rn true 2>/dev/null; then
	echo "1..0 # SKIP no user namespaces: hijacked programs must run in an empty one"
	exit 0
fi
cd "$T" || exit 1
chmod 0777 "$T"

# H NODE CMD...: CMD hijacked on NODE, unprivileged, in an empty netns.
H() {
	local n=$1; shift
	RUMP_SERVER=unix://$T/$n LD_PRELOAD=$HJ RUMPHIJACK_HOSTS=$T/hosts \
	    as_user unshare -rn timeout 60 "$@"
}
# Wait until a node has a TCP listener on PORT (rump.netstat -an).
wait_listen() {
	local i
	for i in $(seq 100); do
		N "$1" rump.netstat -an 2>/dev/null | grep -q "[.:]$2 .*LISTEN" &&
		    return 0
		sleep 0.1
	done
	return 1
}

for n in h1 r1 r2 h2; do check "node $n starts" start_node $n; done
check "h1 on lan1" ifc h1 shmif0 lan1 10.1.0.10/24 fd01::10/64
check "r1 on lan1 and core" eval 'ifc r1 shmif0 lan1 10.1.0.1/24 fd01::1/64 &&
    ifc r1 shmif1 core 10.0.0.1/30 fd00::1/64'
check "r2 on core and lan2" eval 'ifc r2 shmif0 core 10.0.0.2/30 fd00::2/64 &&
    ifc r2 shmif1 lan2 10.2.0.1/24 fd02::1/64'
check "h2 on lan2" ifc h2 shmif0 lan2 10.2.0.10/24 fd02::10/64
check "routes" eval 'router r1 && router r2 &&
    N h1 rump.route -q add default 10.1.0.1 &&
    N h1 rump.route -q add -inet6 default fd01::1 &&
    N h2 rump.route -q add default 10.2.0.1 &&
    N h2 rump.route -q add -inet6 default fd02::1 &&
    N r1 rump.route -q add 10.2.0.0/24 10.0.0.2 &&
    N r1 rump.route -q add -inet6 fd02::/64 fd00::2 &&
    N r2 rump.route -q add 10.1.0.0/24 10.0.0.1 &&
    N r2 rump.route -q add -inet6 fd01::/64 fd00::1 &&
    N h1 rump.sysctl -w kern.hostname=h1 >/dev/null'
for n in h1 r1 r2 h2; do N $n rump.ifconfig -w 10 >/dev/null; done
check "h1 reaches h2 (IPv4 and IPv6)" eval 'N h1 rump.ping -q -c 1 10.2.0.10 &&
    N h1 rump.ping6 -q -c 1 fd02::10'
printf '10.2.0.10 h2\nfd02::10 h2\n10.1.0.10 h1\n10.77.0.2 probe-peer\n' >hosts

# --- the probe's scenarios ---------------------------------------------------
for sc in basic fork exec epoll select signal thread names raw; do
	PROBE_HOSTNAME=h1 H h1 "$PROBE" $sc >probe.out 2>probe.err
	r=$?
	while read -r line; do
		case $line in
		"ok - "*) ok 0 "$sc: ${line#ok - }" ;;
		"not ok - "*) ok 1 "$sc: ${line#not ok - }" ;;
		"#"*) echo "$line" ;;
		esac
	done <probe.out
	ok $r "$sc: hj_probe exits 0"
	[ $r = 0 ] || sed 's/^/#   /' probe.err | head -5
done

# --- nc: 10 MB each way, two routers apart -----------------------------------
head -c 10485760 /dev/urandom >ten.bin
chmod 0644 ten.bin
H h2 nc -l 7001 >got-h2.bin 2>nc-s.err &
srv=$!
wait_listen h2 7001
H h1 nc -N 10.2.0.10 7001 <ten.bin 2>nc-c.err
wait $srv
ok $(cmp -s ten.bin got-h2.bin; echo $?) "nc h1 -> h2: 10 MB byte for byte"
H h1 nc -l 7002 >got-h1.bin 2>nc-s2.err &
srv=$!
wait_listen h1 7002
H h2 nc -N 10.1.0.10 7002 <ten.bin 2>nc-c2.err
wait $srv
ok $(cmp -s ten.bin got-h1.bin; echo $?) "nc h2 -> h1: 10 MB byte for byte"
rm -f got-h1.bin got-h2.bin

# --- HTTP: python3 http.server on h2, curl and wget on h1 ---------------------
mkdir -p www && echo "served by h2's stack" >www/index.html && chmod -R a+rX www
(cd www && H h2 "$PY" -m http.server --bind :: 8000 >../http.log 2>&1) &
http=$!
bg="$bg $http"
wait_listen h2 8000
check "curl by IPv4 address" eval 'H h1 curl -sS --max-time 20 http://10.2.0.10:8000/ | grep -q "served by h2"'
check "curl by IPv6 address" eval 'H h1 curl -sS --max-time 20 "http://[fd02::10]:8000/" | grep -q "served by h2"'
check "curl by name" eval 'H h1 curl -sS --max-time 20 http://h2:8000/ | grep -q "served by h2"'
check "wget by IPv4 address" eval 'H h1 wget -q -T 20 -O - http://10.2.0.10:8000/ | grep -q "served by h2"'
check "wget by IPv6 address" eval 'H h1 wget -q -T 20 -O - "http://[fd02::10]:8000/" | grep -q "served by h2"'
check "wget by name" eval 'H h1 wget -q -T 20 -O - http://h2:8000/ | grep -q "served by h2"'
ok $(grep -c '"GET / HTTP/1.1" 200' http.log | grep -qx 6; echo $?) \
    "the server logged six requests from h1's addresses"
grep -q '10.1.0.10' http.log && grep -q 'fd01::10' http.log
ok $? "the requests came from h1's IPv4 and IPv6 addresses"

# --- iperf3 across the routers -------------------------------------------------
H h2 iperf3 -s -p 5301 >iperf-s.log 2>&1 &
bg="$bg $!"
wait_listen h2 5301
H h1 iperf3 -c 10.2.0.10 -p 5301 -t 2 >iperf-tcp.log 2>&1
r=$?
ok $([ $r = 0 ] && grep -q 'receiver' iperf-tcp.log; echo $?) "iperf3 TCP h1 -> h2 (exit $r)"
diag "$(grep receiver iperf-tcp.log)"
H h1 iperf3 -c 10.2.0.10 -p 5301 -u -b 20M -t 2 >iperf-udp.log 2>&1
r=$?
ok $([ $r = 0 ] && grep -q 'receiver' iperf-udp.log; echo $?) "iperf3 UDP h1 -> h2 (exit $r)"
diag "$(grep receiver iperf-udp.log)"

# --- socat: a host pipe and a node socket in one poll set ---------------------
H h2 nc -l 7003 >socat-got.txt 2>/dev/null &
srv=$!
wait_listen h2 7003
{ echo "line one through socat"; sleep 0.5; echo "line two"; } |
    H h1 socat -t 2 - TCP:10.2.0.10:7003 2>socat.err
wait $srv
ok $(printf 'line one through socat\nline two\n' | cmp -s - socat-got.txt; echo $?) \
    "socat carries a host pipe to a node socket, line by line"

# --- faults ---------------------------------------------------------------------
RUMP_SERVER=unix://$T/nowhere LD_PRELOAD=$HJ as_user unshare -rn \
    timeout 10 nc -N 10.2.0.10 7004 </dev/null >/dev/null 2>nonode.err
r=$?
ok $([ $r != 0 ] && [ $r != 124 ] && grep -q 'librumphijack: no node to run on' nonode.err; echo $?) \
    "no node at RUMP_SERVER: a message and exit $r"
grep -q "$T/nowhere" nonode.err
ok $? "the message names the address"

check "node x starts" start_node x
H x nc -l 7005 >/dev/null 2>killed.err &
srv=$!
wait_listen x 7005
kill -9 "$(N x rump.sysctl -n kern.pid)"
t0=$(date +%s)
wait $srv
r=$?
ok $([ $r != 0 ] && [ $r != 124 ] && [ $(( $(date +%s) - t0 )) -le 5 ]; echo $?) \
    "the node killed while nc blocks in accept: nc exits $r at once"
ok $(grep -q 'went away' killed.err; echo $?) "and says the node went away"

check "node y starts" start_node y
cat >sel.py <<'PY'
import selectors, socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 7006)); s.listen(1)
sel = selectors.EpollSelector(); sel.register(s, selectors.EVENT_READ)
print("waiting", flush=True)
sel.select()
PY
H y "$PY" sel.py >sel.out 2>sel.err &
srv=$!
wait_grep sel.out waiting
N y rump.halt
t0=$(date +%s)
wait $srv
r=$?
ok $([ $r != 0 ] && [ $r != 124 ] && [ $(( $(date +%s) - t0 )) -le 5 ]; echo $?) \
    "the node halted while Python waits in epoll_wait: exit $r at once"
ok $(grep -q 'OSError\|went away' sel.err; echo $?) "with an error on stderr"
[ $? = 0 ] || sed 's/^/#   /' sel.err | tail -3

plan $_n
done_testing
