# skkd — SPDX-License-Identifier: ISC
#
# The transparency log from a user's view: a real daemon takes a cohort,
# a suspension, a reinstatement, a revocation, a renewal, an LPJK
# recording and a key rotation; every write's answer names its log
# index; /checkpoint verifies under skk.conf's log_key; tiles and
# bundles fetched over HTTPS carry the right headers, decode to exactly
# those events (tests/regress/logcheck.c recomputes the tree from the
# entries) and hold no NIK or name; a refused write adds nothing; and
# skkd publish writes the same bytes, while skkd runs and after.

. "$(dirname "$0")/lib.sh"

helper LOGCHECK logcheck
GEN="$(dirname "$0")/../bench/gencohort.awk"

inst_init a --issuer "LSP Log Uji" || { echo "not ok 1 - skkd init"; exit 1; }
inst_start a || { echo "not ok 1 - skkd starts"; exit 1; }
pass "skkd init and start"

HP=$(cat "$T/a.hport")
VKEY=$(sed -n 's/^log_key = //p' "$T/a/skk.conf")
case "$VKEY" in
localhost:$HP/log+????????+*) pass "skk.conf names the log's verifier key" ;;
*) fail "skk.conf names the log's verifier key ($VKEY)" ;;
esac
grep -q '^log_key = keys/log.key$' "$T/a/skkd.conf" && pass "skkd.conf names keys/log.key" ||
    fail "skkd.conf names keys/log.key"
[ "$(stat -c %a "$T/a/keys/log.key")" = 600 ] && pass "keys/log.key is mode 0600" ||
    fail "keys/log.key is mode 0600"
grep -q "^PRIVATE+KEY+localhost:$HP/log+" "$T/a/keys/log.key" &&
    pass "the log key is a signed-note key named by the origin" ||
    fail "the log key is a signed-note key named by the origin"

# get PATH [curl options]: the HTTPS answer's body into $T/body, headers
# into $T/head.
get() {
	p=$1; shift
	curl -s --cacert "$T/a/tls/ca.crt" --resolve "localhost:$HP:127.0.0.1" \
	    -D "$T/head" -o "$T/body" "$@" "https://localhost:$HP/$p"
}
head_has() {
	if grep -qi "^$1" "$T/head"; then pass "$2"; else fail "$2 (no '$1')"; sed 's/^/#   /' "$T/head"; fi
}
# fetch DIR: the checkpoint and every tile skkd publish listed, over HTTPS.
fetch() {
	rm -rf "$1"; mkdir -p "$1"
	(cd "$T/pub" && find tile -type f) | while read -r f; do
		mkdir -p "$1/$(dirname "$f")"
		get "$f" && cp "$T/body" "$1/$f"
	done
	get checkpoint && cp "$T/body" "$1/checkpoint"
}
# entries DIR: logcheck's entry lines of a copy of the log, into $T/entries.
entries() {
	"$LOGCHECK" "$VKEY" "$1" >"$T/entries" 2>"$T/err"
}
# ev N: entry N's line.
ev() { sed -n "s/^$1 //p" "$T/entries"; }
# idx: log_index of the last --json answer.
idx() { sed -n 's/.*"log_index": *\([0-9]*\).*/\1/p' "$T/out" | tail -n 1; }

# A new log holds the signing key's add and rotate, in a checkpoint.
get checkpoint
head -n 2 "$T/body" | tr '\n' ' ' | grep -q "^localhost:$HP/log 2 $" &&
    pass "a new log's checkpoint: origin and 2 key entries" ||
    fail "a new log's checkpoint: origin and 2 key entries ($(head -n 2 "$T/body" | tr '\n' ' '))"
head_has "content-type: text/plain; charset=utf-8" "/checkpoint is text/plain"
head_has "access-control-allow-origin: \*" "/checkpoint allows any origin"
head_has "cache-control: public, max-age=2" "/checkpoint is cached briefly"

# A 260-row cohort, pending: 260 issue entries, one batch id.
awk -v n=260 -v lpjk=0 -f "$GEN" >"$T/cohort.csv"
run_expect 0 "issue a 260-row cohort" sk a --json issue --csv "$T/cohort.csv" --out "$T/o1"
n=$(grep -c '"log_index"' "$T/out")
[ "$n" = 260 ] && pass "every cohort item has a log_index" || fail "every cohort item has a log_index ($n)"
sed -n 's/.*"log_index": *\([0-9]*\).*/\1/p' "$T/out" | awk 'NR == 1 && $1 != 2 { bad = 1 }
    NR > 1 && $1 != p + 1 { bad = 1 } { p = $1 } END { exit bad || NR != 260 }' &&
    pass "cohort log indexes run 2 to 261" || fail "cohort log indexes run 2 to 261"
