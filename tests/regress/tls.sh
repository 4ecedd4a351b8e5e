# skkd — SPDX-License-Identifier: ISC
#
# The TLS settings of both ports, checked with openssl s_client (the
# short form of tests/stress/tlsscan.sh): the companion port speaks
# TLS 1.3 only and needs no client certificate to connect; the HTTPS port
# speaks TLS 1.2 and 1.3, refuses 1.0 and 1.1 and client-initiated
# renegotiation, and compresses nothing; sessions resume on both ports,
# but not across them.

. "$(dirname "$0")/lib.sh"

inst_init a || { echo "not ok 1 - skkd init"; exit 1; }
inst_start a || { echo "not ok 1 - skkd starts"; exit 1; }
CA=$T/a/tls/ca.crt
P=$(cat "$T/a.port"); H=$(cat "$T/a.hport")

# tls PORT [s_client options...]: a handshake with nothing to say.
tls() {
	port=$1; shift
	timeout 10 openssl s_client -CAfile "$CA" -verify_return_error \
	    -connect "127.0.0.1:$port" -servername localhost "$@" \
	    </dev/null >"$T/out" 2>"$T/err"
}

# refused DESC PORT VERSION: the server answers a protocol_version alert.
# SECLEVEL=0 lets this client offer TLS 1.0 and 1.1 at all.
refused() {
	tls "$2" "-$3" -cipher 'DEFAULT@SECLEVEL=0'
	rc=$?
	[ "$rc" -ne 0 ] && grep -q "alert protocol version" "$T/err" &&
	    pass "$1" || fail "$1 (exit $rc)"
}

refused "companion: TLS 1.2 refused" "$P" tls1_2
refused "companion: TLS 1.1 refused" "$P" tls1_1
refused "https: TLS 1.1 refused" "$H" tls1_1
refused "https: TLS 1.0 refused" "$H" tls1

run_expect 0 "companion: TLS 1.3 without a client certificate" tls "$P" -tls1_3
out_has "New, TLSv1.3," "companion: the session is TLS 1.3"
out_has "Compression: NONE" "companion: no compression"
run_expect 0 "https: TLS 1.3" tls "$H" -tls1_3
out_has "New, TLSv1.3," "https: the session is TLS 1.3"
run_expect 0 "https: TLS 1.2" tls "$H" -tls1_2
out_has "Compression: NONE" "https: TLS 1.2 without compression"
out_has "Secure Renegotiation IS supported" "https: TLS 1.2 has secure renegotiation (RFC 5746)"
grep -q "Cipher is ECDHE-" "$T/out" && pass "https: TLS 1.2 with an ECDHE cipher" ||
    fail "https: TLS 1.2 with an ECDHE cipher"
# The server's order decides, except that a client putting ChaCha20
# first gets it.
tls "$H" -tls1_2 -cipher ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256
out_has "Cipher is ECDHE-ECDSA-AES128-GCM-SHA256" "https: the server's cipher order decides"
tls "$H" -tls1_2 -cipher ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-GCM-SHA256
out_has "Cipher is ECDHE-ECDSA-CHACHA20-POLY1305" "https: ChaCha20 for a client that puts it first"

# "R" asks s_client to renegotiate; the server declines with an alert.
(printf 'R\n'; sleep 2) | timeout 10 openssl s_client -tls1_2 -CAfile "$CA" \
    -connect "127.0.0.1:$H" -servername localhost >"$T/out" 2>"$T/err"
grep -q RENEGOTIATING "$T/err" && grep -q "no renegotiation" "$T/err" &&
    pass "https: client-initiated renegotiation refused" ||
    fail "https: client-initiated renegotiation refused"

# resumed DESC PORT1 PORT2 WANT [options...]: a session from PORT1
# offered to PORT2; WANT is Reused or New. TLS 1.3 tickets arrive after
# the handshake, hence the second of input.
resumed() {
	desc=$1; from=$2; to=$3; want=$4; shift 4
	rm -f "$T/sess"
	sleep 1 | timeout 10 openssl s_client -CAfile "$CA" -connect \
	    "127.0.0.1:$from" -servername localhost -sess_out "$T/sess" "$@" \
	    >/dev/null 2>&1
	tls "$to" -sess_in "$T/sess" "$@"
	got=$(grep -o -m 1 '^\(New\|Reused\)' "$T/out")
	[ -s "$T/sess" ] && [ "$got" = "$want" ] && pass "$desc" ||
	    fail "$desc ('$got')"
}

resumed "companion: TLS 1.3 session resumed (ticket)" "$P" "$P" Reused
resumed "https: TLS 1.3 session resumed (ticket)" "$H" "$H" Reused
resumed "https: TLS 1.2 session resumed (ticket)" "$H" "$H" Reused -tls1_2
resumed "https: TLS 1.2 session resumed (session id)" "$H" "$H" Reused \
    -tls1_2 -no_ticket
resumed "an https session is not resumed on the companion port" "$H" "$P" New
resumed "a companion session is not resumed on the https port" "$P" "$H" New

kill -0 "$pid_a" 2>/dev/null && pass "skkd still runs" || fail "skkd still runs"
echo "1..$tapn"
