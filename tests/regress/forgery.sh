# skkd — SPDX-License-Identifier: ISC
#
# Forged QR codes (issue 12 §1), performed as an attacker would: with a
# signing key that leaked (rotate-key, retire-key --compromised-at today,
# SIGHUP), a QR for an existing number dated 30 days back and one for a
# number issued after the retirement are NOT VALID online ("does not
# match the issued certificate"); offline, a made-up "Mallory Impostor"
# at level 9 is UNKNOWN ("signing key compromised"), never VALID. A good
# signature of the current key over anything but the issued payload is
# NOT VALID too. The genuine card of the leaked key stays VALID online
# with a note that it must be replaced, until skkd resign re-signs it:
# then it answers "card replaced by a reprint on DATE", the reprint list
# (0600) holds the new URL, and that URL is VALID. No page shows a date
# that never happened (1970-01-01), and retire-key prints a date, not
# unix seconds.

. "$(dirname "$0")/lib.sh"

FORGE=${FORGE:-$(dirname "$SKKD")/tests/forge}
[ -x "$FORGE" ] || { echo "not ok 1 - forge helper missing ($FORGE: make unit)"; exit 1; }

inst_init a || { echo "not ok 1 - skkd init"; exit 1; }
inst_start a || { echo "not ok 1 - skkd starts"; exit 1; }
HP=$(cat "$T/a.hport"); H="https://localhost:$HP"
HOST=$(sed -n 's/^public_host *= *//p' "$T/a/skkd.conf")
TODAY=$(date -u +%F)
IAT30=$(( $(date -u -d "$TODAY" +%s) - 30 * 86400 ))
EXP=$(( IAT30 + 5 * 366 * 86400 ))
: >"$T/pages"

# fetch PATH-OR-URL [json]: body in $T/out; every page is kept for the
# 1970 check.
fetch() {
	u=$1; case "$u" in HTTPS://*) u="$H/V/${u##*/V/}" ;; esac
	if [ "${2:-}" = json ]; then
		curl -s --cacert "$T/a/tls/ca.crt" -H 'Accept: application/json' \
		    -o "$T/out" "$u" 2>"$T/err"
	else
		curl -s --cacert "$T/a/tls/ca.crt" -o "$T/out" "$u" 2>"$T/err"
	fi
	cat "$T/out" >>"$T/pages"
}
# not_valid_everywhere URL REASON WORDS DESC: skk, /V/ JSON and the page.
not_valid_everywhere() {
	run_expect 1 "$4: skk verify is NOT VALID" sk a verify "$1"
	out_has "$3" "$4: skk says '$3'"
	fetch "$1" json
	grep -q "\"verdict\":\"not_valid\",\"reason\":\"$2\"" "$T/out" &&
	    pass "$4: /V/ JSON is not_valid/$2" ||
	    fail "$4: /V/ JSON is not_valid/$2 ($(head -c 200 "$T/out"))"
	fetch "$1"
	grep -q "TIDAK SAH" "$T/out" && grep -qi "$3" "$T/out" &&
	    pass "$4: the page says TIDAK SAH and '$3'" ||
	    fail "$4: the page says TIDAK SAH and '$3'"
}

issue() {	# NAME: sets N and U
	sk a --json issue --name "$1" --nik 3515014107900003 --job ME063096 \
	    --level 3 --lpjk "LPJK-$RANDOM" >"$T/out" 2>"$T/err"
	N=$(json_field number); U=$(json_field url)
}
issue "Siti Rahayu"; N1=$N; U1=$U
[ -n "$N1" ] && [ -n "$U1" ] && pass "issued $N1 with the first key" ||
    fail "issued a certificate with the first key"
run_expect 0 "the genuine card is VALID" sk a verify "$U1"