C1=$(awk -F, 'NR == 2 { print $(NF - 2) }' "$T/o1/issued.csv")
C2=$(awk -F, 'NR == 3 { print $(NF - 2) }' "$T/o1/issued.csv")
C3=$(awk -F, 'NR == 4 { print $(NF - 2) }' "$T/o1/issued.csv")

run_expect 0 "record LPJK" sk a --json record-lpjk "$C1" "LPJK-2026-77"
[ "$(idx)" = 262 ] && pass "record-lpjk answers log_index 262" || fail "record-lpjk answers log_index 262 ($(idx))"
run_expect 0 "suspend" sk a --json suspend "$C1" --reason "holder request"
[ "$(idx)" = 263 ] && pass "suspend answers log_index 263" || fail "suspend answers log_index 263"
run_expect 0 "reinstate" sk a --json reinstate "$C1" --reason "resolved"
[ "$(idx)" = 264 ] && pass "reinstate answers log_index 264" || fail "reinstate answers log_index 264"
run_expect 0 "revoke" sk a --json revoke "$C2" --reason "fraud: documents forged"
[ "$(idx)" = 265 ] && pass "revoke answers log_index 265" || fail "revoke answers log_index 265"
run_expect 0 "renew" sk a --json renew "$C3"
# The new one's issue is 266, the old one's supersede 267.
[ "$(idx)" = 266 ] && pass "renew answers the new certificate's log_index 266" ||
    fail "renew answers the new certificate's log_index 266 ($(idx))"
NEW=$(json_field number)

# Refused writes roll back whole: no entry, no index.
run_expect 65 "suspending a revoked certificate is refused" sk a suspend "$C2" --reason "x"
run_expect 65 "reinstating an active one is refused" sk a reinstate "$C1" --reason "x"
run_expect 0 "re-running the cohort issues nothing" sk a --json issue --csv "$T/cohort.csv" --out "$T/o2"
grep -q '"log_index"' "$T/out" && fail "reused items carry no log_index" || pass "reused items carry no log_index"

# A key rotation (while skkd runs): retire, add, rotate.
run_expect 0 "skkd rotate-key" "$SKKD" rotate-key -c "$T/a/skkd.conf"
out_has "the transparency log records the change" "rotate-key says the log has it"
kill -HUP "$(eval echo \$pid_a)"
sleep 1
run_expect 0 "record LPJK after the rotation" sk a --json record-lpjk "$NEW" "LPJK-2026-78"
[ "$(idx)" = 271 ] && pass "the rotation took entries 268-270" || fail "the rotation took entries 268-270 ($(idx))"
SIZE=272

# skkd publish while skkd runs, then the same paths over HTTPS.
run_expect 0 "skkd publish while skkd runs" "$SKKD" publish -c "$T/a/skkd.conf" "$T/pub"
out_has "published $SIZE entries" "publish names the tree size"
[ -f "$T/pub/tile/0/000" ] && [ -f "$T/pub/tile/0/001.p/16" ] && [ -f "$T/pub/tile/1/000.p/1" ] &&
    [ -f "$T/pub/tile/entries/000" ] && [ -f "$T/pub/tile/entries/001.p/16" ] &&
    pass "publish wrote the full and partial tiles and bundles" ||
    fail "publish wrote the full and partial tiles and bundles ($(cd "$T/pub" && find . -type f | tr '\n' ' '))"
fetch "$T/web"
# Signed documents (status lists, number maps, issuer descriptor) carry
# the time they were signed: status.sh checks those; here the log.
NOW="-x status -x numbers -x api"
diff -r $NOW "$T/pub" "$T/web" >/dev/null && pass "publish's files equal what HTTPS serves, byte for byte" ||
    fail "publish's files equal what HTTPS serves"

get tile/0/000
head_has "content-type: application/octet-stream" "a tile is application/octet-stream"
head_has "cache-control: public, max-age=31536000, immutable" "a full tile is immutable"
head_has "access-control-allow-origin: \*" "a tile allows any origin"
get tile/entries/001.p/16
head_has "cache-control: public, max-age=2" "a partial bundle is cached briefly"
head_has "access-control-allow-origin: \*" "a bundle allows any origin"
[ "$(wc -c <"$T/body")" = $((16 * 105)) ] && pass "a bundle holds length-prefixed 103-byte entries" ||
    fail "a bundle holds length-prefixed 103-byte entries"
