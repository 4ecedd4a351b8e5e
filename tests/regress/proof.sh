# skkd — SPDX-License-Identifier: ISC
#
# Inclusion and consistency proofs from a user's view. A real daemon
# issues a cohort, suspends, revokes and renews; for each kind of
# certificate `skk verify --proof` (companion protocol) proves its
# current entry against the pinned log key, by number and by QR, and the
# HTTPS JSON verdict's "log" object checks with golang.org/x/mod's
# tlog.CheckRecord (tests/gocheck, the independent implementation) and
# with proto/logproof (tests/regress/proofcheck). Saved answers with a
# changed entry, proof, index or checkpoint, or checked under another
# key or certificate, are refused. /api/v1/log/consistency proofs
# between several saved checkpoints check with tlog.CheckTree, and bad
# parameters get a 400 naming them. A real `skk witness serve` cosigns
# an answer's checkpoint over HTTP: K good cosignatures are required,
# a forged one refused. A store whose log predates log_current gets it
# built at start-up.

. "$(dirname "$0")/lib.sh"

helper GOCHECK gocheck
helper PROOFCHECK proofcheck
helper TLOGW tlogw
GEN="$(dirname "$0")/../bench/gencohort.awk"

inst_init a --issuer "LSP Bukti Uji" || { echo "not ok 1 - skkd init"; exit 1; }
inst_start a || { echo "not ok 1 - skkd starts"; exit 1; }
pass "skkd init and start"

HP=$(cat "$T/a.hport")
VKEY=$(sed -n 's/^log_key = //p' "$T/a/skk.conf")

# get PATH: the HTTPS answer's body into $T/body, its status in $code.
get() {
	code=$(curl -s --cacert "$T/a/tls/ca.crt" --resolve "localhost:$HP:127.0.0.1" \
	    -D "$T/head" -o "$T/body" -w '%{http_code}' "https://localhost:$HP/$1")
}
# answer NUMBER NAME: the JSON verdict of NUMBER saved as $T/NAME.json.
answer() {
	get "api/v1/certificates/$(echo "$1" | tr -d ' ')"
	cp "$T/body" "$T/$2.json"
}
# ckpt NAME: the current checkpoint saved as $T/NAME.ckpt, its size in $size.
ckpt() {
	get checkpoint
	cp "$T/body" "$T/$1.ckpt"
	size=$(sed -n 2p "$T/$1.ckpt")
}
# pc DESC ANSWER ITEM K [WVKEY...]: proofcheck must accept.
pc_ok() {
	d=$1; shift
	if "$PROOFCHECK" "$@" >"$T/out" 2>"$T/err"; then pass "$d"; else fail "$d"; fi
}
# pc_no DESC TEXT ANSWER ITEM K [WVKEY...]: refused, naming TEXT.
pc_no() {
	d=$1; txt=$2; shift 2
	if "$PROOFCHECK" "$@" >"$T/out" 2>"$T/err"; then fail "$d (accepted)"
	elif grep -qF -- "$txt" "$T/out"; then pass "$d"
	else fail "$d (no '$txt')"; fi
}
# tamper IN OUT JQ: a copy of a saved answer changed by the jq program.
tamper() { jq "$3" "$T/$1.json" >"$T/$2.json"; }

ckpt k0
awk -v n=5 -v lpjk=1 -f "$GEN" >"$T/cohort.csv"
run_expect 0 "issue a 5-row cohort" sk a --json issue --csv "$T/cohort.csv" --out "$T/o1"
col() { awk -F, -v r="$1" -v c="$2" 'NR == r + 1 { print $(NF - c) }' "$T/o1/issued.csv"; }
C1=$(col 1 2); C2=$(col 2 2); C3=$(col 3 2); C4=$(col 4 2); C5=$(col 5 2)
Q1=$(col 1 1); Q5=$(col 5 1)
sleep 1.2	# a checkpoint within a second of the write
ckpt k1

run_expect 0 "suspend one" sk a suspend "$C2" --reason "holder request"
run_expect 0 "revoke one" sk a revoke "$C3" --reason "fraud: documents forged"
run_expect 0 "renew one" sk a --json renew "$C4"
N4=$(sed -n 's/.*"number": *"\([^"]*\)".*/\1/p' "$T/out" | head -n 1)
sleep 1.2
ckpt k2

