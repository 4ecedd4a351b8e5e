# skkd — SPDX-License-Identifier: ISC
#
# The HTTPS pages and JSON API with curl: every verdict and reason, QR
# URLs as printed at issuance (good, tampered, truncated, foreign key),
# status codes, limits, security headers, escaping, the NIK's absence,
# keep-alive, pipelining, /metrics, and 10,000 random payloads.

. "$(dirname "$0")/lib.sh"

NIK=3515014107900003
NIK2=1571021203850001

inst_init a --issuer "LSP Uji Alat Berat" || { echo "not ok 1 - skkd init"; exit 1; }
echo "http_rate = 100000" >>"$T/a/skkd.conf"
inst_init b --issuer "LSP Lain" || { echo "not ok 1 - skkd init b"; exit 1; }
printf 'http_rate = 1\nhttp_header_timeout = 1\n' >>"$T/b/skkd.conf"
inst_start a || { echo "not ok 1 - skkd a starts"; exit 1; }
inst_start b || { echo "not ok 1 - skkd b starts"; exit 1; }
pass "two instances with HTTPS start"

HP=$(cat "$T/a.hport"); MP=$(cat "$T/a.mport"); HPB=$(cat "$T/b.hport")
H="https://localhost:$HP"
HB="https://localhost:$HPB"
: >"$T/all"

# fetch [curl args...]: body in $T/out, headers in $T/hdr, code in $code.
fetch() {
	code=$(curl -s --cacert "$T/a/tls/ca.crt" -D "$T/hdr" -o "$T/out" \
	    -w '%{http_code}' "$@" 2>"$T/err")
	cat "$T/out" >>"$T/all"
}
fetch_b() {
	code=$(curl -s --cacert "$T/b/tls/ca.crt" -D "$T/hdr" -o "$T/out" \
	    -w '%{http_code}' "$@" 2>"$T/err")
	cat "$T/out" >>"$T/all"
}
code_is() {	# CODE DESCRIPTION
	if [ "$code" = "$1" ]; then pass "$2"; else fail "$2 (status $code, expected $1)"; fi
}
hdr_has() {
	if grep -qiF -- "$1" "$T/hdr"; then pass "$2"; else fail "$2 (no '$1' in headers)"; fi
}
not_has() {
	if grep -qF -- "$1" "$T/out"; then fail "$2 ('$1' found)"; else pass "$2"; fi
}
issue() {	# INSTANCE args... -> number in $num, QR URL in $url
	inst=$1; shift
	sk "$inst" --json issue --nik "$NIK" --job ME063096 --level 3 "$@" >"$T/out" 2>"$T/err"
	num=$(json_field number); url=$(json_field url)
	cat "$T/out" >>"$T/issued"
}
enc() { printf '%s' "$1" | sed 's/ /%20/g'; }

# One certificate in each state.
issue a --name "Siti Nur'aini" --event "BIMTEK Operator Alat Berat 2026" \
    --lpjk "LPJK-2026-000123"
ACT=$num; ACT_URL=$url
case "$ACT_URL" in "HTTPS://LOCALHOST:$HP/V/"*) pass "QR URL names the pages' port";;
*) fail "QR URL names the pages' port ('$ACT_URL')";; esac
issue a --name "Budi Pending"
PEN=$num
issue a --name "Agus Suspended" --lpjk "LPJK-2026-2"
SUS=$num; sk a suspend "$SUS" --reason "investigation" >/dev/null 2>&1
issue a --name "Rina Revoked" --lpjk "LPJK-2026-3"
REV=$num; REV_URL=$url; sk a revoke "$REV" --reason "forged exam record" >/dev/null 2>&1
issue a --name "Sukarno" --issued 2015-01-10 --expires 2020-01-09 --lpjk "LPJK-2015-1"
EXP=$num
issue a --name "Hatta Lama" --lpjk "LPJK-2020-9"
OLD=$num; sk a --json renew "$OLD" >"$T/out" 2>&1; NEW=$(json_field number)
issue a --name "<script>alert(1)</script> & 'Dewi' \"D\"" \
    --event "BIMTEK <b>Operator</b> & co" --lpjk "LPJK-2026-4"
XSS=$num; XSS_URL=$url
issue b --name "Foreign Key" --lpjk "LPJK-2026-5"
FOREIGN_URL=$url

