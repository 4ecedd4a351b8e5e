# skkd — SPDX-License-Identifier: ISC
#
# Slow and idle clients, short form (tests/stress/slow.sh is the long
# one): 50 connections trickling a TLS ClientHello a byte a second (25
# per port), 50 trickling an HTTP request head, 50 idle after their
# handshake (25 per port), with deadlines of 2 s (handshake, head) and
# 3 s (idle). Normal requests keep being answered at once meanwhile, and
# every slow connection is closed by its deadline, not long before.

. "$(dirname "$0")/lib.sh"

DL_HS=2 DL_HEAD=2 DL_IDLE=3
SLACK=1.5	# seconds past a deadline: a loaded machine, a sanitized build
EARLY=1		# seconds before it (see slowpoke.lib)
. "$(dirname "$0")/../stress/slowpoke.lib"
ulimit -n 4096 2>/dev/null

inst_init a || { echo "not ok 1 - skkd init"; exit 1; }
sed -i -e "s/^handshake_timeout.*/handshake_timeout = $DL_HS/" \
    -e "s/^idle_timeout.*/idle_timeout = $DL_IDLE/" "$T/a/skkd.conf"
cat >>"$T/a/skkd.conf" <<CONF
http_header_timeout = $DL_HEAD
http_idle_timeout = $DL_IDLE
http_rate = 1000000
max_connections_per_address = 1000
http_max_connections_per_address = 1000
CONF
inst_start a || { echo "not ok 1 - skkd starts"; exit 1; }
H=$(cat "$T/a.hport"); P=$(cat "$T/a.port")
sk a --json issue --name "Budi Santoso" --nik 1505010101700001 \
    --job ME063096 --level 3 >"$T/out" 2>"$T/err"
num=$(json_field number | tr ' ' -)
[ -n "$num" ] && pass "a certificate to verify ($num)" ||
    fail "a certificate to verify"

slow hs_h hs "$H" 25 15
slow hs_c hs "$P" 25 15
slow head head "$H" 50 15
slow idle_h idle "$H" 25 15
slow idle_c idle "$P" 25 15
slow_ready 100 hs_h hs_c head idle_h idle_c

# Normal clients while the slow ones are held: a new connection each
# (as a phone scanning a QR code), every 0.1 s for about 2 s.
: >"$T/times"
for i in $(seq 15); do
	curl -s -o /dev/null -w '%{http_code} %{time_total}\n' --max-time 5 \
	    --cacert "$T/a/tls/ca.crt" --resolve "localhost:$H:127.0.0.1" \
	    "https://localhost:$H/api/v1/certificates/$num" >>"$T/times"
	sleep 0.1
done
t0=$(date +%s%N)
sk a verify "$(echo "$num" | tr - ' ')" >"$T/out" 2>"$T/err"
vrc=$? vms=$((($(date +%s%N) - t0) / 1000000))
ok=$(grep -c '^200 ' "$T/times")
max=$(awk '$2 > m { m = $2 } END { printf "%.3f", m }' "$T/times")
echo "# normal requests during the slow ones: $ok/15 answered 200, slowest ${max} s; verify ${vms} ms"
[ "$ok" = 15 ] && pass "15/15 HTTPS requests answered 200 meanwhile" ||
    fail "15/15 HTTPS requests answered 200 meanwhile ($ok)"
# A server held up by the slow ones would take a deadline (2 s) or more.
awk -v m="$max" 'BEGIN { exit !(m < 1.0) }' &&
    pass "each answered in under 1 s (slowest ${max} s)" ||
    fail "each answered in under 1 s (slowest ${max} s)"
# Exit 0 or 1: VALID or NOT VALID (just issued, it may be pending).
[ "$vrc" -le 1 ] && grep -q "${num//-/ }" "$T/out" && [ "$vms" -lt 1000 ] &&
    pass "verify on the companion port answers meanwhile (${vms} ms)" ||
    fail "verify on the companion port answers meanwhile (exit $vrc, ${vms} ms)"

slow_check hs_h 25 $DL_HS "slow handshakes on the HTTPS port"
slow_check hs_c 25 $DL_HS "slow handshakes on the companion port"
slow_check head 50 $DL_HEAD "slow request heads"
slow_check idle_h 25 $DL_IDLE "idle HTTPS connections"
slow_check idle_c 25 $DL_IDLE "idle companion connections"

run_expect 0 "HTTPS still answers afterwards" curl -sf --cacert "$T/a/tls/ca.crt" \
    --resolve "localhost:$H:127.0.0.1" "https://localhost:$H/api/v1/certificates/$num"
kill -0 "$pid_a" && pass "skkd is still running" || fail "skkd is still running"

echo "1..$tapn"