# skk verify --proof over the companion protocol: each kind of entry.
# vp NUMBER EXIT EVENT KIND
vp() {
	run_expect "$2" "verify --proof: $4 (exit $2)" sk a verify --proof "$1"
	out_has "log: entry " "verify --proof: $4: the entry is proved"
	out_has "($3) is in the tree of $size entries" "verify --proof: $4: its current entry is the $3"
}
vp "$C1" 0 issue "issued"
vp "$C2" 1 suspend "suspended"
vp "$C3" 1 revoke "revoked"
vp "$C4" 1 supersede "renewed (replaced)"
run_expect 0 "record the renewal's LPJK number" sk a record-lpjk "$N4" "LPJK-2026-99"
sleep 1.2
ckpt k2
vp "$N4" 0 lpjk "its renewal, LPJK recorded"
run_expect 0 "verify --proof by QR" sk a verify --proof "$Q1"
out_has "(issue) is in the tree of $size entries" "verify --proof by QR proves the QR's entry"
run_expect 1 "--json verify --proof (one suspended: exit 1)" sk a --json verify --proof "$C1" "$C2"
[ "$(jq -c '[.items[].log.proved, .items[].log.event]' "$T/out")" = '[true,true,"issue","suspend"]' ] &&
    pass "--json carries a log object per item" || fail "--json carries a log object per item"
run_expect 3 "verify --proof of an unknown number exits 3" sk a verify --proof "42101 8342 3 00009999 2025"
out_has "no log entry for this certificate" "it says the answer has no proof"
run_expect 64 "--witnesses without --proof is a usage error" sk a verify --witnesses 1 "$C1"
run_expect 78 "--witnesses beyond the witness_key lines is refused" sk a verify --proof --witnesses 1 "$C1"
out_has "names 0 witness_key" "it says how many witness keys skk.conf names"
sed '/^log_key/d' "$T/a/skk.conf" >"$T/a/nolog.conf"
run_expect 78 "verify --proof without log_key is refused" "$SKK" -c "$T/a/nolog.conf" verify --proof "$C1"
out_has "set log_key in" "it names the missing setting"

# The HTTPS JSON verdicts: x/mod's tlog.CheckRecord and proto/logproof.
for c in 1 2 3 4; do
	eval "n=\$C$c"
	answer "$n" "c$c"
	if "$GOCHECK" inclusion "$VKEY" "$T/c$c.json" >"$T/out" 2>"$T/err"; then
		pass "gocheck (x/mod CheckRecord) proves certificate $c's entry"
	else fail "gocheck (x/mod CheckRecord) proves certificate $c's entry"; fi
	pc_ok "proofcheck proves certificate $c's entry" "$T/c$c.json" "$VKEY" "$n" 0
done
answer "$N4" n4
"$GOCHECK" inclusion "$VKEY" "$T/n4.json" >"$T/out" 2>"$T/err" &&
    pass "gocheck proves the renewal's entry" || fail "gocheck proves the renewal's entry"
get "api/v1/verify?qr=$(printf %s "$Q1" | jq -sRr @uri)"
cp "$T/body" "$T/q1.json"
[ "$(jq -r .log.index "$T/q1.json")" = "$(jq -r .log.index "$T/c1.json")" ] &&
    pass "a QR's JSON verdict proves the same entry" || fail "a QR's JSON verdict proves the same entry"
pc_ok "proofcheck proves a QR's entry (digest of its COSE_Sign1)" "$T/q1.json" "$VKEY" "$Q1" 0
"$GOCHECK" inclusion "$VKEY" "$T/q1.json" >"$T/out" 2>"$T/err" &&
    pass "gocheck proves the QR's entry" || fail "gocheck proves the QR's entry"
[ "$(jq -r '.certificate.name_masked' "$T/c1.json")" = true ] &&
    jq -e '.log.entry' "$T/c1.json" >/dev/null &&
    pass "an anonymous caller gets the proof (the name stays masked)" ||
    fail "an anonymous caller gets the proof (the name stays masked)"

