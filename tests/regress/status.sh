# skkd — SPDX-License-Identifier: ISC
#
# Signed status lists from a user's view, read by an independent decoder
# (tests/regress/statuscheck.mjs: npm's cbor2, Node's zlib and Ed25519
# against the log key of skk.conf): every certificate's entry sits at
# the index its QR carries and its number maps to; a revocation, a
# suspension, a renewal or an LPJK recording shows in the served list
# within 3 s; an expired certificate reads EXPIRED; the headers (type,
# ETag, 304, CORS, max-age = status_interval, HEAD) are right; indices
# survive a restart; and skkd publish's files, served by a real nginx
# with contrib/nginx/skkd-static.conf, are the same tokens with the same
# headers.

. "$(dirname "$0")/lib.sh"

CHECK="$(dirname "$0")/statuscheck.mjs"
GEN="$(dirname "$0")/../bench/gencohort.awk"

inst_init a --issuer "LSP Status Uji" || { echo "not ok 1 - skkd init"; exit 1; }
# A status_validity that is not the default shows in exp - iat.
echo "status_validity = 2d" >>"$T/a/skkd.conf"
inst_start a || { echo "not ok 1 - skkd starts"; exit 1; }
pass "skkd init and start"

HP=$(cat "$T/a.hport")
VKEY=$(sed -n 's/^log_key = //p' "$T/a/skk.conf")
SUB="https://localhost:$HP"

# get PATH [curl options]: body into $T/body, headers into $T/head.
get() {
	p=$1; shift
	rm -f "$T/body" "$T/head"
	curl -s --cacert "$T/a/tls/ca.crt" --resolve "localhost:$HP:127.0.0.1" \
	    -D "$T/head" -o "$T/body" "$@" "https://localhost:$HP/$p"
}
code() { sed -n '1s/^HTTP\/[0-9.]* \([0-9]*\).*/\1/p' "$T/head"; }
hdr() { sed -n "s/^$1: *//Ip" "$T/head" | tr -d '\r' | head -n 1; }
head_has() {
	if grep -qi "^$1" "$T/head"; then pass "$2"; else fail "$2 (no '$1')"; sed 's/^/#   /' "$T/head"; fi
}
# decode KIND FILE: statuscheck's lines into $T/dec; fails the test if not.
decode() {
	node "$CHECK" "$1" "$2" "$VKEY" "$SUB/$1/0" >"$T/dec" 2>"$T/err"
}
field() { sed -n "s/^$1 //p" "$T/dec"; }
# entry IDX: the entry of IDX in the last decoded list ("" past its end).
entry() { field entries | cut -c $(($1 + 1)); }
# qridx NUMBER: the status index the QR of NUMBER carries (issued.csv).
qridx() {
	url=$(grep -h "$1" "$T"/o*/issued.csv | awk -F, '{ print $(NF - 1) }' | tail -n 1)
	node "$CHECK" qr "$url"
}
# wait_entry IDX WANT: polls /status/0 until IDX reads WANT, 3 s at most.
wait_entry() {
	_i=0
	while [ $_i -lt 30 ]; do
		get status/0 && decode status "$T/body" && [ "$(entry "$1")" = "$2" ] && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}

# wait_count N: polls /numbers/0 until it maps N numbers, 3 s at most
# (number maps are signed on their own thread, after the lists).
wait_count() {
	_i=0
	while [ $_i -lt 30 ]; do
		get numbers/0 && decode numbers "$T/body" && [ "$(field count)" = "$1" ] && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}

# Before any certificate: list 0 is served, empty.
get status/0
[ "$(code)" = 200 ] && pass "GET /status/0 answers 200 before any issue" ||
    fail "GET /status/0 answers 200 before any issue ($(code))"
if decode status "$T/body"; then pass "an empty list decodes and its signature checks"
else fail "an empty list decodes ($(cat "$T/err"))"; fi
[ "$(field bytes)" = 0 ] && pass "an empty list has no entries" || fail "an empty list has no entries ($(field bytes))"

