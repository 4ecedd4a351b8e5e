# skkd — SPDX-License-Identifier: ISC
#
# One address cannot starve the rest (issue 12 §3), each attack played
# for real. The attacker is 127.0.0.2 (Linux routes all of 127/8 to lo);
# everyone else, the admin included, comes from 127.0.0.1. Caps count
# per address: an admin behind the attacker's address would share its
# fate, so admins should reach the daemon from an address of their own.
#
# a: both ports' limits at 8, per-address caps at 4, hello_timeout 2.
#  - 20 bare TCP sockets to each port from 127.0.0.2: 4 held, the rest
#    closed at once; the page and `skk stats` still answer 127.0.0.1.
#  - handshaken connections that never send HELLO close after 2 s,
#    not after idle_timeout (300 s).
# b: http_rate 1, default caps.
#  - a 429 closes the connection after the answer.
#  - a peer without a client certificate may not send a frame over
#    64 KiB (refused at the header); an admin's 90 KB frame is served.
#  - 12 connections each holding a frame one byte short of 8 MiB: the
#    daemon's RSS comes back once they close (admins: the memory is
#    returned; anonymous: it is never taken).
#  - an anonymous `skk verify` of 300 QR codes (split to fit 64 KiB).

. "$(dirname "$0")/lib.sh"

helper RAWFRAME rawframe
helper SLOWPOKE slowpoke
ulimit -n 4096 2>/dev/null

ATT=127.0.0.2
inst_init a || { echo "not ok 1 - skkd init"; exit 1; }
sed -i -e 's/^max_connections = .*/max_connections = 8/' \
    -e 's/^http_max_connections = .*/http_max_connections = 8/' \
    -e 's/^handshake_timeout.*/handshake_timeout = 30/' "$T/a/skkd.conf"
cat >>"$T/a/skkd.conf" <<CONF
max_connections_per_address = 4
http_max_connections_per_address = 4
hello_timeout = 2
http_rate = 1000
CONF
inst_start a || { echo "not ok 1 - skkd starts"; exit 1; }
H=$(cat "$T/a.hport"); P=$(cat "$T/a.port"); M=$(cat "$T/a.mport")
CA=$T/a/tls/ca.crt

sk a --json issue --name "Budi Santoso" --nik 3515014107900003 \
    --job ME063096 --level 3 --lpjk LPJK-2026-000123 >"$T/out" 2>"$T/err"
num=$(json_field number | tr ' ' -)
[ -n "$num" ] && pass "a certificate to look up ($num)" ||
    fail "a certificate to look up"

