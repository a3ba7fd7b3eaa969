#!/bin/sh
# rumplab console, driven in tmux as the unprivileged user: the overview
# lists a running lab's nodes and buses, / filters them, a node page shows
# the route the lab configured and its service (and the service's death),
# a bus page shows the ICMP frames of a ping
# started during the test (and a capture writes them to a pcap), ping
# from the keyboard is confirmed on screen, link down from the console
# (its prompt starts empty, the default in brackets) makes `rumplab check`
# fail and link up makes it pass again; buses the topology impairs are
# marked, and d / u on the bus list cut and join a bus; the screen fits
# 80x24 with the help in a whole box, follows a resize, and Ctrl-C leaves
# the terminal clean with no child left.  Also: the frame decoder against known frames and
# against tcpdump's text for the same frames (NetBSD's fixture buses
# included), and its fuzz target for a bounded time.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/lab.sh"
if ! command -v tmux >/dev/null; then echo "1..0 # SKIP tmux not installed"; exit 0; fi
plan 44

# --- the decoder ---------------------------------------------------------
check "decoder unit tests (known frames, truncations, short buffers)" \
    "$O/tests/test_decode" -w "$T/known.pcap"
cmp_tcpdump() {	# PCAP: our lines equal tcpdump -n -S -t's
	tcpdump -n -S -t -r "$1" 2>/dev/null >"$T/td.txt" &&
	"$O/tests/test_decode" -r "$1" >"$T/me.txt" &&
	[ -s "$T/me.txt" ] && diff "$T/td.txt" "$T/me.txt"
}
check "decoded known frames read as tcpdump -n -S -t reads them" \
    cmp_tcpdump "$T/known.pcap"
if why=$(no_fixtures); then
	echo "ok $((_n=_n+1)) # SKIP $why"
else
	gzip -dc "$FX/wrapped.pcap.gz" >"$T/wrapped.pcap"
	check "NetBSD's 8594-frame wrapped bus decodes as tcpdump reads it" \
	    cmp_tcpdump "$T/wrapped.pcap"
fi
F=${FUZZ_O:-$O/../fuzz}/fuzz_decode
if [ -x "$F" ]; then
	mkdir -p "$T/corpus"
	check "fuzz_decode: ${FUZZ_SECONDS:-15} s over arbitrary frames, no finding" \
	    sh -c "cd '$T' && '$F' -max_total_time=${FUZZ_SECONDS:-15} -timeout=10 -rss_limit_mb=1024 '$T/corpus'"
else
	echo "ok $((_n=_n+1)) # SKIP $F not built"
fi

# --- a lab and the console in tmux ----------------------------------------
# The default topology with a delay on lan2 (the overview marks the buses
# the topology impairs) and a service on h1.
sed -e 's/^  lan2: { /  lan2: { delay: 1ms, /' \
    -e '/^  h1:$/a\    run: [ "sleep 1000" ]' \
    -e '/^  h1:$/a\    fs: [ { type: tmpfs, mount: /scratch, size: 1M } ]' \
    "$ROOT/topologies/default.yaml" >"$T/c81.yaml"
chmod 0644 "$T/c81.yaml"
check "lab up (the default topology, lan2 delayed, a service and a tmpfs on h1, as c81)" \
    R up --name c81 -q "$T/c81.yaml"
TMUX_TMPDIR=$T
export TMUX_TMPDIR
# tmux runs the pane's command with $SHELL -c, and without SHELL in the
# environment (CI's) it takes the user's login shell: nobody's is nologin.
# bash, as a user's shell: dash -c dies of the Ctrl-C its child handles,
# bash waits to see whether the child died of it.
TM() { as_user env TMUX_TMPDIR="$T" SHELL=/bin/bash tmux -L rl81 "$@"; }
tm_kill() { TM kill-server 2>/dev/null; }
on_exit tm_kill
screen() { TM capture-pane -p -t "${S:-c81}"; }
# wait_for PATTERN [SECONDS]: until the screen shows PATTERN (grep -E)
wait_for() {
	local i n=$(( ${2:-10} * 10 ))
	for i in $(seq "$n"); do
		screen | grep -Eq -- "$1" && return 0
		sleep 0.1
	done
	screen | sed 's/^/# | /'
	return 1
}
keys() { TM send-keys -t c81 "$@"; }
TM new-session -d -s c81 -x 100 -y 30 \
    "TERM=xterm-256color rumplab console c81; echo console-exit=\$?; exec sleep 600"

