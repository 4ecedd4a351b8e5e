# skkd — SPDX-License-Identifier: ISC
#
# Frames skk never sends, from tests/regress/rawframe.c: a VERIFY and an
# ISSUE of max_batch + 1 items in one frame (skk splits its batches)
# are answered with ERROR too_big naming the limit, with the request's
# ID, and the connection goes on serving (PROTOCOL.md §3.6: a
# well-formed request that fails leaves it open); max_batch items are
# still accepted. A bare header claiming 2 GiB is refused at once with
# an ERROR and a close, and the daemon allocates nothing for it.

. "$(dirname "$0")/lib.sh"

top=$(cd "$(dirname "$0")/../.." && pwd)
# Built from source, not against the build's libskkproto.a, which a
# sanitizer build compiles with flags this link would lack.
helper RAWFRAME rawframe

NIK=3515014107900003
inst_init a || { echo "not ok 1 - skkd init"; exit 1; }
sed -i 's/^max_batch.*/max_batch = 50/' "$T/a/skkd.conf"
grep -q '^max_batch = 50$' "$T/a/skkd.conf" || echo "max_batch = 50" >>"$T/a/skkd.conf"
inst_start a || { echo "not ok 1 - skkd starts"; exit 1; }
P=$(cat "$T/a.port"); CA=$T/a/tls/ca.crt

sk a --json issue --name "Siti Rahayu" --nik "$NIK" --job ME063096 \
    --level 3 --lpjk "LPJK-1" >"$T/out" 2>"$T/err"
N=$(json_field number)
[ -n "$N" ] && pass "one certificate issued ($N)" || fail "one certificate issued"
certs() {
	sk a --json stats | sed -n 's/.*"certificates": *\([0-9]*\).*/\1/p'
}

# line NTH TEXT DESC: line NTH of the last rawframe output is TEXT.
line() {
	got=$(sed -n "$1p" "$T/out")
	[ "$got" = "$2" ] && pass "$3" || fail "$3 ('$got')"
}

"$RAWFRAME" "$P" "$CA" "$N" verify:50 verify:51 verify:1 >"$T/out" 2>"$T/err"
line 1 "1 hello role=anyone" "verify without a client certificate: hello"
line 2 "2 verify items=50 verdict=0" "verify of max_batch (50) items: 50 answers, VALID"
line 3 "3 error too_big verify: 51 items (1-50 allowed)" \
    "verify of 51 items in one frame: ERROR too_big naming the limit, same ID"
line 4 "4 verify items=1 verdict=0" "the same connection then answers a verify"

# A RENEW whose RECORD is text: the answer names the field (it was
# uninitialised stack bytes), and the connection goes on.
"$RAWFRAME" -c "$T/a/tls/admin.crt" -k "$T/a/tls/admin.key" "$P" "$CA" "$N" \
    renew-text renew-text verify:1 >"$T/out" 2>"$T/err"
line 2 "2 error invalid renew: record: not a byte string" \
    "a RENEW with a text RECORD: ERROR invalid naming the record"
line 3 "3 error invalid renew: record: not a byte string" \
    "the same answer again (not whatever the stack held)"
line 4 "4 verify items=1 verdict=0" "the connection then answers a verify"

before=$(certs)
"$RAWFRAME" -c "$T/a/tls/admin.crt" -k "$T/a/tls/admin.key" "$P" "$CA" "$N" \
    issue:51 issue:50 verify:1 >"$T/out" 2>"$T/err"
line 1 "1 hello role=admin" "issue as admin: hello"
line 2 "2 error too_big issue: 51 items (1-50 allowed)" \
    "issue of 51 items in one frame: ERROR too_big naming the limit, same ID"
grep -q "^3 error invalid item 0: " "$T/out" &&
    pass "issue of 50 (empty) items passes the limit, fails validation" ||
    fail "issue of 50 (empty) items passes the limit, fails validation ($(sed -n 3p "$T/out"))"
line 4 "4 verify items=1 verdict=0" "the same connection then answers a verify"
[ "$(certs)" = "$before" ] && pass "nothing issued by the refused requests" ||
    fail "nothing issued by the refused requests ($before -> $(certs))"

# Items sharing an idempotency key in one batch would collide inside
# the transaction: each later one is a problem naming the first, found
# as the chunk is read (daemon/stage.c), in the items' order.
"$RAWFRAME" -c "$T/a/tls/admin.crt" -k "$T/a/tls/admin.key" "$P" "$CA" "$N" \
    issue-idem:4 verify:1 >"$T/out" 2>"$T/err"
for i in 1 2 3; do
	grep -qx "  item $i: idem: the same as item 0" "$T/out" &&
	    pass "item $i with item 0's idempotency key: named as the same" ||
	    fail "item $i with item 0's idempotency key: named as the same"
done
grep -q "item 0: idem" "$T/out" && fail "the first item is no duplicate" ||
    pass "the first item is no duplicate"
tail -n 1 "$T/out" | grep -qx "[0-9]* verify items=1 verdict=0" &&
    pass "the connection then answers a verify" ||
    fail "the connection then answers a verify ($(tail -n 1 "$T/out"))"
[ "$(certs)" = "$before" ] && pass "nothing issued by the duplicate batch" ||
    fail "nothing issued by the duplicate batch ($before -> $(certs))"

# A header claiming 2 GiB, then silence: answered without waiting for
# the body. VmPeak would grow by 2 GiB had the daemon allocated it.
peak() { awk '/^VmPeak/ { print $2 }' "/proc/$pid_a/status"; }
p0=$(peak)
t0=$(date +%s%N)
"$RAWFRAME" "$P" "$CA" "$N" len:80000000 read >"$T/out" 2>"$T/err"
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
p1=$(peak)
line 2 "0 error too_big frame length 2147483648 refused (limit 65536 bytes without a client certificate)" \
    "a 2 GiB length prefix: ERROR too_big with ID 0 (${ms} ms)"
line 3 "closed" "then the connection is closed"
[ "$ms" -lt 3000 ] && pass "answered promptly (${ms} ms, no body awaited)" ||
    fail "answered promptly (${ms} ms)"
[ $((p1 - p0)) -lt 1048576 ] &&
    pass "no 2 GiB allocation (VmPeak $p0 -> $p1 kB)" ||
    fail "no 2 GiB allocation (VmPeak $p0 -> $p1 kB)"
run_expect 0 "the daemon then serves skk" sk a verify "$N"

# skk learns max_batch from HELLO and splits longer lists to fit it.
for i in $(seq 120); do echo "$N"; done >"$T/many"
run_expect 0 "skk verify of 120 numbers against max_batch = 50" \
    sh -c "\"$SKK\" -c \"$T/a/skk.conf\" verify - <\"$T/many\""
[ "$(grep -c . "$T/out")" -ge 120 ] && pass "120 answers" ||
    fail "120 answers ($(grep -c . "$T/out"))"
awk -v n=120 -f "$(dirname "$0")/../bench/gencohort.awk" >"$T/cohort.csv"
run_expect 0 "skk issue --csv of 120 rows in chunks of 50" \
    sk a issue --csv "$T/cohort.csv"

kill -0 "$pid_a" 2>/dev/null && pass "skkd still runs" || fail "skkd still runs"
echo "1..$tapn"
