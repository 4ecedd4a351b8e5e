# skkd — SPDX-License-Identifier: ISC
#
# One address cannot starve the rest (issue 12 §3), long form
# (tests/regress/flood.sh is the short one). Default limits throughout.
#
# 1. Flood from one address: 127.0.0.2 opens as many connections as it
#    can (4,000 bare TCP sockets per port, held) while wrk on 127.0.0.1
#    reads a certificate page over HTTPS and an admin runs `skk stats`
#    every second. The page's p99 must stay under 100 ms (or twice its
#    p99 without the flood, on a machine too busy for that) with no
#    error, and every `skk stats` must answer.
# 2. Mixed QR-batch load: 4 anonymous clients send, back to back, the
#    largest QR batches they are allowed (HELLO's COUNT, and no more than
#    a 64 KiB frame holds), while wrk asks /healthz. Its p99 must stay
#    under 50 ms. The same is then measured with 4 admin clients sending
#    10,000-QR batches (a figure only: admins are trusted, and their
#    batches' answers of megabytes are encoded in one go).
#
# Figures are printed as TAP comments (tests/RELIABILITY.md quotes them).
# Usage: SKKD=build/skkd SKK=build/skk [STARVE_SECONDS=20] bash tests/stress/starve.sh

. "$(dirname "$0")/../regress/lib.sh"

SECS=${STARVE_SECONDS:-20}
ATT=127.0.0.2
command -v wrk >/dev/null || { echo "not ok 1 - wrk is missing (make deps)"; exit 1; }
helper SLOWPOKE slowpoke
helper RAWFRAME rawframe
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

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

inst_init s || { echo "not ok 1 - skkd init"; exit 1; }
# The defaults, except what lets wrk run flat out from one address.
cat >>"$T/s/skkd.conf" <<CONF
http_rate = 1000000
http_max_requests = 1000000
CONF
inst_start s || { echo "not ok 1 - skkd starts"; exit 1; }
H=$(cat "$T/s.hport"); P=$(cat "$T/s.port"); CA=$T/s/tls/ca.crt
sk s --json issue --name "Budi Santoso" --nik 3515014107900003 \
    --job ME063096 --level 3 --lpjk LPJK-2026-000123 >"$T/out" 2>"$T/err"
num=$(json_field number | tr ' ' -); url=$(json_field url)
[ -n "$num" ] && [ -n "$url" ] && pass "a certificate and its QR text (${#url} bytes)" ||
    fail "a certificate and its QR text"
PAGE="https://127.0.0.1:$H/c/$num"

# ---- 1. flood from one address

wrk -t1 -c4 -d10s --latency "$PAGE" >"$T/wrk0" 2>&1
read -r r0 p50_0 p99_0 bad0 err0 <<EOF
$(wrk_parse "$T/wrk0")
EOF
echo "# page from 127.0.0.1, no flood (10 s): $r0 req/s, p50 $p50_0 ms, p99 $p99_0 ms"

"$SLOWPOKE" -b $ATT -t $((SECS + 30)) tcp 127.0.0.1 "$P" 4000 >"$T/fl_c" 2>&1 &
fl_c=$!
"$SLOWPOKE" -b $ATT -t $((SECS + 30)) tcp 127.0.0.1 "$H" 4000 >"$T/fl_h" 2>&1 &
fl_h=$!
pids="$pids $fl_c $fl_h"
for i in $(seq 300); do
	[ "$(cat "$T/fl_c" "$T/fl_h" | grep -c '^ready')" = 2 ] && break
	sleep 0.1
done
(
	n=0 ok=0 worst=0
	end=$(($(date +%s) + SECS))
	while [ "$(date +%s)" -lt "$end" ]; do
		t0=$(date +%s%N)
		sk s stats >/dev/null 2>&1 && ok=$((ok + 1))
		ms=$((($(date +%s%N) - t0) / 1000000))
		[ "$ms" -gt "$worst" ] && worst=$ms
		n=$((n + 1))
		sleep 1
	done
	echo "$n $ok $worst" >"$T/stats"
) &
st=$!
wrk -t1 -c4 -d"${SECS}s" --latency "$PAGE" >"$T/wrk1" 2>&1
wait "$st"
read -r r1 p50_1 p99_1 bad1 err1 <<EOF
$(wrk_parse "$T/wrk1")
EOF
read -r sn sok sworst <"$T/stats"
kill "$fl_c" "$fl_h" 2>/dev/null; wait "$fl_c" "$fl_h" 2>/dev/null
curl -s "http://127.0.0.1:$(cat "$T/s.mport")/metrics" >"$T/metrics"
for f in fl_c:companion fl_h:https; do
	set -- $(grep -v '^ready' "$T/${f%:*}")
	ref=$(sed -n "s/^skkd_refused_per_address_total{port=\"${f#*:}\"} //p" "$T/metrics")
	eval "${f%:*}_sum='$3 connections opened, $ref refused at accept'"
