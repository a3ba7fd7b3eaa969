# targets.sh — sourced by the fuzz tests (tests/run/*-fuzz-*.t, 81) and by
# tests/fuzz-long.sh: what each libFuzzer target is run with, in one place.
#
#   fuzz_targets            the targets' names, fastest first
#   fuzz_flags NAME         libFuzzer options of NAME (input size, memory)
#   fuzz_seeds NAME DIR     writes NAME's seed inputs into DIR, with the
#                           inputs that once found a bug (tests/fuzz/
#                           regress/NAME/, if any); fails when a tool the
#                           seeds need (python3, mke2fs) is missing,
#                           saying which on stdout
#
# ROOT must name the source tree (topologies, examples and broken ones are
# fuzz_topology's seeds).

fuzz_targets() { echo uplink sysproxy decode ipinput shmif topology ext2; }

fuzz_flags() {
	case $1 in
	sysproxy) echo "-timeout=10 -rss_limit_mb=1024 -max_len=4096" ;;
	# Entropic scheduling keeps a list of the rarest features, trimmed
	# to 100 only once the most frequent of them passes this threshold
	# (255), and searches it at every feature an input hits: with
	# topology's 57,000 features that search was half the target's
	# time.  At 8 the list is trimmed sooner.
	topology) echo "-timeout=10 -rss_limit_mb=1024 -max_len=4096 -entropic_feature_frequency_threshold=8" ;;
	ext2) echo "-timeout=10 -rss_limit_mb=1024 -max_len=65536" ;;
	ipinput) echo "-timeout=10 -rss_limit_mb=2048" ;;
	*) echo "-timeout=10 -rss_limit_mb=1024" ;;
	esac
}