get tile/entries/001.p/17
head -n 1 "$T/head" | grep -q " 404 " && pass "a bundle past the tree is 404" || fail "a bundle past the tree is 404"
get tile/0/002
head -n 1 "$T/head" | grep -q " 404 " && pass "a tile past the tree is 404" || fail "a tile past the tree is 404"
get tile/0/x000/001
head -n 1 "$T/head" | grep -q " 404 " && pass "a non-canonical tile path is 404" || fail "a non-canonical tile path is 404"
get tile/0/001.p/8
head -n 1 "$T/head" | grep -q " 200 " && [ "$(wc -c <"$T/body")" = 256 ] &&
    pass "an older, narrower partial tile is still served" || fail "an older, narrower partial tile is still served"
get checkpoint -I
head -n 1 "$T/head" | grep -q " 200 " && grep -qi '^content-length: [1-9]' "$T/head" &&
    pass "HEAD /checkpoint" || fail "HEAD /checkpoint"

# The entries: signature, root and tiles check out; events match the writes.
if entries "$T/web"; then pass "logcheck: checkpoint, entries, root and tiles verify"; else fail "logcheck verifies"; fi
[ "$(head -n 1 "$T/entries")" = "size $SIZE" ] && pass "the entry count equals the writes ($SIZE)" ||
    fail "the entry count equals the writes ($(head -n 1 "$T/entries"))"
u() { echo "$1" | tr ' ' _; }
[ "$(grep -c ' issue ' "$T/entries")" = 261 ] && pass "261 issue entries" || fail "261 issue entries"
[ "$(awk '$2 == "issue" && $1 < 262 { print $9 }' "$T/entries" | sort -u | wc -l)" = 1 ] &&
    pass "the cohort shares one batch id" || fail "the cohort shares one batch id"
awk '$2 == "issue" && $1 < 262 && $6 != 0 { bad = 1 } END { exit bad }' "$T/entries" &&
    pass "cohort entries are pending (status 0)" || fail "cohort entries are pending"
case "$(ev 262)" in "lpjk $(u "$C1") "*" 3 1 none "*) pass "entry 262: lpjk, active" ;; *) fail "entry 262: lpjk ($(ev 262))" ;; esac
case "$(ev 263)" in "suspend $(u "$C1") "*" 3 2 request "*) pass "entry 263: suspend, reason request" ;; *) fail "entry 263: suspend ($(ev 263))" ;; esac
case "$(ev 264)" in "reinstate $(u "$C1") "*" 3 1 none "*) pass "entry 264: reinstate" ;; *) fail "entry 264: reinstate ($(ev 264))" ;; esac
case "$(ev 265)" in "revoke $(u "$C2") "*" 3 3 fraud "*) pass "entry 265: revoke, reason fraud" ;; *) fail "entry 265: revoke ($(ev 265))" ;; esac
case "$(ev 266)" in "issue $(u "$NEW") "*) pass "entry 266: issue of the new" ;; *) fail "entry 266: issue ($(ev 266))" ;; esac
case "$(ev 267)" in "supersede $(u "$C3") "*" 3 4 none "*) pass "entry 267: supersede of the old" ;; *) fail "entry 267: supersede ($(ev 267))" ;; esac
case "$(ev 271)" in "lpjk $(u "$NEW") "*) pass "entry 271: lpjk of the new, after the rotation" ;; *) fail "entry 271: lpjk ($(ev 271))" ;; esac
[ "$(ev 271 | cut -d' ' -f7)" = "$(ev 262 | cut -d' ' -f7)" ] &&
    pass "an entry names the key that signed the certificate's QR" || fail "entry key ids"
[ "$(awk '$1 >= 268 && $1 <= 270 { print $2 }' "$T/entries" | tr '\n' ' ')" = "key-retire key-add key-rotate " ] &&
    pass "entries 268-270: key-retire, key-add, key-rotate" ||
    fail "entries 268-270: key events ($(awk '$1 >= 268 && $1 <= 270 { print $2 }' "$T/entries" | tr '\n' ' '))"
