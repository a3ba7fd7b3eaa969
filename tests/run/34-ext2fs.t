#!/bin/bash
# 34-ext2fs.t — proves rumpfs_ext2fs on images e2fsprogs makes and checks,
# unprivileged: a node mounts an image (rump_server -d, rump.mount -t
# ext2fs) whose files rump.fs reads byte for byte, symbolic links fast and
# slow included; what it writes, renames, removes, links and truncates is
# what debugfs finds in the image after the node halts, and e2fsck -fn
# finds it clean; the file system semantics of fs_probe hold on it; a
# read-only mount refuses writes; corrupt, truncated and foreign images
# are refused at mount with the reason while the node keeps serving; an
# unmount waits for open files unless forced; a node killed mid-writes
# leaves an image e2fsck can repair (exit 0-4, never 8 or a crash).
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/fs.sh"
need mke2fs e2fsck debugfs
PROBE=$O/tests/fs_probe
cd "$T" || exit 1

plan 37

# --- an image with files, symbolic links and a directory ----------------
as_user mkdir -p src/sub
as_user sh -c 'head -c 300000 /dev/urandom >src/rand; echo hello >src/hello;
    : >src/empty; head -c 5000 /dev/urandom >src/sub/five;
    ln -s hello src/fast; ln -s "$(printf "%0250d" 0)" src/slow'
mkimage src img 4M
check "node with the image as /dev/img0" fs_node n \
    -d key=/dev/img0,hostpath=$T/img,size=host
N n rump.fs mkdir /www
check "rump.mount -t ext2fs /dev/img0 /www" N n rump.mount -t ext2fs /dev/img0 /www
N n rump.mount >mounts
ok $(grep -q "^/dev/img0 on /www type ext2fs (rw)" mounts; echo $?) \
    "rump.mount lists it"

r=0
for f in rand hello empty sub/five; do
	N n rump.fs get /www/$f - >got 2>&1 && cmp -s got src/$f || { r=1; diag "$f differs"; }
done
ok $r "rump.fs reads every file byte for byte"
N n rump.fs ls -l /www >ls
ok $(grep -q "fast -> hello" ls && grep -q "slow -> 0000000000" ls; echo $?) \
    "fast and slow symbolic links read back"
ok $(N n rump.fs cat /www/fast | grep -qx hello; echo $?) "a link followed"

# --- writes, checked in the image after the node halts ---------------------
as_user sh -c 'head -c 700000 /dev/urandom >new'
check "rump.fs put a 700000-byte file" N n rump.fs put new /www/sub/new
N n rump.fs mkdir -p /www/d/e
check "mv a file into another directory" N n rump.fs mv /www/hello /www/d/moved
check "mv a directory" N n rump.fs mv /www/d/e /www/e2
check "rm a file" N n rump.fs rm /www/rand
check "rmdir" N n rump.fs rmdir /www/e2
check "ln -s" N n rump.fs ln -s /www/sub/new /www/link
check "truncate to 1234" N n rump.fs truncate 1234 /www/sub/five
N n rump.fs mkdir /www/probe
check "fs_probe's semantics on ext2fs" N n "$PROBE" -S /www/probe
check "halt; the node exits" halt_node n
as_user debugfs -R 'cat /sub/new' img 2>/dev/null | cmp -s - new
ok $? "debugfs reads the written file back from the image"
ok $(as_user debugfs -R 'cat /d/moved' img 2>/dev/null | grep -qx hello; echo $?) \
    "the moved file is at its new name"
as_user debugfs -R 'ls /' img >dls 2>/dev/null
ok $(! grep -qw rand dls && ! grep -qw e2 dls && ! grep -qw hello dls; echo $?) \
    "removed names are gone"
ok $(as_user debugfs -R 'stat /link' img 2>/dev/null | grep -q 'Fast link dest: "/www/sub/new"'; echo $?) \
    "the symbolic link is a fast link to its target"
