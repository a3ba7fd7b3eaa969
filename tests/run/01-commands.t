#!/bin/sh
# 01-commands.t: every command in bin/ answers --help and --version as a
# user expects: --help prints its usage on stdout ("usage: NAME ...") and
# exits 0; --version prints one line, "NAME (rumplab) VERSION", with the
# version written once in version.h, and exits 0; neither writes to
# stderr.  Run as the unprivileged user, with no node to talk to
# (LeakSanitizer's exit scan off: it would be most of the time).
. "$(dirname "$0")/../lib/common.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
version=$(sed -n 's/^#define RUMPLAB_VERSION "\(.*\)"$/\1/p' "$top/version.h")
cmds=$(cd "$B" && for c in *; do [ -f "$c" ] && [ -x "$c" ] && echo "$c"; done)
plan $((2 + 2 * $(echo "$cmds" | wc -l)))

[ -n "$version" ]
ok $? "version.h defines RUMPLAB_VERSION ($version)"
echo "$cmds" | grep -qx rumplab && echo "$cmds" | grep -qx rump_server &&
    echo "$cmds" | grep -qx shmif_dumpbus
ok $? "bin/ holds the commands ($(echo $cmds))"

for c in $cmds; do
	as_user env -u RUMP_SERVER ASAN_OPTIONS="$ASAN_NOLEAK" "$B/$c" --help > "$T/out" 2> "$T/err"
	r=$?
	[ $r = 0 ] && [ ! -s "$T/err" ] && head -1 "$T/out" | grep -Eq "^usage: $c( |\$)"
	ok $? "$c --help: usage on stdout, exit 0" ||
	    { echo "exit $r"; cat "$T/out" "$T/err"; } | sed 's/^/# /'
	as_user env -u RUMP_SERVER ASAN_OPTIONS="$ASAN_NOLEAK" "$B/$c" --version > "$T/out" 2> "$T/err"
	r=$?
	[ $r = 0 ] && [ ! -s "$T/err" ] &&
	    [ "$(cat "$T/out")" = "$c (rumplab) $version" ]
	ok $? "$c --version: \"$c (rumplab) $version\", exit 0" ||
	    { echo "exit $r"; cat "$T/out" "$T/err"; } | sed 's/^/# /'
done
done_testing
