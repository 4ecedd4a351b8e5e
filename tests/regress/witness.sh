# skkd — SPDX-License-Identifier: ISC
#
# skk witness (c2sp.org/tlog-witness) end to end: `skk witness init`
# makes a witness, `skk witness serve` runs it for two logs, and bodies
# from tests/regress/tlogw.c (trees, signed checkpoints, consistency
# proofs) are posted with curl. Checked: 200 with a cosignature that
# verifies (proto/cosig, through tlogw), 409 with the size last cosigned
# as text/x.tlog.size, 422 for a bad or missing proof and for a fork
# (same size, other root; larger size, other history), 403 for a
# checkpoint signed by another key, 404 for an unknown origin, 400 for a
# malformed body or an old size beyond the new, 413 for a body over the
# limit, the monitoring GET, serving on after refusals, the state kept
# across kill -9 (no size regression), a clean exit on SIGTERM, and a
# bad witness.conf or state file refused with its line.

. "$(dirname "$0")/lib.sh"
helper TLOGW tlogw

port=$(free_port)
W="$T/w"
url="http://127.0.0.1:$port"

run_expect 0 "witness init makes a witness" \
    "$SKK" witness init "$W" --name witness.test/w1 --listen "127.0.0.1:$port"
wvkey=$(cat "$T/out")
case $wvkey in
witness.test/w1+????????+B*) pass "init prints a type 0x04 verifier key" ;;
*) fail "init prints a type 0x04 verifier key ($wvkey)" ;;
esac
mode=$(stat -c %a "$W/witness.key")
[ "$mode" = 600 ] && pass "the witness key file is 0600" ||
    fail "the witness key file is 0600 ($mode)"

"$TLOGW" logkey skk.test/log >"$T/lk"
"$TLOGW" logkey skk.test/log other >"$T/lk-other"
"$TLOGW" logkey second.test/log >"$T/lk2"
"$TLOGW" logkey unknown.test/log >"$T/lk-unknown"
sk1=$(sed -n 1p "$T/lk")
{
	echo "log = skk.test/log $(sed -n 2p "$T/lk")"
	echo "log = second.test/log $(sed -n 2p "$T/lk2")"
} >>"$W/witness.conf"

wstart() {
	[ -f "$T/w.log" ] && cat "$T/w.log" >>"$T/w.log.old"
	: >"$T/w.log"
	"$SKK" witness serve "$W/witness.conf" 2>>"$T/w.log" &
	wpid=$!
	pids="$pids $wpid"
	i=0
	while [ $i -lt 300 ]; do
		grep -q "listening on" "$T/w.log" && return 0
		kill -0 "$wpid" 2>/dev/null || break
		sleep 0.1; i=$((i + 1))
	done
	echo "# witness did not start:"; sed 's/^/#   /' "$T/w.log"
	return 1
}

# post NAME SKEY OLD SIZE [MODE]: the body in $T/NAME.body, the answer's
# status in $code, its body in $T/NAME.ans, its headers in $T/NAME.hdr.
post() {
	"$TLOGW" body "$2" "$3" "$4" $5 >"$T/$1.body"
	code=$(curl -s -o "$T/$1.ans" -D "$T/$1.hdr" -w '%{http_code}' \
	    --data-binary @"$T/$1.body" "$url/add-checkpoint")
}

# expect CODE DESCRIPTION
expect() {
	if [ "$code" = "$1" ]; then pass "$2"
	else fail "$2 (HTTP $code, expected $1)"; sed 's/^/#   /' "$T/w.log" | tail -n 3; fi
}

# cosigned NAME DESCRIPTION: the answer to NAME verifies as a cosignature
cosigned() {
	sed '1,/^$/d' "$T/$1.body" >"$T/$1.note"
	if "$TLOGW" verify "$wvkey" "$T/$1.note" "$T/$1.ans" >"$T/out" 2>"$T/err" &&
	    grep -q '^good 1 ' "$T/out"; then pass "$2"
	else fail "$2"; fi
}

wstart || { echo "1..$tapn"; exit 1; }

post a "$sk1" 0 5
expect 200 "a first checkpoint (old 0, size 5) is cosigned"
cosigned a "its cosignature verifies under the witness key"

post b "$sk1" 0 8
expect 409 "old 0 after size 5 is a conflict"
[ "$(cat "$T/b.ans")" = 5 ] && pass "the 409 body is the size last cosigned" ||
    fail "the 409 body is the size last cosigned ($(cat "$T/b.ans"))"
grep -qi '^content-type: text/x.tlog.size' "$T/b.hdr" &&
    pass "the 409 is text/x.tlog.size" || fail "the 409 is text/x.tlog.size"

post c "$sk1" 5 8
expect 200 "size 8 with a proof from 5 is cosigned"
cosigned c "its cosignature verifies"

post d "$sk1" 8 12 badproof
expect 422 "a proof with a flipped bit is refused (422)"
post d "$sk1" 8 12 noproof
expect 422 "a missing proof is refused (422)"
post d "$sk1" 8 8 fork
expect 422 "a fork at the same size (other root) is refused (422)"
post d "$sk1" 8 12 fork
expect 422 "a larger tree of another history is refused (422)"
post d "$sk1" 8 8
expect 200 "the same checkpoint again is cosigned again"

