#!/bin/bash
# skkd — SPDX-License-Identifier: ISC
#
# make bench-nginx: skkd's HTTPS verification API against nginx serving
# the same JSON answer as a static file, with the same ECDSA P-256
# certificate and key, TLS 1.3, one core each (skkd workers = 1, nginx
# worker_processes 1), wrk on the other core; all on 127.0.0.1 and all
# figures from this one run. New connections are measured twice: with
# the resumed TLS 1.3 sessions wrk offers by itself, and with full
# handshakes (fullhs.c). Latency at a fixed rate (fixrate.c, open
# loop) at 50% and 90% of nginx's full-handshake rate, and the same
# phones on skkd during a cohort's issuance and a crew check (mixed
# load). The companion protocol: pipelined, and one request at a time
# (protolat.c), against raw LMDB gets (lmdbget.c).
# Prints a table and writes build/bench.md. Not part of make test.
# Usage: B=build tests/bench/nginx.sh
#   BENCH_SECONDS (10) per wrk or fixrate run, BENCH_ROWS (100000)
#   certificates (and rows of each mixed-load job), BENCH_BIG (1000000)
#   certificates for the scale step, 0 to skip it, BENCH_HUGE (0, off)
#   certificates for the huge step (tests/bench/scale.sh), BENCH_IDLE
#   (10000) idle TLS connections for the memory step, BENCH_FR_PAIRS (3)
#   pairs per fixed rate, BENCH_MIX_ROUNDS (3) rounds of the mixed load.

B=${B:-build}
SECS=${BENCH_SECONDS:-10}
ROWS=${BENCH_ROWS:-100000}
BIG=${BENCH_BIG:-1000000}
HUGE=${BENCH_HUGE:-0}
IDLE=${BENCH_IDLE:-10000}
top=$(pwd)
export SKKD=skkd SKK=skk
case $B in /*) ;; *) B="$top/$B" ;; esac
. "$top/tests/regress/lib.sh"	# needs SKKD and SKK set: fixed just below
. "$top/tests/bench/logrows.sh"	# the log's rows of the scale step
. "$top/tests/bench/wrk.sh"	# now, rate, ratio, median, wrk_run
. "$top/tests/bench/hsprof.sh"	# hs_profile: where a full handshake's CPU goes
# Copies, so a concurrent sanitized build relinking build/skkd cannot
# swap the binary under the benchmark; and never measure a sanitized one.
mkdir "$T/bin" && cp -L "$B/skkd" "$B/skk" "$T/bin/" || exit 1
if ldd "$T/bin/skkd" | grep -q 'libasan\|libubsan'; then
	echo "bench: $B/skkd is a sanitized build; run make bench"; exit 1
fi
SKKD="$T/bin/skkd" SKK="$T/bin/skk"
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"	# containers may cap it

rss() { awk '/^VmRSS/ { s += $2 } END { print s }' "$@"; }	# KiB
anon() { awk '/^RssAnon/ { s += $2 } END { print s }' "$@"; }	# KiB, no mapped store

for t in nginx wrk curl mdb_stat; do
	command -v $t >/dev/null || { echo "bench: $t is missing (make deps)"; exit 1; }
done

# (1) An instance with ROWS certificates, one worker, limits out of the way.
inst_init bench --issuer "LSP Bench" || { echo "skkd init failed"; exit 1; }
hport=$(cat "$T/bench.hport")
conf="$T/bench/skkd.conf"
sed -i -e 's/^workers = .*/workers = 1/' -e 's/^map_size = .*/map_size = 8G/' \
    -e 's/^max_connections = .*/max_connections = 30000/' \
    -e 's/^http_max_connections = .*/http_max_connections = 30000/' \
    -e 's/^idle_timeout = .*/idle_timeout = 3600/' "$conf"
cat >>"$conf" <<CONF
http_max_requests = 1000000
http_rate = 1000000
max_connections_per_address = 30000
http_max_connections_per_address = 30000
hello_timeout = 3600
http_idle_timeout = 3600
http_header_timeout = 3600
CONF
inst_start bench || exit 1
awk -v n="$ROWS" -f tests/bench/gencohort.awk >"$T/cohort.csv"
echo "issuing $ROWS certificates"
t0=$(now)
sk bench issue --csv "$T/cohort.csv" >"$T/issued.tsv" 2>"$T/issue.err" ||
    { cat "$T/issue.err"; exit 1; }
