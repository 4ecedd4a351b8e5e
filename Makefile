# skkd — SPDX-License-Identifier: ISC
#
# make            build/skkd, build/skk, build/libskkproto.a
# make run        set up (packages, ./var instance) and run skkd in the foreground
# make test       set up, then every unit, fuzz-replay and regress test
# make test T=store   one test (a unit suite or a regress script by name)
# make SANITIZE=address,undefined test
# make fuzz [FUZZ_SECONDS=N] [FUZZ=wire]   libFuzzer harnesses (clang)
# make bench     cohort issuance, crew check, skkd against nginx, status lists
# make bench-nginx   only the latter (tests/bench/nginx.sh)
#   BENCH_SECONDS per wrk run, BENCH_BIG=0 skips the million,
#   BENCH_HUGE=10000000 adds the ten-million step (tests/bench/scale.sh)
# make stress    crash durability, slow clients, full store, TLS scan (not in test)
# make install [PREFIX=/usr/local] [DESTDIR=]
#
# make also builds the verifier app of /app/ into $(B)/web from web/ and
# the QR decoder npm installs from web/package-lock.json (npm ci when the
# lockfile is newer); skkd serves it from there, or once installed from
# $(PREFIX)/share/skkd/web.

PREFIX	?= /usr/local
WEBDIR	?= $(PREFIX)/share/skkd/web
UNITDIR	?= $(PREFIX)/lib/systemd/system
DESTDIR	?=
CC	?= cc
B	:= build

LIBS	:= libevent libevent_openssl libevent_pthreads openssl lmdb \
	   libqrencode libpng libcbor jansson libsystemd zlib
# Debian packages: libraries, then test tools (command:package).
PKGS	:= pkg-config libevent-dev libssl-dev liblmdb-dev libqrencode-dev \
	   libpng-dev libcbor-dev libjansson-dev libsystemd-dev libcmocka-dev zlib1g-dev \
	   libzbar-dev fonts-liberation libcurl4-openssl-dev \
	   golang-golang-x-mod-dev libcairo2-dev libpango1.0-dev \
	   fonts-noto-core
TOOLS	:= zbarimg:zbar-tools curl:curl mdb_stat:lmdb-utils openssl:openssl \
	   mandoc:mandoc systemd-analyze:systemd chromium:chromium \
	   nginx:nginx-light wrk:wrk testssl:testssl.sh go:golang-go jq:jq \
	   node:nodejs npm:npm pdftoppm:poppler-utils pdfsig:poppler-utils \
	   pdftotext:poppler-utils pdfinfo:poppler-utils

WARN	:= -Wall -Wextra -Wshadow -Wmissing-prototypes -Wstrict-prototypes \
	   -Wformat=2 -Wno-unused-parameter
ifneq ($(CI),)
WARN	+= -Werror
endif
OPT	?= -O2 -g
CFLAGS	+= -std=c11 -D_GNU_SOURCE $(OPT) $(WARN) -Iproto -Idaemon
ifneq ($(SANITIZE),)
CFLAGS	+= -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS	+= -fsanitize=$(SANITIZE)
B	:= build/san
endif

