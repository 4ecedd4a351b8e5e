# skkd — SPDX-License-Identifier: ISC
#
# The verdict pages in a real browser: headless Chromium at a phone's
# 360x800 renders a VALID, a revoked and a tampered-QR page; the DOM must
# show the verdict and the fields, and a screenshot of each is kept in
# build/screenshots/ for people to look at. Then every kind of page (the
# verdicts, replaced and corrected, a card whose signing key leaked (its
# "must be replaced" note), home, errors, and the answer to the
# home page's form filled in with a dotted or run-together number and a
# name) goes through tests/node/pages.js (puppeteer-core): axe-core finds
# 0 violations, the verdict heading is read first, each language's text
# carries its lang, and the verdict shows a word and a mark, not only a
# colour.

. "$(dirname "$0")/lib.sh"

NIK=3515014107900003
NODE_DIR=$(cd "$(dirname "$0")/../node" && pwd)
SHOTS=build/screenshots
CHROME=$(command -v chromium || command -v chromium-browser)

skip_all() {
	echo "# SKIP chromium not available: $1"
	echo "# SKIP ########## the browser test did NOT run ##########"
	for t in "VALID page" "revoked page" "tampered-QR page"; do
		tapn=$((tapn + 1)); echo "ok $tapn - $t # SKIP chromium not available"
	done
	echo "1..$tapn"
	exit 0
}

chrome() {	# OUTPUT-OPTION URL
	timeout 60 "$CHROME" --headless --no-sandbox --disable-gpu \
	    --disable-background-networking --disable-component-update \
	    --disable-sync --no-first-run --disable-dev-shm-usage \
	    --user-data-dir="$T/chr" --window-size=360,800 \
	    --ignore-certificate-errors "$@" 2>>"$T/chrome.err"
}

[ -n "$CHROME" ] || skip_all "no chromium binary (make deps installs it)"
chrome --dump-dom "about:blank" >"$T/blank" || skip_all "chromium does not run here"

inst_init a --issuer "LSP Uji Alat Berat" || { echo "not ok 1 - skkd init"; exit 1; }
inst_start a || { echo "not ok 1 - skkd starts"; exit 1; }
pass "skkd init and start"
mkdir -p "$SHOTS"

