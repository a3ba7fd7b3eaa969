#!/bin/bash
# Routing figures: ping RTT and TCP throughput from h1 to h2 through a
# line of 1, 4 and 16 routers (static routes, shmif buses), and how many
# 64-byte UDP datagrams a second one router forwards.  $1: scratch
# directory.  Prints figures; fails only if the lab cannot be built.
#
# What bounds the per-router RTT (measured 2026-11-25, -O2 build, 2 vCPUs
# shared with other work): a router adds two bus crossings to a round
# trip, and on each one the router's receive thread is usually asleep
# (spaced pings outlast its 10 us spin), so it pays a futex wake-up and a
# context switch: 35-55 us a router.  perf on a router forwarding pings:
# ~45% of its CPU in the scheduler's task switch, ~27% spinning in
# shmif_wait, ~4% in the NetBSD-compatible pwrite wake-up (ext4 work on
# a disk-backed bus), and ~1-3% in forwarding itself (ipfwd, checksum,
# copies); about 32 us of router CPU per forwarded packet.  Spinning
# longer does not help on 2 shared cores: RX_SPIN_US 300 made 1 router
# 0.37-0.43 ms min RTT against 0.08-0.18 ms at 10 us (the spinners starve
# the threads with work).
#
# 2026-12-04 (bench_fwd, the last figures): this machine is a PVM guest
# whose scheduler packs tasks onto one vCPU (sched_vcpu_pack), and perf
# puts 72 % of a forwarding router's time in pvm_irq_enable, i.e. in
# syscall and switch overhead.  Two changes came of it: the bus's spin
# yields between polls (a spinner no longer holds the CPU the thread it
# woke is queued on: a cold two-crossing echo 41 -> 21 us), and wake maps
# (a send no longer wakes the sender's own receive thread: one router's
# forwarding 41 -> 25 us median, against 22 us for the bus alone, so the
# router itself now costs ~3 us).  The ping RTT through a line of routers
# did not follow in proportion (60-80 us a router on a day when this
# machine was slow): the remaining time is in wake-ups of threads that
# share the packed vCPU, the ping client's own sysproxy round trip and
# the hosts, not in forwarding.
#
# 2026-12-05: with a standing backlog (bench_fwd -r), one router forwards
# ~1.6 M 64-byte UDP datagrams a second (~0.6 us each): forwarding is
# cheap and the per-router RTT is the two cold bus crossings.  Their floor
# here: a pipe ping-pong between two processes costs 12.7 us one way
# unpinned (7.0 pinned), a bare shmif echo chain without lwIP 20-25 us a
# crossing plus forward at any spin setting, so <= 20 us a router is
# under this machine's wake-up floor.  TCP is bounded by Debian's lwIP
# build: TCP_WND = TCP_SND_BUF = 64 KiB with no window scaling, so a
# flow carries at most 64 KiB a loaded RTT; 1.5 Gbit/s through 4 routers
# would need a loaded RTT <= 350 us against an idle one of ~585 us, and a
# direct connection through sysproxy reaches only ~1.0-1.5 Gbit/s.
# The in-node lines (test_netinet --line, no client round trips) give
# the stack's own figures: ping median 154 / 460 / 903 us and TCP 1.45 /
# 0.78 / 0.26 Gbit/s through 1 / 4 / 16 routers, both cores ~87 % busy
# during the 4-router transfer (vmstat), so CPU per packet-hop bounds TCP
# as much as the 64 KiB window does.
set -u
d=$1/routing
mkdir -p "$d" || exit 1
cd "$d" || exit 1
export PATH="$O/bin:$PATH"
urls=""
cleanup() { for u in $urls; do RUMP_SERVER=$u rump.halt -w 1 2>/dev/null; done; }
trap cleanup EXIT INT TERM

