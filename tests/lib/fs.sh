# fs.sh — sourced by the file system tests (tests/run/3[3-8]-*.t) after
# common.sh: nodes with the VFS, started as the unprivileged user in $T
# (the test's current directory), halted (and killed if need be) on any
# exit; ext2 images made with e2fsprogs as that user.
#
#   fs_node NODE ARGS...     a node with rumpvfs, tmpfs and ext2fs (and
#                            ARGS: -d ...), its pid in $NODE_PID
#   N NODE CMD...            run CMD as a client of node NODE
#   halt_node NODE           halt it and wait until its process is gone
#                            (so its file systems are unmounted)
#   mkimage DIR IMAGE SIZE   mke2fs -t ext2 of DIR's files
#   fails_with DESC RE CMD...  ok when CMD fails saying RE
#   need PROG...             skip the whole test without PROG
fs_nodes=""; fs_urls=""
on_exit 'for u in $fs_urls; do RUMP_SERVER=$u as_user rump.halt -w 1; done;
    for p in $fs_nodes; do kill -9 $p; done; wait'

need() {
	local p
	for p in "$@"; do
		command -v "$p" >/dev/null 2>&1 && continue
		echo "1..0 # SKIP $p not installed (make deps)"
		exit 0
	done
}
N() {
	local n=$1; shift
	RUMP_SERVER=unix://$n as_user timeout 60 "$@"
}
fs_node() {
	local n=$1; shift
	as_user rump_server -l rumpvfs -l rumpfs_tmpfs -l rumpfs_ext2fs "$@" \
	    "unix://$n" || return 1
	fs_urls="$fs_urls unix://$n"
	NODE_PID=$(N "$n" rump.sysctl -n kern.pid)
	fs_nodes="$fs_nodes $NODE_PID"
}
# gone PID: wait up to 10 s for PID to exit
gone() {
	local i
	for i in $(seq 200); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.05; done
	return 1
}
halt_node() {
	local pid
	pid=$(N "$1" rump.sysctl -n kern.pid) || return 1
	N "$1" rump.halt >/dev/null && gone "$pid"
}
mkimage() {
	as_user truncate -s "$3" "$2" && as_user mke2fs -q -F -t ext2 -d "$1" "$2"
}
fails_with() {
	local d=$1 re=$2; shift 2
	"$@" >"$T/.err" 2>&1; local r=$?
	ok $([ $r != 0 ] && grep -q -- "$re" "$T/.err"; echo $?) "$d (exit $r)"
	[ $r != 0 ] && grep -q -- "$re" "$T/.err" || sed 's/^/#   /' "$T/.err" | head -5
}
