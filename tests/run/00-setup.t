#!/bin/sh
# 00-setup.t: the README's two commands work the first time on a fresh
# machine, from a copy of the tree with nothing beside it.
#
# A fresh machine lacks liblwip-dev: `make deps` installs it, and only
# then does pkg-config know lwIP.  Here fake pkg-config, dpkg-query,
# apt-get and id (first in PATH) play that machine: pkg-config prints
# nothing and fails, and liblwip-dev reads as missing, until `apt-get
# install` creates a stamp; id -u says 0 until then, so deps takes the
# root path.  Proves: `make demo` (DEMO_LAB=no: build and bus demo) and
# `make check`'s make logic build in a make that reads pkg-config after
# deps ran (no "lwip/tcpip.h: No such file"), and the demo reaches
# nothing outside the tree (no ../shared).  Builds the default variant
# once (~20 s); check's part recompiles one lwIP file and runs one test.
. "$(dirname "$0")/../lib/common.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
for t in make pkg-config dpkg-query; do
	command -v $t >/dev/null || skip_all "$t not installed"
done
plan 9

# The tree as a clone has it: the files git knows (tracked, or new and
# not ignored), or without git everything but build/.
tree=$T/tree
mkdir "$tree"
if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
	(cd "$top" && git ls-files -z -co --exclude-standard |
	    tar --null -T - --ignore-failed-read -cf - 2>/dev/null)
else
	(cd "$top" && tar --exclude=./build -cf - .)
fi | tar -xf - -C "$tree"
[ -f "$tree/Makefile" ] && [ ! -e "$tree/build" ]
ok $? "the tree copied to $tree, without build/"

f=$T/fake stamp=$T/installed
mkdir "$f"
cat > "$f/pkg-config" <<EOF
#!/bin/sh
[ -e $stamp ] || exit 1
exec $(command -v pkg-config) "\$@"
EOF
cat > "$f/dpkg-query" <<EOF
#!/bin/sh
for p; do :; done
[ -e $stamp ] || [ "\$p" != liblwip-dev ] || exit 1
echo 'install ok installed'
EOF
cat > "$f/apt-get" <<EOF
#!/bin/sh
echo "apt-get \$*" >> $T/apt.log
case " \$* " in *" install "*" liblwip-dev "*) touch $stamp ;; esac
EOF
cat > "$f/id" <<EOF
#!/bin/sh
[ -e $stamp ] || [ "\$*" != -u ] || { echo 0; exit 0; }
exec $(command -v id) "\$@"
EOF
chmod 755 "$f"/*
[ "$(id -u)" = 0 ] && chown -R 65534:65534 "$tree"

# fresh_make ARGS...: make in the copy as the user, on the fake machine,
# with nothing of this test's environment (no O, SHARED or MAKEFLAGS).
fresh_make() {
	as_user env -i PATH="$f:$PATH" HOME="$T" TMPDIR="$T" LANG=C.UTF-8 \
	    timeout 600 make -C "$tree" -j2 "$@"
}

# --- make demo -------------------------------------------------------------
t0=$(date +%s)
# OPT=-O0: what is proved is the make logic and the demo, not the
# optimiser, and -O0 builds the tree in a third of the time.
fresh_make demo DEMO_LAB=no OPT=-O0 > "$T/demo.out" 2>&1
r=$?
diag "make demo: $(($(date +%s) - t0)) s"
[ $r = 0 ]
ok $? "make demo builds and runs on a machine that lacked liblwip-dev" ||
    tail -20 "$T/demo.out" | sed 's/^/# /'
grep -q 'install.* liblwip-dev' "$T/apt.log" 2>/dev/null
ok $? "... after deps installed it (apt-get was asked for it)"
[ "$(grep -c 'watcher| .* ICMP echo reply' "$T/demo.out")" = 5 ]
ok $? "... and the bus demo's five pings were answered, from its own frames"
grep -n 'shared\|No such file' "$T/demo.out" > "$T/outside"
[ $? = 1 ]
ok $? "... reaching for nothing outside the tree" || sed 's/^/# /' "$T/outside"

# --- make check ------------------------------------------------------------
# On the same copy: the packages gone again and one lwIP-dependent object
# with them; check builds into the variant just built (TEST_O, no fuzz
# targets) and runs one test, so only its make logic costs time here.
rm -f "$stamp" "$tree/build/default/obj/netcomp/stack.o"
t0=$(date +%s)
fresh_make check TEST_O=build/default FUZZ= \
    CHECK_TESTS=tests/run/01-commands.t > "$T/check.out" 2>&1
r=$?
diag "make check: $(($(date +%s) - t0)) s"
[ $r = 0 ]
ok $? "make check builds and tests on a machine that lacked liblwip-dev" ||
    tail -20 "$T/check.out" | sed 's/^/# /'
[ -e "$stamp" ] && [ -s "$tree/build/default/obj/netcomp/stack.o" ]
ok $? "... after deps installed it, rebuilding what needs lwIP"
grep -q '^All tests successful' "$T/check.out"
ok $? "... and prove ran the tests"

# On the real machine, as a user, deps names what is missing and the
# command that installs it, and fails.
as_user env -i PATH="$PATH" HOME="$T" make -C "$tree" deps \
    DEB_PKGS=rumplab-no-such-package > "$T/deps.out" 2>&1
[ $? != 0 ] && grep -q 'apt-get install rumplab-no-such-package' "$T/deps.out"
ok $? "make deps as a user names the missing package and the command" ||
    sed 's/^/# /' "$T/deps.out"
done_testing
