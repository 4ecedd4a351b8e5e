# skkd — SPDX-License-Identifier: ISC
#
# Sourced by tests/bench/nginx.sh: where a full TLS handshake's server CPU
# goes. hs_profile PIDS URL samples the server (skkd, or nginx's worker:
# the same classes, so the two splits compare) with DWARF call chains
# while wrk opens a new connection with a full handshake per request
# (fullhs.so), then puts each sample in one class by the functions on its
# stack: the handshake's own public-key operations (ECDSA P-256 signature,
# X25519 key share and secret), the rest of OpenSSL (its state machine,
# key schedule, record encryption, provider lookups, allocations), the
# kernel (TCP, epoll, accept, close) and the server's own work (the
# request, wiping freed OpenSSL memory, its event loop). Sets hs_split,
# hs_samples and hs_pct (the eight shares alone).
# Debian ships OpenSSL without its internal symbols, so OpenSSL code is
# told apart by the exported function that called it.

hs_profile() {
	local pids=$1 url=$2
	hs_split="perf not permitted" hs_samples=0 hs_pct=""
	command -v perf >/dev/null || return 0
	rm -f "$T/hs.data"
	LD_PRELOAD="$B/tests/fullhs.so" wrk -t1 -c64 -d"$((SECS / 2 + 3))s" \
	    -s tests/bench/pick.lua -H 'Connection: close' "$url" >/dev/null 2>&1 &
	sleep 1
	perf record --call-graph dwarf,16384 -F 999 -p "$(echo $pids | tr " " ,)" -o "$T/hs.data" \
	    -- sleep "$((SECS / 2))" >/dev/null 2>&1
	wait $!
	[ -s "$T/hs.data" ] || return 0
	set -- $(perf script -i "$T/hs.data" -F ip,sym,dso --no-inline 2>/dev/null |
	    awk 'BEGIN { RS = "" }
	    {
		n++; leaf = $0; sub(/\n.*/, "", leaf)
		if (leaf ~ /kernel/) k = "kernel"
		else if (/secmem_/) k = "wipe"
		else if (/EVP_DigestSign|ECDSA_|EVP_PKEY_sign/) k = "ecdsa"
		else if (/EVP_PKEY_derive|EVP_PKEY_keygen|EVP_PKEY_generate/) k = "x25519"
		else if (/web_|http_|jb_|store_|merkle_|tlog_|ngx_http_/ && !/SSL_do_handshake|SSL_accept|tls_handshake|ngx_ssl_handshake/) k = "request"
		else if (leaf ~ /libevent|nginx/ || (leaf ~ /skkd/ && !/tls_handshake/)) k = "loop"
		else if (leaf ~ /malloc|free|_int_|realloc|calloc|unlink_chunk|memset|consolidate/) k = "alloc"
		else k = "openssl"
		c[k]++
	    }
	    END {
		split("ecdsa x25519 openssl alloc kernel request wipe loop", key, " ")
		printf "%d", n
		for (i = 1; i <= 8; i++) printf " %.0f", n ? 100 * c[key[i]] / n : 0
		printf "\n"
	    }')
	[ "${1:-0}" -gt 0 ] || return 0
	hs_samples=$1
	hs_pct="$2 $3 $4 $5 $6 $7 $8 $9"
	hs_split="ECDSA P-256 sign $2%, X25519 $3% (together $(( $2 + $3 ))%); the rest of OpenSSL (state machine, key schedule, records, tickets, provider lookups) $4%, malloc/free under OpenSSL $5%; kernel (TCP, accept, epoll, close) $6%; the request (parse, lookup, proof, JSON) $7%, wiping freed TLS memory $8%, event loop $9%"
}
