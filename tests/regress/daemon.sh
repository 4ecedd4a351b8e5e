# skkd — SPDX-License-Identifier: ISC
#
# The daemon and the companion client end to end: issue, verify, status
# changes, renewals, roles, the NIK's privacy, concurrency, restarts and
# hostile bytes on the companion port.

. "$(dirname "$0")/lib.sh"

NIK=3515014107900003	# Sidoarjo, born 1 July 1990, a woman (day + 40)
NIK2=1571021203850001

inst_init a --issuer "LSP Uji Alat Berat" || { echo "not ok 1 - skkd init"; exit 1; }
inst_start a || { echo "not ok 1 - skkd starts"; exit 1; }
pass "skkd init and start"

# Issue one certificate and verify it.
run_expect 0 "issue a certificate" sk a --json issue --name "Siti Nur'aini" \
    --nik "$NIK" --job ME063096 --level 3 --event "BIMTEK Operator Alat Berat 2025"
N1=$(json_field number)
case "$N1" in
[0-9][0-9][0-9][0-9][0-9]\ [0-9][0-9][0-9][0-9]\ 3\ [0-9]*) pass "number has the official shape ($N1)";;
*) fail "number has the official shape ('$N1')";;
esac
out_has "HTTPS://" "issue answers the QR URL"
run_expect 1 "a new certificate is PENDING: verify says not valid" sk a verify "$N1"
out_has "pending" "reason is pending"
run_expect 0 "record the LPJK number" sk a record-lpjk "$N1" "LPJK-2025-000123"
run_expect 0 "verify VALID after LPJK recording" sk a verify "$N1"
out_has "VALID" "verify prints VALID"
run_expect 0 "verify with the number in five arguments" sk a verify $N1
run_expect 0 "verify --json" sk a --json verify "$N1"
[ "$(json_field verdict)" = valid ] && pass "json verdict valid" || fail "json verdict valid"

# Suspend, reinstate, revoke.
run_expect 0 "suspend" sk a suspend "$N1" --reason "investigation of borrowed card"
run_expect 1 "suspended: not valid" sk a verify "$N1"
out_has "suspended" "reason is suspended"
run_expect 0 "reinstate" sk a reinstate "$N1" --reason "cleared"
run_expect 0 "reinstated: valid again" sk a verify "$N1"
run_expect 0 "revoke" sk a revoke "$N1" --reason "forged exam record"
run_expect 1 "revoked: not valid" sk a verify "$N1"
out_has "revoked" "reason is revoked"
run_expect 65 "reinstating a revoked certificate is refused" sk a reinstate "$N1" --reason "try"
out_has "final" "refusal says revocation is final"
run_expect 1 "still revoked" sk a verify "$N1"

# Expired: issued with dates in the past.
run_expect 0 "issue with past dates" sk a --json issue --name "Sukarno" --nik "$NIK2" \
    --job ME063098 --level 3 --issued 2015-01-10 --expires 2020-01-09 --lpjk "LPJK-2015-1"
N2=$(json_field number)
run_expect 1 "expired: not valid" sk a verify "$N2"
out_has "expired" "reason is expired"

# Renew: a new certificate, the old one replaced and linked.
run_expect 0 "renew" sk a --json renew "$N2"
N3=$(json_field number)
[ -n "$N3" ] && [ "$N3" != "$N2" ] && pass "renewal has a new number ($N3)" || fail "renewal has a new number"
run_expect 1 "old certificate is replaced" sk a verify "$N2"
out_has "replaced" "reason is replaced"
run_expect 0 "show the new certificate" sk a show "$N3"
out_has "$N2" "new certificate names its predecessor"
run_expect 0 "show the old certificate" sk a show "$N2"
out_has "$N3" "old certificate names its successor"

# Unknown and malformed numbers.
run_expect 1 "unknown number" sk a verify "42101 8342 3 99999999 2025"
out_has "unknown" "reason is unknown number"

# Roles: no client certificate, and a certificate from another CA.
grep -v -e '^cert' -e '^key' "$T/a/skk.conf" >"$T/a/anon.conf"
run_expect 1 "anyone may verify without a certificate" "$SKK" -c "$T/a/anon.conf" verify "$N2"
out_has "S******" "the anonymous answer names the holder masked"
grep -q Sukarno "$T/out" && fail "the anonymous answer by number hides the whole name" ||
    pass "the anonymous answer by number hides the whole name"
run_expect 77 "issue without a client certificate is refused" "$SKK" -c "$T/a/anon.conf" issue \
    --name "Budi" --nik "$NIK2" --job ME063096 --level 3
out_has "not authorised" "refusal says not authorised"
inst_init other >/dev/null 2>&1
sed -e "s|^cert.*|cert = $T/other/tls/admin.crt|" -e "s|^key.*|key = $T/other/tls/admin.key|" \
    "$T/a/skk.conf" >"$T/a/foreign.conf"
run_expect 77 "issue with another CA's admin certificate is refused" "$SKK" -c "$T/a/foreign.conf" \
    issue --name "Budi" --nik "$NIK2" --job ME063096 --level 3

# Find by NIK: every certificate of the person, never the NIK itself.
run_expect 0 "find by NIK" sk a --json find --nik "$NIK2"
grep -qF "$N2" "$T/out" && grep -qF "$N3" "$T/out" && pass "find returns both certificates" \
    || fail "find returns both certificates"
