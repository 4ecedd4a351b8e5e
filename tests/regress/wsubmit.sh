# skkd — SPDX-License-Identifier: ISC
#
# skkd submits its checkpoints to witnesses (c2sp.org/tlog-witness), end
# to end: real skkd instances with `witness =` lines, real witnesses
# (`skk witness init` and `skk witness serve`, as in witness.sh).
#   a: witnesses w1 and w2. On start both cosign at once; /checkpoint
#      then carries both cosignatures, which verify; a write within the
#      interval is not submitted (the witnesses' request logs do not
#      grow); a restart submits at once; w1 restarted with a stale state
#      answers 409 and skkd proves from the size it names; the interval
#      passed, both cosign the new checkpoint, once each.
#   b: w1, a witness that is down, and w2's URL under another key of
#      w2's name: writes go on, w2's cosignature is refused and not
#      stored, failures are logged and counted in /metrics.
#   c: quiet for over a minute, then a write: both cosign it promptly,
#      and its publish_dir gets the cosigned checkpoint.
# Also: bad witness settings refused with their line; skkd publish and
# /checkpoint.cosigned.
# Takes a little over a minute: witness_interval is 60 s at least.

. "$(dirname "$0")/lib.sh"
helper TLOGW tlogw
GEN="$(dirname "$0")/../bench/gencohort.awk"

for x in a b c; do
	inst_init "$x" || { echo "not ok 1 - skkd init $x"; exit 1; }
done
pass "three skkd instances"
p1=$(free_port); p2=$(free_port); pdown=$(free_port)
"$SKK" witness init "$T/w1" --name witness.test/w1 --listen "127.0.0.1:$p1" >"$T/vk1" &&
    "$SKK" witness init "$T/w2" --name witness.test/w2 --listen "127.0.0.1:$p2" >"$T/vk2" &&
    "$SKK" witness init "$T/w3" --name witness.test/w2 --listen 127.0.0.1:1 >"$T/vk3" ||
    { echo "not ok 2 - skk witness init"; exit 1; }
vk1=$(cat "$T/vk1"); vk2=$(cat "$T/vk2"); vk3=$(cat "$T/vk3")
pass "three witness keys, two of them named witness.test/w2"

# origin X: the log's origin of instance X
origin() { echo "localhost:$(cat "$T/$1.hport")/log"; }
for x in a b c; do
	l="log = $(origin $x) $(sed -n 's/^log_key = //p' "$T/$x/skk.conf")"
	echo "$l" >>"$T/w1/witness.conf"
	echo "$l" >>"$T/w2/witness.conf"
done

# Bad settings: skkd -t names the line.
conf_bad() {	# DESCRIPTION TEXT LINE...
	d=$1; t=$2; shift 2
	cp "$T/a/skkd.conf" "$T/a/bad.conf"
	for l in "$@"; do echo "$l" >>"$T/a/bad.conf"; done
	n=$(wc -l <"$T/a/bad.conf")
	run_expect 78 "$d is refused" "$SKKD" -t -c "$T/a/bad.conf"
	out_has "bad.conf:$n: $t" "its message names line $n and says why"
}
conf_bad "a witness URL that is not http(s)" "witness: expected an http:// or https:// URL" \
    "witness = ftp://127.0.0.1:$p1 $vk1"
conf_bad "a witness line without a key" "witness: expected URL VERIFIER-KEY" \
    "witness = http://127.0.0.1:$p1"
conf_bad "a log key (type 0x01) as a witness key" "witness: " \
    "witness = http://127.0.0.1:$p1 $(sed -n 's/^log_key = //p' "$T/a/skk.conf")"
conf_bad "a witness_interval under a minute" "witness_interval: 59 is under the minimum 60" \
    "witness_interval = 59"
set --; for i in 1 2 3 4 5 6 7 8 9; do set -- "$@" "witness = http://127.0.0.1:$p1 $vk1"; done
conf_bad "a ninth witness" "witness: more than 8 witnesses" "$@"
cp "$T/a/skkd.conf" "$T/a/good.conf"
echo "witness = https://witness.example/w1/ $vk1" >>"$T/a/good.conf"
run_expect 0 "an https witness with a path is accepted" "$SKKD" -t -c "$T/a/good.conf"

