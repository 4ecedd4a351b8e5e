# skkd — SPDX-License-Identifier: ISC
#
# The transparency log's rows of make bench (issue 13), sourced by
# tests/bench/run and, for the 1,000,000-entry step, tests/bench/nginx.sh.
# Each log_* function measures instance "bench" of tests/regress/lib.sh
# and appends one markdown row (| benchmark | log | baseline | ratio |
# target |) to $T/logrows.md. Needs SKKD, SKK, B, T and now().

LOG_PROOFS=${BENCH_LOG_PROOFS:-20000}	# inclusion proofs a round

log_row() { echo "| $1 | $2 | $3 | $4 | $5 |" >>"$T/logrows.md"; }
# The commit groups so far (each signs one checkpoint) and the tree size.
log_commits() {
	curl -s "http://127.0.0.1:$(cat "$T/bench.mport")/metrics" |
	    awk '$1 == "skkd_commit_batch_size_count" { print $2 }'
}
log_size() { curl -sk "https://127.0.0.1:$(cat "$T/bench.hport")/checkpoint" | sed -n 2p; }
# median / min / max of ratios: "0.41 (0.39-0.44)"
log_spread() {
	tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 }
	    END { printf "%s (%s-%s)", v[int((NR + 1) / 2)], v[1], v[NR] }'
}

# log_amortised WHAT C0 S0: checkpoints signed against entries appended
# since the counts C0 (commit groups) and S0 (tree size) were taken.
log_amortised() {
	local c e
	c=$(( $(log_commits) - $2 )); e=$(( $(log_size) - $3 ))
	log_row "checkpoint signing amortised, $1" "$c checkpoints signed, $e entries appended" \
	    "-" "$(awk -v e="$e" -v c="$c" 'BEGIN { if (c > 0) printf "%.1f", e / c; else print "-" }') entries per checkpoint" \
	    "one per commit group"
}

# log_clients NUMBERS JOBS EACH: JOBS clients at once, each suspending
# EACH certificates of the file NUMBERS one at a time (skk suspend): how
# the writer's groups amortise checkpoints when writes come one by one.
log_clients() {
	local c0 s0 j cpids=""
	c0=$(log_commits); s0=$(log_size)
	for j in $(seq "$2"); do
		sed -n "$(( (j - 1) * $3 + 1 )),$(( j * $3 ))p" "$1" |
		    while read -r num; do
			sk bench suspend "$num" --reason bench >/dev/null 2>&1 ||
			    echo "suspend $num failed"
		    done >"$T/clients.$j" &
		cpids="$cpids $!"
	done
	wait $cpids
	cat "$T"/clients.*
	log_amortised "$2 clients x $3 suspend at once" "$c0" "$s0"
}