fuzz_seeds() {
	mkdir -p "$2" || return 1
	if [ -d "$ROOT/tests/fuzz/regress/$1" ]; then
		cp "$ROOT/tests/fuzz/regress/$1"/* "$2/" || return 1
	fi
	case $1 in
	sysproxy) _seeds_sysproxy "$2" ;;
	ext2) _seeds_ext2 "$2" ;;
	ipinput) _seeds_ipinput "$2" ;;
	topology) _seeds_topology "$2" ;;
	uplink) _seeds_uplink "$2" ;;
	*) return 0 ;;          # shmif, decode: from nothing
	esac
}

# The spec's example frames, so the fuzzer starts from valid calls.
_seeds_sysproxy() {
	printf '\x1c\0\0\0\x07\0\0\0\x01\0\0\0\0\0\0\0\x02\0\0\0\x01\0\0\0\0\0\0\0' >"$1/socket"
	printf '\x1c\0\0\0\x09\0\0\0\x03\0\0\0\0\0\0\0\x03\0\0\0\x02\0\x07\0\x7f\0\0\x01' >"$1/connect"
	printf '\x24\0\0\0\x0c\0\0\0\x0e\0\0\0\0\0\0\0\xe8\x03\0\0\x02\0\0\0\x03\0\0\0\x01\0\x04\0\0\0\x04\0' >"$1/poll"
	printf '\x14\0\0\0\x0d\0\0\0\x24\0\x01\0\xf0\xff\xff\xff\x02\0up' >"$1/ebusy"
}

# A heartbeat (lab/UPLINK.txt), a stats line and a udp:// URL.
_seeds_uplink() {
	printf '\003rlupl\002rl\001\002\003\210\265rumplab uplink\0\0\0\0\0\0\0\007' >"$1/heartbeat"
	printf 'uplink udp://127.0.0.1:47100->127.0.0.1:47101 up 12 1176 12 1176 0' >"$1/stats"
	printf 'udp://127.0.0.1:47100->127.0.0.1:47101' >"$1/url"
}

# Small ext2 and ext4 images that mke2fs makes here.
_seeds_ext2() {
	command -v mke2fs >/dev/null || { echo "no mke2fs"; return 1; }
	_s=$(mktemp -d) || return 1
	mkdir -p "$_s/d"
	echo hi >"$_s/d/f"
	head -c 3000 /dev/urandom >"$_s/r"
	ln -s f "$_s/d/fast"
	ln -s "$(printf '%080d' 0)" "$_s/slow"
	_i=0
	for _o in "-t ext2" "-t ext4 -O ^has_journal" "-t ext2 -O ^filetype"; do
		_i=$((_i + 1))
		truncate -s 64k "$1/seed$_i"
		mke2fs -q -F $_o -b 1024 -N 16 -m 0 -d "$_s" "$1/seed$_i" \
		    >/dev/null 2>&1 || rm -f "$1/seed$_i"
	done
	rm -rf "$_s"
}

# The ready-made topologies, the examples and the broken ones.
_seeds_topology() {
	for _f in "$ROOT"/topologies/*.yaml "$ROOT"/examples/*.yaml \
	    "$ROOT"/tests/lab/bad/*.yaml; do
		[ "$(wc -c <"$_f")" -le 4096 ] && cp "$_f" "$1/"
	done
	return 0
}

# One Ethernet frame per input (a port byte first) reaching each path of a
# router: forwarding, TTL/hop limit 1, no route, reject, blackhole, too
# big, fragments, packet too big, ND, IPv4 options (record route, source
# routes through the router and ending at it).
_seeds_ipinput() {
	command -v python3 >/dev/null || { echo "no python3"; return 1; }
	python3 - "$1" <<'PY'
import ipaddress, struct, sys
out = sys.argv[1]
def csum(b):
    if len(b) % 2: b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff
def eth(t): return b'\xb2\xa0\0\0\0\1' + b'\xb2\xa0\0\0\0\2' + struct.pack('!H', t)
def a4(s): return ipaddress.IPv4Address(s).packed
def a6(s): return ipaddress.IPv6Address(s).packed
def v4(dst, ttl, payload, off=0, proto=1, opts=b''):
    h = struct.pack('!BBHHHBBH4s4s', 0x45 + len(opts) // 4, 0, 20 + len(opts) + len(payload), 7, off, ttl, proto, 0, a4('10.1.1.2'), a4(dst)) + opts
    h = h[:10] + struct.pack('!H', csum(h)) + h[12:]
    return eth(0x0800) + h + payload
def v6(dst, hlim, nh, payload, src='fd01::2'):
    return eth(0x86dd) + struct.pack('!IHBB', 6 << 28, len(payload), nh, hlim) + a6(src) + a6(dst) + payload
echo = b'\x08\0\0\0\0\1\0\1' + bytes(56)
echo6 = b'\x80\0\0\0\0\1\0\1' + bytes(56)
frag6 = lambda off, m: struct.pack('!BBHI', 58, 0, off | m, 99)
seeds = {
    'v4fwd': v4('10.9.1.1', 64, echo), 'v4ttl1': v4('10.9.1.1', 1, echo),
    'v4noroute': v4('10.66.1.1', 64, echo), 'v4reject': v4('10.8.1.1', 64, echo),
    'v4bh': v4('10.7.1.1', 64, echo), 'v4big': v4('10.9.1.1', 64, bytes(1400)),
    'v4df': v4('10.9.1.1', 64, bytes(1400), off=0x4000),
    'v4frag': v4('10.1.1.1', 64, echo, off=0x2000),
    'v6fwd': v6('fd09::1', 64, 58, echo6), 'v6hl1': v6('fd09::1', 1, 58, echo6),
    'v6noroute': v6('fd66::1', 64, 58, echo6), 'v6reject': v6('fd08::1', 64, 58, echo6),
    'v6bh': v6('fd07::1', 64, 58, echo6), 'v6big': v6('fd09::1', 64, 17, bytes(1400)),
    'v6ll': v6('fd09::1', 64, 58, echo6, src='fe80::2'),
    'v6frag0': v6('fd01::1', 64, 44, frag6(0, 1) + echo6),
    'v6frag1': v6('fd01::1', 64, 44, frag6(64, 0) + bytes(16)),
    'v6ptb': v6('fd01::1', 64, 58, b'\x02\0\0\0\0\0\x05\x00' + bytes(v6('fd09::1', 64, 58, echo6)[14:])),
    'v6ns': v6('ff02::1:ff00:1', 255, 58, b'\x87\0\0\0\0\0\0\0' + a6('fd01::1') + b'\x01\x01\xb2\xa0\0\0\0\2'),
    # UDP-Lite with a coverage beyond the datagram: aborted lwIP once
    'v6udplite': v6('fd01::1', 64, 136, b'\x91\x3a\0\x07\xb2\xa0\0\0' + bytes(16)),
    'v4udplite': v4('10.1.1.1', 64, b'\x91\x3a\0\x07\xb2\xa0\0\0' + bytes(16), proto=136),
    'v4rr': v4('10.9.1.1', 64, echo, opts=b'\x07\x27\x04' + bytes(37)),
    'v4rrlocal': v4('10.1.1.1', 64, echo, opts=b'\x07\x27\x04' + bytes(37)),
    'v4lsrr': v4('10.1.1.1', 64, echo, opts=b'\x83\x07\x04' + a4('10.9.1.1') + b'\x01'),
    'v4ssrr': v4('10.1.1.1', 64, echo, opts=b'\x89\x07\x04' + a4('10.1.2.2') + b'\x01'),
    'v4lsrrend': v4('10.1.1.1', 64, echo, opts=b'\x83\x0b\x0c' + a4('10.1.2.2') + a4('10.1.1.1') + b'\x01' + b'\x07\x0b\x04' + bytes(8) + b'\0'),
}
for name, frame in seeds.items():
    for port in (0, 1):
        with open('%s/%s-%d' % (out, name, port), 'wb') as f:
            f.write(bytes([port]) + frame)
PY
}
