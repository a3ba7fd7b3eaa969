#!/bin/bash
# 33-vfs.t — proves the node's VFS core on tmpfs, unprivileged: the file
# system semantics of fs_probe (data, holes, truncation, unlink while
# open, rename, directories, symbolic links, resumable readdir,
# attributes); an unmount refused (EBUSY) while a file of the mount is
# open, and forced through with the file revoked (EIO) and the node
# alive; a mount on "/" replacing the bare root, and refused while other
# file systems are mounted in the tree.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/fs.sh"
PROBE=$O/tests/fs_probe
cd "$T" || exit 1
as_user mkdir share

plan 10
check "node with the VFS" fs_node n
N n rump.fs mkdir /t
check "mount a tmpfs" N n rump.mount -t tmpfs -o size=64m tmp /t
N n rump.fs mkdir /t/p
check "fs_probe's semantics on tmpfs" N n "$PROBE" /t/p
check "unmount EBUSY while a file is open, forced revokes it" \
    N n "$PROBE" -u /t
check "a tmpfs mounted on / replaces the bare root" \
    N n rump.mount -t tmpfs -o size=1m newroot /
N n rump.mount >mounts
ok $(grep -qx "newroot on / type tmpfs (size=1m)" mounts && [ "$(wc -l <mounts)" = 1 ]; echo $?) \
    "it is the only mount"
check "the new root is empty and writable" sh -c \
    "[ -z \"\$(RUMP_SERVER=unix://n rump.fs ls /)\" ] && RUMP_SERVER=unix://n rump.fs mkdir /x"
check "node with a host directory" fs_node h -d key=/share,hostpath=$T/share,type=dir
fails_with "a mount on / while /share is mounted: refused" \
    "file systems are mounted in the tree" \
    N h rump.mount -t tmpfs x /
check "halt" halt_node n
done_testing
