#!/bin/sh
# 02-manuals.t: the manual pages, and all the text a user reads, read as a
# manual.  Proves: every page in the tree renders without a warning;
# every command in bin/ has a page of section 1 or 8, and every page of
# those sections names a command; every cross-reference (.Xr NAME N,
# .BR NAME (N), NAME(N) in the README, docs/ and --help texts) names a
# page of the tree in that section, or one of the system pages listed
# below in its own section; every command's page tells of --help and
# --version; all pages carry one date; and no page, README,
# docs/ file, --help text, `rumplab plan` output or string in the sources
# speaks of the project's plans ("applied by the impairments work",
# "cannot set a MAC yet") or sends the reader outside the tree.
. "$(dirname "$0")/../lib/common.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
for t in groff perl; do
	command -v $t >/dev/null || skip_all "$t not installed"
done
plan 9

# Pages outside the tree that pages may cite: NetBSD's, whose syntax and
# formats the rump.* commands keep, and the Debian tools named.
SYSTEM_PAGES="arp.8 ifconfig.8 ndp.8 netstat.1 ping.8 ping6.8 route.8 routed.8 rtquery.8 rtadvd.8
    sysctl.8 traceroute.8 traceroute6.8 shmif.4
    tcpdump.8 tshark.1 pcap-savefile.5 ssh.1 ip.8 cmp.1
    dup.2 dup2.2 fcntl.2 fork.2 execve.2 posix_spawn.3 poll.2 ppoll.2
    select.2 pselect.2 epoll.7 getaddrinfo.3 getnameinfo.3 gethostbyname.3
    hosts.5 gethostname.2 uname.2 seccomp.2 system.3 popen.3 ld.so.8
    pthread_sigmask.3 getifaddrs.3 mount.8 umount.8 hostname.7 ls.1
    e2fsck.8 mke2fs.8 debugfs.8 mount.fuse3.8 fusermount3.1 flock.2
    rename.2 ifmcstat.8 brconfig.8 bridge.4 tun.4 ip-tuntap.8
    vde_plug.1 libvdeplug_udp.1 libvdeplug_vxvde.1 libvdeplug_vde.1"
# Plan words where a manual says what happens.
PLAN_WORDS='the [a-z/-]+( [a-z/-]+)? work\b|(later|future) (work|change|version)|cannot [^."]* yet\b|\bnot yet (built|implemented|supported)|will come\b|\bfor now\b|\b(TODO|FIXME|XXX)\b'

pages=$(cd "$top" && find shmif kernel netcomp lab viz -name '*.[1-9]' | sort)
cmds=$(cd "$B" && for c in *; do [ -f "$c" ] && [ -x "$c" ] && echo "$c"; done)

# --- rendering ------------------------------------------------------------
: > "$T/render"
for p in $pages; do	# as man(1) renders them on an 80-column terminal
	groff -mandoc -ww -z -k -Tutf8 -rLL=78n -rLT=78n "$top/$p" 2>&1 |
	    sed "s|^|$p: |" >> "$T/render"
done
[ -n "$pages" ] && [ ! -s "$T/render" ]
ok $? "$(echo "$pages" | wc -l) pages render without warnings" ||
    sed 's/^/# /' "$T/render"

# --- a page for every command, a command for every page -------------------
: > "$T/nopage"
# A command installed under two names (ifmcstat, rump_allserver) is
# named in its page's NAME section (.Nm NAME).
named() {	# named CMD: a page of section 1 or 8 names CMD in NAME
	for p in $pages; do
		case $p in *.1|*.8) ;; *) continue ;; esac
		awk -v c="$1" '/^\.Sh NAME/ { n = 1; next } /^\.Sh/ { n = 0 }
		    n && /^\.Nm / { sub(/ ,$/, ""); if ($2 == c) f = 1 }
		    END { exit !f }' "$top/$p" && return 0
	done
	return 1
}
for c in $cmds; do
	echo "$pages" | grep -Eq "(^|/)$c\.[18]$" || named "$c" ||
	    echo "$c" >> "$T/nopage"
done
[ -n "$cmds" ] && [ ! -s "$T/nopage" ]
ok $? "every command in bin/ has a page of section 1 or 8" ||
    sed 's/^/# no page: /' "$T/nopage"
: > "$T/nocmd"
for p in $pages; do
	case $p in *.1|*.8) ;; *) continue ;; esac
	c=$(basename "$p"); c=${c%.?}
	echo "$cmds" | grep -qx "$c" || echo "$p" >> "$T/nocmd"
done
[ ! -s "$T/nocmd" ]
ok $? "every page of section 1 or 8 is a command in bin/" ||
    sed 's/^/# no command: /' "$T/nocmd"
