# skkd — SPDX-License-Identifier: ISC
#
# Printed certificates end to end against a real daemon: a 40-person
# cohort as one PDF and as a PDF each, every page rasterised by poppler
# (pdftoppm) and read by zbarimg to exactly that certificate's URL; the
# text poppler extracts (names, long UTF-8 ones, bilingual labels); ID-1
# cards; the print-safety refusal (test hook SKK_TEST_SPOIL_QR); blank
# forms recorded, shown and voided; the layout offset; and a PAdES
# signature checked by pdfsig with a throw-away CA, then broken.

. "$(dirname "$0")/lib.sh"

# A sanitized skk: fontconfig's process-long caches are not leaks.
export LSAN_OPTIONS="suppressions=$(cd "$(dirname "$0")" && pwd)/print.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"

SHOTS=build/screenshots
# zbarimg reading QR codes only: its 1-D decoders now and then see a
# short barcode in a QR's modules as well.
qrread() { zbarimg -q --raw -Sdisable -Sqrcode.enable "$@"; }
LONG="Raden Ajeng Siti Nur'aini Wulandari Kusumawardhani Prawirodirdjo Hadiningrat Sastroamidjojo Ngabehi Çelik Żółć Ñ Z"

inst_init p --issuer "LSP Uji Alat Berat Muaro Jambi" || { echo "not ok 1 - skkd init"; exit 1; }
inst_start p || { echo "not ok 1 - skkd starts"; exit 1; }
pass "skkd init and start"

# 39 generated rows and one with a long UTF-8 name: 40 people.
awk -v n=39 -f "$(dirname "$0")/../bench/gencohort.awk" >"$T/c.csv"
printf '"%s",1505991203900001,ME063109,3,BIMTEK,"Dinas PUPR",2025-06-01,LPJK-2025-777\n' \
    "$LONG" >>"$T/c.csv"
[ "$(printf "%s" "$LONG" | wc -c)" -eq 120 ] && pass "the long name is $(printf '%s' "$LONG" | wc -c) bytes" ||
    fail "the long name is long"
run_expect 0 "issue the cohort with --pdf DIR" sk p issue --csv "$T/c.csv" --out "$T/o" --pdf "$T/pdfs"
[ "$(ls "$T/pdfs" | grep -c '^42101_8342_3_[0-9]*_20[0-9][0-9]\.pdf$')" = 40 ] &&
    pass "issue --pdf writes a PDF per certificate" || fail "issue --pdf writes a PDF per certificate"
