# skkd — SPDX-License-Identifier: ISC
#
# Out of file descriptors: skkd under `ulimit -n 48` flooded with
# connections on both ports pauses accepting instead of spinning, and
# serves again once the flood is gone.

. "$(dirname "$0")/lib.sh"

inst_init a || { echo "not ok 1 - skkd init"; exit 1; }
printf '#!/bin/sh\nulimit -n 48\nexec "%s" "$@"\n' "$SKKD" >"$T/skkd-48"
chmod +x "$T/skkd-48"
SKKD="$T/skkd-48" inst_start a || { echo "not ok 1 - skkd starts"; exit 1; }
pass "skkd starts with 48 descriptors"

hp=$(cat "$T/a.hport"); cp=$(cat "$T/a.port")
(
	for i in $(seq 1 40); do exec {fd}<>"/dev/tcp/127.0.0.1/$hp"; done 2>/dev/null
	for i in $(seq 1 40); do exec {fd}<>"/dev/tcp/127.0.0.1/$cp"; done 2>/dev/null
	sleep 4
) &
flood=$!
sleep 1.5
a=$(awk '{print $14 + $15}' "/proc/$pid_a/stat")
sleep 2
b=$(awk '{print $14 + $15}' "/proc/$pid_a/stat")
# 2 s of a spinning loop would be ~200 ticks; a paused one is ~0.
[ $((b - a)) -lt 40 ] && pass "CPU stays low while out of descriptors ($((b - a)) ticks in 2 s)" ||
    fail "CPU stays low while out of descriptors ($((b - a)) ticks in 2 s)"
grep -q "Too many open files" "$T/a.log" && pass "the log says why" || fail "the log says why"
wait "$flood"
sleep 1.5
run_expect 0 "HTTPS answers again after the flood" curl -s --cacert "$T/a/tls/ca.crt" \
    "https://localhost:$hp/healthz"
run_expect 0 "the companion port answers again after the flood" sk a stats
kill -0 "$pid_a" && pass "skkd is still running" || fail "skkd is still running"

echo "1..$tapn"
