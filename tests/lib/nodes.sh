# nodes.sh — sourced by the routing tests (tests/run/5*-routing*.t) after
# common.sh: rump_server nodes joined by shmif buses in $T, run as the
# unprivileged user, halted (and killed if need be) on any exit.
#
#   N NODE CMD...            run CMD as a client of node NODE
#   start_node NODE [4]      a node with netinet, netinet6 and shmif
#                            (4: no netinet6, so no IPv6 timer's frames)
#   ifc NODE IF BUS A4 [A6]  an interface on a bus with its addresses
#                            (A4 may be "-" for none)
#   router NODE              forwarding on for both families
#   perf_server NODE LOG ARGS...   rumpperf -s in the background
#   wait_grep FILE RE        wait up to 10 s for RE in FILE
#   fails_with DESC RE CMD...      ok when CMD fails saying RE
nodes=""; bg=""; urls=""
on_exit 'for u in $urls; do RUMP_SERVER=$u as_user rump.halt -w 1; done;
    for p in $nodes $bg; do kill -9 $p; done; wait'

N() {
	local n=$1; shift
	RUMP_SERVER=unix://$n as_user timeout 60 "$@"
}
start_node() {
	as_user rump_server -l rumpnet_netinet \
	    $([ "${2:-}" = 4 ] || echo -l rumpnet_netinet6) \
	    -l rumpnet_shmif "unix://$1" || return 1
	urls="$urls unix://$1"
	nodes="$nodes $(N "$1" rump.sysctl -n kern.pid)"
}
ifc() {
	N "$1" rump.ifconfig "$2" create &&
	N "$1" rump.ifconfig "$2" linkstr "$3" &&
	{ [ "$4" = - ] || N "$1" rump.ifconfig "$2" inet "$4"; } &&
	{ [ -z "$5" ] || N "$1" rump.ifconfig "$2" inet6 "$5"; }
}
router() {
	N "$1" rump.sysctl -w net.inet.ip.forwarding=1 >/dev/null &&
	N "$1" rump.sysctl -w net.inet6.ip6.forwarding=1 >/dev/null
}
wait_grep() {
	local i
	for i in $(seq 200); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done
	return 1
}
perf_server() {
	local n=$1 log=$2; shift 2
	N "$n" rumpperf -s "$@" >"$log" 2>&1 &
	bg="$bg $!"
	wait_grep "$log" "^listening on"
}
fails_with() {
	local d=$1 re=$2; shift 2
	"$@" >"$T/.err" 2>&1; local r=$?
	ok $([ $r != 0 ] && grep -q -- "$re" "$T/.err"; echo $?) "$d (exit $r)"
	[ $r != 0 ] && grep -q -- "$re" "$T/.err" || sed 's/^/#   /' "$T/.err" | head -5
}