# 6 active (with LPJK numbers) and 2 pending certificates.
awk -v n=6 -f "$GEN" >"$T/c1.csv"
run_expect 0 "issue 6 active certificates" sk a issue --csv "$T/c1.csv" --out "$T/o1"
awk -v n=2 -v lpjk=0 -v seed=7 -f "$GEN" >"$T/c2.csv"
run_expect 0 "issue 2 pending certificates" sk a issue --csv "$T/c2.csv" --out "$T/o2"
N1=$(awk -F, 'NR == 2 { print $(NF - 2) }' "$T/o1/issued.csv")
N2=$(awk -F, 'NR == 3 { print $(NF - 2) }' "$T/o1/issued.csv")
N3=$(awk -F, 'NR == 4 { print $(NF - 2) }' "$T/o1/issued.csv")
N4=$(awk -F, 'NR == 5 { print $(NF - 2) }' "$T/o1/issued.csv")
P1=$(awk -F, 'NR == 2 { print $(NF - 2) }' "$T/o2/issued.csv")
P2=$(awk -F, 'NR == 3 { print $(NF - 2) }' "$T/o2/issued.csv")

# Each QR carries its index: 0-5 for the first cohort, 6-7 after.
all=""
awk -F, 'FNR > 1 { print $(NF - 2) }' "$T/o1/issued.csv" "$T/o2/issued.csv" >"$T/numbers"
while read -r n; do
	all="$all $(qridx "$n")"
done <"$T/numbers"
[ "$all" = " 0 1 2 3 4 5 6 7" ] && pass "new QR payloads carry status indices 0-7 in issue order" ||
    fail "new QR payloads carry status indices 0-7 ($all)"
I1=$(qridx "$N1"); I2=$(qridx "$N2"); I3=$(qridx "$N3"); I4=$(qridx "$N4")
IP1=$(qridx "$P1"); IP2=$(qridx "$P2")

if wait_entry "$IP2" c; then pass "the list shows a new issue within 3 s"
else fail "the list shows a new issue within 3 s ($(field entries))"; fi
[ "$(field entries)" = "000000cc" ] && pass "6 valid entries (0) and 2 pending (c)" ||
    fail "6 valid entries (0) and 2 pending (c) ($(field entries))"
[ "$(field sub)" = "$SUB/status/0" ] && pass "sub names the list's URL" || fail "sub names the list's URL ($(field sub))"
[ "$(field validity)" = 172800 ] && pass "exp - iat is status_validity (2d)" ||
    fail "exp - iat is status_validity ($(field validity))"
[ "$(field ttl)" = 300 ] && pass "ttl is status_interval (default 300)" || fail "ttl is status_interval ($(field ttl))"
age=$(field age)
[ "$age" -ge 0 ] && [ "$age" -le 30 ] && pass "iat is the time it was made (within 30 s)" || fail "iat is the time it was made (age $age)"

# The token names the log checkpoint it reflects: that of /checkpoint.
TREE=$(field tree)
get checkpoint
CK="$(sed -n 2p "$T/body") $(sed -n 3p "$T/body")"
[ "$TREE" = "$CK" ] && pass "the list names the current checkpoint's size and root" ||
    fail "the list names the current checkpoint ($TREE, checkpoint $CK)"

# Headers, conditional and HEAD requests.
get status/0
head_has "content-type: application/statuslist+cwt" "/status/0 is application/statuslist+cwt"
head_has "cache-control: public, max-age=300" "/status/0 max-age is the ttl"
head_has "access-control-allow-origin: \*" "/status/0 allows any origin"
ETAG=$(hdr etag)
case "$ETAG" in \"????????????????????????????????\") pass "/status/0 has a quoted ETag" ;;
*) fail "/status/0 has a quoted ETag ($ETAG)" ;; esac
LEN=$(wc -c <"$T/body")
get status/0 -H "If-None-Match: $ETAG"
[ "$(code)" = 304 ] && [ ! -s "$T/body" ] && pass "If-None-Match with the ETag: 304, no body" ||
    fail "If-None-Match with the ETag: 304 ($(code))"