# log_profile WHAT PID CMD...: runs CMD while perf samples every thread
# of skkd (PID) with DWARF call chains (-O2 omits frame pointers); the
# log's share is the samples with a tlog_* or merkle_* frame, so what
# they call (SHA-256, the checkpoint's Ed25519 signature, their LMDB
# puts) counts too. CMD's status is returned.
log_profile() {
	local what=$1 pid=$2 perfpid="" para n a c m u rc
	shift 2
	para=$(cat /proc/sys/kernel/perf_event_paranoid 2>/dev/null)
	rm -f "$T/perf.data"
	if command -v perf >/dev/null; then
		perf record --call-graph dwarf,16384 -F 499 -p "$pid" \
		    -o "$T/perf.data" >"$T/perf.err" 2>&1 &
		perfpid=$!
		sleep 0.5
	fi
	if [ -z "$perfpid" ] || ! kill -0 "$perfpid" 2>/dev/null; then
		log_row "log's share of skkd's CPU, $what" \
		    "skipped: perf not permitted (perf_event_paranoid=$para; $(tail -n 1 "$T/perf.err" 2>/dev/null))" \
		    "-" "-" "<= 10%"
		perfpid=""
		"$@"; return
	fi
	"$@"; rc=$?
	kill -INT "$perfpid"; wait "$perfpid"; perfpid=""
	set -- $(perf script -i "$T/perf.data" -F tid,ip,sym --no-inline 2>/dev/null |
	    awk 'BEGIN { RS = "" }
	    { n++; if ($NF ~ /clone3|_start/) u++ }
	    /tlog_checkpoint/ { c++; next }
	    /[ \t](tlog_|merkle_)/ { a++; if (/mdb_/) m++ }
	    END { printf "%d %d %d %d %d\n", n, a, c, m, u }')
	n=$1 a=$2 c=$3 m=$4 u=$5
	pct() { awk -v a="$1" -v n="$n" 'BEGIN { printf "%.1f%%", n ? 100 * a / n : 0 }'; }
	log_row "log's share of skkd's CPU, $what (perf, all threads)" \
	    "$(pct $((a + c))): entries $(pct "$a") (LMDB puts $(pct "$m")), checkpoints $(pct "$c")" \
	    "$n samples at 499 Hz, $(pct "$u") unwound to the thread's start" \
	    "-" "<= 10%"
	return $rc
}

# log_proofs DB: inclusion proofs against raw SHA-256 of what checks them.
log_proofs() {
	local out
	out=$("$B/tests/logproof" proofs "$1" "$LOG_PROOFS" 3) ||
	    { log_row "inclusion proofs" "logproof failed" - - -; return 1; }
	set -- $out
	# proofs N size S hashes H proof_us P sha_us B ratio R min A max Z
	log_row "inclusion proof generation, tree of $4 ($2 proofs in 3 rounds)" \
	    "$8 us CPU per proof ($6 hashes)" \
	    "raw SHA-256 of the bytes that check it: ${10} us" \
	    "${12} (${14}-${16})" ">= 0.3"
}

# log_audit CONF DB VKEY: skkd publish, then skk audit of the directory
# and the whole tree in raw SHA-256 (logproof tree), alternating, CPU of
# each; and the log's bytes per entry in the store and published.
log_audit() {
	local conf=$1 db=$2 vkey=$3 pub="$T/pub" t0 pubs n files bytes
	local b0 b1 au="" rr="" k a
	rm -rf "$pub"
	t0=$(now)
	"$SKKD" publish -c "$conf" "$pub" >"$T/publish.out" 2>&1 ||
	    { log_row "skkd publish" "failed: $(tail -n 1 "$T/publish.out")" - - -; return 1; }
	pubs=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')
	n=$(sed -n 2p "$pub/checkpoint")
	files=$(find "$pub" -type f | wc -l)
	bytes=$(find "$pub" -type f -printf '%s\n' | awk '{ s += $1 } END { print s }')
	base() { "$B/tests/logproof" tree "$db" | awk '{ print $NF }'; }
	b0=$(base)
	for k in 1 2 3; do
		rm -f "$T/audit.state"
		local TIMEFORMAT='%U %S'
		{ time "$SKK" audit "$pub" --state "$T/audit.state" \
		    --log-key "$vkey" >"$T/audit.out" 2>&1; } 2>"$T/audit.time"
		grep -q "^entries checked: $n\$" "$T/audit.out" ||
		    { log_row "skk audit" "failed: $(tail -n 1 "$T/audit.out")" - - -; return 1; }
		a=$(awk '{ print $1 + $2 }' "$T/audit.time")
		b1=$(base)
		au="$au $a"
		rr="$rr $(awk -v a="$a" -v b="$b0" -v c="$b1" 'BEGIN { printf "%.3f", (b + c) / 2 / a }')"
		b0=$b1
	done
	log_row "skk audit DIR (from tiles), $n entries, CPU user+sys" \
	    "$(echo $au | tr ' ' '\n' | sort -g | sed -n 2p) s (runs:$au)" \
	    "raw SHA-256 of the tree ($n leaves, $((n - 1)) nodes): $b1 s" \
	    "$(echo $rr | log_spread)" ">= 0.3"
	log_row "skkd publish DIR, $n entries" "$pubs s, $files files" "-" "-" "-"
	log_disk "$db" "$n" "$bytes"
}

# log_disk DB N BYTES: pages of the log's tables per entry; published bytes.
log_disk() {
	local per
	per=$(for t in log_entries log_hashes log_meta; do mdb_stat -s "$t" "$1"; done |
	    awk -v n="$2" -v ps="$(mdb_stat -e "$1" | awk '/Page size/ { print $3 }')" '
	    /Branch pages|Leaf pages|Overflow pages/ { p += $3 }
	    END { printf "%.0f", p * ps / n }')
	log_row "log disk per entry, $2 entries (103 B entry + 2 hashes of 32 B)" \
	    "LMDB pages of the log's tables: $per B" \
	    "published directory: $(($3 / $2)) B" "-" "-"
}
