# skkd — SPDX-License-Identifier: ISC
#
# Secrets stay in the process (issue #12 §4) and fail-closed start-up
# (§5). The attack: issue certificates, look up a person by NIK, then a
# second later read the daemon's memory the way a core dump or a
# debugger would, and search it for the NIKs. tests/regress/memscan.c
# reads only the resident pages of the anonymous mappings; the NIK
# secret, which must be there, is the control that pages were read.
# Skipped for a sanitizer build, whose shadow and quarantine keep freed
# bytes by design. Also: no core dumps (RLIMIT_CORE 0), key memory marked
# MADV_DONTDUMP; a missing or unreadable revoked_clients file refuses
# start-up (78) and on SIGHUP keeps the revoked serials revoked; names
# with bidirectional or invisible characters are refused at issue.

. "$(dirname "$0")/lib.sh"

top=$(cd "$(dirname "$0")/../.." && pwd)
helper MEMSCAN memscan

inst_init a || { echo "not ok 1 - skkd init"; exit 1; }
inst_start a || { echo "not ok 1 - skkd starts"; exit 1; }
PID=$pid_a

# --- core dumps ----------------------------------------------------------

core=$(awk '/^Max core file size/ { print $5 " " $6 }' "/proc/$PID/limits")
[ "$core" = "0 0" ] && pass "RLIMIT_CORE is 0 (soft and hard)" ||
    fail "RLIMIT_CORE is 0 (soft and hard) ('$core')"