# The first key leaks: rotate, retire it as compromised today, reload.
run_expect 0 "rotate-key" "$SKKD" rotate-key -c "$T/a/skkd.conf"
K2=$(sed -n 's/^new signing key \([0-9a-f]*\) .*/\1/p' "$T/out")
K1=$(awk -v k="$K2" '$1 !~ /^#/ && $1 != k { print $1 }' "$T/a/keys/keys.conf")
KEY1=$T/a/keys/$(awk -v k="$K1" '$1 == k { print $2 }' "$T/a/keys/keys.conf")
KEY2=$T/a/keys/$(awk -v k="$K2" '$1 == k { print $2 }' "$T/a/keys/keys.conf")
run_expect 0 "retire-key $K1 --compromised-at $TODAY" "$SKKD" retire-key \
    -c "$T/a/skkd.conf" "$K1" --compromised-at "$TODAY"
out_has "${TODAY}T00:00:00Z" "retire-key prints the compromise as a date"
# The key id is hex and may hold a run of decimal digits: leave it out.
sed "s/$K1//g" "$T/out" | grep -Eq '[0-9]{9,}' &&
    fail "retire-key prints no unix seconds" ||
    pass "retire-key prints no unix seconds"
kill -HUP "$pid_a"; sleep 0.5
issue "Budi Santoso"; N2=$N; U2=$U
[ -n "$N2" ] && pass "issued $N2 after the retirement" ||
    fail "issued a certificate after the retirement"

# The attacker signs with the leaked key, dated before the compromise.
F1=$("$FORGE" "$KEY1" "$HOST" "$N1" "Siti Rahayu" ME063096 3 "$IAT30" "$EXP")
F2=$("$FORGE" "$KEY1" "$HOST" "$N2" "Mallory Impostor" ME063096 3 "$IAT30" "$EXP")
[ -n "$F1" ] && [ -n "$F2" ] && pass "forged two QRs with the leaked key" ||
    fail "forged two QRs with the leaked key"
not_valid_everywhere "$F1" mismatch "does not match the issued certificate" \
    "leaked key, existing number, dated 30 days back"
not_valid_everywhere "$F2" mismatch "does not match the issued certificate" \
    "leaked key, number issued after the retirement"
grep -q "Tidak sesuai dengan sertifikat yang diterbitkan" "$T/out" &&
    pass "the page says it in Indonesian first" ||
    fail "the page says it in Indonesian first"
grep -q "Mallory" "$T/out" && fail "the page does not show the forged name" ||
    pass "the page does not show the forged name"

# The current, uncompromised key over a payload that was never issued.
F3=$("$FORGE" "$KEY2" "$HOST" "$N1" "Mallory Impostor" ME063096 3 "$IAT30" "$EXP")
not_valid_everywhere "$F3" mismatch "does not match the issued certificate" \
    "current key, another name for an existing number"

# Offline, a made-up holder at level 9 signed by the leaked key.
run_expect 0 "skk keys --save" sk a keys --save "$T/issuer.keys"
grep "^ed25519 $K1 " "$T/issuer.keys" | grep -q "${TODAY}T00:00:00Z\$" &&
    pass "the saved keys carry the compromise mark" ||
    fail "the saved keys carry the compromise mark ($(grep "$K1" "$T/issuer.keys"))"
fetch "$H/api/v1/keys" json
grep -q "\"compromised_at\":\"${TODAY}T00:00:00Z\"" "$T/out" &&
    pass "/api/v1/keys carries the compromise mark" ||
    fail "/api/v1/keys carries the compromise mark"
F4=$("$FORGE" "$KEY1" "$HOST" "42101 8342 9 00999999 2025" "Mallory Impostor" \
    ME061001 9 "$IAT30" "$EXP")
run_expect 2 "offline: a made-up certificate of the leaked key is UNKNOWN" \
    env -u SKK_CONFIG "$SKK" verify --offline --keys "$T/issuer.keys" --qr "$F4"
out_has "signing key compromised: check online" "offline: the reason says check online"
grep -q "VALID signature" "$T/out" "$T/err" &&
    fail "offline: no 'VALID signature' for the leaked key" ||
    pass "offline: no 'VALID signature' for the leaked key"
grep -q "Mallory" "$T/out" && fail "offline: the forged name is not shown" ||
    pass "offline: the forged name is not shown"
run_expect 2 "offline: the genuine card of the leaked key is UNKNOWN too" \
    env -u SKK_CONFIG "$SKK" verify --offline --keys "$T/issuer.keys" --qr "$U1"

