#!/bin/bash
# 77-faults.t — breaking a running lab on purpose, as the unprivileged
# user: a link set down makes the lab's checks fail and traceroute stop at
# the break (the router answers host unreachable), and shows in status,
# link show and the node's own ifconfig; up restores it.  A bus cut
# partitions the segment; join heals it.  Nodes stop, start, restart and
# get killed, each visible in status.  Bad requests fail with a reason.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/lab.sh"
plan 35

X() { R exec "$@"; }
fails() { "$@" >"$T/.out" 2>&1; [ $? != 0 ]; }

check "default lab up" R up -q
check "its checks pass" R check

# --- link down / up ----------------------------------------------------------
check "link set r1:shmif1 down" R link set r1:shmif1 down
ok "$(fails R check; echo $?)" "the lab's checks fail with r1's core link down"
sed 's/^/# /' "$T/.out" | head -5
X h1 -- rump.traceroute -n -q 1 -w 1 -m 5 10.0.2.10 >"$T/tr" 2>&1
sed 's/^/# /' "$T/tr"
ok "$(grep -q '10\.0\.1\.1 .*!H' "$T/tr" && ! grep -q '10\.0\.0\.2' "$T/tr"; echo $?)" \
    "traceroute stops at the break: r1 answers host unreachable"
R status >"$T/st" 2>&1
ok "$(grep -q 'iface r1:shmif1 down' "$T/st"; echo $?)" "status lists the link that is down"
R link show r1:shmif1 >"$T/ls" 2>&1
ok "$(grep -q '^r1:shmif1 *core *down' "$T/ls"; echo $?)" "link show says down"
X r1 -- rump.ifconfig shmif1 >"$T/if" 2>&1
ok "$(grep -q 'status: no carrier' "$T/if"; echo $?)" "the node's interface has no carrier"
X r1 -- rump.dmesg >"$T/dm" 2>&1
ok "$(grep -q 'shmif1: link state DOWN' "$T/dm"; echo $?)" "and its kernel logged it"
check "link set r1:shmif1 up" R link set r1:shmif1 up
check "checks pass again" R check
X h1 -- rump.traceroute -n -q 1 -w 1 10.0.2.10 >"$T/tr" 2>&1
ok "$(grep -q '10\.0\.2\.10' "$T/tr"; echo $?)" "traceroute reaches h2 again"

# --- bus cut / join -------------------------------------------------------------
check "bus cut core" R bus cut core
ok "$(fails R check; echo $?)" "checks across the cut bus fail"
R status >"$T/st" 2>&1
ok "$(grep -q 'bus core cut' "$T/st"; echo $?)" "status lists the cut bus"
R link show core >"$T/ls" 2>&1
ok "$(grep -q '^r2:shmif0 *core *cut' "$T/ls" && grep -q '^core *cut' "$T/ls"; echo $?)" \
    "link show: both ends cut"
check "h1 still reaches r1 (lan1 is whole)" X h1 -- rump.ping -c 1 10.0.1.1
check "bus join core" R bus join core
check "checks pass after the join" R check

# --- nodes ----------------------------------------------------------------------
check "node stop h2" R node stop h2
R status >"$T/st" 2>&1
ok "$(grep -q '^h2 .* stopped' "$T/st"; echo $?)" "status: h2 stopped"
check "node start h2" R node start h2
check "node kill h2" R node kill h2
sleep 0.3
R status >"$T/st" 2>&1
ok "$(grep -q '^h2 .* dead' "$T/st"; echo $?)" "status: h2 dead after kill"
check "node start h2 after the kill" R node start h2
check "node restart r2" R node restart r2
check "checks pass after all that" R check

# --- errors -----------------------------------------------------------------------
ok "$(fails R link set nosuch:shmif0 down && grep -q "no node 'nosuch'" "$T/.out"; echo $?)" \
    "an unknown node is refused with a reason"
ok "$(fails R link set lan1 in delay 5ms && grep -q 'sending side' "$T/.out"; echo $?)" \
    "'in' on a bus is refused: its impairments act on the sending side"
ok "$(fails R link set h1:shmif0 delay 20 && grep -q 'needs a unit' "$T/.out"; echo $?)" \
    "a time without a unit is refused with an example"
ok "$(fails R link set h1:shmif0 loss 120% && grep -q 'over 100%' "$T/.out"; echo $?)" \
    "a loss over 100 % is refused"
ok "$(fails R link set h1:shmif0 limit 20 && grep -q 'give a rate too' "$T/.out"; echo $?)" \
    "a queue limit without a rate is refused with the way to do it"
R link >"$T/.out" 2>&1
ok "$([ $? = 2 ] && grep -q usage "$T/.out"; echo $?)" "link without a verb: usage, exit 2"
check "down" R down
check_nothing_left
done_testing
