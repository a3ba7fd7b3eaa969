#!/bin/bash
# 53-vfs.t — proves the node's VFS (kernel/vfs_*.c) through rump.fs,
# rump.mount and librumphijack's /rump paths, unprivileged:
#  - tmpfs: files, directories, symbolic links, rename over a file and a
#    directory, unlink while open, a mount's size limit (ENOSPC, the node
#    serving on), statvfs;
#  - hostfs (rump_server -d type=dir): the host's files read and written;
#    no escape by "..", by absolute or relative symbolic links, nor while
#    another client renames directories; a read-only mount refuses writes
#    with EROFS;
#  - the hijack: `python3 -m http.server --directory /rump/www` serves a
#    node's files to curl on another node; ls, cat and a shell's cd work
#    under /rump, the working directory going with fork and exec.
# Hijacked programs run in an empty network namespace (unshare -rn).
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/nodes.sh"

HJ=$O/lib/librumphijack.so
for p in "$B/rump_server" "$B/rump.fs" "$B/rump.mount" "$HJ"; do
	if [ ! -e "$p" ]; then
		echo "1..0 # SKIP $p not built in $O"
		exit 0
	fi
done
cd "$T" || exit 1
chmod 0777 "$T"

# F NODE CMD...: a file command on NODE.
F() { local n=$1; shift; N "$n" "$@"; }

mkdir -p share/sub secret && echo "host file" >share/hello.txt &&
    echo "S3CR3T-CONTENT" >secret/key && echo "0UTS1DE-CONTENT" >outside.txt &&
    ln -s /etc/passwd share/abs && ln -s ../../outside.txt share/rel &&
    ln -s ../secret share/updir && mkdir ro && echo "read only" >ro/f &&
    chmod -R a+rwX share ro && chown -R 65534:65534 share 2>/dev/null

check "a node with the VFS, tmpfs and two host directories" as_user \
    rump_server -l rumpvfs -l rumpfs_tmpfs \
    -d "key=/share,hostpath=$T/share,type=dir" \
    -d "key=/ro,hostpath=$T/ro,type=dir,ro" "unix://fs"
urls="$urls unix://fs"
nodes="$nodes $(N fs rump.sysctl -n kern.pid)"

# --- tmpfs ---------------------------------------------------------------------
check "mkdir -p" F fs rump.fs mkdir -p /t/a/b
echo "first" >one.txt && head -c 300000 /dev/urandom >big.bin && chmod a+r one.txt big.bin
check "put a file in" F fs rump.fs put one.txt /t/a/one
check "put 300 KB" F fs rump.fs put big.bin /t/a/b/big
F fs rump.fs get /t/a/b/big got.bin 2>/dev/null
ok $(cmp -s big.bin got.bin; echo $?) "get it back byte for byte"
check "symbolic link, relative" F fs rump.fs ln -s a/one /t/lnk
ok $(F fs rump.fs cat /t/lnk | grep -qx first; echo $?) "read through the link"
check "rename a file over another" eval 'F fs rump.fs put one.txt /t/x &&
    F fs rump.fs put big.bin /t/y && F fs rump.fs mv /t/x /t/y'
ok $(F fs rump.fs cat /t/y | grep -qx first; echo $?) "the target has the source's data"
F fs rump.fs stat /t/x >/dev/null 2>&1
ok $([ $? != 0 ]; echo $?) "and the source's name is gone"
check "rename a directory over an empty one" eval 'F fs rump.fs mkdir /t/e &&
    F fs rump.fs mv /t/a /t/e && F fs rump.fs cat /t/e/one | grep -qx first'
F fs rump.fs rmdir /t/e >rmdir.err 2>&1
ok $(grep -q "not empty" rmdir.err; echo $?) "rmdir of a full directory: ENOTEMPTY"
ls_out=$(F fs rump.fs ls -a /t/e)
ok $(echo "$ls_out" | tr '\n' ' ' | grep -q '^\. \.\. b one '; echo $?) \
    "ls lists . .. and the entries in creation order ($ls_out)"
check "a tmpfs of 256 KiB mounted" eval 'F fs rump.fs mkdir /small &&
    F fs rump.mount -t tmpfs -o size=256k small /small'
F fs rump.fs put big.bin /small/big >enospc.err 2>&1
ok $(grep -q "No space left" enospc.err; echo $?) "300 KB into it: ENOSPC"
check "the node serves on after ENOSPC" F fs rump.fs df /small
ok $(F fs rump.mount | grep -q "small on /small type tmpfs (size=256k)"; echo $?) \
    "rump.mount lists it"
