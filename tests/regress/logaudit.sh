#!/bin/bash
# skkd — SPDX-License-Identifier: ISC
#
# The transparency log end to end, from a real daemon to an outside
# auditor: skkd issues a 40-row cohort, records an LPJK number, suspends,
# reinstates, revokes, renews and rotates its signing key; skkd publish
# (while skkd runs and after it stopped) writes the log, nginx serves it
# with skkd stopped, and "skk audit" reports exactly those writes, as
# text and --json; gocheck (Go, x/mod) agrees on size and root; skk audit
# over HTTPS against the daemon itself agrees too.
#
# Then the issuer rewrites its stored history (tests/regress/logedit.c
# edits the LMDB tables and re-signs with the log key): an entry dropped,
# a revoke turned into a reinstate, a fork; after each, from nginx and
# from the restarted daemon, the auditor holding the honest run's state
# proves it (exit 1, both signed checkpoints saved, each verifying under
# the log key with gocheck), state unchanged; skkd itself cannot tell a
# history re-signed with its own key and serves it. A checkpoint signed
# by another key is refused (exit 3), an entry edited without rehashing
# is caught against the tiles (exit 4), and skkd refuses to start on
# either (its start-up check, tlog_check).

. "$(dirname "$0")/lib.sh"
helper LOGEDIT logedit
helper GOCHECK gocheck

command -v nginx >/dev/null || { echo "not ok 1 - nginx missing (make deps)"; exit 1; }
export HOME="$T/home"
mkdir -p "$HOME"
GEN="$(dirname "$0")/../bench/gencohort.awk"

inst_init a --issuer "LSP Audit Uji" || { echo "not ok 1 - skkd init"; exit 1; }
inst_start a || { echo "not ok 1 - skkd starts"; exit 1; }
HP=$(cat "$T/a.hport")
VKEY=$(sed -n 's/^log_key = //p' "$T/a/skk.conf")
DB="$T/a/db"
LOGKEY="$T/a/keys/log.key"
HTTPS="https://localhost:$HP/"
export SSL_CERT_FILE="$T/a/tls/ca.crt"	# gocheck (Go) over HTTPS

# --- the writes ------------------------------------------------------------

awk -v n=40 -v lpjk=0 -f "$GEN" >"$T/cohort.csv"
run_expect 0 "issue a 40-row cohort" sk a issue --csv "$T/cohort.csv" --out "$T/o1"
C1=$(awk -F, 'NR == 2 { print $(NF - 2) }' "$T/o1/issued.csv")
C2=$(awk -F, 'NR == 3 { print $(NF - 2) }' "$T/o1/issued.csv")
C3=$(awk -F, 'NR == 4 { print $(NF - 2) }' "$T/o1/issued.csv")
run_expect 0 "record an LPJK number" sk a record-lpjk "$C1" "LPJK-2026-90"
run_expect 0 "suspend" sk a suspend "$C1" --reason "holder request"
run_expect 0 "reinstate" sk a reinstate "$C1" --reason "resolved"
run_expect 0 "revoke" sk a revoke "$C2" --reason "fraud: documents forged"
run_expect 0 "renew" sk a --json renew "$C3"
NEW=$(json_field number)
run_expect 0 "rotate the signing key" "$SKKD" rotate-key -c "$T/a/skkd.conf"
kill -HUP "$(eval echo \$pid_a)"
sleep 1
run_expect 0 "record an LPJK number after the rotation" \
    sk a --json record-lpjk "$NEW" "LPJK-2026-91"
# key-add, key-rotate; 40 issues; lpjk, suspend, reinstate, revoke;
# issue and supersede; key-retire, key-add, key-rotate; lpjk.
SIZE=52
ISSUED=41

run_expect 0 "skkd publish while skkd runs" "$SKKD" publish -c "$T/a/skkd.conf" "$T/live"
out_has "published $SIZE entries" "publish names every write ($SIZE)"

# au ARGS...: skk audit without a skk.conf (an outsider); auc: with a's.
au() { (cd "$T" && env -u SKK_CONFIG "$SKK" audit "$@"); }
auc() { sk a audit "$@"; }
mkdir "$T/st"
run_expect 0 "skk audit over HTTPS against the running skkd" \
    auc "$HTTPS" --state "$T/st/https"
