#!/bin/sh
# demo-bus.sh: two processes talk over a shmif bus while tcpdump watches.
#
# Node A (10.0.0.1) sends five ICMP echo requests onto a fresh bus with
# shmif_pcapin.  Node B (10.0.0.2) is a pipeline of the bus tools: it
# follows the bus (shmif_dumpbus -f -p -), a few lines of perl turn each
# echo request for 10.0.0.2 into its reply, and shmif_pcapin puts the
# replies back on the bus.  A third process follows the bus into tcpdump,
# live.  At the end the bus is dumped to a pcap file and summarised.
# The frames are taken from a capture of NetBSD kernels pinging each other
# ($SHARED/fixtures/netbsd-shmif/small.pcap.gz).  Runs in a few seconds,
# needs no privileges, and removes everything it made on any exit.
#
#   O=build/default SHARED=../shared sh tests/demo-bus.sh
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
O=${O:-$top/build/default}
SHARED=${SHARED:-$top/../shared}
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

# A's five echo requests, and an empty capture to create the bus with.
gzip -dc "$SHARED/fixtures/netbsd-shmif/small.pcap.gz" > "$d/netbsd.pcap"
tcpdump -r "$d/netbsd.pcap" -c 5 -w "$d/requests.pcap" \
    'icmp[icmptype] = icmp-echo and dst host 10.0.0.2' 2>/dev/null
tcpdump -r "$d/netbsd.pcap" -w "$d/empty.pcap" 'ether proto 0' 2>/dev/null
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
echo "== node A (10.0.0.1): shmif_pcapin requests.pcap, one request per 0.2 s"
for i in 1 2 3 4 5; do
	tcpdump -r "$d/requests.pcap" -w "$d/one.pcap" \
	    "icmp[6:2] = $((i - 1))" 2>/dev/null
	"$B/shmif_pcapin" "$d/one.pcap" "$d/lan.bus"
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