post e "$(sed -n 1p "$T/lk-other")" 8 12
expect 403 "a checkpoint signed by another key for the origin is refused (403)"
post e "$(sed -n 1p "$T/lk-unknown")" 0 3
expect 404 "an unknown origin is refused (404)"
post e "$sk1" 9 5
expect 400 "an old size beyond the new one is refused (400)"
printf 'old 01\n\nx\n' >"$T/bad.body"
code=$(curl -s -o "$T/bad.ans" -w '%{http_code}' --data-binary @"$T/bad.body" \
    "$url/add-checkpoint")
expect 400 "a size with a leading zero is refused (400)"
grep -q 'line 1' "$T/bad.ans" && pass "the 400 names the line" ||
    fail "the 400 names the line"
head -c 300000 /dev/zero | tr '\0' a >"$T/big.body"
# Expect: 100-continue, so the 413 arrives before curl sends the body and a
# reset of the half-sent upload cannot hide it.
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Expect: 100-continue' \
    --data-binary @"$T/big.body" "$url/add-checkpoint")
expect 413 "a body over the limit is refused (413)"
code=$(curl -s -o /dev/null -w '%{http_code}' "$url/add-checkpoint")
expect 405 "a GET of add-checkpoint is refused (405)"

post f "$(sed -n 1p "$T/lk2")" 0 3
expect 200 "a second log is witnessed on its own"
post g "$sk1" 8 12
expect 200 "after the refusals the first log goes on (8 -> 12)"
cosigned g "its cosignature verifies"

h=$(printf %s skk.test/log | sha256sum | cut -d' ' -f1)
code=$(curl -s -o "$T/mon" -w '%{http_code}' "$url/$h/checkpoint")
expect 200 "GET /<origin hash>/checkpoint serves the last cosigned"
: >"$T/empty"
if grep -q '^12$' "$T/mon" && "$TLOGW" verify "$wvkey" "$T/mon" "$T/empty" \
    >"$T/out" 2>"$T/err"; then pass "it is size 12 with the cosignature"
else fail "it is size 12 with the cosignature"; fi
code=$(curl -s -o /dev/null -w '%{http_code}' "$url/$(printf x | sha256sum | cut -d' ' -f1)/checkpoint")
expect 404 "GET for an origin not witnessed is 404"

kill -9 "$wpid"; wait "$wpid" 2>/dev/null
wstart || { echo "1..$tapn"; exit 1; }
post h "$sk1" 8 12
expect 409 "after kill -9 and a restart the old size 8 is stale"
[ "$(cat "$T/h.ans")" = 12 ] && pass "the restarted witness remembers size 12" ||
    fail "the restarted witness remembers size 12 ($(cat "$T/h.ans"))"
post h "$sk1" 12 20
expect 200 "and cosigns 12 -> 20"
cosigned h "with a cosignature that verifies"
ls "$W/state" | grep -q tmp && fail "no temporary state file is left" ||
    pass "no temporary state file is left"

kill "$wpid"; wait "$wpid"; rc=$?
[ $rc -eq 0 ] && grep -q "exiting" "$T/w.log" && pass "SIGTERM: a clean exit" ||
    fail "SIGTERM: a clean exit (status $rc)"

cat "$T/w.log.old" "$T/w.log" >&2	# the reasons, in the .err file of tests/run
cp "$W/witness.conf" "$W/witness.conf.orig"
echo "bogus = 1" >>"$W/witness.conf"
run_expect 78 "a bad witness.conf is refused (EX_CONFIG)" \
    "$SKK" witness serve "$W/witness.conf"
out_has "witness.conf:8: unknown setting 'bogus'" "its message names the line"
cp "$W/witness.conf.orig" "$W/witness.conf" 2>/dev/null
printf 'skk.test/log\n3\nnot a root\n' >"$W/state/$h"
run_expect 78 "a state file that does not parse stops the witness" \
    "$SKK" witness serve "$W/witness.conf"
out_has "state/$h: line 1: no blank line" "its message names the file and the line"
rm -f "$W/state/$h"
chmod 644 "$W/witness.key"
run_expect 78 "a witness key others can read is refused" \
    "$SKK" witness serve "$W/witness.conf"
out_has "witness.key': mode 0644, expected 0600" "its message says the mode"
chmod 600 "$W/witness.key"
wstart && pass "the witness starts again once the state file is removed" ||
    fail "the witness starts again once the state file is removed"
post i "$sk1" 0 20
expect 200 "and starts over from size 0 for that log only"
post i "$(sed -n 1p "$T/lk2")" 0 3
expect 409 "the other log's state is kept"
kill "$wpid"; wait "$wpid"
echo "log = nospace" >"$T/bad.conf"
run_expect 78 "a log line without a key is refused" "$SKK" witness serve "$T/bad.conf"
out_has "log: expected ORIGIN VERIFIER-KEY" "its message says what a log line holds"

echo "1..$tapn"