issue_rate=$(rate "$ROWS" "$t0" "$(now)")
# Numbers as stored (spaces) for lmdbget, with dashes for URLs.
cut -f1 "$T/issued.tsv" >"$T/numbers"
tr ' ' - <"$T/numbers" >"$T/urlnumbers"
export PICK_FILE="$T/urlnumbers"
one=$(head -n 1 "$T/urlnumbers")

# nginx with the same certificate, serving skkd's answer for one number.
N="$T/nginx"; mkdir -p "$N/www" "$N/logs"
nport=$(free_port); rport=$(free_port)
curl -sk "https://127.0.0.1:$hport/api/v1/certificates/$one" >"$N/www/cert.json"
grep -q '"verdict":"valid"' "$N/www/cert.json" ||
    { echo "bench: no valid answer for $one:"; cat "$N/www/cert.json"; exit 1; }
cat >"$N/nginx.conf" <<NGX
user root;
worker_processes 1;
pid $N/nginx.pid;
error_log $N/logs/error.log;
events { worker_connections 20000; }
http {
	access_log off;
	log_format reused \$ssl_session_reused;
	default_type application/json;
	keepalive_requests 1000000000;
	keepalive_timeout 75s;
	client_header_timeout 3600s;
	client_body_temp_path $N/tmp; proxy_temp_path $N/tmp;
	fastcgi_temp_path $N/tmp; uwsgi_temp_path $N/tmp; scgi_temp_path $N/tmp;
	server {
		listen 127.0.0.1:$nport ssl;
		ssl_certificate $T/bench/tls/server.crt;
		ssl_certificate_key $T/bench/tls/server.key;
		ssl_protocols TLSv1.3;
		root $N/www;
	}
	server {	# the same, logging whether each session was resumed
		listen 127.0.0.1:$rport ssl;
		ssl_certificate $T/bench/tls/server.crt;
		ssl_certificate_key $T/bench/tls/server.key;
		ssl_protocols TLSv1.3;
		root $N/www;
		access_log $N/logs/reused.log reused;
	}
}
NGX
nginx -p "$N" -c "$N/nginx.conf" -g 'daemon off;' 2>"$N/logs/stderr" &
npid=$!; pids="$pids $npid"
for i in $(seq 50); do curl -sk -o /dev/null "https://127.0.0.1:$nport/cert.json" && break; sleep 0.1; done
spid=$(eval echo \$pid_bench)
nworkers=$(pgrep -P "$npid" | tr '\n' ' ')
A="https://127.0.0.1:$hport"
Bu="https://127.0.0.1:$nport/cert.json"
size_a=$(curl -sk -o /dev/null -w '%{size_header}+%{size_download}' "$A/api/v1/certificates/$one")
size_b=$(curl -sk -o /dev/null -w '%{size_header}+%{size_download}' "$Bu")
[ "$(curl -sk "$Bu")" = "$(cat "$N/www/cert.json")" ] ||
    { echo "bench: nginx does not serve the answer"; cat "$N/logs/error.log"; exit 1; }
cipher_a=$(echo | openssl s_client -connect "127.0.0.1:$hport" 2>/dev/null | awk '/Cipher is/ { print $NF; exit }')
cipher_b=$(echo | openssl s_client -connect "127.0.0.1:$nport" 2>/dev/null | awk '/Cipher is/ { print $NF; exit }')