cp "$T/out" "$T/report.https"
out_has "tree size: $SIZE" "HTTPS: tree size $SIZE"
out_has "log key from: skk.conf" "HTTPS: the key is skk.conf's log_key"
root_https=$(sed -n 's/^root: //p' "$T/report.https")
"$GOCHECK" "$VKEY" "$HTTPS" >"$T/go" 2>&1
[ "$(cat "$T/go")" = "$(printf 'size %s\nroot %s' "$SIZE" "$root_https")" ] &&
    pass "gocheck (x/mod) agrees with skk audit over HTTPS" ||
    { fail "gocheck over HTTPS"; sed 's/^/#   /' "$T/go"; }

inst_stop a
W="$T/www"
run_expect 0 "skkd publish with skkd stopped" "$SKKD" publish -c "$T/a/skkd.conf" "$W"
# The issuer descriptor and status lists are signed anew by each run.
diff -r -x api -x status -x numbers "$T/live" "$W" >/dev/null && pass "both publishes wrote the same files" ||
    fail "the publishes differ"

# --- nginx with skkd stopped ----------------------------------------------

nginx_static "$W"
URL=$NGINX_URL

ST="$T/st/state"
run_expect 0 "skk audit of nginx's copy, skkd stopped" \
    au "$URL" --state "$ST" --log-key "$VKEY"
cp "$T/out" "$T/report"
out_has "tree size: $SIZE" "tree size $SIZE"
out_has "entries checked: $SIZE" "every write checked, key events too ($SIZE)"
out_has "certificates issued: $ISSUED" "certificates issued: 40 + 1 renewal"
out_has "violations: none" "an honest log breaks no rule"
root=$(sed -n 's/^root: //p' "$T/report")
[ -n "$root" ] && [ "$root" = "$root_https" ] &&
    pass "nginx's copy and the daemon give one root" || fail "roots differ ($root, $root_https)"

# The report's tables against what was done.
ev() { grep -q "^  $1  *$2$" "$T/report"; }
ev issue 41 && ev lpjk 2 && ev suspend 1 && ev reinstate 1 && ev revoke 1 &&
    ev supersede 1 && ev key-add 2 && ev key-rotate 2 && ev key-retire 1 &&
    pass "entries by event: one per write" || fail "entries by event"
b40=$(grep -c '^  [0-9a-f]\{32\}  *40$' "$T/report")
b1=$(grep -c '^  [0-9a-f]\{32\}  *1$' "$T/report")
[ "$b40" = 1 ] && [ "$b1" = 1 ] && ! grep -q '^  none ' "$T/report" &&
    pass "per batch: the cohort's 40 share one, the renewal has its own" ||
    fail "per batch ($b40 of 40, $b1 of 1)"
job3=$(awk -F, 'NR == 4 { print $3 }' "$T/cohort.csv")
awk -F, -v j="$job3" 'NR > 1 { n[$3 " " $4]++ } END { n[j " 3"]++
    for (k in n) print k, n[k] }' "$T/cohort.csv" | sort >"$T/jobs.want"
sed -n '/^issued per job code and level/,/^[^ ]/s/^  \([A-Z]\{2\}[0-9]\{6\} [1-9]\)  *\([0-9]*\)$/\1 \2/p' \
    "$T/report" | sort >"$T/jobs.got"
[ -s "$T/jobs.want" ] && cmp -s "$T/jobs.want" "$T/jobs.got" &&
    pass "per job code and level as in the CSV (+ the renewal)" ||
    { fail "per job code and level"; diff "$T/jobs.want" "$T/jobs.got" | sed 's/^/#   /'; }
grep -q "quick-revoke: revoke $C2: " "$T/report" &&
    pass "the revoke minutes after issue is flagged" || fail "quick-revoke of $C2"