cat "$T/out" >>"$T/all-answers"
sk a show "$N3" >>"$T/all-answers" 2>&1
sk a --json show "$N3" >>"$T/all-answers" 2>&1
if grep -q -e "$NIK" -e "$NIK2" "$T/all-answers" "$T/a.log"; then
	fail "the NIK appears in no answer and no log line"
else
	pass "the NIK appears in no answer and no log line"
fi

# Bad input from the client is refused before anything is sent.
run_expect 65 "a 15-digit NIK is refused" sk a issue --name "Budi" --nik 351501410790000 \
    --job ME063096 --level 3
out_has "nik" "the error names the field"

# 1,000 issuances from 8 concurrent clients.
clients=""
for c in 1 2 3 4 5 6 7 8; do
	(
	i=0
	while [ $i -lt 125 ]; do
		sk a --json issue --name "Pekerja $c-$i" --nik "$NIK" --job ME063100 --level 3 \
		    --lpjk "L-$c-$i" | sed -n 's/.*"number": *"\([^"]*\)".*/\1/p'
		i=$((i + 1))
	done >"$T/numbers.$c"
	) &
	clients="$clients $!"
done
wait $clients
cat "$T"/numbers.? >"$T/numbers"
total=$(wc -l <"$T/numbers")
distinct=$(sort -u "$T/numbers" | wc -l)
[ "$total" -eq 1000 ] && pass "1000 issuances acknowledged" || fail "1000 issuances acknowledged ($total)"
[ "$distinct" -eq 1000 ] && pass "all 1000 numbers distinct" || fail "all numbers distinct ($distinct)"

inst_stop a && pass "SIGTERM stops skkd with status 0" || fail "SIGTERM stops skkd with status 0"
inst_start a || { fail "skkd restarts"; exit 1; }
run_expect 0 "all 1000 verify VALID after a restart" sk a verify - <"$T/numbers"
cp "$T/err" "$T/verify-all.err"
[ "$(grep -c VALID "$T/out")" -ge 1000 ] && pass "1000 VALID lines" || fail "1000 VALID lines"

# Hostile bytes on the companion port close only that connection.
N4=$(head -n 1 "$T/numbers")
port=$(cat "$T/a.port")
printf '\000\000\000\010garbage!' | timeout 5 openssl s_client -quiet -tls1_3 \
    -connect "127.0.0.1:$port" -servername localhost >"$T/out" 2>"$T/err"
run_expect 0 "daemon serves after a garbage frame" sk a verify "$N4"
printf '\177\377\377\377' | timeout 5 openssl s_client -quiet -tls1_3 \
    -connect "127.0.0.1:$port" -servername localhost >"$T/out" 2>"$T/err"
grep -q "refused" "$T/out" && pass "a 2 GiB length prefix gets an error frame" \
    || fail "a 2 GiB length prefix gets an error frame"
run_expect 0 "daemon serves after a 2 GiB length prefix" sk a verify "$N4"
(exec 3<>"/dev/tcp/127.0.0.1/$port"; printf 'GET / HTTP/1.0\r\n\r\n' >&3; timeout 5 cat <&3 >/dev/null)
run_expect 0 "daemon serves after plaintext on the TLS port" sk a verify "$N4"
kill -0 "$pid_a" && pass "skkd is still running" || fail "skkd is still running"

# skkd -t names the broken line.
cp "$T/a/skkd.conf" "$T/a/broken.conf"
echo "colour = blue" >>"$T/a/broken.conf"
line=$(wc -l <"$T/a/broken.conf")
run_expect 78 "skkd -t refuses a broken config" "$SKKD" -t -c "$T/a/broken.conf"
out_has "broken.conf:$line" "the error names the line"
run_expect 0 "skkd -t accepts the good config" "$SKKD" -t -c "$T/a/skkd.conf"

# First contact: the usage lists every option skkd.8's synopsis has and
# ends its last line; init under a missing parent says so in one line.
man8="$(dirname "$0")/../../daemon/skkd.8"
opts=$(sed -n '/^\.Sh SYNOPSIS/,/^\.Sh DESCRIPTION/s/.*Fl \([^ ]*\).*/-\1/p' "$man8" | sort -u)
for args in "" "--bogus" "-c"; do
	run_expect 64 "skkd $args prints the usage" "$SKKD" $args
	missing=
	for o in $opts; do grep -qF -- "$o" "$T/err" || missing="$missing $o"; done
	[ -z "$missing" ] && [ -n "$opts" ] && pass "skkd $args: usage lists every option of skkd.8" ||
	    fail "skkd $args: usage lists every option of skkd.8 (missing:$missing)"
	[ "$(tail -c 1 "$T/err" | od -An -tx1 | tr -d ' ')" = 0a ] &&
	    pass "skkd $args: usage ends with a newline" ||
	    fail "skkd $args: usage ends with a newline"
done
run_expect 73 "skkd init under a missing parent fails" "$SKKD" init "$T/nowhere/inst"
[ "$(wc -l <"$T/err")" -eq 1 ] && grep -qF "'$T/nowhere' does not exist" "$T/err" &&
    pass "it says so in one line naming the parent" ||
    fail "it says so in one line naming the parent"
[ ! -e "$T/nowhere" ] && pass "and makes nothing" || fail "and makes nothing"

inst_stop a
if grep -q -e "$NIK" -e "$NIK2" "$T"/a.log*; then
	fail "after everything, no log line holds a NIK"
else
	pass "after everything, no log line holds a NIK"
fi

echo "1..$tapn"