PKG_CFLAGS = $(shell pkg-config --cflags $(LIBS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(LIBS) 2>/dev/null) -lpthread
# skk reads logs over HTTP (client/fetch.c), skkd posts to witnesses
# (daemon/wpost.c).
CURL_LIBS  = $(shell pkg-config --libs libcurl 2>/dev/null)
CFLAGS	+= $(PKG_CFLAGS)
# Only skk draws certificates (client/pdf.c): pango and cairo's PDF.
CLIENT_PKGS := pangocairo cairo-pdf
CLIENT_CFLAGS = $(shell pkg-config --cflags $(CLIENT_PKGS) 2>/dev/null)
CLIENT_LIBS   = $(shell pkg-config --libs $(CLIENT_PKGS) 2>/dev/null)

PROTO_SRC  := $(wildcard proto/*.c)
DAEMON_SRC := $(wildcard daemon/*.c)
CLIENT_SRC := $(wildcard client/*.c)
UNIT_SRC   := $(wildcard tests/unit/test_*.c)
FUZZ_SRC   := $(wildcard tests/fuzz/fuzz_*.c)

PROTO_OBJ  := $(PROTO_SRC:%.c=$(B)/%.o)
DAEMON_OBJ := $(DAEMON_SRC:%.c=$(B)/%.o)
DAEMON_LIB := $(filter-out $(B)/daemon/main.o,$(DAEMON_OBJ))
CLIENT_OBJ := $(CLIENT_SRC:%.c=$(B)/%.o)
CLIENT_LIB := $(filter-out $(B)/client/main.o,$(CLIENT_OBJ))
UNIT_BIN   := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
REPLAY_BIN := $(FUZZ_SRC:tests/fuzz/fuzz_%.c=$(B)/tests/replay_%)

.PHONY: all deps run test unit helpers fuzz bench bench-nginx stress install uninstall lint-man clean
all: $(B)/skkd $(B)/skk $(B)/web/sw.js

$(B)/%.o: %.c $(wildcard proto/*.h daemon/*.h client/*.h)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c -o $@ $<

# Where an installed skkd finds the app when none is beside it; the
# stamp rebuilds webapp.o when PREFIX (or WEBDIR) changes, so that
# `make install PREFIX=/usr` installs a skkd that looks there.
$(B)/daemon/webapp.o: CFLAGS += -DSKKD_WEBDIR='"$(WEBDIR)"'
$(B)/daemon/webapp.o: $(B)/webdir
$(B)/webdir: FORCE
	@mkdir -p $(@D)
	@echo '$(WEBDIR)' | cmp -s - $@ || echo '$(WEBDIR)' >$@
.PHONY: FORCE

# The app: our files, jsQR's dist file (never in the repository), and
# sw.js stamped with the hash of the rest so that phones take a new build.
WEB_FILES := web/index.html web/app.js web/style.css \
	     web/manifest.webmanifest web/icon.svg
web/node_modules/.package-lock.json: web/package-lock.json
	@command -v npm >/dev/null || { echo "npm missing: make deps"; exit 1; }
	cd web && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(B)/web/sw.js: web/sw.js $(WEB_FILES) web/node_modules/.package-lock.json
	@mkdir -p $(@D)
	cp $(WEB_FILES) $(@D)/
	cp web/node_modules/jsqr/dist/jsQR.js $(@D)/
	v=$$(cat $(WEB_FILES) $(@D)/jsQR.js | sha256sum | cut -c1-16); \
	    sed "s/@VERSION@/$$v/" web/sw.js >$@
$(B)/client/%.o: CFLAGS += $(CLIENT_CFLAGS)

$(B)/libskkproto.a: $(PROTO_OBJ)
	$(AR) rcs $@ $^

$(B)/skkd: $(DAEMON_OBJ) $(B)/libskkproto.a
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) $(CURL_LIBS)

$(B)/skk: $(CLIENT_OBJ) $(B)/libskkproto.a
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) $(CURL_LIBS) $(CLIENT_LIBS) -lzbar

$(B)/libskkd.a: $(DAEMON_LIB)
	$(AR) rcs $@ $^

$(B)/libskk.a: $(CLIENT_LIB)
	$(AR) rcs $@ $^

# Unit tests link the proto library and the daemon's and client's modules.
$(B)/tests/test_%: tests/unit/test_%.c $(B)/libskkd.a $(B)/libskk.a $(B)/libskkproto.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(CLIENT_CFLAGS) $(LDFLAGS) -Iclient -o $@ $^ \
	    $(PKG_LIBS) $(CURL_LIBS) $(CLIENT_LIBS) -lzbar -lcmocka

# The fuzz harnesses built as plain programs that replay their corpus.
$(B)/tests/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(B)/libskkproto.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

# Helper programs the test scripts run, built with the same warnings and
# sanitizers as the programs under test; the scripts find them next to
# the unit tests ($(B)/tests, i.e. "$(dirname "$SKKD")/tests").
HELPERS	:= $(B)/tests/forge $(B)/tests/rawframe $(B)/tests/rogue \
	   $(B)/tests/tlogw $(B)/tests/memscan $(B)/tests/slowpoke $(B)/tests/powercut.so \
	   $(B)/tests/mklog $(B)/tests/gocheck $(B)/tests/logcheck \
	   $(B)/tests/logedit $(B)/tests/proofcheck $(B)/tests/redate
BENCH_HELPERS := $(B)/tests/idle $(B)/tests/lmdbget $(B)/tests/protolat \
	   $(B)/tests/fullhs.so $(B)/tests/logproof $(B)/tests/statusbench \
	   $(B)/tests/fixrate

# The forger of forgery.sh signs any claims with a key file.
$(B)/tests/forge: tests/regress/forge.c $(B)/daemon/keyfile.o $(B)/libskkproto.a
$(B)/tests/rawframe: tests/regress/rawframe.c $(B)/libskkproto.a
# trustcli.sh's registry re-signing a trust list with other dates.
$(B)/tests/redate: tests/regress/redate.c $(B)/daemon/keyfile.o $(B)/libskkproto.a
$(B)/tests/rogue: tests/regress/rogue.c $(B)/libskkproto.a
# The log writer of audit.sh: checkpoint, tiles and bundles, tampered.
$(B)/tests/mklog: tests/regress/mklog.c $(B)/libskkproto.a
$(B)/tests/tlogw: tests/regress/tlogw.c $(B)/libskkproto.a
$(B)/tests/memscan: tests/regress/memscan.c
$(B)/tests/logcheck: tests/regress/logcheck.c $(B)/libskkproto.a
# logaudit.sh's issuer rewriting its own stored log (LMDB), re-signed.
$(B)/tests/logedit: tests/regress/logedit.c $(B)/libskkproto.a
# proof.sh's checker of saved verdict answers (proto/logproof).
$(B)/tests/proofcheck: tests/regress/proofcheck.c $(B)/libskkproto.a
$(B)/tests/slowpoke: tests/stress/slowpoke.c
$(B)/tests/idle: tests/bench/idle.c
$(B)/tests/lmdbget: tests/bench/lmdbget.c $(B)/libskkproto.a
$(B)/tests/protolat: tests/bench/protolat.c $(B)/client/net.o \
    $(B)/client/skkconf.o $(B)/libskkproto.a
# The log's proofs and tree against raw SHA-256, on a real store.
$(B)/tests/logproof: tests/bench/logproof.c $(B)/libskkd.a $(B)/libskkproto.a
# A status list rebuild against zlib alone (tests/bench/status.sh).
$(B)/tests/statusbench: tests/bench/statusbench.c $(B)/libskkd.a $(B)/libskkproto.a
# The open-loop HTTPS load generator of the fixed-rate rows.
$(B)/tests/fixrate: tests/bench/fixrate.c
$(filter-out %.so %/gocheck,$(HELPERS) $(BENCH_HELPERS)):
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -Iclient -o $@ $^ $(PKG_LIBS)

# audit.sh's independent checker: Go against golang.org/x/mod's sumdb/note
# and sumdb/tlog as Debian installs them, built offline.
$(B)/tests/gocheck: tests/gocheck/gocheck.go
	@mkdir -p $(@D) build/go
	GO111MODULE=off GOPATH=/usr/share/gocode GOCACHE=$(CURDIR)/build/go \
	    go build -o $@ $<

# LD_PRELOAD shims: powercut (stress/crash.sh), fullhs (bench/nginx.sh).
$(B)/tests/powercut.so: tests/stress/powercut.c
$(B)/tests/fullhs.so: tests/bench/fullhs.c
$(B)/tests/powercut.so $(B)/tests/fullhs.so:
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -shared -fPIC $(LDFLAGS) -o $@ $^ -ldl -lpthread

helpers: $(HELPERS)
unit: $(UNIT_BIN) $(REPLAY_BIN) $(HELPERS)

# Installs the Debian packages only when something is missing: a package
# counts when dpkg says "installed" (not merely known, or config-files
# left behind), a tool when it is on PATH. Nothing missing: no apt-get.
deps:
	@missing=""; \
	for p in $(PKGS); do \
		[ "$$(dpkg-query -W -f='$${db:Status-Status}' $$p 2>/dev/null)" = installed ] || \
		    missing="$$missing $$p"; \
	done; \
	for t in $(TOOLS); do command -v $${t%%:*} >/dev/null 2>&1 || missing="$$missing $${t#*:}"; done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "installing:$$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
			    apt-get install -y -qq --no-install-recommends $$missing >/dev/null || exit 1; \
		else \
			echo "missing packages; run as root:"; \
			echo "  apt-get install -y$$missing"; exit 1; \
		fi; \
	fi
	@# npm packages the tests check against (tests/node/package-lock.json)
	@if [ ! -f tests/node/node_modules/.package-lock.json ] || \
	    [ tests/node/package-lock.json -nt tests/node/node_modules/.package-lock.json ]; then \
		echo "installing npm packages of tests/node"; \
		(cd tests/node && npm ci --no-audit --no-fund --loglevel=error) || exit 1; \
	fi

run: deps
	@$(MAKE) --no-print-directory all
	@test -f var/skkd.conf || $(B)/skkd init var
	exec $(B)/skkd -c var/skkd.conf

# T=NAME (or T="NAME ...") runs only those tests: see tests/run.
test: deps
	@$(MAKE) --no-print-directory all unit
	@B=$(B) sh tests/run $(T)

# Benchmarks against a real daemon (-O2 build); not part of make test.
bench: deps
	@# a sanitized build leaves symlinks here; measure the real thing
	@if [ -L build/skkd ]; then rm -f build/skkd build/skk; fi
	@$(MAKE) --no-print-directory OPT="-O2 -g" SANITIZE= all $(BENCH_HELPERS)
	@B=build bash tests/bench/run
	@B=build bash tests/bench/nginx.sh
	@B=build bash tests/bench/status.sh

# Only the side-by-side with nginx (tests/bench/nginx.sh; BENCH_SECONDS=N,
# BENCH_BIG, BENCH_HUGE: see tests/bench/scale.sh).
bench-nginx: deps
	@if [ -L build/skkd ]; then rm -f build/skkd build/skk; fi
	@$(MAKE) --no-print-directory OPT="-O2 -g" SANITIZE= all $(BENCH_HELPERS)
	@B=build bash tests/bench/nginx.sh

# Long reliability runs (tests/stress: crash durability, slow clients,
# full store, testssl.sh scan); not part of make test. Fails on any "not ok".
stress: deps
	@$(MAKE) --no-print-directory all helpers
	@rc=0; for t in tests/stress/*.sh; do echo "== $$t"; \
		SKKD=$(CURDIR)/$(B)/skkd SKK=$(CURDIR)/$(B)/skk bash $$t >$(B)/stress.out 2>&1; \
		cat $(B)/stress.out; grep -q '^not ok' $(B)/stress.out && rc=1; \
	done; exit $$rc

FUZZ_SECONDS ?= 60
fuzz: deps
	@command -v clang >/dev/null || { echo "make fuzz needs clang (apt-get install clang)"; exit 1; }
	@mkdir -p build/fuzz
	@for f in $(if $(FUZZ),tests/fuzz/fuzz_$(FUZZ).c,$(FUZZ_SRC)); do \
		n=$$(basename $$f .c); n=$${n#fuzz_}; \
		clang -g -O1 -fsanitize=fuzzer,address,undefined $(WARN) -std=c11 -D_GNU_SOURCE \
		    -Iproto $(PKG_CFLAGS) -o build/fuzz/$$n $$f $(PROTO_SRC) $(PKG_LIBS) || exit 1; \
		mkdir -p build/fuzz/corpus-$$n; \
		echo "== fuzz $$n ($(FUZZ_SECONDS) s)"; \
		build/fuzz/$$n -max_total_time=$(FUZZ_SECONDS) \
		    -artifact_prefix=build/fuzz/$$n- \
		    -dict=tests/fuzz/$$n.dict build/fuzz/corpus-$$n tests/fuzz/corpus/$$n \
		    >build/fuzz/$$n.log 2>&1; rc=$$?; tail -n 1 build/fuzz/$$n.log; \
		if [ $$rc -ne 0 ]; then grep -A5 'ERROR' build/fuzz/$$n.log; \
		    echo "fuzz $$n found a crash: see build/fuzz/$$n.log"; exit 1; fi; \
	done

MAN8	:= daemon/skkd.8
MAN5	:= daemon/skkd.conf.5
MAN1	:= client/skk.1
install: all
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/bin
	install -m 755 $(B)/skkd $(DESTDIR)$(PREFIX)/sbin/skkd
	install -m 755 $(B)/skk $(DESTDIR)$(PREFIX)/bin/skk
	for m in $(wildcard $(MAN1) $(MAN5) $(MAN8)); do \
		s=$${m##*.}; install -d $(DESTDIR)$(PREFIX)/share/man/man$$s; \
		install -m 644 $$m $(DESTDIR)$(PREFIX)/share/man/man$$s/; \
	done
	install -d $(DESTDIR)$(WEBDIR)
	install -m 644 $(B)/web/* $(DESTDIR)$(WEBDIR)/
	install -d $(DESTDIR)$(UNITDIR)
	sed 's|/usr/local/sbin/|$(PREFIX)/sbin/|g' systemd/skkd.service \
	    >$(DESTDIR)$(UNITDIR)/skkd.service
	chmod 644 $(DESTDIR)$(UNITDIR)/skkd.service

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/sbin/skkd $(DESTDIR)$(PREFIX)/bin/skk
	rm -f $(DESTDIR)$(PREFIX)/share/man/man1/skk.1 \
	    $(DESTDIR)$(PREFIX)/share/man/man5/skkd.conf.5 \
	    $(DESTDIR)$(PREFIX)/share/man/man8/skkd.8
	rm -f $(DESTDIR)$(UNITDIR)/skkd.service
	rm -rf $(DESTDIR)$(WEBDIR)

lint-man:
	mandoc -T lint -W warning $(MAN1) $(MAN5) $(MAN8)

clean:
	rm -rf build
