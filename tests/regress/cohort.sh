# skkd — SPDX-License-Identifier: ISC
#
# Whole cohorts and whole crews: "skk issue --csv" of a generated cohort
# against a real daemon, bad files refused whole with every line named,
# spreadsheet dialects, a client killed mid-batch, re-runs, dry runs,
# formula injection, and "skk verify --csv" with mixed verdicts.

. "$(dirname "$0")/lib.sh"

GEN="$(dirname "$0")/../bench/gencohort.awk"

inst_init a --issuer "LSP Uji Alat Berat" || { echo "not ok 1 - skkd init"; exit 1; }
inst_start a || { echo "not ok 1 - skkd starts"; exit 1; }
pass "skkd init and start"

# stat FIELD: a number from "skk --json stats".
stat() {
	sk a --json stats | sed -n "s/.*\"$1\": *\([0-9]*\).*/\1/p"
}
# col N FILE: column N of a CSV without quoted commas before it.
numbers() {
	awk -F, 'NR > 1 { print $(NF - 2) }' "$1"
}

# A 300-row cohort in one command, then every certificate verifies.
awk -v n=300 -f "$GEN" >"$T/cohort.csv"
grep -q "Sukarno," "$T/cohort.csv" && grep -q "Siti Nur'aini" "$T/cohort.csv" &&
    pass "cohort has mononyms and apostrophes" || fail "cohort has mononyms and apostrophes"
run_expect 0 "issue a 300-row cohort" sk a issue --csv "$T/cohort.csv" --out "$T/o1"
out_has "300 certificates issued" "issue says 300 issued"
[ "$(stat certificates)" = 300 ] && pass "store holds 300 certificates" ||
    fail "store holds 300 certificates ($(stat certificates))"
[ "$(wc -l <"$T/o1/issued.csv")" = 301 ] && pass "issued.csv has 300 rows" ||
    fail "issued.csv has 300 rows"
head -n 1 "$T/o1/issued.csv" | grep -q "nik" && fail "issued.csv has no NIK column" ||
    pass "issued.csv has no NIK column"
grep -q "1505" "$T/o1/issued.csv" && fail "issued.csv holds no NIK" || pass "issued.csv holds no NIK"
head -n 1 "$T/o1/issued.csv" | grep -q "number,qr_url,status" &&
    pass "issued.csv has number, qr_url, status" || fail "issued.csv has number, qr_url, status"
# Consecutive numbers: the 8-digit sequence goes up by one per row.
numbers "$T/o1/issued.csv" | awk '{ s = $4 + 0; if (NR > 1 && s != p + 1) bad = 1; p = s }
    END { exit bad }' && pass "numbers are consecutive" || fail "numbers are consecutive"
[ "$(ls "$T/o1" | grep -c '^42101_8342_3_[0-9]*_2025\.png$')" = 300 ] &&
    pass "a QR PNG per certificate, named by number" || fail "a QR PNG per certificate"
