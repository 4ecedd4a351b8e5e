# skkd — SPDX-License-Identifier: ISC
#
# The mTLS negative matrix for writes: every client that is not a valid,
# unrevoked admin of this instance's client CA is refused (exit 77, "not
# authorised") and nothing is written; the admin is accepted. Expired
# and not-yet-valid admin certificates are made here with "openssl ca".

. "$(dirname "$0")/lib.sh"

inst_init a --issuer "LSP Uji Alat Berat" || { echo "not ok 1 - skkd init"; exit 1; }
inst_start a || { echo "not ok 1 - skkd starts"; exit 1; }
A="$T/a/tls"
i=0

certs() {	# certificates held in the store, from skk stats
	sk a --json stats | sed -n 's/.*"certificates": *\([0-9]*\).*/\1/p'
}

# conf NAME CERT KEY: an skk.conf for NAME with that certificate.
conf() {
	grep -v -e '^cert' -e '^key' "$T/a/skk.conf" >"$T/a/$1.conf"
	[ -n "$2" ] && printf 'cert = %s\nkey = %s\n' "$2" "$3" >>"$T/a/$1.conf"
}

# mkcert NAME OU START END: an admin-shaped certificate from the client CA.
mkcert() {
	mkdir -p "$T/ca/new"; : >>"$T/ca/index"
	[ -f "$T/ca/serial" ] || echo 5A000001 >"$T/ca/serial"
	cat >"$T/ca/ca.cnf" <<CNF
[ca]
default_ca = c
[c]
dir = $T/ca
database = \$dir/index
new_certs_dir = \$dir/new
serial = \$dir/serial
default_md = sha256
policy = p
unique_subject = no
copy_extensions = none
x509_extensions = x
[p]
organizationalUnitName = supplied
commonName = supplied
[x]
basicConstraints = critical,CA:FALSE
extendedKeyUsage = clientAuth
CNF
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$T/$1.key" -subj "/OU=$2/CN=$1" -out "$T/$1.csr" 2>/dev/null &&
	openssl ca -batch -config "$T/ca/ca.cnf" -cert "$A/client-ca.crt" \
	    -keyfile "$A/client-ca.key" -in "$T/$1.csr" -out "$T/$1.crt" \
	    -startdate "$3" -enddate "$4" -notext >/dev/null 2>&1
}

# refused DESC CONF: a write with CONF is refused and writes nothing.
refused() {
	before=$(certs)
	i=$((i + 1))
	"$SKK" -c "$2" issue --name "Budi Santoso" --nik "15050101017$(printf %05d $i)" \
	    --job ME063096 --level 3 >"$T/out" 2>"$T/err"
	rc=$?
	after=$(certs)
	if [ "$rc" -eq 77 ] && grep -q "not authorised" "$T/out" "$T/err" &&
	    [ "$before" = "$after" ]; then
		pass "$1: refused (77, not authorised, $after certificates)"
		nref=$((nref + 1))
	else
		fail "$1: refused (exit $rc, certificates $before -> $after)"
	fi
	ncase=$((ncase + 1))
}
nref=0; ncase=0

conf none "" ""
refused "no client certificate" "$T/a/none.conf"

inst_init other >/dev/null 2>&1
conf foreign "$T/other/tls/admin.crt" "$T/other/tls/admin.key"
refused "another CA's admin certificate" "$T/a/foreign.conf"

if mkcert expired admin 20200101000000Z 20210101000000Z; then
	conf expired "$T/expired.crt" "$T/expired.key"
	refused "an expired admin certificate (2020-2021)" "$T/a/expired.conf"
else
	fail "openssl ca makes an expired certificate"
fi
if mkcert future admin 20990101000000Z 21000101000000Z; then
	conf future "$T/future.crt" "$T/future.key"
	refused "a not-yet-valid admin certificate (2099-2100)" "$T/a/future.conf"
else
	fail "openssl ca makes a not-yet-valid certificate"
fi

# A certificate signed by this client CA with no admin role.
if mkcert norole staff 20200101000000Z 20991231000000Z; then
	conf norole "$T/norole.crt" "$T/norole.key"
	refused "a current certificate of the client CA with OU=staff" "$T/a/norole.conf"
else
	fail "openssl ca makes an OU=staff certificate"
fi

"$SKKD" add-client -c "$T/a/skkd.conf" reader1 --role reader >"$T/out" 2>&1 ||
    fail "add-client reader1 --role reader"
conf reader "$A/clients/reader1.crt" "$A/clients/reader1.key"
refused "a reader-role certificate" "$T/a/reader.conf"

"$SKKD" add-client -c "$T/a/skkd.conf" gone --role admin >"$T/out" 2>&1
SER=$(sed -n 's/^# client certificate serial \([0-9A-F]*\)$/\1/p' "$T/out")
conf gone "$A/clients/gone.crt" "$A/clients/gone.key"
run_expect 0 "admin 'gone' may issue before revocation" "$SKK" -c "$T/a/gone.conf" issue \
    --name "Budi Santoso" --nik 1505010101700991 --job ME063096 --level 3
"$SKKD" revoke-client -c "$T/a/skkd.conf" "$SER" >"$T/out" 2>&1 ||
    fail "revoke-client $SER"
sleep 1.1	# revocation takes effect within a second
refused "a revoked admin serial ($SER)" "$T/a/gone.conf"

# The same recipe with current dates and OU=admin is accepted: the
# refusals above are for the dates and the role, not the recipe.
if mkcert fresh admin 20200101000000Z 20991231000000Z; then
	conf fresh "$T/fresh.crt" "$T/fresh.key"
	run_expect 0 "a current OU=admin certificate made the same way is accepted" \
	    "$SKK" -c "$T/a/fresh.conf" issue --name "Budi Santoso" \
	    --nik 1505010101700993 --job ME063096 --level 3
else
	fail "openssl ca makes a current admin certificate"
fi

[ "$nref" -eq "$ncase" ] && pass "mTLS matrix: $nref/$ncase refused" ||
    fail "mTLS matrix: $nref/$ncase refused"
echo "# mTLS write matrix: $nref/$ncase refused"

before=$(certs)
run_expect 0 "the instance's admin is accepted" sk a issue --name "Budi Santoso" \
    --nik 1505010101700992 --job ME063096 --level 3
[ "$(certs)" = $((before + 1)) ] && pass "and one certificate is written" ||
    fail "and one certificate is written"
