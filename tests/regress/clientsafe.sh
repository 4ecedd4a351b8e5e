# skkd — SPDX-License-Identifier: ISC
#
# The client never leaks and never writes where it should not (issue #12
# §6), each attack performed: a crew sheet "nik,nama,nomor_skk" (column 0
# once went to the server and into verdicts.csv), a sheet without a
# header, a NIK under a number header; output files and directories
# readable by others; a cohort's unknown columns copied into issued.csv;
# a rogue server (tests/regress/rogue.c) answering the number "../x" so
# the QR image lands outside --qr-out; and a genuine QR behind a
# look-alike host, checked online, with --image and offline.

. "$(dirname "$0")/lib.sh"

helper ROGUE rogue

inst_init a || { echo "not ok 1 - skkd init"; exit 1; }
inst_start a || { echo "not ok 1 - skkd starts"; exit 1; }
HP=$(cat "$T/a.hport")
umask 022	# what a user's shell has: skk must not rely on it

NIK=3515014107900003
sk a --json issue --name "Siti Nur'aini" --nik "$NIK" --job ME063096 --level 3 \
    --lpjk "LPJK-2026-000001" >"$T/out" 2>"$T/err"
N=$(json_field number); URL=$(json_field url)
[ -n "$N" ] && pass "an active certificate ($N)" || fail "an active certificate"

mode() { stat -c %a "$1" 2>/dev/null; }

# --- crew sheets ---------------------------------------------------------

printf 'nik,nama,nomor_skk\n%s,Siti,%s\n' "$NIK" "$N" >"$T/crew1.csv"
run_expect 0 "crew sheet nik,nama,nomor_skk: the nomor_skk column is checked" \
    sk a verify --csv "$T/crew1.csv" --out "$T/verdicts.csv"
grep -q "^$N,.*,valid,ok," "$T/verdicts.csv" && pass "verdicts.csv has the number, valid" ||
    fail "verdicts.csv has the number, valid ($(tr '\n' '|' <"$T/verdicts.csv"))"
grep -q "$NIK" "$T/verdicts.csv" && fail "verdicts.csv holds no NIK" ||
    pass "verdicts.csv holds no NIK"
grep -q "$NIK" "$T/a.log" && fail "the daemon never saw the NIK" ||
    pass "the daemon never saw the NIK"
[ "$(mode "$T/verdicts.csv")" = 600 ] && pass "verdicts.csv is 0600" ||
    fail "verdicts.csv is 0600 ($(mode "$T/verdicts.csv"))"

printf 'nik,nama\n%s,Siti\n' "$NIK" >"$T/crew2.csv"
rm -f "$T/v2.csv"
run_expect 65 "a sheet whose header names no number or QR column is refused" \
    sk a verify --csv "$T/crew2.csv" --out "$T/v2.csv"
out_has "crew2.csv:1: the header names no column to check" "the refusal names file and line"
grep -qs "$NIK" "$T/v2.csv" && fail "nothing written for it" || pass "nothing written for it"

printf '%s\n%s\n' "$N" "$N" >"$T/crew3.csv"
run_expect 65 "a sheet without a header is refused" sk a verify --csv "$T/crew3.csv"

printf 'number\n%s\n3515-0141-0790-0003\n' "$N" >"$T/crew4.csv"
run_expect 65 "a 16-digit value under 'number' is refused, nothing sent" \
    sk a verify --csv "$T/crew4.csv"
out_has "crew4.csv:3:1: 16 digits: a NIK" "the refusal names line and column"
grep -q "3515-0141-0790-0003\|$NIK" "$T/a.log" && fail "the daemon never saw it" ||
    pass "the daemon never saw it"

# --- output files --------------------------------------------------------

printf 'name,nik,job_code,level,telepon,alamat\n"Budi Santoso",1571021203850001,ME063098,3,081234567890,"Jl. Sudirman 1"\n' \
    >"$T/cohort.csv"
run_expect 0 "issue --csv --out a new directory" sk a issue --csv "$T/cohort.csv" --out "$T/out1"
[ "$(mode "$T/out1")" = 700 ] && pass "the directory skk made is 0700" ||
    fail "the directory skk made is 0700 ($(mode "$T/out1"))"
[ "$(mode "$T/out1/issued.csv")" = 600 ] && pass "issued.csv is 0600" ||
    fail "issued.csv is 0600 ($(mode "$T/out1/issued.csv"))"
