#!/bin/bash
# 79-lab-exec.t — proves `rumplab exec` running programs on a lab's nodes
# (lab/verb_exec.c, lab/hostnet.c, librumphijack.so), unprivileged, on a
# lab h1 - r1 = r2 - h2 whose h2 runs a web server as a service:
#  - the service (python3 http.server, hijacked, serving the node's
#    read-only hostfs /www) answers as soon as `up` returns; curl and
#    wget on h1 fetch from it by name (the lab's hosts file), by IPv4 and
#    IPv6 address; killing it shows in status; the hostfs refuses
#    writes (EROFS) and a tmpfs its size limit (ENOSPC);
#  - rump.* commands run through exec as before (no preload);
#  - `rumplab exec NODE` opens a shell whose prompt names the node and
#    whose programs run there (hostname says h1);
#  - a static program and a Go program are refused with why; a static one
#    started from a node's shell anyway cannot open a host socket
#    (EAFNOSUPPORT); /bin/ping is told to use rump.ping;
#  - --host runs a program on the host's network without the preload.
# Every program that uses a node's network runs in an empty network
# namespace (unshare -rn), the service included: nothing can leave.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/lab.sh"

PY=/usr/bin/python3
for p in "$O/lib/librumphijack.so" /usr/bin/curl /usr/bin/wget "$PY" \
    "$O/tests/sockprobe_static" "$O/tests/sockprobe_go"; do
	if [ ! -e "$p" ]; then
		echo "1..0 # SKIP $p missing"
		exit 0
	fi
done
if ! as_user unshare -rn true 2>/dev/null; then
	echo "1..0 # SKIP no user namespaces: hijacked programs run in an empty one"
	exit 0
fi
cd "$T" || exit 1
mkdir -p www && echo "served by h2" >www/index.html && chmod -R a+rX www
cp "$O/tests/sockprobe_static" "$O/tests/sockprobe_go" . && chmod a+rx sockprobe_*

# The default lab, h2 serving on port 8000 (IPv4 and IPv6) the node's
# /www: a read-only hostfs of $T/www (the service's shell changes into it,
# and http.server serves its working directory), with a small tmpfs.
sed "/^  h2:\$/a\\    fs: [ { type: hostfs, path: www, mount: /www, readonly: true }, { type: tmpfs, mount: /scratch, size: 64K } ]\\n    run: [ \"cd /rump/www \\&\\& exec unshare -rn $PY -m http.server --bind :: 8000\" ]" \
    "$ROOT/topologies/default.yaml" >lab.yaml
chmod 0644 lab.yaml
check "up: the default lab with a web server on h2" R up -q --name x79 lab.yaml
# X CMD...: rumplab exec on h1, in an empty namespace.
X() { R exec --lab x79 h1 -- unshare -rn timeout 30 "$@"; }

ok $(X curl -sS --max-time 20 http://h2:8000/ | grep -qx "served by h2"; echo $?) \
    "the service answers as soon as up returns: curl by name"
ok $(X curl -sS --max-time 20 http://10.0.2.10:8000/ | grep -qx "served by h2"; echo $?) \
    "curl by IPv4 address"
ok $(X curl -sS --max-time 20 "http://[fd00:0:0:2::10]:8000/" | grep -qx "served by h2"; echo $?) \
    "curl by IPv6 address"
ok $(R exec --lab x79 h2 -- rump.netstat -an | grep -q "^tcp6 .* fd00:0:0:2::10\.8000 "; echo $?) \
    "netstat names the IPv6 connection as inet_ntop does (fd00:0:0:2::10)"
ok $(X wget -q -T 20 -O - http://h2:8000/ | grep -qx "served by h2"; echo $?) \
    "wget by name"
X curl -sS --max-time 10 http://www.example.com/ >ext.out 2>&1
ok $(grep -q "not a name of this lab" ext.out; echo $?) \
    "a name outside the lab does not resolve, and says so"

check "rump.ping through exec, unhijacked" R exec --lab x79 h1 -- rump.ping -q -c 1 10.0.2.10
ok $(R exec --lab x79 h2 -- rump.mount | grep -q "/www on /www type hostfs (ro)"; echo $?) \
    "fs: h2 has its hostfs, read-only"
R exec --lab x79 h2 -- sh -c 'echo x >/rump/www/new' >erofs.out 2>&1
ok $(grep -q "Read-only file system" erofs.out && [ ! -e www/new ]; echo $?) \
    "fs: a write to it fails with EROFS"
R exec --lab x79 h2 -- sh -c 'head -c 100000 /dev/zero >/rump/scratch/big' >enospc.out 2>&1
ok $(grep -q "No space left" enospc.out; echo $?) "fs: the 64K tmpfs is full at its limit"


printf 'hostname\nexit\n' | R exec --lab x79 h1 >shell.out 2>&1
ok $(grep -Eq '(^|[$#] )h1$' shell.out && grep -q '(h1)' shell.out; echo $?) \
    "exec NODE opens a shell: prompt (h1), hostname h1"
head -5 shell.out | awk '{ print "#   " $0 }'

R exec --lab x79 h1 -- "$T/sockprobe_static" >static.out 2>&1
r=$?
ok $([ $r = 126 ] && grep -q "statically linked" static.out; echo $?) \
    "a static program is refused (exit $r)"
R exec --lab x79 h1 -- "$T/sockprobe_go" >go.out 2>&1
r=$?
ok $([ $r = 126 ] && grep -q "Go program" go.out; echo $?) \
    "a Go program is refused (exit $r)"
R exec --lab x79 h1 -- sh -c "$T/sockprobe_static" >guard.out 2>&1
ok $(grep -qx "socket: Address family not supported by protocol" guard.out; echo $?) \
    "a static program started from a node's shell gets no host socket"
sed 's/^/#   /' guard.out | head -3
if [ -x /usr/bin/ping ]; then
	X /usr/bin/ping -c 1 10.0.2.10 >ping.out 2>&1
	r=$?
	ok $([ $r != 0 ] && grep -q "use rump.ping" ping.out; echo $?) \
	    "/bin/ping is told to use rump.ping (exit $r)"
else
	ok 0 "# SKIP no /usr/bin/ping"
fi
R exec --lab x79 --host h1 -- sh -c 'echo "${RUMP_SERVER:-none} ${LD_PRELOAD:-none}"' >host.out 2>&1
ok $(grep -q "^unix://.* none$" host.out; echo $?) "--host: RUMP_SERVER set, nothing preloaded"

pid=$(R status --json x79 | "$PY" -c 'import json,sys
print([n for n in json.load(sys.stdin)["nodes"] if n["name"]=="h2"][0]["services"][0]["pid"])')
kill -9 "$pid"
for i in $(seq 50); do R status x79 2>/dev/null | grep -q "killed" && break; sleep 0.1; done
ok $(R status x79 2>/dev/null | grep -q "run0 .*killed by signal 9\|killed.*9"; echo $?) \
    "killing the service shows in status"
check "down" R down x79
check_nothing_left

plan $_n
done_testing