{ echo "witness = http://127.0.0.1:$p1 $vk1"; echo "witness = http://127.0.0.1:$p2/ $vk2"; } >>"$T/a/skkd.conf"
{ echo "witness = http://127.0.0.1:$p1 $vk1"; echo "witness = http://127.0.0.1:$pdown $vk2"
  echo "witness = http://127.0.0.1:$p2 $vk3"; } >>"$T/b/skkd.conf"
{ echo "witness = http://127.0.0.1:$p1 $vk1"; echo "witness = http://127.0.0.1:$p2 $vk2"
  echo "witness_interval = 60"; echo "publish_dir = mirror"; } >>"$T/c/skkd.conf"

wstart() {	# W: starts witness W, its stderr appended to $T/W.log
	"$SKK" witness serve "$T/$1/witness.conf" 2>>"$T/$1.log" &
	eval "wpid_$1=$!"
	pids="$pids $!"
	i=0
	until [ "$(grep -c "listening on" "$T/$1.log")" -ge "$2" ] || [ $i -ge 300 ]; do
		sleep 0.1; i=$((i + 1))
	done
	[ $i -lt 300 ]
}
: >"$T/w1.log"; : >"$T/w2.log"
wstart w1 1 && wstart w2 1 || { echo "not ok 3 - witnesses start"; echo "1..3"; exit 1; }
for x in a b c; do inst_start $x || { echo "not ok 3 - skkd $x starts"; echo "1..3"; exit 1; }; done
t0=$(date +%s)
pass "two witnesses and three skkd instances run"

