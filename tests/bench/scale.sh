# skkd — SPDX-License-Identifier: ISC
#
# Sourced by tests/bench/nginx.sh for its scale step (issue 17): the
# instance "bench" grown from ROWS to BIG certificates, and with
# BENCH_HUGE to HUGE, each size against a twin of the ROWS-certificate
# store served by a second daemon at the same time, so that every ratio
# comes from alternated runs of this one bench. Needs what nginx.sh has
# set by then: T, B, ROWS, SECS, A, conf, ka_a, cpu, cpu_us, wrk_run.
# Appends the table's rows to big_line.

bytes() { stat -c %s "$T/bench/db/data.mdb"; }
# used: the bytes of the pages the tables hold, without the free ones
# (those the last large commits left; later commits reuse them).
used() {
	mdb_stat -ef "$T/bench/db" | awk '/Page size/ { ps = $3 }
	    /Number of pages used/ { u = $5 } /Free pages/ { f = $3 }
	    END { print (u - f) * ps }'
}
# tables N: bytes per certificate of each table with more than 1 B,
# largest first: "certs 413, qr 217, ...".
tables() {
	mdb_stat -ea "$T/bench/db" | awk -v n="$1" '
	    /^Status of / { t = $3 } /Page size/ { ps = $3 }
	    /Branch pages|Leaf pages|Overflow pages/ { p[t] += $3 }
	    END { for (t in p) if (p[t] * ps / n >= 1.5)
	        printf "%.0f %s\n", p[t] * ps / n, t }' |
	    sort -rn | awk '{ printf "%s%s %s", (NR > 1 ? ", " : ""), $2, $1 }'
}
# ms T0: milliseconds since T0 (from now).
ms() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.0f", (b - a) * 1000 }'; }
# per BYTES N: bytes per certificate, "1218 B".
per() { awk -v b="$1" -v n="$2" 'BEGIN { printf "%.0f B", b / n }'; }

scale_seed=1	# of gencohort.awk: seed 0 made the first ROWS

# scale_twin: a copy of the ROWS-certificate instance as "small" on
# ports of its own (the same keys and TLS certificate), and the
# numbers it holds, taken before the store grows; and room in the map
# of "bench" for the largest size asked (about 1.3 KB a certificate,
# twice over). Restarts "bench".
scale_twin() {
	local top=$((HUGE > BIG ? HUGE : BIG))
	inst_stop bench
	sed -i "s/^map_size = .*/map_size = $(( (top * 2600 >> 30) + 8 ))G/" "$conf"
	cp -r "$T/bench" "$T/small"
	rm -f "$T/small/db/lock.mdb"
	sport=$(free_port); shport=$(free_port); smport=$(free_port)
	sed -i -e "s/^listen = .*/listen = 127.0.0.1:$sport/" \
	    -e "s/^http_listen = .*/http_listen = 127.0.0.1:$shport/" \
	    -e "s/^metrics_listen = .*/metrics_listen = 127.0.0.1:$smport/" \
	    "$T/small/skkd.conf"
	S="https://127.0.0.1:$shport"
	cp "$T/urlnumbers" "$T/urlnumbers.small"
	inst_start bench || exit 1
}

# scale_start NAME URL: starts instance NAME; scale_ms is the
# milliseconds from its launch to the first /healthz answer, polled
# without pause.
scale_start() {
	local t0
	[ -f "$T/$1.log" ] && cat "$T/$1.log" >>"$T/$1.log.old"
	: >"$T/$1.log"
	t0=$(now)
	"$SKKD" -c "$T/$1/skkd.conf" >>"$T/$1.log" 2>&1 &
	eval "pid_$1=$!"
	pids="$pids $!"
	while ! curl -sk -o /dev/null "$2/healthz"; do
		kill -0 "$(eval echo \$pid_$1)" 2>/dev/null ||
		    { echo "bench: skkd $1 did not start:"; cat "$T/$1.log"; exit 1; }
	done
	scale_ms=$(ms "$t0")
}

# scale_ready NAME URL: waits until the status lists are made and the
# log is checked against its checkpoint (both on threads of their own
# after the first answer), so that no run measures a daemon busy with
# them; prints the milliseconds waited and those of the log's check.
scale_ready() {
	local t0 i=0
	t0=$(now)
	while [ "$(curl -sk -o /dev/null -w '%{http_code}' "$2/status/0")" != 200 ]; do
		sleep 0.05
	done
	while ! grep -q "log: checked against its checkpoint" "$T/$1.log" &&
	    [ $i -lt 24000 ]; do
		sleep 0.05; i=$((i + 1))
	done
	echo "$(ms "$t0") $(sed -n 's/.*log: checked against its checkpoint in \([0-9]*\) ms.*/\1/p' "$T/$1.log" | tail -n 1)"
}