done
echo "# flood from $ATT: companion port $fl_c_sum; HTTPS $fl_h_sum; the rest held until handshake_timeout"
echo "# page from 127.0.0.1 during the flood ($SECS s): $r1 req/s, p50 $p50_1 ms, p99 $p99_1 ms, non-2xx $bad1, errors $err1"
echo "# admin skk stats during the flood: $sok/$sn answered, slowest $sworst ms"
awk -v p="$p99_1" -v b="$p99_0" 'BEGIN { exit !(p > 0 && (p < 100 || p < 2 * b)) }' &&
    [ "$bad1" = 0 ] &&
    [ "$err1" = 0 ] &&
    pass "page p99 during the flood < 100 ms ($p99_1 ms), no error" ||
    fail "page p99 during the flood < 100 ms ($p99_1 ms, $bad1 non-2xx, $err1 errors)"
[ "$sn" -gt 0 ] && [ "$sok" = "$sn" ] &&
    pass "every admin skk stats answered ($sok/$sn, slowest $sworst ms)" ||
    fail "every admin skk stats answered ($sok/$sn)"

# ---- 2. mixed QR-batch load

sleep 1
wrk -t1 -c1 -d10s --latency "https://127.0.0.1:$H/healthz" >"$T/wrk2" 2>&1
read -r r2 p50_2 p99_2 bad2 err2 <<EOF
$(wrk_parse "$T/wrk2")
EOF
echo "# /healthz, no load (10 s): $r2 req/s, p50 $p50_2 ms, p99 $p99_2 ms"

# qrload NAME [-c cert -k key] STEP: 4 clients sending STEP back to back.
qrload() {
	name=$1; shift
	for i in 1 2 3 4; do
		"$RAWFRAME" "$@" "$P" "$CA" "$url" "$step" "for:$SECS" \
		    >"$T/$name.$i" 2>&1 &
		eval "ql$i=$!"
	done
	sleep 1
	wrk -t1 -c1 -d"$((SECS - 2))s" --latency "https://127.0.0.1:$H/healthz" \
	    >"$T/wrk.$name" 2>&1
	for i in 1 2 3 4; do wait "$(eval echo \$ql$i)"; done
}

step=qr:max
qrload anon
read -r r3 p50_3 p99_3 bad3 err3 <<EOF
$(wrk_parse "$T/wrk.anon")
EOF
n=$(awk '/^for/ { n += $2; e += $4; if ($7 > m) m = $7 } END { print n + 0, e + 0, m + 0 }' \
    "$T"/anon.[1-4])
set -- $n
batch=$(( (65536 - 1024) / (${#url} + 8) ))
echo "# 4 anonymous clients, QR batches of up to $batch items (HELLO COUNT permitting): $1 batches answered, $2 errors, slowest $3 ms"
echo "# /healthz under the anonymous QR load ($((SECS - 2)) s): $r3 req/s, p50 $p50_3 ms, p99 $p99_3 ms, non-2xx $bad3, errors $err3"
[ "$1" -gt 0 ] && [ "$2" = 0 ] && pass "the QR batches were answered ($1, no error)" ||
    fail "the QR batches were answered ($1 batches, $2 errors)"
awk -v p="$p99_3" 'BEGIN { exit !(p > 0 && p < 50) }' && [ "$bad3" = 0 ] &&
    pass "/healthz p99 under anonymous QR load < 50 ms ($p99_3 ms)" ||
    fail "/healthz p99 under anonymous QR load < 50 ms ($p99_3 ms, $bad3 non-2xx)"

step=qr:10000
qrload admin -c "$T/s/tls/admin.crt" -k "$T/s/tls/admin.key"
read -r r4 p50_4 p99_4 bad4 err4 <<EOF
$(wrk_parse "$T/wrk.admin")
EOF
set -- $(awk '/^for/ { n += $2; e += $4; if ($7 > m) m = $7 } END { print n + 0, e + 0, m + 0 }' \
    "$T"/admin.[1-4])
echo "# 4 admin clients, 10,000-QR batches: $1 batches answered, $2 errors, slowest $3 ms"
echo "# /healthz under the admin QR load ($((SECS - 2)) s): $r4 req/s, p50 $p50_4 ms, p99 $p99_4 ms, non-2xx $bad4, errors $err4"
[ "$err4" = 0 ] && [ "$bad4" = 0 ] &&
    pass "/healthz answers under admin 10,000-QR batches (p99 $p99_4 ms)" ||
    fail "/healthz answers under admin 10,000-QR batches ($bad4 non-2xx, $err4 errors)"

kill -0 "$pid_s" && pass "skkd is still running" || fail "skkd is still running"
echo "1..$tapn"
