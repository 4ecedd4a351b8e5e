# skkd — SPDX-License-Identifier: ISC
#
# Corrections against a real daemon: a misspelt name corrected into a new
# certificate that replaces the old one in one write; what skk verify,
# the HTTPS page of the old card's QR, the new card's QR image (zbarimg),
# the NIK index, skk show and the transparency log (skk audit) then say;
# refusals that change nothing; correction requests and their age
# against the 3x24-hour limit of UU 27/2022 Art. 30.

. "$(dirname "$0")/lib.sh"

NIK=3515014107900003
export HOME="$T/home"
mkdir -p "$HOME"

inst_init a --issuer "LSP Uji Alat Berat" || { echo "not ok 1 - skkd init"; exit 1; }
inst_start a || { echo "not ok 1 - skkd starts"; exit 1; }
pass "skkd init and start"
HP=$(cat "$T/a.hport")
H="https://localhost:$HP"

stat() {
	sk a --json stats | sed -n "s/.*\"$1\": *\([0-9]*\).*/\1/p"
}
state() {
	echo "$(stat certificates) $(stat events) $(stat replaced)"
}
issue() {	# args... -> number in $num, QR URL in $url
	sk a --json issue --nik "$NIK" --level 3 "$@" >"$T/out" 2>"$T/err"
	num=$(json_field number); url=$(json_field url)
}
# fetch URL: body in $T/out, status in $code.
fetch() {
	code=$(curl -s --cacert "$T/a/tls/ca.crt" -o "$T/out" -w '%{http_code}' \
	    "$@" 2>"$T/err")
}
digits() { printf '%s' "$1" | tr -d ' '; }
# payload_has URL TEXT: the signed payload in the QR URL holds TEXT
# (base32 decoded by python3, not by our code).
payload_has() {
	python3 - "$1" "$2" <<'PY'
import base64, sys
p = sys.argv[1].split("/V/", 1)[1]
raw = base64.b32decode(p + "=" * (-len(p) % 8))
sys.exit(0 if sys.argv[2].encode() in raw else 1)
PY
}

# --- a misspelt name, corrected --------------------------------------------

issue --name "Siti Nur'ani" --job ME063096 --lpjk "LPJK-2026-000123" \
    --issued 2026-01-15
OLD=$num; OLD_URL=$url
[ -n "$OLD" ] && pass "issue with a misspelt name" || fail "issue with a misspelt name"
issue --name "Budi Santoso" --job ME063098 --lpjk "LPJK-2026-000124"
OTHER=$num
before=$(state)

run_expect 0 "correct the name" sk a correct "$OLD" --name "Siti Nur'aini" \
    --reason "name misspelt at issue (holder's request)"
NEW=$(awk '{ print $1, $2, $3, $4, $5; exit }' "$T/out")
NEW_URL=$(awk '{ print $7; exit }' "$T/out")
cert_ok=0
case "$NEW" in [0-9][0-9][0-9][0-9][0-9]" "*) [ "$NEW" != "$OLD" ] && cert_ok=1;; esac
[ $cert_ok = 1 ] && pass "a new number is printed ($NEW)" || fail "a new number is printed ('$NEW')"
out_has "  active  HTTPS://LOCALHOST:$HP/V/" "printed like issue: status and QR URL"
out_has "(corrects $OLD)" "says which certificate it corrects"
[ "$(state)" = "$(echo "$before" | awk '{ print $1 + 1, $2 + 3, $3 + 1 }')" ] &&
    pass "one certificate more, old one replaced, 3 events" ||
    fail "one certificate more, old one replaced ($(state), was $before)"

run_expect 0 "verify the new number: VALID" sk a verify "$NEW"
out_has "VALID       $NEW  Siti Nur'aini  ME063096" "the corrected name"
out_has "corrects $OLD" "verify: corrects the old number"
run_expect 1 "verify the old number: NOT VALID" sk a verify "$OLD"
out_has "(replaced)" "old number: replaced"
out_has "replaced by $NEW" "old number: replaced by the new one"
run_expect 1 "the old card's QR: NOT VALID" sk a verify --qr "$OLD_URL"
out_has "replaced by $NEW" "old QR: replaced by the new one"
sk a --json verify "$OLD" >"$T/out" 2>"$T/err"
[ "$(json_field replaced_by)" = "$NEW" ] && pass "JSON: replaced_by" || fail "JSON: replaced_by"

