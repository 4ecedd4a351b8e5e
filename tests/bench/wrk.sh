# skkd — SPDX-License-Identifier: ISC
#
# Sourced by tests/bench/run, nginx.sh and status.sh: rates, ratios, medians
# and one wrk run, so both report their figures the same way.
# SECS: seconds per wrk run; WRK_PRELOAD: a shim for wrk (fullhs.so).

now() { date +%s.%N; }
rate() { awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%.0f", n / (b - a) }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
median() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
# spread: "min-max" of the numbers on stdin.
spread() { tr ' ' '\n' | grep . | sort -g | awk 'NR == 1 { a = $1 } { b = $1 } END { print a "-" b }'; }

# kids_cpu: CPU seconds of the shell's finished children (wrk's own).
kids_cpu() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($16 + $17) / hz }' /proc/$$/stat; }
# wrk_run OUT ARGS...: requests/s, p50 and p99 (ms), non-2xx and wrk's
# CPU share of one core (%) into OUT.
wrk_run() {
	out=$1; shift
	k0=$(kids_cpu)
	env ${WRK_PRELOAD:+LD_PRELOAD=$WRK_PRELOAD} wrk -t1 -c64 -d"${SECS}s" --latency "$@" >"$out.raw" 2>&1
	awk -v k0="$k0" -v k1="$(kids_cpu)" -v d="$SECS" '
	function ms(v) {
		if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0
		if (v ~ /s$/) return v * 1000; return v }
	/Requests\/sec/ { r = $2 } / 50%/ { p50 = ms($2) } / 99%/ { p99 = ms($2) }
	/Non-2xx/ { bad = $NF } /Socket errors/ { err = $0 }
	END { printf "%.0f %.2f %.2f %d %.0f\n", r, p50, p99, bad, 100 * (k1 - k0) / d }' "$out.raw" >"$out"
}