run_expect 0 "--json" au --json "$URL" --state "$T/st/json" --log-key "$VKEY"
if jq -e --arg r "$root" --argjson s "$SIZE" --argjson n "$ISSUED" '
    .size == $s and .root == $r and .entries_checked == $s and
    .certificates_issued == $n and .result == "consistent" and
    ([.issued_per_batch[]] | sort) == [1, 40] and
    ([.issued_per_day[]] | add) == $n and
    ([.issued_per_key[]]) == [$n] and
    ([.issued_per_job_level[]] | add) == $n and
    (.violations | length) == 0' "$T/out" >/dev/null; then
	pass "--json agrees with the text report"
else
	fail "--json"
fi
"$GOCHECK" "$VKEY" "$URL" >"$T/go" 2>&1
[ "$(cat "$T/go")" = "$(printf 'size %s\nroot %s' "$SIZE" "$root")" ] &&
    pass "gocheck (x/mod) agrees on size and root from nginx" ||
    { fail "gocheck from nginx"; sed 's/^/#   /' "$T/go"; }

cp "$ST" "$T/pinned"
cp "$W/checkpoint" "$T/cp.honest"
cp -r "$W" "$T/www.honest"

# --- more honest writes, so that a rewrite is not shorter than seen --------

inst_start a || fail "restart"
awk -v n=3 -v seed=5 -v lpjk=0 -f "$GEN" >"$T/more.csv"
run_expect 0 "issue 3 more" sk a issue --csv "$T/more.csv" --out "$T/o2"
run_expect 0 "suspend one more" sk a suspend "$C1" --reason "salah data"
inst_stop a
cp -a "$DB" "$T/db.honest"
SIZE2=$((SIZE + 4))
rm -rf "$W"; "$SKKD" publish -c "$T/a/skkd.conf" "$W" >/dev/null 2>&1
cp "$T/pinned" "$T/st/grown"
run_expect 0 "the honest log grown to $SIZE2 extends the one audited" \
    au "$URL" --state "$T/st/grown"
out_has "tree size: $SIZE2" "tree size $SIZE2"
out_has "new entries: 4" "4 new entries"

# --- the issuer rewrites its history ---------------------------------------

# evidence_ok FILE DIR: FILE verifies as the log's checkpoint (gocheck,
# under the log key) over DIR's tiles.
evidence_ok() {
	rm -rf "$T/ev"; cp -r "$2" "$T/ev"; cp "$1" "$T/ev/checkpoint"
	"$GOCHECK" "$VKEY" "$T/ev" >/dev/null 2>&1
}
# proven WHAT WHERE AUDIT-ARGS...: the auditor with the honest state
# proves the rewrite (exit 1), saves both checkpoints, keeps its state.
proven() {
	what=$1; where=$2; shift 2
	cp "$T/pinned" "$ST"
	rm -f "$ST".*
	run_expect 1 "$what ($where): inconsistency proven" "$@" --state "$ST"
	grep -m 1 INCONSISTENT "$T/err" | sed "s|$T/||g; s|^|# $what ($where): |"
	out_has "INCONSISTENT" "$what ($where): said"
	seen=$(ls "$ST".*.seen-$SIZE 2>/dev/null); now=$(ls "$ST".*.now-* 2>/dev/null)
	if [ -n "$seen" ] && [ -n "$now" ] && grep -qF "$seen" "$T/err" &&
	    grep -qF "$now" "$T/err" && cmp -s "$seen" "$T/cp.honest" &&
	    cmp -s "$now" "$W/checkpoint"; then
		pass "$what ($where): both signed checkpoints saved and named"
	else
		fail "$what ($where): evidence"
	fi
	evidence_ok "$seen" "$T/www.honest" && evidence_ok "$now" "$W" &&
	    pass "$what ($where): gocheck verifies both under the log key" ||
	    fail "$what ($where): evidence does not verify"
	cmp -s "$ST" "$T/pinned" && pass "$what ($where): state unchanged" ||
	    fail "$what ($where): state changed"
}
# tamper DESC LOGEDIT-ARGS...: the honest store rewritten by logedit,
# published for nginx; the size logedit reports goes to $TSIZE.
tamper() {
	desc=$1; shift
	rm -rf "$DB"; cp -a "$T/db.honest" "$DB"
	"$LOGEDIT" "$DB" "$@" >"$T/edit" 2>&1 || { fail "$desc: logedit"; sed 's/^/#   /' "$T/edit"; }
	TSIZE=$(sed -n 's/^size //p' "$T/edit")
	rm -rf "$W"
	"$SKKD" publish -c "$T/a/skkd.conf" "$W" >/dev/null 2>&1 ||
	    fail "$desc: publish"
}
# served DESC: skkd restarted on the rewritten store serves it as its own.
served() {
	inst_start a || { fail "$1: skkd starts on the rewritten store"; return; }
	curl -s --cacert "$SSL_CERT_FILE" --resolve "localhost:$HP:127.0.0.1" \
	    "${HTTPS}checkpoint" >"$T/served"
	cmp -s "$T/served" "$W/checkpoint" &&
	    pass "$1: skkd restarts and serves the rewritten checkpoint" ||
	    fail "$1: skkd restarts and serves the rewritten checkpoint"
}