# scale_grow TO SEED: issues certificates to the instance "bench" until
# it has TO, in cohorts of 100,000 with gencohort seeds from SEED; sets
# grow_rate (cert/s) and grow_seed (the next seed), adds the numbers.
scale_grow() {
	local more c t0 s=$2
	more=$(($1 - $(wc -l <"$T/issued.tsv")))
	grow_n=0 grow_rate=- grow_seed=$s
	[ "$more" -gt 0 ] || return 0
	echo "issuing $more more certificates in cohorts of 100000"
	t0=$(now)
	grow_n=$more
	while [ "$more" -gt 0 ]; do
		c=$((more < 100000 ? more : 100000))
		awk -v n="$c" -v seed="$s" -f tests/bench/gencohort.awk >"$T/more.csv"
		sk bench issue --csv "$T/more.csv" >>"$T/issued.tsv" 2>"$T/issue.err" ||
		    { cat "$T/issue.err"; exit 1; }
		more=$((more - c)); s=$((s + 1))
	done
	grow_rate=$(rate "$grow_n" "$t0" "$(now)")
	grow_seed=$s
	cut -f1 "$T/issued.tsv" >"$T/numbers"
	tr ' ' - <"$T/numbers" >"$T/urlnumbers"
}

# scale_issue: the cohort in more.csv, its numbers kept with the rest.
scale_issue() { sk bench issue --csv "$T/more.csv" >>"$T/issued.tsv" 2>"$T/issue.err"; }

# scale_pad: the twin's numbers repeated to as many lines as the grown
# store's, so that wrk picks from a list of the same size for both (a
# 27 MB list costs wrk more than a 2.7 MB one: the client's work must
# not differ between the two daemons, only the store behind them).
scale_pad() {
	local n k
	n=$(wc -l <"$T/urlnumbers")
	k=$(( (n + ROWS - 1) / ROWS ))
	for _i in $(seq "$k"); do cat "$T/urlnumbers.small"; done |
	    head -n "$n" >"$T/urlnumbers.twin"
}

# scale_pairs NAME [wrk options]: the twin (ROWS certificates), then
# the grown store, three times. Sets NAME_s and NAME_g (median rates),
# NAME_pairs (each pair's ratio grown/twin), NAME_min (the lowest),
# NAME_r (the median) and NAME_us ("grown / twin" server CPU us/req).
scale_pairs() {
	local name=$1 k a b c0 c1 rs="" rg="" rr="" us="" ug=""
	shift
	for k in 1 2 3; do
		c0=$(cpu "$pid_small")
		PICK_FILE="$T/urlnumbers.twin" wrk_run "$T/$name.s$k" \
		    -s tests/bench/pick.lua "$@" "$S"
		c1=$(cpu "$pid_small"); us="$us $(cpu_us "$T/$name.s$k" "$c0" "$c1")"
		c0=$(cpu "$pid_bench")
		wrk_run "$T/$name.g$k" -s tests/bench/pick.lua "$@" "$A"
		c1=$(cpu "$pid_bench"); ug="$ug $(cpu_us "$T/$name.g$k" "$c0" "$c1")"
		a=$(cut -d' ' -f1 "$T/$name.s$k"); b=$(cut -d' ' -f1 "$T/$name.g$k")
		echo "  $name pair $k: $ROWS $a/s ($(cut -d' ' -f4 "$T/$name.s$k") non-2xx), $scale_n $b/s ($(cut -d' ' -f4 "$T/$name.g$k") non-2xx), ratio $(ratio "$b" "$a"); CPU us/req${ug##* } /${us##* }"
		rs="$rs $a"; rg="$rg $b"; rr="$rr $(ratio "$b" "$a")"
	done
	eval "${name}_s=$(echo $rs | median) ${name}_g=$(echo $rg | median)"
	eval "${name}_r=$(echo $rr | median) ${name}_pairs='$(echo $rr)'"
	eval "${name}_min=$(echo $rr | tr ' ' '\n' | sort -g | head -n 1)"
	eval "${name}_us='$(echo $ug | median) / $(echo $us | median)'"
	eval "${name}_p='$(cut -d' ' -f2,3 "$T/$name.g2" | tr ' ' /)'"
}

# scale_measure: restarts "bench" (start-up to the first answer), starts
# the twin, waits for both daemons' status lists and log checks; sets
# scale_n, startup, startup_small, lists_ms, check_ms.
scale_measure() {
	inst_stop bench
	scale_n=$(wc -l <"$T/numbers")
	scale_start bench "$A"; startup=$scale_ms
	set -- $(scale_ready bench "$A"); lists_ms=$1 check_ms=${2:--}
	scale_start small "$S"; startup_small=$scale_ms
	scale_ready small "$S" >/dev/null
	scale_pad
}