# TLS session resumption. resumed PORT: yes if a second connection
# resumes the first one's session. TLS 1.3 tickets come after the
# handshake, so the first client stays a second to read them; it has no
# client certificate, which the companion port accepts.
resumed() {
	rm -f "$T/sess"
	sleep 1 | openssl s_client -connect "127.0.0.1:$1" -servername localhost \
	    -sess_out "$T/sess" >/dev/null 2>&1
	if [ -s "$T/sess" ] && echo | openssl s_client -connect "127.0.0.1:$1" \
	    -servername localhost -sess_in "$T/sess" 2>/dev/null | grep -q '^Reused'
	then echo yes; else echo no; fi
}
# wrk_reused: share of wrk's Connection: close requests on a resumed
# session, from nginx's $ssl_session_reused. wrk keeps one SSL object per
# connection slot and SSL_clear keeps its session, so each reconnection
# offers the ticket of the previous one: apart from the first handshake
# of each slot, all are resumed (PSK with ECDHE: no certificate and no
# signature). Hence two runs below: as wrk does it, and with fullhs.so,
# which makes every handshake a full one.
wrk_reused() {
	: >"$N/logs/reused.log"
	env ${WRK_PRELOAD:+LD_PRELOAD=$WRK_PRELOAD} wrk -t1 -c8 -d1s \
	    -H 'Connection: close' "https://127.0.0.1:$rport/cert.json" >/dev/null 2>&1
	awk '{ n++; if ($1 == "r") r++ }
	    END { printf "%.0f%% of %d", n ? 100 * r / n : 0, n }' "$N/logs/reused.log"
}
echo "TLS session resumption"
res_a=$(resumed "$hport"); res_p=$(resumed "$(cat "$T/bench.port")")
res_b=$(resumed "$nport")
WRK_PRELOAD=""; wrk_res=$(wrk_reused)
WRK_PRELOAD="$B/tests/fullhs.so"; wrk_full=$(wrk_reused)
WRK_PRELOAD=""
echo "  HTTPS $res_a, companion $res_p, nginx $res_b; wrk Connection: close resumed $wrk_res, with fullhs.so $wrk_full"

# CPU seconds (user + system) used so far by the processes PIDS: the
# cost per request holds even when other work shares the machine.
cpu() { cat $(for p in "$@"; do echo /proc/$p/stat; done) |
    awk -v hz="$(getconf CLK_TCK)" '{ s += $14 + $15 } END { printf "%.2f", s / hz }'; }
# cpu_us OUT C0 C1: microseconds of server CPU per request of the run OUT.
cpu_us() { awk -v r="$(cut -d' ' -f1 "$1")" -v a="$2" -v b="$3" -v d="$SECS" \
    'BEGIN { if (r > 0) printf "%.1f", (b - a) * 1e6 / (r * d); else print "-" }'; }
# ab NAME [wrk options]: A B three times; sets NAME_a, NAME_b (median
# rates), NAME_r (median ratio), NAME_pa/pb (p50/p99 of the medians),
# NAME_wa/wb (wrk's median CPU share, %).
ab() {
	name=$1; shift
	ra=""; rb=""; rr=""
	ua=""; ub=""
	for k in 1 2 3; do
		c0=$(cpu $spid)
		wrk_run "$T/$name.a$k" -s tests/bench/pick.lua "$@" "$A"
		c1=$(cpu $spid); ua="$ua $(cpu_us "$T/$name.a$k" "$c0" "$c1")"
		c0=$(cpu $npid $nworkers)
		PICK_PATH=/cert.json wrk_run "$T/$name.b$k" \
		    -s tests/bench/pick.lua "$@" "$Bu"
		c1=$(cpu $npid $nworkers); ub="$ub $(cpu_us "$T/$name.b$k" "$c0" "$c1")"
		a=$(cut -d' ' -f1 "$T/$name.a$k"); b=$(cut -d' ' -f1 "$T/$name.b$k")
		echo "  $name pair $k: skkd $a/s ($(cut -d' ' -f4 "$T/$name.a$k") non-2xx), nginx $b/s ($(cut -d' ' -f4 "$T/$name.b$k") non-2xx), ratio $(ratio "$a" "$b"); CPU us/req${ua##* } /${ub##* }"
		ra="$ra $a"; rb="$rb $b"; rr="$rr $(ratio "$a" "$b")"
	done
	eval "${name}_ua=$(echo $ua | median) ${name}_ub=$(echo $ub | median)"
	eval "${name}_wa=$(cut -d' ' -f5 "$T/$name".a? | median) ${name}_wb=$(cut -d' ' -f5 "$T/$name".b? | median)"
	eval "${name}_a=$(echo $ra | median) ${name}_b=$(echo $rb | median)"
	eval "${name}_r=$(echo $rr | median) ${name}_pairs='$(echo $rr)'"
	eval "${name}_pa='$(cut -d' ' -f2,3 "$T/$name.a2" | tr ' ' /)'"
	eval "${name}_pb='$(cut -d' ' -f2,3 "$T/$name.b2" | tr ' ' /)'"
}

