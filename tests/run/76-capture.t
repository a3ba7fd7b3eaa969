#!/bin/bash
# 76-capture.t — `rumplab capture` on a running lab, as the unprivileged
# user: a capture of a bus taken during a ping shows the ARP exchange and
# the echo request/reply in tshark; --rewind shows frames sent before the
# capture started; `-w - | tshark -r -` works; a capture at a node
# interface shows what it sent and accepted after its impairments; its
# tap goes away with the capture (also after SIGKILL); bad requests fail
# with a reason.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/lab.sh"
command -v tshark >/dev/null || { echo "1..0 # SKIP no tshark"; exit 0; }
plan 24

X() { R exec "$@"; }
# rumplab in the background as the user, $! its own pid (for signals)
bg_R() {
	if [ "$(id -u)" = 0 ]; then
		setpriv --reuid=65534 --regid=65534 --clear-groups env HOME="$T" \
		    XDG_RUNTIME_DIR="$XDG_RUNTIME_DIR" rumplab "$@" &
	else
		rumplab "$@" &
	fi
}
tsh() { tshark -n -r "$1" 2>/dev/null; }
LABDIR=$XDG_RUNTIME_DIR/rumplab/default

check "default lab up" R up -q
bg_R capture lan1 -w "$T/c1.pcap" 2>"$T/c1.err"
cap=$!
sleep 0.5
check "ping h1 -> h2 while lan1 is captured" X h1 -- rump.ping -c 2 -i 0.2 10.0.2.10
sleep 0.3
kill -INT $cap; wait $cap
ok $? "the capture ends cleanly on SIGINT"
tsh "$T/c1.pcap" >"$T/c1.txt"
sed 's/^/# /' "$T/c1.txt" | head -12
ok "$(grep -q 'ARP.*Who has 10.0.1.1' "$T/c1.txt" && grep -q 'ARP.*10.0.1.1 is at' "$T/c1.txt"; echo $?)" \
    "tshark shows the ARP request and reply"
ok "$(grep -q 'Echo (ping) request' "$T/c1.txt" && grep -q 'Echo (ping) reply' "$T/c1.txt"; echo $?)" \
    "and the echo request and reply"
ok "$(grep -q 'frames written' "$T/c1.err"; echo $?)" "it says how many frames it wrote"

# Frames already sent: still in lan1's ring.
R capture lan1 --rewind -c 200 -w - 2>/dev/null | tshark -n -r - 2>/dev/null >"$T/rw.txt" &
rw=$!
sleep 1
pkill -INT -f 'rumplab capture lan1 --rewind'
wait $rw
ok "$(grep -q 'Echo (ping) request.*seq=0' "$T/rw.txt"; echo $?)" \
    "--rewind shows frames sent before the capture started (through -w - | tshark -r -)"

# Live into a reader that follows a pipe (as wireshark -k -i - does).
( R capture lan1 -c 4 -w - 2>/dev/null | timeout 30 tshark -n -l -i - 2>/dev/null >"$T/live.txt" ) &
lp=$!
sleep 1
X h1 -- rump.ping -c 3 -i 0.2 10.0.1.1 >/dev/null 2>&1
wait $lp
ok "$(grep -q 'Echo (ping) request' "$T/live.txt"; echo $?)" "live through a pipe into tshark -i -"

# A node interface: after its impairments.
check "h1:shmif0 drops everything it receives" R link set h1:shmif0 in loss 100%
bg_R capture h1:shmif0 -w "$T/c2.pcap" 2>"$T/c2.err"
cap=$!
bg_R capture lan1 -w "$T/c3.pcap" 2>/dev/null
cap3=$!
# up to 10 s: a loaded machine (CI) took longer than a fixed 0.5 s
for i in $(seq 100); do
	ls "$LABDIR"/tap/ 2>/dev/null | grep -q '^h1\.shmif0\.' && break
	sleep 0.1
done
ok "$(ls "$LABDIR"/tap/ 2>/dev/null | grep -q '^h1\.shmif0\.'; echo $?)" "the node writes a tap file for the capture"
X h1 -- rump.ping -c 2 -i 0.2 -W 1 10.0.1.1 >/dev/null 2>&1
sleep 0.3
kill -INT $cap $cap3; wait $cap $cap3
tsh "$T/c2.pcap" >"$T/c2.txt"
tsh "$T/c3.pcap" >"$T/c3.txt"
ok "$(grep -q 'Echo (ping) request' "$T/c2.txt"; echo $?)" "the interface's capture shows the requests it sent"
ok "$(grep -q 'Echo (ping) reply' "$T/c2.txt"; [ $? = 1 ]; echo $?)" \
    "and not the replies its input impairment dropped"
ok "$(grep -q 'Echo (ping) reply' "$T/c3.txt"; echo $?)" "which the bus carried"
ok "$(ls "$LABDIR"/tap/ 2>/dev/null | grep -c . | grep -qx 0; echo $?)" "the tap file is gone with the capture"
check "clear" R link set h1:shmif0 clear

# SIGKILL: the node drops the tap when the connection closes.
bg_R capture r1:shmif1 -w "$T/c4.pcap" 2>/dev/null
k=$!
sleep 0.5
{ kill -KILL $k; wait $k; } 2>/dev/null
sleep 0.5
X r1 -- rump.dmesg >"$T/dmesg" 2>&1
ok "$(grep -q 'shmif1: capture tap off' "$T/dmesg"; echo $?)" "a killed capture's tap is taken off by the node"
ok "$(ls "$LABDIR"/tap/ 2>/dev/null | grep -c . | grep -qx 0; echo $?)" "and its file removed"

# The node dies under a capture of its interface: the capture ends.
bg_R capture h2:shmif0 -w "$T/c5.pcap" 2>"$T/c5.err"
k=$!
sleep 0.5
R node kill h2 >/dev/null 2>&1
for i in $(seq 40); do kill -0 $k 2>/dev/null || break; sleep 0.1; done
ok "$(kill -0 $k 2>/dev/null; [ $? != 0 ] && grep -q 'node went down' "$T/c5.err"; echo $?)" \
    "a capture of a node that dies ends and says why"
{ kill -KILL $k; wait $k; } 2>/dev/null
check "node start h2" R node start h2

# Errors.
R capture nosuchbus -w "$T/x.pcap" >"$T/e1" 2>&1
ok "$([ $? != 0 ] && grep -q "no bus 'nosuchbus'" "$T/e1"; echo $?)" "an unknown bus is refused with a reason"
R capture h1:shmif0 --rewind -w "$T/x.pcap" >"$T/e2" 2>&1
ok "$([ $? != 0 ] && grep -q 'rewind' "$T/e2"; echo $?)" "--rewind of an interface is refused with the way to do it"
R capture >"$T/e3" 2>&1
ok "$([ $? = 2 ] && grep -q usage "$T/e3"; echo $?)" "no target: usage, exit 2"
check "down" R down
check_nothing_left
done_testing
