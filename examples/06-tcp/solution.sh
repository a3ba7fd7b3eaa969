#!/bin/sh
# Capture the bus while h1 sends 256 KiB to the server on h2.
rm -f tcp.pcap
rumplab capture lan -w tcp.pcap 2>/dev/null &
cap=$!
sleep 1
rumplab exec h1 -- rumpperf -c 10.6.0.2 -n 256k
sleep 1
kill $cap
wait $cap