# Tampered answers are refused, each with its reason.
pc_no "another certificate's entry is refused" "entry: names" "$T/c1.json" "$VKEY" "$C5" 0
pc_no "another QR against this answer is refused" "digest" "$T/q1.json" "$VKEY" "$Q5" 0
tamper c1 t1 '.log.entry |= (.[0:20] + (if .[20:21] == "A" then "B" else "A" end) + .[21:])'
pc_no "a changed entry is refused" "proof: entry" "$T/t1.json" "$VKEY" "$C1" 0
"$GOCHECK" inclusion "$VKEY" "$T/t1.json" >"$T/out" 2>&1 &&
    fail "gocheck refuses the changed entry" || pass "gocheck refuses the changed entry"
tamper c1 t2 '.log.proof[0] = .log.proof[1]'
pc_no "a changed proof hash is refused" "proof: entry" "$T/t2.json" "$VKEY" "$C1" 0
tamper c1 t3 '.log.proof |= .[1:]'
pc_no "a shortened proof is refused" "proof: entry" "$T/t3.json" "$VKEY" "$C1" 0
tamper c1 t4 '.log.index += 1'
pc_no "a changed index is refused" "proof: entry" "$T/t4.json" "$VKEY" "$C1" 0
tamper c1 t5 '.log.checkpoint |= sub("\n(?<s>[0-9]+)\n"; "\n\(.s | tonumber + 1)\n")'
pc_no "a checkpoint with a changed size is refused" "checkpoint:" "$T/t5.json" "$VKEY" "$C1" 0
tamper c1 t6 ".log.checkpoint = \"$(sed 's/$/\\n/' "$T/k1.ckpt" | tr -d '\n')\""
if [ "$(jq -r .log.tree_size "$T/c1.json")" != "$(sed -n 2p "$T/k1.ckpt")" ]; then
	pc_no "the proof under another (genuine) checkpoint is refused" "checkpoint: tree size" \
	    "$T/t6.json" "$VKEY" "$C1" 0
else
	fail "the saved checkpoints differ in size"
fi
"$TLOGW" logkey "localhost:$HP/log" forged >"$T/lk-other"
pc_no "a checkpoint checked under another log key is refused" "checkpoint:" \
    "$T/c1.json" "$(sed -n 2p "$T/lk-other")" "$C1" 0

# Consistency proofs between the saved checkpoints: tlog.CheckTree.
s0=$(sed -n 2p "$T/k0.ckpt"); s1=$(sed -n 2p "$T/k1.ckpt"); s2=$(sed -n 2p "$T/k2.ckpt")
for pair in "k0 k1" "k0 k2" "k1 k2" "k2 k2"; do
	set -- $pair
	a=$(sed -n 2p "$T/$1.ckpt"); b=$(sed -n 2p "$T/$2.ckpt")
	get "api/v1/log/consistency?from=$a&to=$b"
	cp "$T/body" "$T/cons.json"
	if [ "$code" = 200 ] && "$GOCHECK" consistency "$VKEY" "$T/$1.ckpt" "$T/$2.ckpt" \
	    "$T/cons.json" >"$T/out" 2>"$T/err"; then
		pass "consistency $a -> $b checks with x/mod CheckTree"
	else fail "consistency $a -> $b checks with x/mod CheckTree (HTTP $code)"; fi
done
grep -qi '^access-control-allow-origin: \*' "$T/head" && pass "consistency allows any origin" ||
    fail "consistency allows any origin"
get "api/v1/log/consistency?from=$s0&to=$s2"
jq '.proof[0] = .proof[1]' "$T/body" >"$T/cons.json"
"$GOCHECK" consistency "$VKEY" "$T/k0.ckpt" "$T/k2.ckpt" "$T/cons.json" >"$T/out" 2>&1 &&
    fail "a changed consistency proof fails CheckTree" || pass "a changed consistency proof fails CheckTree"
# bad QUERY TEXT: 400 naming the parameter.
bad() {
	get "api/v1/log/consistency?$1"
	if [ "$code" = 400 ] && jq -r .error.message "$T/body" | grep -qF -- "$2"; then
		pass "consistency?$1: 400 naming '$2'"
	else fail "consistency?$1: 400 naming '$2' (HTTP $code: $(cat "$T/body"))"; fi
}
bad "from=0&to=$s1" "from:"
bad "from=1" "to:"
bad "from=x&to=$s1" "from:"
bad "from=01&to=$s1" "from:"
bad "from=$s2&to=$s1" "from: greater than to"
bad "from=1&to=$((s2 + 1))" "to: beyond the tree size"

