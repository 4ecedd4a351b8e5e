# skkd — SPDX-License-Identifier: ISC
#
# A full store. With map_size = 1M, issue (cohorts of 200, then single
# certificates) until skk reports "store full" with exit 75; then
# verification still answers, every acknowledged number still verifies,
# and after raising map_size and a restart issuance works again. If
# this runs as root and may mount a 2 MiB tmpfs, the same on a full
# disk (data_dir on the tmpfs, map_size larger than the disk).
#
# Usage: SKKD=build/skkd SKK=build/skk bash tests/stress/full.sh

. "$(dirname "$0")/../regress/lib.sh"
GEN="$(dirname "$0")/../bench/gencohort.awk"

# fill NAME: issues until refused; acknowledged numbers in NAME.ack.
fill() {
	: >"$T/$1.ack"
	for s in $(seq 1 200); do
		awk -v n=200 -v seed="$s" -f "$GEN" >"$T/c.csv"
		sk "$1" issue --csv "$T/c.csv" --out "$T/o" --no-qr \
		    >"$T/out" 2>"$T/err"
		rc=$?
		[ "$rc" -ne 0 ] && return 0
		awk -F, 'NR > 1 { print $(NF - 2) }' "$T/o/issued.csv" >>"$T/$1.ack"
	done
	rc=0
}

# check_full NAME WHAT: the refusal, verify still answers, nothing lost,
# then a restart with a larger map_size issues again.
check_full() {
	[ "$rc" = 75 ] && pass "$2: issuance refused with exit 75" ||
	    fail "$2: issuance refused with exit 75 (got $rc)"
	out_has "store full" "$2: the error says store full"
	n=$(wc -l <"$T/$1.ack")
	sk "$1" verify - <"$T/$1.ack" >"$T/v" 2>&1
	ok=$(grep -c '^VALID' "$T/v")
	echo "# $2: $n acknowledged before full, $ok verify VALID"
	[ "$n" -gt 0 ] && [ "$ok" = "$n" ] &&
	    pass "$2: verification answers, all $n acknowledged VALID" ||
	    fail "$2: verification answers, all $n acknowledged VALID ($ok)"
}

inst_init m --issuer "LSP Uji Alat Berat" || { echo "not ok 1 - skkd init"; exit 1; }
sed -i 's/^map_size.*/map_size = 1M/' "$T/m/skkd.conf"
inst_start m || { echo "not ok 1 - skkd starts with map_size 1M"; exit 1; }
fill m
check_full m "map full"
inst_stop m
sed -i 's/^map_size.*/map_size = 64M/' "$T/m/skkd.conf"
inst_start m || fail "restart with map_size 64M"
awk -v n=5 -v seed=999 -f "$GEN" >"$T/c.csv"
run_expect 0 "map full: after raising map_size issuance works again" \
    sk m issue --csv "$T/c.csv" --out "$T/o2" --no-qr
sk m verify - <"$T/m.ack" >"$T/v" 2>&1
[ "$(grep -c '^VALID' "$T/v")" = "$(wc -l <"$T/m.ack")" ] &&
    pass "map full: nothing earlier lost after the restart" ||
    fail "map full: nothing earlier lost after the restart"
inst_stop m

# The disk-full variant needs mount(2).
inst_init d --issuer "LSP Uji Alat Berat" >/dev/null 2>&1
mkdir -p "$T/disk"
if [ "$(id -u)" != 0 ] || ! mount -t tmpfs -o size=2m tmpfs "$T/disk" 2>/dev/null; then
	echo "ok $((tapn += 1)) - # SKIP disk full: cannot mount a tmpfs (not root or not permitted)"
	exit 0
fi
trap 'umount "$T/disk" 2>/dev/null; cleanup' EXIT INT TERM
sed -i -e "s|^data_dir.*|data_dir = $T/disk|" -e 's/^map_size.*/map_size = 64M/' \
    "$T/d/skkd.conf"
inst_start d || { fail "skkd starts on a 2 MiB tmpfs"; exit 0; }
fill d
check_full d "disk full"
inst_stop d
mount -o remount,size=64m "$T/disk" && pass "disk full: space freed (tmpfs grown to 64 MiB)"
inst_start d || fail "disk full: restart after freeing space"
awk -v n=5 -v seed=998 -f "$GEN" >"$T/c.csv"
run_expect 0 "disk full: after freeing space issuance works again" \
    sk d issue --csv "$T/c.csv" --out "$T/o3" --no-qr
inst_stop d
