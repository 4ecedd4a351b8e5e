# skkd — SPDX-License-Identifier: ISC
#
# Hostile input end to end: CSV files with a 10 MB line, NUL bytes,
# invalid UTF-8 and a formula-injection name; HTML in every displayed
# field on the HTTPS page; 10,001 numbers in one verify; a frame just
# over max_frame with real bytes; and 50 slowloris connections (one
# handshake byte a second) closed by handshake_timeout while verify
# keeps answering.

. "$(dirname "$0")/lib.sh"

inst_init a --issuer "LSP Uji Alat Berat" || { echo "not ok 1 - skkd init"; exit 1; }
sed -i 's/^handshake_timeout.*/handshake_timeout = 2/' "$T/a/skkd.conf"
inst_start a || { echo "not ok 1 - skkd starts"; exit 1; }
H=$(cat "$T/a.hport"); P=$(cat "$T/a.port")

certs() {
	sk a --json stats | sed -n 's/.*"certificates": *\([0-9]*\).*/\1/p'
}
HEAD="name,nik,job_code,level,event,organiser"

# csv_refused FILE TEXT DESC: exit 65, TEXT on stderr, nothing issued.
csv_refused() {
	before=$(certs)
	run_expect 65 "$3: refused" sk a issue --csv "$1" --out "$T/o"
	out_has "$2" "$3: says '$2'"
	[ "$(certs)" = "$before" ] && pass "$3: nothing issued" ||
	    fail "$3: nothing issued"
}

{ echo "$HEAD"; head -c 10000000 /dev/zero | tr '\0' a
  echo ",1505010101700001,ME063096,3,x,y"; } >"$T/big.csv"
csv_refused "$T/big.csv" "big.csv:2:" "a 10 MB CSV line"
printf '%s\nBudi\0Santoso,1505010101700001,ME063096,3,x,y\n' "$HEAD" >"$T/nul.csv"
csv_refused "$T/nul.csv" "nul.csv:2:5: NUL byte" "a NUL byte in a name"
printf '%s\nBudi \377\376Santoso,1505010101700001,ME063096,3,x,y\n' "$HEAD" >"$T/utf.csv"
csv_refused "$T/utf.csv" "utf.csv:2:6: invalid UTF-8" "invalid UTF-8 in a name"

# A formula in a name: accepted as a name, neutralised in issued.csv
# (a leading apostrophe keeps spreadsheets from evaluating it).
printf '%s\n"=cmd|'"'"' /C calc'"'"'!A0",1505010101700001,ME063096,3,x,y\n' "$HEAD" \
    >"$T/f.csv"
run_expect 0 "a formula-shaped name issues" sk a issue --csv "$T/f.csv" --out "$T/of"
awk -F, 'NR > 1 { print $1 }' "$T/of/issued.csv" >"$T/f1"
if grep -q "^\"*'=cmd" "$T/f1" && ! grep -q '^"*[=+@-]' "$T/f1"; then
	pass "issued.csv neutralises the formula ($(cat "$T/f1"))"
else
	fail "issued.csv neutralises the formula ($(cat "$T/f1"))"
fi

# HTML in the name, event and organiser: escaped on the HTTPS page.
printf '%s\n"Budi <script>alert(1)</script>",1505010101700002,ME063096,3,<script>alert(2)</script>,"<img src=x onerror=alert(3)>"\n' \
    "$HEAD" >"$T/h.csv"