# (2) Keep-alive, (3) a new connection per request: resumed sessions
# as wrk offers them, then full handshakes (see wrk_reused).
echo "keep-alive: wrk -t1 -c64 -d${SECS}s, A B x3"
ab ka
echo "new connections (resumed TLS sessions): Connection: close, A B x3"
ab nc -H 'Connection: close'
echo "new connections (full handshakes): Connection: close, fullhs.so, A B x3"
WRK_PRELOAD="$B/tests/fullhs.so"
ab fh -H 'Connection: close'
WRK_PRELOAD=""
# The limit of a full handshake: the server's own public-key operations,
# one ECDSA P-256 signature and two X25519 operations (its key share,
# then the shared secret), from openssl speed on one core, same run.
echo "raw handshake crypto: openssl speed ecdsap256 ecdhx25519"
openssl speed -seconds 2 ecdsap256 ecdhx25519 2>/dev/null >"$T/speed"
ecdsa_rate=$(awk '/ecdsa \(nistp256\)/ { print $(NF - 1) }' "$T/speed")
x25519_rate=$(awk '/ecdh \(X25519\)/ { print $NF }' "$T/speed")
hs_limit=$(awk -v s="$ecdsa_rate" -v x="$x25519_rate" \
    'BEGIN { if (s > 0 && x > 0) printf "%.1f", 1e6 / s + 2e6 / x; else print "-" }')
echo "profiling skkd's full handshakes (perf, DWARF call chains)"
hs_profile "$spid" "$A"
hs_split_a=$hs_split hs_samples_a=$hs_samples
echo "profiling nginx's full handshakes the same way"
PICK_PATH=/cert.json hs_profile "$nworkers" "$Bu"
hs_split_b=$hs_split hs_samples_b=$hs_samples

# (3b) Latency at a fixed rate: tests/bench/fixrate.c, open loop (each
# request due at its time and timed from then), 80% of requests on a new
# connection with a full handshake and Connection: close, the rest over
# a few keep-alive connections; at 50% and 90% of nginx's maximum as
# measured just above (fh_b: wrk, full handshakes, closed loop). A B
# alternated FR_PAIRS times; medians of p50, p99, p99.9 and of the pairs'
# p99 ratios. Each run also gives the server's CPU share of its core and
# fixrate's own CPU share and lag (due to sent), to show who queued.
FR_PAIRS=${BENCH_FR_PAIRS:-3}
fr_rows=""
# Phones are other machines: the generator runs ahead of the servers and
# their background threads for the CPU it has to share (root only; else
# nice says so and runs it as it is). Its lag column shows what is left.
FIXRATE="nice -n -10 $B/tests/fixrate"
# fv FILE KEY: the value after KEY in fixrate's line.
fv() { awk -v k="$2" '{ for (i = 1; i < NF; i++) if ($i == k) { print $(i + 1); exit } }' "$1"; }
# cpu_idle: the machine's idle and total jiffies, all CPUs.
cpu_idle() { awk '/^cpu / { print $5 + $6, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat; }
# fr_run OUT PORT RATE "PIDS" [fixrate options]: one run of SECS seconds
# after a second of warm-up; adds "server_cpu N%" (of one core) and
# "idle N%" (of the whole machine: other load shows here) to OUT.
fr_run() {
	local out=$1 port=$2 r=$3 who=$4 c0 c1 t0 t1 i0
	shift 4
	c0=$(cpu $who); t0=$(now); i0=$(cpu_idle)
	$FIXRATE -r "$r" -d "$SECS" -w 1 -f "$T/urlnumbers" "$@" \
	    127.0.0.1 "$port" >"$out" 2>"$T/fixrate.err" ||
	    { echo "bench: fixrate failed:"; cat "$T/fixrate.err"; exit 1; }
	c1=$(cpu $who); t1=$(now)
	awk -v a="$c0" -v b="$c1" -v s="$t0" -v e="$t1" -v i0="$i0" -v i1="$(cpu_idle)" \
	    'BEGIN { split(i0, x); split(i1, y)
	    printf " server_cpu %.0f%% idle %.0f%%\n", 100 * (b - a) / (e - s),
	    100 * (y[1] - x[1]) / (y[2] - x[2]) }' >>"$out"
	tr '\n' ' ' <"$out" >"$out.1" && mv "$out.1" "$out"
}
# fr_med NAME SIDE KEY: the median of KEY over the runs T/NAME.SIDE1...
fr_med() { for f in "$T/$1.$2"[0-9]*; do fv "$f" "$3"; done | tr '\n' ' ' | median; }
# fr_cell NAME SIDE: "p50/p99/p99.9 ms" and the side's other figures.
fr_cell() {
	local e n
	e=$(for f in "$T/$1.$2"[0-9]*; do fv "$f" errors; done | awk '{ s += $1 } END { print s + 0 }')
	n=$(for f in "$T/$1.$2"[0-9]*; do fv "$f" non2xx; done | awk '{ s += $1 } END { print s + 0 }')
	echo "p50/p99/p99.9 $(fr_med "$1" "$2" p50)/$(fr_med "$1" "$2" p99)/$(fr_med "$1" "$2" p99.9) ms; server CPU $(fr_med "$1" "$2" server_cpu | tr -d %)%, fixrate CPU $(fr_med "$1" "$2" cpu | tr -d %)%, lag p99 $(fr_med "$1" "$2" lag_p99) ms, machine idle $(fr_med "$1" "$2" idle | tr -d %)%$([ "$e$n" != 00 ] && echo "; $e errors, $n non-2xx")"
}
for pct in 50 90; do
	r=$(awk -v b="$fh_b" -v p="$pct" 'BEGIN { printf "%.0f", b * p / 100 }')
	echo "fixed rate $pct% of nginx's $fh_b req/s: $r req/s, 80% new connections, A B x$FR_PAIRS"
	rr=""
	for k in $(seq "$FR_PAIRS"); do
		fr_run "$T/fr$pct.a$k" "$hport" "$r" "$spid"
		fr_run "$T/fr$pct.b$k" "$nport" "$r" "$npid $nworkers" -u /cert.json
		rr="$rr $(ratio "$(fv "$T/fr$pct.a$k" p99)" "$(fv "$T/fr$pct.b$k" p99)")"
		echo "  pair $k: skkd $(cat "$T/fr$pct.a$k")"
		echo "          nginx $(cat "$T/fr$pct.b$k")"
	done
	fr_rows="$fr_rows${fr_rows:+
}| fixed rate $pct% of nginx max ($fh_b req/s, full handshakes, closed loop): $r req/s open loop, 80% new connections (full handshake, Connection: close), 20% keep-alive; $SECS s x $FR_PAIRS pairs | $(fr_cell "fr$pct" a) | nginx $(fr_cell "fr$pct" b) | p99 $(echo $rr | median) ($(echo $rr)) | p99 <= nginx (<= 1.0) |"
done
# How busy each server was at fh_b, from its CPU per request: below
# 100%, the closed-loop maximum was the client's (wrk's own handshakes).
fh_busy_a=$(awk -v r="$fh_a" -v u="$fh_ua" 'BEGIN { printf "%.0f", r * u / 1e4 }')
fh_busy_b=$(awk -v r="$fh_b" -v u="$fh_ub" 'BEGIN { printf "%.0f", r * u / 1e4 }')

