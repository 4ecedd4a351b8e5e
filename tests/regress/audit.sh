#!/bin/bash
# skkd — SPDX-License-Identifier: ISC
#
# skk audit against logs written by mklog (PROTOCOL.md §4.4 files),
# served by a throwaway nginx over plain HTTP and read from a directory:
# the first run pins the log key, a run after growth passes and the
# report counts what mklog was given; every rewrite of history (an entry
# dropped, a status rewritten, a fork at a larger and at the same size)
# exits 1 with both signed checkpoints saved; another key's checkpoint,
# files edited without re-signing, a rollback, broken rules and an
# unreachable server each get their own exit status; gocheck (Go, x/mod)
# agrees on size and root.

. "$(dirname "$0")/lib.sh"
helper MKLOG mklog
helper GOCHECK gocheck

command -v nginx >/dev/null || { echo "not ok 1 - nginx missing (make deps)"; exit 1; }
export HOME="$T/home"	# the default state file lives under it
mkdir -p "$HOME"

T0=1767225600		# 2026-01-01 00:00 UTC, 07:00 in UTC+7
K1=$(printf '1%.0s' $(seq 64)); K2=$(printf '2%.0s' $(seq 64))
ZB=-			# no batch
num() { printf '42101-8342-3-%08d-2026' "$1"; }

# The history: two keys, three batches, status changes, a night burst,
# a retired key's issue revoked within minutes. Counts below follow it.
{
	echo "key-add $((T0 - 3600)) - - 0 0 0 ${K1:0:16} - $K1"
	for i in $(seq 1 50); do
		echo "issue $((T0 + i * 60)) $(num "$i") ME063096 3 1 0 ${K1:0:16} $(printf 'a%.0s' $(seq 32)) $(printf '%064d' "$i")"
	done
	for i in $(seq 51 80); do
		echo "issue $((T0 + 86400 + i * 60)) $(num "$i") SI011003 5 0 0 ${K1:0:16} $(printf 'b%.0s' $(seq 32)) $(printf '%064d' "$i")"
	done
	echo "lpjk $((T0 + 86400 + 9000)) $(num 51) SI011003 5 1 0 ${K1:0:16} $ZB $(printf '%064d' 51)"
	echo "suspend $((T0 + 172800)) $(num 2) ME063096 3 2 1 ${K1:0:16} $ZB $(printf '%064d' 2)"
	echo "reinstate $((T0 + 172900)) $(num 2) ME063096 3 1 0 ${K1:0:16} $ZB $(printf '%064d' 2)"
	echo "revoke $((T0 + 173000)) $(num 3) ME063096 3 3 3 ${K1:0:16} $ZB $(printf '%064d' 3)"
	echo "supersede $((T0 + 173100)) $(num 4) ME063096 3 4 0 ${K1:0:16} $ZB $(printf '%064d' 4)"
	echo "issue $((T0 + 173100)) $(num 81) ME063096 4 1 0 ${K1:0:16} $ZB $(printf '%064d' 81)"
	echo "key-add $((T0 + 173200)) - - 0 0 0 ${K2:0:16} - $K2"
	echo "key-retire $((T0 + 173300)) - - 0 0 0 ${K1:0:16} - $K1"
	# 23:00-00:00 in UTC+7 on 2026-01-03: 120 issues at night.
	for i in $(seq 101 220); do
		echo "issue $((T0 + 172800 + 57600 + (i - 100) * 29)) $(num "$i") ME063096 3 1 0 ${K2:0:16} $(printf 'c%.0s' $(seq 32)) $(printf '%064d' "$i")"
	done
	echo "issue $((T0 + 259200)) $(num 300) TS024005 7 1 0 ${K1:0:16} $ZB $(printf '%064d' 300)"
	echo "revoke $((T0 + 259320)) $(num 300) TS024005 7 3 2 ${K1:0:16} $ZB $(printf '%064d' 300)"
} >"$T/log.txt"
A=100
B=$(grep -c . "$T/log.txt")		# 211
ISSUED=$(grep -c '^issue' "$T/log.txt")	# 202

"$MKLOG" --genkey skk.example/log >"$T/key" || exit 1
SK=$(sed -n 1p "$T/key"); VK=$(sed -n 2p "$T/key")
"$MKLOG" --genkey skk.example/log >"$T/other" || exit 1
OTHER=$(sed -n 1p "$T/other")

W="$T/www"
mklog() { rm -rf "$W"; "$MKLOG" "$@" "$SK" "$T/log.txt" "$W" >/dev/null; }

mklog -n $A
nginx_static "$W"
URL=$NGINX_URL

au() { (cd "$T" && env -u SKK_CONFIG "$SKK" audit "$@"); }
auc() { _c=$1; shift; (cd "$T" && "$SKK" -c "$_c" audit "$@"); }
mkdir "$T/st"; ST="$T/st/state"

