# skkd — SPDX-License-Identifier: ISC
#
# The static read path (issue #14): skkd publish's files served by a
# real nginx over HTTPS with contrib/nginx/skkd-static.conf, the daemon
# stopped, and `skk sync --mirror` reading the issuer from nginx. The
# crew's offline verdicts are right and as of the publish's time; a
# revocation made after the publish is not seen (still VALID, as of the
# old time) until the next publish, then NOT VALID with a newer as-of.
# Without the mirror sync fails (the daemon is down), and a mirror
# serving a document that does not verify is refused with the cache
# kept: the mirror is not trusted, the log key's signatures are.

. "$(dirname "$0")/lib.sh"

CHECK="$(dirname "$0")/statuscheck.mjs"
command -v nginx >/dev/null 2>&1 || { echo "not ok 1 - nginx is installed (make deps)"; echo "1..1"; exit 1; }

inst_init a --issuer "LSP Cermin" || { echo "not ok 1 - skkd init"; exit 1; }
inst_start a || { echo "not ok 1 - skkd starts"; exit 1; }
pass "skkd init and start"
HP=$(cat "$T/a.hport")
VKEY=$(sed -n 's/^log_key = //p' "$T/a/skk.conf")
C=$T/cache
NIK=3515014107900003

# issue NAME NUMBER: a recorded (active) certificate.
issue() {
	sk a --json issue --name "$1" --nik "$NIK" --job ME063096 --level 3 \
	    --lpjk "LPJK-$RANDOM$RANDOM" --number "$2" >"$T/out" 2>"$T/err"
	N=$(json_field number)
}
issue "Siti Rahayu" "42101 8342 3 00000101 2025"; V1=$N
issue "Budi Santoso" "42101 8342 3 00000102 2025"; V2=$N
issue "Dewi Lestari" "42101 8342 3 00000103 2025"; V3=$N
[ -n "$V1" ] && [ -n "$V2" ] && [ -n "$V3" ] && pass "three certificates issued and recorded" ||
    fail "three certificates issued and recorded"
{
	echo "name,nomor_skk"
	echo "Siti Rahayu,$V1"
	echo "Budi Santoso,$V2"
	echo "Dewi Lestari,$V3"
} >"$T/crew.csv"

# asof FILE: a published list's iat as ISO 8601 UTC (read by statuscheck).
asof() {
	_iat=$(node "$CHECK" "$1" "$T/pub/$1/0" "$VKEY" "https://localhost:$HP/$1/0" |
	    sed -n 's/^iat //p')
	[ -n "$_iat" ] && date -u -d "@$_iat" +%Y-%m-%dT%H:%M:%SZ
}

run_expect 0 "skkd publish" "$SKKD" publish -c "$T/a/skkd.conf" "$T/pub"
AS1=$(asof status); AN1=$(asof numbers)
[ -n "$AS1" ] && [ -n "$AN1" ] && pass "the published list and map check with the log key" ||
    fail "the published list and map check ($AS1 $AN1)"

# nginx with the shipped site, over HTTPS with a certificate of the test CA.
NP=$(free_port)
nginx_site "127.0.0.1:$NP ssl; ssl_certificate $T/a/tls/server.crt; ssl_certificate_key $T/a/tls/server.key" \
    "$T/pub" localhost
M="https://localhost:$NP"
for _i in $(seq 50); do
	curl -s -o /dev/null --cacert "$T/a/tls/ca.crt" "$M/api/v1/issuer" && break
	sleep 0.1
done
curl -s -o /dev/null -w '%{http_code}' --cacert "$T/a/tls/ca.crt" "$M/status/0" | grep -q 200 &&
    pass "nginx serves the publish directory over HTTPS" ||
    fail "nginx serves the publish directory ($(cat "$T/ngx/logs/stderr" "$T/ngx/logs/error.log" 2>/dev/null | tail -n 3))"

inst_stop a
run_expect 69 "without a mirror, sync fails: skkd is down" sk a sync --cache "$C"
run_expect 64 "--mirror of an issuer not trusted is refused" \
    sk a sync --cache "$C" --mirror "other.example=$M"
out_has "other.example is not a trusted issuer" "names the issuer not trusted"
run_expect 64 "--mirror without ISSUER= is refused" sk a sync --cache "$C" --mirror "$M"
run_expect 0 "sync from the nginx mirror" sk a sync --cache "$C" --mirror "localhost:$HP=$M"
out_has "localhost:$HP (LSP Cermin): issuer descriptor, 1 status list, 1 number map" \
    "the line names the issuer, not the mirror"

# crew: run the crew offline into $T/v.csv.
crew() {
	sk a verify --offline --cache "$C" --csv "$T/crew.csv" --out "$T/v.csv" >"$T/out" 2>"$T/err"
}
row() { grep -F "$1" "$T/v.csv" | head -n 1; }
# the as-of column of a row
rasof() { row "$1" | awk -F, '{ print $(NF - 1) }'; }
crew
[ "$(grep -c ",valid,ok,,localhost:$HP," "$T/v.csv")" = 3 ] && pass "offline: the crew is valid" ||
    fail "offline: the crew is valid ($(tr '\n' '|' <"$T/v.csv"))"
A=$(rasof "$V2")
{ [ "$A" = "$AS1" ] || [ "$A" = "$AN1" ]; } && pass "as of the publish's time ($A)" ||
    fail "as of the publish's time ($A, published $AS1 $AN1)"

# A revocation after the publish: the mirror does not have it yet.
inst_start a || fail "skkd starts again"
run_expect 0 "revoke one" sk a revoke "$V2" --reason "card lent"
run_expect 0 "sync from the mirror again" sk a sync --cache "$C" --mirror "localhost:$HP=$M"
crew
row "$V2" | grep -q ",valid,ok," && [ "$(rasof "$V2")" = "$A" ] &&
    pass "not published yet: still valid, as of the old time" ||
    fail "not published yet ($(row "$V2"))"

# A mirror that serves what does not verify: refused, the cache kept.
cp "$T/pub/status/0" "$T/status0.good"
printf 'x' >>"$T/pub/status/0"
run_expect 69 "a status list that does not verify is refused" \
    sk a sync --cache "$C" --mirror "localhost:$HP=$M"
out_has "status/0" "names the document refused"
crew
row "$V2" | grep -q ",valid,ok," && [ "$(rasof "$V2")" = "$A" ] &&
    pass "the cache kept the verified list" || fail "the cache kept ($(row "$V2"))"
cp "$T/status0.good" "$T/pub/status/0"

sleep 1		# the next publish's iat is a later second
run_expect 0 "skkd publish again" "$SKKD" publish -c "$T/a/skkd.conf" "$T/pub"
inst_stop a
run_expect 0 "sync from the mirror after the publish" sk a sync --cache "$C" --mirror "localhost:$HP=$M"
crew
row "$V2" | grep -q ",not_valid,revoked,,localhost:$HP," && pass "published: the revoked one is not valid" ||
    fail "published: revoked ($(row "$V2"))"
B=$(rasof "$V2")
[ -n "$B" ] && [ "$B" \> "$A" ] && pass "as of the new publish ($B after $A)" || fail "newer as-of ($B, was $A)"
row "$V1" | grep -q ",valid,ok," && row "$V3" | grep -q ",valid,ok," &&
    pass "the others are still valid" || fail "the others ($(tr '\n' '|' <"$T/v.csv"))"
out_has "2 valid, 1 not valid" "the summary counts the revocation"

echo "1..$tapn"