# (4) Companion protocol: pipelined batches over one connection against
# raw LMDB gets + record decoding on the same store.
echo "companion protocol: verify --csv over one connection"
{ echo number; cat "$T/numbers"; } >"$T/crew.csv"
t0=$(now)
sk bench verify --csv "$T/crew.csv" --out "$T/verdicts.csv" 2>"$T/verify.err" ||
    { cat "$T/verify.err"; exit 1; }
proto_rate=$(rate "$ROWS" "$t0" "$(now)")
lmdb_rate=$("$B/tests/lmdbget" "$T/bench/db" "$T/numbers" 3 | awk '{ print $2 }')
# One verification per request, each waiting for the previous answer;
# protolat fails unless every answer is VALID for the number asked.
echo "companion protocol: one VERIFY at a time over one connection"
proto_lat=$("$B/tests/protolat" 127.0.0.1 "$(cat "$T/bench.port")" \
    "$T/bench/skk.conf" "$T/numbers" 2000) || { echo "bench: protolat failed"; exit 1; }
lat_rate=$(echo "$proto_lat" | awk '{ print $9 }')

# (5) Memory with IDLE idle TLS connections on each server.
spid=$(eval echo \$pid_bench)
idle_mem() {	# idle_mem PORT PIDS...: prints "open RSS_KiB"
	port=$1; shift
	"$B/tests/idle" 127.0.0.1 "$port" "$IDLE" >"$T/idle.out" &
	ipid=$!
	while ! grep -q open "$T/idle.out"; do
		kill -0 $ipid 2>/dev/null || break; sleep 0.5
	done
	sleep 1
	f=$(for p in "$@"; do echo /proc/$p/status; done)
	echo "$(awk '{ print $2 }' "$T/idle.out") $(rss $f) $(anon $f)"
	kill $ipid; wait $ipid 2>/dev/null
}
echo "memory: $IDLE idle TLS connections"
sk_base=$(rss /proc/$spid/status)
nworkers=$(pgrep -P "$npid" | tr '\n' ' ')
ng_base=$(rss /proc/$npid/status $(for p in $nworkers; do echo /proc/$p/status; done))
sk_anon0=$(anon /proc/$spid/status)
set -- $(idle_mem "$hport" "$spid"); sk_open=$1 sk_rss=$2 sk_anon=$3
sleep 2
ng_anon0=$(anon /proc/$npid/status $(for p in $nworkers; do echo /proc/$p/status; done))
set -- $(idle_mem "$nport" "$npid" $nworkers); ng_open=$1 ng_rss=$2 ng_anon=$3