# refused DESC TEXT: skkd checks its stored log at start-up and refuses
# one that its checkpoint does not sign, saying TEXT.
refused() {
	run_expect 69 "$1: skkd refuses to start" timeout 30 "$SKKD" -c "$T/a/skkd.conf"
	sed -n '1s/^/# skkd: /p' "$T/err"
	out_has "$2" "$1: skkd names what does not match"
}

tamper "entry dropped" "$LOGKEY" drop 20
[ "$TSIZE" = $((SIZE2 - 1)) ] && pass "entry dropped: size $TSIZE, re-signed" || fail "drop: size $TSIZE"
"$GOCHECK" "$VKEY" "$W" >/dev/null 2>&1 && pass "entry dropped: the rewritten log verifies on its own" ||
    fail "entry dropped: the rewritten log verifies on its own"
proven "entry dropped" nginx au "$URL"
served "entry dropped"
proven "entry dropped" HTTPS auc "$HTTPS"
inst_stop a

# The revoke of C2 (entry 45) turned into a reinstate: event 4, status 1.
tamper "revoke made a reinstate" "$LOGKEY" set 45 4 1
proven "revoke made a reinstate" nginx au "$URL"
served "revoke made a reinstate"
proven "revoke made a reinstate" HTTPS auc "$HTTPS"
inst_stop a

tamper "fork" "$LOGKEY" fork 30
[ "$TSIZE" -ge "$SIZE" ] && pass "fork: a different history of size $TSIZE >= $SIZE" ||
    fail "fork: size $TSIZE"
proven "fork" nginx au "$URL"
served "fork"
proven "fork" HTTPS auc "$HTTPS"
inst_stop a

# Another key, with the log's name: refused, not evidence.
origin=${VKEY%%+*}
"$(dirname "$LOGEDIT")/mklog" --genkey "$origin" | head -n 1 >"$T/other.key"
tamper "another key" "$T/other.key" sign
cp "$T/pinned" "$ST"
rm -f "$ST".*
run_expect 3 "a checkpoint signed by another key is refused (nginx)" au "$URL" --state "$ST"
sed -n '1s/^/# another key (nginx): /p' "$T/err"
out_has "not signed by the log key" "the refusal names the log key"
cmp -s "$ST" "$T/pinned" && ! ls "$ST".* >/dev/null 2>&1 &&
    pass "another key: state unchanged, no evidence" || fail "another key: state"
refused "another key" "the stored checkpoint is not signed by log_key ($origin)"

# An entry rewritten in the store without rehashing or re-signing.
tamper "entry edited, not rehashed" - raw 45 1
refused "entry edited, not rehashed" "stored hash 86 (tree level 0, index 45) is not the one entry 45 gives"
cp "$T/pinned" "$ST"
run_expect 4 "an entry edited without rehashing is caught (exit 4)" au "$URL" --state "$ST"
sed -n '1s/^/# entry edited (nginx): /p' "$T/err"
out_has "tile/0/000.p/$SIZE2: hash 45" "the message names the tile and hash"
cmp -s "$ST" "$T/pinned" && pass "edited entry: state unchanged" || fail "edited entry: state"

echo "1..$tapn"