png=$(ls "$T/out1"/*.png 2>/dev/null | head -n 1)
[ -n "$png" ] && [ "$(mode "$png")" = 600 ] && pass "the QR image is 0600" ||
    fail "the QR image is 0600 ($(mode "$png"))"
grep -q "081234567890\|Sudirman\|telepon" "$T/out1/issued.csv" &&
    fail "unknown columns (telepon, alamat) are not copied" ||
    pass "unknown columns (telepon, alamat) are not copied"
grep -q "^name,job_code,level,number,qr_url,status$" "$T/out1/issued.csv" &&
    pass "issued.csv: known columns, then number, qr_url, status" ||
    fail "issued.csv header ($(head -n 1 "$T/out1/issued.csv"))"
printf 'name,nik,job_code,level,telepon\n"Ani",1571021203850002,ME063098,3,081234567891\n' \
    >"$T/cohort2.csv"
run_expect 0 "issue --csv --keep-columns" sk a issue --csv "$T/cohort2.csv" \
    --out "$T/out2" --keep-columns --no-qr
grep -q "081234567891" "$T/out2/issued.csv" && pass "--keep-columns copies them" ||
    fail "--keep-columns copies them"
grep -q "1571021203850002" "$T/out2/issued.csv" && fail "never the NIK" || pass "never the NIK"

echo old >"$T/card.png"; chmod 644 "$T/card.png"
run_expect 0 "skk qr -o over an existing 0644 file" sk a qr "$N" -o "$T/card.png"
[ "$(mode "$T/card.png")" = 600 ] && pass "the QR image is now 0600" ||
    fail "the QR image is now 0600 ($(mode "$T/card.png"))"
mkdir -m 755 "$T/open"
run_expect 0 "issue --csv --out an existing 0755 directory" \
    sk a issue --csv "$T/cohort2.csv" --out "$T/open" --no-qr
out_has "others can list the files" "a warning names the open directory"
[ "$(mode "$T/open/issued.csv")" = 600 ] && pass "its issued.csv is still 0600" ||
    fail "its issued.csv is still 0600"

# --- a rogue server names the files --------------------------------------

RP=$(free_port)
sed "s/^server = .*/server = 127.0.0.1:$RP/" "$T/a/skk.conf" >"$T/a/rogue.conf"
grep -q "127.0.0.1:$RP" "$T/a/rogue.conf" || fail "rogue.conf points at the rogue"
mkdir -m 700 "$T/deep" "$T/deep/cards"
"$ROGUE" "$RP" "$T/a/tls/server.crt" "$T/a/tls/server.key" "../escaped" \
    >"$T/rogue.out" 2>&1 &
rpid=$!; pids="$pids $rpid"
i=0; while [ $i -lt 50 ] && ! grep -q listening "$T/rogue.out"; do sleep 0.1; i=$((i + 1)); done
run_expect 76 "issue --qr-out against a server answering '../escaped': refused" \
    "$SKK" -c "$T/a/rogue.conf" issue --name "Budi" --nik 1571021203850003 \
    --job ME063098 --level 3 --qr-out "$T/deep/cards"
out_has "malformed number '../escaped'" "the error quotes the server's number"
[ -e "$T/deep/escaped.png" ] && fail "nothing written outside --qr-out" ||
    pass "nothing written outside --qr-out"
kill "$rpid" 2>/dev/null; wait "$rpid" 2>/dev/null

# --- a genuine QR behind a look-alike host -------------------------------

# HTTPS://LOCALHOST:PORT/V/... -> HTTPS://LOCALH0ST:PORT/V/...
FAKE=$(echo "$URL" | sed 's|^HTTPS://LOCALHOST|HTTPS://LOCALH0ST|')
LOWER=$(echo "$URL" | sed 's|^HTTPS://LOCALHOST|https://localhost|')
PORTLESS=$(echo "$URL" | sed "s|^HTTPS://LOCALHOST:$HP|HTTPS://LOCALHOST|")
run_expect 0 "online: the genuine URL is VALID" sk a verify "$URL"
run_expect 0 "online: the genuine URL in lower case is VALID" sk a verify "$LOWER"
run_expect 1 "online: the look-alike host is NOT VALID" sk a verify "$FAKE"
out_has "points to another site" "reason: points to another site"
run_expect 1 "online: the same host without its port is NOT VALID" sk a verify "$PORTLESS"
run_expect 1 "online --qr: the look-alike host is NOT VALID" sk a verify --qr "$FAKE"
out_has "points to another site" "--qr reason: points to another site"
sk a --json verify "$FAKE" >"$T/out" 2>"$T/err"
out_has '"reason": "points_to_another_site"' "--json reason points_to_another_site"
printf 'qr\n%s\n%s\n' "$URL" "$FAKE" >"$T/crewqr.csv"
run_expect 1 "crew sheet of QR URLs: one points to another site" sk a verify --csv "$T/crewqr.csv"
out_has "1 valid, 1 not valid: 1 points to another site" "the summary counts it"
if command -v qrencode >/dev/null 2>&1; then
	qrencode -o "$T/fake.png" "$FAKE"
	run_expect 1 "--image of the look-alike QR is NOT VALID" \
	    sk a verify --image "$T/fake.png"
	out_has "points to another site" "--image reason: points to another site"
else
	echo "ok $((tapn += 1)) - # SKIP --image: qrencode not installed"
fi

run_expect 0 "keys --save" sk a keys --save "$T/issuer.keys"
grep -qi "^host localhost:$HP$" "$T/issuer.keys" && pass "the keys file names the issuer's host" ||
    fail "the keys file names the issuer's host ($(grep host "$T/issuer.keys"))"
curl -s --cacert "$T/a/tls/ca.crt" "https://localhost:$HP/api/v1/keys" >"$T/out" 2>"$T/err"
out_has "\"host\":\"localhost:$HP\"" "/api/v1/keys carries the host"
run_expect 2 "offline: the genuine URL is UNKNOWN (status unseen)" \
    "$SKK" verify --qr "$URL" --keys "$T/issuer.keys" --offline
run_expect 1 "offline: the look-alike host is NOT VALID" \
    "$SKK" verify --qr "$FAKE" --keys "$T/issuer.keys" --offline
out_has "points to another site" "offline reason: points to another site"
B32=${URL##*/}
run_expect 2 "offline: a bare payload has no host to compare (UNKNOWN)" \
    "$SKK" verify --qr "$B32" --keys "$T/issuer.keys" --offline

echo "1..$tapn"