if sk a issue --csv "$T/h.csv" --out "$T/oh" >"$T/out" 2>"$T/err"; then
	pass "names and fields with HTML issue"
	url=$(awk -F, 'NR == 2 { print $(NF - 1) }' "$T/oh/issued.csv")
	path=/${url#HTTPS://*/}
	curl -s --cacert "$T/a/tls/ca.crt" --resolve "localhost:$H:127.0.0.1" \
	    "https://localhost:$H$path" >"$T/page.html"
	# Event and organiser are for admins: not on the public page at all.
	grep -q "&lt;script&gt;alert(1)" "$T/page.html" &&
	! grep -q -e "alert(2)" -e "alert(3)" "$T/page.html" &&
	    pass "the page shows the name escaped, no event or organiser" ||
	    fail "the page shows the name escaped, no event or organiser ($(wc -c <"$T/page.html") bytes)"
	grep -qi -e "<script>alert" -e "<img src=x" "$T/page.html" &&
	    fail "no raw HTML from the fields on the page" ||
	    pass "no raw HTML from the fields on the page"
else
	# A refusal by the name validator is as safe; say which.
	pass "HTML in a name is refused by the validator ($(head -n 1 "$T/err"))"
fi

# 10,001 numbers in one verify (over max_batch): skk splits them and
# every one gets an answer.
for i in $(seq 1 10001); do printf '42101 8342 3 %08d 2026\n' "$i"; done >"$T/many"
sk a verify - <"$T/many" >"$T/out" 2>"$T/err"
[ "$(grep -c '^\(NOT \)*VALID' "$T/out")" = 10001 ] &&
    pass "10,001 numbers in one verify: 10,001 answers" ||
    fail "10,001 numbers in one verify: $(grep -c VALID "$T/out") answers"

if ! command -v python3 >/dev/null 2>&1; then
	echo "ok $((tapn += 1)) - # SKIP python3 not installed (raw frames, slowloris)"
	exit 0
fi

# A frame one byte over max_frame (8M), with the bytes really sent.
cat >"$T/bigframe.py" <<'PY'
import socket, ssl, struct, sys
port, ca = sys.argv[1:3]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.load_verify_locations(ca)
s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", int(port))),
    server_hostname="localhost")
n = (8 << 20) + 1
s.settimeout(10)
try:
	s.sendall(struct.pack(">I", n) + b"\xa0" * n)
	d = s.recv(65536)
	while d:
		d = s.recv(65536)
	print("closed")
except (ConnectionError, ssl.SSLError, BrokenPipeError):
	print("closed")
except socket.timeout:
	print("timeout")
PY
python3 "$T/bigframe.py" "$P" "$T/a/tls/ca.crt" >"$T/out" 2>"$T/err"
grep -q closed "$T/out" && pass "a frame of max_frame + 1 bytes: connection closed" ||
    fail "a frame of max_frame + 1 bytes: connection closed"
kill -0 "$pid_a" 2>/dev/null && pass "skkd still runs" || fail "skkd still runs"

# 50 slowloris connections, 25 on each port: one byte of a TLS
# ClientHello a second. handshake_timeout is 2 s: all closed within 6 s.
cat >"$T/slow.py" <<'PY'
import socket, sys, time
ports = [int(p) for p in sys.argv[1:3]]
hello = bytes.fromhex("16030100c8010000c40303") + b"\x00" * 200
socks = []
for i in range(50):
	s = socket.create_connection(("127.0.0.1", ports[i % 2]))
	s.setblocking(False)
	socks.append(s)
t0 = time.time(); closed = {}
for k in range(8):
	for i, s in enumerate(socks):
		if i in closed:
			continue
		try:
			if s.recv(1) == b"":
				closed[i] = time.time() - t0
				continue
		except BlockingIOError:
			pass
		except ConnectionError:
			closed[i] = time.time() - t0
			continue
		try:
			s.send(hello[k:k + 1])
		except (ConnectionError, BrokenPipeError):
			closed[i] = time.time() - t0
	if len(closed) == len(socks):
		break
	time.sleep(1)
print(len(closed), max(closed.values()) if closed else -1)
PY
python3 "$T/slow.py" "$P" "$H" >"$T/slow.out" 2>&1 &
slow=$!
sleep 0.5
t0=$(date +%s%N)
sk a verify "42101 8342 3 00000001 2026" >"$T/out" 2>"$T/err"
ms=$((($(date +%s%N) - t0) / 1000000))
[ "$ms" -lt 2000 ] && pass "verify answers during slowloris (${ms} ms)" ||
    fail "verify answers during slowloris (${ms} ms)"
wait "$slow"
read -r nclosed tmax <"$T/slow.out"
echo "# slowloris: $nclosed/50 closed, last after ${tmax} s"
[ "$nclosed" = 50 ] && pass "all 50 slow handshakes closed by handshake_timeout" ||
    fail "all 50 slow handshakes closed by handshake_timeout ($(cat "$T/slow.out"))"
