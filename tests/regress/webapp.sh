# skkd — SPDX-License-Identifier: ISC
#
# The offline verifier app of /app/ end to end: skkd serves it from the
# build tree ($B/web); headless Chromium, driven by puppeteer-core
# (tests/node/webapp.js), opens it at a phone's 360 px with a fake camera
# that films a card's QR (a Y4M video made from `skk qr`'s PNG), scans
# online, then with DevTools' offline emulation after a reload from the
# service worker, ages the cached status list past the maximum age, types
# a tampered QR and a bare number, and, when a second issuer is in the
# signed trust list the daemon serves, scans its card too. axe-core
# audits every screen. Reports the app's size and the scan-to-verdict
# time, and keeps build/screenshots/app-valid.png.
#
# Service workers need a secure context. The page is
# https://127.0.0.1:PORT with the instance's private CA; Chromium's
# --ignore-certificate-errors lets it load the page and also register
# and update the service worker (checked by "the service worker is
# active" and "offline reload served by the service worker"), so no NSS
# database of trusted CAs is needed.

. "$(dirname "$0")/lib.sh"

NIK=3515014107900003
SHOTS=build/screenshots
CHROME=$(command -v chromium || command -v chromium-browser)
NODE_DIR=$(cd "$(dirname "$0")/../node" && pwd)
WEB=$(dirname "$SKKD")/web

skip_all() {
	echo "# SKIP $1"
	echo "# SKIP ########## the app's browser test did NOT run ##########"
	tapn=$((tapn + 1)); echo "ok $tapn - the verifier app in a browser # SKIP $1"
	echo "1..$tapn"
	exit 0
}

[ -n "$CHROME" ] || skip_all "no chromium binary (make deps installs it)"
[ -d "$NODE_DIR/node_modules/puppeteer-core" ] ||
    skip_all "no puppeteer-core (make deps installs tests/node)"
[ -f "$WEB/index.html" ] || { echo "not ok 1 - the app is built in $WEB"; exit 1; }