# The HTTPS page of the old card's QR says replaced and links to the new.
fetch "$OLD_URL"
[ "$code" = 200 ] && pass "old QR page: 200" || fail "old QR page: 200 ($code)"
out_has "TIDAK SAH" "old QR page: NOT VALID"
out_has "Diganti oleh / <span lang=\"en\">Replaced by</span> <a href=\"/c/$(digits "$NEW")\">$NEW</a>" \
    "old QR page: links to the new number"
fetch "$H/c/$(digits "$NEW")"
[ "$code" = 200 ] && pass "the link answers 200" || fail "the link answers 200 ($code)"
out_has "SAH" "the linked page says SAH"
out_has "Koreksi dari / <span lang=\"en\">Corrects</span> <a href=\"/c/$(digits "$OLD")\">$OLD</a>" \
    "new page: says what it corrects, with a link"
not_reason=$(grep -c "holder&#39;s request\|holder's request" "$T/out")
[ "$not_reason" = 0 ] && pass "anonymous page (masked name): no reason" ||
    fail "anonymous page (masked name): no reason"
fetch "$NEW_URL"
out_has "Siti Nur&#39;aini" "new QR page: the corrected name"
out_has 'Alasan / <span lang="en">Reason</span>: name misspelt at issue' "new QR page: the reason"
fetch -H "Accept: application/json" "$OLD_URL"
grep -q "\"replaced_by\":\"$NEW\"" "$T/out" && pass "old QR JSON: replaced_by" ||
    fail "old QR JSON: replaced_by"
fetch -H "Accept: application/json" "$NEW_URL"
grep -q "\"corrects\":\"$OLD\"" "$T/out" && grep -q '"correction_reason":"name misspelt' "$T/out" &&
    pass "new QR JSON: corrects and reason" || fail "new QR JSON: corrects and reason"

# The new card's QR image decodes to a payload with the corrected name.
run_expect 0 "qr of the new certificate" sk a qr "$NEW" -o "$T/new.png"
dec=$(zbarimg -q --raw "$T/new.png" 2>/dev/null)
[ "$dec" = "$NEW_URL" ] && pass "zbarimg reads the new QR URL" || fail "zbarimg reads the new QR URL ('$dec')"
payload_has "$dec" "Siti Nur'aini" && pass "its payload holds the corrected name" ||
    fail "its payload holds the corrected name"
payload_has "$dec" "Siti Nur'ani" && fail "its payload has not the misspelt name" ||
    pass "its payload has not the misspelt name"
payload_has "$OLD_URL" "Siti Nur'ani" && pass "the old payload had the misspelt name" ||
    fail "the old payload had the misspelt name"

# The NIK index finds both; the LPJK number and dates are kept.
run_expect 0 "find by NIK" sk a find --nik "$NIK"
out_has "$OLD  replaced" "find: the old one, replaced"
out_has "$NEW  active" "find: the new one, active"
run_expect 0 "show the new certificate" sk a show "$NEW"
out_has "$(printf "%-16s%s" "lpjk number" LPJK-2026-000123)" "spelling fix keeps the LPJK number"
out_has "$(printf "%-16s%s" "issued" 2026-01-15)" "keeps the issue date"
out_has "$(printf "%-16s%s" "application" correction)" "application: correction"
out_has "$(printf "%-16s%s" "predecessor" "$OLD")" "predecessor: the old number"
out_has "correction of $OLD: name" "its issue event says what was corrected"
run_expect 0 "show the old certificate" sk a show "$OLD"
out_has "$(printf "%-16s%s" "successor" "$NEW")" "successor: the new number"
grep -q "correct  replaced  .*admin.*name misspelt at issue.*$NEW" "$T/out" &&
    pass "history: correct event, who, why, the new number" ||
    fail "history: correct event, who, why, the new number"

# --- refusals change nothing -------------------------------------------------

before=$(state)
run_expect 65 "correcting a replaced certificate is refused" \
    sk a correct "$OLD" --name "Siti Nur Aini" --reason "again"
out_has "'$OLD' was replaced by '$NEW'; correct that one" "says it was replaced"
issue --name "Rina Revoked" --job ME063096 --lpjk "LPJK-2026-3"
REV=$num; sk a revoke "$REV" --reason "forged exam record" >/dev/null 2>&1
before=$(state)
run_expect 65 "correcting a revoked certificate is refused" \
    sk a correct "$REV" --name "Rina Revoke" --reason "typo"
out_has "'$REV' is revoked; a revoked certificate is not corrected" "says it is revoked"
run_expect 65 "a correction that changes nothing is refused" \
    sk a correct "$OTHER" --name "Budi Santoso" --reason "typo"