# --- first use -------------------------------------------------------------

run_expect 3 "first run without a log key is refused" au "$URL" --state "$ST"
out_has "--log-key" "the refusal says how to give the key"
[ ! -e "$ST" ] && pass "nothing pinned without a key" || fail "state written"

run_expect 0 "first run over HTTP with --log-key passes" \
    au "$URL" --state "$ST" --log-key "$VK"
out_has "pinned now" "the report says the key was pinned now"
out_has "tree size: $A" "the report gives the size"
grep -qxF "log_key $VK" "$ST" && pass "the state file pins the key" ||
    fail "no key in the state file"
cp "$ST" "$T/pinned.A"; cp "$W/checkpoint" "$T/cp.A"

# --- growth ----------------------------------------------------------------

mklog
run_expect 0 "after growth the second run passes" au "$URL" --state "$ST"
cp "$T/out" "$T/report"
out_has "pinned in the state file" "the report says the key came from the state"
out_has "previous size: $A" "the report names the size seen before"
out_has "entries checked: $B" "every entry is checked"
out_has "certificates issued: $ISSUED" "issued count matches the log"
out_has "new entries: $((B - A))" "new entries counted"
grep -q "^  aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa  *50$" "$T/report" &&
    grep -q "^  bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb  *30$" "$T/report" &&
    grep -q "^  cccccccccccccccccccccccccccccccc  *120$" "$T/report" &&
    grep -q "^  none  *2$" "$T/report" && pass "per batch counts" ||
    fail "per batch counts"
grep -q "^  2026-01-01  *50$" "$T/report" && grep -q "^  2026-01-02  *30$" "$T/report" &&
    grep -q "^  2026-01-03  *121$" "$T/report" && grep -q "^  2026-01-04  *1$" "$T/report" && pass "per day counts (UTC+7)" ||
    fail "per day counts"
grep -q "^  ME063096 3  *170$" "$T/report" && grep -q "^  SI011003 5  *30$" "$T/report" &&
    grep -q "^  ME063096 4  *1$" "$T/report" && grep -q "^  TS024005 7  *1$" "$T/report" &&
    pass "per job code and level counts" || fail "per job code and level"
grep -q "^  ${K1:0:16}  *82$" "$T/report" && grep -q "^  ${K2:0:16}  *120$" "$T/report" &&
    pass "per signing key counts" || fail "per signing key"
grep -q "night-burst: 120 issued in the night of 2026-01-03" "$T/report" &&
    pass "night burst flagged" || fail "night burst"
grep -q "quick-revoke: revoke 42101 8342 3 00000300 2026: 120 s" "$T/report" &&
    pass "issued and revoked within minutes flagged" || fail "quick revoke"
grep -q "entry $((B - 2)): retired-key: .*signed with key ${K1:0:16}, retired before" "$T/report" &&
    pass "issue signed by a retired key flagged" || fail "retired key"
out_has "violations: none" "an honest log breaks no rule"
root=$(sed -n 's/^root: //p' "$T/report")

"$GOCHECK" "$VK" "$URL" >"$T/go" 2>&1
[ "$(cat "$T/go")" = "$(printf 'size %s\nroot %s' "$B" "$root")" ] &&
    pass "gocheck (x/mod) agrees on size and root over HTTP" ||
    { fail "gocheck disagrees"; sed 's/^/#   /' "$T/go"; }
"$GOCHECK" "$VK" "$W" >"$T/go" 2>&1
[ "$(cat "$T/go")" = "$(printf 'size %s\nroot %s' "$B" "$root")" ] &&
    pass "gocheck agrees on the directory" || fail "gocheck disagrees (dir)"

run_expect 0 "--json from a directory" au --json "$W" --state "$T/state.dir" --log-key "$VK"
if jq -e --arg r "$root" --argjson b "$B" --argjson n "$ISSUED" \
    '.size == $b and .root == $r and .certificates_issued == $n and
     .entries_checked == $b and (.anomalies | length) == 3 and
     (.violations | length) == 0 and .issued_per_batch.none == 2 and
     .result == "consistent"' "$T/out" >/dev/null; then
	pass "--json parses and agrees with the text report"
else
	fail "--json"
fi
run_expect 0 "file:// URL with the default state file" au "file://$W" --log-key "$VK"
[ -f "$HOME/.local/state/skk/audit/skk.example_log" ] &&
    pass "default state file named after the origin" || fail "default state file"

# skk.conf's log_key (PROTOCOL.md §4.3) is the key, when set.
printf 'server = 127.0.0.1:1\nca = /dev/null\nlog_key = %s\n' "$VK" >"$T/skk.conf"
run_expect 0 "skk.conf's log_key checks the log" \
    auc "$T/skk.conf" "$URL" --state "$T/state.conf"
