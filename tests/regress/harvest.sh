# skkd — SPDX-License-Identifier: ISC
#
# Harvesting the register (issue 12 §2). Numbers are sequential, so an
# anonymous caller can guess them: this script issues 30 certificates and
# then tries, as an attacker would, to read their holders off by number
# on both ports. Anonymous answers must give the name masked, nothing of a
# pending certificate, at most anonymous_max_batch items a request and a
# limited rate per address; a name the caller knows can be compared; a QR
# scan and a reader certificate see the whole name; public pages carry no
# organiser or event and never echo what is not a number.

. "$(dirname "$0")/lib.sh"

top=$(cd "$(dirname "$0")/../.." && pwd)
helper RAWFRAME rawframe

inst_init h --issuer "LSP Uji Panen" || { echo "not ok 1 - skkd init"; exit 1; }
inst_start h || { echo "not ok 1 - skkd starts"; exit 1; }
P=$(cat "$T/h.port"); HP=$(cat "$T/h.hport"); CA=$T/h/tls/ca.crt
H="https://localhost:$HP"

# 30 holders "Pekerja Panen 01".."30"; the last two still await LPJK.
{
	echo "name,nik,job_code,level,event,organiser,lpjk_number"
	i=1
	while [ $i -le 30 ]; do
		lp="LPJK-2026-$i"; [ $i -gt 28 ] && lp=""
		printf 'Pekerja Panen %02d,15050%d0101%02d%04d,ME063096,3,BIMTEK Rahasia Acara,Dinas Rahasia Penyelenggara,%s\n' \
		    "$i" $((1 + i % 9)) $((60 + i)) "$i" "$lp"
		i=$((i + 1))
	done
} >"$T/cohort.csv"
run_expect 0 "issue 30 certificates (28 active, 2 pending)" sk h issue --csv "$T/cohort.csv" --out "$T/issued" --no-qr
# Numbers are allocated in row order: the first row's and the last's.
grep -o '[0-9]\{5\} [0-9]\{4\} [0-9] [0-9]\{8\} [0-9]\{4\}' "$T/issued/issued.csv" | sort >"$T/numbers"
N1=$(head -n 1 "$T/numbers"); PEND=$(tail -n 1 "$T/numbers")
[ "$(grep -c . "$T/numbers")" = 30 ] && pass "30 numbers, $N1 to $PEND" || fail "30 numbers ('$N1')"
prefix=${N1% * *}; year=${N1##* }

# The attacker's list: 360 sequential guesses.
i=1
while [ $i -le 360 ]; do printf '%s %08d %s\n' "$prefix" "$i" "$year"; i=$((i + 1)); done >"$T/guess"
grep -v -e '^cert' -e '^key' "$T/h/skk.conf" >"$T/h/anon.conf"

# The harvest: skk as an anonymous client, every guess.
t0=$(date +%s.%N)
"$SKK" -c "$T/h/anon.conf" verify - <"$T/guess" >"$T/out" 2>"$T/err"
rc=$?
t1=$(date +%s.%N)
full=$(grep -c 'Pekerja Panen' "$T/out")
masked=$(grep -c 'P\*\*\*\*\*\* P\*\*\*\*' "$T/out")
answered=$(grep -c . "$T/out")
echo "# harvest: 360 guesses, $answered answered, $full full names, $masked masked, exit $rc, $(echo "$t1 - $t0" | bc) s"
[ "$full" -eq 0 ] && [ "$answered" -gt 0 ] && pass "an anonymous harvest of 360 numbers gets no full name ($full of 30)" ||
    fail "an anonymous harvest of 360 numbers gets no full name ($full of 30)"
[ "$masked" -gt 0 ] && pass "it gets masked names instead ($masked)" || fail "it gets masked names instead ($masked)"
grep -F "$PEND" "$T/out" >"$T/pend" 2>/dev/null
if [ -s "$T/pend" ] && ! grep -q -e 'P\*' -e ME063096 -e jenjang "$T/pend"; then
	pass "a pending certificate shows nothing beyond its number"
else
	fail "a pending certificate shows nothing beyond its number ($(cat "$T/pend"))"
fi
[ "$rc" -eq 75 ] && pass "the rate limit stops the harvest (exit 75)" ||
    fail "the rate limit stops the harvest (exit $rc, expected 75)"
out_has "too many anonymous verifications" "the refusal says why"
out_has "a reader certificate lifts this limit" "the refusal names the way out"
[ "$answered" -eq 200 ] && pass "skk split by the anonymous cap: two batches of 100 answered" ||
    fail "skk split by the anonymous cap: two batches of 100 answered ($answered)"

# One frame of 360 items: over the anonymous cap, whatever the rate.
"$RAWFRAME" "$P" "$CA" "$N1" verify:360 >"$T/out" 2>"$T/err"
grep -q "^2 error too_big verify: 360 items, but anonymous callers may send at most 100 per request (anonymous_max_batch); a reader certificate lifts this limit" "$T/out" &&
    pass "an anonymous batch of 360 is refused naming the cap of 100" ||
    fail "an anonymous batch of 360 is refused naming the cap of 100 ($(sed -n 2p "$T/out"))"

# A reader certificate (a contractor's) sees names, without the caps.
"$SKKD" add-client -c "$T/h/skkd.conf" kontraktor --role reader >"$T/out" 2>&1 ||
    fail "add-client kontraktor --role reader"
sed -e "s|^cert.*|cert = $T/h/tls/clients/kontraktor.crt|" \
    -e "s|^key.*|key = $T/h/tls/clients/kontraktor.key|" "$T/h/skk.conf" >"$T/h/reader.conf"
run_expect 1 "a reader verifies the 360 numbers" "$SKK" -c "$T/h/reader.conf" verify - <"$T/guess"
n=$(grep -c 'Pekerja Panen' "$T/out")
[ "$n" -eq 30 ] && pass "the reader sees the 30 full names" || fail "the reader sees the 30 full names ($n)"

# A fresh start empties the buckets for the checks below.
inst_stop h; inst_start h || { echo "not ok - skkd restarts"; exit 1; }
N5=$(printf '%s %08d %s' "$prefix" 5 "$year")
run_expect 0 "anonymous verify by number" "$SKK" -c "$T/h/anon.conf" verify "$N5"
out_has "P****** P**** 0*" "the name is masked, one * a letter"
run_expect 0 "--name with other case and spaces matches" "$SKK" -c "$T/h/anon.conf" verify "$N5" \
    --name "  pekerja   PANEN 05 "
out_has "(name matches)" "skk says the name matches"
run_expect 1 "--name with another name: exit 1" "$SKK" -c "$T/h/anon.conf" verify "$N5" --name "Pekerja Panen 06"
out_has "(name does not match)" "skk says the name does not match"
run_expect 0 "--json carries name_match" "$SKK" -c "$T/h/anon.conf" --json verify "$N5" --name "Pekerja Panen 05"
out_has '"name_match": true' "name_match is true"
URL=$(sk h --json show "$N5" | sed -n 's/.*"url": *"\([^"]*\)".*/\1/p')
run_expect 0 "anonymous verify of the card's QR" "$SKK" -c "$T/h/anon.conf" verify "$URL"
out_has "Pekerja Panen 05" "a QR scan shows the whole name (the QR carries it)"
run_expect 0 "the admin verifies by number" sk h verify "$N5"
out_has "Pekerja Panen 05" "an admin certificate sees the whole name"

# HTTPS: the same rules, and nothing an admin keeps to itself.
fetch() {
	code=$(curl -s --cacert "$CA" -o "$T/out" -w '%{http_code}' "$@" 2>"$T/err")
	cat "$T/out" >>"$T/public"
}
enc() { printf '%s' "$1" | sed 's/ /%20/g'; }
fetch "$H/c/$(enc "$N5")"
if [ "$code" = 200 ] && grep -qF 'P****** P**** 0*' "$T/out" && ! grep -q 'Pekerja Panen' "$T/out"; then
	pass "/c/NUMBER shows the name masked"
else
	fail "/c/NUMBER shows the name masked (status $code)"
fi
grep -qF 'name="name"' "$T/out" && pass "the result page asks for the name to compare" ||
    fail "the result page asks for the name to compare"
fetch "$H/c/$(enc "$N5")?name=pekerja+panen++05"
grep -qF 'COCOK / <span lang="en">MATCHES' "$T/out" && pass "/c/NUMBER?name= says it matches" ||
    fail "/c/NUMBER?name= says it matches"
fetch "$H/c/$(enc "$N5")?name=Budi+Santoso"
grep -qF 'TIDAK COCOK / <span lang="en">DOES NOT MATCH' "$T/out" && pass "/c/NUMBER?name= says it does not match" ||
    fail "/c/NUMBER?name= says it does not match"
fetch "$H/?number=$(enc "$N5")&name=Pekerja+Panen+05"
grep -qF 'COCOK / <span lang="en">MATCHES' "$T/out" && pass "the / form takes the name" || fail "the / form takes the name"
fetch "$H/"
grep -qF 'name="name"' "$T/out" && pass "the / form has a name field" || fail "the / form has a name field"
fetch "$H/api/v1/certificates/$(enc "$N5")?name=Pekerja%20Panen%2005"
grep -qF '"name":"P****** P**** 0*"' "$T/out" && grep -qF '"name_match":true' "$T/out" &&
    pass "the JSON API masks the name and says it matches" ||
    fail "the JSON API masks the name and says it matches"
fetch "$H/api/v1/certificates/$(enc "$PEND")"
if grep -q '"verdict":"not_valid"' "$T/out" && grep -q '"certificate":null' "$T/out" &&
    ! grep -q -e 'P\*' -e ME063096 "$T/out"; then
	pass "a pending certificate's JSON has no personal data"
else
	fail "a pending certificate's JSON has no personal data ($(head -c 300 "$T/out"))"
fi
fetch "$H/c/$(enc "$PEND")"
! grep -q -e 'P\*' -e 'Pekerja' -e ME063096 "$T/out" && grep -qF "$PEND" "$T/out" &&
    pass "a pending certificate's page shows only its number" ||
    fail "a pending certificate's page shows only its number"
fetch "$URL"
grep -qF 'Pekerja Panen 05' "$T/out" && pass "the /V/ page of the QR shows the whole name" ||
    fail "the /V/ page of the QR shows the whole name"
fetch "$H/api/v1/certificates/$(enc "$N5")"
fetch "$H/c/$(enc "$N5")"
grep -q -e Rahasia -e organiser -e Penyelenggara "$T/public" &&
    fail "no organiser or event on public pages and JSON" ||
    pass "no organiser or event on public pages and JSON"
sk h show "$N5" >"$T/out" 2>&1
grep -q 'Rahasia Acara' "$T/out" && pass "skk show still has the event for admins" ||
    fail "skk show still has the event for admins"
fetch "$H/c/%3Cscript%3Ealert(1)%3C%2Fscript%3E"
grep -q -e alert -e script "$T/out" && fail "/c/<script> is not echoed (status $code)" ||
    pass "/c/<script> is not echoed (status $code)"
fetch "$H/c/harvest-probe-1234"
grep -q 'harvest-probe' "$T/out" && fail "/c/ text that is no number is not echoed" ||
    pass "/c/ text that is no number is not echoed"

echo "1..$tapn"