head_has "etag: $ETAG" "the 304 repeats the ETag"
get status/0 -H 'If-None-Match: "0000"'
[ "$(code)" = 200 ] && pass "another ETag: 200" || fail "another ETag: 200 ($(code))"
get status/0 -I
[ "$(code)" = 200 ] && [ "$(hdr content-length)" = "$LEN" ] &&
    head_has "etag: $ETAG" "HEAD: the same ETag" &&
    pass "HEAD: 200 with the GET's length" || fail "HEAD /status/0 ($(code), $(hdr content-length) vs $LEN)"
get status/1
[ "$(code)" = 404 ] && pass "a list not in use: 404" || fail "a list not in use: 404 ($(code))"
for bad in 01 x -1 99999999999 0x1 ''; do
	get "status/$bad"
	[ "$(code)" = 400 ] || { fail "a malformed list number '$bad': 400 ($(code))"; continue; }
	pass "a malformed list number '$bad': 400"
done
wait_count 8 && pass "the number map decodes, its signature checks, it holds 8 numbers" ||
    fail "the number map holds 8 numbers ($(field count); $(cat "$T/err"))"
head_has "content-type: application/skk-numbers+cwt" "/numbers/0 is application/skk-numbers+cwt"
head_has "access-control-allow-origin: \*" "/numbers/0 allows any origin"

# The number map: every number, sorted, to the index its QR carries.
bad=0
while read -r n; do
	d=$(echo "$n" | tr -d ' ')
	[ "$(field "$d")" = "$(qridx "$n")" ] || bad=1
done <"$T/numbers"
[ $bad = 0 ] && pass "each number maps to its QR's index" || fail "each number maps to its QR's index"
sed -n '/^[0-9]\{22\} /p' "$T/dec" >"$T/map0"
sort -c "$T/map0" && pass "the map is sorted by number" || fail "the map is sorted by number"

# Status changes show within 3 s.
cp "$T/head" "$T/head.before"
run_expect 0 "revoke one" sk a revoke "$N1" --reason "fraud: forged documents"
wait_entry "$I1" 1 && pass "a revocation shows within 3 s (1)" || fail "a revocation shows within 3 s ($(field entries))"
run_expect 0 "suspend one" sk a suspend "$N2" --reason "holder request"
wait_entry "$I2" 2 && pass "a suspension shows within 3 s (2)" || fail "a suspension shows within 3 s ($(field entries))"
[ "$(hdr etag)" != "$ETAG" ] && pass "a new list has a new ETag" || fail "a new list has a new ETag"
get status/0 -H "If-None-Match: $ETAG"
[ "$(code)" = 200 ] && pass "the old ETag now gets the new list" || fail "the old ETag now gets the new list ($(code))"
run_expect 0 "reinstate it" sk a reinstate "$N2" --reason "cleared"
wait_entry "$I2" 0 && pass "a reinstatement shows within 3 s (0)" || fail "a reinstatement shows ($(field entries))"
run_expect 0 "record an LPJK number" sk a record-lpjk "$P1" LPJK-2025-9001
wait_entry "$IP1" 0 && pass "an LPJK recording shows within 3 s (pending -> 0)" ||
    fail "an LPJK recording shows ($(field entries))"
run_expect 0 "renew one" sk a --json renew "$N3"
NEW=$(json_field number)
wait_entry "$I3" 3 && pass "the renewed one reads REPLACED (3) within 3 s" ||
    fail "the renewed one reads REPLACED ($(field entries))"
[ "$(entry 8)" = c ] && pass "the successor has a new index (8), pending" ||
    fail "the successor has a new index (8) ($(field entries))"
wait_count 9
[ "$(field "$(echo "$NEW" | tr -d ' ')")" = 8 ] && pass "the number map gives the successor index 8" ||
    fail "the number map gives the successor index 8"

# An expired certificate (issued 2015, so expired in 2020) reads 0xd.
printf '%s\n' "name,nik,job_code,level,event,organiser,issued,lpjk_number" \
    "Tua Sekali,3171010101700001,ME063096,3,BIMTEK 2015,Dinas PUPR,2015-06-01,LPJK-2015-1" >"$T/c3.csv"