HA=$(cat "$T/a.hport")
# get X PATH: instance X's HTTPS answer into $T/body, status into $code
get() {
	h=$(cat "$T/$1.hport")
	code=$(curl -s --cacert "$T/$1/tls/ca.crt" --resolve "localhost:$h:127.0.0.1" \
	    -o "$T/body" -w '%{http_code}' "https://localhost:$h/$2")
}
# wsize W X: the size witness W last cosigned for X's log (0: none)
wsize() {
	h=$(printf %s "$(origin "$2")" | sha256sum | cut -d' ' -f1)
	p=$(eval echo \$p${1#w})
	s=$(curl -s "http://127.0.0.1:$p/$h/checkpoint" | sed -n 2p)
	echo "${s:-0}"
}
# wreq W X [CODE]: requests (answered CODE) in witness W's log for X's log
wreq() { grep -c ": ${3:-[0-9][0-9][0-9]} $(origin "$2"): " "$T/$1.log"; }
# until_ SECONDS COMMAND...: polls every 0.2 s; fails after SECONDS
until_() {
	n=$(($1 * 5)); shift
	while [ $n -gt 0 ]; do "$@" && return 0; sleep 0.2; n=$((n - 1)); done
	return 1
}
both_at() { [ "$(wsize w1 "$1")" = "$2" ] && [ "$(wsize w2 "$1")" = "$2" ]; }
# lines X PATH: the answer's cosignature lines by witness.test/ keys
lines() { get "$1" "$2"; grep -c '^— witness\.test/' "$T/body"; }
served_cosigned() { [ "$(lines "$1" checkpoint)" = "$2" ] && sed -n 2p "$T/body" | grep -qx "$3"; }
# verifies VKEY: the note in $T/body has a good cosignature by VKEY
verifies() {
	: >"$T/empty"
	"$TLOGW" verify "$1" "$T/body" "$T/empty" >"$T/out" 2>"$T/err" && grep -q '^good 1' "$T/out"
}

until_ 10 both_at a 2 && pass "on start both witnesses cosign a's checkpoint at once" ||
    fail "on start both witnesses cosign a's checkpoint at once (w1 $(wsize w1 a), w2 $(wsize w2 a))"
until_ 5 served_cosigned a 2 2 && pass "a's /checkpoint carries the two cosignatures" ||
    fail "a's /checkpoint carries the two cosignatures"
verifies "$vk1" && pass "w1's line on it verifies" || fail "w1's line on it verifies"
verifies "$vk2" && pass "w2's line on it verifies" || fail "w2's line on it verifies"
cp "$T/body" "$T/a2.note"
get a checkpoint.cosigned
cmp -s "$T/body" "$T/a2.note" && pass "/checkpoint.cosigned serves the same note" ||
    fail "/checkpoint.cosigned serves the same note"
sed -n 5p "$T/a2.note" | grep -q '^— localhost:' &&
    pass "the log's own signature comes first" || fail "the log's own signature comes first"
ha=$(printf %s "$(origin a)" | sha256sum | cut -d' ' -f1)
cp "$T/w1/state/$ha" "$T/stale"	# w1's state of a's log at size 2

awk -v n=3 -f "$GEN" >"$T/c1.csv"
awk -v n=3 -v seed=1 -f "$GEN" >"$T/c2.csv"
awk -v n=3 -v seed=2 -f "$GEN" >"$T/c3.csv"
r1=$(wreq w1 a); r2=$(wreq w2 a)
run_expect 0 "issue 3 on a" sk a issue --csv "$T/c1.csv" --out "$T/o1"
sleep 3
[ "$(wreq w1 a)" = "$r1" ] && [ "$(wreq w2 a)" = "$r2" ] &&
    pass "a write within the interval is not submitted (no new request)" ||
    fail "a write within the interval is not submitted ($r1 -> $(wreq w1 a), $r2 -> $(wreq w2 a))"
[ "$(lines a checkpoint)" = 0 ] && sed -n 2p "$T/body" | grep -qx 5 &&
    pass "/checkpoint is the new size 5, without cosignatures yet" ||
    fail "/checkpoint is the new size 5, without cosignatures yet"
[ "$(lines a checkpoint.cosigned)" = 2 ] && sed -n 2p "$T/body" | grep -qx 2 &&
    pass "/checkpoint.cosigned keeps size 2 with both lines" ||
    fail "/checkpoint.cosigned keeps size 2 with both lines"

inst_stop a; inst_start a || fail "a restarts"
until_ 10 both_at a 5 && pass "a restarted submits size 5 at once; both cosign" ||
    fail "a restarted submits size 5 at once (w1 $(wsize w1 a), w2 $(wsize w2 a))"
tr=$(date +%s)
[ "$(wreq w1 a 409)" = 0 ] && pass "no 409: the restart took the sizes from the stored note" ||
    fail "no 409: the restart took the sizes from the stored note"
until_ 5 served_cosigned a 2 5 && pass "and a's /checkpoint of size 5 carries both" ||
    fail "and a's /checkpoint of size 5 carries both"

# w1 loses its latest state: back to a's size 2.
kill "$wpid_w1"; wait "$wpid_w1" 2>/dev/null
cp "$T/stale" "$T/w1/state/$ha"
wstart w1 2 && pass "w1 restarted with a stale state of a's log (size 2)" ||
    fail "w1 restarted with a stale state of a's log"
r1=$(wreq w1 a); r2=$(wreq w2 a)
run_expect 0 "issue 3 more on a (size 8)" sk a issue --csv "$T/c2.csv" --out "$T/o2"

# b: one witness down, one answering under another key.
ts=$(date +%s%N)
run_expect 0 "b issues while one witness is down and one is refused" \
    sk b issue --csv "$T/c1.csv" --out "$T/ob"
te=$(date +%s%N)
[ $(( (te - ts) / 1000000 )) -lt 5000 ] && pass "and the write does not wait for them (< 5 s)" ||
    fail "and the write does not wait for them ($(( (te - ts) / 1000000 )) ms)"
get b checkpoint
sed -n 2p "$T/body" | grep -qx 5 && pass "b's /checkpoint has the write at once" ||
    fail "b's /checkpoint has the write at once"
b_one() { [ "$(lines b checkpoint.cosigned)" = 1 ]; }
until_ 5 b_one && grep -q '^— witness.test/w1 ' "$T/body" && verifies "$vk1" &&
    pass "b's cosigned note has w1's good line" || fail "b's cosigned note has w1's good line"
grep -q '^— witness.test/w2 ' "$T/body" && fail "the w2 line under another key is not stored" ||
    pass "the w2 line under another key is not stored"
grep -q "witness http://127.0.0.1:$p2: no cosignature by the key of 'witness.test/w2'" "$T/b.log" &&
    pass "the refusal is logged, naming the witness" || fail "the refusal is logged, naming the witness"
grep -q "witness http://127.0.0.1:$pdown: .*next try in 10 s" "$T/b.log" &&
    pass "the witness that is down is logged, with its retry" ||
    fail "the witness that is down is logged, with its retry"
curl -s "http://127.0.0.1:$(cat "$T/b.mport")/metrics" >"$T/metrics"
grep -q '^skkd_witness_submissions_total{result="failed"} [1-9]' "$T/metrics" &&
    grep -q '^skkd_witness_submissions_total{result="cosigned"} [1-9]' "$T/metrics" &&
    pass "/metrics counts cosigned and failed submissions" ||
    fail "/metrics counts cosigned and failed submissions"

sleep 2
[ "$(wreq w1 a)" = "$r1" ] && [ "$(wreq w2 a)" = "$r2" ] &&
    pass "a's new write waits for the interval" || fail "a's new write waits for the interval"

# c: quiet since its start; a minute on, a write goes out at once.
while [ $(( $(date +%s) - t0 )) -lt 63 ]; do sleep 1; done
both_at c 2 && pass "c's start was cosigned by both" || fail "c's start was cosigned by both"
run_expect 0 "after a quiet minute, c issues 3" sk c issue --csv "$T/c3.csv" --out "$T/oc"
until_ 4 both_at c 5 && pass "both witnesses cosign it within seconds" ||
    fail "both witnesses cosign it within seconds (w1 $(wsize w1 c), w2 $(wsize w2 c))"
until_ 3 served_cosigned c 2 5 && pass "c's /checkpoint carries both" || fail "c's /checkpoint carries both"
mirrored() { cmp -s "$T/body" "$T/c/mirror/checkpoint" && cmp -s "$T/body" "$T/c/mirror/checkpoint.cosigned"; }
until_ 3 mirrored && pass "publish_dir has them too (checkpoint, checkpoint.cosigned)" ||
    fail "publish_dir has them too (checkpoint, checkpoint.cosigned)"

# a: the interval since the restart's submission passes.
before=$(( $(date +%s) - tr ))
until_ 80 both_at a 8
td=$(( $(date +%s) - tr ))
[ "$(wsize w1 a)" = 8 ] && [ "$(wsize w2 a)" = 8 ] && pass "after the interval both cosign a's size 8" ||
    fail "after the interval both cosign a's size 8 (w1 $(wsize w1 a), w2 $(wsize w2 a))"
[ $td -ge 55 ] && pass "not before the interval (${td} s after the last, ${before} s already passed)" ||
    fail "not before the interval (${td} s)"
[ "$(wreq w1 a 409)" = 1 ] && pass "w1 answered 409 once" || fail "w1 answered 409 once ($(wreq w1 a 409))"
grep -q "witness http://127.0.0.1:$p1: at size 2, not 5: proving from there" "$T/a.log" &&
    pass "skkd took w1's size 2 and proved from there" || fail "skkd took w1's size 2 and proved from there"
[ $(( $(wreq w1 a) - r1 )) = 2 ] && [ $(( $(wreq w2 a) - r2 )) = 1 ] &&
    pass "one submission each in the interval (w1: the 409 and its retry)" ||
    fail "one submission each ($r1 -> $(wreq w1 a), $r2 -> $(wreq w2 a))"
until_ 5 served_cosigned a 2 8 && verifies "$vk1" && verifies "$vk2" &&
    pass "a's /checkpoint of size 8 carries both good lines" ||
    fail "a's /checkpoint of size 8 carries both good lines"
cp "$T/body" "$T/a8.note"

run_expect 0 "skkd publish" "$SKKD" publish -c "$T/a/skkd.conf" "$T/pub"
cmp -s "$T/pub/checkpoint" "$T/a8.note" && pass "it writes checkpoint with the cosignatures" ||
    fail "it writes checkpoint with the cosignatures"
get a checkpoint.cosigned
cmp -s "$T/pub/checkpoint.cosigned" "$T/body" && pass "and checkpoint.cosigned" ||
    fail "and checkpoint.cosigned"

inst_stop a && pass "a stops cleanly" || fail "a stops cleanly"
cat "$T/a.log" "$T/b.log" "$T/w1.log" >&2
echo "1..$tapn"
