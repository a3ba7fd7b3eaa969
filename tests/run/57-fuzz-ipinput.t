#!/bin/sh
# Runs the router receive-path fuzz target (fuzz_ipinput: one Ethernet
# frame per input into a node forwarding IPv4 and IPv6) for a bounded
# time, from seeds that reach each path (forwarding, TTL/hop limit 1, no
# route, reject, blackhole, too big, fragments, packet too big, ND): it
# must find no crash, hang, leak or out-of-bounds access.
. "$(dirname "$0")/../lib/common.sh"
F=${FUZZ_O:-$O/../fuzz}/fuzz_ipinput
plan 1
if [ ! -x "$F" ]; then echo "ok 1 # SKIP $F not built"; exit 0; fi
if ! command -v python3 >/dev/null; then echo "ok 1 # SKIP no python3"; exit 0; fi
mkdir -p "$T/corpus"
python3 - "$T/corpus" <<'PY'
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
def v4(dst, ttl, payload, off=0, proto=1):
    h = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(payload), 7, off, ttl, proto, 0, a4('10.1.1.2'), a4(dst))
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
}
for name, frame in seeds.items():
    for port in (0, 1):
        with open('%s/%s-%d' % (out, name, port), 'wb') as f:
            f.write(bytes([port]) + frame)
PY
check "fuzz_ipinput: ${FUZZ_SECONDS:-30} s over frames into a router, no finding" \
    sh -c "cd '$T' && '$F' -max_total_time=${FUZZ_SECONDS:-30} -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 '$T/corpus'"
tail -5 "$T/.out" | sed 's/^/# /'
done_testing
