# skkd — SPDX-License-Identifier: ISC
#
# The documents of trust from a verifier's and a registry's view: a real
# daemon's /api/v1/issuer over HTTPS with its caching and CORS headers,
# decoded and its Ed25519 signature checked by code we did not write
# (Node's cbor2 and crypto, tests/node/cwtcheck.mjs) against the log key
# of skk.conf; the descriptor follows a key rotation and a compromise
# mark after SIGHUP and is written by skkd publish; a registry key made
# by skkd trust-list keygen signs a list naming two instances, which a
# third instance serves at /trust-list unchanged; a bad line in the list
# gives its line number and no output file; a bad trust_list file stops
# skkd at start-up.

. "$(dirname "$0")/lib.sh"

CHECK="$(cd "$(dirname "$0")/../node" && pwd)/cwtcheck.mjs"
ITYP=application/skk-issuer+cwt
LTYP=application/skk-trustlist+cwt
if ! command -v node >/dev/null || ! command -v jq >/dev/null ||
    [ ! -d "$(dirname "$CHECK")/node_modules/cbor2" ]; then
	echo "not ok 1 - node, jq and tests/node's cbor2 (make deps)"
	echo "1..1"
	exit 1
fi

inst_init a --issuer "LSP Alat Berat Satu" --licence "BNSP-LSP-0101-ID" ||
    { echo "not ok 1 - skkd init a"; exit 1; }
inst_init b --issuer "LSP Konstruksi Dua" ||
    { echo "not ok 1 - skkd init b"; exit 1; }
inst_start a || { echo "not ok 1 - skkd a starts"; exit 1; }
pass "two instances made, a started"

HA=$(cat "$T/a.hport")
HB=$(cat "$T/b.hport")
VA=$(sed -n 's/^log_key = //p' "$T/a/skk.conf")
VB=$(sed -n 's/^log_key = //p' "$T/b/skk.conf")

# get NAME PATH [curl options]: NAME's HTTPS answer, body into $T/body,
# headers into $T/head; prints the status.
get() {
	_n=$1; _h=$(cat "$T/$1.hport"); _p=$2; shift 2
	rm -f "$T/body"; : >"$T/body"
	curl -s --cacert "$T/$_n/tls/ca.crt" --resolve "localhost:$_h:127.0.0.1" \
	    -D "$T/head" -o "$T/body" -w '%{http_code}' "$@" \
	    "https://localhost:$_h$_p"
}
head_has() {
	if grep -qi "^$1" "$T/head"; then pass "$2"; else fail "$2 (no '$1')"; sed 's/^/#   /' "$T/head"; fi
}
# raw_head NAME PATH: a HEAD over TLS by hand; every byte of the answer
# into $T/raw, so a body sent after the head would show.
raw_head() {
	printf 'HEAD %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' "$2" |
	    timeout 10 openssl s_client -quiet -connect "127.0.0.1:$(cat "$T/$1.hport")" \
	    -CAfile "$T/$1/tls/ca.crt" >"$T/raw" 2>/dev/null
}
# raw_ok LENGTH: $T/raw is a 200 head with that length and nothing after.
raw_ok() {
	head -1 "$T/raw" | grep -q "^HTTP/1.1 200 " &&
	    grep -qi "^Content-Length: $1" "$T/raw" &&
	    [ "$(tail -c 4 "$T/raw" | od -An -tx1 | tr -d ' \n')" = 0d0a0d0a ]
}
etag() { sed -n 's/^[Ee][Tt][Aa][Gg]: *//p' "$T/head" | tr -d '\r'; }
# claims FILE TYP KEYARG...: the verified claims as JSON in $T/claims.
claims() {
	_f=$1; _t=$2; shift 2
	node "$CHECK" "$_f" "$_t" "$@" >"$T/claims" 2>"$T/err"
}
# jq_is FILTER WANT DESCRIPTION: the claims' FILTER is WANT.
jq_is() {
	_v=$(jq -r "$1" "$T/claims")
	if [ "$_v" = "$2" ]; then pass "$3"; else fail "$3 ($1 = '$_v', expected '$2')"; fi
}

# --- The descriptor over HTTPS.
[ "$(get a /api/v1/issuer)" = 200 ] && pass "GET /api/v1/issuer: 200" ||
    fail "GET /api/v1/issuer: 200"
