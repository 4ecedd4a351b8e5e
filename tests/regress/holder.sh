# skkd — SPDX-License-Identifier: ISC
#
# The holder's own record (UU 27/2022 Art. 32) against a real daemon:
# two certificates of one NIK, their events, and who checked them:
# anonymous checks on the companion port and over HTTPS counted per
# month, a contractor's reader certificate recorded with its
# organisation and the date. The report's COSE signature is checked by
# Node (cbor2 + crypto) against the log key; the store holds no client
# address; the records survive a restart; a reader cannot ask.

. "$(dirname "$0")/lib.sh"
# pango and fontconfig keep caches for the process's life (as print.sh).
export LSAN_OPTIONS="suppressions=$(cd "$(dirname "$0")" && pwd)/print.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
SHOTS=build/screenshots

NIK=3515014107900007
export HOME="$T/home"
mkdir -p "$HOME"
A="$T/a/tls"
CHECK="$(dirname "$0")/statuscheck.mjs"
ORG="PT Kontraktor Jaya"

inst_init a --issuer "LSP Uji Alat Berat" || { echo "not ok 1 - skkd init"; exit 1; }
inst_start a || { echo "not ok 1 - skkd starts"; exit 1; }
pass "skkd init and start"
H="https://localhost:$(cat "$T/a.hport")"
VKEY=$(sed -n 's/^log_key = //p' "$T/a/skk.conf")
digits() { printf '%s' "$1" | tr -d ' '; }

# conf NAME CERT KEY: an skk.conf for NAME with that certificate, or none.
conf() {
	grep -v -e '^cert' -e '^key' "$T/a/skk.conf" >"$T/a/$1.conf"
	[ -n "$2" ] && printf 'cert = %s\nkey = %s\n' "$2" "$3" >>"$T/a/$1.conf"
}
conf anon "" ""
# A contractor's reader certificate from the client CA, with its O
# (read back by openssl).
"$SKKD" add-client -c "$T/a/skkd.conf" kontraktor1 --role reader \
    --org "$ORG" >"$T/out" 2>&1 &&
openssl x509 -in "$A/clients/kontraktor1.crt" -noout -subject \
    -nameopt RFC2253 >"$T/out" 2>&1 && grep -qF "O=$ORG" "$T/out" &&
    pass "add-client --org: a reader certificate with O=$ORG" ||
    fail "add-client --org: a reader certificate with O=$ORG"
conf reader "$A/clients/kontraktor1.crt" "$A/clients/kontraktor1.key"
run_expect 64 "add-client --org: an empty organisation is refused" \
    "$SKKD" add-client -c "$T/a/skkd.conf" nobody --role reader --org ""

issue() {	# args... -> number in $num, QR URL in $url
	sk a --json issue --nik "$NIK" --level 3 "$@" >"$T/out" 2>"$T/err"
	num=$(json_field number); url=$(json_field url)
}
issue --name "Siti Aminah" --job ME063096
N1=$num; URL1=$url
issue --name "Siti Aminah" --job ME063098 --lpjk "LPJK-2026-777002"
N2=$num
[ -n "$N1" ] && [ -n "$N2" ] && pass "two certificates for one NIK" ||
    fail "two certificates for one NIK"
run_expect 0 "record the LPJK number of the first" \
    sk a record-lpjk "$N1" "LPJK-2026-777001"
run_expect 0 "suspend the second" \
    sk a suspend "$N2" --reason "under investigation"

# Checks: 3 anonymous on the companion port, 3 over HTTPS (2 JSON, 1 QR
# page) of the first; 2 with the reader certificate of the first, 1 of
# the second.
for i in 1 2 3; do
	"$SKK" -c "$T/a/anon.conf" verify "$N1" >"$T/out" 2>&1
done
out_has "VALID" "anonymous companion verification"
for i in 1 2; do
	curl -s --cacert "$A/ca.crt" -o "$T/out" \
	    "$H/api/v1/certificates/$(digits "$N1")"
done
out_has '"verdict"' "anonymous HTTPS JSON verification"
curl -s --cacert "$A/ca.crt" -o "$T/out" "$URL1"
for n in "$N1" "$N1" "$N2"; do
	"$SKK" -c "$T/a/reader.conf" verify "$n" >"$T/out" 2>&1
done
out_has "Siti Aminah" "reader verification sees the whole name"
sleep 2		# the records are flushed once a second

