# skkd — SPDX-License-Identifier: ISC
#
# The layering a newcomer relies on, read off the object files with nm:
# proto/ calls nothing in the programs, the two programs share nothing
# but proto/, and within each program no two files call each other,
# directly or through a chain (main.c's process-wide globals aside). The
# file-to-file edges are printed as TAP comments. Also the size rule:
# no .c file of daemon/ or client/ over 1,000 lines but daemon/store.c.

. "$(dirname "$0")/lib.sh"

B=$(dirname "$SKKD")

# edges DIR...: "from.c to.c" for every symbol a file of DIR uses that
# another file of the same DIRs defines.
edges() {
	for d in "$@"; do
		for o in "$B/$d"/*.o; do
			nm "$o" | awk -v f="$d/$(basename "$o" .o).c" '
			    NF == 3 && $2 ~ /^[TDBRC]$/ { print "D", $3, f }
			    NF == 2 && $1 == "U" { print "U", $2, f }'
		done
	done | awk '
	    $1 == "D" { def[$2] = $3; next }
	    { use[++n] = $2; by[n] = $3 }
	    END {
		for (i = 1; i <= n; i++)
			if ((use[i] in def) && def[use[i]] != by[i])
				print by[i], def[use[i]]
	    }' | sort -u
}

# cycles: reads "from to" edges, prints one line per cycle found
# (edges into a main.c are left out: its globals serve the whole process).
cycles() {
	awk '
	    $2 !~ /\/main\.c$/ { adj[$1] = adj[$1] " " $2; node[$1]; node[$2] }
	    function visit(u,    i, k, v, list) {
		state[u] = 1; path[++depth] = u
		k = split(adj[u], list, " ")
		for (i = 1; i <= k; i++) {
			v = list[i]
			if (state[v] == 1)
				print "cycle through " v " and " u
			else if (state[v] == 0)
				visit(v)
		}
		depth--; state[u] = 2
	    }
	    END { for (u in node) if (state[u] == 0) visit(u) }'
}

for d in proto daemon client; do
	ls "$B/$d"/*.o >/dev/null 2>&1 || { fail "$d: no objects in $B/$d"; continue; }
	edges "$d" >"$T/$d.edges"
	echo "# $d: $(ls "$B/$d"/*.o | wc -l) objects, $(wc -l <"$T/$d.edges") calls between files"
	sed "s/ / -> /; s/^/#   /" "$T/$d.edges"
	cycles <"$T/$d.edges" >"$T/$d.cycles"
	if [ -s "$T/$d.cycles" ]; then
		cp "$T/$d.cycles" "$T/out"
		fail "$d: no two files call each other"
	else
		pass "$d: no two files call each other"
	fi
done

# Across the layers: proto/ calls up into neither program; the programs
# do not call each other.
edges proto daemon client >"$T/all.edges"
grep -E '^proto/[^ ]+ (daemon|client)/' "$T/all.edges" >"$T/out" &&
    fail "proto/ calls nothing in daemon/ or client/" ||
    pass "proto/ calls nothing in daemon/ or client/"
grep -E '^(daemon/[^ ]+ client|client/[^ ]+ daemon)/' "$T/all.edges" >"$T/out" &&
    fail "daemon/ and client/ share nothing but proto/" ||
    pass "daemon/ and client/ share nothing but proto/"

top=$(cd "$(dirname "$0")/../.." && pwd)
wc -l "$top"/daemon/*.c "$top"/client/*.c | awk '
    $2 != "total" && $1 > 1000 && $2 !~ /\/daemon\/store\.c$/ {
	print $2 ": " $1 " lines" }' >"$T/out"
[ -s "$T/out" ] && fail "no .c file over 1,000 lines but daemon/store.c" ||
    pass "no .c file over 1,000 lines but daemon/store.c"
echo "1..$tapn"
