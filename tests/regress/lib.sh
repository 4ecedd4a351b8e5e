# skkd — SPDX-License-Identifier: ISC
#
# Shared by the regress scripts: a temporary directory, real skkd
# instances on 127.0.0.1, and TAP output. Each script sources this file
# and is run by tests/run with SKKD and SKK pointing at the binaries.

: "${SKKD:?SKKD must name the skkd binary}"
: "${SKK:?SKK must name the skk binary}"

T=$(mktemp -d "${TMPDIR:-/tmp}/skkd-regress.XXXXXX")
tapn=0
pids=""

cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	for p in $pids; do wait "$p" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT INT TERM

pass() { tapn=$((tapn + 1)); echo "ok $tapn - $1"; }
fail() {
	tapn=$((tapn + 1)); echo "not ok $tapn - $1"
	for f in "$T/out" "$T/err"; do
		[ -s "$f" ] && sed -n '1,15s/^/#   /p' "$f"
	done
	return 0
}

# A port that nothing listens on, chosen at random below Linux's
# ephemeral range (32768-60999), where a busy machine's outgoing
# connections would make bind fail with "Address already in use".
# Ports handed out before are never handed out again: nothing listens on
# them until their instance starts, so the probe alone could repeat one.
free_port() {
	while :; do
		p=$(( (($(od -An -N2 -tu2 /dev/urandom)) % 12000) + 20000 ))
		grep -qx "$p" "$T/.ports" 2>/dev/null && continue
		(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && continue
		echo "$p" >>"$T/.ports"
		echo "$p"
		return
	done
}

# inst_init NAME [init options...]: creates $T/NAME, port in $T/NAME.port
inst_init() {
	name=$1; shift
	port=$(free_port)
	echo "$port" >"$T/$name.port"
	# HTTPS pages and /metrics on ports of their own ($T/NAME.hport, .mport).
	hport=$(free_port); mport=$(free_port)
	echo "$hport" >"$T/$name.hport"; echo "$mport" >"$T/$name.mport"
	"$SKKD" init "$T/$name" --listen "127.0.0.1:$port" \
	    --http-listen "127.0.0.1:$hport" --metrics-listen "127.0.0.1:$mport" \
	    "$@" >"$T/$name.init" 2>&1
}

# inst_start NAME: starts skkd in the background, waits until it listens.
inst_start() {
	name=$1
	# Earlier runs' lines move to NAME.log.old, so we wait for this one.
	[ -f "$T/$name.log" ] && cat "$T/$name.log" >>"$T/$name.log.old"
	: >"$T/$name.log"
	"$SKKD" -c "$T/$name/skkd.conf" >>"$T/$name.log" 2>&1 &
	eval "pid_$name=$!"
	pids="$pids $!"
	i=0
	while [ $i -lt 300 ]; do	# 30 s: sanitizer builds on a loaded machine start slowly
		grep -q "listening on" "$T/$name.log" 2>/dev/null && return 0
		kill -0 "$(eval echo \$pid_$name)" 2>/dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
	echo "# skkd $name did not start:"; sed 's/^/#   /' "$T/$name.log"
	return 1
}

# inst_stop NAME: SIGTERM and wait; returns skkd's exit status.
inst_stop() {
	p=$(eval echo \$pid_$1)
	kill "$p" 2>/dev/null
	wait "$p"
}

# sk NAME args...: skk with NAME's admin configuration.
sk() {
	name=$1; shift
	"$SKK" -c "$T/$name/skk.conf" "$@"
}

# dump_edit DUMP RULES [awk options]: DUMP, an mdb_dump -a (hex format),
# with awk RULES run on each key/value pair of its data: db is the pair's
# table, key its key line, $0 its value line, and the rules print the
# pair (print key; print) or leave it out. Other lines pass as they are;
# RULES may hold BEGIN and END too, and the options set its variables.
dump_edit() {
	dump=$1 rules=$2; shift 2
	awk "$@" '
/^database=/ { db = substr($0, 10); print; next }
/^HEADER=END/ { data = 1; val = 0; print; next }
/^DATA=END/ { data = 0; print; next }
!data { print; next }
!val { key = $0; val = 1; next }
{ val = 0 }
'"$rules" "$dump"
}

# run_expect STATUS DESCRIPTION command...: passes when the exit status matches.
run_expect() {
	want=$1; desc=$2; shift 2
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$rc" -eq "$want" ]; then pass "$desc"; else fail "$desc (exit $rc, expected $want)"; fi
}

# node_tap FILE: the "ok - " and "not ok - " lines a node script wrote to
# FILE, numbered in this script's TAP; other lines as they are.
node_tap() {
	while IFS= read -r line; do
		case $line in
		"ok - "*) pass "${line#ok - }" ;;
		"not ok - "*) tapn=$((tapn + 1)); echo "not ok $tapn - ${line#not ok - }" ;;
		*) echo "$line" ;;
		esac
	done <"$1"
}