# Online, the genuine card stays VALID until re-signed, with a note.
run_expect 0 "the genuine card of the leaked key is still VALID" sk a verify "$U1"
out_has "must be replaced" "skk says the card must be replaced"
fetch "$U1" json
grep -q '"verdict":"valid".*"replace_card":true' "$T/out" &&
    pass "/V/ JSON: valid, replace_card" || fail "/V/ JSON: valid, replace_card"
fetch "$U1"
grep -q "kartu harus diganti" "$T/out" && grep -q "the card must be replaced" "$T/out" &&
    pass "the page says in both languages the card must be replaced" ||
    fail "the page says in both languages the card must be replaced"
run_expect 0 "the new key's card is VALID" sk a verify "$U2"
grep -q "must be replaced" "$T/out" && fail "no replace note on the new key's card" ||
    pass "no replace note on the new key's card"

# skkd resign, beside the running daemon.
run_expect 0 "skkd resign --kid $K1" "$SKKD" resign -c "$T/a/skkd.conf" \
    --kid "$K1" -o "$T/reprint.csv"
out_has "1 certificates of key $K1 re-signed" "resign counts one certificate"
[ "$(stat -c %a "$T/reprint.csv" 2>/dev/null)" = 600 ] &&
    pass "the reprint list is mode 0600" || fail "the reprint list is mode 0600"
NEW=$(awk -F'","' -v n="$N1" 'index($1, n) { sub(/"$/, "", $3); print $3 }' "$T/reprint.csv")
grep -q "^\"$N1\",\"Siti Rahayu\",\"HTTPS://" "$T/reprint.csv" && [ -n "$NEW" ] &&
    pass "the reprint list holds number, name and new URL" ||
    fail "the reprint list holds number, name and new URL ($(cat "$T/reprint.csv"))"
grep -q "$N2" "$T/reprint.csv" && fail "the new key's certificate is not re-signed" ||
    pass "the new key's certificate is not re-signed"
run_expect 73 "a second resign to the same file is refused" "$SKKD" resign \
    -c "$T/a/skkd.conf" --kid "$K1" -o "$T/reprint.csv"
run_expect 65 "resigning the active key is refused" "$SKKD" resign \
    -c "$T/a/skkd.conf" --kid "$K2" -o "$T/other.csv"

not_valid_everywhere "$U1" reprinted "replaced by a reprint on $TODAY" \
    "the old card after resign"
run_expect 0 "skk qr gives the new card" sk a qr "$N1" -o "$T/new.png"
QRURL=$(awk '{ print $NF }' "$T/out")
[ -n "$QRURL" ] && [ "$QRURL" = "$NEW" ] && pass "skk qr's URL is the reprint list's" ||
    fail "skk qr's URL is the reprint list's ('$QRURL' vs '$NEW')"
run_expect 0 "the reprinted card is VALID" sk a verify "$NEW"
grep -q "must be replaced" "$T/out" && fail "no replace note on the reprint" ||
    pass "no replace note on the reprint"
fetch "$NEW" json
grep -q '"verdict":"valid"' "$T/out" && pass "/V/ of the reprint is valid" ||
    fail "/V/ of the reprint is valid"
not_valid_everywhere "$F1" mismatch "does not match the issued certificate" \
    "a forgery after resign is still not the issued card"
run_expect 0 "show lists the resign event" sk a show "$N1"
out_has "resign" "the audit trail records the resign"

# Dates that never happened: revoked, unknown and forged pages.
sk a revoke "$N2" --reason "test" >/dev/null 2>&1
fetch "$U2"; fetch "$U2" json
grep -q "$TODAY" "$T/out" && pass "a revoked card's page gives today's date" ||
    fail "a revoked card's page gives today's date"
fetch "$H/c/42101+8342+3+00999999+2026"
F5=$("$FORGE" "$KEY2" "$HOST" "42101 8342 3 00999999 2026" "Nobody" ME063096 3 "$IAT30" "$EXP")
fetch "$F5"; fetch "$F5" json
grep -q "1970-01-01" "$T/pages" && fail "no page shows 1970-01-01" ||
    pass "no page shows 1970-01-01"

echo "1..$tapn"
