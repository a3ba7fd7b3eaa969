#!/bin/bash
# 38-fuse.t — proves rump_fuse, the lab's files as a host mount point: a
# node's tree (an ext2 image mounted in it) listed and read byte for byte
# through the mount, what the host writes there read by the node, the
# mount gone and rump_fuse ended when the node halts; an image through
# ukfs (-i) changed through the mount, unmounted on SIGTERM and left
# clean for e2fsck, and SIGINT ending a foreground rump_fuse with 0.
# /dev/fuse is root's alone on this machine kind: rump_fuse runs as root
# (and the test says so); the nodes still run unprivileged.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/fs.sh"
need mke2fs e2fsck debugfs
if [ "$(id -u)" != 0 ] || [ ! -c /dev/fuse ]; then
	echo "1..0 # SKIP rump_fuse needs root here (/dev/fuse is root-only)"
	exit 0
fi
cd "$T" || exit 1
mkdir mnt
on_exit "umount -l '$T/mnt' 2>/dev/null"
mounted() { grep -q " $T/mnt fuse" /proc/mounts; }
unmounted_in() {        # unmounted_in SECS: wait for the mount to go
	local i
	for i in $(seq $(($1 * 20))); do mounted || return 0; sleep 0.05; done
	return 1
}

plan 16
diag "rump_fuse runs as root: /dev/fuse is root-only on this machine"
as_user mkdir src
as_user sh -c 'head -c 400000 /dev/urandom >src/r; head -c 300000 /dev/urandom >w'
mkimage src img 8M
check "node with the image" fs_node n -d key=/dev/img0,hostpath=$T/img,size=host
N n rump.fs mkdir /www
N n rump.mount -t ext2fs /dev/img0 /www
N n rump.fs put w /www/from-node
RUMP_SERVER=unix://n rump_fuse -f mnt >fuse.out 2>&1 &
fpid=$!
for i in $(seq 100); do mounted && break; sleep 0.05; done
check "rump_fuse -f mounts the node's tree" mounted
ls mnt/www >ls 2>&1
ok $(grep -qx from-node ls && grep -qx r ls; echo $?) \
    "the mount lists what the node wrote"
ok $(cmp -s mnt/www/from-node w && cmp -s mnt/www/r src/r; echo $?) \
    "and reads it byte for byte"
cp w mnt/www/from-host 2>/dev/null
ok $(N n rump.fs get /www/from-host - | cmp -s - w; echo $?) \
    "the node reads what the host wrote through the mount"
ok $(mv mnt/www/from-host mnt/www/moved && [ ! -e mnt/www/from-host ] &&
    N n rump.fs stat /www/moved >/dev/null; echo $?) "a rename through the mount"
check "halt the node" halt_node n
check "the mount goes with the node" unmounted_in 5
wait "$fpid"; r=$?
ok $([ $r = 1 ]; echo $?) "rump_fuse ends, exit $r"
ok $(grep -q "the node went away; unmounted" fuse.out; echo $?) \
    "and says why"

timeout 20 rump_fuse -i "$T/img" mnt >fuse.out 2>&1
check "rump_fuse -i IMAGE mounts an image through ukfs" mounted
ok $(cmp -s mnt/moved w; echo $?) \
    "it reads what the node wrote in the image"
cp src/r mnt/copy && mkdir mnt/dir && rm mnt/moved
pkill -TERM -f "rump_fuse -i $T/img"
check "SIGTERM unmounts it" unmounted_in 5
as_user e2fsck -fn img >fsck 2>&1
ok $? "e2fsck -fn: the image is clean"
ok $(as_user debugfs -R 'cat /copy' img 2>/dev/null | cmp -s - src/r; echo $?) \
    "debugfs reads what was copied in through the mount"
rump_fuse -f -r -i "$T/img" mnt >fuse.out 2>&1 &
fp=$!
for i in $(seq 100); do mounted && break; sleep 0.05; done
kill -INT $fp; wait $fp; r=$?
ok $([ $r = 0 ] && ! mounted; echo $?) "SIGINT ends a foreground rump_fuse: exit $r, unmounted"
done_testing
