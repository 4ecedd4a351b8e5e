# skkd — SPDX-License-Identifier: ISC
#
# "skkd check" over a store of several batches, checked by one thread
# per CPU: a good store passes with every count, then a store with one
# payload's signature spoiled and one NIK index entry gone (made by a
# dump and reload, hex format) fails naming exactly those two.

. "$(dirname "$0")/lib.sh"

GEN="$(dirname "$0")/../bench/gencohort.awk"
N=700	# nearly three batches of 256

inst_init a --issuer "LSP Uji Alat Berat" || { echo "not ok 1 - skkd init"; exit 1; }
inst_start a || { echo "not ok 1 - skkd starts"; exit 1; }
awk -v n=$N -f "$GEN" >"$T/cohort.csv"
run_expect 0 "issue a $N-row cohort" sk a issue --csv "$T/cohort.csv" --out "$T/o1"
inst_stop a

# count NAME: a count from the last check's output.
count() { sed -n "s/^$1 //p" "$T/out"; }

run_expect 0 "skkd check on the good store" "$SKKD" check -c "$T/a/skkd.conf"
[ "$(count certificates)" = $N ] && [ "$(count signatures_ok)" = $N ] &&
    [ "$(count nik_index_ok)" = $N ] && [ "$(count events)" = $N ] &&
    [ "$(count problems)" = 0 ] && pass "good store: every count is $N, no problem" ||
    fail "good store: counts ($(tr '\n' ' ' <"$T/out"))"
[ -s "$T/err" ] && fail "good store: nothing on stderr" || pass "good store: nothing on stderr"

# Two numbers in different batches, as the store keys them (spaces).
n1=$(awk -F, 'NR == 101 { print $(NF - 2) }' "$T/o1/issued.csv")
n2=$(awk -F, 'NR == 651 { print $(NF - 2) }' "$T/o1/issued.csv")
k1=$(printf %s "$n1" | tr -c '0-9\n' ' ' | od -An -tx1 | tr -d ' \n')
k2=$(printf %s "$n2" | tr -c '0-9\n' ' ' | od -An -tx1 | tr -d ' \n')
mdb_dump -a "$T/a/db" >"$T/all.dump"
dump_edit "$T/all.dump" '
{
	# The qr payload of n1: its last byte (in the signature) flipped.
	if (db == "qr" && key == " " k1) {
		b = substr($0, length($0) - 1)
		$0 = substr($0, 1, length($0) - 2) (b == "00" ? "01" : "00")
		spoiled++
	}
	# The NIK index entry of n2: left out.
	if (db == "nik" && $0 == " " k2) { dropped++; next }
	print key; print
}
END { if (spoiled != 1 || dropped != 1) exit 1 }' -v k1="$k1" -v k2="$k2" >"$T/bad.dump" &&
    pass "a dump with one payload spoiled and one NIK entry gone" ||
    fail "a dump with one payload spoiled and one NIK entry gone"
mkdir "$T/baddb"
mdb_load -f "$T/bad.dump" "$T/baddb" 2>"$T/err" && mv "$T/a/db" "$T/gooddb" &&
    mv "$T/baddb" "$T/a/db" && pass "the spoiled store loads" || fail "the spoiled store loads"

run_expect 1 "skkd check on the spoiled store exits 1" "$SKKD" check -c "$T/a/skkd.conf"
[ "$(count certificates)" = $N ] && [ "$(count signatures_ok)" = $((N - 1)) ] &&
    [ "$(count nik_index_ok)" = $((N - 1)) ] && [ "$(count events)" = $N ] &&
    [ "$(count problems)" = 2 ] && pass "spoiled store: $((N - 1)) signatures and NIK entries, 2 problems" ||
    fail "spoiled store: counts ($(tr '\n' ' ' <"$T/out"))"
n1s=$(printf %s "$n1" | tr -c '0-9\n' ' '); n2s=$(printf %s "$n2" | tr -c '0-9\n' ' ')
grep -q "^skkd: check: $n1s: .*signature" "$T/err" &&
    pass "the spoiled payload is named with its signature" ||
    fail "the spoiled payload is named ($(head -n 3 "$T/err"))"
grep -qx "skkd: check: $n2s: missing from the NIK index" "$T/err" &&
    pass "the certificate missing from the NIK index is named" ||
    fail "the certificate missing from the NIK index is named"
[ "$(wc -l <"$T/err")" = 2 ] && pass "two problem lines, nothing else" ||
    fail "two problem lines ($(wc -l <"$T/err"))"

echo "1..$tapn"
