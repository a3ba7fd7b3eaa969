#!/bin/sh
# File figures, all in one run: sequential write (with fsync) and read
# of a 64 MiB file in 1 MiB calls, the best of 3 runs each
#  - in a node's tmpfs and in an ext2 image mounted in the node, through
#    librumpclient (fsbench);
#  - in the same image opened in fsbench's own process (ukfs);
#  - on the host, with dd, on /dev/shm and on the image's host directory;
# and the latency of a stat through the node (median of 2000) on tmpfs
# and on ext2.  The image (ext2, 4 KiB blocks) is in a directory of
# ${TMPDIR:-/tmp}.  $1: scratch directory.  Prints figures; never fails
# on speed.
set -u
d=$1/fs
mkdir -p "$d" || exit 1
B=$O/bin
FB=$O/tests/fsbench
MIB=64
if ! command -v mke2fs >/dev/null; then
	echo "fs: mke2fs not installed (make deps); skipped"
	exit 0
fi
img=$(mktemp -d "${TMPDIR:-/tmp}/rumplab-fsbench.XXXXXX") || exit 1
cleanup() {
	RUMP_SERVER=unix://$d/n "$B/rump.halt" >/dev/null 2>&1
	rm -rf "$img" /dev/shm/rumplab-fsbench.$$
}
trap cleanup EXIT INT TERM
R() { RUMP_SERVER=unix://$d/n "$@"; }

truncate -s 200M "$img/img" && mke2fs -q -F -t ext2 -b 4096 "$img/img" || exit 1
"$B/rump_server" -l rumpvfs -l rumpfs_tmpfs -l rumpfs_ext2fs \
    -d key=/dev/img0,hostpath=$img/img,size=host "unix://$d/n" || exit 1
R "$B/rump.fs" mkdir /tmp /ext2 &&
R "$B/rump.mount" -t tmpfs -o size=200m tmp /tmp &&
R "$B/rump.mount" -t ext2fs /dev/img0 /ext2 || exit 1

# best CMD...: the best MB/s of 3 runs of an fsbench command
best() {
	for i in 1 2 3; do "$@" | awk '{ print $(NF-1) }'; done |
	    sort -n | tail -1
}
# ddrate ARGS...: MB/s of a dd run, timed here (dd's own text is
# localised); ddbest: the best of 3
ddrate() {
	t0=$(date +%s%N)
	dd "$@" bs=1M status=none || return 1
	t1=$(date +%s%N)
	echo "$MIB $t0 $t1" | awk '{ printf "%.1f\n", $1 * 1048576 / 1e6 / (($3 - $2) / 1e9) }'
}
ddbest() {
	for i in 1 2 3; do ddrate "$@"; done | sort -n | tail -1
}

row() { printf "  %-34s %9s %9s\n" "$1" "$2" "$3"; }
echo "fs: $MIB MiB sequential, 1 MiB calls, write with fsync; MB/s (10^6 bytes), best of 3"
echo "    image directory $img: $(df --output=fstype "$img" | tail -1); load $(cut -d' ' -f1 /proc/loadavg)"
row where write read
row "node tmpfs (librumpclient)" "$(best R "$FB" write /tmp/f $MIB)" \
    "$(best R "$FB" read /tmp/f)"
row "node ext2 image (librumpclient)" "$(best R "$FB" write /ext2/f $MIB)" \
    "$(best R "$FB" read /ext2/f)"
stat_tmp=$(R "$FB" stat /tmp/f 2000)
stat_ext2=$(R "$FB" stat /ext2/f 2000)
R "$B/rump.umount" /ext2
row "ukfs ext2 image (in process)" "$(best "$FB" -i "$img/img" write /u $MIB)" \
    "$(best "$FB" -i "$img/img" read /u)"
row "host /dev/shm (dd)" \
    "$(ddbest if=/dev/zero of=/dev/shm/rumplab-fsbench.$$ count=$MIB conv=fsync)" \
    "$(ddbest if=/dev/shm/rumplab-fsbench.$$ of=/dev/null)"
row "host image directory (dd)" \
    "$(ddbest if=/dev/zero of="$img/host" count=$MIB conv=fsync)" \
    "$(ddbest if="$img/host" of=/dev/null)"
echo "stat through the node: tmpfs $(echo "$stat_tmp" | cut -d' ' -f3-)"
echo "                       ext2  $(echo "$stat_ext2" | cut -d' ' -f3-)"
