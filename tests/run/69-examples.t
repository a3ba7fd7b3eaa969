#!/bin/bash
# 69-examples.t — the teaching labs of examples/, as the unprivileged
# user.  Proves: every lab directory has its topology, exercise, list of
# checks its starting state fails (start.fails) and solution, validates,
# and is in examples/README.md; then, for each lab (several at once, in
# copies of their directories): the starting state fails exactly the
# checks start.fails names, no more and no fewer, and once the solution is
# applied (solution.sh run against the running lab, or solution.patch
# applied to the topology and the lab started again) every check passes.
# Each lab's time is printed.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/lab.sh"
for t in jq patch tcpdump tshark; do
	command -v $t >/dev/null || skip_all "$t not installed"
done
EX=$ROOT/examples
labs=$(cd "$EX" && ls -d [0-9]*/ | tr -d /)
n=$(echo "$labs" | wc -w)
plan $((2 * n + 2))

# --- what every lab has --------------------------------------------------------
: >"$T/missing"
for l in $labs; do
	for f in lab.yaml README.md start.fails; do
		[ -s "$EX/$l/$f" ] || echo "$l/$f" >>"$T/missing"
	done
	[ -s "$EX/$l/solution.sh" ] || [ -s "$EX/$l/solution.patch" ] ||
	    echo "$l/solution.sh or solution.patch" >>"$T/missing"
	grep -q "^| \[$l\]($l/README.md) |" "$EX/README.md" ||
	    echo "$l: no line in examples/README.md" >>"$T/missing"
	as_user rumplab validate "$EX/$l/lab.yaml" >/dev/null 2>>"$T/missing"
done
[ ! -s "$T/missing" ]
ok $? "$n labs, each with lab.yaml, README.md, start.fails, a solution and a line in the index, valid" ||
    sed 's/^/# /' "$T/missing"
[ "$n" -ge 10 ]; ok $? "at least ten labs"

# --- each lab: the start fails as it should, the solution passes -----------------
mkdir -p "$T/ex" "$T/res"
cp -r "$EX"/[0-9]* "$T/ex/"
[ "$(id -u)" = 0 ] && chown -R 65534:65534 "$T/ex" "$T/res"
one_lab() {	# DIR: writes its two results to $T/res/DIR
	local d=$T/ex/$1 res=$T/res/$1 name s r
	name=$(sed -n 's/^name: *//p' "$d/lab.yaml")
	s=$(secs)
	cd "$d" || return
	if ! R up -q lab.yaml >up.out 2>&1; then
		echo "not ok - $1: up failed: $(tail -1 up.out)" >"$res"
		echo "not ok - $1: (not run)" >>"$res"
		return
	fi
	R check --json "$name" >start.json 2>&1
	jq -r '.checks[] | select(.status == "failed") | .name' start.json |
	    sort >start.got
	sort start.fails >start.want
	if cmp -s start.got start.want; then
		echo "ok - $1: the starting state fails its $(wc -l <start.want) expected checks" >"$res"
	else
		echo "not ok - $1: the starting state fails other checks than start.fails" >"$res"
		diff start.want start.got | sed 's/^/# /' >>"$res"
	fi
	if [ -f solution.patch ]; then
		as_user patch -s lab.yaml <solution.patch && R down "$name" >/dev/null 2>&1 &&
		    R up -q lab.yaml >up2.out 2>&1
	else
		as_user env XDG_RUNTIME_DIR="$XDG_RUNTIME_DIR" RUMPLAB_LAB="$name" sh solution.sh >solution.out 2>&1
	fi
	R check "$name" >end.out 2>&1; r=$?
	if [ $r = 0 ]; then
		echo "ok - $1: with the solution every check passes ($(elapsed "$s") s in all)" >>"$res"
	else
		echo "not ok - $1: with the solution, check exits $r" >>"$res"
		sed 's/^/# /' end.out solution.out 2>/dev/null | head -30 >>"$res"
	fi
	R down "$name" >/dev/null 2>&1
}
# Four labs at a time: they are small, but a check waits on timers.
running=0
for l in $labs; do
	one_lab "$l" &
	running=$((running + 1))
	if [ $running -ge ${EXAMPLE_JOBS:-4} ]; then
		wait -n
		running=$((running - 1))
	fi
done
wait
for l in $labs; do
	while IFS= read -r line; do
		case $line in
		"ok - "*) ok 0 "${line#ok - }" ;;
		"not ok - "*) ok 1 "${line#not ok - }" ;;
		*) echo "$line" ;;
		esac
	done <"$T/res/$l"
done
done_testing