run_expect 0 "issue a certificate dated 2015" sk a issue --csv "$T/c3.csv" --out "$T/o3"
wait_entry 9 d && pass "an expired certificate reads EXPIRED (d)" || fail "an expired certificate reads EXPIRED ($(field entries))"
cp "$T/dec" "$T/dec.before"
ENTRIES=$(field entries)

# A tampered token is refused by the independent check.
get status/0
cp "$T/body" "$T/tampered"
printf '\001' | dd of="$T/tampered" bs=1 seek=$(($(wc -c <"$T/tampered") - 10)) conv=notrunc 2>/dev/null
if decode status "$T/tampered"; then fail "a tampered list fails the signature check"
else grep -q "bad signature" "$T/err" && pass "a tampered list fails the signature check" ||
    fail "a tampered list fails the signature check ($(cat "$T/err"))"; fi

# A restart changes no index and no entry.
wait_count 10; sed -n '/^[0-9]\{22\} /p' "$T/dec" >"$T/map.before"
inst_stop a
inst_start a || fail "restart"
wait_count 10; sed -n '/^[0-9]\{22\} /p' "$T/dec" >"$T/map.after"
cmp -s "$T/map.before" "$T/map.after" && [ -s "$T/map.after" ] &&
    pass "after a restart every number keeps its index" || fail "after a restart every number keeps its index"
get status/0 && decode status "$T/body"
[ "$(field entries)" = "$ENTRIES" ] && pass "after a restart the list is the same" ||
    fail "after a restart the list is the same ($(field entries) vs $ENTRIES)"
awk -v n=1 -v lpjk=0 -v seed=99 -f "$GEN" >"$T/c4.csv"
run_expect 0 "issue after the restart" sk a issue --csv "$T/c4.csv" --out "$T/o4"
n=$(awk -F, 'NR == 2 { print $(NF - 2) }' "$T/o4/issued.csv")
[ "$(qridx "$n")" = 10 ] && pass "the next index after a restart is 10, none reused" ||
    fail "the next index after a restart is 10 ($(qridx "$n"))"
wait_entry 10 c || true
wait_count 11 || true

# Without commits the lists are signed anew every status_interval.
inst_init b --issuer "LSP Status Interval" || fail "init b"
printf 'status_interval = 2s\npublish_dir = mirror\n' >>"$T/b/skkd.conf"
inst_start b || fail "start b"
grep -q "status lists: 0 certificates in 1 list(s) loaded in" "$T/b.log" &&
    pass "start-up logs the load of the lists" || fail "start-up logs the load of the lists"
HB=$(cat "$T/b.hport")
bget() { rm -f "$T/body" "$T/head"; curl -s --cacert "$T/b/tls/ca.crt" \
    --resolve "localhost:$HB:127.0.0.1" -D "$T/head" -o "$T/body" "https://localhost:$HB/$1"; }
bget status/0
node "$CHECK" status "$T/body" "$(sed -n 's/^log_key = //p' "$T/b/skk.conf")" \
    "https://localhost:$HB/status/0" >"$T/dec" 2>"$T/err"
iat1=$(field iat)
[ "$(field ttl)" = 2 ] && pass "status_interval = 2s gives ttl 2" || fail "status_interval = 2s gives ttl 2 ($(field ttl))"
head_has "cache-control: public, max-age=2" "and max-age=2"
sleep 3.5
bget status/0
node "$CHECK" status "$T/body" "$(sed -n 's/^log_key = //p' "$T/b/skk.conf")" \
    "https://localhost:$HB/status/0" >"$T/dec" 2>"$T/err"
[ -n "$iat1" ] && [ "$(field iat)" -gt "$iat1" ] && pass "a quiet list is signed again after the interval" ||
    fail "a quiet list is signed again after the interval ($iat1, $(field iat))"
# publish_dir gets each new token as the daemon makes it.
node "$CHECK" status "$T/b/mirror/status/0" "$(sed -n 's/^log_key = //p' "$T/b/skk.conf")" \
    "https://localhost:$HB/status/0" >"$T/dec" 2>"$T/err" && [ -f "$T/b/mirror/numbers/0" ] &&
    [ "$(field iat)" -gt "$iat1" ] && pass "publish_dir holds the latest status list and number map" ||
    fail "publish_dir holds the latest status list ($(cat "$T/err"))"
