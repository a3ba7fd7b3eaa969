#!/bin/bash
# 66-lab-plan-run.t — proves the plans work on real nodes: for several
# ready-made topologies, one rump_server per node is started and exactly
# the commands `rumplab plan --busdir` prints are run against it (except
# `link MAC` steps, which rump.ifconfig does not take yet, and `run:`
# commands); then every check is pinged from its node — checks that
# reach get answers, the others none — and traceroute to each reachable
# destination counts the planned path's hops.  Unprivileged; only bus
# files and unix sockets in $T.
#
# Two of the plans need a router to answer for an address of another
# interface than the request came in by, and to route the answer by its
# table: ipv6-only's ping6 h1 -> r3 fd00:6:0:3::2 (reply r3 -> r1 -> h1)
# and line's traceroute h2 -> r1 10.1.0.1 (a port unreachable from r1).
. "$(dirname "$0")/../lib/common.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
for p in rumplab rump_server rump.ifconfig rump.route rump.sysctl rump.ping \
    rump.ping6 rump.traceroute rump.halt; do
	if [ ! -x "$B/$p" ]; then echo "1..0 # SKIP $p not built in $O"; exit 0; fi
done
cd "$T" || exit 1

topos="default line ring dual-stack ipv6-only two-site campus"
plan 21

urls=""; pids=""
on_exit 'for u in $urls; do RUMP_SERVER=$u as_user rump.halt -w 1; done;
    for p in $pids; do kill -9 $p; done'

N() {           # N NODE CMD...: CMD as a client of node NODE
	local n=$1; shift
	RUMP_SERVER=unix://$n ASAN_OPTIONS=$ASAN_NOLEAK as_user timeout 30 "$@"
}
stop_all() {
	local u
	for u in $urls; do RUMP_SERVER=$u as_user rump.halt -w 2 >/dev/null 2>&1; done
	urls=""; pids=""
}

# Starts the nodes of topology $1 and applies its plan; 0 when all went.
bring_up() {
	local f=$ROOT/topologies/$1.yaml n cmd
	as_user rumplab plan --busdir "$PWD/b" "$f" >plan.txt || return 1
	for n in $(sed -n 's/^node \([^ ]*\) .*/\1/p' plan.txt); do
		as_user rump_server -l rumpnet_netinet -l rumpnet_netinet6 \
		    -l rumpnet_shmif "unix://$n" || return 1
		urls="$urls unix://$n"
		pids="$pids $(N "$n" rump.sysctl -n kern.pid)"
	done
	# "node NAME" then its "    rump.* ..." lines; drop "    # origin".
	awk '/^node / { n = $2 } /^    rump\./ { sub(/    # .*/, "");
	    sub(/^    /, ""); print n " " $0 }' plan.txt |
	    grep -v ' link [0-9a-f:]* active$' >cmds.txt
	while read -r n cmd; do
		# shellcheck disable=SC2086
		N "$n" $cmd >/dev/null 2>>err.txt || { echo "# $n: $cmd failed"; return 1; }
	done <cmds.txt
	# IPv6 addresses are tentative until duplicate address detection ends.
	for n in $(sed -n 's/^node \([^ ]*\) .*/\1/p' plan.txt); do
		N "$n" rump.ifconfig -w 5 >/dev/null 2>&1
	done
	return 0
}

# Pings every check of the plan; prints "pass fail" counts.
run_checks() {
	local line from addr want ping r pass=0 fail=0
	while read -r line; do
		from=$(echo "$line" | sed 's/^check \([^ ]*\) -> .*/\1/')
		addr=$(echo "$line" | sed 's/^[^(]*(\([^)]*\)).*/\1/')
		case "$line" in *": reaches"*) want=0 ;; *) want=1 ;; esac
		case "$addr" in *:*) ping=rump.ping6 ;; *) ping=rump.ping ;; esac
		N "$from" $ping -q -c 3 -i 0.2 -w 4 "$addr" >/dev/null 2>&1; r=$?
		[ $r != 0 ] && r=1
		if [ $r = $want ]; then pass=$((pass + 1)); else
			fail=$((fail + 1)); echo "# $line: ping exit $r" >&2; fi
	done < <(grep '^check ' plan.txt)
	echo "$pass $fail"
}

# Traceroute hop counts against the planned paths of reaching checks.
run_traces() {
	local line from addr hops want tr bad=0
	while read -r line; do
		from=$(echo "$line" | sed 's/^check \([^ ]*\) -> .*/\1/')
		addr=$(echo "$line" | sed 's/^[^(]*(\([^)]*\)).*/\1/')
			case "$addr" in *:*) continue ;; esac
		path=$(echo "$line" | sed 's/.*reaches, path //')
		if [ "$path" = direct ]; then want=1; else
			want=$(( $(echo "$path" | tr -cd ',' | wc -c) + 2 )); fi
		N "$from" rump.traceroute -n -q 1 -w 2 -m $((want + 1)) \
		    "$addr" >tr.txt 2>&1
		hops=$(grep -cE '^ *[0-9]+  ' tr.txt)
		if [ "$hops" != "$want" ]; then
			bad=$((bad + 1)); echo "# $line: $hops hops, planned $want" >&2
			sed 's/^/#   /' tr.txt >&2
		fi
	done < <(grep '^check .*: reaches, path ' plan.txt)
	echo $bad
}

for t in $topos; do
	# Each lab in a directory of its own: node sockets, buses, notes.
	mkdir -p "$T/$t/b" && chmod -R 0777 "$T/$t" && cd "$T/$t" || exit 1
	: >err.txt
	if ! bring_up $t; then
		ok 1 "$t: nodes start and take their plan"
		sed 's/^/# /' err.txt | head -5
		ok 1 "$t: checks # not run"
		ok 1 "$t: traceroute # not run"
		stop_all
		continue
	fi
	ok 0 "$t: $(grep -c '^node ' plan.txt) nodes start and take their plan ($(wc -l <cmds.txt) commands)"
	read -r pass fail < <(run_checks)
	ok $([ "$fail" = 0 ] && [ "$pass" -gt 0 ]; echo $?) \
	    "$t: all $((pass + fail)) checks hold on the running nodes ($fail fail)"
	bad=$(run_traces)
	ok $([ "$bad" = 0 ]; echo $?) "$t: traceroute takes the planned paths ($bad differ)"
	stop_all
done
done_testing