# The app's transfer size: every file gzip -9'd, as a phone receives it.
size=0
for f in "$WEB"/*; do
	size=$((size + $(gzip -9c "$f" | wc -c)))
done
echo "# app size: $(cat "$WEB"/* | wc -c) bytes, $size bytes gzip'd (all files, jsQR included)"
[ "$size" -le 153600 ] && pass "the app is at most 150 KB compressed ($size bytes)" ||
    fail "the app is at most 150 KB compressed ($size bytes)"

inst_init a --issuer "LSP Uji Alat Berat" || { echo "not ok 2 - skkd init"; exit 1; }

# A second issuer in a trust list signed by a registry key, when this
# skkd has the registry role (skkd trust-list): A serves the list.
TRUSTB=""
if "$SKKD" trust-list keygen "$T/reg.key" >/dev/null 2>&1; then
	inst_init b --issuer "LSP Crane Nusantara" || { echo "not ok - init b"; exit 1; }
	inst_start b || { echo "not ok - skkd b starts"; exit 1; }
	for i in a b; do
		h=$(sed -n 's/^public_host = //p' "$T/$i/skkd.conf")
		k=$(sed -n 's/^log_key = //p' "$T/$i/skk.conf")
		echo "https://$h $k - $(sed -n 's/^issuer_name = "\(.*\)"$/\1/p' "$T/$i/skkd.conf")"
	done >"$T/trust.txt"
	"$SKKD" trust-list sign --key "$T/reg.key" --name "LPJK (uji)" --days 30 \
	    "$T/trust.txt" -o "$T/trust.cose" >"$T/out" 2>"$T/err" &&
	    echo "trust_list = $T/trust.cose" >>"$T/a/skkd.conf" && TRUSTB=1
	[ -n "$TRUSTB" ] && pass "a trust list naming a second issuer" ||
	    fail "a trust list naming a second issuer"
fi
inst_start a || { echo "not ok 2 - skkd a starts"; exit 1; }
HP=$(cat "$T/a.hport")
APP="https://127.0.0.1:$HP/app/"
pass "skkd init and start"

out=$(curl -sk "https://127.0.0.1:$HP/")
case $out in *'href="/app/"'*) pass "the home page links to the app" ;;
*) fail "the home page links to the app" ;; esac
curl -sk -D "$T/h" -o /dev/null "${APP}sw.js"
grep -qi '^content-type: text/javascript' "$T/h" && grep -qi '^etag: "' "$T/h" &&
    pass "sw.js: JavaScript with an ETag" || fail "sw.js: JavaScript with an ETag"
etag=$(sed -n 's/^[Ee][Tt]ag: *//p' "$T/h" | tr -d '\r')
code=$(curl -sk -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" "${APP}sw.js")
[ "$code" = 304 ] && pass "If-None-Match: 304" || fail "If-None-Match: 304 (got $code)"
curl -sk -D "$T/h" -o /dev/null "https://127.0.0.1:$HP/app"
grep -q '^HTTP/1.1 301' "$T/h" && grep -qi '^location: /app/' "$T/h" &&
    pass "/app redirects to /app/" || fail "/app redirects to /app/"
code=$(curl -sk -o /dev/null -w '%{http_code}' --path-as-is "${APP}../skkd.conf")
[ "$code" = 404 ] && pass "no file outside the app" || fail "no file outside the app ($code)"

issue() {	# INSTANCE args... -> number in $num, URL in $url, PNG $T/$num.png
	i=$1; shift
	sk "$i" --json issue --nik "$NIK" --job ME063096 --level 3 "$@" >"$T/out" 2>"$T/err"
	num=$(json_field number); url=$(json_field url)
	sk "$i" qr "$num" -o "$T/$i-${num// /}.png" >/dev/null 2>&1
	png="$T/$i-${num// /}.png"
}
issue a --name "Siti Nur'aini" --lpjk "LPJK-2026-000123"
C1_NUM=$num C1_URL=$url C1_PNG=$png
issue a --name "Rina Wulandari" --lpjk "LPJK-2026-000124"
C2_NUM=$num C2_PNG=$png
[ -s "$C1_PNG" ] && [ -s "$C2_PNG" ] && pass "cards issued, QR PNGs made" ||
    fail "cards issued, QR PNGs made"
p=${C1_URL##*/V/}
i=$((${#p} - 12)); c=${p:$i:1}; [ "$c" = A ] && r=B || r=A
TAMPERED="${C1_URL%%/V/*}/V/${p:0:$i}$r${p:$((i + 1))}"

C3_PNG="" C3_URL=""
if [ -n "$TRUSTB" ]; then
	issue b --name "Agus Salim" --lpjk "LPJK-2026-000900"
	C3_PNG=$png C3_URL=$url
fi

# The signed documents of #14 the app checks against.
HAVE_DATA=0
curl -skf -o /dev/null "https://127.0.0.1:$HP/api/v1/issuer" &&
    curl -skf -o /dev/null "https://127.0.0.1:$HP/status/0" && HAVE_DATA=1

mkdir -p "$T/work" "$SHOTS"
CHROME="$CHROME" APP="$APP" WORK="$T/work" SHOTS="$(pwd)/$SHOTS" \
    SKK="$SKK" SKK_CONF="$T/a/skk.conf" \
    CARD1_PNG="$C1_PNG" CARD1_URL="$C1_URL" CARD1_NUMBER="$C1_NUM" CARD1_NAME="Siti Nur'aini" \
    CARD2_PNG="$C2_PNG" CARD2_NUMBER="$C2_NUM" TAMPERED="$TAMPERED" \
    CARD3_PNG="$C3_PNG" CARD3_URL="$C3_URL" ISSUER_B="LSP Crane Nusantara" HAVE_DATA=$HAVE_DATA \
    timeout 300 node "$NODE_DIR/webapp.js" >"$T/node.out" 2>"$T/node.err"
rc=$?
node_tap "$T/node.out"
[ "$rc" -eq 0 ] || { fail "the browser script exits 0 (status $rc)";
	sed 's/^/#   /' "$T/node.err" | tail -n 20; }
[ -z "$TRUSTB" ] && echo "# SKIP a second issuer's card: this skkd has no 'trust-list'"

inst_stop a && pass "skkd stops cleanly" || fail "skkd stops cleanly"
echo "1..$tapn"