# The step at BIG certificates: keep-alive against the twin, disk,
# start-up, then the log's rows at that size.
scale_big() {
	local c0 s0
	scale_twin
	: >"$T/logrows.md"
	c0=$(log_commits); s0=$(log_size)
	scale_grow "$BIG" "$scale_seed"
	scale_seed=$grow_seed
	log_amortised "issue --csv, $grow_n more" "$c0" "$s0"
	scale_measure
	echo "keep-alive with $scale_n certificates against $ROWS (3 pairs)"
	scale_pairs big
	inst_stop small
	big_line="| keep-alive, $scale_n certificates (3 pairs, twin of $ROWS first) | $big_g req/s, p50/p99 $big_p ms; CPU/req $big_us us | skkd at $ROWS, same run: $big_s req/s | $big_r (pairs $big_pairs; lowest $big_min) | >= 0.90 each |
| disk per certificate, $scale_n | $(per "$(bytes)" "$scale_n") file, $(per "$(used)" "$scale_n") in the tables' pages (B: $(tables "$scale_n")) | - | - | <= 2048 |
| issue --csv, $grow_n more | $grow_rate cert/s | - | - | - |
| start-up to first /healthz answer, $scale_n | $startup ms; status lists and log check done $lists_ms ms later (check $check_ms ms) | $ROWS: $startup_small ms | - | < 1000 ms |"
	# The log at this size: a small cohort profiled, proofs, the auditor.
	echo "the log with $scale_n certificates: profile, proofs, publish, audit"
	awk -v n=20000 -v seed="$scale_seed" -f tests/bench/gencohort.awk >"$T/more.csv"
	scale_seed=$((scale_seed + 1))
	log_profile "issue --csv, 20000 rows on $scale_n" "$pid_bench" \
	    scale_issue || { cat "$T/issue.err"; exit 1; }
	log_proofs "$T/bench/db"
	log_audit "$conf" "$T/bench/db" "$(sed -n 's/^log_key = //p' "$T/bench/skk.conf")"
	big_line="$big_line
$(cat "$T/logrows.md")"
}

# The step at HUGE certificates (BENCH_HUGE, not run by default): the
# same against the twin, keep-alive and full handshakes, then skkd check
# and skkd backup on the grown store while the daemon serves.
scale_huge() {
	local t0 tc tb
	t0=$(now)
	[ -d "$T/small" ] || scale_twin
	scale_grow "$HUGE" "$scale_seed"
	scale_seed=$grow_seed
	scale_measure
	echo "keep-alive with $scale_n certificates against $ROWS (3 pairs)"
	scale_pairs hka
	echo "full handshakes with $scale_n certificates against $ROWS (3 pairs)"
	WRK_PRELOAD="$B/tests/fullhs.so" scale_pairs hfh -H 'Connection: close'
	inst_stop small
	echo "skkd check with $scale_n certificates"
	tc=$(now)
	"$SKKD" check -c "$conf" >"$T/check.out" 2>"$T/check.err" ||
	    { echo "bench: skkd check failed"; tail -n 5 "$T/check.err"; exit 1; }
	tc=$(ms "$tc")
	echo "skkd backup with $scale_n certificates"
	tb=$(now)
	"$SKKD" backup -c "$conf" "$T/backup" >/dev/null 2>"$T/backup.err" ||
	    { echo "bench: skkd backup failed"; cat "$T/backup.err"; exit 1; }
	tb=$(ms "$tb")
	bsize=$(stat -c %s "$T/backup/data.mdb")
	rm -rf "$T/backup"
	big_line="${big_line:+$big_line
}| BENCH_HUGE keep-alive, $scale_n certificates (3 pairs, twin of $ROWS first) | $hka_g req/s, p50/p99 $hka_p ms; CPU/req $hka_us us | skkd at $ROWS, same run: $hka_s req/s | $hka_r (pairs $hka_pairs; lowest $hka_min) | >= 0.80 |
| BENCH_HUGE full handshake, $scale_n (3 pairs) | $hfh_g req/s, p50/p99 $hfh_p ms; CPU/req $hfh_us us | skkd at $ROWS, same run: $hfh_s req/s | $hfh_r (pairs $hfh_pairs) | >= 0.80 |
| BENCH_HUGE disk per certificate, $scale_n | $(per "$(bytes)" "$scale_n") file, $(per "$(used)" "$scale_n") in the tables' pages (B: $(tables "$scale_n")) | - | - | <= 1.5 KB (the file) |
| BENCH_HUGE issue --csv, $grow_n more | $grow_rate cert/s | - | - | - |
| BENCH_HUGE start-up to first /healthz answer, $scale_n | $startup ms; status lists and log check done $lists_ms ms later (check $check_ms ms) | $ROWS: $startup_small ms | - | < 1000 ms |
| BENCH_HUGE skkd check, $scale_n | $(awk -v t="$tc" 'BEGIN { printf "%.1f", t / 1000 }') s ($(awk '/^problems/ { print $2 }' "$T/check.out") problems) | - | - | - |
| BENCH_HUGE skkd backup, $scale_n | $(awk -v t="$tb" 'BEGIN { printf "%.1f", t / 1000 }') s, $(per "$bsize" "$scale_n") a certificate | - | - | - |
| BENCH_HUGE step, total | $(awk -v t="$(ms "$t0")" 'BEGIN { printf "%.0f", t / 1000 }') s | - | - | - |"
}