# (6) Scale: more certificates against a twin of this store
# (tests/bench/scale.sh): keep-alive, disk, start-up, the log's rows;
# with BENCH_HUGE also full handshakes, skkd check and skkd backup.
. "$top/tests/bench/scale.sh"
disk_small=$(( $(bytes) / ROWS )); used_small=$(( $(used) / ROWS ))
tables_small=$(tables "$ROWS")
big_line=""
[ "$BIG" -gt "$ROWS" ] && scale_big
[ "$HUGE" -gt "$ROWS" ] && scale_huge
# Into the log too, should a later step fail.
[ -n "$big_line" ] && echo "$big_line"

# (7) Mixed load: phones (fixrate, the 80/20 mix of (3b)) at 50% of
# fh_b on skkd alone, then while (a) a cohort of ROWS new rows is issued
# and (b) a crew checks ROWS numbers over the companion port, repeated
# back to back for MIXSECS; each job also alone. MIX_ROUNDS rounds of
# phones alone, (a) alone, (a) with phones, (b) alone, (b) with phones;
# medians. Last, so the new cohorts change no row above; their seeds
# start at 100, or past the scale step's (BENCH_HUGE grows the store
# with seeds beyond 100), so that no holder is issued twice. The store
# then holds mix_n certificates.
MIX_ROUNDS=${BENCH_MIX_ROUNDS:-3}
mix_n=$(wc -l <"$T/numbers")
MIXSECS=$(( SECS / 2 > 1 ? SECS / 2 : 1 ))
mix_rate=$(awk -v b="$fh_b" 'BEGIN { printf "%.0f", b / 2 }')
# phones_start OUT [SECS]: phones on skkd until phones_stop (or SECS);
# returns once the warm-up second is over.
phones_start() {
	rm -f "$T/phones.err"
	$FIXRATE -r "$mix_rate" -d "${2:-0}" -w 1 -f "$T/urlnumbers" \
	    127.0.0.1 "$hport" >"$1" 2>"$T/phones.err" &
	phpid=$!
	while ! grep -q measuring "$T/phones.err" 2>/dev/null; do
		kill -0 $phpid 2>/dev/null || break; sleep 0.05
	done
}
phones_stop() {
	kill -INT $phpid 2>/dev/null; wait $phpid ||
	    { echo "bench: fixrate failed:"; cat "$T/phones.err"; exit 1; }
}
# skjob ARGS: the background job's client, at nice 10. On these two
# cores it shares the CPUs with the daemon, where a real LSP's or
# contractor's skk runs on their own machine: it must not stand in for
# the server's scheduling, just as fixrate runs at nice -10 above. The
# job alone runs the same way, so its ratio compares like with like.
skjob() { nice -n 10 "$SKK" -c "$T/bench/skk.conf" "$@"; }
# job_issue SEED: issues a new cohort of ROWS rows; prints cert/s.
job_issue() {
	local t0
	awk -v n="$ROWS" -v seed="$1" -f tests/bench/gencohort.awk >"$T/mix.csv"
	t0=$(now)
	skjob issue --csv "$T/mix.csv" >>"$T/issued.tsv" 2>"$T/issue.err" ||
	    { cat "$T/issue.err" >&2; exit 1; }
	rate "$ROWS" "$t0" "$(now)"
}
# job_crew: the crew check of crew.csv, again until MIXSECS have passed;
# prints verif/s over all of them.
job_crew() {
	local t0 n=0
	t0=$(now)
	while :; do
		skjob verify --csv "$T/crew.csv" --out "$T/verdicts.csv" \
		    2>"$T/verify.err" || { cat "$T/verify.err" >&2; exit 1; }
		n=$((n + 1))
		awk -v a="$t0" -v b="$(now)" -v m="$MIXSECS" 'BEGIN { exit !(b - a >= m) }' && break
	done
	rate "$((n * ROWS))" "$t0" "$(now)"
}
echo "mixed load: phones at $mix_rate req/s (80% new connections) on skkd; issue --csv of $ROWS rows, crew check of $ROWS numbers; x$MIX_ROUNDS"
mx_solo=""; mx_ia=""; mx_ib=""; mx_ip=""; mx_ipr=""; mx_ir=""
mx_ca=""; mx_cb=""; mx_cp=""; mx_cpr=""; mx_cr=""
seed=$((scale_seed > 100 ? scale_seed : 100))
for k in $(seq "$MIX_ROUNDS"); do
	phones_start "$T/mix.solo$k" "$MIXSECS"; wait $phpid
	solo=$(fv "$T/mix.solo$k" p99)
	ia=$(job_issue $seed) || exit 1
	phones_start "$T/mix.issue$k"
	ib=$(job_issue $((seed + 1))) || exit 1
	phones_stop
	seed=$((seed + 2))
	ca=$(job_crew) || exit 1
	phones_start "$T/mix.crew$k"
	cb=$(job_crew) || exit 1
	phones_stop
	echo "  round $k: phones alone $(cat "$T/mix.solo$k")"
	echo "    issue alone $ia cert/s, with phones $ib cert/s; phones $(cat "$T/mix.issue$k")"
	echo "    crew alone $ca verif/s, with phones $cb verif/s; phones $(cat "$T/mix.crew$k")"
	mx_solo="$mx_solo $solo"; mx_ia="$mx_ia $ia"; mx_ib="$mx_ib $ib"
	mx_ca="$mx_ca $ca"; mx_cb="$mx_cb $cb"
	mx_ip="$mx_ip $(fv "$T/mix.issue$k" p99)"; mx_cp="$mx_cp $(fv "$T/mix.crew$k" p99)"
	mx_ipr="$mx_ipr $(ratio "$(fv "$T/mix.issue$k" p99)" "$solo")"
	mx_cpr="$mx_cpr $(ratio "$(fv "$T/mix.crew$k" p99)" "$solo")"
	mx_ir="$mx_ir $(ratio "$ib" "$ia")"; mx_cr="$mx_cr $(ratio "$cb" "$ca")"
