#!/bin/bash
# skkd — SPDX-License-Identifier: ISC
#
# make bench: signed status lists (PROTOCOL.md §5).
# (1) The token of 1,000,000 certificates with 1% revoked at random: its
#     size in bits per certificate (target <= 2), and the rebuild the
#     daemon does (statuspub_list_make: copy, expiry pass, zlib level 9,
#     Ed25519 COSE signature) against zlib level 9 alone on the same
#     packed bytes, alternated over 9 rounds, median and spread
#     (tests/bench/statusbench.c; target <= 2x). Also the number map of
#     as many numbers, which the daemon signs on a thread of its own.
# (2) A real daemon with ROWS certificates (BENCH_STATUS_ROWS, default
#     20000; BENCH_BIG set and not 0: 1,000,000): the time from a
#     revocation's answer to /status/0 showing it (target: within 2 s).
# (3) The same daemon's /status/0 against nginx serving the file skkd
#     publish wrote, with contrib/nginx/skkd-static.conf's headers, the
#     same certificate and key, TLS 1.3, one worker each: wrk keep-alive
#     (-t1 -c64), BENCH_PAIRS (5) alternated pairs of BENCH_SECONDS (3),
#     requests/s medians and the ratio's median and spread.
# Prints a table and writes build/bench-status.md. Not part of make test.
# Usage: B=build tests/bench/status.sh

B=${B:-build}
top=$(pwd)
export SKKD="$top/$B/skkd" SKK="$top/$B/skk"
. "$top/tests/regress/lib.sh"
. "$top/tests/bench/wrk.sh"	# ratio, median, spread, wrk_run
SECS=${BENCH_SECONDS:-3}
PAIRS=${BENCH_PAIRS:-5}
for t in nginx wrk curl; do
	command -v $t >/dev/null || { echo "bench: $t is missing (make deps)"; exit 1; }
done
CHECK="$top/tests/regress/statuscheck.mjs"
case ${BENCH_BIG:-0} in
0) ROWS=${BENCH_STATUS_ROWS:-20000} ;;
*) ROWS=1000000 ;;
esac

echo "status list of 1,000,000 certificates, 1% revoked: build+sign vs zlib -9 (9 rounds)"
line=$("$B/tests/statusbench" 1000000 10 9) || exit 1
get() { echo "$line" | awk -v k="$1" -v o="${2:-1}" '{ for (i = 1; i < NF; i++) if ($i == k) print $(i + o) }'; }
bits=$(get bits_per_cert)
ratio="$(get ratio) ($(get ratio 2)-$(get ratio 3))"
build="$(get build_ms) ms ($(get build_ms 2)-$(get build_ms 3))"
zlib="$(get zlib_ms) ms ($(get zlib_ms 2)-$(get zlib_ms 3))"
nbits=$(awk -v b="$(get numbers_bytes)" 'BEGIN { printf "%.1f", b * 8 / 1000000 }')

# (2) Revocation to served list, on a real daemon.
inst_init sb --issuer "LSP Bench Status" || { echo "skkd init failed"; exit 1; }
# A million certificates with their QR payloads and log need room.
# One worker, as nginx below; wrk's 64 connections from one address.
sed -i -e 's/^map_size = .*/map_size = 8G/' -e 's/^workers = .*/workers = 1/' "$T/sb/skkd.conf"
cat >>"$T/sb/skkd.conf" <<CONF
http_max_requests = 1000000
http_rate = 1000000
http_max_connections_per_address = 30000
CONF
inst_start sb || exit 1
HP=$(cat "$T/sb.hport")
VKEY=$(sed -n 's/^log_key = //p' "$T/sb/skk.conf")
echo "issuing $ROWS certificates"
awk -v n="$ROWS" -f tests/bench/gencohort.awk >"$T/cohort.csv"
# A staged batch holds at most 200,000 items: issue in parts of 100,000.
tail -n +2 "$T/cohort.csv" | split -l 100000 - "$T/part."
: >"$T/issued.tsv"
for p in "$T"/part.*; do
	{ head -n 1 "$T/cohort.csv"; cat "$p"; } >"$p.csv"
	sk sb issue --csv "$p.csv" >>"$T/issued.tsv" 2>"$T/issue.err" || { cat "$T/issue.err"; exit 1; }
done
num=$(sed -n "$((ROWS / 2))p" "$T/issued.tsv" | cut -f1)
sleep 2
curl -s --cacert "$T/sb/tls/ca.crt" --resolve "localhost:$HP:127.0.0.1" \
    -o "$T/s0" "https://localhost:$HP/status/0"
before=$(node "$CHECK" status "$T/s0" "$VKEY" "https://localhost:$HP/status/0" |
    sed -n 's/^entries //p' | tr -d '0f' | wc -c)
sk sb revoke "$num" --reason "bench" >/dev/null 2>&1 || { echo "revoke failed"; exit 1; }
t0=$(date +%s.%N)
lat=none
for i in $(seq 100); do
	curl -s --cacert "$T/sb/tls/ca.crt" --resolve "localhost:$HP:127.0.0.1" \
	    -o "$T/s0" "https://localhost:$HP/status/0"
	after=$(node "$CHECK" status "$T/s0" "$VKEY" "https://localhost:$HP/status/0" |
	    sed -n 's/^entries //p' | tr -d '0f' | wc -c)
	if [ "$after" -gt "$before" ]; then
		lat=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f s", b - a }')
		break
	fi
	sleep 0.05
