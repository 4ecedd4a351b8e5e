# skkd — SPDX-License-Identifier: ISC
#
# Crash durability. CLIENTS clients issue certificates without pause and
# record every number acknowledged to them (exit 0 with a number) while
# skkd is killed with SIGKILL at random moments KILLS times and
# restarted. Each kill is also a simulated power cut: powercut.so keeps
# a copy of the data file as of its last sync, and that copy replaces
# the file before the restart (a SIGKILL alone loses nothing that
# reached the page cache). Afterwards every acknowledged number must be
# present and VALID, no number acknowledged twice, skkd must have
# started every time and "skkd check" must pass. The transparency log
# too: after every restart the published log (skkd publish, checked by
# logcheck: signature, entries, root, tiles) verifies and its tree size
# never goes backwards, and at the end every acknowledged issue's
# log_index holds that certificate's issue entry.
#
# The control run does the same with SKKD_TEST_NOSYNC=1 (MDB_NOSYNC) and
# must report lost or reused numbers: proof that the checks can fail.
#
# Usage: SKKD=build/skkd SKK=build/skk [KILLS=100] [CLIENTS=4]
#        [CONTROL_KILLS=3] bash tests/stress/crash.sh

. "$(dirname "$0")/../regress/lib.sh"

KILLS=${KILLS:-100}
CLIENTS=${CLIENTS:-4}
CONTROL_KILLS=${CONTROL_KILLS:-3}
# The shim comes before a sanitizer runtime in the link order.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"

helper POWERCUT powercut.so
helper LOGCHECK logcheck

# client NAME C: issues until $T/NAME.stop exists; numbers to NAME.ack.C
client() {
	name=$1; c=$2; i=0
	while [ ! -e "$T/$name.stop" ]; do
		i=$((i + 1))
		nik=$(printf '1505%02d%02d%02d%02d%04d' "$c" $((1 + i % 28)) \
		    $((1 + i / 28 % 12)) $((70 + i / 336 % 30)) $((1 + i % 9999)))
		if out=$("$SKK" -c "$T/$name/skk.conf" --json issue \
		    --name "Budi Santoso" --nik "$nik" --job ME063096 --level 3 \
		    --lpjk "LPJK-$c-$i" 2>/dev/null); then
			n=$(printf '%s\n' "$out" |
			    sed -n 's/.*"number": *"\([^"]*\)".*/\1/p' | head -n 1)
			li=$(printf '%s\n' "$out" |
			    sed -n 's/.*"log_index": *\([0-9]*\).*/\1/p' | head -n 1)
			[ -n "$n" ] && echo "$n" >>"$T/$name.ack.$c"
			[ -n "$n" ] && echo "$li $(echo "$n" | tr ' ' _)" \
			    >>"$T/$name.idx.$c"
		else
			sleep 0.05
		fi
	done
}

# powercut NAME: SIGKILL, then the data file as the disk last held it.
powercut() {
	p=$(eval echo \$pid_$1)
	kill -9 "$p" 2>/dev/null
	wait "$p" 2>/dev/null
	d="$T/$1/db"
	[ -f "$d/data.mdb.disk" ] && cp "$d/data.mdb.disk" "$d/data.mdb"
}

# logstate NAME: publishes NAME's log and checks it; counts a failed
# check in logbad and a tree smaller than the last one seen in logback.
logstate() {
	rm -rf "$T/$1.pub"
	if "$SKKD" publish -c "$T/$1/skkd.conf" "$T/$1.pub" >/dev/null 2>&1 &&
	    "$LOGCHECK" "$(sed -n 's/^log_key = //p' "$T/$1/skk.conf")" \
	    "$T/$1.pub" >"$T/$1.entries" 2>"$T/$1.logerr"; then
		s=$(sed -n 's/^size //p' "$T/$1.entries")
		[ "$s" -lt "$logsize" ] && logback=$((logback + 1))
		logsize=$s
	else
		logbad=$((logbad + 1))
	fi
}