# The holder's card: SHA-256 of the QR message is the issue entry's digest.
url=$(awk -F, 'NR == 4 { print $(NF - 1) }' "$T/o1/issued.csv")
b32=${url##*/}
while [ $((${#b32} % 8)) != 0 ]; do b32="$b32="; done
d=$(printf '%s' "$b32" | base32 -d 2>/dev/null | sha256sum | cut -c1-64)
awk -v n="$(u "$C3")" '$2 == "issue" && $3 == n { print $10 }' "$T/entries" | grep -qx "$d" &&
    pass "an issue entry's digest is SHA-256 of the certificate's QR message" ||
    fail "an issue entry's digest is SHA-256 of the QR message ($d)"
# No personal data: neither a NIK nor a name, in any file of the log.
nik=$(awk -F, 'NR == 2 { print $2 }' "$T/cohort.csv")
name=$(awk -F, 'NR == 2 { print $1 }' "$T/cohort.csv")
leak=0
for f in $(find "$T/web" -type f); do
	grep -aqF "$nik" "$f" && leak=1
	grep -aqF "$name" "$f" && leak=1
done
[ $leak = 0 ] && pass "no NIK or name bytes in any tile or bundle" || fail "no NIK or name bytes in the log"

# A checkpoint under another key, or a tampered one, does not verify.
other=$(sed -n 's/^log_key = //p' "$T/a/skk.conf" | sed 's/+[^+]*$/+AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEB/')
"$LOGCHECK" "$other" "$T/web" >/dev/null 2>"$T/err" && fail "another key's checkpoint is refused" ||
    pass "a checkpoint is refused under a key that did not sign it"
cp -r "$T/web" "$T/bad"
sed -i '2s/.*/9999/' "$T/bad/checkpoint"
"$LOGCHECK" "$VKEY" "$T/bad" >/dev/null 2>&1 && fail "a tampered checkpoint is refused" ||
    pass "a tampered checkpoint is refused"

# publish again: full tiles are kept; after a stop, the same files.
run_expect 0 "publish again" "$SKKD" publish -c "$T/a/skkd.conf" "$T/pub"
out_has "2 full tiles already there" "a second publish keeps the full tiles"
inst_stop a
run_expect 0 "publish with skkd stopped" "$SKKD" publish -c "$T/a/skkd.conf" "$T/pub2"
diff -r $NOW "$T/pub" "$T/pub2" >/dev/null && pass "publish with skkd stopped gives the same files" ||
    fail "publish with skkd stopped gives the same files"
# A restart adds nothing: the keys are already in the log.
inst_start a || fail "restart"
get checkpoint
[ "$(sed -n 2p "$T/body")" = "$SIZE" ] && pass "a restart appends nothing" || fail "a restart appends nothing"

# An instance from before the log: start-up says what to do, log-key does it.
inst_init b || fail "init b"
sed -i '/^log_key/d' "$T/b/skkd.conf"
run_expect 78 "skkd without log_key refuses to start" "$SKKD" -t -c "$T/b/skkd.conf"
out_has "skkd log-key" "the error names skkd log-key"
rm "$T/b/keys/log.key"
run_expect 0 "skkd log-key" "$SKKD" log-key -c "$T/b/skkd.conf"
out_has "log_key = keys/log.key" "log-key prints the skkd.conf line"
out_has "log_key = localhost:" "log-key prints the skk.conf line"
echo "log_key = keys/log.key" >>"$T/b/skkd.conf"
run_expect 0 "skkd -t accepts the new log key" "$SKKD" -t -c "$T/b/skkd.conf"
run_expect 64 "log-key again is refused" "$SKKD" log-key -c "$T/b/skkd.conf"
chmod 644 "$T/b/keys/log.key"
run_expect 78 "a log key readable by others is refused" "$SKKD" -t -c "$T/b/skkd.conf"
out_has "mode 0644" "the error names the mode"
chmod 600 "$T/b/keys/log.key"
sed -i 's/^public_host = .*/public_host = other.example/' "$T/b/skkd.conf"
run_expect 78 "a log key of another host is refused" "$SKKD" -t -c "$T/b/skkd.conf"
out_has "other.example/log" "the error names the origin expected"
echo "log_key = not-a-key" >>"$T/b/skk.conf"
run_expect 78 "skk refuses a malformed log_key" "$SKK" -c "$T/b/skk.conf" stats
out_has "log_key" "skk's error names log_key"

# publish_dir: the daemon keeps a mirror current by itself.
inst_init c || fail "init c"
echo "publish_dir = mirror" >>"$T/c/skkd.conf"
inst_start c || fail "start c"
awk -v n=3 -f "$GEN" >"$T/c3.csv"
run_expect 0 "issue 3 on an instance with publish_dir" sk c issue --csv "$T/c3.csv" --out "$T/oc"
i=0
until [ "$(sed -n 2p "$T/c/mirror/checkpoint" 2>/dev/null)" = 5 ] || [ $i -ge 50 ]; do sleep 0.1; i=$((i + 1)); done
[ "$(sed -n 2p "$T/c/mirror/checkpoint" 2>/dev/null)" = 5 ] &&
    pass "publish_dir holds the new checkpoint within seconds" || fail "publish_dir holds the new checkpoint"
"$SKKD" publish -c "$T/c/skkd.conf" "$T/cpub" >/dev/null 2>&1
# The mirror also keeps the older partial tiles of earlier checkpoints.
same=1
for f in $(cd "$T/cpub" && find tile checkpoint* -type f); do
	cmp -s "$T/cpub/$f" "$T/c/mirror/$f" || same=0
done
[ $same = 1 ] && pass "publish_dir holds what skkd publish writes" ||
    fail "publish_dir holds what skkd publish writes"

echo "1..$tapn"
