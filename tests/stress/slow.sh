# skkd — SPDX-License-Identifier: ISC
#
# Slow and greedy clients, long form (tests/regress/slow.sh is the short
# one). Two parts, each with its own instance:
#
# 1. 1,000 slow connections (500 trickling a TLS ClientHello a byte a
#    second, 300 on the HTTPS port and 200 on the companion port; 500
#    trickling an HTTP request head) and 1,000 idle ones (500 per port)
#    while wrk verifies certificates over HTTPS. wrk's p99 must stay
#    under 100 ms with no error and no non-2xx answer, and each slow or
#    idle connection must be closed by the server no sooner than its
#    deadline and no later than 2 s after it.
# 2. Out of descriptors: skkd under `ulimit -n 256` and 512 connections
#    held open (256 per port). Its CPU must stay under 20% of a core,
#    it must not crash, and once the connections go both ports must
#    answer within a second (the recovery time is measured).
#
# Figures are printed as TAP comments. Needs wrk, curl and a C compiler.
# Usage: SKKD=build/skkd SKK=build/skk [SLOW_SECONDS=30] bash tests/stress/slow.sh

. "$(dirname "$0")/../regress/lib.sh"

SECS=${SLOW_SECONDS:-30}	# the wrk run under slow clients
DL_HS=20 DL_HEAD=20 DL_IDLE=25	# held while wrk runs, closed during it
SLACK=2
EARLY=0.5
top=$(cd "$(dirname "$0")/../.." && pwd)

command -v wrk >/dev/null || { echo "not ok 1 - wrk is missing (make deps)"; exit 1; }
. "$top/tests/stress/slowpoke.lib"
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
nfds() { ls "/proc/$1/fd" | wc -l; }

# wrk_parse FILE: "requests/s p50 p99 non2xx errors" (ms), from wrk --latency.
wrk_parse() {
	awk '
	function ms(v) {
		if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0
		if (v ~ /s$/) return v * 1000; return v }
	/Requests\/sec/ { r = $2 } / 50%/ { p50 = ms($2) } / 99%/ { p99 = ms($2) }
	/Non-2xx/ { bad = $NF }
	/Socket errors/ { gsub(/[^0-9 ]/, ""); err = $1 + $2 + $3 + $4 }
	END { printf "%.0f %.2f %.2f %d %d\n", r, p50, p99, bad, err }' "$1"
}

# ---- 1. slow and idle clients under wrk

inst_init s || { echo "not ok 1 - skkd init"; exit 1; }
sed -i -e "s/^handshake_timeout.*/handshake_timeout = $DL_HS/" \
    -e "s/^idle_timeout.*/idle_timeout = $DL_IDLE/" \
    -e "s/^max_connections.*/max_connections = 5000/" "$T/s/skkd.conf"
cat >>"$T/s/skkd.conf" <<CONF
http_header_timeout = $DL_HEAD
http_idle_timeout = $DL_IDLE
http_rate = 1000000
http_max_requests = 1000000
max_connections_per_address = 5000
http_max_connections_per_address = 5000
hello_timeout = $DL_IDLE
CONF
inst_start s || { echo "not ok 1 - skkd starts"; exit 1; }
H=$(cat "$T/s.hport"); P=$(cat "$T/s.port")
awk -v n=200 -f "$top/tests/bench/gencohort.awk" >"$T/cohort.csv"
sk s issue --csv "$T/cohort.csv" >"$T/issued.tsv" 2>"$T/err"
cut -f1 "$T/issued.tsv" | tr ' ' - >"$T/numbers"
export PICK_FILE="$T/numbers"
[ "$(grep -c . "$T/numbers")" = 200 ] && pass "200 certificates to verify" ||
    fail "200 certificates to verify ($(grep -c . "$T/numbers"))"
URL="https://127.0.0.1:$H"

