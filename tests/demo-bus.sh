#!/bin/sh
# demo-bus.sh: two processes talk over a shmif bus while tcpdump watches.
#
# Node A (10.0.0.1) sends five ICMP echo requests onto a fresh bus with
# shmif_pcapin.  Node B (10.0.0.2) is a pipeline of the bus tools: it
# follows the bus (shmif_dumpbus -f -p -), a few lines of perl turn each
# echo request for 10.0.0.2 into its reply, and shmif_pcapin puts the
# replies back on the bus.  A third process follows the bus into tcpdump,
# live.  At the end the bus is dumped to a pcap file and summarised.
# The demo writes A's requests itself (a few lines of perl), so it needs
# nothing outside this tree.  Runs in a few seconds, needs no privileges,
# and removes everything it made on any exit.
#
#   O=build/default sh tests/demo-bus.sh
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
O=${O:-$top/build/default}
B=$O/bin
for t in shmif_dumpbus shmif_pcapin shmif_stat; do
	[ -x "$B/$t" ] || { echo "demo-bus: $B/$t missing: run make" >&2; exit 1; }
done
command -v tcpdump > /dev/null || { echo "demo-bus: needs tcpdump" >&2; exit 1; }

d=$(mktemp -d "${TMPDIR:-/tmp}/demo-bus.XXXXXX")
pids=""
# Stop what still runs; opening a FIFO read-write never blocks and frees
# anyone still waiting to open it, so nothing outlives the demo.
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || :; done
	for f in "$d/watch" "$d/node-b"; do [ -p "$f" ] && : <> "$f"; done
	wait 2>/dev/null || :
	rm -rf "$d"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A's five echo requests (req0.pcap .. req4.pcap, sequence numbers 0-4,
# 56 bytes of data as ping sends), and a capture with no frame
# (empty.pcap) to create the bus with.
perl -e '
	sub sum { my $s = 0; $s += $_ for unpack("n*", $_[0] . (length($_[0]) % 2 ? "\0" : ""));
		$s = ($s & 0xffff) + ($s >> 16) while $s >> 16; pack("n", ~$s & 0xffff) }
	sub pcap { open(my $f, ">", "$ARGV[0]/$_[0]") or die "$ARGV[0]/$_[0]: $!\n";
		print $f pack("LSSlLLL", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1), @_[1 .. $#_]; }
	pcap("empty.pcap");
	for my $seq (0 .. 4) {
		my $icmp = pack("CCnnn", 8, 0, 0, 0x2a00 + $$ % 256, $seq) .
		    join("", map { chr } 0 .. 55);
		substr($icmp, 2, 2) = sum($icmp);
		my $ip = pack("CCnnnCCnC4C4", 0x45, 0, 20 + length($icmp), $seq, 0,
		    64, 1, 0, 10, 0, 0, 1, 10, 0, 0, 2);
		substr($ip, 10, 2) = sum($ip);
		my $fr = pack("H12H12n", "b2a000000002", "b2a000000001", 0x0800) .
		    $ip . $icmp;
		pcap("req$seq.pcap", pack("LLLL", time, 0, length($fr), length($fr)), $fr);
	}' "$d"
"$B/shmif_pcapin" "$d/empty.pcap" "$d/lan.bus"
echo "== bus $d/lan.bus:"
"$B/shmif_dumpbus" -h "$d/lan.bus"

# answer: reads a pcap stream, writes a pcap stream of echo replies.
cat > "$d/answer.pl" <<'EOF'
$| = 1;
read(STDIN, $h, 24) == 24 or exit 0;
print $h;
while (read(STDIN, $r, 16) == 16) {
	my ($s, $us, $cap, $len) = unpack("LLLL", $r);
	read(STDIN, $f, $cap) == $cap or last;
	next unless $cap >= 42 && substr($f, 12, 2) eq "\x08\x00";
	my $ip = 14 + 4 * (ord(substr($f, 14, 1)) & 15);
	next unless ord(substr($f, 23, 1)) == 1 && ord(substr($f, $ip, 1)) == 8
	    && substr($f, 30, 4) eq pack("C4", 10, 0, 0, 2);
	# Swap the addresses; type 8 -> 0 adds 0x0800 to the ICMP checksum.
	substr($f, 0, 12) = substr($f, 6, 6) . substr($f, 0, 6);
	substr($f, 26, 8) = substr($f, 30, 4) . substr($f, 26, 4);
	substr($f, $ip, 1) = "\0";
	my $c = unpack("n", substr($f, $ip + 2, 2)) + 0x0800;
	substr($f, $ip + 2, 2) = pack("n", ($c & 0xffff) + ($c >> 16));
	print $r, $f;
}
EOF

mkfifo "$d/watch" "$d/node-b"
echo "== watcher: shmif_dumpbus -f -p - lan.bus | tcpdump -r -"
tcpdump -l -nn -r "$d/watch" 2>/dev/null | sed -u 's/^/   watcher| /' &
pids="$pids $!"
"$B/shmif_dumpbus" -f -p - "$d/lan.bus" 2>/dev/null > "$d/watch" &
wpid=$!; pids="$pids $wpid"
echo "== node B (10.0.0.2): shmif_dumpbus -f -p - | answer | shmif_pcapin -"
perl "$d/answer.pl" < "$d/node-b" | "$B/shmif_pcapin" - "$d/lan.bus" &
pids="$pids $!"
"$B/shmif_dumpbus" -f -p - "$d/lan.bus" 2>/dev/null > "$d/node-b" &
bpid=$!; pids="$pids $bpid"
sleep 0.5
echo "== node A (10.0.0.1): shmif_pcapin req0.pcap .. req4.pcap, one per 0.2 s"
for i in 0 1 2 3 4; do
	"$B/shmif_pcapin" "$d/req$i.pcap" "$d/lan.bus"
	sleep 0.2
done
sleep 0.5
kill -INT "$bpid" "$wpid"
wait 2>/dev/null || :
pids=""

echo "== the bus afterwards: shmif_dumpbus -p lan.pcap lan.bus; tcpdump -r lan.pcap"
"$B/shmif_dumpbus" -p "$d/lan.pcap" "$d/lan.bus" | head -1
tcpdump -nn -r "$d/lan.pcap" 2>/dev/null | sed 's/^/   /'
echo "== shmif_stat lan.bus"
(cd "$d" && "$B/shmif_stat" lan.bus)
