# skkd — SPDX-License-Identifier: ISC
#
# `skk trust` from a user's view, against real daemons over real TLS.
# The own server of skk.conf is listed without a step; the trust file is
# read with errors naming its line and field, found through `trust =`,
# and rewritten with its comments kept, mode 0644. `trust add` reaches
# an issuer's HTTPS port with --ca: an unknown CA and a wrong pin are TLS
# failures, a closed port is unreachable, and nothing is written then.

. "$(dirname "$0")/lib.sh"

inst_init a --issuer "LSP Satu" --licence "BNSP-LSP-001" ||
    { echo "not ok 1 - skkd init a"; exit 1; }
inst_start a || { echo "not ok 1 - skkd a starts"; exit 1; }
pass "skkd a starts"

HA=$(cat "$T/a.hport")
TF="$T/a/trusted-issuers"
VA=$(sed -n 's/^log_key = //p' "$T/a/skk.conf")
# other issuers' log keys, for hand-written entries
inst_init b || { echo "not ok 2 - skkd init b"; exit 1; }
inst_init c || { echo "not ok 2 - skkd init c"; exit 1; }
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
run_expect 66 "add: a missing --ca file" \
    sk a trust add "https://localhost:$HA" --ca "$T/nothere.crt"
cmp -s "$T/tf.before" "$TF" && pass "failed adds changed nothing" ||
    fail "the trust file changed"

echo "1..$tapn"