# campaign NAME KILLS [env...]: runs clients and kills; sets starts, acks,
# dups, lost, checked, logbad, logback, unlogged.
campaign() {
	name=$1; kills=$2; shift 2
	inst_init "$name" --issuer "LSP Uji Alat Berat" || return 1
	inst_start_env "$name" "$@" || return 1
	for c in $(seq 1 "$CLIENTS"); do client "$name" "$c" & done
	starts=0; logbad=0; logback=0; logsize=0
	for k in $(seq 1 "$kills"); do
		sleep "0.$((RANDOM % 6 + 1))$((RANDOM % 10))"
		powercut "$name"
		inst_start_env "$name" "$@" >/dev/null || break
		starts=$((starts + 1))
		logstate "$name"
	done
	: >"$T/$name.stop"
	wait_clients
	powercut "$name"
	checked=0
	"$SKKD" check -c "$T/$name/skkd.conf" >"$T/$name.check" 2>&1 && checked=1
	inst_start_env "$name" "$@" >/dev/null || checked=0
	logstate "$name"
	# Every acknowledged "INDEX NUMBER" is that number's issue entry.
	cat "$T/$name".idx.* 2>/dev/null | awk -v e="$T/$name.entries" '
	    BEGIN { while ((getline l < e) > 0) { split(l, f, " ")
		if (f[2] == "issue") issue[f[1]] = f[3] } }
	    $1 == "" || issue[$1] != $2 { bad++ } END { print bad + 0 }' \
	    >"$T/$name.unlogged"
	unlogged=$(cat "$T/$name.unlogged")
	cat "$T/$name".ack.* 2>/dev/null >"$T/$name.all"
	acks=$(wc -l <"$T/$name.all")
	dups=$(sort "$T/$name.all" | uniq -d | wc -l)
	sort -u "$T/$name.all" | "$SKK" -c "$T/$name/skk.conf" verify - \
	    >"$T/$name.verify" 2>&1
	valid=$(grep -c '^VALID' "$T/$name.verify")
	lost=$(($(sort -u "$T/$name.all" | wc -l) - valid))
	inst_stop "$name" >/dev/null 2>&1
	return 0
}

# inst_start_env NAME [VAR=VALUE...]: inst_start under the shim.
inst_start_env() {
	n=$1; shift
	export LD_PRELOAD="$POWERCUT"
	for a in "$@"; do export "$a"; done
	inst_start "$n"; r=$?
	unset LD_PRELOAD
	for a in "$@"; do unset "${a%%=*}"; done
	return $r
}

wait_clients() {
	for j in $(jobs -p); do
		case " $pids " in *" $j "*) ;; *) wait "$j" 2>/dev/null;; esac
	done
}

t0=$(date +%s)
campaign dur "$KILLS" || { echo "not ok 1 - durable campaign set up"; exit 1; }
secs=$(($(date +%s) - t0))
echo "# durable: $KILLS kills in ${secs}s, $acks acknowledged, $dups reused, $lost lost"
[ "$starts" -eq "$KILLS" ] && pass "skkd restarted after each of $KILLS kills" ||
    fail "skkd restarted after each of $KILLS kills (only $starts)"
[ "$checked" -eq 1 ] && pass "skkd check passes after the last kill" ||
    { fail "skkd check passes after the last kill"; sed 's/^/#   /' "$T/dur.check"; }
[ "$acks" -gt 0 ] && pass "clients were acknowledged ($acks numbers)" ||
    fail "clients were acknowledged"
[ "$dups" -eq 0 ] && pass "no number acknowledged twice" ||
    fail "no number acknowledged twice ($dups reused)"
[ "$lost" -eq 0 ] && [ "$acks" -gt 0 ] &&
    pass "every acknowledged number is present and VALID ($acks/$acks)" ||
    { fail "every acknowledged number is present and VALID ($lost lost)";
      grep -v '^VALID' "$T/dur.verify" | head -n 5 | sed 's/^/#   /'; }
[ "$logbad" -eq 0 ] && pass "the log's checkpoint, entries and tiles verify after every restart" ||
    { fail "the log verifies after every restart ($logbad failed)"; sed 's/^/#   /' "$T/dur.logerr"; }
[ "$logback" -eq 0 ] && pass "the log's tree size never went backwards (last $logsize)" ||
    fail "the log's tree size never went backwards ($logback times)"
[ "$unlogged" -eq 0 ] && pass "every acknowledged issue's log_index holds its entry ($acks)" ||
    fail "every acknowledged issue's log_index holds its entry ($unlogged not)"

campaign ctl "$CONTROL_KILLS" SKKD_TEST_NOSYNC=1 ||
    { fail "control campaign set up"; exit 1; }
echo "# control (MDB_NOSYNC): $CONTROL_KILLS kills, $acks acknowledged, $dups reused, $lost lost, $unlogged log indexes wrong"
[ $((lost + dups)) -gt 0 ] &&
    pass "control without sync: the harness detects loss ($lost lost, $dups reused of $acks)" ||
    fail "control without sync: the harness detects loss (none seen in $acks)"