check "umount it" F fs rump.umount /small

# --- hostfs ----------------------------------------------------------------------
ok $(F fs rump.fs cat /share/hello.txt | grep -qx "host file"; echo $?) \
    "the host directory's file, read"
check "write a host file" F fs rump.fs put one.txt /share/sub/new
ok $(grep -qx first share/sub/new; echo $?) "the host sees it"
for p in /share/abs /share/rel /share/updir/key /share/../secret/key \
    /share/sub/../../secret/key /share/updir/../outside.txt; do
	out=$(F fs rump.fs cat "$p" 2>&1)
	ok $(! echo "$out" | grep -q "S3CR3T-CONTENT\|0UTS1DE-CONTENT\|root:" ; echo $?) \
	    "$p does not reach the host's files ($out)"
done
# A client renames a directory back and forth while another walks ".."
# through it: every walk stays in the node.
F fs rump.fs mkdir /share/d1
export ASAN_OPTIONS=$ASAN_NOLEAK     # bulk calls: leaks are checked above
( for i in $(seq 25); do F fs rump.fs mv /share/d1 /share/d2; F fs rump.fs mv /share/d2 /share/d1; done ) >/dev/null 2>&1 &
mover=$!
hits=0
for i in $(seq 25); do
	F fs rump.fs cat /share/d1/../../secret/key 2>/dev/null | grep -q S3CR3T && hits=$((hits + 1))
	F fs rump.fs cat /share/d2/../updir/key 2>/dev/null | grep -q S3CR3T && hits=$((hits + 1))
done
wait $mover
ok $([ $hits = 0 ]; echo $?) "renames racing with .. walks: no escape ($hits)"
ok $(F fs rump.fs cat /ro/f | grep -qx "read only"; echo $?) "a read-only mount reads"
F fs rump.fs put one.txt /ro/g >erofs.err 2>&1
ok $(grep -q "Read-only file system" erofs.err; echo $?) "and refuses writes: EROFS"
F fs rump.fs rm /ro/f >erofs2.err 2>&1
ok $(grep -q "Read-only file system" erofs2.err && [ -e ro/f ]; echo $?) \
    "and removals: the host file stays"

# --- the hijack's /rump ------------------------------------------------------------
if as_user unshare -rn true 2>/dev/null && [ -x /usr/bin/python3 ] &&
    [ -x /usr/bin/curl ]; then
	H() { local n=$1; shift; RUMP_SERVER=unix://$T/$n LD_PRELOAD=$HJ \
	    as_user unshare -rn timeout 30 "$@"; }
	check "a web node and a client node on a bus" eval '
	    as_user rump_server -l rumpvfs -l rumpfs_tmpfs -l rumpnet_netinet \
	    -l rumpnet_shmif -d "key=/www,hostpath=$T/share,type=dir" unix://web &&
	    start_node cli && ifc web shmif0 lan 10.5.0.1/24 &&
	    ifc cli shmif0 lan 10.5.0.2/24'
	urls="$urls unix://web"
	nodes="$nodes $(N web rump.sysctl -n kern.pid)"
	H web /usr/bin/python3 -m http.server --directory /rump/www 8080 \
	    >http.log 2>&1 &
	bg="$bg $!"
	for i in $(seq 50); do N web rump.netstat -an 2>/dev/null | grep -q '8080.*LISTEN' && break; sleep 0.1; done
	ok $(H cli curl -sS --max-time 20 http://10.5.0.1:8080/hello.txt | grep -qx "host file"; echo $?) \
	    "http.server serves /rump/www from the node's hostfs to curl"
	ok $(H cli curl -sS --max-time 20 http://10.5.0.1:8080/ | grep -q 'href="sub/"'; echo $?) \
	    "and lists the directory (readdir through the hijack)"
	ok $(H web ls /rump/www | grep -qx hello.txt; echo $?) "ls /rump/www"
	ok $(H web sh -c 'cd /rump/www/sub && /bin/pwd && cat new' | tr '\n' ' ' |
	    grep -qx '/rump/www/sub first '; echo $?) \
	    "cd in a hijacked shell: pwd and cat in a child see it"
	ok $(H web sh -c 'echo made >/rump/tmpf && cat /rump/tmpf' | grep -qx made; echo $?) \
	    "a shell redirection creates a node file"
	ok $(! [ -e /rump/tmpf ]; echo $?) "not a host file"
else
	for i in 1 2 3 4 5 6 7; do ok 0 "# SKIP no user namespaces, python3 or curl"; done
fi

plan $_n
done_testing
