/* skkd — SPDX-License-Identifier: ISC */
/*
 * daemon/conf.c: skkd.conf files written into a temporary directory and
 * loaded back; every field, the defaults, each error with its file, line
 * and key, path resolution, listen addresses and the NIK secret file.
 */

#include <sys/stat.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "conf.h"

#define REQUIRED \
	"signing_key = keys/signing.pem\n" \
	"nik_secret = keys/nik.secret\n" \
	"tls_cert = tls/server.crt\n" \
	"tls_key = tls/server.key\n" \
	"client_ca = tls/client-ca.crt\n"

struct fixture {
	char	 dir[PATH_MAX];		/* realpath of the temp dir */
	char	 file[PATH_MAX + 16];	/* dir/skkd.conf */
	char	 err[1024];
};

static int
setup(void **state)
{
	struct fixture	*f = calloc(1, sizeof(*f));
	char		 tmpl[] = "/tmp/test_conf.XXXXXX";

	if (f == NULL || mkdtemp(tmpl) == NULL ||
	    realpath(tmpl, f->dir) == NULL)
		return -1;
	snprintf(f->file, sizeof(f->file), "%s/skkd.conf", f->dir);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;
	char		 cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static void
write_file(const char *path, mode_t mode, const char *text)
{
	int	 fd;

	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	assert_true(fd != -1);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

/* Loads text as dir/skkd.conf; returns conf_load's result. */
static int
load(struct fixture *f, const char *text, struct conf *c)
{
	write_file(f->file, 0644, text);
	f->err[0] = '\0';
	return conf_load(f->file, c, f->err, sizeof(f->err));
}

/* The error conf_load gives for text must be "FILE:" + want. */
static void
expect_error(struct fixture *f, const char *text, const char *want)
{
	struct conf	*c = malloc(sizeof(*c));
	char		 full[PATH_MAX + 512];

	assert_non_null(c);
	assert_int_equal(load(f, text, c), -1);
	snprintf(full, sizeof(full), "%s:%s", f->file, want);
	assert_string_equal(f->err, full);
	free(c);
}

static void
expect_path(const struct fixture *f, const char *got, const char *rel)
{
	char	 want[PATH_MAX * 2];

	snprintf(want, sizeof(want), "%s/%s", f->dir, rel);
	assert_string_equal(got, want);
}

static void
test_full(void **state)
{
	struct fixture		*f = *state;
	struct conf		*c = malloc(sizeof(*c));
	struct sockaddr_in6	*sin6;

	assert_non_null(c);
	assert_int_equal(load(f,
	    "# every key\n"
	    "listen = [::1]:9443\n"
	    "data_dir = store\n"
	    "signing_key = \"keys/signing.pem\"\n"
	    "nik_secret = keys/nik.secret  # comment\n"
	    "tls_cert = tls/server.crt\n"
	    "tls_key = tls/server.key\n"
	    "client_ca = tls/client-ca.crt\n"
	    "public_host = skk.example.id:443\n"
	    "issuer_name = \"LSP \\\"Konstruksi\\\" #1\"\n"
	    "issuer_licence = KEP.1234/BNSP/2024\n"
	    "kbli = 01111\n"
	    "kbji = 7233\n"
	    "workers = 3\n"
	    "map_size = 2G\n"
	    "max_connections = 50\n"
	    "max_frame = 64K\n"
	    "max_batch = 200\n"
	    "handshake_timeout = 5\n"
	    "idle_timeout = 60\n"
	    "anonymous_max_batch = 20\n"
	    "anonymous_rate = 3\n", c), 0);
	assert_string_equal(c->path, f->file);
	assert_string_equal(c->dir, f->dir);
	assert_string_equal(c->listen, "[::1]:9443");
	assert_int_equal(c->listen_addr.ss_family, AF_INET6);
	assert_int_equal(c->listen_len, sizeof(struct sockaddr_in6));
	sin6 = (struct sockaddr_in6 *)&c->listen_addr;
	assert_int_equal(ntohs(sin6->sin6_port), 9443);
	assert_memory_equal(&sin6->sin6_addr, &in6addr_loopback, 16);
	expect_path(f, c->data_dir, "store");
	expect_path(f, c->signing_key, "keys/signing.pem");
	expect_path(f, c->nik_secret, "keys/nik.secret");
	expect_path(f, c->tls_cert, "tls/server.crt");
	expect_path(f, c->tls_key, "tls/server.key");
	expect_path(f, c->client_ca, "tls/client-ca.crt");
	assert_string_equal(c->public_host, "skk.example.id:443");
	assert_string_equal(c->issuer_name, "LSP \"Konstruksi\" #1");
	assert_string_equal(c->issuer_licence, "KEP.1234/BNSP/2024");
	assert_string_equal(c->kbli, "01111");
	assert_string_equal(c->kbji, "7233");
	assert_int_equal(c->workers, 3);
	assert_true(c->map_size == (size_t)2 << 30);
	assert_int_equal(c->max_connections, 50);
	assert_true(c->max_frame == 64 * 1024);
	assert_int_equal(c->max_batch, 200);
	assert_int_equal(c->handshake_timeout, 5);
	assert_int_equal(c->idle_timeout, 60);
	assert_int_equal(c->anonymous_max_batch, 20);
	assert_int_equal(c->anonymous_rate, 3);
	free(c);
}

static void
test_defaults(void **state)
{
	struct fixture		*f = *state;
	struct conf		*c = malloc(sizeof(*c));
	struct sockaddr_in	*sin;
	long			 cores = sysconf(_SC_NPROCESSORS_ONLN);

	assert_non_null(c);
	assert_int_equal(load(f, REQUIRED, c), 0);
	assert_string_equal(c->listen, "127.0.0.1:7443");
	assert_int_equal(c->listen_addr.ss_family, AF_INET);
	assert_int_equal(c->listen_len, sizeof(struct sockaddr_in));
	sin = (struct sockaddr_in *)&c->listen_addr;
	assert_int_equal(ntohs(sin->sin_port), 7443);
	assert_int_equal(ntohl(sin->sin_addr.s_addr), INADDR_LOOPBACK);
	expect_path(f, c->data_dir, "db");
	assert_string_equal(c->public_host, "localhost:8443");
	assert_string_equal(c->issuer_name, "LSP Konstruksi Contoh");
	assert_string_equal(c->issuer_licence, "KEP.1234/BNSP/2024");
	assert_string_equal(c->kbli, "42101");
	assert_string_equal(c->kbji, "8342");
	assert_int_equal(c->workers,
	    cores < 1 ? 1 : cores > CONF_WORKERS_MAX ? CONF_WORKERS_MAX : cores);
	assert_true(c->workers >= 1);
	assert_true(c->map_size == (size_t)1024 << 20);
	assert_int_equal(c->max_connections, 1024);
	assert_true(c->max_frame == (size_t)8 << 20);
	assert_int_equal(c->max_batch, 10000);
	assert_int_equal(c->handshake_timeout, 10);
	assert_int_equal(c->idle_timeout, 300);
	assert_int_equal(c->anonymous_max_batch, 100);
	assert_int_equal(c->anonymous_rate, 10);
	free(c);
}

static void
test_unknown_and_duplicate(void **state)
{
	struct fixture	*f = *state;

	expect_error(f, REQUIRED "# x\n\nfoo = 1\n", "8: unknown key 'foo'");
	expect_error(f, "kbli = 42101\n" REQUIRED "kbli = 42102\n",
	    "7: duplicate key 'kbli'");
	expect_error(f, REQUIRED "kbli 42101\n",
	    "6: expected \"key = value\"");
}

static void
test_bad_numbers(void **state)
{
	struct fixture	*f = *state;

	expect_error(f, REQUIRED "workers = many\n",
	    "6: workers: \"many\" is not a number");
	expect_error(f, REQUIRED "workers = 257\n",
	    "6: workers: 257 is over the limit 256");
	expect_error(f, "\n" REQUIRED "map_size = 12x\n",
	    "7: map_size: \"12x\" is not a size (a number with an optional "
	    "K, M or G)");
	expect_error(f, REQUIRED "map_size = 2048G\n",
	    "6: map_size: 2048G is over the limit 1024G");
	expect_error(f, REQUIRED "map_size = 1K\n",
	    "6: map_size: 1K is under the minimum 1048576");
	expect_error(f, REQUIRED "max_connections = 0\n",
	    "6: max_connections: 0 is under the minimum 1");
	expect_error(f, REQUIRED "max_connections = -5\n",
	    "6: max_connections: \"-5\" is not a number");
	expect_error(f, REQUIRED "max_frame = 2G\n",
	    "6: max_frame: 2G is over the limit 1G");
	expect_error(f, REQUIRED "max_batch = 99999999999999999999999\n",
	    "6: max_batch: 99999999999999999999999 is over the limit 1000000");
	expect_error(f, REQUIRED "handshake_timeout = 0\n",
	    "6: handshake_timeout: 0 is under the minimum 1");
	expect_error(f, REQUIRED "idle_timeout = 1h\n",
	    "6: idle_timeout: \"1h\" is not a number");
	expect_error(f, REQUIRED "kbli = 4210\n",
	    "6: kbli: expected 5 digits");
	expect_error(f, REQUIRED "kbli = 4210a\n",
	    "6: kbli: expected 5 digits");
	expect_error(f, REQUIRED "kbji = 83421\n",
	    "6: kbji: expected 4 digits");
}

static void
test_bad_text(void **state)
{
	struct fixture	*f = *state;
	char		 text[512];

	expect_error(f, REQUIRED "issuer_name = \"\"\n",
	    "6: issuer_name: empty value");
	snprintf(text, sizeof(text), REQUIRED "issuer_licence = %041d\n", 0);
	expect_error(f, text, "6: issuer_licence: longer than 40 bytes");
	expect_error(f, REQUIRED "public_host = skk.example.id/x\n",
	    "6: public_host: expected host[:port], not 'skk.example.id/x'");
	expect_error(f, REQUIRED "public_host = host:99999\n",
	    "6: public_host: expected host[:port], not 'host:99999'");
	expect_error(f, REQUIRED "public_host = :443\n",
	    "6: public_host: expected host[:port], not ':443'");
	expect_error(f, REQUIRED "data_dir =\n", "6: data_dir: empty path");
}

static void
test_relative_paths(void **state)
{
	struct fixture	*f = *state;
	struct conf	*c = malloc(sizeof(*c));
	char		 sub[PATH_MAX + 8], file[PATH_MAX + 32];
	char		 rel[PATH_MAX * 2];

	assert_non_null(c);
	snprintf(sub, sizeof(sub), "%s/etc", f->dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	snprintf(file, sizeof(file), "%s/skkd.conf", sub);
	write_file(file, 0644,
	    "data_dir = ../var//db/\n"
	    "signing_key = ./keys/../keys/./signing.pem\n"
	    "nik_secret = /etc/skkd/../skkd/nik.secret\n"
	    "tls_cert = server.crt\n"
	    "tls_key = /../../x.key\n"
	    "client_ca = ../../../../../../../../../../ca.crt\n");
	/* Loaded through a relative, unnormalised name of the file. */
	assert_int_equal(chdir(f->dir), 0);
	assert_int_equal(conf_load("./etc/../etc/skkd.conf", c, f->err,
	    sizeof(f->err)), 0);
	assert_string_equal(c->path, file);
	assert_string_equal(c->dir, sub);
	expect_path(f, c->data_dir, "var/db");
	expect_path(f, c->signing_key, "etc/keys/signing.pem");
	assert_string_equal(c->nik_secret, "/etc/skkd/nik.secret");
	expect_path(f, c->tls_cert, "etc/server.crt");
	assert_string_equal(c->tls_key, "/x.key");
	assert_string_equal(c->client_ca, "/ca.crt");
	assert_int_equal(chdir("/"), 0);
	snprintf(rel, sizeof(rel), "%s/etc/skkd.conf", f->dir);
	assert_int_equal(conf_load(rel, c, f->err, sizeof(f->err)), 0);
	expect_path(f, c->data_dir, "var/db");
	free(c);
}

static void
test_missing(void **state)
{
	struct fixture	*f = *state;
	struct conf	*c = malloc(sizeof(*c));
	char		 want[PATH_MAX + 64], path[PATH_MAX + 16];

	assert_non_null(c);
	assert_int_equal(load(f, "tls_cert = a\n", c), -1);
	snprintf(want, sizeof(want), "%s: missing 'signing_key'", f->file);
	assert_string_equal(f->err, want);
	assert_int_equal(load(f, "signing_key = a\nnik_secret = b\n"
	    "tls_cert = c\ntls_key = d\n", c), -1);
	snprintf(want, sizeof(want), "%s: missing 'client_ca'", f->file);
	assert_string_equal(f->err, want);

	snprintf(path, sizeof(path), "%s/nope.conf", f->dir);
	assert_int_equal(conf_load(path, c, f->err, sizeof(f->err)), -1);
	snprintf(want, sizeof(want), "cannot open '%s': No such file or "
	    "directory", path);
	assert_string_equal(f->err, want);
	free(c);
}

static void
test_listen(void **state)
{
	struct fixture		*f = *state;
	struct conf		*c = malloc(sizeof(*c));
	struct sockaddr_in	*sin = (struct sockaddr_in *)&c->listen_addr;

	assert_non_null(c);
	assert_int_equal(load(f, REQUIRED "listen = 0.0.0.0:1\n", c), 0);
	assert_int_equal(c->listen_addr.ss_family, AF_INET);
	assert_int_equal(ntohs(sin->sin_port), 1);
	assert_int_equal(sin->sin_addr.s_addr, htonl(INADDR_ANY));
	assert_int_equal(load(f, REQUIRED "listen = localhost:7000\n", c), 0);
	assert_int_equal(ntohs(sin->sin_port), 7000);
	assert_true(c->listen_addr.ss_family == AF_INET ||
	    c->listen_addr.ss_family == AF_INET6);
	assert_int_equal(load(f, REQUIRED "listen = \"[::]:443\"\n", c), 0);
	assert_int_equal(c->listen_addr.ss_family, AF_INET6);

	expect_error(f, REQUIRED "listen = 127.0.0.1\n",
	    "6: listen: bad address '127.0.0.1' (expected a numeric "
	    "host:port, [v6]:port or localhost:port)");
	expect_error(f, REQUIRED "\nlisten = ::1:7443\n",
	    "7: listen: bad address '::1:7443' (expected a numeric "
	    "host:port, [v6]:port or localhost:port)");
	expect_error(f, REQUIRED "listen = 127.0.0.1:65536\n",
	    "6: listen: bad address '127.0.0.1:65536' (expected a numeric "
	    "host:port, [v6]:port or localhost:port)");
	expect_error(f, REQUIRED "listen = example.com:443\n",
	    "6: listen: bad address 'example.com:443' (expected a numeric "
	    "host:port, [v6]:port or localhost:port)");
	expect_error(f, REQUIRED "listen = [::1:443\n",
	    "6: listen: bad address '[::1:443' (expected a numeric "
	    "host:port, [v6]:port or localhost:port)");
	expect_error(f, REQUIRED "listen = 256.1.1.1:443\n",
	    "6: listen: bad address '256.1.1.1:443' (expected a numeric "
	    "host:port, [v6]:port or localhost:port)");
	free(c);
}

static void
test_parse_buffer(void **state)
{
	struct conf	*c = malloc(sizeof(*c));
	char		 err[512];
	const char	 text[] = REQUIRED "kbli = 1\n";

	assert_non_null(c);
	assert_int_equal(conf_parse_buffer(REQUIRED, sizeof(REQUIRED) - 1,
	    "mem", "/srv/skk", c, err, sizeof(err)), 0);
	assert_string_equal(c->tls_key, "/srv/skk/tls/server.key");
	assert_string_equal(c->data_dir, "/srv/skk/db");
	assert_int_equal(conf_parse_buffer(text, sizeof(text) - 1, "mem",
	    "/srv/skk", c, err, sizeof(err)), -1);
	assert_string_equal(err, "mem:6: kbli: expected 5 digits");
	free(c);
}

/* PROTOCOL.md §4.6's witness key. */
#define WKEY	"witness.skk.example/w1+c1adff8a+" \
		"BNdamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1Ea"

/* conf_parse_buffer of REQUIRED then extra fails with want. */
static void
expect_buffer_error(const char *extra, const char *want)
{
	struct conf	*c = malloc(sizeof(*c));
	char		 text[4096], err[512];

	assert_non_null(c);
	snprintf(text, sizeof(text), "%s%s", REQUIRED, extra);
	assert_int_equal(conf_parse_buffer(text, strlen(text), "mem",
	    "/srv/skk", c, err, sizeof(err)), -1);
	assert_string_equal(err, want);
	free(c);
}


/* The status list timings: durations with a unit, defaults 5 min and 7 d. */
static void
test_status_timing(void **state)
{
	struct conf	*c = malloc(sizeof(*c));
	char		 err[512], text[4096];
	int		 n;

	assert_non_null(c);
	assert_int_equal(conf_parse_buffer(REQUIRED, sizeof(REQUIRED) - 1,
	    "mem", "/srv/skk", c, err, sizeof(err)), 0);
	assert_int_equal(c->status_interval, 300);
	assert_int_equal(c->status_validity, 7 * 86400);
	n = snprintf(text, sizeof(text), "%sstatus_interval = 2m\n"
	    "status_validity = 36h\n", REQUIRED);
	assert_int_equal(conf_parse_buffer(text, (size_t)n, "mem",
	    "/srv/skk", c, err, sizeof(err)), 0);
	assert_int_equal(c->status_interval, 120);
	assert_int_equal(c->status_validity, 36 * 3600);
	expect_buffer_error("status_interval = 0\n",
	    "mem:6: status_interval: 0 is under the minimum 1");
	expect_buffer_error("status_interval = 2d\n",
	    "mem:6: status_interval: 2d is over the limit of 86400 seconds");
	expect_buffer_error("status_validity = 1w\n",
	    "mem:6: status_validity: \"1w\" is not a duration (a number "
	    "with an optional s, m, h or d)");
	expect_buffer_error("status_interval = 1h\nstatus_validity = 30m\n",
	    "mem: status_validity: 1800 s is shorter than status_interval "
	    "(3600 s): lists would lapse before the next");
	free(c);
}

static void
test_witness(void **state)
{
	struct conf	*c = malloc(sizeof(*c));
	char		 err[512], text[4096];
	int		 i, n;

	assert_non_null(c);
	n = snprintf(text, sizeof(text), "%s"
	    "witness = https://w.example/a/ " WKEY "\n"
	    "witness = http://127.0.0.1:7380   " WKEY "\n"
	    "witness_interval = 600\n", REQUIRED);
	assert_int_equal(conf_parse_buffer(text, (size_t)n, "mem",
	    "/srv/skk", c, err, sizeof(err)), 0);
	assert_int_equal(c->nwitness, 2);
	assert_string_equal(c->witness[0].url, "https://w.example/a");
	assert_string_equal(c->witness[1].url, "http://127.0.0.1:7380");
	assert_string_equal(c->witness[1].vkey, WKEY);
	assert_int_equal(c->witness_interval, 600);
	assert_int_equal(conf_parse_buffer(REQUIRED, sizeof(REQUIRED) - 1,
	    "mem", "/srv/skk", c, err, sizeof(err)), 0);
	assert_int_equal(c->nwitness, 0);
	assert_int_equal(c->witness_interval, 60);
	expect_buffer_error("witness = ftp://w.example " WKEY "\n",
	    "mem:6: witness: expected an http:// or https:// URL, not "
	    "'ftp://w.example'");
	expect_buffer_error("witness = https://w.example\n",
	    "mem:6: witness: expected URL VERIFIER-KEY");
	expect_buffer_error("witness = https:// " WKEY "\n",
	    "mem:6: witness: expected an http:// or https:// URL, not "
	    "'https://'");
	expect_buffer_error("witness_interval = 59\n",
	    "mem:6: witness_interval: 59 is under the minimum 60");
	/* A log's key (type 0x01) is not a witness key. */
	expect_buffer_error("witness = https://w.example skk.example/log+"
	    "0b85d69f+AddamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1Ea\n",
	    "mem:6: witness: key: type 0x01, expected 0x04");
	n = snprintf(text, sizeof(text), "%s", REQUIRED);
	for (i = 0; i < 9; i++)
		n += snprintf(text + n, sizeof(text) - n,
		    "witness = https://w.example " WKEY "\n");
	assert_int_equal(conf_parse_buffer(text, (size_t)n, "mem",
	    "/srv/skk", c, err, sizeof(err)), -1);
	assert_string_equal(err, "mem:14: witness: more than 8 witnesses");
	free(c);
}

static void
test_secret(void **state)
{
	struct fixture	*f = *state;
	char		 path[PATH_MAX + 16], want[PATH_MAX + 64];
	uint8_t		 s[32], zero[32] = { 0 };
	const char	 hex[] = "000102030405060708090a0b0c0d0e0f"
			    "F0F1F2F3F4F5F6F7F8F9FAFBFCFDFEFF";
	int		 i;

	snprintf(path, sizeof(path), "%s/nik.secret", f->dir);
	write_file(path, 0600, "000102030405060708090a0b0c0d0e0f"
	    "F0F1F2F3F4F5F6F7F8F9FAFBFCFDFEFF\n");
	assert_int_equal(conf_read_secret(path, s, f->err, sizeof(f->err)),
	    0);
	for (i = 0; i < 16; i++) {
		assert_int_equal(s[i], i);
		assert_int_equal(s[16 + i], 0xf0 + i);
	}
	write_file(path, 0400, hex);	/* no newline, read-only: fine */
	assert_int_equal(conf_read_secret(path, s, f->err, sizeof(f->err)),
	    0);

	write_file(path, 0644, hex);
	memset(s, 0, sizeof(s));
	assert_int_equal(conf_read_secret(path, s, f->err, sizeof(f->err)),
	    -1);
	snprintf(want, sizeof(want), "'%s': mode 0644, expected 0600", path);
	assert_string_equal(f->err, want);
	assert_memory_equal(s, zero, sizeof(s));
	write_file(path, 0620, hex);
	assert_int_equal(conf_read_secret(path, s, f->err, sizeof(f->err)),
	    -1);
	snprintf(want, sizeof(want), "'%s': mode 0620, expected 0600", path);
	assert_string_equal(f->err, want);

	snprintf(want, sizeof(want), "'%s': expected 64 hex digits", path);
	write_file(path, 0600, "000102030405060708090a0b0c0d0e0f"
	    "F0F1F2F3F4F5F6F7F8F9FAFBFCFDFEFG\n");
	assert_int_equal(conf_read_secret(path, s, f->err, sizeof(f->err)),
	    -1);
	assert_string_equal(f->err, want);
	write_file(path, 0600, "0001\n");
	assert_int_equal(conf_read_secret(path, s, f->err, sizeof(f->err)),
	    -1);
	assert_string_equal(f->err, want);
	write_file(path, 0600, "");
	assert_int_equal(conf_read_secret(path, s, f->err, sizeof(f->err)),
	    -1);
	assert_string_equal(f->err, want);
	write_file(path, 0600, "000102030405060708090a0b0c0d0e0f"
	    "F0F1F2F3F4F5F6F7F8F9FAFBFCFDFEFF00\n");
	assert_int_equal(conf_read_secret(path, s, f->err, sizeof(f->err)),
	    -1);
	assert_string_equal(f->err, want);

	snprintf(path, sizeof(path), "%s/absent", f->dir);
	assert_int_equal(conf_read_secret(path, s, f->err, sizeof(f->err)),
	    -1);
	snprintf(want, sizeof(want), "cannot open '%s': No such file or "
	    "directory", path);
	assert_string_equal(f->err, want);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_full, setup, teardown),
		cmocka_unit_test_setup_teardown(test_defaults, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_unknown_and_duplicate,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_numbers, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bad_text, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_relative_paths, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_listen, setup, teardown),
		cmocka_unit_test(test_parse_buffer),
		cmocka_unit_test(test_witness),
		cmocka_unit_test(test_status_timing),
		cmocka_unit_test_setup_teardown(test_secret, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
