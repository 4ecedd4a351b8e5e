# skkd — SPDX-License-Identifier: ISC
#
# `skk trust` from a user's view, against real daemons over real TLS.
# The own server of skk.conf is listed without a step; the trust file is
# read with errors naming its line and field, found through `trust =`,
# and rewritten with its comments kept, mode 0644. `trust add` reaches
# an issuer's HTTPS port with --ca: an unknown CA and a wrong pin are TLS
# failures, a closed port is unreachable, and nothing is written then.
# Two real instances (two LSPs) are added from their signed descriptors
# (GET /api/v1/issuer), shown as trusted on first use, updated, pinned
# with the pin openssl computes, listed and removed; a descriptor for
# another host, a tampered one and a page that is no descriptor (served
# by nginx over TLS) are refused. A registry list signed by `skkd
# trust-list sign` is imported from a file and from a daemon's
# /trust-list; one signed by another key, tampered, expired or not yet
# valid is refused and changes nothing; a newer list drops an issuer.

. "$(dirname "$0")/lib.sh"

helper REDATE redate

# flip FILE OFFSET: the byte at OFFSET with its lowest bit changed, so
# the file is changed whatever the byte was.
flip() {
	_b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	printf "\\$(printf %03o $((_b ^ 1)))" |
	    dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

inst_init a --issuer "LSP Satu" --licence "BNSP-LSP-001" ||
    { echo "not ok 1 - skkd init a"; exit 1; }
inst_start a || { echo "not ok 1 - skkd a starts"; exit 1; }
pass "skkd a starts"

HA=$(cat "$T/a.hport")
TF="$T/a/trusted-issuers"
VA=$(sed -n 's/^log_key = //p' "$T/a/skk.conf")
# other issuers' log keys, for hand-written entries
inst_init b --issuer "LSP Dua" --licence "BNSP-LSP-002" ||
    { echo "not ok 2 - skkd init b"; exit 1; }
inst_init c || { echo "not ok 2 - skkd init c"; exit 1; }
inst_start b || { echo "not ok 2 - skkd b starts"; exit 1; }
HB=$(cat "$T/b.hport")
VB=$(sed -n 's/^log_key = //p' "$T/b/skk.conf")
VC=$(sed -n 's/^log_key = //p' "$T/c/skk.conf")

# --- the own server, and the file ----------------------------------------

run_expect 0 "trust list with no trust file" sk a trust list
out_has "https://localhost:$HA" "the own server is listed by its QR host"
out_has "from: skk.conf" "marked as from skk.conf"
[ ! -e "$TF" ] && pass "listing creates no file" || fail "listing created $TF"

run_expect 0 "trust list --json" sk a --json trust list
if [ "$(jq -r '.items[0].source' "$T/out")" = skk.conf ] &&
    [ "$(jq -r '.items[0].host' "$T/out")" = "localhost:$HA" ] &&
    [ "$(jq -r '.items[0].log_key' "$T/out")" = "$VA" ] &&
    [ "$(jq -r '.items | length' "$T/out")" = 1 ]; then
	pass "JSON: one item, the own server, its log key"
else
	fail "JSON list"
fi

run_expect 1 "removing an issuer not there exits 1" sk a trust remove lsp-x.example
out_has "'lsp-x.example' is not in '$TF'" "and says so"
run_expect 1 "the own server cannot be removed from the file" \
    sk a trust remove "https://localhost:$HA"
out_has "skk.conf's own server" "and says why"

# A hand-written file: a mistake is named by file, line and field.
cat >"$TF" <<EOF
# issuers of the Muaro Jambi site
issuer https://lsp-b.example:8443 log_key=$VB name="LSP Dua"
issuer https://lsp-c.example name="LSP Tiga"
EOF
run_expect 78 "a bad trust file is refused" sk a trust list
out_has "$TF:3: log_key: missing" "naming the file, line and field"
run_expect 78 "even by remove" sk a trust remove lsp-b.example:8443
cat >"$TF" <<EOF
# issuers of the Muaro Jambi site
issuer https://lsp-b.example:8443 log_key=$VB name="LSP Dua" colour=red
EOF
run_expect 78 "an unknown field is refused" sk a trust list
out_has "$TF:2: unknown field 'colour'" "naming it"

cat >"$TF" <<EOF
# issuers of the Muaro Jambi site

issuer https://LSP-B.example:8443/ log_key=$VB name="LSP \"Dua\"" licence=BNSP-2
  # the next one came by hand
issuer https://lsp-c.example:443 log_key=$VC name="LSP Tiga"
EOF
chmod 600 "$TF"
run_expect 0 "a good hand-written file is listed" sk a trust list
out_has 'name: LSP "Dua"' "with its quoted name"
out_has "from: line 5" "and each entry's line"
run_expect 0 "remove by URL" sk a trust remove https://lsp-c.example
if grep -q "lsp-c" "$TF"; then fail "the entry is still there"
elif grep -qx "# issuers of the Muaro Jambi site" "$TF" &&
    grep -qx "  # the next one came by hand" "$TF" &&
    grep -q "^issuer https://lsp-b.example:8443 log_key=$VB name=\"LSP \\\\\"Dua\\\\\"\" licence=BNSP-2\$" "$TF"; then
	pass "remove keeps the comments and the other entry"
else
	fail "the file after remove: $(cat "$TF")"
fi
[ "$(stat -c %a "$TF")" = 644 ] && pass "the file is rewritten mode 0644" ||
    fail "mode $(stat -c %a "$TF")"
[ ! -e "$TF.tmp" ] && pass "no temporary file left" || fail "$TF.tmp left"
run_expect 1 "removing it again exits 1" sk a trust remove lsp-c.example

# trust = FILE in skk.conf, relative to skk.conf's directory.
cp "$T/a/skk.conf" "$T/a/other.conf"
echo "trust = lists/mine" >>"$T/a/other.conf"
mkdir "$T/a/lists"
printf 'issuer https://lsp-d.example log_key=%s name="LSP Empat"\n' "$VC" \
    >"$T/a/lists/mine"
run_expect 0 "trust = names another file" "$SKK" -c "$T/a/other.conf" trust list
out_has "https://lsp-d.example" "whose issuers are listed"
if grep -qF "lsp-b.example" "$T/out"; then fail "the default file was read too"
else pass "and not the default file"; fi

# --- add: reaching the issuer ------------------------------------------

cp "$TF" "$T/tf.before"
CLOSED=$(free_port)
run_expect 69 "add: a closed port is unreachable" \
    sk a trust add "https://localhost:$CLOSED" --ca "$T/a/tls/ca.crt"
out_has "unreachable" "and says so"
run_expect 76 "add: a private CA not given is a TLS failure" \
    sk a trust add "https://localhost:$HA"
out_has "certificate is not trusted" "and says so"
run_expect 76 "add: a wrong pin is a TLS failure" \
    sk a trust add "https://localhost:$HA" --ca "$T/a/tls/ca.crt" \
    --pin "sha256:$(printf '%064d' 0)"
out_has "not the pinned one" "and says so"
run_expect 64 "add: a bad pin is a usage error" \
    sk a trust add "https://localhost:$HA" --pin sha256:abc
run_expect 64 "add: http:// is refused" sk a trust add "http://localhost:$HA"
run_expect 64 "add: --cert without --key" \
    sk a trust add "https://localhost:$HA" --cert "$T/a/tls/admin.crt"
run_expect 64 "add: --server-name without --server" \
    sk a trust add "https://localhost:$HA" --server-name localhost
out_has "--server-name goes with --server" "and says so"
run_expect 64 "add: --server without a port" \
    sk a trust add "https://localhost:$HA" --server localhost
out_has "--server: 'localhost': expected HOST:PORT" "and says which"
run_expect 66 "add: a missing --ca file" \
    sk a trust add "https://localhost:$HA" --ca "$T/nothere.crt"
cmp -s "$T/tf.before" "$TF" && pass "failed adds changed nothing" ||
    fail "the trust file changed"

# --- add: two real issuers ------------------------------------------

rm -f "$TF"
run_expect 0 "add issuer b with its CA" \
    sk a trust add "https://localhost:$HB" --ca "$T/b/tls/ca.crt"
out_has "name: LSP Dua" "shows its name"
out_has "licence: BNSP-LSP-002" "its licence"
out_has "host: localhost:$HB" "its host"
out_has "log key: $VB" "its log key"
out_has "QR keys: 1" "how many QR keys"
FPR=$(printf '%s' "$VB" | cut -d+ -f3- | base64 -d | tail -c 32 |
    openssl dgst -sha256 -r | cut -d' ' -f1)
out_has "fingerprint: sha256:$FPR" "the fingerprint openssl computes"
out_has "trust: added" "and that it was added"
if grep -qx "issuer https://localhost:$HB log_key=$VB name=\"LSP Dua\" licence=BNSP-LSP-002 ca=$T/b/tls/ca.crt" "$TF"; then
	pass "the trust file has b's line, the CA as an absolute path"
else
	fail "trust file: $(cat "$TF")"
fi

# the pin of b's HTTPS key, as openssl computes it
PIN=$(openssl x509 -in "$T/b/tls/server.crt" -pubkey -noout |
    openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64)
PINHEX=$(printf '%s' "$PIN" | base64 -d | od -An -tx1 | tr -d ' \n')
run_expect 0 "add b again with its pin in curl's form" \
    sk a --json trust add "https://localhost:$HB" --pin "sha256//$PIN" --name "Dua (Jambi)"
if [ "$(jq -r .action "$T/out")" = updated ] &&
    [ "$(jq -r .local_name "$T/out")" = "Dua (Jambi)" ] &&
    [ "$(jq -r .keys "$T/out")" = 1 ]; then
	pass "JSON: updated, shown under the name given"
else
	fail "JSON add"
fi
if [ "$(grep -c '^issuer ' "$TF")" = 1 ] &&
    grep -q "^issuer https://localhost:$HB .*name=\"Dua (Jambi)\" .*pin=sha256:$PINHEX ca=$T/b/tls/ca.crt" "$TF"; then
	pass "still one line, now with the pin in hex and the CA kept"
else
	fail "trust file: $(cat "$TF")"
fi
run_expect 0 "the pin and CA on file are used again" sk a trust add "https://localhost:$HB"
grep -q "^issuer https://localhost:$HB .*name=\"LSP Dua\" .*pin=sha256:$PINHEX" "$TF" &&
    pass "the name follows the descriptor when --name is not given" ||
    fail "trust file: $(cat "$TF")"
run_expect 0 "add the own server a, with a reader certificate" \
    sk a trust add "https://localhost:$HA" --ca "$T/a/tls/ca.crt" \
    --cert "$T/a/tls/admin.crt" --key "$T/a/tls/admin.key"
grep -q "^issuer https://localhost:$HA .*cert=$T/a/tls/admin.crt key=$T/a/tls/admin.key" "$TF" &&
    pass "its line names the reader certificate and key" || fail "no cert= key="

run_expect 0 "trust list" sk a --json trust list
if [ "$(jq -r '.items | length' "$T/out")" = 2 ] &&
    [ "$(jq -r '.items[0].source' "$T/out")" = "skk.conf, line 2" ] &&
    [ "$(jq -r '.items[0].name' "$T/out")" = "LSP Satu" ] &&
    [ "$(jq -r '.items[1].host' "$T/out")" = "localhost:$HB" ] &&
    [ "$(jq -r '.items[1].pin' "$T/out")" = "sha256:$PINHEX" ] &&
    [ "$(jq -r '.items[1].source' "$T/out")" = "line 1" ]; then
	pass "own server first (its file line merged), then b with its pin"
else
	fail "list: $(cat "$T/out")"
fi

# the descriptor must name the host it was fetched from
cp "$TF" "$T/tf.before"
run_expect 65 "a descriptor for another host is refused" \
    sk a trust add "https://127.0.0.1:$HB" --ca "$T/b/tls/ca.crt"
out_has "the descriptor is for host 'localhost:$HB', not '127.0.0.1:$HB'" "naming both"

# nginx over TLS with b's certificate: a tampered descriptor, and a page
curl -s --cacert "$T/b/tls/ca.crt" -o "$T/desc" "https://localhost:$HB/api/v1/issuer"
W="$T/www"; mkdir -p "$W/t/api/v1" "$W/p/api/v1" "$T/ng/logs" "$T/ng/tmp"
cp "$T/desc" "$W/t/api/v1/issuer"
n=$(($(wc -c <"$T/desc") - 70))
flip "$W/t/api/v1/issuer" $n
cmp -s "$T/desc" "$W/t/api/v1/issuer" && fail "the descriptor was not changed"
echo "<html>hello</html>" >"$W/p/api/v1/issuer"
NP=$(free_port); NQ=$(free_port)
cat >"$T/ng/nginx.conf" <<NGX
user root;
worker_processes 1;
pid $T/ng/nginx.pid;
error_log $T/ng/logs/error.log;
events { worker_connections 64; }
http {
	access_log off;
	client_body_temp_path $T/ng/tmp; proxy_temp_path $T/ng/tmp;
	fastcgi_temp_path $T/ng/tmp; uwsgi_temp_path $T/ng/tmp; scgi_temp_path $T/ng/tmp;
	ssl_certificate $T/b/tls/server.crt;
	ssl_certificate_key $T/b/tls/server.key;
	server { listen 127.0.0.1:$NP ssl; root $W/t; }
	server { listen 127.0.0.1:$NQ ssl; root $W/p; }
}
NGX
nginx -p "$T/ng" -c "$T/ng/nginx.conf" -g 'daemon off;' 2>"$T/ng/logs/stderr" &
pids="$pids $!"
for _i in $(seq 50); do
	curl -s -k -o /dev/null "https://127.0.0.1:$NQ/" && break
	sleep 0.1
done
run_expect 65 "a tampered descriptor is refused" \
    sk a trust add "https://localhost:$NP" --ca "$T/b/tls/ca.crt"
out_has "not a good issuer descriptor" "as not a good descriptor"
run_expect 65 "a page that is no descriptor is refused" \
    sk a trust add "https://localhost:$NQ" --ca "$T/b/tls/ca.crt"
out_has "not a good issuer descriptor" "likewise"
cmp -s "$T/tf.before" "$TF" && pass "refused descriptors changed nothing" ||
    fail "the trust file changed"

run_expect 0 "remove b by host" sk a trust remove "localhost:$HB"
run_expect 0 "trust list" sk a --json trust list
[ "$(jq -r '.items | length' "$T/out")" = 1 ] && pass "only the own server is left" ||
    fail "list after remove: $(cat "$T/out")"
grep -q "localhost:$HB" "$TF" && fail "b is still in the file" || pass "b is gone from the file"

# --- import: a registry's signed list -------------------------------

"$SKKD" trust-list keygen "$T/lpjk.key" >/dev/null &&
    "$SKKD" trust-list keygen "$T/rogue.key" >/dev/null ||
    fail "skkd trust-list keygen"
cat >"$T/list.txt" <<LIST
# licensed LSPs
https://localhost:$HA $VA BNSP-LSP-001 LSP Satu
https://localhost:$HB $VB - LSP Dua
https://lsp-c.example:8443 $VC BNSP-LSP-003 LSP Tiga
LIST
"$SKKD" trust-list sign --key "$T/lpjk.key" --name "LPJK Uji" --days 10 \
    "$T/list.txt" -o "$T/list.cwt" >/dev/null || fail "skkd trust-list sign"
"$SKKD" trust-list sign --key "$T/rogue.key" --name "LPJK Uji" \
    "$T/list.txt" -o "$T/rogue.cwt" >/dev/null || fail "sign with another key"
cp "$T/list.cwt" "$T/tampered.cwt"
n=$(($(wc -c <"$T/list.cwt") - 100))
flip "$T/tampered.cwt" $n
cmp -s "$T/list.cwt" "$T/tampered.cwt" && fail "the list was not changed"
now=$(date +%s)
"$REDATE" "$T/lpjk.key" "$T/list.cwt" "$T/old.cwt" $((now - 864000)) $((now - 60)) &&
    "$REDATE" "$T/lpjk.key" "$T/list.cwt" "$T/early.cwt" $((now + 3600)) $((now + 864000)) ||
    fail "redate"

cp "$TF" "$T/tf.before"
run_expect 65 "import: a list signed by another key is refused" \
    sk a trust import "$T/rogue.cwt" --key "$T/lpjk.key.pub"
out_has "refused, nothing changed: " "and says so"
run_expect 65 "import: a tampered list is refused" \
    sk a trust import "$T/tampered.cwt" --key "$T/lpjk.key.pub"
run_expect 65 "import: an expired list is refused" \
    sk a trust import "$T/old.cwt" --key "$T/lpjk.key.pub"
out_has "expired" "saying it expired"
run_expect 65 "import: a list not yet valid is refused" \
    sk a trust import "$T/early.cwt" --key "$T/lpjk.key.pub"
run_expect 65 "import: a descriptor is not a list" \
    sk a trust import "$T/desc" --key "$T/lpjk.key.pub"
run_expect 64 "import: --key is required" sk a trust import "$T/list.cwt"
run_expect 66 "import: a missing list file" \
    sk a trust import "$T/none.cwt" --key "$T/lpjk.key.pub"
cmp -s "$T/tf.before" "$TF" && pass "refused lists changed nothing" ||
    fail "the trust file changed"

run_expect 0 "import the registry's list" \
    sk a trust import "$T/list.cwt" --key "$T/lpjk.key.pub"
out_has "3 issuers imported (2 new)" "3 issuers imported, 2 new (a was there)"
RPUB=$(openssl pkey -pubin -in "$T/lpjk.key.pub" -outform der | tail -c 32 | base64)
grep -qx "registry LPJK-Uji $RPUB" "$TF" &&
    pass "the registry's key is recorded, as openssl reads it" ||
    fail "registry line: $(grep '^registry' "$TF")"
if [ "$(grep -c ' registry=LPJK-Uji$' "$TF")" = 3 ] &&
    grep -q "^issuer https://localhost:$HA .*cert=$T/a/tls/admin.crt key=$T/a/tls/admin.key registry=LPJK-Uji" "$TF" &&
    grep -q "^issuer https://lsp-c.example:8443 log_key=$VC name=\"LSP Tiga\" licence=BNSP-LSP-003 registry=LPJK-Uji" "$TF"; then
	pass "every issuer is marked with the registry; a keeps its reader cert"
else
	fail "trust file: $(cat "$TF")"
fi
run_expect 0 "trust list" sk a --json trust list
[ "$(jq -r '[.items[] | .registry // empty] | join(" ")' "$T/out")" = "LPJK-Uji LPJK-Uji" ] &&
    [ "$(jq -r '.items | length' "$T/out")" = 3 ] &&
    pass "listed: the own server, b and c" || fail "list: $(cat "$T/out")"

# The list served by a daemon at /trust-list, fetched and re-imported.
printf 'trust_list = %s\n' "$T/list.cwt" >>"$T/a/skkd.conf"
inst_stop a; inst_start a || fail "a restarts with trust_list"
run_expect 0 "import from a daemon's /trust-list" \
    sk a --json trust import "https://localhost:$HA/trust-list" \
    --key "$T/lpjk.key.pub" --ca "$T/a/tls/ca.crt" --name lpjk
[ "$(jq -r '[.registry, .imported, .new, .removed] | join(" ")' "$T/out")" = "lpjk 3 0 0" ] &&
    pass "JSON: registry lpjk, 3 imported, 0 new" || fail "JSON: $(cat "$T/out")"
grep -qx "registry lpjk $RPUB url=https://localhost:$HA/trust-list ca=$T/a/tls/ca.crt" "$TF" &&
    pass "its URL and CA are recorded to fetch it again" ||
    fail "registry: $(grep '^registry' "$TF")"
run_expect 64 "--ca with a list file is refused" \
    sk a trust import "$T/list.cwt" --key "$T/lpjk.key.pub" --ca "$T/a/tls/ca.crt"

# A newer list without c: c is dropped, the others stay.
grep -v lsp-c "$T/list.txt" >"$T/list2.txt"
"$SKKD" trust-list sign --key "$T/lpjk.key" --name "LPJK Uji" \
    "$T/list2.txt" -o "$T/list2.cwt" >/dev/null || fail "sign list 2"
run_expect 0 "import the newer list" sk a trust import "$T/list2.cwt" \
    --key "$T/lpjk.key.pub" --name lpjk
out_has "2 issuers imported (0 new)" "2 imported"
out_has "lsp-c.example:8443 is no longer on lpjk's list: removed" "c dropped, said"
grep -q "lsp-c.example" "$TF" && fail "c is still trusted" || pass "c is gone"
grep -q "^issuer https://localhost:$HB " "$TF" && pass "b stays" || fail "b is gone"

echo "1..$tapn"
