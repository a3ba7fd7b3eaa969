#!/bin/bash
# Drawing figures: `rumplab graph` of generated labs of 100, 300 and 1000
# routers (ring, with a host each), to SVG and PNG, from the file (no lab
# running).  Target: a 1000-node lab in a few seconds.  $1: scratch
# directory.  Prints figures; fails only if a drawing cannot be made.
set -u
d=$1/graph
mkdir -p "$d" || exit 1
export PATH="$O/bin:$PATH"
secs() { date +%s.%N; }
for n in 100 300 1000; do
	rumplab generate ring $n --hosts -o "$d/ring$n.yaml" >/dev/null || exit 1
	for t in svg png; do
		s=$(secs)
		rumplab graph "$d/ring$n.yaml" -T $t -o "$d/ring$n.$t" 2>/dev/null || exit 1
		e=$(secs)
		printf 'ring %4d routers + %4d hosts: %s in %.2f s (%s KiB)\n' $n $n $t \
		    "$(awk -v a="$s" -v b="$e" 'BEGIN { print b - a }')" \
		    $(( $(stat -c %s "$d/ring$n.$t") / 1024 ))
	done
done