done
size=$(wc -c <"$T/s0")

# (3) skkd's /status/0 against nginx serving the published file.
echo "skkd /status/0 against nginx serving skkd publish's file: wrk keep-alive, $PAIRS pairs of ${SECS}s"
"$SKKD" publish -c "$T/sb/skkd.conf" "$T/pub" >"$T/publish.out" 2>&1 ||
    { cat "$T/publish.out"; exit 1; }
N="$T/ngx"; NP=$(free_port)
mkdir -p "$N/logs" "$N/tmp"
sed -e "s|listen 80;|listen 127.0.0.1:$NP ssl; ssl_certificate $T/sb/tls/server.crt; ssl_certificate_key $T/sb/tls/server.key; ssl_protocols TLSv1.3;|" \
    -e "s|root /var/lib/skkd/publish;|root $T/pub;|" contrib/nginx/skkd-static.conf >"$N/site.conf"
cat >"$N/nginx.conf" <<NGX
user root;
worker_processes 1;
pid $N/nginx.pid;
error_log $N/logs/error.log;
events { worker_connections 20000; }
http {
	access_log off;
	keepalive_requests 1000000000;
	client_body_temp_path $N/tmp; proxy_temp_path $N/tmp;
	fastcgi_temp_path $N/tmp; uwsgi_temp_path $N/tmp; scgi_temp_path $N/tmp;
	include $N/site.conf;
}
NGX
nginx -p "$N" -c "$N/nginx.conf" -g 'daemon off;' 2>"$N/logs/stderr" &
npid=$!; pids="$pids $npid"
A="https://localhost:$HP/status/0"; Bu="https://localhost:$NP/status/0"
for i in $(seq 50); do curl -sk -o /dev/null "$Bu" && break; sleep 0.1; done
hdrs() { curl -s --cacert "$T/sb/tls/ca.crt" --resolve "localhost:$1:127.0.0.1" \
    -D - -o "$T/body.$1" "https://localhost:$1/status/0" | tr -d '\r' |
    grep -i '^content-type\|^cache-control\|^access-control\|^etag\|^HTTP' |
    sed 's/^etag:.*/etag/I' | sort -f; }
hdrs "$HP" >"$T/h.skkd"; hdrs "$NP" >"$T/h.ngx"
sizes() { curl -sk -o /dev/null -w '%{size_header}+%{size_download}' "$1"; }
size_a=$(sizes "$A"); size_b=$(sizes "$Bu")
node "$CHECK" status "$T/body.$NP" "$VKEY" "https://localhost:$HP/status/0" >/dev/null ||
    { echo "bench: nginx does not serve a valid status/0"; cat "$N/logs/error.log"; exit 1; }
[ "$(wc -c <"$T/body.$NP")" = "$(wc -c <"$T/body.$HP")" ] ||
    { echo "bench: the published status/0 is not the served one's size"; exit 1; }
diff -i "$T/h.skkd" "$T/h.ngx" >/dev/null ||
    { echo "bench: skkd's and nginx's headers differ:"; diff "$T/h.skkd" "$T/h.ngx"; exit 1; }
ra=""; rb=""; rr=""
for k in $(seq "$PAIRS"); do
	wrk_run "$T/st.a$k" "$A"
	wrk_run "$T/st.b$k" "$Bu"
	a=$(cut -d' ' -f1 "$T/st.a$k"); b=$(cut -d' ' -f1 "$T/st.b$k")
	echo "  pair $k: skkd $a/s ($(cut -d' ' -f4 "$T/st.a$k") non-2xx), nginx $b/s ($(cut -d' ' -f4 "$T/st.b$k") non-2xx), ratio $(ratio "$a" "$b")"
	ra="$ra $a"; rb="$rb $b"; rr="$rr $(ratio "$a" "$b")"
done
st_a=$(echo $ra | median); st_b=$(echo $rb | median)
st_r="$(echo $rr | median) ($(echo $rr | spread))"
kill "$npid"; wait "$npid" 2>/dev/null
inst_stop sb

cpu=$(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1)
mkdir -p build
{
	echo "# skkd status list benchmarks"
	echo
	echo "Machine: $(nproc) CPUs, $cpu; $(date -u +%Y-%m-%d)"
	echo
	echo "| benchmark | figure | baseline | ratio (median, min-max) | target |"
	echo "|---|---|---|---|---|"
	echo "| status list, 1,000,000 certs, 1% revoked | $(get token_bytes) bytes, $bits bits/cert | - | - | <= 2 bits/cert |"
	echo "| rebuild: copy + expiry + zlib -9 + sign | $build | zlib -9 alone $zlib | $ratio | <= 2 |"
	echo "| number map, 1,000,000 numbers | $(get numbers_bytes) bytes ($nbits bits/cert), $(get numbers_ms) ms | - | - | own thread |"
	echo "| revocation to served /status/0, $ROWS certs | $lat (list $size bytes) | - | - | <= 2 s |"
	echo "| GET /status/0, keep-alive, $PAIRS pairs of ${SECS}s, header+body skkd $size_a, nginx $size_b bytes | $st_a req/s | nginx, skkd publish's file: $st_b req/s | $st_r | - |"
} >build/bench-status.md
cat build/bench-status.md