f=$(ls "$T/pdfs"/*.pdf | head -n 1)
[ "$(pdfinfo "$f" | awk '/^Pages:/ { print $2 }')" = 1 ] && pass "each of them has one page" ||
    fail "each of them has one page"
[ "$(stat -c %a "$f")" = 600 ] && pass "the PDF is mode 0600" || fail "the PDF is mode 0600"

# issue --out's QR PNGs are drawn by skk from the URLs issue answered:
# each reads back (zbarimg) and has the size of the daemon's own image.
bad=0
awk -F, 'NR > 1 { print $(NF - 2) "|" $(NF - 1) }' "$T/o/issued.csv" | while IFS='|' read -r n u; do
	got=$(qrread "$T/o/$(echo "$n" | tr ' ' _).png" 2>/dev/null)
	[ "$got" = "$u" ] || echo "$n"
done >"$T/badpng"
[ ! -s "$T/badpng" ] && [ "$(ls "$T/o"/*.png | wc -l)" = 40 ] &&
    pass "zbarimg reads every cohort PNG as its URL" || fail "zbarimg reads every cohort PNG ($(wc -l <"$T/badpng") bad)"
n0=$(awk -F, 'NR == 2 { print $(NF - 2) }' "$T/o/issued.csv")
sk p qr "$n0" -o "$T/daemon.png" >/dev/null 2>&1
dims() { od -An -tu1 -j16 -N8 "$1" | tr -s ' '; }
[ "$(dims "$T/daemon.png")" = "$(dims "$T/o/$(echo "$n0" | tr ' ' _).png")" ] &&
    pass "the PNG skk draws has the daemon's size ($(dims "$T/daemon.png"))" ||
    fail "the PNG skk draws has the daemon's size"
python3 -c "
import sys, zlib, struct
def px(p):
    d = open(p, 'rb').read(); pos = 8; idat = b''
    while pos < len(d):
        n, = struct.unpack('>I', d[pos:pos+4]); t = d[pos+4:pos+8]
        if zlib.crc32(d[pos+4:pos+8+n]) != struct.unpack('>I', d[pos+8+n:pos+12+n])[0]: sys.exit('bad crc')
        if t == b'IHDR': w, h, depth, ctype = struct.unpack('>IIBB', d[pos+8:pos+18])
        if t == b'IDAT': idat += d[pos+8:pos+8+n]
        pos += 12 + n
    raw = zlib.decompress(idat); rl = (w * depth + 7) // 8
    assert depth == 1 and ctype == 0
    rows = [raw[i*(rl+1):(i+1)*(rl+1)] for i in range(h)]
    assert all(r[0] == 0 for r in rows), 'filtered rows'
    return [r[1:] for r in rows]
sys.exit(0 if px(sys.argv[1]) == px(sys.argv[2]) else 'pixels differ')
" "$T/daemon.png" "$T/o/$(echo "$n0" | tr ' ' _).png" &&
    pass "python3's zlib: the same pixels as the daemon's PNG" || fail "python3's zlib: the same pixels as the daemon's PNG"

# The cohort as one PDF: 40 pages, each QR read back by poppler + zbar.
run_expect 0 "print --csv issued.csv" sk p print --csv "$T/o/issued.csv" -o "$T/cohort.pdf"
out_has "40 pages, every QR read back" "print says 40 pages checked"
[ "$(pdfinfo "$T/cohort.pdf" | awk '/^Pages:/ { print $2 }')" = 40 ] && pass "pdfinfo: 40 pages" ||
    fail "pdfinfo: 40 pages"
pdfinfo "$T/cohort.pdf" | grep -q "595.276 x 841.89 pts (A4)" && pass "the pages are A4" ||
    fail "the pages are A4"
[ ! -e "$T/cohort.pdf.tmp" ] && pass "no .tmp file is left" || fail "no .tmp file is left"
awk -F, 'NR > 1 { print $(NF - 1) }' "$T/o/issued.csv" >"$T/urls"
mkdir "$T/r"
pdftoppm -r 150 -gray "$T/cohort.pdf" "$T/r/p" 2>/dev/null
bad=0; i=0
for png in $(ls "$T/r"/p-*.pgm | sort -t- -k2 -n); do
	i=$((i + 1))
	want=$(sed -n "${i}p" "$T/urls")
	got=$(qrread "$png" 2>/dev/null)
	[ "$got" = "$want" ] || { bad=$((bad + 1)); echo "# page $i: got '$got'"; }
done
[ "$i" = 40 ] && [ "$bad" = 0 ] && pass "pdftoppm -r 150 + zbarimg: all 40 pages give their own URL" ||
    fail "pdftoppm -r 150 + zbarimg: all 40 pages give their own URL ($i pages, $bad wrong)"
pdftotext "$T/cohort.pdf" "$T/cohort.txt"
for label in "SERTIFIKAT KOMPETENSI KERJA" "Certificate of Work Competency" \
    "Nomor sertifikat" "Certificate number" "Jabatan kerja" "Job title" \
    "Jenjang KKNI" "KKNI level" "Klasifikasi" "Classification" "Tanggal terbit" \
    "Issue date" "Berlaku sampai" "Valid until" "Nomor registrasi LPJK" \
    "Pindai untuk memeriksa / Scan to verify" "LSP Uji Alat Berat Muaro Jambi" \
    "LPJK-2025-777" "Mekanikal / Alat Berat" "1 Juni 2025 / 1 June 2025"; do
	grep -qF "$label" "$T/cohort.txt" || { fail "pdftotext shows '$label'"; continue; }
done
pass "pdftotext shows the bilingual labels and the fields"
n_ok=0
awk -F, 'NR > 1 && NR < 41 { print $1 }' "$T/o/issued.csv" | sort -u >"$T/names"
while read -r nm; do grep -qF "$nm" "$T/cohort.txt" && n_ok=$((n_ok + 1)); done <"$T/names"
[ "$n_ok" = "$(wc -l <"$T/names")" ] && pass "pdftotext shows every holder's name" ||
    fail "pdftotext shows every holder's name ($n_ok of $(wc -l <"$T/names"))"
# The long name wraps: its words are all there, over more than one line.
tr '\n' ' ' <"$T/cohort.txt" | tr -s ' ' | grep -qF "$LONG" &&
    pass "the 120-byte UTF-8 name is printed whole (wrapped)" || fail "the long UTF-8 name is printed whole"
grep -qxF "$LONG" "$T/cohort.txt" && fail "the long name wraps over lines" ||
    pass "the long name wraps over lines"
NL=$(awk -F, 'NR == 41 { print $(NF - 2) }' "$T/o/issued.csv")
N1=$(awk -F, 'NR == 2 { print $(NF - 2) }' "$T/o/issued.csv")
N5=$(awk -F, 'NR == 6 { print $(NF - 2) }' "$T/o/issued.csv")
grep -qF "$N5" "$T/cohort.txt" && pass "the number is printed in text" || fail "the number is printed in text"
mkdir -p "$SHOTS"
pdftoppm -r 100 -png -f 40 -l 40 "$T/cohort.pdf" "$T/shot" && cp "$T"/shot-*40.png "$SHOTS/print-a4.png" &&
    pass "screenshot build/screenshots/print-a4.png" || fail "screenshot of a printed page"

# ID-1 cards.
run_expect 0 "print --card" sk p print "$NL" -o "$T/card.pdf" --card
pdfinfo "$T/card.pdf" | grep -q "242.646 x 153.014 pts" && pass "the card is ID-1 (85.60 x 53.98 mm)" ||
    fail "the card is ID-1 ($(pdfinfo "$T/card.pdf" | grep 'Page size'))"
pdftoppm -r 300 -gray "$T/card.pdf" "$T/card"
[ "$(qrread "$T"/card-1.pgm 2>/dev/null)" = "$(sed -n 40p "$T/urls")" ] &&
    pass "the card's QR reads back at 300 dpi" || fail "the card's QR reads back at 300 dpi"
pdftotext "$T/card.pdf" - | tr '\n' ' ' | tr -s ' ' | grep -qF "$LONG" &&
    pass "the card shows the long name whole" || fail "the card shows the long name whole"
pdftoppm -r 300 -png "$T/card.pdf" "$T/cshot" && cp "$T"/cshot-1.png "$SHOTS/print-card.png"

# Print safety: a page whose QR does not read back stops the run.
SKK_TEST_SPOIL_QR="$N5" run_expect 70 "a spoiled QR is refused" \
    sk p print --csv "$T/o/issued.csv" -o "$T/bad.pdf"
out_has "$N5: the QR drawn on the page does not read back" "the refusal names the certificate"
out_has "nothing written" "the refusal says nothing was written"
[ ! -e "$T/bad.pdf" ] && [ ! -e "$T/bad.pdf.tmp" ] && pass "no file and no .tmp after the refusal" ||
    fail "no file and no .tmp after the refusal"
cp "$T/cohort.pdf" "$T/keep.pdf"
SKK_TEST_SPOIL_QR="*" run_expect 70 "a refused print leaves an existing file alone" \
    sk p print "$N1" -o "$T/keep.pdf"
cmp -s "$T/cohort.pdf" "$T/keep.pdf" && pass "the old file is unchanged" || fail "the old file is unchanged"

# Blank forms.
run_expect 0 "print on blank form BNSP-0000100" sk p print "$N1" -o "$T/b1.pdf" --blank-serial BNSP-0000100
run_expect 0 "show lists the blank form" sk p show "$N1"
out_has "blank number" "show has a blank number field"
grep -q "blank number *BNSP-0000100" "$T/out" && pass "show: blank number BNSP-0000100" ||
    fail "show: blank number BNSP-0000100"
grep -q " blank .*BNSP-0000100" "$T/out" && pass "the history has the blank event" ||
    fail "the history has the blank event"
run_expect 65 "a used blank form is refused" sk p print "$N5" -o "$T/b2.pdf" --blank-serial BNSP-0000100
out_has "already holds certificate '$N1'" "the refusal names the certificate on it"
[ ! -e "$T/b2.pdf" ] && pass "no PDF when the blank form is refused" || fail "no PDF when the blank form is refused"
run_expect 0 "print the cohort on BNSP-0000200 onwards" \
    sk p print --csv "$T/o/issued.csv" -o "$T/cb.pdf" --blank-serial BNSP-0000200
sk p show "$NL" >"$T/out" 2>&1
grep -q "blank number *BNSP-0000239" "$T/out" && pass "the 40th goes on BNSP-0000239" ||
    fail "the 40th goes on BNSP-0000239"
run_expect 65 "serials that run out of digits are refused before printing" \
    sk p print --csv "$T/o/issued.csv" -o "$T/z.pdf" --blank-serial Z-98
out_has "blank serial 'Z-99' has no successor for row 3" "the refusal names the serial and row"
[ ! -e "$T/z.pdf" ] && pass "nothing printed" || fail "nothing printed"
run_expect 0 "void-blank a printed form" sk p void-blank BNSP-0000100 --reason "paper jam"
out_has "BNSP-0000100  void: it held $N1" "void-blank names the certificate"
sk p --json show "$N1" >"$T/out" 2>&1
grep -q '"kind": *"blank-void"' "$T/out" && grep -q '"reason": *"paper jam"' "$T/out" &&
    pass "show --json has the blank-void event with its reason" || fail "show --json has the blank-void event"
sk p show "$N1" >"$T/out" 2>&1
grep -q "blank number *BNSP-0000100" "$T/out" && fail "a voided form is no longer the certificate's" ||
    pass "a voided form is no longer the certificate's"
run_expect 65 "void-blank twice is refused" sk p void-blank BNSP-0000100 --reason again
out_has "already void" "the refusal says already void"
run_expect 0 "void-blank an unused form" sk p void-blank BNSP-0009999 --reason "torn in the box"
run_expect 65 "a void form cannot be printed on" sk p print "$N5" -o "$T/b3.pdf" --blank-serial BNSP-0009999
run_expect 64 "void-blank needs --reason" sk p void-blank BNSP-0000300
run_expect 65 "a blank serial over 40 bytes is refused" \
    sk p print "$N5" -o "$T/b4.pdf" --blank-serial "$(printf 'X%.0s' $(seq 41))"
printf 'number,blank_serial\n"%s",F-1\n"%s",F-2\n' "$N1" "$N5" >"$T/bs.csv"
run_expect 0 "a blank_serial column" sk p print --csv "$T/bs.csv" -o "$T/bs.pdf"
sk p show "$N5" >"$T/out" 2>&1
grep -q "blank number *F-2" "$T/out" && pass "the column's serial is recorded" || fail "the column's serial is recorded"
run_expect 64 "a blank_serial column and --blank-serial together are refused" \
    sk p print --csv "$T/bs.csv" -o "$T/bs2.pdf" --blank-serial Z-1
grep -v "^print_offset_mm" "$T/p/skk.conf" >"$T/p/off.conf"
echo "print_offset_mm = 10,5" >>"$T/p/off.conf"
run_expect 0 "print with print_offset_mm = 10,5" "$SKK" -c "$T/p/off.conf" print "$N5" -o "$T/off.pdf"
run_expect 0 "print without an offset" sk p print "$N5" -o "$T/nooff.pdf"
x0=$(pdftotext -bbox "$T/nooff.pdf" - | sed -n 's/.*xMin="\([0-9.]*\)".*>Pindai<.*/\1/p')
x1=$(pdftotext -bbox "$T/off.pdf" - | sed -n 's/.*xMin="\([0-9.]*\)".*>Pindai<.*/\1/p')
awk -v a="$x0" -v b="$x1" 'BEGIN { d = b - a; exit !(d > 28.2 && d < 28.5) }' &&
    pass "the layout moved 10 mm right ($x0 -> $x1 pt)" || fail "the layout moved 10 mm right ($x0 -> $x1)"
echo "print_offset_mm = 10" >>"$T/p/bad.conf"
grep -v "^print_offset_mm" "$T/p/skk.conf" >"$T/p/bad.conf"; echo "print_offset_mm = 10;5" >>"$T/p/bad.conf"
run_expect 78 "a bad print_offset_mm is refused" "$SKK" -c "$T/p/bad.conf" print "$N5" -o "$T/x.pdf"
out_has "print_offset_mm: expected X,Y" "the refusal names print_offset_mm"

# PAdES with a throw-away CA, checked by poppler's pdfsig.
mkdir "$T/pk"; (
	cd "$T/pk" || exit 1
	openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 30 \
	    -subj "/CN=Uji PSrE CA" -addext "basicConstraints=critical,CA:TRUE" \
	    -addext "keyUsage=critical,keyCertSign,cRLSign" &&
	openssl req -newkey rsa:2048 -nodes -keyout sign.key -out sign.csr \
	    -subj "/O=LSP Uji Alat Berat/CN=LSP Uji Penandatangan" &&
	printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\n' >ext.cnf &&
	openssl x509 -req -in sign.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out sign.crt \
	    -days 30 -extfile ext.cnf && cat sign.crt ca.crt >chain.pem
) >/dev/null 2>&1 && pass "a throw-away CA and signing certificate" || fail "a throw-away CA and signing certificate"
cp "$T/p/skk.conf" "$T/p/sig.conf"
printf 'pdf_sign_cert = %s\npdf_sign_key = %s\n' "$T/pk/chain.pem" "$T/pk/sign.key" >>"$T/p/sig.conf"
run_expect 0 "print a signed cohort" "$SKK" -c "$T/p/sig.conf" print --csv "$T/o/issued.csv" -o "$T/signed.pdf"
out_has "signed" "print says signed"
pdfsig "$T/signed.pdf" >"$T/out" 2>&1
grep -q "Signature Validation: Signature is Valid" "$T/out" && pass "pdfsig: the signature is valid" ||
    fail "pdfsig: the signature is valid"
grep -q "Total document signed" "$T/out" && pass "pdfsig: the whole document is signed" ||
    fail "pdfsig: the whole document is signed"
grep -q "Signature Type: ETSI.CAdES.detached" "$T/out" && pass "pdfsig: ETSI.CAdES.detached" ||
    fail "pdfsig: ETSI.CAdES.detached"
grep -q "LSP Uji Penandatangan" "$T/out" && pass "pdfsig names the signer" || fail "pdfsig names the signer"
# The CMS holds the signing-certificate-v2 attribute (openssl cms).
python3 -c "
import re,sys
d=open(sys.argv[1],'rb').read()
h=re.search(rb'/Contents <([0-9a-f]+)>',d).group(1).decode()
open(sys.argv[2],'wb').write(bytes.fromhex(h))" "$T/signed.pdf" "$T/sig.der"
openssl cms -cmsout -print -inform DER -in "$T/sig.der" 2>/dev/null | grep -q "signingCertificateV2" &&
    pass "the CMS has signing-certificate-v2" || fail "the CMS has signing-certificate-v2"
openssl cms -cmsout -print -inform DER -in "$T/sig.der" 2>/dev/null | grep -q "signingTime" &&
    fail "no signing-time attribute (PAdES: /M only)" || pass "no signing-time attribute (PAdES: /M only)"
# openssl cms checks the signature over the /ByteRange and the chain to the CA.
python3 -c "
import re, sys
d = open(sys.argv[1], 'rb').read()
b = [int(x) for x in re.search(rb'/ByteRange \[ ([0-9 ]+)\]', d).group(1).split()]
open(sys.argv[2], 'wb').write(d[b[0]:b[0] + b[1]] + d[b[2]:b[2] + b[3]])" "$T/signed.pdf" "$T/signed.bin"
openssl cms -verify -binary -inform DER -in "$T/sig.der" -content "$T/signed.bin" \
    -CAfile "$T/pk/ca.crt" -purpose any -out /dev/null >"$T/out" 2>&1 &&
    pass "openssl cms -verify: signature and chain to the CA" || fail "openssl cms -verify: signature and chain to the CA"
[ "$(pdfinfo "$T/signed.pdf" | awk '/^Pages:/ { print $2 }')" = 40 ] && pass "the signed PDF still has 40 pages" ||
    fail "the signed PDF still has 40 pages"
pdftoppm -r 150 -gray -f 40 -l 40 "$T/signed.pdf" "$T/s"
[ "$(qrread "$T"/s-40.pgm 2>/dev/null)" = "$(sed -n 40p "$T/urls")" ] &&
    pass "the signed PDF's last QR reads back" || fail "the signed PDF's last QR reads back"
cp "$T/signed.pdf" "$T/edited.pdf"
# Byte 3000 inverted: writing a fixed byte changed nothing whenever the
# signed PDF (new keys and dates each run) already had it there.
python3 -c "
import sys
with open(sys.argv[1], 'r+b') as f:
    f.seek(3000); b = f.read(1)[0]; f.seek(3000); f.write(bytes([b ^ 0xff]))" "$T/edited.pdf"
cmp -s "$T/signed.pdf" "$T/edited.pdf" && fail "the edited copy differs in byte 3000" ||
    pass "the edited copy differs in byte 3000"
pdfsig "$T/edited.pdf" >"$T/out" 2>&1
grep -q "Signature is Valid" "$T/out" && fail "pdfsig: one byte edited makes it invalid" ||
    pass "pdfsig: one byte edited makes it invalid ($(sed -n 's/.*Signature Validation: //p' "$T/out"))"
grep -v "^pdf_sign_key" "$T/p/sig.conf" >"$T/p/half.conf"
run_expect 78 "pdf_sign_cert without pdf_sign_key is refused" "$SKK" -c "$T/p/half.conf" print "$N1" -o "$T/h.pdf"
cp "$T/p/skk.conf" "$T/p/wrong.conf"
printf 'pdf_sign_cert = %s\npdf_sign_key = %s\n' "$T/pk/chain.pem" "$T/pk/ca.key" >>"$T/p/wrong.conf"
run_expect 65 "a key that is not the certificate's is refused" "$SKK" -c "$T/p/wrong.conf" print "$N1" -o "$T/w.pdf"
out_has "is not the key of" "the refusal says the key does not match"
[ ! -e "$T/w.pdf" ] && [ ! -e "$T/w.pdf.tmp" ] && pass "no file when signing fails" || fail "no file when signing fails"

# Refusals that change nothing.
run_expect 65 "print of an unknown number" sk p print "42101 8342 3 99999999 2025" -o "$T/u.pdf"
out_has "no certificate" "the unknown number is named"
run_expect 64 "print needs -o" sk p print "$N1"
printf 'name\nx\n' >"$T/nonum.csv"
run_expect 65 "a CSV without a number column is refused" sk p print --csv "$T/nonum.csv" -o "$T/n.pdf"
out_has "number: required column missing" "the refusal names the column"
sk p revoke "$N5" --reason "fraud" >/dev/null 2>&1
run_expect 65 "a revoked certificate is not printed" sk p print "$N5" -o "$T/rv.pdf"
out_has "is revoked: not printed" "the refusal says revoked"
grep -v -e '^cert' -e '^key' "$T/p/skk.conf" >"$T/p/anon.conf"
run_expect 77 "print needs an admin certificate" "$SKK" -c "$T/p/anon.conf" print "$N1" -o "$T/a.pdf"
kill -0 "$pid_p" && pass "skkd still serving" || fail "skkd still serving"

echo "1..$tapn"