wait_for '^  h1 +up ' 15 && wait_for '^  r2 +up ' && wait_for '^  lan2 +2 ' &&
    screen | grep -Eq '^  h2 +up ' && screen | grep -Eq '^  r1 +up ' &&
    screen | grep -Eq '^  core +2 ' && screen | grep -Eq '^  lan1 +2 '
ok $? "the overview shows h1 h2 r1 r2 up and buses core lan1 lan2"
screen | grep -Eq '^  lan2 +2 impaired ' && screen | grep -Eq '^  core +2 - '
ok $? "the bus the topology delays is marked impaired, the others not"
wait_for '^  h1 +up +[0-9]+ +1/1 +[0-9]' 10
ok $? "node rows carry pid, links up and packet counters from the nodes"

keys / r
wait_for 'NODES 2/4' && ! screen | grep -Eq '^  h[12] ' &&
    screen | grep -Eq '^  r1 ' && screen | grep -Eq '^  r2 '
ok $? "/ filters by name while typing: r shows r1 and r2 only"
keys Escape
wait_for 'NODES 4/4' && screen | grep -Eq '^  h1 '
ok $? "Esc clears the filter"

# h1 is the first row (sorted by name): its page, section 2, the routes
keys Enter
svc=$(R status --json c81 | python3 -c 'import json,sys
print([n for n in json.load(sys.stdin)["nodes"] if n["name"]=="h1"][0]["services"][0]["pid"])')
wait_for '^node h1: up' && wait_for "^services: run0 running, pid $svc: sleep 1000" 5
ok $? "h1's page shows its service running, with its pid"
kill -9 "$svc"
wait_for "^services: run0 killed by signal 9, pid $svc: sleep 1000" 5
ok $? "and shows it killed by signal 9 once it was"
keys 2
wait_for '^default +10\.0\.1\.1 +UGS? ' 10
ok $? "h1's page shows the default route via 10.0.1.1 the lab configured"
screen | grep -q 'Routing table' && wait_for 'fd00:0:0:1::1 ' 5
ok $? "and its IPv6 default route via fd00:0:0:1::1"
keys 1
wait_for 'inet 10\.0\.1\.10/24' && screen | grep -q 'address: b2:a0:' &&
    screen | grep -q 'mtu 1500'
ok $? "section 1: h1's interface with its address, MAC and MTU"
keys 8
wait_for '^== \[8\] File systems \(rump.mount\) ==' 5 &&
    wait_for '^[^ ]+ on /scratch type tmpfs \(.*size=1048576' 5
ok $? "section 8: h1's mounts, its tmpfs on /scratch"

# ping from the keyboard, confirmed in the action pane
keys p
wait_for 'ping from h1 to:' && keys 10.0.2.10 Enter
wait_for '3 packets transmitted, 3 packets received' 20
ok $? "p pings from h1 to 10.0.2.10 and the pane shows the result"
keys x q

# the bus page of lan2, then a ping started from outside the console
keys Tab Down Down Enter
wait_for '^bus lan2: 2 interfaces' && wait_for 'r2:shmif1 +up'
ok $? "lan2's page lists its interfaces with link state and counters"
R exec h1 -- rump.ping -c 3 -i 0.3 10.0.1.1 >/dev/null 2>&1
R exec h1 -- rump.ping -c 2 -i 0.3 10.0.2.10 >"$T/ping.out" 2>&1 &
wait_for 'IP 10\.0\.1\.10 > 10\.0\.2\.10: ICMP echo request, id [0-9]+, seq 1' 15 &&
    wait_for 'IP 10\.0\.2\.10 > 10\.0\.1\.10: ICMP echo reply, id [0-9]+, seq 1' 5
ok $? "the bus page shows that ping's echo requests and replies, decoded"
wait
keys Space
wait_for 'frames: PAUSED' && keys Space && wait_for 'frames: following'
ok $? "space pauses and resumes the frames"

keys c
wait_for 'capture bus lan2 to file:' && keys C-u "$T/lan2.pcap" Enter
wait_for 'capturing to ' 5
R exec h2 -- rump.ping -c 2 -i 0.3 10.0.2.1 >/dev/null 2>&1
sleep 0.5
keys c
wait_for 'frames written to' 10
tcpdump -n -r "$T/lan2.pcap" 2>/dev/null | grep -c 'ICMP echo request' >"$T/n"
[ "$(cat "$T/n")" -ge 2 ]
ok $? "c captures the bus to a pcap that tcpdump reads ($(cat "$T/n") echo requests)"
keys q

# link down from the console: the lab's checks fail; up: they pass
keys Tab
wait_for '^> NODES' && keys Home d
wait_for 'link down: interface of h1 \(shmif0\) \[shmif0\]: *$' && keys shmif0 Enter
wait_for 'link set h1:shmif0 down' 5 && wait_for '^ok ' 10
ok $? "d asks for the interface (default in brackets, the line empty) and sets h1:shmif0 down, confirmed on screen"
R check c81 >"$T/check1" 2>&1
ok $((! $?)) "with h1's link down, rumplab check fails"
grep -q 'FAIL h1' "$T/check1" || sed 's/^/# /' "$T/check1"
wait_for '^  h1 +up +[0-9]+ +0/1 ' 10
ok $? "the overview shows h1 with 0/1 links up"
keys u
wait_for 'link up: interface of h1' && keys Enter
wait_for 'link set h1:shmif0 up' 5 && wait_for '^ok ' 10
ok $? "u sets it up again"
R check c81 >"$T/check2" 2>&1
ok $? "and rumplab check passes again"
[ $? = 0 ] || sed 's/^/# /' "$T/check2"

# i: any `link set` words, confirmed with what is now in effect
keys i
wait_for 'impair a link of h1' && keys "delay 20ms" Enter
wait_for 'out.delay=20ms' 10
ok $? "i impairs h1:shmif0 with link set's words, confirmed on screen"
R link show h1:shmif0 --lab c81 >"$T/ls" 2>&1
ok "$(grep -q 'out.delay=20ms in.delay=20ms' "$T/ls"; echo $?)" "the supervisor has it (link show)"
keys i
wait_for 'impair a link of h1' && keys "clear" Enter
wait_for 'link set h1:shmif0 clear' 10

# d / u on the bus list cut and join the selected bus
keys Tab Up Up d
wait_for 'bus cut core' 5 && wait_for '^ok bus core cut' 10 &&
    wait_for '^  core +2 cut ' 5
ok $? "d on the bus list cuts the bus, confirmed and marked in the list"
R status c81 >"$T/st" 2>&1
ok "$(grep -qx 'bus core cut' "$T/st" && ! grep -q '^bus lan2' "$T/st"; echo $?)" \
    "status lists the cut, not lan2's planned delay"
keys u
wait_for 'bus join core' 5 && wait_for '^  core +2 - ' 5
ok $? "u joins it again"
keys Tab
wait_for '^> NODES' 3

# everything this test sent over lan1 (ARP, ND, MLD, ICMP, ICMPv6, the
# checks' probes): the console's lines are tcpdump's (whose MLDv1 lines
# lack a space: "reportmax")
as_user shmif_dumpbus -p "$T/lan1.pcap" "$XDG_RUNTIME_DIR/rumplab/c81/bus/lan1" >/dev/null 2>&1
tcpdump -n -S -t -r "$T/lan1.pcap" 2>/dev/null |
    sed 's/listener \(report\|query\|done\)max/listener \1 max/' >"$T/td1.txt"
"$O/tests/test_decode" -r "$T/lan1.pcap" >"$T/me1.txt"
[ "$(wc -l <"$T/me1.txt")" -gt 20 ] && diff "$T/td1.txt" "$T/me1.txt" >"$T/d1"
ok $? "lan1's $(wc -l <"$T/me1.txt") frames of this test decode as tcpdump reads them"
sed 's/^/# /' "$T/d1" | head -10

# a node that stops answering (SIGSTOP) is shown as such; the screen
# does not wait for it
h2pid=$(R status c81 | awk '$1 == "h2" { print $2 }')
kill -STOP "$h2pid"
wait_for '^  h2 +no-reply +[0-9]+ .*not answering' 15
ok $? "a stopped node shows as no-reply, not answering"
keys / h 2
wait_for 'NODES 1/4' 3 && keys Escape && wait_for 'NODES 4/4' 3
ok $? "the console answers keys at once meanwhile"
kill -CONT "$h2pid"
wait_for '^  h2 +up +[0-9]+ +1/1 ' 15
ok $? "once it runs again it is up with its counters"

# sizes: 80x24, a resize, and the help fits
keys x
TM resize-window -t c81 -x 80 -y 24
wait_for 'NODES 4/4' && [ "$(screen | wc -l)" -le 24 ] &&
    screen | sed -n 24p | grep -q 'q:quit$' && screen | grep -Eq '^  lan2 '
ok $? "80x24: title, nodes, buses and the key line all on screen"
keys '?'
# the box: a border above the first line and below the last, both on
# screen (ACS lines come out as l q k m j in the pane without UTF-8)
wait_for 'space, m +bus page: pause' &&
    screen | grep -B1 'Keys (any screen)' | head -1 | grep -Eq '[┌l+][─q-]{40,}[┐k+]' &&
    screen | grep -E -A1 'space, m +bus page' | tail -1 | grep -Eq '[└m+][─q-]{40,}[┘j+]' &&
    screen | grep -q 'cut / join / impair the bus'
ok $? "? shows the keys in a box, whole, in 80x24"
keys Space
TM resize-window -t c81 -x 140 -y 40
wait_for 'INTERFACES' && wait_for 'shmif0:lan1 shmif1:core'
ok $? "resized to 140x40: the wider layout with each node's interfaces"

# Ctrl-C: terminal restored, children gone
shell=$(TM display -p -t c81 '#{pane_pid}')
kids() { for d in /proc/[0-9]*; do
	awk -v p="$1" '{ if ($4 == p) print $1 }' "$d/stat" 2>/dev/null; done; }
cons=$(kids "$shell")
keys p
wait_for 'ping from h1 to:' && keys 10.0.2.10 Enter
sleep 0.3
desc=$(for c in $cons; do kids "$c"; done)
keys C-c
wait_for 'console-exit=0' 10
ok $? "Ctrl-C quits the console with status 0"
[ "$(TM display -p -t c81 '#{alternate_on}')" = 0 ] &&
    [ "$(TM display -p -t c81 '#{cursor_flag}')" = 1 ]
ok $? "the terminal is back: main screen, cursor visible"
left=""
for p in $cons $desc; do [ -d "/proc/$p" ] && ! grep -q '^State:.*Z' "/proc/$p/status" && left="$left $p"; done
[ -z "$left" ]
ok $? "no child of the console is left (it had ${desc:-none} running)"

# SIGHUP (an ssh session dropped): the same clean exit, status 128+1
TM new-session -d -s hup -x 80 -y 24 \
    "TERM=xterm rumplab console c81; echo console-exit=\$?; exec sleep 600"
S=hup wait_for '^  h1 +up ' 15
hcons=$(kids "$(TM display -p -t hup '#{pane_pid}')")
kill -HUP $hcons
S=hup wait_for 'console-exit=129' 10 &&
    [ "$(TM display -p -t hup '#{alternate_on}')" = 0 ]
ok $? "SIGHUP restores the terminal and exits with 129"

tm_kill
check "lab down" R down c81
check_nothing_left
done_testing