# The vDSO pages are never dumped anyway; count the others.
dd=$(awk '/^[0-9a-f]+-[0-9a-f]+ / { p = $6 } /^VmFlags:.* dd/ && p !~ /^\[v/ { n++ }
    END { print n + 0 }' "/proc/$PID/smaps")
[ "$dd" -ge 2 ] && pass "key memory excluded from dumps ($dd MADV_DONTDUMP mappings)" ||
    fail "key memory excluded from dumps ($dd MADV_DONTDUMP mappings)"
grep -q 'LimitCORE=0' "$top/systemd/skkd.service" &&
    pass "the unit sets LimitCORE=0" || fail "the unit sets LimitCORE=0"

# --- NIKs in memory ------------------------------------------------------

NIK1=3515014107900003	# skk issue
NIK2=1571021203850001	# skk issue --csv
NIK3=6171054509880002	# skk find --nik
run_expect 0 "issue with --nik" sk a issue --name "Siti Nur'aini" --nik "$NIK1" \
    --job ME063096 --level 3
printf 'name,nik,job_code,level\n"Budi Santoso",%s,ME063098,3\n' "$NIK2" >"$T/c.csv"
run_expect 0 "issue --csv with a NIK column" sk a issue --csv "$T/c.csv"
run_expect 0 "find --nik" sk a find --nik "$NIK3"
sleep 1

# The NIK as text, as UTF-16, and as a 64-bit integer either way round.
le64() { printf '%016x' "$1" | sed 's/../& /g' | awk '{ for (i = NF; i > 0; i--) printf "%s", $i }'; }
u16() { printf '%s' "$1" | sed 's/./&\n/g' | awk 'NF { printf "%02x00", 48 + $0 }'; }
secret=$(cat "$T/a/keys/nik.secret")
if grep -qa __asan_init "$SKKD" 2>/dev/null; then
	echo "ok $((tapn += 1)) - # SKIP NIKs in memory: sanitizer build (shadow and quarantine keep freed bytes)"
else
	"$MEMSCAN" "$PID" "$NIK1" "$NIK2" "$NIK3" "hex:$(le64 $NIK1)" \
	    "hex:$(printf '%016x' $NIK1)" "hex:$(u16 $NIK1)" "hex:$secret" \
	    >"$T/out" 2>"$T/err"
	pages=$(sed -n 's/^pages //p' "$T/out")
	found() { awk -v p="$1" '$2 == p { print $1 }' "$T/out"; }
	[ "${pages:-0}" -gt 0 ] && [ "$(found "hex:$secret")" -ge 1 ] &&
	    pass "memory read: $pages resident anonymous pages, the NIK secret seen there (control)" ||
	    fail "memory read: $pages resident anonymous pages, the NIK secret seen there (control)"
	for n in "$NIK1:issue" "$NIK2:issue --csv" "$NIK3:find --nik"; do
		c=$(found "${n%%:*}")
		[ "$c" = 0 ] && pass "the NIK of ${n#*:} is not in the daemon's memory" ||
		    fail "the NIK of ${n#*:} is not in the daemon's memory ($c copies)"
	done
	other=$(awk '$2 ~ /^hex:/ && $2 != "hex:'"$secret"'" { s += $1 } END { print s + 0 }' "$T/out")
	[ "$other" = 0 ] && pass "nor as UTF-16 or a 64-bit integer" ||
	    fail "nor as UTF-16 or a 64-bit integer ($other copies)"
fi

# --- names that render as another name -----------------------------------

run_expect 65 "a name with U+202E (right-to-left override) is refused" \
    sk a issue --name "$(printf 'Siti Nur\342\200\256ini'"'"'a')" --nik 3515014107900011 \
    --job ME063096 --level 3
out_has "U+202E at byte 8" "the error names the character and its byte offset"
run_expect 65 "a name with U+200B (zero-width space) is refused" \
    sk a issue --name "$(printf 'Bu\342\200\213di')" --nik 3515014107900012 \
    --job ME063096 --level 3
out_has "U+200B at byte 2" "the error names U+200B at byte 2"
printf 'name,nik,job_code,level\n"%s",3515014107900013,ME063096,3\n' \
    "$(printf 'Ani\342\201\246x\342\201\251')" >"$T/bidi.csv"
run_expect 65 "issue --csv: a name with an isolate is refused" sk a issue --csv "$T/bidi.csv"
out_has "U+2066 at byte 3" "the CSV error names U+2066 at byte 3"

# --- revoked client certificates fail closed -----------------------------

A=$T/a/tls
"$SKKD" add-client -c "$T/a/skkd.conf" gone --role admin >"$T/out" 2>&1
SER=$(sed -n 's/^# client certificate serial \([0-9A-F]*\)$/\1/p' "$T/out")
sed -e "s|^cert = .*|cert = $A/clients/gone.crt|" \
    -e "s|^key = .*|key = $A/clients/gone.key|" "$T/a/skk.conf" >"$T/a/gone.conf"
run_expect 0 "admin 'gone' may look up a NIK before its revocation" \
    "$SKK" -c "$T/a/gone.conf" find --nik "$NIK1"
"$SKKD" revoke-client -c "$T/a/skkd.conf" "$SER" >"$T/out" 2>&1 ||
    fail "revoke-client $SER"
sleep 1.1
run_expect 77 "the revoked admin is refused" "$SKK" -c "$T/a/gone.conf" find --nik "$NIK1"

mv "$A/revoked-clients" "$A/revoked-clients.away"
kill -HUP "$PID"
sleep 1.2
run_expect 77 "file moved away, SIGHUP: the revoked admin is still refused" \
    "$SKK" -c "$T/a/gone.conf" find --nik "$NIK1"
grep -q "keeping the old revoked client certificates: revoked_clients '.*revoked-clients': No such file" \
    "$T/a.log" && pass "the log says why the old list is kept" ||
    fail "the log says why the old list is kept"
run_expect 0 "the daemon serves the others" sk a stats

inst_stop a
timeout 20 "$SKKD" -c "$T/a/skkd.conf" >"$T/out" 2>"$T/err"
rc=$?
[ "$rc" = 78 ] && pass "restart without the file: refused (78)" ||
    fail "restart without the file: refused ($rc, expected 78)"
out_has "revoked_clients" "the refusal names revoked_clients"
chmod 000 "$A/revoked-clients.away"
mkdir "$A/revoked-clients"
timeout 20 "$SKKD" -c "$T/a/skkd.conf" >"$T/out" 2>"$T/err"
rc=$?
[ "$rc" = 78 ] && pass "an unreadable file (a directory): refused (78)" ||
    fail "an unreadable file (a directory): refused ($rc, expected 78)"
rmdir "$A/revoked-clients"
chmod 644 "$A/revoked-clients.away"
mv "$A/revoked-clients.away" "$A/revoked-clients"
inst_start a && pass "with the file back, skkd starts" || fail "with the file back, skkd starts"
run_expect 77 "and the admin is still revoked" "$SKK" -c "$T/a/gone.conf" find --nik "$NIK1"

# --- the TLS key's mode is the mode of what is read ----------------------

# A FIFO of mode 0600 passed a check by name; whatever was then written
# into it became the key. The descriptor read must be a regular file.
mkfifo -m 600 "$T/a/fifo.key"
sed "s|^tls_key = .*|tls_key = $T/a/fifo.key|" "$T/a/skkd.conf" >"$T/a/fifo.conf"
timeout 10 "$SKKD" -t -c "$T/a/fifo.conf" >"$T/out" 2>"$T/err"
rc=$?
[ "$rc" = 78 ] && pass "tls_key naming a FIFO: refused (78)" ||
    fail "tls_key naming a FIFO: refused ($rc, expected 78)"
out_has "not a regular file" "the refusal says it is not a regular file"
chmod 644 "$T/a/tls/server.key"
run_expect 78 "tls_key of mode 0644: refused" "$SKKD" -t -c "$T/a/skkd.conf"
out_has "mode 0644, expected 0600" "the refusal names the mode"
chmod 600 "$T/a/tls/server.key"

echo "1..$tapn"
