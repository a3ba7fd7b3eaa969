#!/bin/bash
# 37-ukfs.t — proves ukfs, an ext2 image opened in the command's own
# process (the node's VFS and rumpfs_ext2fs linked in, no node),
# unprivileged: it lists and reads an image e2fsprogs made, copies files
# in and out byte for byte, makes and removes directories and links, and
# leaves an image e2fsck finds clean and debugfs reads; fs_probe's
# semantics hold through it, and on an ext4 image too; read-only refuses
# writes; an image whose journal needs recovery opens read-only alone; a
# bad image is refused with the reason; an image a node has mounted is
# refused, and a node mounts what ukfs wrote.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/fs.sh"
need mke2fs e2fsck debugfs
PROBE=$O/tests/fs_probe
cd "$T" || exit 1
U() { as_user timeout 60 ukfs "$@"; }

plan 21
as_user mkdir -p src/dir
as_user sh -c 'head -c 123456 /dev/urandom >src/dir/r; echo hi >src/hi;
    head -c 2000000 /dev/urandom >in'
mkimage src img 8M
U img ls / >ls 2>&1
ok $(grep -qx hi ls && grep -qx dir ls && grep -qx lost+found ls; echo $?) \
    "ukfs IMAGE ls / lists the image's root"
U img cat /dir/r >out 2>&1
ok $(cmp -s out src/dir/r; echo $?) "ukfs cat reads a file byte for byte"
check "ukfs put a 2000000-byte file" U img put in /dir/copy
U img get /dir/copy got >/dev/null 2>&1
ok $(cmp -s got in; echo $?) "ukfs get copies it back out byte for byte"
ok $(as_user debugfs -R 'cat /dir/copy' img 2>/dev/null | cmp -s - in; echo $?) \
    "debugfs reads what ukfs wrote"
check "mkdir -p" U img mkdir -p /a/b/c
check "ln -s" U img ln -s /hi /a/b/link
ok $(U img cat /a/b/link | grep -qx hi; echo $?) "the link is followed"
check "mv" U img mv /a/b /moved
check "rm -r" U img rm -r /moved /a
as_user e2fsck -fn img >fsck 2>&1; r=$?
ok $r "e2fsck -fn: clean after each command (exit $r)"
[ $r = 0 ] || sed 's/^/#   /' fsck | head -10
U img mkdir /probe
check "fs_probe's semantics through ukfs" as_user "$PROBE" -S -i img /probe
fails_with "ukfs -r refuses writes" "Read-only file system" U -r img put in /x
as_user truncate -s 16M img4
as_user mke2fs -q -F -t ext4 img4
U img4 mkdir /probe
check "fs_probe's semantics on ext4 (extents, flex_bg, metadata_csum, a journal)" \
    as_user "$PROBE" -S -i img4 /probe
as_user e2fsck -fn img4 >fsck 2>&1
ok $? "e2fsck -fn: the ext4 image is clean"
as_user debugfs -w -R 'feature needs_recovery' img4 >/dev/null 2>&1
fails_with "a journal to replay: read-write refused" \
    "journal needs recovery (e2fsck replays it); mount it with -o ro" U img4 ls /
check "read-only it opens" U -r img4 ls /
as_user sh -c 'head -c 1000000 img >short.img'
fails_with "a truncated image refused" "truncated image" U short.img ls /
check "a node mounts the image" fs_node n -d key=/dev/img0,hostpath=$T/img,size=host
N n rump.fs mkdir /m
N n rump.mount -t ext2fs /dev/img0 /m
fails_with "ukfs refuses an image a node has mounted" "in use by another mount" \
    U img ls /
ok $(N n rump.fs get /m/dir/copy - | cmp -s - in; echo $?) \
    "the node reads what ukfs wrote"
done_testing
