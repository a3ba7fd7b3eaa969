#!/bin/bash
# 86-lab-ext2.t — proves an ext2 image in a running lab, unprivileged
# (topology key fs:, rumpfs_ext2fs): h2 serves its image's files over
# HTTP to a client on h1 two routers away; a client writes a file into
# the image, which debugfs reads back byte for byte after `down`;
# e2fsck -fn finds the image clean after `down`, and after `node kill`
# of a node that had it mounted read-write it reports what an unclean
# stop leaves (the not-cleanly-unmounted state), never crashing.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/lab.sh"
for t in mke2fs debugfs e2fsck dumpe2fs; do
	command -v $t >/dev/null || PATH=$PATH:/sbin:/usr/sbin
	command -v $t >/dev/null || { echo "1..0 # SKIP no $t (e2fsprogs)"; exit 0; }
done
if ! as_user unshare -rn true 2>/dev/null; then
	echo "1..0 # SKIP no user namespaces: hijacked programs run in an empty one"
	exit 0
fi
PY=/usr/bin/python3
[ -x "$PY" ] || { echo "1..0 # SKIP no /usr/bin/python3"; exit 0; }
cd "$T" || exit 1
plan 10

mkdir -p www && echo "from h2's image" >www/index.html
mke2fs -q -t ext2 -d www web.img 4M || exit 1
chmod 666 web.img && chmod 755 "$T"
sed "/^  h2:\$/a\\    fs: [ { type: ext2, image: web.img, mount: /www } ]\\n    run: [ \"cd /rump/www \\&\\& exec unshare -rn $PY -m http.server --bind :: 8000\" ]" \
    "$ROOT/topologies/default.yaml" >lab.yaml
chmod 0644 lab.yaml
check "up: the default lab, h2 with an ext2 image at /www" R up -q --name x86 lab.yaml
ok $(R exec --lab x86 h2 -- rump.mount | grep -q "on /www type ext2fs"; echo $?) \
    "h2 has the image mounted (rump.mount)"
X() { R exec --lab x86 h1 -- unshare -rn timeout 30 "$@"; }
ok $(X curl -sS --max-time 20 http://h2:8000/ | grep -qx "from h2's image"; echo $?) \
    "h1 fetches the image's file from h2's web server"
head -c 100000 /dev/urandom >blob && chmod 644 blob
R exec --lab x86 h2 -- sh -c "cat $T/blob >/rump/www/blob" 2>err.txt
ok $(X curl -sS --max-time 20 -o "$T/got" http://h2:8000/blob &&
    cmp -s blob got; echo $?) "a file written into the image is served back whole"
check "down" R down x86
debugfs -R "cat /blob" web.img >back 2>/dev/null
ok $(cmp -s blob back; echo $?) "debugfs reads the written file back byte for byte after down"
e2fsck -fn web.img >fsck1.out 2>&1
ok $? "e2fsck -fn finds the image clean after down" || sed 's/^/# /' fsck1.out

check "up again" R up -q --name x86 lab.yaml
R exec --lab x86 h2 -- sh -c 'echo unsaved >/rump/www/late' 2>/dev/null
R node kill --lab x86 h2 >/dev/null 2>&1 || R node --lab x86 kill h2 >/dev/null 2>&1
sleep 0.5
e2fsck -fn web.img >fsck2.out 2>&1
r=$?
# 0-4: clean, or errors found (and left: -n); 8 and up: the checker failed.
ok $([ $r -le 4 ] && grep -q "files (.*blocks$" fsck2.out &&
    dumpe2fs -h web.img 2>/dev/null | grep -q "^Filesystem state: *not clean"; echo $?) \
    "after node kill the image is marked not clean and e2fsck -fn checks it to its end (exit $r)"
grep -E "not clean|files \(" fsck2.out | sed 's/^/# /'
dumpe2fs -h web.img 2>/dev/null | grep "^Filesystem state" | sed 's/^/# /'
R down x86 >/dev/null 2>&1
check_nothing_left