f=$(ls "$T/o1"/*.png | head -n 1)
[ "$(zbarimg -q --raw "$f" 2>/dev/null)" = "$(awk -F, 'NR == 2 { print $(NF - 1) }' "$T/o1/issued.csv")" ] &&
    pass "the PNG holds the QR URL" || fail "the PNG holds the QR URL"
run_expect 0 "every certificate of the cohort verifies" sk a verify --csv "$T/o1/issued.csv" --out "$T/v1.csv"
out_has "300 valid, 0 not valid" "crew summary: 300 valid"
[ "$(grep -c ',valid,ok,' "$T/v1.csv")" = 300 ] && pass "verify CSV: 300 valid rows" ||
    fail "verify CSV: 300 valid rows"

# Re-running a committed file issues nothing and answers the same numbers.
run_expect 0 "re-run the same file" sk a issue --csv "$T/cohort.csv" --out "$T/o2"
out_has "0 certificates issued, 300 already issued" "re-run says all were issued before"
[ "$(stat certificates)" = 300 ] && pass "re-run adds nothing" || fail "re-run adds nothing"
numbers "$T/o1/issued.csv" >"$T/n1"; numbers "$T/o2/issued.csv" >"$T/n2"
cmp -s "$T/n1" "$T/n2" && pass "re-run gives the same numbers" || fail "re-run gives the same numbers"

# The idem table keys each idempotency key ("batch:line", the batch
# being the first 40 hex digits of the file's SHA-256) by a zero byte
# and the first 16 bytes of the key's SHA-256. A store written before
# held the keys as text and said format 1: the same table with text keys
# (a dump and reload, hex format) still answers a re-run, new keys go in
# beside, and the store is marked 2, which an older skkd refuses.
inst_stop a
batch=$(sha256sum <"$T/cohort.csv" | cut -c1-40)
for l in $(seq 1 310); do
	printf ' 00%s %s\n' "$(printf %s "$batch:$l" | sha256sum | cut -c1-32)" \
	    "$(printf %s "$batch:$l" | od -An -tx1 | tr -d ' \n')"
done >"$T/idemkeys"
mdb_dump -a "$T/a/db" >"$T/all.dump"
dump_edit "$T/all.dump" '
BEGIN { while ((getline l < keys) > 0) { split(l, f, " "); text[f[1]] = f[2] } }
{
	k = substr(key, 2)
	if (db == "idem" && (k in text)) { n++; key = " " text[k] }
	if (db == "meta" && key == " 76657273696f6e")	# "version"
		$0 = " 0000000000000001"
	print key; print
}
END { print n + 0 >out }' -v keys="$T/idemkeys" -v out="$T/idem.n" >"$T/text.dump"
[ "$(cat "$T/idem.n")" = 300 ] && pass "each row's idem key is the digest of batch:line" ||
    fail "each row's idem key is the digest of batch:line ($(cat "$T/idem.n") of 300)"
mkdir "$T/textdb"
mdb_load -f "$T/text.dump" "$T/textdb" 2>"$T/err" && mv "$T/a/db" "$T/digestdb" &&
    mv "$T/textdb" "$T/a/db" && pass "a store with text idem keys made from the daemon's" ||
    fail "a store with text idem keys made from the daemon's"
mdb_dump -s meta "$T/a/db" | grep -qx " 0000000000000001" &&
    pass "that store says format 1" || fail "that store says format 1"
inst_start a || { fail "skkd starts on the store with text keys"; echo "1..$tapn"; exit 1; }
run_expect 0 "re-run on the store with text idem keys" sk a issue --csv "$T/cohort.csv" --out "$T/o2t"
out_has "0 certificates issued, 300 already issued" "text keys: all were issued before"
numbers "$T/o2t/issued.csv" >"$T/n2t"
cmp -s "$T/n1" "$T/n2t" && pass "text keys: the same numbers" || fail "text keys: the same numbers"
awk -v n=5 -v seed=11 -f "$GEN" >"$T/five.csv"
run_expect 0 "a new cohort beside text idem keys" sk a issue --csv "$T/five.csv" --out "$T/o5t"
run_expect 0 "its re-run" sk a issue --csv "$T/five.csv" --out "$T/o5t2"
out_has "0 certificates issued, 5 already issued" "new keys beside text keys are found"
[ "$(stat certificates)" = 305 ] && pass "text keys: nothing issued twice" ||
    fail "text keys: nothing issued twice ($(stat certificates))"
mdb_dump -s meta "$T/a/db" | grep -qx " 0000000000000002" &&
    pass "the store is now marked format 2" || fail "the store is now marked format 2"

# Five different bad rows: all reported by line, nothing issued.
ev=$(stat events)
{
	echo "name,nik,job_code,level,issued"
	echo "Budi Santoso,1505010101900001,ME063096,3,2025-06-01"
	echo "Rina,150501010190001,ME063096,3,2025-06-01"
	echo "Joko,1505010101900003,XX12,3,2025-06-01"
	echo "Wati,1505010101900004,ME063096,0,2025-06-01"
	echo "Agus,1505010101900005,ME063096,3,2025-02-30"
	echo ",1505010101900006,ME063096,3,2025-06-01"
	echo "Budi Lagi,1505010101900001,ME063096,3,2025-06-01"
} >"$T/bad.csv"
run_expect 65 "a file with bad rows is refused (exit 65)" sk a issue --csv "$T/bad.csv"
out_has "bad.csv:3: nik: 15 digits, expected 16" "line 3: short NIK"
out_has "bad.csv:4: job_code" "line 4: bad job code"
out_has "bad.csv:5: level" "line 5: bad level"
out_has "bad.csv:6: issued" "line 6: bad date"
out_has "bad.csv:7: name" "line 7: empty name"
out_has "bad.csv:8: nik: same NIK and job code as line 2" "line 8: duplicate within the file"
out_has "nothing issued" "says nothing was issued"
[ "$(stat events)" = "$ev" ] && pass "store unchanged (events $ev)" || fail "store unchanged"

# A NIK that already holds a live certificate for the same job.
head -n 2 "$T/cohort.csv" >"$T/holder.csv"
sed -i '2s/,LPJK-2025-1$/,LPJK-X/' "$T/holder.csv"
run_expect 65 "a NIK already holding the job is refused" sk a issue --csv "$T/holder.csv"
out_has "holder.csv:2: nik: already holds active certificate" "names the line and the holder"

# The same in a batch large enough to be signed while it is numbered
# (daemon/pipeline.c): holders in the middle and on the last line are
# each named, and nothing is stored, no number used up.
awk -v n=200 -v seed=23 -f "$GEN" >"$T/h200.csv"
awk -v a="$(sed -n 11p "$T/cohort.csv")" -v b="$(sed -n 21p "$T/cohort.csv")" \
    'NR == 60 { print a; next } NR == 201 { print b; next } { print }' \
    "$T/h200.csv" >"$T/bighold.csv"
ev=$(stat events); nc=$(stat certificates)
run_expect 65 "a 200-row batch with two holders is refused" sk a issue --csv "$T/bighold.csv"
out_has "bighold.csv:60: nik: already holds active certificate" "names line 60"
out_has "bighold.csv:201: nik: already holds active certificate" "names the last line"
[ "$(stat events)" = "$ev" ] && [ "$(stat certificates)" = "$nc" ] &&
    pass "store unchanged by the refused batch" || fail "store unchanged by the refused batch"
sed -e 60d -e 201d "$T/bighold.csv" >"$T/bigok.csv"
run_expect 0 "the 198 other rows issue" sk a issue --csv "$T/bigok.csv" --out "$T/o4"
out_has "198 certificates issued" "issue says 198 issued"
numbers "$T/o4/issued.csv" | awk -v last="$(numbers "$T/o5t/issued.csv" | tail -n 1)" '
    BEGIN { split(last, l, " "); p = l[4] + 0 }
    { split($0, f, " "); s = f[4] + 0; if (s != p + 1) bad = 1; p = s }
    END { exit bad || NR != 198 }' &&
    pass "consecutive numbers, none used by the refusal" || fail "consecutive numbers after the refusal"
run_expect 0 "and all 198 verify" sk a verify --csv "$T/o4/issued.csv"
out_has "198 valid, 0 not valid" "crew summary: 198 valid"

# Semicolons, a BOM and CRLF, as Indonesian-locale spreadsheets write.
printf '\357\273\277Name;NIK;Job_Code;Level;Event;LPJK_Number\r\n' >"$T/semi.csv"
printf '"Siti Nur'"'"'aini";1505020202900011;ME063096;3;"BIMTEK; Padang";L-1\r\n' >>"$T/semi.csv"
printf 'Sukarno;1505020303910012;ME063098;3;"Uji ""Kompetensi"" 2";L-2\r\n' >>"$T/semi.csv"
run_expect 0 "semicolon + BOM + CRLF file issues" sk a issue --csv "$T/semi.csv" --out "$T/o3"
out_has "2 certificates issued" "both rows issued"
run_expect 0 "and verifies" sk a verify --csv "$T/o3/issued.csv"
grep -q "Siti Nur'aini" "$T/o3/issued.csv" && pass "apostrophe kept" || fail "apostrophe kept"

# Dry run: checks, issues nothing.
awk -v n=20 -v seed=7 -f "$GEN" >"$T/dry.csv"
c0=$(stat certificates)
run_expect 0 "--dry-run passes a good file" sk a issue --csv "$T/dry.csv" --dry-run
out_has "nothing issued (dry run)" "dry run says nothing issued"
[ "$(stat certificates)" = "$c0" ] && pass "dry run issues nothing" || fail "dry run issues nothing"
run_expect 65 "--dry-run finds NIKs already holding the job" sk a issue --csv "$T/holder.csv" --dry-run

# Formula injection is neutralised in issued.csv.
{
	echo "name,nik,job_code,level,event,organiser"
	echo "Andi,1505030404920021,ME063096,3,\"=HYPERLINK(\"\"http://x\"\")\",+cmd"
	echo "Bayu,1505030505930022,ME063096,3,@SUM(A1),-1"
} >"$T/formula.csv"
run_expect 0 "issue a file with formula-like fields" sk a issue --csv "$T/formula.csv" --out "$T/o4"
grep -qF "\"'=HYPERLINK(\"\"http://x\"\")\"" "$T/o4/issued.csv" && grep -qF "\"'+cmd\"" "$T/o4/issued.csv" &&
    grep -qF "\"'@SUM(A1)\"" "$T/o4/issued.csv" && grep -qF "\"'-1\"" "$T/o4/issued.csv" &&
    pass "formulas get a leading quote" || fail "formulas get a leading quote"

# Kill the client mid-batch, then re-run: every row issued exactly once.
awk -v n=3000 -v seed=3 -f "$GEN" >"$T/big.csv"
c0=$(stat certificates)
( timeout -s KILL 0.15 "$SKK" -c "$T/a/skk.conf" issue --csv "$T/big.csv" ) >/dev/null 2>&1
c1=$(stat certificates)
case $((c1 - c0)) in 0|3000) pass "killed run stored all or nothing ($((c1 - c0)))";;
*) fail "killed run stored all or nothing ($((c1 - c0)))";; esac
run_expect 0 "re-run after the kill" sk a issue --csv "$T/big.csv" --out "$T/o5"
[ "$(stat certificates)" = $((c0 + 3000)) ] && pass "3000 rows issued exactly once" ||
    fail "3000 rows issued exactly once ($(( $(stat certificates) - c0 )))"
[ "$(numbers "$T/o5/issued.csv" | sort -u | wc -l)" = 3000 ] && pass "3000 distinct numbers" ||
    fail "3000 distinct numbers"

# Crew check: valid, revoked, expired, unknown, tampered.
V1=$(sed -n 2p "$T/n1"); V2=$(sed -n 3p "$T/n1"); R=$(sed -n 4p "$T/n1")
run_expect 0 "revoke one" sk a revoke "$R" --reason "forged exam record"
run_expect 0 "issue an expired certificate" sk a --json issue --name "Lama" --nik 1505040101800031 \
    --job ME063096 --level 3 --issued 2015-01-10 --expires 2020-01-09 --lpjk L-9
E=$(json_field number)
Q=$(awk -F, 'NR == 5 { print $(NF - 1) }' "$T/o1/issued.csv")
# Flip one character of the signed payload: the signature no longer holds.
QT=$(printf '%s' "$Q" | awk '{ c = substr($0, 60, 1); r = c == "A" ? "B" : "A";
    print substr($0, 1, 59) r substr($0, 61) }')
{
	echo "Number,Worker"
	echo "$V1,a"; echo "$R,b"; echo "$E,c"; echo "42101 8342 3 99999999 2025,d"
	echo "$QT,e"; echo "$V2,f"
} >"$T/crew.csv"
run_expect 1 "crew with bad entries: exit 1" sk a verify --csv "$T/crew.csv" --out "$T/crew-out.csv"
out_has "2 valid, 4 not valid" "summary counts"
out_has "1 revoked" "summary names revoked"
out_has "1 expired" "summary names expired"
out_has "1 unknown number" "summary names unknown numbers"
out_has "1 bad signature" "summary names the tampered QR"
# verdict and reason, counted from the end: expires, issuer, as_of follow
verdict() { sed -n "$1p" "$T/crew-out.csv" | awk -F, '{ print $(NF - 4) "/" $(NF - 3) }'; }
[ "$(verdict 2)" = valid/ok ] && pass "row 1 valid" || fail "row 1 valid ($(verdict 2))"
[ "$(verdict 3)" = not_valid/revoked ] && pass "row 2 revoked" || fail "row 2 revoked ($(verdict 3))"
[ "$(verdict 4)" = not_valid/expired ] && pass "row 3 expired" || fail "row 3 expired ($(verdict 4))"
[ "$(verdict 5)" = not_valid/unknown_number ] && pass "row 4 unknown number" ||
    fail "row 4 unknown number ($(verdict 5))"
case "$(verdict 6)" in not_valid/bad_signature|not_valid/malformed) pass "row 5 tampered: $(verdict 6)";;
*) fail "row 5 tampered ($(verdict 6))";; esac
[ "$(verdict 7)" = valid/ok ] && pass "row 6 valid" || fail "row 6 valid ($(verdict 7))"
printf 'number\n%s\n%s\n' "$V1" "$V2" >"$T/crew-ok.csv"
run_expect 0 "all valid: exit 0" sk a verify --csv "$T/crew-ok.csv"
printf '%s\n%s\n' "$V1" "$V2" >"$T/crew-bare.csv"
run_expect 65 "a bare column of numbers, no header: refused" sk a verify --csv "$T/crew-bare.csv"
out_has "the header names no column to check" "the refusal names the header rule"
run_expect 0 "crew check --json" sk a verify --csv "$T/crew-ok.csv" --json
out_has '"verdict": "valid"' "json has verdicts"
printf 'number\n"open\n' >"$T/broken.csv"
run_expect 65 "a broken CSV names line and column" sk a verify --csv "$T/broken.csv"
out_has "broken.csv:2:1: unterminated quote" "error has line and column"

inst_stop a && pass "skkd stops cleanly" || fail "skkd stops cleanly"
echo "1..$tapn"