cp "$T/body" "$T/issuer1"
head_has "Content-Type: $ITYP" "issuer: Content-Type $ITYP"
head_has "Cache-Control: public, max-age=60" "issuer: cached for a minute"
head_has "Access-Control-Allow-Origin: \*" "issuer: readable from any origin"
head_has 'ETag: "[0-9a-f]\{32\}"' "issuer: an ETag"
E1=$(etag)
[ "$(get a /api/v1/issuer -H "If-None-Match: $E1")" = 304 ] && [ ! -s "$T/body" ] &&
    pass "If-None-Match with its ETag: 304, no body" ||
    fail "If-None-Match with its ETag: 304, no body"
head_has "ETag: $E1" "the 304 carries the ETag"
[ "$(get a /api/v1/issuer -H 'If-None-Match: "0000"')" = 200 ] &&
    cmp -s "$T/body" "$T/issuer1" &&
    pass "If-None-Match with another tag: the document again" ||
    fail "If-None-Match with another tag: the document again"
raw_head a /api/v1/issuer
raw_ok "$(stat -c %s "$T/issuer1")" && grep -q "^ETag: $E1" "$T/raw" &&
    pass "HEAD: the length and ETag of GET, no body" ||
    fail "HEAD: the length and ETag of GET, no body"

# --- Decoded and verified by cbor2 and Node's crypto.
if claims "$T/issuer1" "$ITYP" --vkey "$VA"; then
	pass "cbor2 + Node crypto: a COSE_Sign1 by skk.conf's log key"
else
	fail "cbor2 + Node crypto: a COSE_Sign1 by skk.conf's log key"
fi
jq_is '.["-65540"].name' "LSP Alat Berat Satu" "descriptor: name"
jq_is '.["-65540"].licence' "BNSP-LSP-0101-ID" "descriptor: licence"
jq_is '.["-65540"].host' "localhost:$HA" "descriptor: host is public_host"
jq_is '.["-65540"].status' "https://localhost:$HA/status/" "descriptor: status URL prefix"
jq_is '.["-65540"].log_key' "$VA" "descriptor: log_key is skk.conf's"
jq_is '.["4"] - .["6"]' 604800 "descriptor: exp = iat + status_validity (7 days)"
now=$(date +%s)
jq_is "(.[\"6\"] - $now) | fabs < 60" true "descriptor: iat is now"
get a /api/v1/keys >/dev/null
KID1=$(jq -r '.keys[0].kid' "$T/body")
jq_is '.["-65540"].keys | length' 1 "descriptor: one QR signing key"
jq_is '.["-65540"].keys[0].kid' "$KID1" "descriptor: the kid /api/v1/keys names"
PUB1=$(jq -r '.["-65540"].keys[0].pub' "$T/claims")
[ "$(printf %s "$PUB1" | xxd -r -p | openssl dgst -sha256 -r | cut -c1-16)" = "$KID1" ] &&
    pass "descriptor: kid = SHA-256(pub)[:8] (openssl)" ||
    fail "descriptor: kid = SHA-256(pub)[:8] (openssl)"
jq_is '.["-65540"].keys[0] | [.to, .compromised] | join(",")' "0,0" \
    "descriptor: the key's window is open, never compromised"

# The independent checker can fail: another key, a changed byte.
if claims "$T/issuer1" "$ITYP" --vkey "$VB"; then
	fail "cbor2 check refuses it under b's log key"
else
	pass "cbor2 check refuses it under b's log key"
fi
cp "$T/issuer1" "$T/tampered"
printf 'M' | dd of="$T/tampered" bs=1 seek=$(grep -abo "Berat" "$T/issuer1" |
    head -1 | cut -d: -f1) conv=notrunc 2>/dev/null
if claims "$T/tampered" "$ITYP" --vkey "$VA"; then
	fail "cbor2 check refuses a changed byte"
else
	grep -q "signature: not valid" "$T/err" &&
	    pass "cbor2 check refuses a changed byte" ||
	    fail "cbor2 check refuses a changed byte"
fi

# --- A rotation and a compromise mark reach the descriptor at SIGHUP.
run_expect 0 "skkd rotate-key" "$SKKD" rotate-key -c "$T/a/skkd.conf"
run_expect 0 "skkd retire-key --compromised-at" "$SKKD" retire-key \
    -c "$T/a/skkd.conf" "$KID1" --compromised-at 2026-01-02T03:04:05Z
kill -HUP "$(eval echo \$pid_a)"
i=0
while [ $i -lt 50 ]; do
	get a /api/v1/issuer >/dev/null
	[ "$(etag)" != "$E1" ] && break
	sleep 0.1; i=$((i + 1))