# The VALID page from the QR URL exactly as issued.
fetch "$ACT_URL"
code_is 200 "QR URL of an active certificate: 200"
out_has "SAH" "VALID page says SAH"
out_has "VALID" "VALID page says VALID"
out_has 'class="b ok"' "VALID banner is the green one"
out_has "Siti Nur&#39;aini" "VALID page names the holder (escaped apostrophe)"
out_has "ME063096" "VALID page shows the job code"
out_has "Operator Bulldozer" "VALID page shows the job title"
out_has "LPJK-2026-000123" "VALID page shows the LPJK number"
out_has "$ACT" "VALID page shows the certificate number"
out_has 'Berlaku sampai / <span lang="en">Valid until' "VALID page labels the expiry date"
out_has '<html lang="id">' "page is in Indonesian first"
out_has 'name="viewport" content="width=device-width"' "page has a viewport for phones"
not_has "<script" "page has no script"
hdr_has "Cache-Control: no-store" "verdicts are not cached"
hdr_has "Content-Type: text/html; charset=utf-8" "HTML with a charset"
hdr_has "Strict-Transport-Security: max-age=31536000" "HSTS"
hdr_has "Content-Security-Policy: default-src 'none'; style-src 'sha256-" "CSP"
hdr_has "X-Content-Type-Options: nosniff" "nosniff"
hdr_has "Referrer-Policy: no-referrer" "no referrer"
hdr_has "X-Frame-Options: DENY" "no framing"
hdr_has "Content-Length:" "Content-Length"
hdr_has "Date:" "Date"
# The CSP hash is the hash of the page's one style block.
style=$(sed -n 's/.*<style>\(.*\)<\/style>.*/\1/p' "$T/out")
h=$(printf '%s' "$style" | openssl dgst -sha256 -binary | openssl base64 -A)
grep -qF "style-src 'sha256-$h'" "$T/hdr" && pass "CSP hash matches the style block" ||
    fail "CSP hash matches the style block ($h)"

# Lower-case path, the /c/ page, the form.
lower=$(printf '%s' "$ACT_URL" | sed "s|^HTTPS://LOCALHOST:$HP/V/|$H/v/|")
fetch "$lower"; code_is 200 "/v/ in lower case works"; out_has "SAH" "lower-case path: VALID"
fetch "$H/c/$(enc "$ACT")"; code_is 200 "/c/NUMBER with %20"; out_has "S*** N*******" "/c/ shows the holder's name masked"
not_has "Siti" "/c/ (a check by number alone) does not show the whole name"
fetch "$H/c/$(printf '%s' "$ACT" | tr ' ' '+')"; code_is 200 "/c/NUMBER with +"
fetch "$H/c/$(printf '%s' "$ACT" | tr -d ' ')"; code_is 200 "/c/NUMBER without spaces"
fetch "$H/c/$(printf '%s' "$ACT" | tr ' ' '-')"; code_is 200 "/c/NUMBER with hyphens"
fetch "$H/?number=$(printf '%s' "$ACT" | tr ' ' '+')"; code_is 200 "/?number= lookup"
out_has "SAH" "/?number= gives the verdict"
fetch "$H/"; code_is 200 "/ answers the form"
out_has 'name="number"' "/ has the number field"
out_has "Periksa" "form is in Indonesian"

# Every reason, in words.
check_reason() {	# NUMBER CODE ID-TEXT EN-TEXT CLASS DESC
	fetch "$H/c/$(enc "$1")"
	code_is "$2" "$6: status $2"
	out_has "$3" "$6: says '$3'"
	out_has "$4" "$6: says '$4'"
	out_has "class=\"b $5\"" "$6: banner colour"
}
check_reason "$PEN" 200 "Menunggu pencatatan LPJK" "Awaiting LPJK recording" no "pending"
check_reason "$SUS" 200 "Dibekukan" "Suspended" no "suspended"
check_reason "$REV" 200 "Dicabut pada $(date -u +%Y-%m-%d)" "Revoked on" no "revoked"
check_reason "$EXP" 200 "Kedaluwarsa pada 2020-01-09" "Expired on 2020-01-09" no "expired"
check_reason "$OLD" 200 "Diganti oleh $NEW" "Replaced by $NEW" no "replaced"
check_reason "42101 8342 3 99999999 2026" 404 "Nomor tidak dikenal" "Unknown number" no "unknown number"
out_has "TIDAK SAH" "unknown number: TIDAK SAH"
fetch "$H/c/12345"; code_is 400 "malformed number: 400"
out_has "Nomor tidak sah" "malformed number: says so"

