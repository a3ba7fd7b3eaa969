#!/bin/sh
# Proves the network faction end to end without rump_server: nodes (forked
# processes running rumpnet_netinet, rumpnet_netinet6 and rumpnet_shmif)
# on real shmif buses ping both ways over IPv4 and IPv6, carry UDP and a
# 10 MiB TCP stream intact, share a bus three at a time, forward transit
# packets only when told to, wake aborted sockets, and sleep when idle.
# Prints ping RTT, TCP throughput, idle wake-ups and RSS/PSS as diagnostics.
. "$(dirname "$0")/../lib/common.sh"
as_user "$O/tests/test_netinet" "$T"