done
[ "$(etag)" != "$E1" ] && pass "after SIGHUP: a new descriptor, a new ETag" ||
    fail "after SIGHUP: a new descriptor, a new ETag"
claims "$T/body" "$ITYP" --vkey "$VA" || fail "the new descriptor verifies"
jq_is '.["-65540"].keys | length' 2 "descriptor: both keys, old and new"
jq_is ".[\"-65540\"].keys[] | select(.kid == \"$KID1\") | .compromised" \
    1767323045 "descriptor: the old key's compromise mark"
jq_is ".[\"-65540\"].keys[] | select(.kid != \"$KID1\") | [.to, .compromised] | join(\",\")" \
    "0,0" "descriptor: the new key open and clean"

# --- skkd publish writes it too.
run_expect 0 "skkd publish" "$SKKD" publish -c "$T/a/skkd.conf" "$T/pub"
if claims "$T/pub/api/v1/issuer" "$ITYP" --vkey "$VA"; then
	pass "published api/v1/issuer verifies"
else
	fail "published api/v1/issuer verifies"
fi
jq_is '.["-65540"].keys | length' 2 "published descriptor: both keys"
jq_is '.["-65540"].host' "localhost:$HA" "published descriptor: host"

# --- The registry: a key, a list, a third instance that serves it.
run_expect 0 "skkd trust-list keygen" "$SKKD" trust-list keygen "$T/lpjk.key"
[ "$(stat -c %a "$T/lpjk.key")" = 600 ] && [ -s "$T/lpjk.key.pub" ] &&
    grep -q "BEGIN PUBLIC KEY" "$T/lpjk.key.pub" &&
    pass "registry key mode 0600, public half in PEM" ||
    fail "registry key mode 0600, public half in PEM"
openssl pkey -in "$T/lpjk.key" -noout 2>/dev/null &&
    pass "openssl reads the registry key" || fail "openssl reads the registry key"
cp "$T/lpjk.key" "$T/lpjk.key.orig"
run_expect 73 "keygen never overwrites a key" "$SKKD" trust-list keygen "$T/lpjk.key"
out_has "not overwriting" "keygen says why"
cmp -s "$T/lpjk.key" "$T/lpjk.key.orig" && pass "the key is unchanged" ||
    fail "the key is unchanged"

cat >"$T/list.txt" <<EOF
# Licensed LSPs, as the registry publishes them
https://localhost:$HA $VA BNSP-LSP-0101-ID LSP Alat Berat Satu

https://localhost:$HB	$VB - LSP Konstruksi Dua
EOF
run_expect 0 "skkd trust-list sign" "$SKKD" trust-list sign --key "$T/lpjk.key" \
    --name "LPJK Uji" --days 10 "$T/list.txt" -o "$T/list.cwt"
out_has "signed 2 issuers for LPJK Uji" "sign says what it signed"
if claims "$T/list.cwt" "$LTYP" --pem "$T/lpjk.key.pub"; then
	pass "cbor2 + Node crypto: the list is signed by the registry key"
else
	fail "cbor2 + Node crypto: the list is signed by the registry key"
fi
jq_is '.["-65541"].registry' "LPJK Uji" "list: registry name"
jq_is '.["4"] - .["6"]' 864000 "list: valid for --days 10"
jq_is '.["-65541"].issuers | map(.url) | join(" ")' \
    "https://localhost:$HA https://localhost:$HB" "list: both issuers' URLs"
jq_is '.["-65541"].issuers[1].log_key' "$VB" "list: b's log key"
jq_is '.["-65541"].issuers[0].licence' "BNSP-LSP-0101-ID" "list: a's licence"
jq_is '.["-65541"].issuers[1] | [.licence, .name] | join("|")' \
    "|LSP Konstruksi Dua" "list: '-' is no licence; the name with spaces"

# A mistake names its line and leaves no file (nor the old one changed).
cp "$T/list.cwt" "$T/list.orig"
printf 'https://localhost:%s %s - Tiga\nhttp://evil.example %s - X\n' \
    "$HA" "$VA" "$VB" >"$T/bad.txt"
run_expect 65 "a bad URL is refused" "$SKKD" trust-list sign \
    --key "$T/lpjk.key" "$T/bad.txt" -o "$T/bad.cwt"
out_has "'$T/bad.txt': line 2: url: not https://HOST[:PORT]" "the error names line 2"
[ ! -e "$T/bad.cwt" ] && pass "no output file" || fail "no output file"
printf '\n\n# c\nhttps://localhost:%s not-a-key - X\n' "$HA" >"$T/bad.txt"
run_expect 65 "a bad log key is refused" "$SKKD" trust-list sign \
    --key "$T/lpjk.key" "$T/bad.txt" -o "$T/list.cwt"