out_has "nothing to correct" "says nothing to correct"
run_expect 65 "an unknown number is refused" \
    sk a correct "42101 8342 3 99999999 2026" --name "X Y" --reason "typo"
run_expect 64 "a correction without a reason is a usage error" \
    sk a correct "$OTHER" --name "Budi Susanto"
run_expect 65 "a bad name is refused before connecting" \
    sk a correct "$OTHER" --name "" --reason "typo"
[ "$(state)" = "$before" ] && pass "refusals changed nothing" ||
    fail "refusals changed nothing ($(state), was $before)"
sk a verify "$REV" >"$T/out" 2>&1; out_has "(revoked)" "the revoked one stays revoked"

# --- a job title corrected: pending again -------------------------------------

issue --name "Ahmad Fauzi" --job ME063102 --lpjk "LPJK-2026-7"
JOB=$num
run_expect 0 "correct the job title" sk a --json correct "$JOB" \
    --job-title "Operator Tandem Roller Madya" --reason "wrong title printed"
JOBNEW=$(json_field number)
[ "$(json_field status)" = pending ] && pass "a job title correction is pending again" ||
    fail "a job title correction is pending again ($(json_field status))"
run_expect 0 "show it" sk a show "$JOBNEW"
grep -q "^lpjk number" "$T/out" && fail "its LPJK number is cleared" || pass "its LPJK number is cleared"
out_has "Operator Tandem Roller Madya" "the corrected title"

# --- requests and their age ---------------------------------------------------

run_expect 0 "no requests open so far but those done" sk a corrections
out_has "$OLD  done  requested" "a correction made at once is listed as done"
out_has "-> $NEW" "done: linked to the correcting certificate"
run_expect 0 "record a correction request" \
    sk a correct --request "$OTHER" --reason "holder asked: Budi Susanto"
out_has "$OTHER  correction requested 20" "request recorded with its time"
run_expect 65 "a second open request is refused" \
    sk a correct --request "$OTHER" --reason "again"
out_has "is still open" "says one is open"
issue --name "Dewi Lestari" --job ME063014 --lpjk "LPJK-2026-8"
LATE=$num
past=$(date -u -d '4 days ago' +%Y-%m-%d)
run_expect 0 "record a request made four days ago" \
    sk a correct --request "$LATE" --reason "letter of $past" --request-date "$past"
run_expect 65 "a request date in the future is refused" \
    sk a correct --request "$JOBNEW" --reason "x" --request-date 2099-01-01
run_expect 0 "list the requests" sk a corrections
grep -q "^$OTHER  open  requested .*  age 0h  holder asked: Budi Susanto" "$T/out" &&
    pass "the open request and its age" || fail "the open request and its age"
grep -q "^$LATE  open  requested ${past}T00:00:00Z  age [45]d [0-9]*h  OVERDUE" "$T/out" &&
    pass "a request older than 72 h is overdue" || fail "a request older than 72 h is overdue"
grep "^$OTHER" "$T/out" | grep -q OVERDUE && fail "a fresh request is not overdue" ||
    pass "a fresh request is not overdue"
sk a --json corrections >"$T/out" 2>&1
grep -q '"overdue": true' "$T/out" && grep -q '"state": "open"' "$T/out" &&
    pass "JSON: state and overdue" || fail "JSON: state and overdue"

# Doing the requested correction closes the request.
run_expect 0 "make the requested correction" \
    sk a correct "$OTHER" --name "Budi Susanto" --reason "holder asked"
FIXED=$(awk '{ print $1, $2, $3, $4, $5; exit }' "$T/out")
run_expect 0 "list again" sk a corrections
grep -q "^$OTHER  done  requested .*  -> $FIXED  holder asked: Budi Susanto" "$T/out" &&
    pass "the request is done, linked to its correction" ||
    fail "the request is done, linked to its correction"

# --- the log: an outside auditor accepts the correction chain ---------------

run_expect 0 "correct the corrected one again (a chain)" \
    sk a correct "$NEW" --name "Siti Nur'aini Rahma" --reason "second name missing"
mkdir -p "$T/st"
run_expect 0 "skk audit of the log accepts the corrections" \
    sk a audit "$H/" --state "$T/st/state"
out_has "violations: none" "the correction chain breaks no rule"
sk a --json audit "$H/" --state "$T/st/state" >"$T/out" 2>"$T/err"
grep -q '"correct": 4' "$T/out" && pass "the log holds 4 correct entries" ||
    fail "the log holds 4 correct entries"

inst_stop a && pass "skkd stops cleanly" || fail "skkd stops cleanly"
echo "1..$tapn"