out_has "log key from: skk.conf" "the report says the key came from skk.conf"
printf 'server = 127.0.0.1:1\nca = /dev/null\nlog_key = skk.example/log+00000000+AAAA\n' >"$T/bad.conf"
run_expect 78 "a malformed log_key in skk.conf is a config error" \
    auc "$T/bad.conf" "$URL" --state "$T/state.conf"
out_has "bad.conf:3: log_key" "the message names the file, line and key"

# --- tampering -------------------------------------------------------------

# tamper DESC MKLOG-OPTIONS...: the log rewritten and re-signed with the
# same key; the auditor pinned at size A must prove it (exit 1), save both
# signed checkpoints, and leave its state alone.
tamper() {
	desc=$1; shift
	mklog "$@"
	cp "$T/pinned.A" "$ST"
	rm -f "$ST".*
	run_expect 1 "$desc: inconsistency proven" au "$URL" --state "$ST"
	out_has "INCONSISTENT" "$desc: said"
	seen=$(ls "$ST".*.seen-$A 2>/dev/null); now=$(ls "$ST".*.now-* 2>/dev/null)
	if [ -n "$seen" ] && [ -n "$now" ] && cmp -s "$seen" "$T/cp.A" &&
	    cmp -s "$now" "$W/checkpoint" && grep -qF "$seen" "$T/out"; then
		pass "$desc: both signed checkpoints saved and named"
	else
		fail "$desc: evidence"
	fi
	cmp -s "$ST" "$T/pinned.A" && pass "$desc: state unchanged" ||
	    fail "$desc: state changed"
}
tamper "entry dropped" --drop 3
tamper "status rewritten" --status 5=0
tamper "fork at a larger size" --fork 20
tamper "fork at the same size" -n $A --fork 7

mklog
cp "$T/pinned.A" "$ST"
rm -rf "$W"; "$MKLOG" "$OTHER" "$T/log.txt" "$W" >/dev/null
run_expect 3 "a checkpoint signed by another key is refused" au "$URL" --state "$ST"
out_has "not signed by the log key" "the refusal names the log key"
cmp -s "$ST" "$T/pinned.A" && pass "refused: state unchanged" || fail "state changed"
run_expect 3 "another --log-key than the pinned one is refused" \
    au "$URL" --state "$ST" --log-key "$(sed -n 2p "$T/other")"

mklog --edit 30=0
run_expect 4 "an entry edited in its bundle, not re-signed, is caught" \
    au "$URL" --state "$ST"
out_has "tile/0/000.p/$B: hash 30" "the message names the tile and hash"

cp "$T/pinned.A" "$ST"
mklog
au "$URL" --state "$ST" >/dev/null 2>&1
mklog -n $A
run_expect 4 "a log that went back is refused" au "$URL" --state "$ST"
out_has "went back from size $B to $A" "the rollback is named"

# --- rules -----------------------------------------------------------------

cat >"$T/bad.txt" <<EOF
key-add $T0 - - 0 0 0 ${K1:0:16} - $K1
issue $((T0 + 10)) $(num 1) ME063096 3 1 0 ${K1:0:16} - $(printf '%064d' 1)
issue $((T0 + 20)) $(num 1) ME063096 3 1 0 ${K1:0:16} - $(printf '%064d' 2)
revoke $((T0 + 30)) $(num 1) ME063096 3 3 1 ${K1:0:16} - $(printf '%064d' 1)
reinstate $((T0 + 40)) $(num 1) ME063096 3 1 0 ${K1:0:16} - $(printf '%064d' 1)
issue $((T0 + 50)) $(num 2) ME063096 3 1 0 ${K2:0:16} - $(printf '%064d' 3)
suspend $((T0 + 60)) $(num 9) ME063096 3 2 1 ${K1:0:16} - $(printf '%064d' 9)
EOF
rm -rf "$W"; "$MKLOG" "$SK" "$T/bad.txt" "$W" >/dev/null
run_expect 2 "a consistent log breaking the rules exits 2" \
    au --json "$URL" --state "$T/state.bad" --log-key "$VK"
if jq -e '[.violations[].kind] == ["number-reused", "after-revoke",
    "unknown-key", "no-issue"] and .result == "rules broken"' "$T/out" >/dev/null; then
	pass "violations: reuse, after revoke, unknown key, no issue"
else
	fail "violations listed"
fi

# --- failures --------------------------------------------------------------

run_expect 5 "an unreachable server exits 5" \
    au "http://127.0.0.1:$(free_port)/" --state "$ST"
out_has "127.0.0.1" "the message names the URL"
run_expect 4 "a directory without a log exits 4" au "$T/nothing" --state "$ST"
out_has "nothing/checkpoint" "the message names the file"
run_expect 64 "audit without a URL is a usage error" au

echo "1..$tapn"
