# skkd — SPDX-License-Identifier: ISC
#
# "skk record-lpjk --csv": LPJK numbers for a whole cohort in one
# transaction against a real daemon. Every kind of bad row is refused
# with its line and field and changes nothing; rows already holding their
# LPJK number count as already recorded, and a re-run records nothing.

. "$(dirname "$0")/lib.sh"

GEN="$(dirname "$0")/../bench/gencohort.awk"

inst_init a --issuer "LSP Uji Alat Berat" || { echo "not ok 1 - skkd init"; exit 1; }
inst_start a || { echo "not ok 1 - skkd starts"; exit 1; }
pass "skkd init and start"

# stat FIELD: a number from "skk --json stats".
stat() {
	sk a --json stats | sed -n "s/.*\"$1\": *\([0-9]*\).*/\1/p"
}
# state: what a refused request must not change.
state() {
	echo "$(stat active) $(stat pending) $(stat events)"
}

# A cohort of 40 without LPJK numbers: all pending.
awk -v n=40 -v lpjk=0 -f "$GEN" >"$T/cohort.csv"
run_expect 0 "issue a 40-row cohort" sk a issue --csv "$T/cohort.csv" --out "$T/o" --no-qr
awk -F, 'NR > 1 { print $(NF - 2) }' "$T/o/issued.csv" >"$T/numbers"
[ "$(wc -l <"$T/numbers")" = 40 ] && [ "$(stat pending)" = 40 ] &&
    pass "40 pending certificates" || fail "40 pending certificates ($(stat pending))"
n1=$(sed -n 1p "$T/numbers"); n2=$(sed -n 2p "$T/numbers"); n3=$(sed -n 3p "$T/numbers")

# Two of them recorded one at a time beforehand.
run_expect 0 "record one LPJK number alone" sk a record-lpjk "$n1" "LPJK-2025-1"
run_expect 0 "record another alone" sk a record-lpjk "$n2" "LPJK-2025-2"
awk 'BEGIN { print "number,lpjk_number" } { printf "%s,LPJK-2025-%d\n", $0, NR }' \
    "$T/numbers" >"$T/good.csv"

# Bad files: each problem named by line and field, nothing recorded.
before=$(state)
refused() {	# refused FILE WANT-TEXT DESCRIPTION
	run_expect 65 "$3: refused" sk a record-lpjk --csv "$1"
	out_has "$2" "$3: line and field named"
	out_has "nothing recorded" "$3: says nothing recorded"
	[ "$(state)" = "$before" ] && pass "$3: nothing changed" ||
	    fail "$3: nothing changed ($(state), was $before)"
}
sed '3s/^[^,]*,/4210 1834 23,/' "$T/good.csv" >"$T/badnum.csv"
refused "$T/badnum.csv" "badnum.csv:3: number:" "malformed number"
sed '5s/,.*$/,/' "$T/good.csv" >"$T/empty.csv"
refused "$T/empty.csv" "empty.csv:5: lpjk_number: empty" "empty lpjk_number"
{ cat "$T/good.csv"; sed -n 7p "$T/good.csv"; } >"$T/dup.csv"
refused "$T/dup.csv" "dup.csv:42: number: '$(sed -n 6p "$T/numbers")' also on line 7" \
    "the same number twice"
sed '1s/lpjk_number/lpjk/' "$T/good.csv" >"$T/header.csv"
refused "$T/header.csv" "header.csv:1: lpjk_number: required column missing" "bad header"
# Problems only the daemon can see: an unknown number, a different LPJK
# number already recorded. The rest of the file is good.
sed '10s/^\([0-9]* [0-9]* [0-9]\) [0-9]*/\1 99999999/' "$T/good.csv" >"$T/unknown.csv"
refused "$T/unknown.csv" "unknown.csv:10: number: no certificate" "unknown number"
sed '3s/LPJK-2025-2$/LPJK-2025-XX/' "$T/good.csv" >"$T/differ.csv"
refused "$T/differ.csv" "differ.csv:3: lpjk_number: '$n2' already has LPJK number 'LPJK-2025-2', not 'LPJK-2025-XX'" \
    "a different LPJK number already recorded"
# Several problems at once are all listed.
sed -e '3s/LPJK-2025-2$/LPJK-2025-XX/' -e '10s/^\([0-9]* [0-9]* [0-9]\) [0-9]*/\1 99999999/' \
    "$T/good.csv" >"$T/two.csv"
run_expect 65 "two server-side problems: refused" sk a record-lpjk --csv "$T/two.csv"
out_has "two.csv:3: lpjk_number" "first problem listed"
out_has "two.csv:10: number: no certificate" "second problem listed"
out_has "2 problems; nothing recorded" "both counted"

# The good file: 38 recorded, 2 already recorded, in one transaction.
run_expect 0 "record 40 LPJK numbers from a CSV" sk a record-lpjk --csv "$T/good.csv"
out_has "good.csv: 38 recorded, 2 already recorded" "summary: 38 recorded, 2 already"
out_has "$n3  active  LPJK-2025-3" "a row printed with its status"
out_has "$n1  active  LPJK-2025-1  (already recorded)" "an earlier row marked already recorded"
[ "$(stat active)" = 40 ] && [ "$(stat pending)" = 0 ] &&
    pass "all 40 active" || fail "all 40 active ($(stat active))"
run_expect 0 "a recorded certificate verifies" sk a verify "$n3"
out_has "VALID" "verify says VALID"
run_expect 0 "show has the LPJK event" sk a show "$n3"
out_has "$(printf "%-16s%s" "lpjk number" LPJK-2025-3)" "show: the LPJK number"
events=$(stat events)

# A re-run: everything already recorded, nothing written.
run_expect 0 "re-run the same file" sk a --json record-lpjk --csv "$T/good.csv"
grep -q '"recorded": 0' "$T/out" && grep -q '"already_recorded": 40' "$T/out" &&
    pass "re-run: 0 recorded, 40 already (JSON)" || fail "re-run: 0 recorded, 40 already (JSON)"
out_has "good.csv: 0 recorded, 40 already recorded" "re-run summary"
[ "$(stat events)" = "$events" ] && pass "re-run writes no event" ||
    fail "re-run writes no event ($(stat events), was $events)"

# Not a file, not an admin.
run_expect 66 "a missing file" sk a record-lpjk --csv "$T/none.csv"
"$SKK" -c "$T/a/skk.conf" record-lpjk --csv "$T/good.csv" --bogus >"$T/out" 2>"$T/err"
[ $? = 64 ] && pass "an unknown option is a usage error" || fail "an unknown option is a usage error"

inst_stop a && pass "skkd stops cleanly" || fail "skkd stops cleanly"
echo "1..$tapn"