issue() {	# args... -> number in $num, QR URL in $url
	sk a --json issue --nik "$NIK" --job ME063096 --level 3 "$@" >"$T/out" 2>"$T/err"
	num=$(json_field number); url=$(json_field url)
}
issue --name "Siti Nur'aini" --lpjk "LPJK-2026-000123" --event "BIMTEK Operator Alat Berat 2026"
VALID_URL=$url VNUM=$num
issue --name "Rina Wulandari" --lpjk "LPJK-2026-000124"
REV_URL=$url
sk a revoke "$num" --reason "forged exam record" >/dev/null 2>&1
issue --name "Dewi Lestar" --lpjk "LPJK-2026-000125"
MISSPELT_URL=$url
sk a --json correct "$num" --name "Dewi Lestari" --reason "name misspelt at issue" >"$T/out" 2>&1
CORRECTED=$(json_field number); CORRECTED_URL=$(json_field url)
p=${VALID_URL##*/V/}
i=$((${#p} - 12)); c=${p:$i:1}; [ "$c" = A ] && r=B || r=A
TAMPERED_URL="${VALID_URL%%/V/*}/V/${p:0:$i}$r${p:$((i + 1))}"

# page NAME URL: DOM in $T/out, screenshot in build/screenshots/NAME.png
page() {
	chrome --dump-dom "$2" >"$T/out"
	rm -f "$SHOTS/$1.png"
	chrome --screenshot="$(pwd)/$SHOTS/$1.png" "$2" >/dev/null
	[ -s "$SHOTS/$1.png" ] && pass "$1: screenshot $SHOTS/$1.png" ||
	    fail "$1: screenshot $SHOTS/$1.png"
}

page valid "$VALID_URL"
out_has "SAH" "valid: verdict SAH"
out_has 'class="b ok"' "valid: green banner"
out_has '<span class="i" aria-hidden="true">✓</span>SAH</h1>' \
    "valid: a mark beside the colour"
out_has "Siti Nur'aini" "valid: the holder's name"
out_has "ME063096" "valid: the job code"
out_has "LPJK-2026-000123" "valid: the LPJK number"
out_has 'Berlaku sampai / <span lang="en">Valid until' "valid: the expiry date"

page revoked "$REV_URL"
out_has "TIDAK SAH" "revoked: verdict TIDAK SAH"
out_has "NOT VALID" "revoked: verdict NOT VALID"
out_has "Dicabut pada" "revoked: Dicabut pada"
out_has 'class="b no"' "revoked: red banner"
out_has "Rina Wulandari" "revoked: the holder's name"

page tampered "$TAMPERED_URL"
out_has "TIDAK SAH" "tampered: verdict TIDAK SAH"
out_has "Tanda tangan tidak sah" "tampered: Tanda tangan tidak sah"
out_has "Signature not valid" "tampered: Signature not valid"
grep -q "Siti" "$T/out" && fail "tampered: no holder data" || pass "tampered: no holder data"

# A corrected name: the old card's page links to the new certificate.
page replaced "$MISSPELT_URL"
out_has "TIDAK SAH" "replaced: verdict TIDAK SAH"
out_has 'Diganti oleh / <span lang="en">Replaced by' "replaced: says replaced"
out_has "href=\"/c/$(printf '%s' "$CORRECTED" | tr -d ' ')\"" "replaced: links to the new number"
page corrected "$CORRECTED_URL"
out_has "SAH" "corrected: verdict SAH"
out_has "Dewi Lestari" "corrected: the corrected name"
out_has 'Koreksi dari / <span lang="en">Corrects' \
    "corrected: says what it corrects"
out_has "name misspelt at issue" "corrected: the reason"

# audit PAGES: tests/node/pages.js over those pages, its lines numbered.
audit() {
	CHROME="$CHROME" PAGES="$1" timeout 300 node "$NODE_DIR/pages.js" \
	    >"$T/node.out" 2>"$T/node.err"
	rc=$?
	node_tap "$T/node.out"
	[ "$rc" -eq 0 ] && pass "the page script exits 0" || {
		fail "the page script exits 0 (status $rc)"
		sed 's/^/#   /' "$T/node.err" | tail -n 20; }
}

# Every kind of page, audited and read as a screen reader would.
if [ -d "$NODE_DIR/node_modules/puppeteer-core" ]; then
	H=https://127.0.0.1:$(cat "$T/a.hport")
	DOTTED=$(printf '%s' "$VNUM" | tr ' ' '.')
	BARE="  $(printf '%s' "$VNUM" | tr -d ' ')  "
	# As copied from a word processor: no-break spaces and an en dash.
	COPIED=$(printf '%s' "$VNUM" | sed 's/ /\xc2\xa0/; s/ /\xe2\x80\x93/; s/ /\xc2\xa0/g')
	TAB=$(printf '\t')
	PAGES=$(cat <<-EOF
	verdict${TAB}valid${TAB}$VALID_URL
	verdict${TAB}revoked${TAB}$REV_URL
	verdict${TAB}tampered${TAB}$TAMPERED_URL
	verdict${TAB}replaced${TAB}$MISSPELT_URL
	verdict${TAB}corrected${TAB}$CORRECTED_URL
	verdict${TAB}by-number-masked${TAB}$H/c/$(printf '%s' "$VNUM" | tr -d ' ')
	verdict${TAB}unknown-number${TAB}$H/c/4210183423999999992026
	verdict${TAB}bad-number${TAB}$H/?number=12345
	home${TAB}home${TAB}$H/
	error${TAB}error-404${TAB}$H/nope
	form${TAB}form-dotted-match${TAB}$H/${TAB}$DOTTED${TAB}Siti Nur'aini${TAB}COCOK
	form${TAB}form-bare-nomatch${TAB}$H/${TAB}$BARE${TAB}Siti Aminah${TAB}TIDAK COCOK
	form${TAB}form-copied-match${TAB}$H/${TAB}$COPIED${TAB}  siti  NUR'AINI ${TAB}COCOK
	EOF
	)
	audit "$PAGES"

	# The signing key of every card so far leaks: a VALID card's page
	# then says the card must be replaced.
	TODAY=$(date -u +%F)
	"$SKKD" rotate-key -c "$T/a/skkd.conf" >"$T/out" 2>"$T/err" &&
	    K2=$(sed -n 's/^new signing key \([0-9a-f]*\) .*/\1/p' "$T/out") &&
	    K1=$(awk -v k="$K2" '$1 !~ /^#/ && $1 != k { print $1 }' \
	    "$T/a/keys/keys.conf") &&
	    "$SKKD" retire-key -c "$T/a/skkd.conf" "$K1" --compromised-at \
	    "$TODAY" >"$T/out" 2>"$T/err" && kill -HUP "$pid_a" && sleep 0.5 &&
	    pass "the first signing key retired as compromised" ||
	    fail "the first signing key retired as compromised"
	chrome --dump-dom "$VALID_URL" >"$T/out"
	out_has "kartu harus diganti" "compromised key: the card must be replaced"
	audit "$(printf 'verdict\tcompromised-key\t%s' "$VALID_URL")"
else
	echo "# SKIP axe-core: no puppeteer-core (make deps installs tests/node)"
fi

inst_stop a && pass "skkd stops cleanly" || fail "skkd stops cleanly"
echo "1..$tapn"
