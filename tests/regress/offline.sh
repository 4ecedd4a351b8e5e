# skkd — SPDX-License-Identifier: ISC
#
# A site without signal: `skk sync` then `skk verify --offline`, against
# two real daemons (two LSPs) over real TLS. Certificates are issued on
# both, the second issuer is trusted with `skk trust add`, and sync
# fetches both issuers' signed descriptors, status lists and number
# maps into a temporary cache. With the daemons still running but never
# asked, the offline verdicts follow skk(1): VALID "as of" the list's
# time; a revocation after the sync is still VALID as of then, and NOT
# VALID after the next sync; status older than --max-age (SKK_NOW moves
# the clock) is UNKNOWN; a QR from an untrusted host is UNKNOWN; one
# signed by a key the issuer never had is NOT VALID; a number nobody
# knows is NOT VALID, one both issuers know is UNKNOWN (ambiguous) unless
# the issuer is named; a crew CSV gets a verdict, issuer and as-of time
# per row and a summary; a tampered cache file is refused (UNKNOWN, never
# VALID) and the next sync repairs it; a daemon that is down fails its
# own line of sync and leaves the cache as it was.

. "$(dirname "$0")/lib.sh"

helper FORGE forge

inst_init a --issuer "LSP Satu" --licence "BNSP-LSP-001" ||
    { echo "not ok 1 - skkd init a"; exit 1; }
inst_init b --issuer "LSP Dua" --licence "BNSP-LSP-002" ||
    { echo "not ok 1 - skkd init b"; exit 1; }
inst_init c || { echo "not ok 1 - skkd init c"; exit 1; }
inst_start a || { echo "not ok 1 - skkd a starts"; exit 1; }
inst_start b || { echo "not ok 1 - skkd b starts"; exit 1; }
pass "two issuers start"
HA=$(cat "$T/a.hport"); HB=$(cat "$T/b.hport"); HC=$(cat "$T/c.hport")
C=$T/cache
NIK=3515014107900003
ISO='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z'