done
mx_errs=$(cat "$T"/mix.solo* "$T"/mix.issue* "$T"/mix.crew* | awk '{ for (i = 1; i < NF; i++) if ($i == "errors" || $i == "non2xx") s += $(i + 1) } END { print s + 0 }')

cpu=$(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1)
mkdir -p build
{
	echo "# skkd against nginx (static file), same run"
	echo
	echo "Machine: $(nproc) CPUs, $cpu; $(date -u +%Y-%m-%d); wrk -t1 -c64 -d${SECS}s;"
	echo "TLS 1.3 ($cipher_a / $cipher_b), same ECDSA P-256 certificate; answer bytes (header+body): skkd $size_a, nginx $size_b."
	echo
	echo "| benchmark | skkd | baseline | ratio (median) | target |"
	echo "|---|---|---|---|---|"
	echo "| issue --csv, $ROWS certificates | $issue_rate cert/s | - | - | - |"
	echo "| keep-alive verification | $ka_a req/s, p50/p99 $ka_pa ms | nginx $ka_b req/s, p50/p99 $ka_pb ms | $ka_r ($ka_pairs) | >= 1.0 |"
	echo "| keep-alive, server CPU per request | $ka_ua us | nginx $ka_ub us | $(ratio "$ka_ub" "$ka_ua") (nginx/skkd) | - |"
	echo "| TLS session resumption (openssl s_client) | HTTPS $res_a, companion $res_p | nginx $res_b | - | yes |"
	echo "| new connection per request, resumed TLS session ($wrk_res resumed) | $nc_a req/s, p50/p99 $nc_pa ms | nginx $nc_b req/s, p50/p99 $nc_pb ms | $nc_r ($nc_pairs) | - |"
	echo "| new connection, resumed, server CPU per request | $nc_ua us | nginx $nc_ub us | $(ratio "$nc_ua" "$nc_ub") (skkd/nginx) | - |"
	echo "| new connection per request, full handshake ($wrk_full resumed) | $fh_a req/s, p50/p99 $fh_pa ms | nginx $fh_b req/s, p50/p99 $fh_pb ms | $fh_r ($fh_pairs) | >= 1.1 |"
	echo "| new connection, full, server CPU per request | $fh_ua us | nginx $fh_ub us | $(ratio "$fh_ua" "$fh_ub") (skkd/nginx) | <= 0.9 |"
	echo "| full handshake, where skkd's CPU goes (perf, $hs_samples_a samples) | $hs_split_a | - | - | - |"
	echo "| full handshake, where nginx's CPU goes (perf, $hs_samples_b samples; the same classes) | $hs_split_b | - | - | - |"
	echo "| full handshake, raw crypto limit (ECDSA P-256 sign + 2 X25519, openssl speed) | $hs_limit us | skkd $fh_ua us, nginx $fh_ub us | $(ratio "$hs_limit" "$fh_ua") of skkd's CPU, $(ratio "$hs_limit" "$fh_ub") of nginx's | - |"
	echo "| new connection, full: share of one core busy at that closed-loop rate, server (rate x CPU per request) and wrk | skkd ${fh_busy_a}%, wrk ${fh_wa}% | nginx ${fh_busy_b}%, wrk ${fh_wb}% | - | - |"
	echo "$fr_rows"
	echo "| protocol, pipelined (verify --csv) | $proto_rate verif/s | LMDB get+decode $lmdb_rate/s | $(ratio "$proto_rate" "$lmdb_rate") | >= 0.5 |"
	echo "| protocol, one at a time | $proto_lat | LMDB get+decode $lmdb_rate/s | $(ratio "$lat_rate" "$lmdb_rate") | - |"
	echo "| RSS, $IDLE idle TLS connections | $((sk_rss / 1024)) MiB ($sk_open open; $((sk_base / 1024)) MiB before) | nginx $((ng_rss / 1024)) MiB ($ng_open open; $((ng_base / 1024)) MiB before) | $(ratio "$sk_rss" "$ng_rss") | <= 1.5 |"
	echo "| anonymous RSS (no mapped store), $IDLE idle | $((sk_anon / 1024)) MiB ($((sk_anon0 / 1024)) MiB before) | nginx $((ng_anon / 1024)) MiB ($((ng_anon0 / 1024)) MiB before) | $(ratio "$sk_anon" "$ng_anon") | - |"
	echo "| disk per certificate, $ROWS | $disk_small B file, $used_small B in the tables' pages (B: $tables_small) | - | - | <= 2048 |"
	[ -n "$big_line" ] && echo "$big_line"
	echo "| mixed load (a): phones at 50% of nginx max, $mix_rate req/s open loop (80% new connections, full handshake; 20% keep-alive), during issue --csv of $ROWS new rows (skk at nice 10; $mix_n certs stored; $MIX_ROUNDS rounds) | phones p99 $(echo $mx_ip | median) ms; issue $(echo $mx_ib | median) cert/s | alone: phones p99 $(echo $mx_solo | median) ms; issue $(echo $mx_ia | median) cert/s | p99 $(echo $mx_ipr | median) ($(echo $mx_ipr)); issue $(echo $mx_ir | median) ($(echo $mx_ir)) | p99 <= 2.0; issue >= 0.7 |"
	echo "| mixed load (b): the same phones during a crew check of $ROWS numbers over the companion port (verify --csv at nice 10, again for ${MIXSECS} s) | phones p99 $(echo $mx_cp | median) ms; crew $(echo $mx_cb | median) verif/s | alone: phones p99 $(echo $mx_solo | median) ms; crew $(echo $mx_ca | median) verif/s | p99 $(echo $mx_cpr | median) ($(echo $mx_cpr)); crew $(echo $mx_cr | median) ($(echo $mx_cr)) | p99 <= 2.0; crew >= 0.7 |"
	[ "$mx_errs" -gt 0 ] && echo "| mixed load: phones' errors and non-2xx answers | $mx_errs | - | - | 0 |"
} >build/bench.md
echo
cat build/bench.md
inst_stop bench