N() { local n=$1; shift; RUMP_SERVER=unix://$d/$n timeout 120 "$@"; }
node() {
	rump_server -l rumpnet_netinet -l rumpnet_shmif "unix://$d/$1" || exit 1
	urls="$urls unix://$d/$1"
}
# Each bus gets its wake map, as in a lab (rumplab up makes them),
# unless wake=0.
wake=1
ifc() { [ "$wake" = 0 ] || [ -e "$d/$3.wake" ] || truncate -s 4096 "$d/$3.wake"
	N "$1" rump.ifconfig "$2" create && N "$1" rump.ifconfig "$2" linkstr "$d/$3" &&
	N "$1" rump.ifconfig "$2" inet "$4"; }

# line K: h1 (10.K.0.10) - r1 - ... - rK - h2 (10.K.K.10); bus i between
# r(i) and r(i+1) is 10.K.i.0/24.
line() {
	local k=$1 i p=n$1
	node ${p}h1; node ${p}h2
	ifc ${p}h1 shmif0 ${p}b0 10.$k.0.10/24 && ifc ${p}h2 shmif0 ${p}b$k 10.$k.$k.10/24 &&
	N ${p}h1 rump.route -q add default 10.$k.0.2 && N ${p}h2 rump.route -q add default 10.$k.$k.1 || exit 1
	for i in $(seq 1 $k); do
		node ${p}r$i
		ifc ${p}r$i shmif0 ${p}b$((i-1)) 10.$k.$((i-1)).2/24 && ifc ${p}r$i shmif1 ${p}b$i 10.$k.$i.1/24 &&
		N ${p}r$i rump.sysctl -w net.inet.ip.forwarding=1 >/dev/null || exit 1
		[ $i = $k ] || N ${p}r$i rump.route -q add -net 10.$k.$k.0/24 10.$k.$i.2 || exit 1
		[ $i = 1 ] || N ${p}r$i rump.route -q add -net 10.$k.0.0/24 10.$k.$((i-1)).1 || exit 1
	done
}
server() {      # server NODE LOG ARGS...: rumpperf -s, waits until it listens
	local n=$1 log=$2 i; shift 2
	N "$n" rumpperf -s "$@" >"$log" 2>&1 &
	for i in $(seq 200); do grep -q '^listening' "$log" 2>/dev/null && return 0; sleep 0.05; done
	return 1
}

for k in ${KS:-1 4 16}; do
	line $k
	N n${k}h1 rump.ping -q -c 5 -i 0.01 10.$k.$k.10 >/dev/null 2>&1   # ARP along the path
	rtt=$(N n${k}h1 rump.ping -q -c 200 -i 0.005 10.$k.$k.10 | sed -n 's/^round-trip .* = //p')
	server n${k}h2 tcp$k.log || exit 1
	N n${k}h1 rumpperf -c 10.$k.$k.10 -n 64m >/dev/null 2>&1
	sleep 0.2
	tput=$(sed -n 's/^received .*: \([0-9.]* Mbit\/s\).*/\1/p' tcp$k.log)
	printf "%2d router(s): ping RTT min/avg/max/stddev %s; TCP %s\n" $k "$rtt" "$tput"
done
# The same lines with every node in-process (tests/test_netinet --line):
# no client round trips, so the stack, the buses and the routers alone.
for k in ${KS:-1 4 16}; do
	mkdir -p "$d/inline$k" && "$O/tests/test_netinet" --line $k "$d/inline$k"
done

# 64-byte UDP end to end through one router with rumpperf: the sending
# client makes one sysproxy call a datagram and the receiving one reads
# each over sysproxy, so this is the clients' rate, not the router's
# (the router's own is measured from the buses below).
fwd() { N "$1" rump.netstat -s | sed -n 's/^	\([0-9]*\) packets forwarded/\1/p' | head -1; }
server n1h2 udp.log -u -p 5002 || exit 1
N n1h1 rumpperf -c 10.1.1.10 -u -p 5002 -l 64 -b 2g -t 3 >udpc.log 2>&1
echo "1 router, 64-byte UDP between rumpperf clients:"
echo "   sender:   $(head -1 udpc.log)"
echo "   receiver: $(grep -v listening udp.log | head -1)"

# One router's forwarding latency from the buses' side (tests/shmif/
# bench_fwd): a frame written on one bus to the router, the clock stopped
# when the router's copy appears on the other; 1 ms between packets, so
# every wake-up is a cold one.  With the buses' wake maps (as in a lab),
# then without (each forwarded packet also wakes the router's receive
# thread on the outgoing bus), then the bus alone: a process that echoes
# frames back (the same two crossings, no stack).
for m in with without; do
	node f$m
	[ $m = with ] || wake=0
	ifc f$m shmif0 ${m}x 10.99.0.1/24 && ifc f$m shmif1 ${m}y 10.99.1.1/24 &&
	    N f$m rump.sysctl -w net.inet.ip.forwarding=1 >/dev/null &&
	    N f$m rump.arp -s 10.99.1.10 02:00:00:00:be:02 || exit 1
	mac=$(N f$m rump.ifconfig shmif0 | awk '/address:/ { print $2 }')
	printf "%s wake maps, " $m
	"$O/tests/bench_fwd" -n 2000 -g 1000 "$d/${m}x" "$d/${m}y" "$mac" 10.99.0.10 10.99.1.10
done
# One router's forwarding rate, 64-byte UDP payloads written on its bus
# with a standing backlog of 256 (tests/bench_fwd -r); the router's own
# counter over the same seconds beside it.
f0=$(fwd fwith)
printf "   "
"$O/tests/bench_fwd" -r 3 -l 64 "$d/withx" "$d/withy" "$(N fwith rump.ifconfig shmif0 | awk '/address:/ { print $2 }')" 10.99.0.10 10.99.1.10
echo "   the router counted $(( $(fwd fwith) - f0 )) packets forwarded"

"$O/tests/bench_fwd" -e -s 10 -n 2000 -g 1000 "$d/fe"
