# skkd — SPDX-License-Identifier: ISC
#
# testssl.sh against both TLS ports of a fresh instance: the HTTPS pages
# (TLS 1.2 and 1.3) and the companion port (TLS 1.3 only, client
# certificate asked for but not required). The scan is offline (no DNS,
# no CRL or OCSP fetches) and trusts the instance's own CA, as skk and a
# pinned client do.
#
# Fails on any finding rated HIGH or CRITICAL, on a FATAL scan problem,
# on "NOT ok" or "VULNERABLE" in testssl's text output, except for the
# findings listed in ACCEPT below (each with its reason, repeated in
# tests/RELIABILITY.md). Every finding rated LOW or above, and every WARN,
# is listed as a TAP comment. The companion port must offer TLS 1.3 only,
# which openssl s_client also checks directly.
#
# Usage: SKKD=build/skkd SKK=build/skk bash tests/stress/tlsscan.sh

. "$(dirname "$0")/../regress/lib.sh"

# id<TAB>why: findings that stay acceptable and are not failures.
ACCEPT="cert_revocation	the instance's private CA publishes no CRL or OCSP URI; a replaced server certificate takes effect on SIGHUP and clients pin the CA"

TESTSSL=$(command -v testssl || command -v testssl.sh)
if [ -z "$TESTSSL" ] && [ "$(id -u)" = 0 ]; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends testssl.sh >"$T/apt.log" 2>&1
	TESTSSL=$(command -v testssl || command -v testssl.sh)
fi
if [ -z "$TESTSSL" ]; then
	echo "ok 1 - # SKIP testssl.sh not installed (apt-get install testssl.sh)"
	echo "1..1"
	exit 0
fi
echo "# $("$TESTSSL" --version 2>&1 | sed 's/\x1b\[[0-9;]*m//g' |
    grep -m 1 -o 'testssl[.sh]* *[0-9][^ ]*' | tr -s ' '), $(openssl version)"

inst_init a || { echo "not ok 1 - skkd init"; exit 1; }
inst_start a || { echo "not ok 1 - skkd starts"; exit 1; }
CA=$T/a/tls/ca.crt

# findings FILE: "severity<TAB>id<TAB>finding" per entry of a flat JSON file.
findings() {
	awk '
	function val(s) { sub(/^[^:]*: *"/, "", s); sub(/",? *$/, "", s); return s }
	/^ *"id" *:/       { id = val($0) }
	/^ *"severity" *:/ { sev = val($0) }
	/^ *"finding" *:/  { fi = val($0) }
	/^ *}/             { if (id != "") print sev "\t" id "\t" fi; id = sev = fi = "" }
	' "$1"
}

accepted() {	# id: the reason, or nothing
	printf '%s\n' "$ACCEPT" | awk -F '\t' -v id="$1" '$1 == id { print $2 }'
}

# scan NAME PORT: runs testssl.sh, checks its findings; $T/NAME.find.
scan() {
	name=$1; port=$2
	t0=$(date +%s)
	timeout 900 "$TESTSSL" --quiet --color 0 --warnings batch --nodns none \
	    --ip 127.0.0.1 --add-ca "$CA" --openssl "$(command -v openssl)" \
	    --connect-timeout 10 --openssl-timeout 10 \
	    --jsonfile "$T/$name.json" --logfile "$T/$name.log" \
	    "localhost:$port" >"$T/out" 2>"$T/err"
	rc=$?
	secs=$(( $(date +%s) - t0 ))
	findings "$T/$name.json" >"$T/$name.find" 2>/dev/null
	if grep -q '	scanTime	' "$T/$name.find"; then
		pass "$name: testssl.sh finished ($secs s, $(wc -l <"$T/$name.find") findings)"
	else
		fail "$name: testssl.sh finished ($secs s, exit $rc)"
	fi
	echo "# $name: scanned in $secs s"
	bad=0
	while IFS='	' read -r sev id finding; do
		case $sev in
		LOW|MEDIUM|HIGH|CRITICAL|WARN|FATAL) ;;
		*) continue ;;
		esac
		why=$(accepted "$id")
		echo "# $name: $sev $id: $finding${why:+ (accepted: $why)}"
		case $sev in
		HIGH|CRITICAL|FATAL) [ -n "$why" ] || bad=$((bad + 1)) ;;
		esac
	done <"$T/$name.find"
	[ "$bad" -eq 0 ] && pass "$name: no finding rated HIGH, CRITICAL or FATAL" ||
	    fail "$name: no finding rated HIGH, CRITICAL or FATAL ($bad)"
	# The text output's verdicts; accepted findings name their own line.
	grep -e 'NOT ok' -e 'VULNERABLE' "$T/$name.log" |
	    grep -v -i 'neither CRL nor OCSP URI' >"$T/$name.notok"
	[ -s "$T/$name.notok" ] && sed 's/^/#   /' "$T/$name.notok"
	[ -s "$T/$name.notok" ] &&
	    fail "$name: no 'NOT ok' or 'VULNERABLE' in the text output" ||
	    pass "$name: no 'NOT ok' or 'VULNERABLE' in the text output"
}

# offered NAME ID WANT: WANT is "offered" or "not offered".
offered() {
	got=$(awk -F '\t' -v id="$2" '$2 == id { print $3; exit }' "$T/$1.find")
	case $3:$got in
	"offered:offered"*|"not offered:not offered"*)
		pass "$1: $2 $3" ;;
	*)	fail "$1: $2 $3 (testssl.sh: '$got')" ;;
	esac
}

scan https "$(cat "$T/a.hport")"
for p in SSLv2 SSLv3 TLS1 TLS1_1; do offered https "$p" "not offered"; done
offered https TLS1_2 offered
offered https TLS1_3 offered

scan companion "$(cat "$T/a.port")"
for p in SSLv2 SSLv3 TLS1 TLS1_1 TLS1_2; do offered companion "$p" "not offered"; done
offered companion TLS1_3 offered

# The same, directly, by a client without a certificate.
P=$(cat "$T/a.port")
run_expect 0 "companion: a TLS 1.3 handshake without a client certificate" \
    timeout 10 openssl s_client -tls1_3 -CAfile "$CA" -verify_return_error \
    -connect "127.0.0.1:$P" -servername localhost </dev/null
out_has "New, TLSv1.3," "companion: the session is TLS 1.3"
timeout 10 openssl s_client -tls1_2 -CAfile "$CA" -connect "127.0.0.1:$P" \
    -servername localhost </dev/null >"$T/out" 2>"$T/err"
rc=$?
grep -q "Cipher is (NONE)\|alert protocol version\|no protocols available" \
    "$T/out" "$T/err" && [ "$rc" -ne 0 ] &&
    pass "companion: a TLS 1.2 handshake is refused" ||
    fail "companion: a TLS 1.2 handshake is refused (exit $rc)"
kill -0 "$pid_a" 2>/dev/null && pass "skkd still runs after both scans" ||
    fail "skkd still runs after both scans"
echo "1..$tapn"