out_has "line 4: " "the error names line 4"
cmp -s "$T/list.cwt" "$T/list.orig" && pass "the old list is untouched" ||
    fail "the old list is untouched"
printf 'https://localhost:%s %s - A\nhttps://localhost:%s %s - A again\n' \
    "$HA" "$VA" "$HA" "$VA" >"$T/bad.txt"
run_expect 65 "an issuer listed twice is refused" "$SKKD" trust-list sign \
    --key "$T/lpjk.key" "$T/bad.txt" -o "$T/bad.cwt"
out_has "line 2: https://localhost:$HA already listed on line 1" "the error names both lines"
run_expect 64 "--days 0 is refused" "$SKKD" trust-list sign \
    --key "$T/lpjk.key" --days 0 "$T/list.txt" -o "$T/bad.cwt"
run_expect 78 "sign with the public key is refused" "$SKKD" trust-list sign \
    --key "$T/lpjk.key.pub" "$T/list.txt" -o "$T/bad.cwt"

# A third instance serves the list as it is.
inst_init c --issuer "LSP Tiga" || fail "skkd init c"
printf 'trust_list = %s\n' "$T/list.cwt" >>"$T/c/skkd.conf"
inst_start c && pass "c starts with trust_list" || fail "c starts with trust_list"
[ "$(get c /trust-list)" = 200 ] && cmp -s "$T/body" "$T/list.cwt" &&
    pass "GET /trust-list: 200, the file's bytes" ||
    fail "GET /trust-list: 200, the file's bytes"
head_has "Content-Type: $LTYP" "trust-list: Content-Type $LTYP"
head_has "Cache-Control: public, max-age=60" "trust-list: cached for a minute"
head_has "Access-Control-Allow-Origin: \*" "trust-list: readable from any origin"
L1=$(etag)
[ "$(get c /trust-list -H "If-None-Match: $L1")" = 304 ] &&
    pass "trust-list: If-None-Match gives 304" ||
    fail "trust-list: If-None-Match gives 304"
raw_head c /trust-list
raw_ok "$(stat -c %s "$T/list.cwt")" && pass "trust-list: HEAD, no body" ||
    fail "trust-list: HEAD, no body"
[ "$(get a /trust-list)" = 404 ] && pass "a without trust_list: 404" ||
    fail "a without trust_list: 404"

# SIGHUP reads a new list; a broken one is refused and the old one kept.
"$SKKD" trust-list sign --key "$T/lpjk.key" --name "LPJK Uji" \
    "$T/list.txt" -o "$T/list.cwt" >/dev/null
cp "$T/list.cwt" "$T/list2"
kill -HUP "$(eval echo \$pid_c)"
i=0
while [ $i -lt 50 ]; do
	get c /trust-list >/dev/null
	[ "$(etag)" != "$L1" ] && break
	sleep 0.1; i=$((i + 1))
done
cmp -s "$T/body" "$T/list2" && pass "after SIGHUP: the new list" ||
    fail "after SIGHUP: the new list"
head -c 100 "$T/list2" >"$T/list.cwt"
kill -HUP "$(eval echo \$pid_c)"
sleep 0.5
get c /trust-list >/dev/null
cmp -s "$T/body" "$T/list2" && grep -q "keeping the old trust list" "$T/c.log" &&
    pass "a truncated list at SIGHUP: the old one kept, a warning" ||
    fail "a truncated list at SIGHUP: the old one kept, a warning"
[ "$(get c /api/v1/issuer)" = 200 ] && pass "c still serves" || fail "c still serves"

# At start-up a bad file is a clear error.
run_expect 78 "skkd -t with a truncated trust_list" "$SKKD" -t -c "$T/c/skkd.conf"
out_has "trust_list '$T/list.cwt': not a signed trust list" "the error names the file"
sed -i "s|^trust_list = .*|trust_list = $T/missing.cwt|" "$T/c/skkd.conf"
run_expect 78 "skkd -t with a missing trust_list" "$SKKD" -t -c "$T/c/skkd.conf"
out_has "$T/missing.cwt" "the error names the missing file"

inst_stop a && pass "a stops cleanly" || fail "a stops cleanly"
inst_stop c && pass "c stops cleanly" || fail "c stops cleanly"
echo "1..$tapn"