# A real witness cosigns an answer's checkpoint over HTTP (tlog-witness).
wport=$(free_port)
run_expect 0 "witness init" "$SKK" witness init "$T/w" --name witness.test/w1 \
    --listen "127.0.0.1:$wport"
WV=$(cat "$T/out")
"$SKK" witness init "$T/w2" --name witness.test/w2 >"$T/out" 2>&1
WV2=$(cat "$T/out")
echo "log = localhost:$HP/log $VKEY" >>"$T/w/witness.conf"
"$SKK" witness serve "$T/w/witness.conf" 2>"$T/w.log" &
pids="$pids $!"
i=0; while [ $i -lt 300 ] && ! grep -q "listening on" "$T/w.log"; do sleep 0.1; i=$((i + 1)); done
jq -j .log.checkpoint "$T/c1.json" >"$T/c1.note"
{ printf 'old 0\n\n'; cat "$T/c1.note"; } >"$T/add.body"
code=$(curl -s -o "$T/cosig" -w '%{http_code}' --data-binary @"$T/add.body" \
    "http://127.0.0.1:$wport/add-checkpoint")
[ "$code" = 200 ] && pass "the witness cosigns the answer's checkpoint" ||
    { fail "the witness cosigns the answer's checkpoint (HTTP $code)"; sed 's/^/#   /' "$T/w.log"; }
jq --rawfile c "$T/c1.note" --rawfile s "$T/cosig" '.log.checkpoint = $c + $s' \
    "$T/c1.json" >"$T/w1.json"
pc_ok "one witness cosignature meets --witnesses 1" "$T/w1.json" "$VKEY" "$C1" 1 "$WV"
grep -q "witnesses 1" "$T/out" && pass "it counts 1 witness" || fail "it counts 1 witness"
pc_no "--witnesses 2 with one cosignature is refused" "witnesses: 1 of the 2 known" \
    "$T/w1.json" "$VKEY" "$C1" 2 "$WV" "$WV2"
pc_no "a witness that did not cosign does not count" "witnesses: 0 of the 1 known" \
    "$T/w1.json" "$VKEY" "$C1" 1 "$WV2"
pc_no "no cosignature at all is refused under --witnesses 1" "witnesses: 0" \
    "$T/c1.json" "$VKEY" "$C1" 1 "$WV"
jq '.log.checkpoint |= sub("(?<a>— witness.test/w1 .{20})(?<b>.)"; "\(.a)\(if .b == "A" then "B" else "A" end)")' \
    "$T/w1.json" >"$T/w1bad.json"
pc_no "a forged cosignature is refused" "witnesses:" "$T/w1bad.json" "$VKEY" "$C1" 1 "$WV"
pc_ok "the cosigned answer still proves without witnesses asked" "$T/w1.json" "$VKEY" "$C1" 0

# An older store, whose log was made before log_current: the table and
# its "current" mark in log_meta are left out of a dump and reload
# (mdb_dump and mdb_load, hex format), and the start-up builds the map.
inst_stop a
mdb_dump -a "$T/a/db" >"$T/all.dump"
awk '
/^VERSION=/ { buf = $0 "\n"; head = 1; drop = 0; next }
head && /^database=log_current$/ { drop = 1 }
head && /^HEADER=END/ { head = 0; if (!drop) printf "%s%s\n", buf, $0; next }
head { buf = buf $0 "\n"; next }
drop { next }
skip { skip = 0; next }
/^ 63757272656e74$/ { skip = 1; next }	# the key "current"
{ print }' "$T/all.dump" >"$T/old.dump"
mkdir "$T/olddb"
if mdb_load -f "$T/old.dump" "$T/olddb" 2>"$T/err" && ! mdb_dump -l "$T/olddb" | grep -q log_current; then
	pass "a store without log_current made from the daemon's"
else fail "a store without log_current made from the daemon's"; fi
mv "$T/a/db" "$T/newdb" && mv "$T/olddb" "$T/a/db"
inst_start a || { echo "not ok - skkd starts on the older store"; echo "1..$tapn"; exit 1; }
pass "skkd starts on the older store"
vp "$C3" 1 revoke "older store: revoked"
vp "$N4" 0 lpjk "older store: renewal with LPJK"
mdb_dump -l "$T/a/db" | grep -qx log_current && pass "the start-up made log_current" ||
    fail "the start-up made log_current"

echo "1..$tapn"
