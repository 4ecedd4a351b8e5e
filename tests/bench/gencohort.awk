# skkd — SPDX-License-Identifier: ISC
#
# A deterministic cohort CSV for tests and benchmarks: awk -v n=ROWS
# [-v seed=S] [-v lpjk=0] -f gencohort.awk. Names include mononyms and
# apostrophes; NIKs are valid-shaped with region code 1505 and unique per
# seed; job codes come from the built-in table.
BEGIN {
	split("Siti Nur'aini|Budi Santoso|Sukarno|Dewi Lestari|Ahmad Fauzi|" \
	    "Ni Luh Putu Ayu|Yohanes|Rahmat Hidayat|Sri Wahyuni|O'ong Maryono|" \
	    "Teuku Umar|Made Wirawan", names, "|")
	split("ME063096|ME063098|ME063102|ME063014|ME063109|ME063028", jobs, "|")
	if (seed == "")
		seed = 0
	print "name,nik,job_code,level,event,organiser,issued,lpjk_number"
	for (i = 1; i <= n; i++) {
		k = i + seed * 1000003
		nik = sprintf("1505%02d%02d%02d%02d%04d", 1 + int(k / 9999) % 99,
		    1 + k % 28, 1 + k % 12, 70 + k % 30, 1 + k % 9999)
		name = names[1 + k % 12]
		if (k % 12 != 2 && k % 12 != 6)
			name = name " " sprintf("%c", 65 + k % 26) "."
		printf "%s,%s,%s,3,BIMTEK Operator Alat Berat 2025," \
		    "\"Dinas PUPR Kab. Tanah Datar, Sumatera Barat\",2025-06-01,%s\n",
		    name, nik, jobs[1 + k % 6], lpjk == "0" ? "" : "LPJK-2025-" k
	}
}