report() {
	rm -f "$T/r.json" "$T/r.json.cose"
	run_expect 0 "holder-report ($1)" sk a holder-report --nik "$NIK" \
	    -o "$T/r.json"
}
# check_report WHEN: the report lists what was done and checked.
check_report() {
	python3 - "$T/r.json" "$N1" "$N2" "$ORG" "$(date -u +%Y-%m)" \
	    "$(date -u +%Y-%m-%d)" >"$T/out" 2>&1 <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
n1, n2, org, month, day = sys.argv[2:]
certs = {c["number"]: c for c in doc["certificates"]}
assert set(certs) == {n1, n2}, certs.keys()
c1, c2 = certs[n1], certs[n2]
assert c1["status"] == "active" and c1["lpjk_number"] == "LPJK-2026-777001", c1
assert c2["status"] == "suspended", c2["status"]
k1 = [e["event"] for e in c1["events"]]
k2 = [e["event"] for e in c2["events"]]
assert k1[0] == "issue" and len(k1) == 2, k1
assert k2[0] == "issue" and len(k2) == 2, k2
for e in c1["events"] + c2["events"]:
    assert "OU=admin" in e["by"] and e["by_serial"], e
assert any(e.get("reason") == "under investigation" for e in c2["events"])
assert c1["checks"]["anonymous_per_month"] == [{"month": month, "count": 6}], c1["checks"]
assert c1["checks"]["with_reader_certificate"] == [
    {"organisation": org, "date": day, "count": 2}], c1["checks"]
assert c2["checks"]["anonymous_per_month"] == [], c2["checks"]
assert c2["checks"]["with_reader_certificate"] == [
    {"organisation": org, "date": day, "count": 1}], c2["checks"]
assert doc["issuer"]["log_key"] and doc["check_log_days"] == 365
print("report ok", k1, k2)
PY
}
report "first"
out_has "2 certificates" "holder-report says how many certificates"
check_report && pass "the report lists both certificates, their events, 6 anonymous checks this month, $ORG today" ||
    fail "the report's content"
node "$CHECK" holder "$T/r.json.cose" "$VKEY" "$T/r.json" >"$T/out" 2>"$T/err" &&
    grep -q "certificates 2" "$T/out" &&
    pass "the report's COSE_Sign1 verifies with the log key (Node)" ||
    fail "the report's COSE_Sign1 verifies with the log key (Node)"
printf ' ' >>"$T/r.json"
node "$CHECK" holder "$T/r.json.cose" "$VKEY" "$T/r.json" >"$T/out" 2>"$T/err" &&
    fail "an edited report still matches its signature" ||
    pass "an edited report no longer matches its signature"

# The PDF: readable pages, with the signed original beside them.
rm -f "$T/r.json" "$T/r.json.cose"
run_expect 0 "holder-report -o FILE.pdf" sk a holder-report --nik "$NIK" \
    -o "$T/r.pdf"
pdftotext -layout "$T/r.pdf" "$T/r.txt" 2>"$T/err"
if grep -qF "$N1" "$T/r.txt" && grep -qF "$N2" "$T/r.txt" &&
    grep -qF "$ORG" "$T/r.txt" && grep -q "Riwayat" "$T/r.txt" &&
    grep -q "under investigation" "$T/r.txt" &&
    node "$CHECK" holder "$T/r.json.cose" "$VKEY" "$T/r.json" >/dev/null 2>&1
then
	pass "the PDF (pdftotext) names both certificates, the history and $ORG; the JSON beside it verifies"
else
	fail "the PDF names both certificates, the history and $ORG"
	sed 's/^/#   /' "$T/r.txt" | head -20
fi
mkdir -p "$SHOTS"
pdftoppm -r 100 -png -f 1 -l 1 "$T/r.pdf" "$T/shot" &&
    cp "$T"/shot-*1.png "$SHOTS/holder-report.png" &&
    pass "screenshot build/screenshots/holder-report.png" ||
    fail "screenshot of a holder report"

run_expect 77 "a reader certificate cannot ask for a holder report" \
    "$SKK" -c "$T/a/reader.conf" holder-report --nik "$NIK" -o "$T/x.json"
[ ! -e "$T/x.json" ] && pass "nothing written when refused" ||
    fail "nothing written when refused"
run_expect 65 "an unknown NIK: not found" \
    sk a holder-report --nik 3515014107900099 -o "$T/x.json"
run_expect 64 "-o must be a .json or .pdf file" \
    sk a holder-report --nik "$NIK" -o "$T/x.pdf.txt"

# Restart: the records were flushed, and nothing names the caller.
inst_stop a
mdb_dump -p -a "$T/a/db" >"$T/dump" 2>"$T/err"
if grep -qF "$ORG" "$T/dump" && ! grep -qF "127.0.0.1" "$T/dump" &&
    ! grep -aqF "127.0.0.1" "$T/a/db/data.mdb"; then
	pass "the store holds the organisation but no client address"
else
	fail "the store holds the organisation but no client address"
fi
inst_start a || fail "skkd restarts"
report "after a restart"
check_report && pass "the check records survive a restart" ||
    fail "the check records survive a restart"

echo "1..$tapn"