# QR payloads: tampered, truncated, foreign key, revoked.
p=${ACT_URL##*/V/}
i=$((${#p} - 12)); c=${p:$i:1}; [ "$c" = A ] && r=B || r=A
fetch "$H/V/${p:0:$i}$r${p:$((i + 1))}"
code_is 200 "tampered QR: answered"
out_has "Tanda tangan tidak sah" "tampered QR: Tanda tangan tidak sah"
out_has "Signature not valid" "tampered QR: Signature not valid"
not_has "Siti" "tampered QR: no holder data shown"
fetch "$H/V/${p:0:$((${#p} / 2))}"
code_is 400 "truncated QR: 400"
out_has "Kode QR rusak" "truncated QR: Kode QR rusak"
out_has "Malformed QR code" "truncated QR: Malformed QR code"
fetch "$H/V/${FOREIGN_URL##*/V/}"
code_is 200 "QR of another issuer: answered"
out_has "Kunci tidak dikenal" "foreign QR: Kunci tidak dikenal"
out_has "Unknown signing key" "foreign QR: Unknown signing key"
fetch "$H/V/${REV_URL##*/V/}"
out_has "Dicabut" "revoked certificate's QR: Dicabut"

# JSON.
fetch "$H/api/v1/certificates/$(enc "$ACT")"
code_is 200 "API certificate: 200"
hdr_has "Content-Type: application/json; charset=utf-8" "API answers JSON"
for f in '"verdict":"valid"' '"reason":"ok"' '"reason_text":{"id":' '"number":"'"$ACT"'"' \
    '"lpjk_number":"LPJK-2026-000123"' '"name":"S*** N*******"' '"name_masked":true' \
    '"job_code":"ME063096"' \
    '"job_title":"' '"job_title_en":"' '"jenjang":3' '"klasifikasi":"' '"subklasifikasi":"' \
    '"issuer":"' '"issued":"' '"expires":"' \
    '"status":"active"' '"checked_at":"'; do
	out_has "$f" "API certificate has $f"
done
not_has '"organiser"' "API certificate has no organiser (admins only)"
not_has '"event"' "API certificate has no event (admins only)"
fetch "$H/api/v1/certificates/$(enc "$REV")"
out_has '"verdict":"not_valid"' "API revoked: not_valid"; out_has '"reason":"revoked"' "API revoked: reason"
fetch "$H/api/v1/certificates/42101%208342%203%2099999999%202026"
code_is 404 "API unknown number: 404"; out_has '"reason":"unknown_number"' "API unknown number: reason"
fetch "$H/api/v1/verify?qr=$ACT_URL"
code_is 200 "API verify by QR URL: 200"; out_has '"verdict":"valid"' "API verify: valid"
fetch "$H/api/v1/verify?qr=$p"
out_has '"verdict":"valid"' "API verify by bare payload: valid"
fetch "$H/api/v1/verify?qr=${FOREIGN_URL##*/V/}"
out_has '"reason":"unknown_key"' "API verify foreign key: unknown_key"
fetch "$H/api/v1/verify?qr=ZZZZ"
code_is 400 "API verify malformed: 400"; out_has '"reason":"malformed"' "API verify: malformed"
fetch "$H/api/v1/verify"
code_is 400 "API verify without qr: 400"; out_has '"error"' "API error body is JSON"
fetch "$H/api/v1/keys"
code_is 200 "API keys: 200"
out_has '"alg":"EdDSA"' "keys: alg"; out_has '"crv":"Ed25519"' "keys: crv"
out_has "\"kid\":\"$(sed -n 's/.*kid \([0-9a-f]*\).*/\1/p' "$T/a.log" | head -1)" "keys: the signing kid"
hdr_has "Cache-Control: public, max-age=3600" "keys are cacheable"
fetch "$H/healthz"; code_is 200 "/healthz: 200"; out_has "ok" "/healthz says ok"

# Content negotiation.
fetch -H "Accept: application/json" "$H/c/$(enc "$ACT")"
out_has '"verdict":"valid"' "/c/ with Accept: application/json answers JSON"
fetch -H "Accept: application/json" "$ACT_URL"
out_has '"verdict":"valid"' "/V/ with Accept: application/json answers JSON"
fetch -H "Accept: application/json" "$H/nope"
code_is 404 "unknown path: 404"; out_has '"error"' "404 in JSON when asked"
fetch "$H/nope"; out_has "<h1>404" "404 in HTML by default"

# Status codes and limits.
fetch -X DELETE "$H/"; code_is 405 "DELETE: 405"; hdr_has "Allow: GET, HEAD" "405 names the methods"
fetch -X POST -d x=1 "$H/"; code_is 405 "POST: 405"
fetch -I "$H/c/$(enc "$ACT")"; code_is 200 "HEAD: 200"
not_has "<html" "HEAD has no body"
fetch "$H/c/$(head -c 3000 /dev/zero | tr '\0' 9)"; code_is 414 "long URL: 414"
fetch -H "X-Big: $(head -c 9000 /dev/zero | tr '\0' a)" "$H/"; code_is 431 "big header: 431"
hdrs=""; for i in $(seq 70); do hdrs="$hdrs -H X-H$i:v"; done
fetch $hdrs "$H/"; code_is 431 "70 header lines: 431"
fetch -H "Host:" "$H/"; code_is 400 "HTTP/1.1 without Host: 400"
fetch "$H/c/%zz"; code_is 400 "bad percent escape: 400"
fetch -H "Content-Length: 5" "$H/"; code_is 413 "GET with a body: refused"
fetch "$H/metrics"; code_is 404 "/metrics is not on the public port"

# Escaping: a name with markup, whole on the QR's page; the event is not
# on public pages at all.
fetch "$H/V/${XSS_URL##*/V/}"
out_has "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#39;Dewi&#39; &quot;D&quot;" "name is HTML-escaped"
not_has "BIMTEK" "the event is not on the public page"
not_has "<script>" "no raw script tag"
not_has "<b>" "no raw markup from the record"

# Rate limit on b (1/s, burst 2).
codes=$(curl -s --cacert "$T/b/tls/ca.crt" -o /dev/null -w '%{http_code}\n' \
    "$HB/healthz" "$HB/healthz" "$HB/healthz" "$HB/healthz" "$HB/healthz" 2>&1)
echo "$codes" | grep -q 429 && pass "over the rate: 429" || fail "over the rate: 429 ($codes)"
fetch_b -D "$T/hdr" "$HB/healthz"
code_is 429 "still over the rate"; hdr_has "Retry-After:" "429 says when to retry"
out_has "429" "429 has a body"

# Keep-alive and pipelining.
curl -sv --cacert "$T/a/tls/ca.crt" -o /dev/null -o /dev/null "$H/healthz" "$H/api/v1/keys" \
    >"$T/out" 2>"$T/err"
grep -qi "re-using\|reusing" "$T/err" && pass "keep-alive: two requests, one connection" ||
    fail "keep-alive: two requests, one connection"
printf 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /api/v1/keys HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' |
    timeout 10 openssl s_client -quiet -connect "127.0.0.1:$HP" >"$T/out" 2>"$T/err"
order=$(grep -o '^HTTP/1.1 [0-9]*' "$T/out" | tr '\n' ' ')
[ "$order" = "HTTP/1.1 200 HTTP/1.1 200 HTTP/1.1 404 " ] && pass "pipelined requests answered in order" ||
    fail "pipelined requests answered in order ($order)"
grep -q '"keys"' "$T/out" && pass "pipelined answers are complete" || fail "pipelined answers are complete"

# A head that never ends is cut at the deadline (b: 1 s), not held open.
start=$(date +%s)
(printf 'GET / HTTP/1.1\r\nHost: x\r\n'; sleep 1; printf 'X: 1\r\n'; sleep 1; printf 'Y: 2\r\n'; sleep 3) |
    timeout 8 openssl s_client -quiet -connect "127.0.0.1:$HPB" >"$T/out" 2>"$T/err"
took=$(( $(date +%s) - start ))
[ "$took" -lt 5 ] && pass "slow head cut at its absolute deadline (${took}s)" ||
    fail "slow head cut at its absolute deadline (${took}s)"

# /metrics on the admin port, plain HTTP.
code=$(curl -s -o "$T/out" -w '%{http_code}' "http://127.0.0.1:$MP/metrics")
code_is 200 "/metrics: 200"
out_has "skkd_requests_total" "/metrics has request counters"
out_has 'endpoint="http_page"' "/metrics counts the pages"
if grep -q '^skkd_request_duration_seconds_count{endpoint="proto_write"} [1-9]' "$T/out"; then
	pass "/metrics times the writes (issuances answered after commit)"
else
	fail "/metrics times the writes (issuances answered after commit)"
fi

# The NIK in no page or answer.
grep -qF "$NIK" "$T/all" && fail "the NIK appears in no page" || pass "the NIK appears in no page"
grep -qF "$NIK2" "$T/all" && fail "the second NIK appears in no page" || pass "the second NIK appears in no page"

# 10,000 random strings, base32-ish and raw bytes URL-encoded.
seed=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
echo "# random seed $seed"
awk -v seed="$seed" -v h="$H" 'BEGIN {
	srand(seed); b32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	for (i = 0; i < 10000; i++) {
		n = int(rand() * 300) + 1; s = ""
		for (j = 0; j < n; j++) {
			if (i % 2) s = s sprintf("%%%02X", int(rand() * 256))
			else s = s substr(b32, int(rand() * 32) + 1, 1)
		}
		if (i % 4 < 2) printf "url = \"%s/V/%s\"\n", h, s
		else printf "url = \"%s/api/v1/verify?qr=%s\"\n", h, s
		print "output = \"/dev/null\""
	}
}' >"$T/random.cfg"
start=$(date +%s)
curl -s --cacert "$T/a/tls/ca.crt" --parallel --parallel-max 16 -K "$T/random.cfg" \
    -w '%{http_code}\n' >"$T/codes" 2>"$T/err"
echo "# 10,000 random payloads in $(( $(date +%s) - start )) s"
total=$(wc -l <"$T/codes")
bad=$(grep -vc '^4[0-9][0-9]$' "$T/codes")
[ "$total" -eq 10000 ] && [ "$bad" -eq 0 ] && pass "10,000 random payloads: all 4xx" ||
    fail "10,000 random payloads: all 4xx ($total answers, $bad not 4xx: $(grep -v '^4' "$T/codes" | sort | uniq -c | head -3 | tr '\n' ' '))"
fetch "$H/healthz"; code_is 200 "daemon alive after the random payloads"
fetch "$ACT_URL"; out_has "SAH" "and still verifies"

inst_stop a && pass "skkd a stops cleanly" || fail "skkd a stops cleanly"

# Settings: a bad address is refused by -t; "none" turns the pages off.
cp "$T/a/skkd.conf" "$T/a/keep.conf"
echo "http_listen = nowhere" >>"$T/a/skkd.conf"
run_expect 78 "skkd -t refuses a bad http_listen" "$SKKD" -t -c "$T/a/skkd.conf"
out_has "http_listen" "the refusal names http_listen"
sed -e '/^http_listen/d' -e '/^metrics_listen/d' "$T/a/keep.conf" >"$T/a/skkd.conf"
printf 'http_listen = none\nmetrics_listen = none\n' >>"$T/a/skkd.conf"
inst_start a && pass "skkd starts with the pages off" || fail "skkd starts with the pages off"
fetch "$H/healthz"
[ "$code" = 000 ] && pass "pages off: nothing listens" || fail "pages off: nothing listens ($code)"
inst_stop a

# The keep-alive cap: the 2nd answer on a connection closes it.
{ cat "$T/a/keep.conf"; echo "http_max_requests = 2"; } >"$T/a/skkd.conf"
inst_start a || fail "skkd restarts with http_max_requests = 2"
conns=$(curl -s --cacert "$T/a/tls/ca.crt" -D - -o /dev/null -o /dev/null -o /dev/null \
    "$H/healthz" "$H/healthz" "$H/healthz" | tr -d '\r' | sed -n 's/^Connection: //p' | tr '\n' ' ')
[ "$conns" = "keep-alive close keep-alive " ] && pass "keep-alive cap closes after 2 requests" ||
    fail "keep-alive cap closes after 2 requests ($conns)"
inst_stop a
inst_stop b && pass "skkd b stops cleanly" || fail "skkd b stops cleanly"
echo "1..$tapn"