# out_has TEXT DESCRIPTION: the last command's stdout or stderr contains TEXT.
out_has() {
	if grep -qF -- "$1" "$T/out" "$T/err"; then pass "$2"; else fail "$2 (no '$1')"; fi
}

# json_field FIELD: the first string value of FIELD in the last stdout.
json_field() {
	sed -n "s/.*\"$1\": *\"\\([^\"]*\\)\".*/\\1/p" "$T/out" | head -n 1
}

# helper VAR NAME: sets VAR to the helper program NAME (tests/regress/*.c,
# tests/stress/*.c) that make builds beside the unit tests, $B/tests/NAME
# next to $SKKD, with the same flags and sanitizers; or "not ok" and exit.
helper() {
	_h=${HELPERS:-$(dirname "$SKKD")/tests}/$2
	if [ ! -f "$_h" ]; then
		echo "not ok 1 - helper $2 missing ($_h: make helpers)"
		echo "1..1"
		exit 1
	fi
	eval "$1=\$_h"
}

# nginx_static DIR: a throwaway nginx serving DIR (which need not exist
# yet) over plain HTTP, stopped with the script; its URL, ending in '/',
# into NGINX_URL once it answers (5 s at most).
nginx_static() {
	_n="$T/nginx"; mkdir -p "$_n/logs" "$_n/tmp"
	_p=$(free_port)
	cat >"$_n/nginx.conf" <<NGX
user root;
worker_processes 1;
pid $_n/nginx.pid;
error_log $_n/logs/error.log;
events { worker_connections 64; }
http {
	access_log off;
	client_body_temp_path $_n/tmp; proxy_temp_path $_n/tmp;
	fastcgi_temp_path $_n/tmp; uwsgi_temp_path $_n/tmp; scgi_temp_path $_n/tmp;
	server {
		listen 127.0.0.1:$_p;
		root $1;
	}
}
NGX
	nginx -p "$_n" -c "$_n/nginx.conf" -g 'daemon off;' 2>"$_n/logs/stderr" &
	pids="$pids $!"
	NGINX_URL="http://127.0.0.1:$_p/"
	for _i in $(seq 50); do
		curl -s -o /dev/null "$NGINX_URL" && break
		sleep 0.1
	done
}

# nginx_site LISTEN ROOT [SERVER_NAME]: a real nginx in the foreground
# (pid added to $pids) serving ROOT with contrib/nginx/skkd-static.conf,
# its listen line replaced by "listen LISTEN;" (e.g. "127.0.0.1:P ssl;
# ssl_certificate ...") and its server_name by SERVER_NAME if given.
# Logs in $T/ngx/logs.
nginx_site() {
	mkdir -p "$T/ngx/logs" "$T/ngx/tmp"
	sed -e "s|listen 80;|listen $1;|" \
	    -e "s|server_name skk.example;|server_name ${3:-skk.example};|" \
	    -e "s|root /var/lib/skkd/publish;|root $2;|" \
	    "$(dirname "$0")/../../contrib/nginx/skkd-static.conf" >"$T/ngx/site.conf"
	cat >"$T/ngx/nginx.conf" <<-NGX
	user root;
	worker_processes 1;
	pid $T/ngx/nginx.pid;
	error_log $T/ngx/logs/error.log;
	events { worker_connections 64; }
	http {
		access_log off;
		client_body_temp_path $T/ngx/tmp; proxy_temp_path $T/ngx/tmp;
		fastcgi_temp_path $T/ngx/tmp; uwsgi_temp_path $T/ngx/tmp; scgi_temp_path $T/ngx/tmp;
		include $T/ngx/site.conf;
	}
	NGX
	nginx -p "$T/ngx" -c "$T/ngx/nginx.conf" -g 'daemon off;' 2>"$T/ngx/logs/stderr" &
	pids="$pids $!"
}