ok $(as_user debugfs -R 'stat /sub/five' img 2>/dev/null | grep -q 'Size: 1234$'; echo $?) \
    "the truncated file is 1234 bytes"
as_user e2fsck -fn img >fsck 2>&1; r=$?
ok $r "e2fsck -fn: clean after the halt (exit $r)"
[ $r = 0 ] || sed 's/^/#   /' fsck | head -20

# --- read-only, refusals --------------------------------------------------
as_user cp img img2
as_user sh -c 'head -c 2000000 img >trunc.img; cp img magic.img;
    printf "\0\0" | dd of=magic.img bs=1 seek=1080 conv=notrunc 2>/dev/null;
    cp img desc.img;
    head -c 1024 /dev/urandom | dd of=desc.img bs=1024 seek=2 conv=notrunc 2>/dev/null;
    echo not an image >text.img'
check "node with good and bad images" fs_node m \
    -d key=/dev/img0,hostpath=$T/img,size=host \
    -d key=/dev/img2,hostpath=$T/img2,size=host \
    -d key=/dev/trunc,hostpath=$T/trunc.img,size=host \
    -d key=/dev/magic,hostpath=$T/magic.img,size=host \
    -d key=/dev/desc,hostpath=$T/desc.img,size=host \
    -d key=/dev/text,hostpath=$T/text.img,size=host
N m rump.fs mkdir /ro /x
check "mount -o ro" N m rump.mount -t ext2fs -o ro /dev/img0 /ro
fails_with "a write to it: read-only" "Read-only file system" \
    N m rump.fs put new /ro/x
fails_with "a second mount of the image: in use" "is in use by another mount" \
    N m rump.mount -t ext2fs /dev/img0 /x
fails_with "a truncated image refused" \
    "truncated image: .*short read (it holds 2000000 bytes, its superblock counts 4096 blocks of 1024" \
    N m rump.mount -t ext2fs /dev/trunc /x
fails_with "an image without ext2 magic refused" \
    "not an ext2 image: Bad magic number in super-block" \
    N m rump.mount -t ext2fs /dev/magic /x
fails_with "corrupt group descriptors refused with libext2fs's reason" \
    "corrupt ext2 image: .*group descriptor" \
    N m rump.mount -t ext2fs /dev/desc /x
fails_with "a text file refused" "not an ext2 image: .*short read (13 bytes)" \
    N m rump.mount -t ext2fs /dev/text /x
ok $(N m rump.fs cat /ro/d/moved | grep -qx hello; echo $?) \
    "the node keeps serving"

# --- unmount with a file open, forced -------------------------------------
check "mount img2 rw" N m rump.mount -t ext2fs /dev/img2 /x
check "unmount EBUSY while a file is open, forced revokes it" \
    N m "$PROBE" -u /x
check "halt" halt_node m
as_user e2fsck -fn img2 >fsck 2>&1
ok $? "e2fsck -fn: the force-unmounted image is clean"

# --- killed mid-writes ----------------------------------------------------
check "node on the image" fs_node k -d key=/dev/img0,hostpath=$T/img,size=host
N k rump.fs mkdir /w
N k rump.mount -t ext2fs /dev/img0 /w
( for i in $(seq 200); do
	N k rump.fs put new /w/f$((i % 3)) || break
	N k rump.fs rm /w/f$(((i + 1) % 3)) 2>/dev/null
done ) >/dev/null 2>&1 &
writer=$!
sleep 1.5
kill -9 "$NODE_PID"
wait "$writer" 2>/dev/null
as_user e2fsck -fn img >fsck 2>&1; r=$?
ok $([ $r -le 4 ]; echo $?) "killed mid-writes: e2fsck -fn exits $r (0-4)"
as_user e2fsck -fy img >fsck 2>&1; r=$?
ok $([ $r -le 2 ]; echo $?) "e2fsck -fy repairs it (exit $r)"
done_testing