wrk -t1 -c16 -d10s --latency -s "$top/tests/bench/pick.lua" "$URL" >"$T/wrk0" 2>&1
read -r r0 p50_0 p99_0 bad0 err0 <<EOF
$(wrk_parse "$T/wrk0")
EOF
echo "# baseline (no slow clients, 10 s): $r0 req/s, p50 $p50_0 ms, p99 $p99_0 ms, non-2xx $bad0, errors $err0"

slow hs_h hs "$H" 300 60
slow hs_c hs "$P" 200 60
slow head head "$H" 500 60
slow idle_h idle "$H" 500 60
slow idle_c idle "$P" 500 60
all="hs_h hs_c head idle_h idle_c"
slow_ready 600 $all
held=$(cat $(for s in $all; do echo "$T/$s.sp"; done) |
    awk '/^ready/ { n += $2 } END { print n + 0 }')
echo "# slow and idle connections held: $held of 2000 (open in $((i / 10)) s); skkd has $(nfds "$pid_s") descriptors"
[ "$held" = 2000 ] && pass "2,000 slow and idle connections open" ||
    fail "2,000 slow and idle connections open ($held)"

c0=$(ticks "$pid_s")
wrk -t1 -c16 -d"${SECS}s" --latency -s "$top/tests/bench/pick.lua" "$URL" >"$T/wrk1" 2>&1
c1=$(ticks "$pid_s")
read -r r1 p50_1 p99_1 bad1 err1 <<EOF
$(wrk_parse "$T/wrk1")
EOF
echo "# under slow clients ($SECS s): $r1 req/s, p50 $p50_1 ms, p99 $p99_1 ms, non-2xx $bad1, errors $err1; skkd CPU $(((c1 - c0) / SECS))% of a core"
awk -v p="$p99_1" 'BEGIN { exit !(p > 0 && p < 100) }' &&
    pass "wrk p99 under slow clients < 100 ms ($p99_1 ms)" ||
    fail "wrk p99 under slow clients < 100 ms ($p99_1 ms)"
[ "$r1" -gt 0 ] && [ "$bad1" = 0 ] && [ "$err1" = 0 ] &&
    pass "wrk: $r1 req/s, no socket error, no non-2xx answer" ||
    fail "wrk: $r1 req/s, $err1 socket errors, $bad1 non-2xx"

slow_check hs_h 300 $DL_HS "slow handshakes on the HTTPS port"
slow_check hs_c 200 $DL_HS "slow handshakes on the companion port"
slow_check head 500 $DL_HEAD "slow request heads"
slow_check idle_h 500 $DL_IDLE "idle HTTPS connections"
slow_check idle_c 500 $DL_IDLE "idle companion connections"
run_expect 0 "HTTPS still answers afterwards" curl -sf --max-time 5 \
    --cacert "$T/s/tls/ca.crt" --resolve "localhost:$H:127.0.0.1" \
    "https://localhost:$H/api/v1/certificates/$(head -n 1 "$T/numbers")"
run_expect 0 "the companion port still answers afterwards" sk s stats
kill -0 "$pid_s" && pass "skkd is still running" || fail "skkd is still running"
inst_stop s

# ---- 2. out of descriptors

inst_init f || { echo "not ok $((tapn + 1)) - skkd init"; exit 1; }
# Only the flood's end may free descriptors, not a handshake deadline.
sed -i 's/^handshake_timeout.*/handshake_timeout = 120/' "$T/f/skkd.conf"
printf 'max_connections_per_address = 5000\nhttp_max_connections_per_address = 5000\n' \
    >>"$T/f/skkd.conf"
printf '#!/bin/sh\nulimit -n 256\nexec "%s" "$@"\n' "$SKKD" >"$T/skkd-256"
chmod +x "$T/skkd-256"
SKKD="$T/skkd-256" inst_start f || { echo "not ok $((tapn + 1)) - skkd starts"; exit 1; }
pass "skkd starts with 256 descriptors"
H=$(cat "$T/f.hport"); P=$(cat "$T/f.port")
fd0=$(nfds "$pid_f")