# sp_line FILE: the slowpoke's summary (after "ready").
sp_line() { grep -v '^ready' "$1"; }
sp_ready() {
	for i in $(seq 100); do
		[ "$(cat "$@" 2>/dev/null | grep -c '^ready')" = $# ] && return 0
		sleep 0.1
	done
	return 1
}

# 1. Twenty bare sockets per port from one address.
"$SLOWPOKE" -b $ATT -t 8 tcp 127.0.0.1 "$P" 20 >"$T/fl_c" 2>&1 &
fl_c=$!
"$SLOWPOKE" -b $ATT -t 8 tcp 127.0.0.1 "$H" 20 >"$T/fl_h" 2>&1 &
fl_h=$!
pids="$pids $fl_c $fl_h"
sp_ready "$T/fl_c" "$T/fl_h"
sleep 1
run_expect 0 "flood from $ATT: the page still answers 127.0.0.1" \
    curl -s -m 5 --cacert "$CA" --resolve "localhost:$H:127.0.0.1" \
    -o "$T/page" -w '%{http_code}\n' "https://localhost:$H/c/$num"
grep -qx 200 "$T/out" && pass "with 200" || fail "with 200 ($(cat "$T/out"))"
t0=$(date +%s%N)
run_expect 0 "flood from $ATT: admin skk stats still answers" sk a stats
echo "# skk stats during the flood: $((($(date +%s%N) - t0) / 1000000)) ms"
if curl -s -m 3 --interface $ATT --cacert "$CA" \
    --resolve "localhost:$H:127.0.0.1" -o /dev/null "https://localhost:$H/healthz"
then
	fail "a fifth HTTPS connection from $ATT is refused"
else
	pass "a fifth HTTPS connection from $ATT is refused"
fi
curl -s "http://127.0.0.1:$M/metrics" >"$T/metrics"
for port in companion https; do
	n=$(sed -n "s/^skkd_refused_per_address_total{port=\"$port\"} //p" "$T/metrics")
	[ "${n:-0}" -ge 16 ] && pass "/metrics: $n $port connections refused per address" ||
	    fail "/metrics: 16 $port connections refused per address (${n:-none})"
done
kill "$fl_c" "$fl_h" 2>/dev/null
wait "$fl_c" "$fl_h" 2>/dev/null
# opened N failed F closed C open O ...: C closed by the server at once
for f in fl_c fl_h; do
	set -- $(sp_line "$T/$f")
	echo "# $f: $*"
	[ "$7" = 16 ] && pass "$f: 16 of 20 closed at accept, 4 held" ||
	    fail "$f: 16 of 20 closed at accept, 4 held ($*)"
done

# 2. Handshakes that never say HELLO: closed after hello_timeout.
sleep 0.5
"$SLOWPOKE" -b $ATT -t 10 idle 127.0.0.1 "$P" 4 >"$T/idle" 2>&1
set -- $(sp_line "$T/idle")
echo "# silent after the handshake: $*"
# MODE opened N failed F closed C open O min S median S max S
if [ "$7" = 4 ] && [ "$9" = 0 ] &&
    awk -v lo="${11}" -v hi="${15}" 'BEGIN { exit !(lo >= 1 && hi <= 4) }'; then
	pass "4 silent connections closed after hello_timeout (${11}-${15} s)"
else
	fail "4 silent connections closed after hello_timeout 2 s ($*)"
fi
run_expect 0 "skk (which says HELLO at once) is unaffected" sk a stats

# 3. A 429 ends the connection.
inst_init b || { echo "not ok $((tapn + 1)) - skkd init b"; exit 1; }
# Part 6 sends 300 anonymous QR codes: more than anonymous_rate's burst.
printf 'http_rate = 1\nanonymous_rate = 1000\n' >>"$T/b/skkd.conf"
inst_start b || { echo "not ok $((tapn + 1)) - skkd b starts"; exit 1; }
HB=$(cat "$T/b.hport"); PB=$(cat "$T/b.port"); CAB=$T/b/tls/ca.crt
U="https://localhost:$HB/healthz"
curl -s --cacert "$CAB" --resolve "localhost:$HB:127.0.0.1" -D "$T/hdr" \
    -w '%{http_code} %{num_connects}\n' -o /dev/null "$U" -o /dev/null "$U" \
    -o /dev/null "$U" -o /dev/null "$U" >"$T/codes" 2>&1
echo "# rate 1/s, four requests on one connection: $(tr '\n' ' ' <"$T/codes")"
sed -n 3p "$T/codes" | grep -q '^429 0$' &&
    pass "the third request is answered 429" ||
    fail "the third request is answered 429 ($(sed -n 3p "$T/codes"))"
grep -A12 '429' "$T/hdr" | grep -qi '^Connection: close' &&
    pass "the 429 says Connection: close" || fail "the 429 says Connection: close"
sed -n 4p "$T/codes" | grep -q ' 1$' &&
    pass "the fourth request needs a new connection" ||
    fail "the fourth request needs a new connection ($(sed -n 4p "$T/codes"))"

# 4. Frames over 64 KiB without a client certificate.
sk b --json issue --name "Siti Rahayu" --nik 3515014107900011 \
    --job ME063096 --level 3 --lpjk LPJK-1 >"$T/out" 2>"$T/err"
NB=$(json_field number)
URL=$(json_field url)
[ -n "$NB" ] && [ -n "$URL" ] && pass "a certificate and its QR text" ||
    fail "a certificate and its QR text"
"$RAWFRAME" "$PB" "$CAB" "$NB" len:00016000 read >"$T/out" 2>"$T/err"
sed -n 2p "$T/out" | grep -qx "0 error too_big frame length 90112 refused (limit 65536 bytes without a client certificate)" &&
    pass "anonymous 90,112-byte frame: too_big at the header, naming the limit" ||
    fail "anonymous 90,112-byte frame: too_big at the header ($(sed -n 2p "$T/out"))"
sed -n 3p "$T/out" | grep -qx closed && pass "and the connection closes" ||
    fail "and the connection closes ($(sed -n 3p "$T/out"))"
"$RAWFRAME" -c "$T/b/tls/admin.crt" -k "$T/b/tls/admin.key" "$PB" "$CAB" \
    "$NB" verify:3000 >"$T/out" 2>"$T/err"
sed -n 2p "$T/out" | grep -qx "2 verify items=3000 verdict=0" &&
    pass "an admin's ~90 KB frame of 3,000 numbers is served" ||
    fail "an admin's ~90 KB frame of 3,000 numbers is served ($(sed -n 2p "$T/out"))"
"$RAWFRAME" "$PB" "$CAB" "$NB" verify:1 >"$T/out" 2>"$T/err"
sed -n 2p "$T/out" | grep -qx "2 verify items=1 verdict=0" &&
    pass "an anonymous small frame is served" ||
    fail "an anonymous small frame is served ($(sed -n 2p "$T/out"))"

# 5. Memory held by frames is given back. ASan keeps freed memory in
# its quarantine, so RSS says nothing there.
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$pid_b/status"; }
if grep -q __asan_init "$SKKD"; then
	echo "ok $((tapn += 1)) - # SKIP RSS under AddressSanitizer"
else
	r0=$(rss)
	for i in $(seq 12); do
		"$RAWFRAME" -c "$T/b/tls/admin.crt" -k "$T/b/tls/admin.key" \
		    "$PB" "$CAB" "$NB" part:7fffff hold:5 >/dev/null 2>&1 &
		eval "big$i=$!"
	done
	sleep 4
	r1=$(rss)
	for i in $(seq 12); do wait "$(eval echo \$big$i)"; done
	sleep 1.5
	r2=$(rss)
	echo "# admin, 12 frames of 8 MiB - 1 held: RSS $((r0 / 1024)) -> $((r1 / 1024)) -> $((r2 / 1024)) MiB (before, during, after)"
	[ $((r1 - r0)) -gt 40000 ] && pass "the frames were held ($((r1 / 1024)) MiB)" ||
	    fail "the frames were held (RSS $r0 -> $r1 kB)"
	[ $((r2 - r0)) -lt 16384 ] &&
	    pass "RSS returns after they close ($((r0 / 1024)) -> $((r2 / 1024)) MiB)" ||
	    fail "RSS returns after they close ($((r0 / 1024)) -> $((r1 / 1024)) -> $((r2 / 1024)) MiB)"
	r0=$(rss)
	for i in $(seq 12); do
		"$RAWFRAME" "$PB" "$CAB" "$NB" part:7fffff hold:3 >/dev/null 2>&1 &
		eval "big$i=$!"
	done
	sleep 2
	r1=$(rss)
	for i in $(seq 12); do wait "$(eval echo \$big$i)"; done
	sleep 1
	r2=$(rss)
	echo "# anonymous, 12 frames of 8 MiB - 1 sent: RSS $((r0 / 1024)) -> $((r1 / 1024)) -> $((r2 / 1024)) MiB"
	[ $((r1 - r0)) -lt 8192 ] && [ $((r2 - r0)) -lt 8192 ] &&
	    pass "anonymous big frames take no memory ($((r0 / 1024)) -> $((r1 / 1024)) MiB)" ||
	    fail "anonymous big frames take no memory ($((r0 / 1024)) -> $((r1 / 1024)) -> $((r2 / 1024)) MiB)"
fi

# 6. An anonymous skk splits a long QR list to fit its 64 KiB frames
# (and anonymous_max_batch).
grep -v -e '^cert' -e '^key' "$T/b/skk.conf" >"$T/b/anon.conf"
for i in $(seq 300); do echo "$URL"; done >"$T/qrs"
"$SKK" -c "$T/b/anon.conf" verify - <"$T/qrs" >"$T/out" 2>"$T/err"
rc=$?
[ "$rc" = 0 ] && [ "$(grep -c '^VALID' "$T/out")" = 300 ] &&
    pass "anonymous verify of 300 QR codes: 300 VALID" ||
    fail "anonymous verify of 300 QR codes (exit $rc, $(grep -c '^VALID' "$T/out") VALID)"

kill -0 "$pid_a" && kill -0 "$pid_b" && pass "skkd is still running" ||
    fail "skkd is still running"
echo "1..$tapn"