inst_stop b

# skkd publish writes the same kind of tokens, served by nginx with the
# shipped site file.
run_expect 0 "skkd publish" "$SKKD" publish -c "$T/a/skkd.conf" "$T/pub"
out_has "2 status lists and number maps" "publish counts the status list and number map"
[ -f "$T/pub/status/0" ] && [ -f "$T/pub/numbers/0" ] && pass "publish wrote status/0 and numbers/0" ||
    fail "publish wrote status/0 and numbers/0"
ls "$T/pub/status" | grep -q tmp && fail "publish left no temporary file" || pass "publish left no temporary file"
decode status "$T/pub/status/0" && [ "$(field entries)" = "$(get status/0 && decode status "$T/body" && field entries)" ] &&
    pass "the published list has the served entries" || fail "the published list has the served entries"
decode numbers "$T/pub/numbers/0" && [ "$(field count)" = 11 ] &&
    pass "the published number map holds 11 numbers" || fail "the published number map ($(field count))"

if command -v nginx >/dev/null 2>&1; then
	NP=$(free_port)
	nginx_site "127.0.0.1:$NP" "$T/pub"
	for _i in $(seq 50); do
		curl -s -o /dev/null "http://127.0.0.1:$NP/checkpoint" && break
		sleep 0.1
	done
	inst_stop a
	nget() { rm -f "$T/body" "$T/head"; curl -s -D "$T/head" -o "$T/body" "$@"; }
	nget "http://127.0.0.1:$NP/status/0"
	[ "$(code)" = 200 ] && cmp -s "$T/body" "$T/pub/status/0" &&
	    pass "nginx serves status/0 byte for byte, skkd stopped" || fail "nginx serves status/0 ($(code))"
	decode status "$T/body" && pass "nginx's list checks with the log key" || fail "nginx's list checks"
	head_has "content-type: application/statuslist+cwt" "nginx: status/0 is application/statuslist+cwt"
	head_has "cache-control: public, max-age=300" "nginx: status/0 max-age as skkd's"
	head_has "access-control-allow-origin: \*" "nginx: status/0 allows any origin"
	NETAG=$(hdr etag)
	nget "http://127.0.0.1:$NP/status/0" -H "If-None-Match: $NETAG"
	[ "$(code)" = 304 ] && pass "nginx: If-None-Match gets 304" || fail "nginx: If-None-Match gets 304 ($(code))"
	nget "http://127.0.0.1:$NP/numbers/0"
	cmp -s "$T/body" "$T/pub/numbers/0" && pass "nginx serves numbers/0 byte for byte" || fail "nginx serves numbers/0"
	head_has "content-type: application/skk-numbers+cwt" "nginx: numbers/0 is application/skk-numbers+cwt"
	nget "http://127.0.0.1:$NP/status/1"
	[ "$(code)" = 404 ] && pass "nginx: a list not in use is 404" || fail "nginx: a list not in use is 404 ($(code))"
	nget "http://127.0.0.1:$NP/checkpoint"
	head_has "content-type: text/plain; charset=utf-8" "nginx: the checkpoint is text/plain"
	head_has "cache-control: public, max-age=2" "nginx: the checkpoint is cached briefly"
	nget "http://127.0.0.1:$NP/tile/0/000.p/$(sed -n 2p "$T/body")"
	head_has "cache-control: public, max-age=2" "nginx: a partial tile is cached briefly"
	head_has "content-type: application/octet-stream" "nginx: a tile is application/octet-stream"
	nget "http://127.0.0.1:$NP/api/v1/issuer"
	if [ -f "$T/pub/api/v1/issuer" ]; then
		head_has "content-type: application/skk-issuer+cwt" "nginx: the issuer descriptor's type"
	fi
	nget -I "http://127.0.0.1:$NP/status/0"
	[ "$(code)" = 200 ] && [ "$(hdr content-length)" = "$(wc -c <"$T/pub/status/0")" ] &&
	    pass "nginx: HEAD status/0" || fail "nginx: HEAD status/0"
else
	fail "nginx is installed (make deps)"
fi

echo "1..$tapn"