: > "$T/nohelp"
for p in $pages; do
	case $p in *.1|*.8) ;; *) continue ;; esac
	for o in help version; do
		grep -Eq "Fl -$o|\\\\-\\\\-$o" "$top/$p" || echo "$p: --$o" >> "$T/nohelp"
	done
done
[ ! -s "$T/nohelp" ]
ok $? "every command's page tells of --help and --version" ||
    sed 's/^/# not told: /' "$T/nohelp"

# --- what users read besides the pages --------------------------------------
# help.txt: every command's --help, and every rumplab verb's.
for c in $cmds; do
	ASAN_OPTIONS=$ASAN_NOLEAK "$B/$c" --help 2>&1 | sed "s|^|$c --help: |"
done > "$T/help.txt"
for v in $(ASAN_OPTIONS=$ASAN_NOLEAK rumplab --help |
    awk '/^verbs:/ { f = 1; next } f && NF { print $1 }'); do
	ASAN_OPTIONS=$ASAN_NOLEAK rumplab "$v" --help 2>&1 |
	    sed "s|^|rumplab $v --help: |"
done >> "$T/help.txt"
grep -q '^rumplab up --help: usage' "$T/help.txt"
ok $? "the --help texts of $(echo $cmds | wc -w) commands and rumplab's verbs collected"

# --- cross-references ----------------------------------------------------
# refs: "FILE: NAME.SECTION" for each reference in the pages, README,
# docs/ and --help texts.
(cd "$top" && perl -ne '
	my @r;
	if ($ARGV =~ /\.[1-9]$/) {
		push @r, "$1.$2" if /^\.Xr\s+(\S+)\s+([1-9])/;
		push @r, "$1.$2" if /^\.BR\s+(\S+)\s+\(([1-9])\)/;
		push @r, "$1.$2" while /\\fB([\w.+-]+)\\fR\(([1-9])\)/g;
	} else {
		push @r, "$1.$2" while /\b([A-Za-z][\w.+-]*)\(([1-9])\)/g;
	}
	print "$ARGV: $_\n" for @r;' $pages README.md docs/*.md "$T/help.txt") > "$T/refs"
: > "$T/badref"
while read -r file ref; do
	echo "$pages" | grep -q "/$ref\$" && continue
	echo " $SYSTEM_PAGES " | tr -s ' \n' ' ' | grep -q " $ref " && continue
	echo "$file $ref" >> "$T/badref"
done < "$T/refs"
[ -s "$T/refs" ] && [ ! -s "$T/badref" ]
ok $? "$(wc -l < "$T/refs") cross-references name pages that exist, in their sections" ||
    sed 's/^/# no such page: /' "$T/badref"

# --- one date ---------------------------------------------------------------
(cd "$top" && for p in $pages; do
	sed -n -e 's/^\.Dd //p' \
	    -e 's/^\.TH [^ ]* [1-9] "\([^"]*\)".*/\1/p' "$p" | head -1 |
	    sed "s|^|$p: |"
done) > "$T/dates"
[ "$(wc -l < "$T/dates")" = "$(echo "$pages" | wc -l)" ] &&
    [ "$(cut -d: -f2- "$T/dates" | sort -u | wc -l)" = 1 ]
ok $? "every page carries the same date ($(sed "s/^[^:]*: //" "$T/dates" | sort -u | head -3 | tr '\n' ';'))" ||
    sed 's/^/# /' "$T/dates"

# --- words of a manual --------------------------------------------------------
for f in "$top"/topologies/*.yaml; do
	ASAN_OPTIONS=$ASAN_NOLEAK rumplab plan "$f" 2>&1 |
	    sed "s|^|rumplab plan $(basename "$f"): |"
done > "$T/plans.txt"
(cd "$top" && grep -HnEi "$PLAN_WORDS" $pages README.md docs/*.md \
    topologies/*.yaml "$T/help.txt" "$T/plans.txt";
 grep -rnoE --include='*.c' '"([^"\\]|\\.)*"' shmif kernel netcomp lab viz |
    grep -Ei "$PLAN_WORDS") > "$T/plantalk"
[ -s "$T/plans.txt" ] && [ ! -s "$T/plantalk" ]
ok $? "pages, README, docs/, --help, plan output and messages say what happens, not what is planned" ||
    sed 's/^/# /' "$T/plantalk"
(cd "$top" && grep -Hn '\.\./shared\|shared/fixtures\|DESIGN\.md' $pages \
    README.md docs/*.md "$T/help.txt") > "$T/outside"
[ ! -s "$T/outside" ]
ok $? "none of them sends the reader outside the tree (../shared)" ||
    sed 's/^/# /' "$T/outside"
done_testing
