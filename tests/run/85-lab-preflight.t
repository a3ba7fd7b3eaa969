#!/bin/bash
# 85-lab-preflight.t — proves that `rumplab up` weighs a lab against the
# machine before it starts anything (lab/preflight.c), run unprivileged:
#  - with a task limit (ulimit -u) too small for 100 nodes (a task a
#    node), up refuses, naming the limit, the numbers and how many nodes
#    would fit, and leaves no state directory, process or bus;
#  - with the state directory on a 2 MiB tmpfs (a mount namespace of the
#    test's own) and three 1 MiB buses, up refuses naming the free space
#    and the fix; with 64K buses (the topology's size:, which the nodes
#    ignored, making every bus 1 MiB) the same lab comes up and goes down.
# Before the preflight, the first lab failed half way through its nodes
# ("cannot start: Resource temporarily unavailable") and the second
# started, its nodes to die of SIGBUS when a bus filled the tmpfs.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/lab.sh"
cd "$T" || exit 1
plan 7

R generate line 50 --hosts -o "$T/l100.yaml" >/dev/null
chmod 644 "$T/l100.yaml"
# The user's tasks now, and room for 60 more: 100 nodes need 100 and more.
mine=$(as_user sh -c 'ps -L -u "$(id -u)" --no-headers | wc -l')
lim=$((mine + 60))
as_user bash -c "ulimit -u $lim && exec env PATH=\"$PATH\" \
    XDG_RUNTIME_DIR=\"$XDG_RUNTIME_DIR\" rumplab up -q --name pf \"$T/l100.yaml\"" \
    >"$T/up1" 2>&1
r=$?
ok $([ $r != 0 ] && grep -q "ulimit -u" "$T/up1" &&
    grep -q "about [0-9]* tasks" "$T/up1" && grep -q "nodes would fit" "$T/up1" &&
    grep -q "nothing was started" "$T/up1"; echo $?) \
    "a task limit too small: refused before starting (exit $r)"
sed 's/^/# /' "$T/up1"
ok $([ ! -e "$XDG_RUNTIME_DIR/rumplab/pf" ]; echo $?) "no state directory was made"

# A small file system for the state directory, in a mount namespace of
# our own (unprivileged: a user namespace maps us to its root).
if as_user unshare -rm true 2>/dev/null; then
	mkbus() {	# mkbus SIZE: three buses of that size
		printf 'name: small\nbuses:\n'
		for b in a b c; do printf '  %s: { size: %s }\n' $b "$1"; done
		printf 'nodes:\n'
		for b in a b c; do
			printf '  h%s: { interfaces: [ { bus: %s } ] }\n' $b $b
		done
	}
	mkbus 1M >"$T/big.yaml"
	mkbus 64K >"$T/small.yaml"
	chmod 644 "$T/big.yaml" "$T/small.yaml"
	mkdir -p "$T/fs" && chmod 777 "$T/fs"
	cat >"$T/pf.sh" <<-EOF
	mount -t tmpfs -o size=2m none "$T/fs" || exit 9
	export XDG_RUNTIME_DIR="$T/fs" PATH="$PATH"
	rumplab up -q "$T/big.yaml" >"$T/up2" 2>&1; echo "big \$?"
	rumplab up -q "$T/small.yaml" >"$T/up3" 2>&1; echo "small \$?"
	rumplab exec --lab small ha -- rump.ifconfig shmif0 >/dev/null 2>&1; echo "exec \$?"
	rumplab down small >/dev/null 2>&1; echo "down \$?"
	ls -A "$T/fs/rumplab" | wc -l
	EOF
	chmod 644 "$T/pf.sh"
	as_user unshare -rm sh "$T/pf.sh" >"$T/pf.out" 2>&1
	sed 's/^/# /' "$T/up2" "$T/up3"
	ok $(grep -qx "big 1" "$T/pf.out" && grep -q "bus files take 3 MiB" "$T/up2" &&
	    grep -q "smaller size:" "$T/up2"; echo $?) \
	    "buses bigger than the state directory's room: refused, with the fix"
	ok $(grep -qx "small 0" "$T/pf.out"; echo $?) "the same lab with 64K buses comes up"
	ok $(grep -qx "exec 0" "$T/pf.out"; echo $?) "and its nodes answer"
	ok $(grep -qx "down 0" "$T/pf.out" && [ "$(tail -1 "$T/pf.out")" = 0 ]; echo $?) \
	    "down leaves the small file system empty"
	sed 's/^/# /' "$T/pf.out"
else
	for i in 1 2 3 4; do echo "ok $((_n = _n + 1)) # SKIP no user namespaces"; done
fi
check_nothing_left
