#!/bin/bash
# 05-json.t — proves the one JSON writer (json/json.h): its unit test,
# then hostile strings (quotes, backslashes, every control character, NUL,
# DEL, invalid UTF-8 of every kind, long runs) written by it are read
# back by jq and by Python's json as exactly the text Python's
# bytes.decode("utf-8", "replace") makes of the same bytes.
. "$(dirname "$0")/../lib/common.sh"
if [ ! -x "$O/tests/test_json" ]; then echo "1..0 # SKIP test_json not built in $O"; exit 0; fi
command -v jq >/dev/null || skip_all "jq is not installed"
command -v python3 >/dev/null || skip_all "python3 is not installed"
cd "$T" || exit 1

# The unit test's TAP lines are folded into one: its own count is its.
"$O/tests/test_json" >"$T/unit" 2>&1; r=$?
plan 4
ok $([ $r = 0 ] && ! grep -q "^not ok" "$T/unit"; echo $?) \
    "unit test: structure, misuse, escapes ($(grep -c '^ok' "$T/unit") passed)" ||
    grep "^not ok" "$T/unit" | sed 's/^/# /'

n=0
w() { n=$((n+1)); printf "$1" >"$T/s$n"; }
w 'say "hi" \\ there \\"quoted\\"'
w 'nul\000inside\000'
w '\001\002\003\004\005\006\007\010\011\012\013\014\015\016\017\020\021\022\023\024\025\026\027\030\031\032\033\034\035\036\037\177'
w 'stray \200 \277 \300 \301 \365 \377 end'
w 'cut \342\202 \360\237\230 \340 end'
w 'overlong \300\257 \340\200\257 \360\200\200\257'
w 'surrogates \355\240\200 \355\277\277 and max \364\217\277\277 over \364\220\200\200'
w 'ok \303\251\342\202\254\360\237\230\200 \357\273\277'
w 'esc \033[31mred\033[0m backslash-u \\u0000 "'
python3 -c 'import sys; sys.stdout.buffer.write(bytes(range(256)) * 8)' >"$T/s$((n+1))"; n=$((n+1))
files=""; for i in $(seq 1 $n); do files="$files $T/s$i"; done

"$O/tests/test_json" quote $files >"$T/q.json"; r=$?
ok $([ $r = 0 ] && LC_ALL=C grep -q . "$T/q.json" && python3 -c '
import sys; open(sys.argv[1], "rb").read().decode("utf-8")' "$T/q.json"; echo $?) \
    "the output of $n hostile strings is UTF-8"

python3 - "$T/q.json" $files >"$T/py" 2>&1 <<'PY'
import json, sys
got = json.load(open(sys.argv[1], encoding="utf-8"))
want = [open(f, "rb").read().decode("utf-8", "replace") for f in sys.argv[2:]]
bad = [i + 1 for i, (g, w) in enumerate(zip(got, want)) if g != w]
if len(got) != len(want) or bad:
    print("differ:", bad, len(got), len(want))
    sys.exit(1)
PY
ok $? "Python's json reads each as the bytes decoded with U+FFFD for what is not UTF-8" ||
    sed 's/^/# /' "$T/py"

# jq: the same code points, string by string.
jq -c '[.[] | explode]' "$T/q.json" >"$T/jq.cp" 2>"$T/jq.err"; r=$?
python3 -c '
import json, sys
print(json.dumps([[ord(c) for c in open(f, "rb").read().decode("utf-8", "replace")]
    for f in sys.argv[1:]], separators=(",", ":")))' $files >"$T/py.cp"
ok $([ $r = 0 ] && cmp -s "$T/jq.cp" "$T/py.cp"; echo $?) \
    "jq reads the same code points" || sed 's/^/# /' "$T/jq.err"
done_testing