"$SLOWPOKE" -t 60 tcp 127.0.0.1 "$H" 256 >"$T/flood_h" 2>&1 &
fl_h=$!
"$SLOWPOKE" -t 60 tcp 127.0.0.1 "$P" 256 >"$T/flood_c" 2>&1 &
fl_c=$!
pids="$pids $fl_h $fl_c"
for i in $(seq 100); do
	[ "$(cat "$T/flood_h" "$T/flood_c" | grep -c '^ready')" = 2 ] && break
	sleep 0.1
done
sleep 1
a=$(ticks "$pid_f"); sleep 5; b=$(ticks "$pid_f")
fd1=$(nfds "$pid_f")
echo "# flood: $(cat "$T/flood_h" "$T/flood_c" | awk '/^ready/ { n += $2 } END { print n + 0 }') of 512 connected; skkd has $fd1 descriptors (limit 256, $fd0 before); $((b - a)) CPU ticks in 5 s ($(((b - a) / 5))% of a core)"
[ "$fd1" -ge 240 ] && pass "skkd is out of descriptors ($fd1 open)" ||
    fail "skkd is out of descriptors ($fd1 open)"
# 20% of a core for 5 s is 100 ticks of 10 ms; a spinning loop is ~500.
[ $((b - a)) -lt 100 ] && pass "CPU stays low while out of descriptors ($((b - a)) ticks in 5 s)" ||
    fail "CPU stays low while out of descriptors ($((b - a)) ticks in 5 s)"
grep -q "Too many open files" "$T/f.log" && pass "the log says why" ||
    fail "the log says why"

# recover OUT command...: ms from the flood's end to the first answer
# (when it arrived), retrying every 50 ms for 10 s; -1 if none came.
recover() {
	out=$1; shift
	while :; do
		"$@" >/dev/null 2>&1 && ok=1 || ok=0
		now=$(date +%s%N)
		[ $ok = 1 ] && { echo $(((now - t0) / 1000000)) >"$out"; return; }
		[ $((now - t0)) -gt 10000000000 ] && { echo -1 >"$out"; return; }
		sleep 0.05
	done
}
t0=$(date +%s%N)
kill "$fl_h" "$fl_c"
recover "$T/rec_h" curl -sf --max-time 5 --cacert "$T/f/tls/ca.crt" \
    --resolve "localhost:$H:127.0.0.1" "https://localhost:$H/healthz" &
w1=$!
recover "$T/rec_c" sk f stats &
w2=$!
wait "$w1" "$w2"
wait "$fl_h" "$fl_c" 2>/dev/null
rh=$(cat "$T/rec_h"); rc=$(cat "$T/rec_c")
echo "# recovery after the flood: HTTPS answered after $rh ms, companion port after $rc ms"
[ "$rh" -ge 0 ] && [ "$rh" -le 1000 ] &&
    pass "HTTPS answers within 1 s of the flood's end ($rh ms)" ||
    fail "HTTPS answers within 1 s of the flood's end ($rh ms)"
[ "$rc" -ge 0 ] && [ "$rc" -le 1000 ] &&
    pass "the companion port answers within 1 s of the flood's end ($rc ms)" ||
    fail "the companion port answers within 1 s of the flood's end ($rc ms)"
sleep 1
fd2=$(nfds "$pid_f")
echo "# descriptors: $fd0 before, $fd1 in the flood, $fd2 after"
[ "$fd2" -le $((fd0 + 4)) ] && pass "the flood's descriptors are all released ($fd2 open)" ||
    fail "the flood's descriptors are all released ($fd2 open, $fd0 before)"
kill -0 "$pid_f" && pass "skkd is still running" || fail "skkd is still running"
inst_stop f
[ $? = 0 ] && pass "skkd stops cleanly" || fail "skkd stops cleanly"

echo "1..$tapn"