# flip FILE OFFSET: changes the byte at OFFSET (to another value, always).
flip() {
	_b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	printf "\\$(printf %03o $(((_b + 1) % 256)))" |
	    dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

# issue INSTANCE NAME [--number N]: a recorded (active) certificate.
issue() {
	_i=$1; _n=$2; shift 2
	sk "$_i" --json issue --name "$_n" --nik "$NIK" --job ME063096 \
	    --level 3 --lpjk "LPJK-$_i-$RANDOM" "$@" >"$T/out" 2>"$T/err"
	N=$(json_field number); U=$(json_field url)
}
# Both number from 00000001: give the first ones numbers of their own.
issue a "Siti Rahayu" --number "42101 8342 3 00000101 2025"; VA=$N; UA=$U
issue a "Budi Santoso" --number "42101 8342 3 00000102 2025"; RA=$N
issue b "Dewi Lestari" --number "42101 8342 3 00000201 2025"; VB=$N; UB=$U
SAME="42101 8342 3 00000777 2025"
issue a "Agus Salim" --number "$SAME"; SA=$N
issue b "Rina Wati" --number "$SAME"; SB=$N
[ -n "$VA" ] && [ -n "$RA" ] && [ -n "$VB" ] && [ "$SA" = "$SAME" ] &&
    [ "$SB" = "$SAME" ] && pass "certificates issued on both, one number twice" ||
    fail "certificates issued on both, one number twice"

run_expect 0 "trust the second issuer" \
    sk a trust add "https://localhost:$HB" --ca "$T/b/tls/ca.crt"

# --- sync -------------------------------------------------------------------

# The daemons publish a new list within seconds of a change: wait for it.
sync_until() {	# sync_until DESC PATTERN NUMBER: sync until verify says it
	for _i in $(seq 30); do
		sk a sync --cache "$C" >"$T/sync.out" 2>"$T/sync.err"
		sk a verify --offline --cache "$C" "$3" >"$T/out" 2>"$T/err"
		grep -q "$2" "$T/out" && { pass "$1"; return; }
		sleep 0.3
	done
	fail "$1 ($(cat "$T/out" "$T/sync.err" | tr '\n' '|'))"
}

run_expect 0 "sync: both issuers" sk a sync --cache "$C"
out_has "localhost:$HA (LSP Satu): issuer descriptor" "a line for the own server"
out_has "localhost:$HB (LSP Dua): issuer descriptor" "a line for the trusted issuer"
[ -s "$C/localhost+$HA/issuer" ] && [ -s "$C/localhost+$HA/status/0" ] &&
    [ -s "$C/localhost+$HA/numbers/0" ] && [ -s "$C/localhost+$HB/status/0" ] &&
    pass "cache: descriptor, status list and number map per issuer" ||
    fail "cache files ($(cd "$C" && find . -type f | tr '\n' ' '))"
ls "$C"/*/*.tmp* "$C"/*/*/*.tmp* >/dev/null 2>&1 &&
    fail "no temporary files left" || pass "no temporary files left"
sync_until "the issued certificates are VALID offline" "^VALID" "$RA"
sync_until "both issuers' lists hold the number issued last" "ambiguous" "$SAME"

# --- offline verdicts ----------------------------------------------------------

run_expect 0 "sync again" sk a sync --cache "$C"
grep -Eq "\(([1-9][0-9]*) unchanged\)" "$T/out" && pass "unchanged lists answered 304" ||
    fail "unchanged lists ($(cat "$T/out" | tr '\n' '|'))"
[ -s "$C/localhost+$HA/status/0.etag" ] && pass "the ETag is kept" || fail "the ETag is kept"

run_expect 0 "a number: VALID" sk a verify --offline --cache "$C" "$VA"
grep -Eq "^VALID +$VA .*\(ok\) as of $ISO" "$T/out" &&
    pass "VALID ... (ok) as of <ISO 8601 UTC>" || fail "VALID as of ($(cat "$T/out"))"
out_has "issuer: LSP Satu (localhost:$HA)" "names the issuer"
ASOF=$(sed -nE "s/.* as of ($ISO).*/\\1/p" "$T/out" | head -n 1)
printf '# a crew\n%s\n\n%s\n' "$VA" "$VB" >"$T/items"
run_expect 0 "- reads the items from stdin" sh -c \
    '"$1" -c "$2" verify --offline --cache "$3" - <"$4"' sh "$SKK" "$T/a/skk.conf" "$C" "$T/items"
[ "$(grep -c '^VALID' "$T/out")" = 2 ] && pass "two items read, comment and blank skipped" ||
    fail "stdin items ($(cat "$T/out"))"
run_expect 0 "the other issuer's number: VALID" sk a verify --offline --cache "$C" "$VB"
out_has "issuer: LSP Dua (localhost:$HB)" "names the other issuer"
run_expect 0 "a QR: VALID, with the holder" sk a verify --offline --cache "$C" "$UA"
out_has "Siti Rahayu" "the QR's name is shown"
run_expect 0 "--qr --offline: the same" sk a verify --qr "$UA" --offline --cache "$C"
run_expect 0 "the card's QR image" sk a qr "$VA" -o "$T/va.png"
run_expect 0 "--image --offline: the same" sk a verify --image "$T/va.png" --offline --cache "$C"
out_has "Siti Rahayu" "read from the picture"
run_expect 0 "--json" sk a --json verify --offline --cache "$C" "$VA"
[ "$(jq -r '.items[0].verdict' "$T/out")" = valid ] &&
    [ "$(jq -r '.items[0].as_of' "$T/out")" = "$ASOF" ] &&
    [ "$(jq -r '.items[0].issuer.host' "$T/out")" = "localhost:$HA" ] &&
    pass "JSON: verdict, as_of, issuer.host" || fail "JSON ($(tr '\n' ' ' <"$T/out"))"

run_expect 0 "revoke after the sync" sk a revoke "$RA" --reason "card lent"
run_expect 0 "still VALID from the old status" sk a verify --offline --cache "$C" "$RA"
out_has "as of $ASOF" "as of the old list's time"
sync_until "NOT VALID (revoked) after the next sync" "^NOT VALID.*(revoked) as of" "$RA"
run_expect 1 "revoked: exit 1" sk a verify --offline --cache "$C" "$RA"

NOW=$(date +%s)
run_expect 2 "status older than --max-age: UNKNOWN" env SKK_NOW=$((NOW + 2 * 86400)) \
    "$SKK" -c "$T/a/skk.conf" verify --offline --cache "$C" "$VA"
out_has "status older than 24h" "says how old the status may be"
run_expect 2 "--max-age 1h, two hours later: UNKNOWN" env SKK_NOW=$((NOW + 7200)) \
    "$SKK" -c "$T/a/skk.conf" verify --offline --cache "$C" --max-age 1h "$VA"
out_has "status older than 1h" "--max-age is named"
run_expect 0 "--max-age 3h, two hours later: VALID" env SKK_NOW=$((NOW + 7200)) \
    "$SKK" -c "$T/a/skk.conf" verify --offline --cache "$C" --max-age 3h "$VA"
run_expect 64 "--max-age 2w is refused" sk a verify --offline --cache "$C" --max-age 2w "$VA"

HOSTC=$(printf '%s' "localhost:$HC" | tr a-z A-Z)
OTHER=$(printf '%s' "$UA" | sed "s|^HTTPS://[^/]*/|HTTPS://$HOSTC/|")
run_expect 2 "a QR from a host that is no trusted issuer: UNKNOWN" \
    sk a verify --offline --cache "$C" "$OTHER"
out_has "(issuer not trusted)" "reason: issuer not trusted"

IAT30=$(( (NOW / 86400 - 30) * 86400 )); EXP=$(( IAT30 + 5 * 365 * 86400 ))
chmod 600 "$T/c/keys/signing.pem"
F=$("$FORGE" "$T/c/keys/signing.pem" "localhost:$HA" "$VA" "Mallory" ME063096 3 "$IAT30" "$EXP")
run_expect 1 "a QR on the issuer's host, signed by a key it never had: NOT VALID" \
    sk a verify --offline --cache "$C" "$F"
out_has "(unknown key)" "reason: unknown key"
out_has "forged" "says forged"
BA=$(printf '%s' "$UB" | sed "s|^HTTPS://[^/]*/|HTTPS://LOCALHOST:$HA/|")
run_expect 1 "the other issuer's card behind this issuer's host: NOT VALID" \
    sk a verify --offline --cache "$C" "$BA"
out_has "(points to another site)" "reason: points to another site"

run_expect 1 "a number nobody knows: NOT VALID" \
    sk a verify --offline --cache "$C" "42101 8342 3 09999999 2025"
out_has "(unknown number) as of" "unknown number, as of"
run_expect 2 "a number both issuers know: UNKNOWN" sk a verify --offline --cache "$C" "$SAME"
out_has "ambiguous: known to 2 issuers" "ambiguous: known to 2 issuers"
run_expect 0 "named by host, the number is the second issuer's" \
    sk a verify --offline --cache "$C" --issuer "localhost:$HB" "$SAME"
out_has "issuer: LSP Dua" "answered by the second issuer"
run_expect 0 "named by licence" sk a verify --offline --cache "$C" --issuer BNSP-LSP-001 "$SAME"
out_has "issuer: LSP Satu" "answered by the first issuer"

# --- a crew ---------------------------------------------------------------------

{
	echo "name,nomor_skk,issuer"
	echo "Siti Rahayu,$VA,"
	echo "Dewi Lestari,$VB,"
	echo "Budi Santoso,$RA,"
	echo "Agus Salim,$SAME,"
	echo "Rina Wati,$SAME,localhost:$HB"
	echo "Nobody,42101 8342 3 09999999 2025,"
} >"$T/crew.csv"
run_expect 1 "crew offline: one revoked, one unknown number" \
    sk a verify --csv "$T/crew.csv" --out "$T/v.csv" --offline --cache "$C"
head -n 1 "$T/v.csv" | grep -q '^number,name,job,level,verdict,reason,expires,issuer,as_of,name_match$' &&
    pass "crew columns: today's, then issuer, as_of, name_match" ||
    fail "crew header ($(head -n 1 "$T/v.csv"))"
row() { grep -F "$1" "$T/v.csv" | grep -F "$2" | head -n 1; }
row "$VA" "" | grep -Eq ",valid,ok,,localhost:$HA,$ISO," && pass "row: valid, issuer, as of" ||
    fail "row VA ($(row "$VA" ""))"
row "$VB" "" | grep -q ",valid,ok,,localhost:$HB," && pass "row: the other issuer" ||
    fail "row VB ($(row "$VB" ""))"
row "$RA" "" | grep -q ",not_valid,revoked,,localhost:$HA," && pass "row: revoked" ||
    fail "row RA ($(row "$RA" ""))"
[ "$(grep -c ",unknown,ambiguous,,," "$T/v.csv")" = 1 ] && pass "row: ambiguous, no issuer" ||
    fail "row ambiguous"
row "$SAME" "localhost:$HB" | grep -q ",valid,ok," && pass "row: the issuer column decides" ||
    fail "row issuer column ($(grep -F "$SAME" "$T/v.csv" | tr '\n' '|'))"
grep -q "09999999.*,not_valid,unknown_number," "$T/v.csv" && pass "row: unknown number" ||
    fail "row unknown number"
out_has "3 valid, 2 not valid: 1 unknown number, 1 revoked; 1 unknown" "summary line"
out_has "  localhost:$HA: 1 valid, 1 not valid, 0 unknown (as of" "summary line of the first issuer"
out_has "  localhost:$HB: 2 valid, 0 not valid, 0 unknown (as of" "summary line of the second issuer"
printf 'qr,name\n%s,Siti Rahayu\n%s,Somebody Else\n' "$UA" "$UA" >"$T/crewqr.csv"
run_expect 1 "crew offline of QRs: a name that does not match" \
    sk a verify --csv "$T/crewqr.csv" --out "$T/vq.csv" --offline --cache "$C"
grep -q ",valid,ok,.*,yes$" "$T/vq.csv" && grep -q ",valid,ok,.*,no$" "$T/vq.csv" &&
    pass "name_match yes and no" || fail "name_match ($(tr '\n' '|' <"$T/vq.csv"))"

# --- the same crew online: each issuer asked at once ---------------------------

printf '%s,%s,\n' "Somebody Else" "$VB" >>"$T/crew.csv"
printf '%s,%s,\n' "Dewi Lestari" "$UB" >>"$T/crew.csv"
run_expect 1 "crew online across two issuers" \
    sk a verify --csv "$T/crew.csv" --out "$T/von.csv"
orow() { grep -F "$1" "$T/von.csv" | grep -F "$2" | head -n 1; }
orow "$VA" "Siti" | grep -Eq ",valid,ok,[0-9-]*,localhost:$HA,$ISO,yes$" &&
    pass "online row: the own server (companion port), name matches" ||
    fail "online row VA ($(orow "$VA" Siti))"
# asked anonymously by number: the name masked, but compared
orow "$VB" "D*** L******" | grep -Eq ",valid,ok,[0-9-]*,localhost:$HB,$ISO,yes$" &&
    pass "online row: the other issuer (HTTPS API), name masked but matching" ||
    fail "online row VB ($(tr '\n' '|' <"$T/von.csv"))"
grep -F "$VB" "$T/von.csv" | grep -q ",no$" && pass "online: a name that does not match" ||
    fail "online name mismatch ($(tr '\n' '|' <"$T/von.csv"))"
orow "$RA" "" | grep -q ",not_valid,revoked,.*,localhost:$HA," && pass "online row: revoked" ||
    fail "online row RA"
[ "$(grep -c ",unknown,ambiguous," "$T/von.csv")" = 1 ] &&
    pass "online: a number both know is ambiguous" || fail "online ambiguous ($(tr '\n' '|' <"$T/von.csv"))"
grep -q "09999999.*,not_valid,unknown_number," "$T/von.csv" &&
    pass "online: a number neither knows" || fail "online unknown number"
grep -F "Dewi Lestari" "$T/von.csv" | grep -q ",valid,ok,.*,localhost:$HB,.*,yes$" &&
    pass "online: a QR goes to the issuer its host names" || fail "online QR row"
out_has "  localhost:$HB: 4 valid, 0 not valid, 0 unknown" "online summary of the other issuer"
out_has "1 name not matching" "the summary counts the name that does not match"

# With the other issuer's companion port and a reader certificate it issued,
# it is asked there as a reader: the name asked by number comes back whole.
"$SKKD" add-client -c "$T/b/skkd.conf" crewreader --role reader >"$T/out" 2>&1 ||
    fail "add-client crewreader --role reader on the other issuer"
run_expect 0 "trust the other issuer with its companion port and a reader certificate" \
    sk a trust add "https://localhost:$HB" --ca "$T/b/tls/ca.crt" \
    --server "127.0.0.1:$(cat "$T/b.port")" --server-name localhost \
    --cert "$T/b/tls/clients/crewreader.crt" --key "$T/b/tls/clients/crewreader.key"
grep -q "^issuer https://localhost:$HB .* server=127.0.0.1:$(cat "$T/b.port") server_name=localhost$" \
    "$T/a/trusted-issuers" && pass "the trust file records the companion port" ||
    fail "trust file server= ($(cat "$T/a/trusted-issuers"))"
run_expect 1 "crew online, the other issuer over its companion port" \
    sk a verify --csv "$T/crew.csv" --out "$T/vcomp.csv"
grep -F "$VB" "$T/vcomp.csv" | grep -F "Dewi Lestari" |
    grep -Eq ",valid,ok,[0-9-]*,localhost:$HB,$ISO,yes$" &&
    pass "companion port: the full name of a number, and it matches" ||
    fail "companion row VB ($(tr '\n' '|' <"$T/vcomp.csv"))"
grep -F "$VB" "$T/vcomp.csv" | grep -q "Dewi Lestari.*,no$" &&
    pass "companion port: a name that does not match" ||
    fail "companion mismatch ($(tr '\n' '|' <"$T/vcomp.csv"))"
grep -q "D\*\*\*" "$T/vcomp.csv" && fail "companion port: a masked name" ||
    pass "companion port: no name masked"
[ "$(grep -c ",unknown,ambiguous," "$T/vcomp.csv")" = 1 ] &&
    pass "companion port: a number both know is still ambiguous" ||
    fail "companion ambiguous ($(tr '\n' '|' <"$T/vcomp.csv"))"
out_has "  localhost:$HB: 4 valid, 0 not valid, 0 unknown" "companion: summary of the other issuer"
# A companion port that does not answer: its rows UNKNOWN, saying why.
run_expect 0 "the companion port moved" \
    sk a trust add "https://localhost:$HB" --server "127.0.0.1:$(cat "$T/c.port")" \
    --server-name localhost
run_expect 1 "crew online, the other issuer's companion port down (revoked rows still NOT VALID)" \
    sk a verify --csv "$T/crew.csv" --out "$T/vdown.csv"
grep -F "$VB" "$T/vdown.csv" | grep -q ",unknown,unavailable," &&
    pass "companion port down: UNKNOWN, not NOT VALID" ||
    fail "companion down ($(tr '\n' '|' <"$T/vdown.csv"))"
# Without a reader certificate the HTTPS API again, names masked.
run_expect 0 "forget the reader certificate" sk a trust remove "localhost:$HB"
run_expect 0 "trust the other issuer with a companion port but no certificate" \
    sk a trust add "https://localhost:$HB" --ca "$T/b/tls/ca.crt" \
    --server "127.0.0.1:$(cat "$T/b.port")"
run_expect 1 "crew online, no reader certificate: HTTPS" \
    sk a verify --csv "$T/crew.csv" --out "$T/vhttps.csv"
grep -F "$VB" "$T/vhttps.csv" | grep -F "D*** L******" | grep -q ",valid,ok," &&
    pass "no reader certificate: the HTTPS API, name masked" ||
    fail "https row VB ($(tr '\n' '|' <"$T/vhttps.csv"))"

# --- the cache is checked, not believed -------------------------------------------

cp "$C/localhost+$HA/status/0" "$T/good"
flip "$C/localhost+$HA/status/0" 60
run_expect 2 "a tampered cached list: UNKNOWN, not VALID" sk a verify --offline --cache "$C" "$VA"
out_has "refused" "says the cached list was refused"
run_expect 2 "and no number is unknown while it is" \
    sk a verify --offline --cache "$C" "42101 8342 3 09999999 2025"
head -c 40 "$T/good" >"$C/localhost+$HA/status/0"
run_expect 2 "a truncated cached list: UNKNOWN" sk a verify --offline --cache "$C" "$VA"
run_expect 0 "sync repairs the cache" sk a sync --cache "$C"
run_expect 0 "VALID again" sk a verify --offline --cache "$C" "$VA"

inst_stop b
run_expect 69 "sync with one issuer down: exit 69" sk a sync --cache "$C"
out_has "localhost:$HA (LSP Satu): issuer descriptor" "the other issuer still synced"
out_has "skk: sync: localhost:$HB:" "the failure is named"
run_expect 0 "the down issuer's cached status still answers" \
    sk a verify --offline --cache "$C" "$VB"

# The default cache: $XDG_CACHE_HOME/skk.
run_expect 0 "stop trusting the second issuer" \
    "$SKK" -c "$T/a/skk.conf" trust remove "localhost:$HB"
run_expect 0 "sync into XDG_CACHE_HOME" env XDG_CACHE_HOME="$T/xdg" \
    "$SKK" -c "$T/a/skk.conf" sync
[ -s "$T/xdg/skk/localhost+$HA/status/0" ] && pass "cache under \$XDG_CACHE_HOME/skk" ||
    fail "cache under \$XDG_CACHE_HOME/skk"
run_expect 2 "an issuer no longer trusted: its QR is UNKNOWN, not NOT VALID" \
    env XDG_CACHE_HOME="$T/xdg" "$SKK" -c "$T/a/skk.conf" verify --offline "$UB"
out_has "(issuer not trusted)" "reason: issuer not trusted"

# --- a registry's list, fetched again by sync ---------------------------------

inst_start b || fail "b restarts"
run_expect 0 "trust the second issuer again" \
    sk a trust add "https://localhost:$HB" --ca "$T/b/tls/ca.crt"
"$SKKD" trust-list keygen "$T/reg.key" >/dev/null || fail "skkd trust-list keygen"
LKA=$(sed -n 's/^log_key = //p' "$T/a/skk.conf")
LKB=$(sed -n 's/^log_key = //p' "$T/b/skk.conf")
printf 'https://localhost:%s %s BNSP-LSP-001 LSP Satu\n' "$HA" "$LKA" >"$T/l1.txt"
cp "$T/l1.txt" "$T/l2.txt"
printf 'https://localhost:%s %s BNSP-LSP-002 LSP Dua\n' "$HB" "$LKB" >>"$T/l1.txt"
"$SKKD" trust-list sign --key "$T/reg.key" --name Reg "$T/l1.txt" -o "$T/l1.cwt" >/dev/null &&
    "$SKKD" trust-list sign --key "$T/reg.key" --name Reg "$T/l2.txt" -o "$T/l2.cwt" \
    >/dev/null || fail "skkd trust-list sign"
cp "$T/l1.cwt" "$T/served.cwt"
printf 'trust_list = %s\n' "$T/served.cwt" >>"$T/a/skkd.conf"
inst_stop a; inst_start a || fail "a restarts serving the registry's list"
run_expect 0 "import the registry's list from /trust-list" \
    sk a trust import "https://localhost:$HA/trust-list" --key "$T/reg.key.pub" \
    --ca "$T/a/tls/ca.crt" --name reg
run_expect 0 "sync fetches the registry's list again" sk a sync --cache "$C"
out_has "registry reg: 2 issuers, as of" "a line for the registry"
[ -s "$C/+registries/reg" ] && pass "the list is cached" || fail "the list is cached"
run_expect 0 "the registry's issuer is trusted" sk a verify --offline --cache "$C" "$UB"

cp "$C/+registries/reg" "$T/reg.before"
cp "$T/l1.cwt" "$T/served.cwt"
# a byte of the signature: still a well-formed list, which skkd serves
flip "$T/served.cwt" $(($(wc -c <"$T/l1.cwt") - 10))
inst_stop a; inst_start a || fail "a restarts serving a tampered list"
run_expect 69 "a tampered registry list: sync exits 69" sk a sync --cache "$C"
out_has "registry reg:" "names the registry"
out_has "the cached list is kept" "keeps the cached list"
cmp -s "$T/reg.before" "$C/+registries/reg" && pass "the cached list is unchanged" ||
    fail "the cached list changed"
run_expect 0 "its issuers still trusted" sk a verify --offline --cache "$C" "$UB"

cp "$T/l2.cwt" "$T/served.cwt"
inst_stop a; inst_start a || fail "a restarts serving a list without b"
run_expect 0 "a newer list without the second issuer" sk a sync --cache "$C"
out_has "localhost:$HB is no longer on reg's list" "sync says who was dropped"
run_expect 2 "its cards are UNKNOWN (issuer not trusted), not NOT VALID" \
    sk a verify --offline --cache "$C" "$UB"
out_has "(issuer not trusted)" "reason: issuer not trusted"
run_expect 2 "and its numbers UNKNOWN too, not unknown numbers" \
    sk a verify --offline --cache "$C" "$VB"
out_has "which is not a trusted issuer" "says who knows it"

# --- what sync is sent is checked before it is kept ---------------------------

# openssl's own HTTPS file server, with a's certificate, in a's place.
inst_stop a
W=$T/www; mkdir -p "$W/api/v1" "$W/status"
cp "$C/localhost+$HA/issuer" "$W/api/v1/issuer"
cp "$C/localhost+$HA/status/0" "$W/status/0"
cp "$C/localhost+$HA/status/0" "$T/st.before"
flip "$W/status/0" $(($(wc -c <"$W/status/0") - 10))
(cd "$W" && exec openssl s_server -accept "$HA" -cert "$T/a/tls/server.crt" \
    -key "$T/a/tls/server.key" -WWW -quiet </dev/null >/dev/null 2>&1) &
pids="$pids $!"
for _i in $(seq 50); do
	curl -s -o /dev/null --cacert "$T/a/tls/ca.crt" "https://localhost:$HA/api/v1/issuer" && break
	sleep 0.1
done
run_expect 69 "a status list with a bad signature is refused" sk a sync --cache "$C"
out_has "status/0" "the refusal names the list"
cmp -s "$T/st.before" "$C/localhost+$HA/status/0" && pass "the cache keeps the good list" ||
    fail "the cache keeps the good list"
cp "$C/localhost+$HB/status/0" "$W/status/0"
run_expect 69 "another issuer's list (another key, another host) is refused" \
    sk a sync --cache "$C"
cmp -s "$T/st.before" "$C/localhost+$HA/status/0" && pass "the cache still keeps the good list" ||
    fail "the cache still keeps the good list"
run_expect 0 "and answers from it" sk a verify --offline --cache "$C" "$VA"

echo "1..$tapn"
