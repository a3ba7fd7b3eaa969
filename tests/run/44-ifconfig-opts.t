#!/bin/bash
# 44-ifconfig-opts.t — proves rump.ifconfig's listing options and the
# node's interface kinds and address lifetimes, unprivileged, on one
# rump_server node: cloned loopbacks (lo1 created down and bare, given
# addresses, destroyed; lo0 stays); -C's kinds; -b, -d, -u and -s
# picking interfaces and -s's exit status; -N's names from the hosts
# file and rump.ping of "localhost"; a ping of the node's own address
# counted on lo0, -z reading and zeroing the counters, -h's byte
# counts; inet6 lifetimes: refused when vltime < pltime, shown by -L,
# the address deprecated when pltime has passed (or at once with
# "deprecated", undone by "-deprecated") and gone after vltime.
. "$(dirname "$0")/../lib/common.sh"

for p in rump_server rump.ifconfig rump.halt rump.sysctl rump.ping \
    rump.dmesg; do
	if [ ! -x "$B/$p" ]; then
		echo "1..0 # SKIP $p not built in $O"
		exit 0
	fi
done
cd "$T" || exit 1

pid=""
on_exit 'RUMP_SERVER=unix://n1 as_user rump.halt -w 1; [ -z "$pid" ] || kill -9 $pid; wait'

N() {           # N CMD...: run CMD as a client of the node
	RUMP_SERVER=unix://n1 as_user timeout 60 "$@"
}

wait_for() {    # wait_for SECS CMD...: until CMD succeeds, 0.1 s apart
	local n=$(($1 * 10)); shift
	while ! "$@"; do
		n=$((n - 1)); [ $n -gt 0 ] || return 1; sleep 0.1
	done
}

plan 16

as_user rump_server -l rumpnet_netinet -l rumpnet_netinet6 \
    -l rumpnet_shmif unix://n1
pid=$(N rump.sysctl -n kern.pid)

# Cloned loopbacks.
N rump.ifconfig lo1 create >"$T/out" 2>&1
check "lo1 is created" test $? = 0
N rump.ifconfig lo1 >"$T/lo1"
check "lo1 starts down and bare" grep -qx \
    'lo1: flags=0x8048<LOOPBACK,RUNNING,MULTICAST> mtu 33624' "$T/lo1"
N rump.ifconfig lo1 inet 10.9.0.1/24 && N rump.ifconfig lo1 inet6 fc00:9::1 &&
    N rump.ifconfig lo1 >"$T/lo1"
check "lo1 takes addresses and is up" grep -qx \
    '	inet 10.9.0.1/24 flags 0x0' "$T/lo1" &&
    grep -q '^lo1: flags=0x8049<UP,' "$T/lo1"
N rump.ifconfig lo1 destroy && N rump.ifconfig -l >"$T/names"
check "lo1 is destroyed, lo0 stays" grep -qx 'lo0' "$T/names"
N rump.ifconfig -C >"$T/kinds"
check "-C: the kinds create makes, newest first" grep -qx 'shmif lo' \
    "$T/kinds"

# Picking interfaces: shmif0 down and without a bus, then on one.
N rump.ifconfig shmif0 create
N rump.ifconfig -l -b >"$T/b"; N rump.ifconfig -a -d >"$T/d"
N rump.ifconfig -l -u >"$T/u"
check "-b, -d and -u pick" sh -c "grep -qx shmif0 '$T/b' &&
    grep -q '^shmif0:' '$T/d' && ! grep -q '^lo0:' '$T/d' &&
    grep -qx lo0 '$T/u'"
N rump.ifconfig -s shmif0 >"$T/s" 2>&1; r1=$?
N rump.ifconfig shmif0 linkstr "$T/bus" && N rump.ifconfig shmif0 up &&
    N rump.ifconfig -s shmif0 >>"$T/s" 2>&1; r2=$?
check "-s: exit 1 without carrier, 0 with, silent" sh -c \
    "[ $r1 = 1 ] && [ $r2 = 0 ] && [ ! -s '$T/s' ]"

# Names from the hosts file, local traffic on lo0, the counters.
N rump.ifconfig -N lo0 >"$T/n"
check "-N names the loopback addresses localhost" sh -c \
    "grep -qx '	inet localhost/8 flags 0x0' '$T/n' &&
    grep -qx '	inet6 localhost/128 flags 0x0' '$T/n'"
N rump.ifconfig -z lo0 >/dev/null
N rump.ping -c 1 -w 3 localhost >"$T/ping" 2>&1
check "rump.ping localhost pings 127.0.0.1" grep -q \
    '^PING localhost (127.0.0.1): 56 data bytes' "$T/ping"
N rump.ifconfig -z lo0 >"$T/z1"; N rump.ifconfig -v lo0 >"$T/z2"
check "the ping counted on lo0, -z reads then zeroes" sh -c \
    "grep -qx '	input: 2 packets, 168 bytes' '$T/z1' &&
    grep -qx '	output: 0 packets, 0 bytes' '$T/z2'"
N rump.ping -c 13 -i 0.01 -s 1000 -w 5 127.0.0.1 >/dev/null 2>&1
N rump.ifconfig -h -v lo0 >"$T/h"
check "-h: byte counts humanized" grep -qx \
    '	input: 26 packets, 26K bytes' "$T/h"

# Lifetimes of inet6 addresses.
N rump.ifconfig lo0 inet6 fc00:9::1 vltime 5 >"$T/l" 2>&1
N rump.ifconfig lo0 >>"$T/l"
check "vltime shorter than pltime: Invalid argument" sh -c \
    "grep -q 'Invalid argument' '$T/l' && ! grep -q 'inet6 fc00:9::1' '$T/l'"
N rump.ifconfig lo0 inet6 fc00:9::2 && N rump.ifconfig lo0 inet6 fc00:9::1 \
    pltime 1 vltime 3 && N rump.ifconfig -L lo0 >"$T/l"
check "-L shows lifetimes where there are some" sh -c \
    "grep -Eq '	inet6 fc00:9::1/64 flags 0x(0|10<DEPRECATED>) pltime [01] vltime [1-3]\$' \
    '$T/l' && grep -qx '	inet6 fc00:9::2/64 flags 0x0' '$T/l'"
N rump.ifconfig lo0 inet6 fc00:9::3 deprecated
dep() { N rump.ifconfig lo0 inet6 >"$T/dep" &&
    grep -q 'fc00:9::1/64 flags 0x10<DEPRECATED>' "$T/dep" &&
    grep -q 'fc00:9::3/64 flags 0x10<DEPRECATED>' "$T/dep"; }
gone() { ! N rump.ifconfig lo0 inet6 | grep -q 'fc00:9::1/' &&
    N rump.dmesg | grep -q 'lo0: expired fc00:9::1/64'; }
check "deprecated when pltime has passed, or at once" wait_for 3 dep
N rump.ifconfig lo0 inet6 fc00:9::3 -deprecated
N rump.ifconfig lo0 inet6 >"$T/dep"
check "-deprecated: preferred again" grep -qx \
    '	inet6 fc00:9::3/64 flags 0x0' "$T/dep"
check "removed when vltime has passed" wait_for 4 gone
done_testing
