#!/bin/bash
# 20-shmif-tools.t: the bus tools against NetBSD's own buses and each other.
#
# Proves, as an unprivileged user: shmif_dumpbus prints NetBSD's header line
# and writes pcaps byte-identical to NetBSD's shmif_dumpbus for a small and a
# wrapped bus written by NetBSD kernels; "-p -" puts a clean pcap on stdout;
# shmif_pcapin puts a capture's frames on a bus byte for byte (dumped back,
# tcpdump and tshark see the same frames); -f follows a live bus and stops
# cleanly on SIGINT and when its reader goes away; shmif_stat reports the
# ring and the lock holder; bad input gives clear errors and non-zero exits;
# the manual pages render without warnings.  Skipped as a whole without
# NetBSD's fixtures, which most of it reads.
. "$(dirname "$0")/../lib/common.sh"
why=$(no_fixtures) && skip_all "$why"

plan 65

MAN=$(cd "$(dirname "$0")/../../shmif" && pwd)

# frames FILE: one line per frame, its bytes in hex, without timestamps.
frames() { as_user tcpdump -nn -xx -r "$1" 2>/dev/null | awk '
	/^[0-9]/ { if (f != "") print f; f = ""; next }
	{ for (i = 2; i <= NF; i++) f = f $i } END { if (f != "") print f }'; }
# npkts FILE: how many frames tcpdump reads from a pcap file.
npkts() { as_user tcpdump -nn -r "$1" 2>/dev/null | wc -l; }
# tsummary FILE: what tshark decodes of each frame (length, addresses, type).
tsummary() { as_user tshark -n -r "$1" -T fields -e frame.len -e eth.src \
	-e eth.dst -e eth.type 2>/dev/null; }
# wait_for SECONDS CMD...: retry CMD every 0.05 s until it succeeds.
wait_for() { local n=$(($1 * 20)); shift
	while ! "$@" 2>/dev/null; do n=$((n - 1)); [ $n -gt 0 ] || return 1
	sleep 0.05; done; }
# mkpcap FILE LEN...: a pcap of Ethernet frames of the given lengths;
# LEN/CAP writes a frame of LEN bytes of which only CAP were captured.
mkpcap() { local f=$1; shift; perl -e '
	print pack("LSSlLLL", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1);
	for (@ARGV) { my ($n, $c) = split m{/}; $c //= $n;
		my $fr = "\xff" x 6 . "\x02\0\0\0\0\x01" . pack("n", 0x88b5) .
		    join("", map { chr($_ & 255) } 0 .. $n - 15);
		print pack("LLLL", 1, 0, $c, $n), substr($fr, 0, $c); }' "$@" \
	> "$f"; chown --reference="$T" "$f"; }

for b in small wrapped; do
	as_user sh -c "gzip -dc '$FX/$b.bus.gz' > '$T/$b.bus' &&
	    gzip -dc '$FX/$b.pcap.gz' > '$T/$b.pcap'"
done
check "fixtures decompress as an unprivileged user" \
	test -s "$T/small.bus" -a -s "$T/wrapped.pcap"

# --- shmif_dumpbus against NetBSD's ----------------------------------------
for b in small wrapped; do
	as_user shmif_dumpbus -h "$T/$b.bus" > "$T/$b.h" 2>&1
	check "$b: -h prints NetBSD's header line" cmp "$T/$b.h" "$FX/$b.h.txt"
	as_user shmif_dumpbus -p "$T/$b.out.pcap" "$T/$b.bus" > "$T/$b.lines" 2>"$T/$b.err"
	ok $? "$b: -p exits 0"
	check "$b: pcap byte-identical to NetBSD's" cmp "$T/$b.out.pcap" "$T/$b.pcap"
	n=$(npkts "$T/$b.pcap")
	[ "$(grep -c '^packet ' "$T/$b.lines")" = "$n" ] && [ ! -s "$T/$b.err" ] &&
	    [ "$(head -1 "$T/$b.lines")" = "$(cat "$FX/$b.h.txt")" ]
	ok $? "$b: header line then one line per frame ($n), nothing on stderr"
	as_user shmif_dumpbus -p - "$T/$b.bus" > "$T/$b.stdout.pcap" 2>"$T/$b.stderr"
	ok $? "$b: -p - exits 0"
	check "$b: -p - writes exactly NetBSD's pcap to stdout" \
		cmp "$T/$b.stdout.pcap" "$T/$b.pcap"
	check "$b: -p - puts the header line on stderr" \
		cmp "$T/$b.stderr" "$FX/$b.h.txt"
	[ "$(as_user tcpdump -r - < "$T/$b.stdout.pcap" 2>/dev/null | wc -l)" = "$n" ]
	ok $? "$b: tcpdump -r - reads all $n frames from the stream"
done
sed -n 2p "$T/small.lines" > "$T/line2"
echo "packet 0, offset 0x0030, length 0x002a, ts 1/020008" > "$T/line2.want"
check "small: first frame line as NetBSD prints it" cmp "$T/line2" "$T/line2.want"
grep -q '^packet 8593, offset 0xa1582, length 0x0062, ts 2/930008$' "$T/wrapped.lines"
ok $? "wrapped: newest frame's offset past the wrap"

# --- shmif_pcapin, round trip ----------------------------------------------
for b in small wrapped; do
	as_user shmif_pcapin "$T/$b.pcap" "$T/$b.new.bus" > "$T/$b.in.out" 2>&1
	ok $? "$b: shmif_pcapin onto a new bus exits 0 quietly" &&
	    [ ! -s "$T/$b.in.out" ] || sed 's/^/# /' "$T/$b.in.out"
	as_user shmif_dumpbus -p "$T/$b.back.pcap" "$T/$b.new.bus" > /dev/null 2>&1
	frames "$T/$b.pcap" > "$T/$b.sent"
	frames "$T/$b.back.pcap" > "$T/$b.got"
	[ -s "$T/$b.sent" ] && cmp -s "$T/$b.sent" "$T/$b.got"
	ok $? "$b: the bus gives back the capture's frames byte for byte ($(wc -l < "$T/$b.got") via tcpdump)"
done
tsummary "$T/small.pcap" > "$T/ts.sent"
tsummary "$T/small.back.pcap" > "$T/ts.got"
[ "$(wc -l < "$T/ts.sent")" = 54 ] && cmp -s "$T/ts.sent" "$T/ts.got"
ok $? "tshark decodes the same 54 frames as were sent"
as_user sh -c "cat '$T/small.pcap' | shmif_pcapin -c 10 - '$T/small.new.bus'"
ok $? "shmif_pcapin reads a capture on stdin (-c 10)"
[ "$(as_user shmif_dumpbus "$T/small.new.bus" | grep -c '^packet')" = 64 ]
ok $? "... and appends exactly 10 frames"

mkpcap "$T/odd.pcap" 60 2000 1514 40/20 10 64
as_user shmif_pcapin "$T/odd.pcap" "$T/odd.bus" 2> "$T/odd.err"
r=$?
[ $r = 1 ] && grep -q 'frame 2: 2000 bytes, over the bus.s 1514-byte maximum' "$T/odd.err" &&
    grep -q 'frame 4: only 20 of its 40 bytes were captured' "$T/odd.err" &&
    grep -q 'frame 5: 10 bytes is shorter than an Ethernet header' "$T/odd.err" &&
    grep -q '3 frames .* sent, 3 skipped' "$T/odd.err"
ok $? "unsendable frames are reported, skipped and make the exit status 1" ||
    sed 's/^/# /' "$T/odd.err"
[ "$(as_user shmif_dumpbus "$T/odd.bus" | sed 1d | cut -d, -f3)" = \
  "$(printf ' length 0x003c\n length 0x05ea\n length 0x0040')" ]
ok $? "... and the others arrive"
as_user shmif_pcapin -m 2000 "$T/odd.pcap" "$T/jumbo.bus" 2>/dev/null
as_user shmif_dumpbus -p "$T/jumbo.pcap" "$T/jumbo.bus" > /dev/null 2>"$T/jumbo.err"
grep -q '1 frames cut to the pcap snapshot length 1518 (see -s)' "$T/jumbo.err"
ok $? "-m 2000 sends a jumbo frame; the 1518-byte pcap says it cut it"
as_user shmif_dumpbus -s 65535 -p "$T/jumbo.pcap" "$T/jumbo.bus" > /dev/null 2>&1
as_user tshark -n -r "$T/jumbo.pcap" -T fields -e frame.cap_len 2>/dev/null |
    grep -qx 2000
ok $? "... and -s 65535 keeps all of it"

# --- follow mode -----------------------------------------------------------
as_user shmif_pcapin -c 4 "$T/small.pcap" "$T/live.bus"
# bg_user PIDFILE CMD...: start CMD in the background as the user; its pid
# goes to PIDFILE (for signals), the job's to $! (for wait).
bg_user() { local pf=$1; shift
	as_user sh -c 'echo $$ > "$0"; exec "$@"' "$pf" "$@" & }
bg_pid() { wait_for 5 test -s "$1" && cat "$1"; }
bg_user "$T/f.pid" sh -c 'exec shmif_dumpbus -f -p - "$0" > "$1" 2>"$2"' \
	"$T/live.bus" "$T/live.pcap" "$T/live.err"
fjob=$!; fpid=$(bg_pid "$T/f.pid")
on_exit "kill $fpid"
has_frames() { [ "$(npkts "$T/live.pcap")" -ge "$1" ]; }
wait_for 5 has_frames 4
ok $? "-f dumps what the ring holds first"
as_user shmif_pcapin "$T/small.pcap" "$T/live.bus"
wait_for 5 has_frames 58
ok $? "-f streams frames sent while it runs"
kill -INT $fpid
wait $fjob
ok $? "-f exits 0 on SIGINT"
frames "$T/small.pcap" > "$T/f.sent"
frames "$T/live.pcap" | tail -n 54 > "$T/f.got"
[ "$(npkts "$T/live.pcap")" = 58 ] && cmp -s "$T/f.sent" "$T/f.got" &&
    [ "$(as_user tshark -r "$T/live.pcap" 2>/dev/null | wc -l)" = 58 ]
ok $? "the live pcap holds every frame once, intact (tcpdump, tshark)"

mkfifo "$T/fifo" && chown --reference="$T" "$T/fifo"
bg_user "$T/t.pid" sh -c 'exec tshark -n -l -r "$0" -T fields -e frame.len > "$1" 2>/dev/null' \
	"$T/fifo" "$T/tshark.out"
tjob=$!
bg_user "$T/f2.pid" sh -c 'exec shmif_dumpbus -f -p - "$0" > "$1" 2>/dev/null' \
	"$T/live.bus" "$T/fifo"
fjob=$!; fpid=$(bg_pid "$T/f2.pid"); tpid=$(bg_pid "$T/t.pid")
on_exit "kill $fpid $tpid"
wait_for 10 test -s "$T/tshark.out"
as_user shmif_pcapin -c 3 "$T/small.pcap" "$T/live.bus"
wait_for 10 sh -c "[ \$(wc -l < '$T/tshark.out') -ge 61 ]"
kill -TERM $fpid
wait $fjob
r=$?
wait $tjob
[ $r = 0 ] && [ "$(wc -l < "$T/tshark.out")" = 61 ]
ok $? "shmif_dumpbus -f -p - | tshark -r - shows the bus live, ends on SIGTERM"

# A one-way bridge: everything on live.bus is copied onto bridged.bus as it
# arrives (shmif_pcapin sends a streamed capture as soon as input pauses).
as_user shmif_pcapin -c 1 "$T/small.pcap" "$T/bridged.bus"
mkfifo "$T/br.fifo" && chown --reference="$T" "$T/br.fifo"
bg_user "$T/br.sh" sh -c 'shmif_dumpbus -f -p - "$0" 2>/dev/null > "$2" &
	echo $! > "$3"; exec shmif_pcapin - "$1" < "$2"' \
	"$T/live.bus" "$T/bridged.bus" "$T/br.fifo" "$T/br.pid"
bjob=$!; bpid=$(bg_pid "$T/br.pid")
on_exit "kill $bpid"
bridged() { [ "$(as_user shmif_dumpbus "$T/bridged.bus" | grep -c '^packet')" -ge "$1" ]; }
wait_for 10 bridged 62
ok $? "dumpbus -f | pcapin - copies a bus's ring onto another"
as_user shmif_pcapin -c 5 "$T/small.pcap" "$T/live.bus"
wait_for 10 bridged 67
ok $? "... and then each new frame while the pipeline still runs"
kill -INT "$bpid"
wait $bjob
ok $? "... and the bridge ends cleanly when its dumpbus is interrupted"

as_user timeout 10 bash -c "set -o pipefail
	shmif_dumpbus -f -p - '$T/live.bus' 2>/dev/null | head -c 24 >/dev/null"
ok $? "-f ends by itself when its reader goes away on a quiet bus"

as_user env TMPDIR="$T" O="$O" SHARED="$SHARED" timeout 20 \
	sh "$(dirname "$0")/../demo-bus.sh" > "$T/demo.out" 2>&1
r=$?
[ $r = 0 ] && [ "$(grep -c 'watcher| .* ICMP echo reply' "$T/demo.out")" = 5 ] &&
    [ -z "$(ls "$T" | grep demo-bus)" ]
ok $? "tests/demo-bus.sh: five pings answered live over the bus, cleaned up" ||
    sed 's/^/# /' "$T/demo.out"

# --- shmif_stat ------------------------------------------------------------
as_user shmif_stat "$T/small.bus" "$T/wrapped.bus" > "$T/stat" 2>&1
ok $? "shmif_stat reads NetBSD's buses"
awk 'NR == 2 && $6 == 1048544 && $7 == 54 && $8 == 5068 && $10 == "free" { a = 1 }
     NR == 3 && $3 == 1 && $4 == "0xa1630" && $7 == 8594 { b = 1 }
     END { exit !(a && b) }' "$T/stat"
ok $? "... ring size, frames, bytes, generation and lock as they are" ||
    sed 's/^/# /' "$T/stat"
as_user shmif_stat -j "$T/small.bus" "$T/wrapped.bus" > "$T/stat.json"
perl -MJSON::PP -ne '$j = decode_json($_); $n++;
	$ok++ if $j->{frames} == ($n == 1 ? 54 : 8594) && !$j->{lock_held} &&
	    $j->{ring_size} == 1048544 && $j->{netbsd_size};
	END { exit !($n == 2 && $ok == 2) }' "$T/stat.json"
ok $? "-j prints one valid JSON object per bus"
# Pretend writers hold the lock: lock word 1, their pid in the spare word.
setword() { perl -e 'open(F, "+<", $ARGV[0]) or die; seek(F, $ARGV[1], 0);
	print F pack("L", $ARGV[2])' "$@"; }
cp "$T/small.bus" "$T/locked.bus"; chown --reference="$T" "$T/locked.bus"
setword "$T/locked.bus" 24 1; setword "$T/locked.bus" 28 $$
as_user shmif_stat "$T/locked.bus" | grep -q "pid $$ *$"
ok $? "a held lock shows its holder's pid"
sh -c 'exit 0' & dead=$!; wait $dead
setword "$T/locked.bus" 28 $dead
as_user shmif_stat "$T/locked.bus" | grep -q "pid $dead (dead)"
ok $? "... and a holder that died as dead"
setword "$T/locked.bus" 28 0
as_user shmif_stat -j "$T/locked.bus" | grep -q '"lock_held":true,"lock_holder":"unknown","lock_pid":null'
ok $? "... and a NetBSD holder (no pid) as unknown"

# --- bad input -------------------------------------------------------------
as_user sh -c "printf 'xV4\022%01048572d' 0 > '$T/bad.bus'"
as_user shmif_dumpbus "$T/bad.bus" > "$T/out" 2> "$T/err"; r=$?
[ $r = 1 ] && [ ! -s "$T/out" ] &&
    grep -qx "shmif_dumpbus: $T/bad.bus: not a shmif bus: bad magic 0x12345678 (expected 0xca11d054)" "$T/err"
ok $? "a file that is not a bus: named, with its magic, exit 1" || sed 's/^/# /' "$T/err"
as_user shmif_dumpbus "$T/nonexistent.bus" 2> "$T/err"; r=$?
[ $r = 1 ] && grep -qx "shmif_dumpbus: $T/nonexistent.bus: No such file or directory" "$T/err"
ok $? "a missing bus: named, exit 1"
echo "not a capture" > "$T/bad.pcap"; chown --reference="$T" "$T/bad.pcap"
as_user shmif_pcapin "$T/bad.pcap" "$T/x.bus" 2> "$T/err"; r=$?
[ $r = 1 ] && grep -q "^shmif_pcapin: $T/bad.pcap: " "$T/err" && [ ! -e "$T/x.bus" ]
ok $? "shmif_pcapin: a file that is not a capture: named, exit 1, no bus made"
as_user shmif_pcapin "$T/small.pcap" "$T/bad.bus" 2> "$T/err"; r=$?
[ $r = 1 ] && grep -q "not a shmif bus: bad magic" "$T/err"
ok $? "shmif_pcapin: will not write onto a file that is not a bus"
as_user shmif_stat "$T/small.bus" "$T/nonexistent.bus" > "$T/out" 2> "$T/err"; r=$?
[ $r = 1 ] && grep -q '^small.bus\|/small.bus ' "$T/out" && grep -q "nonexistent.bus: No such file" "$T/err"
ok $? "shmif_stat: a missing bus is reported, the others still shown, exit 1"
as_user shmif_dumpbus -p "$T/no/such/dir.pcap" "$T/small.bus" > /dev/null 2> "$T/err"; r=$?
[ $r = 1 ] && grep -q "^shmif_dumpbus: $T/no/such/dir.pcap: " "$T/err"
ok $? "an unwritable pcap path: named, exit 1"
as_user shmif_dumpbus -p /dev/full "$T/wrapped.bus" > /dev/null 2> "$T/err"; r=$?
[ $r = 1 ] && grep -qx "shmif_dumpbus: /dev/full: No space left on device" "$T/err"
ok $? "a pcap that cannot be written: named, with the reason, exit 1" ||
    sed 's/^/# /' "$T/err"
for tool in shmif_dumpbus shmif_pcapin shmif_stat; do
	as_user $tool -Z > "$T/out" 2> "$T/err"; r=$?
	[ $r = 2 ] && [ ! -s "$T/out" ] && grep -q "^usage: $tool" "$T/err"
	ok $? "$tool: a bad option prints usage on stderr, exit 2"
	as_user $tool > /dev/null 2> "$T/err"; r=$?
	[ $r = 2 ] && grep -q "^usage: $tool" "$T/err"
	ok $? "$tool: missing operands print usage, exit 2"
	as_user $tool --help > "$T/out" 2>&1; r=$?
	[ $r = 0 ] && grep -q "^usage: $tool" "$T/out"
	ok $? "$tool --help prints usage on stdout, exit 0"
done

# --- manual pages ----------------------------------------------------------
for tool in shmif_dumpbus shmif_pcapin shmif_stat; do
	( groff -man -ww -z "$MAN/$tool.1" &&
	  MANWIDTH=80 man -l "$MAN/$tool.1" 2>&1 >/dev/null ) > "$T/manerr" 2>&1
	[ ! -s "$T/manerr" ] && MANWIDTH=80 man -l "$MAN/$tool.1" 2>/dev/null |
	    grep -q "^NAME"
	ok $? "$tool.1 renders without warnings" || sed 's/^/# /' "$T/manerr"
done

done_testing
