/* skkd — SPDX-License-Identifier: ISC */
/*
 * The client without a daemon: skk.conf parsing (paths, line numbers,
 * required keys), the shell-split certificate numbers and QR detection,
 * human and JSON output of real encoded answers, the exit statuses of
 * wire errors, and whole command lines that must fail before connecting.
 */

#include <sys/stat.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include <cmocka.h>

#include "cert.h"
#include "cmd.h"
#include "net.h"
#include "output.h"
#include "record.h"
#include "skkconf.h"
#include "wire.h"

#define NUM	"42101 8342 3 00000123 2025"

/* Captured output of one run. */
struct capture {
	FILE	*f;
	char	*buf;
	size_t	 len;
};

static void
capture_open(struct capture *c)
{
	c->buf = NULL;
	c->len = 0;
	c->f = open_memstream(&c->buf, &c->len);
	assert_non_null(c->f);
}

static const char *
capture_text(struct capture *c)
{
	fflush(c->f);
	return c->buf;
}

static void
capture_close(struct capture *c)
{
	fclose(c->f);
	free(c->buf);
}

/* Encodes and decodes m, as if it had come over the wire. */
static struct wire_msg *
roundtrip(struct wire_msg *m)
{
	struct wire_msg	*d;
	uint8_t		*buf;
	size_t		 len;
	uint32_t	 flen;
	char		 err[128];

	assert_int_equal(wire_encode(m, &buf, &len), 0);
	assert_int_equal(wire_frame_len(buf, 1u << 30, &flen), 0);
	assert_int_equal(flen + WIRE_HDR_LEN, len);
	d = wire_decode(buf + WIRE_HDR_LEN, flen, err, sizeof err);
	assert_non_null(d);
	free(buf);
	wire_msg_free(m);
	return d;
}

/* --- skk.conf --------------------------------------------------------- */

static int
parse(struct skkconf *c, const char *text, char *err, size_t errlen)
{
	return skkconf_parse(c, text, strlen(text), "skk.conf", "/etc/skk",
	    err, errlen);
}

static void
test_conf_good(void **state)
{
	struct skkconf	c;
	char		err[256] = "";

	assert_int_equal(parse(&c,
	    "# admin\n"
	    "server = 127.0.0.1:7443\n"
	    "ca = tls/ca.crt\n"
	    "cert = /abs/admin.crt\n"
	    "key = \"tls/admin key.pem\"\n"
	    "pin = sha256:000102030405060708090a0b0c0d0e0f"
	    "101112131415161718191A1B1C1D1E1F\n"
	    "public_key = keys/signing.pub\n", err, sizeof err), 0);
	assert_string_equal(err, "");
	assert_string_equal(c.server, "127.0.0.1:7443");
	assert_string_equal(c.host, "127.0.0.1");
	assert_string_equal(c.port, "7443");
	assert_string_equal(c.server_name, "127.0.0.1");	/* default */
	assert_string_equal(c.ca, "/etc/skk/tls/ca.crt");
	assert_string_equal(c.cert, "/abs/admin.crt");
	assert_string_equal(c.key, "/etc/skk/tls/admin key.pem");
	assert_string_equal(c.public_key, "/etc/skk/keys/signing.pub");
	assert_int_equal(c.has_pin, 1);
	assert_int_equal(c.pin[0], 0x00);
	assert_int_equal(c.pin[10], 0x0a);
	assert_int_equal(c.pin[31], 0x1f);
}

static void
test_conf_print(void **state)
{
	struct skkconf	c;
	char		err[256] = "";

	assert_int_equal(parse(&c, "server = a:1\nca = x\n", err,
	    sizeof err), 0);
	assert_true(c.print_dx == 0 && c.print_dy == 0);
	assert_string_equal(c.sign_cert, "");
	assert_int_equal(parse(&c, "server = a:1\nca = x\n"
	    "print_offset_mm = 2.5,-1\npdf_sign_cert = psre/lsp.pem\n"
	    "pdf_sign_key = /k/lsp.key\n", err, sizeof err), 0);
	assert_true(c.print_dx == 2.5 && c.print_dy == -1);
	assert_string_equal(c.sign_cert, "/etc/skk/psre/lsp.pem");
	assert_string_equal(c.sign_key, "/k/lsp.key");
}

static void
test_conf_v6_and_name(void **state)
{
	struct skkconf	c;
	char		err[256];

	assert_int_equal(parse(&c, "server = [::1]:8443\nca = ca.pem\n"
	    "server_name = localhost\n", err, sizeof err), 0);
	assert_string_equal(c.host, "::1");
	assert_string_equal(c.port, "8443");
	assert_string_equal(c.server_name, "localhost");
	assert_int_equal(c.has_pin, 0);
	assert_string_equal(c.cert, "");
}

static void
test_conf_errors(void **state)
{
	static const struct {
		const char	*text;
		const char	*err;
	} bad[] = {
		{ "server = a:1\nca = x\nfrob = 1\n",
		  "skk.conf:3: unknown key 'frob'" },
		{ "ca = x\n", "skk.conf: missing 'server'" },
		{ "server = a:1\n", "skk.conf: missing 'ca'" },
		{ "server = a:1\nca = x\ncert = c\n",
		  "skk.conf: 'cert' and 'key' go together" },
		{ "server = a:1\nserver = b:2\n",
		  "skk.conf:2: duplicate key 'server'" },
		{ "server = localhost\n", "skk.conf:1: server: 'localhost': "
		  "expected HOST:PORT or [ADDRESS]:PORT" },
		{ "server = a:0\n", "skk.conf:1: server: 'a:0': "
		  "expected HOST:PORT or [ADDRESS]:PORT" },
		{ "server = ::1:7443\n", "skk.conf:1: server: '::1:7443': "
		  "expected HOST:PORT or [ADDRESS]:PORT" },
		{ "server = a:1\nca = x\npin = sha256:abcd\n",
		  "skk.conf:3: pin: expected sha256:<64 hex digits>" },
		{ "server = a:1\nca = x\nprint_offset_mm = 1\n",
		  "skk.conf:3: print_offset_mm: expected X,Y in millimetres, "
		  "each -50 to 50 (e.g. 2.5,-1)" },
		{ "server = a:1\nca = x\nprint_offset_mm = 1,51\n",
		  "skk.conf:3: print_offset_mm: expected X,Y in millimetres, "
		  "each -50 to 50 (e.g. 2.5,-1)" },
		{ "server = a:1\nca = x\nprint_offset_mm = 1,2mm\n",
		  "skk.conf:3: print_offset_mm: expected X,Y in millimetres, "
		  "each -50 to 50 (e.g. 2.5,-1)" },
		{ "server = a:1\nca = x\npdf_sign_cert = s.pem\n",
		  "skk.conf: 'pdf_sign_cert' and 'pdf_sign_key' go together" },
	};
	struct skkconf	c;
	char		err[256];
	size_t		i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err[0] = '\0';
		assert_int_equal(parse(&c, bad[i].text, err, sizeof err), -1);
		assert_string_equal(err, bad[i].err);
	}
}

static void
test_conf_load(void **state)
{
	struct skkconf	c;
	char		dir[] = "/tmp/skk-test-XXXXXX", path[512], err[512];
	FILE		*f;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/skk.conf", dir);
	assert_non_null(f = fopen(path, "w"));
	fputs("server = 127.0.0.1:7443\nca = tls/ca.crt\n", f);
	fclose(f);
	assert_int_equal(skkconf_load(&c, path, err, sizeof err), 0);
	snprintf(err, sizeof err, "%s/tls/ca.crt", dir);
	assert_string_equal(c.ca, err);
	unlink(path);
	assert_int_equal(skkconf_load(&c, path, err, sizeof err), -1);
	assert_non_null(strstr(err, "cannot open '"));
	assert_non_null(strstr(err, "No such file or directory"));
	rmdir(dir);
}

static void
test_conf_find(void **state)
{
	char	dir[] = "/tmp/skk-test-XXXXXX", cwd[512];

	assert_non_null(getcwd(cwd, sizeof cwd));
	assert_non_null(mkdtemp(dir));
	assert_int_equal(chdir(dir), 0);
	unsetenv("SKK_CONFIG");
	assert_string_equal(skkconf_find("x.conf"), "x.conf");
	assert_null(skkconf_find(NULL));
	setenv("SKK_CONFIG", "", 1);
	assert_null(skkconf_find(NULL));
	setenv("SKK_CONFIG", "/e/skk.conf", 1);
	assert_string_equal(skkconf_find(NULL), "/e/skk.conf");
	unsetenv("SKK_CONFIG");
	fclose(fopen("skk.conf", "w"));
	assert_string_equal(skkconf_find(NULL), "skk.conf");
	unlink("skk.conf");
	assert_int_equal(chdir(cwd), 0);
	rmdir(dir);
}

/* --- arguments -------------------------------------------------------- */

static void
test_join_numbers(void **state)
{
	char	*in[] = { "verify", "42101", "8342", "3", "00000123", "2025",
		    "x", "42101", "8342", "3", "0000012", "2025", "4210",
		    "42101", "8342", "3", "00000124", "2026" };
	char	**v;
	int	  n;

	v = cmd_join_numbers(18, in, &n);
	assert_non_null(v);
	assert_int_equal(n, 10);
	assert_string_equal(v[0], "verify");
	assert_string_equal(v[1], NUM);
	assert_string_equal(v[2], "x");
	/* A group of the wrong length is left alone. */
	assert_string_equal(v[3], "42101");
	assert_string_equal(v[6], "0000012");
	assert_string_equal(v[8], "4210");
	assert_string_equal(v[9], "42101 8342 3 00000124 2026");
	assert_null(v[10]);
	cmd_argv_free(v);

	/* Too few left for a number. */
	v = cmd_join_numbers(4, in + 1, &n);
	assert_int_equal(n, 4);
	assert_string_equal(v[3], "00000123");
	cmd_argv_free(v);
	cmd_argv_free(NULL);
}

/* --- output ----------------------------------------------------------- */

static struct wire_msg *
verify_answer(void)
{
	struct wire_msg	*m = wire_msg_new(WIRE_VERIFY, 7), *it;

	it = wire_put_item(m, WK_ITEMS);
	wire_put_uint(it, WK_VERDICT, VERDICT_VALID);
	wire_put_uint(it, WK_CODE, REASON_OK);
	wire_put_str(it, WK_NUMBER, NUM);
	wire_put_str(it, WK_NAME, "Siti Nur'aini");
	wire_put_str(it, WK_JOB, "ME063096");
	wire_put_str(it, WK_DETAIL, "Operator Bulldozer");
	wire_put_uint(it, WK_LEVEL, 3);
	wire_put_str(it, WK_ISSUED, "2025-12-15");
	wire_put_str(it, WK_EXPIRES, "2030-12-14");
	wire_put_str(it, WK_LPJK, "LPJK-1");
	wire_put_uint(it, WK_STATUS, CERT_ACTIVE);

	it = wire_put_item(m, WK_ITEMS);
	wire_put_uint(it, WK_VERDICT, VERDICT_NOT_VALID);
	wire_put_uint(it, WK_CODE, REASON_REVOKED);
	wire_put_str(it, WK_NUMBER, "42101 8342 3 00000124 2025");
	wire_put_str(it, WK_NAME, "Budi\x1b[2J");	/* escape is cleaned */
	wire_put_str(it, WK_JOB, "ME063098");
	wire_put_str(it, WK_DETAIL, "Operator Motor Grader");
	wire_put_uint(it, WK_LEVEL, 3);
	wire_put_str(it, WK_EXPIRES, "2030-12-14");
	wire_put_uint(it, WK_STATUS, CERT_REVOKED);

	it = wire_put_item(m, WK_ITEMS);
	wire_put_uint(it, WK_VERDICT, VERDICT_NOT_VALID);
	wire_put_uint(it, WK_CODE, REASON_UNKNOWN_NUMBER);
	wire_put_str(it, WK_NUMBER, "42101 8342 3 00000999 2025");

	it = wire_put_item(m, WK_ITEMS);	/* a QR the server could not read */
	wire_put_uint(it, WK_VERDICT, VERDICT_UNKNOWN);
	wire_put_uint(it, WK_CODE, REASON_UNAVAILABLE);
	return roundtrip(m);
}

static const char *const queries[] = {
	NUM, "42101 8342 3 00000124 2025", "42101 8342 3 00000999 2025",
	"HTTPS://X/V/AAAA"
};

static void
test_output_verify_human(void **state)
{
	struct wire_msg	*a = verify_answer();
	struct output	*o;
	struct capture	 c;
	int		 v[4];
	size_t		 i;

	capture_open(&c);
	o = output_new(c.f, 0);
	for (i = 0; i < 4; i++)
		v[i] = output_verify(o, wire_list_get(a, WK_ITEMS, i),
		    queries[i]);
	assert_int_equal(output_end(o), 0);
	assert_int_equal(v[0], VERDICT_VALID);
	assert_int_equal(v[1], VERDICT_NOT_VALID);
	assert_int_equal(v[3], VERDICT_UNKNOWN);
	assert_string_equal(capture_text(&c),
	    "VALID       " NUM "  Siti Nur'aini  ME063096 Operator Bulldozer "
	    "(jenjang 3)  expires 2030-12-14\n"
	    "NOT VALID   42101 8342 3 00000124 2025  Budi?[2J  ME063098 "
	    "Operator Motor Grader (jenjang 3)  expires 2030-12-14  "
	    "(revoked)\n"
	    "NOT VALID   42101 8342 3 00000999 2025  (unknown number)\n"
	    "UNKNOWN     HTTPS://X/V/AAAA  (unavailable)\n");
	output_free(o);
	capture_close(&c);
	wire_msg_free(a);
}

static void
test_output_verify_json(void **state)
{
	struct wire_msg	*a = verify_answer();
	struct output	*o;
	struct capture	 c;
	size_t		 i;
	const char	*t;

	capture_open(&c);
	o = output_new(c.f, 1);
	for (i = 0; i < 4; i++)
		output_verify(o, wire_list_get(a, WK_ITEMS, i), queries[i]);
	assert_int_equal(output_end(o), 0);
	t = capture_text(&c);
	/* Nothing is printed before the end: one document. */
	assert_int_equal(t[0], '{');
	assert_non_null(strstr(t, "\"verdict\": \"valid\",\n"
	    "      \"reason\": \"ok\",\n"
	    "      \"number\": \"" NUM "\",\n"
	    "      \"name\": \"Siti Nur'aini\",\n"
	    "      \"job_code\": \"ME063096\",\n"
	    "      \"job_title\": \"Operator Bulldozer\",\n"
	    "      \"level\": 3,\n"
	    "      \"issued\": \"2025-12-15\",\n"
	    "      \"expires\": \"2030-12-14\",\n"
	    "      \"lpjk_number\": \"LPJK-1\",\n"
	    "      \"status\": \"active\"\n"));
	assert_non_null(strstr(t, "\"verdict\": \"not_valid\",\n"
	    "      \"reason\": \"revoked\""));
	assert_non_null(strstr(t, "\"reason\": \"unknown_number\",\n"
	    "      \"number\": \"42101 8342 3 00000999 2025\"\n    }"));
	assert_non_null(strstr(t, "\"query\": \"HTTPS://X/V/AAAA\",\n"
	    "      \"verdict\": \"unknown\""));
	assert_non_null(strstr(t, "\"valid\": 1,\n  \"not_valid\": 2,\n"
	    "  \"unknown\": 1\n}\n"));
	output_free(o);
	capture_close(&c);
	wire_msg_free(a);
}

static void
test_output_status_and_issue(void **state)
{
	struct wire_msg	*a, *it;
	struct output	*o;
	struct capture	 c;

	a = wire_msg_new(WIRE_ISSUE, 2);
	it = wire_put_item(a, WK_ITEMS);
	wire_put_str(it, WK_NUMBER, NUM);
	wire_put_str(it, WK_URL, "HTTPS://H/V/AB");
	wire_put_uint(it, WK_STATUS, CERT_PENDING);
	a = roundtrip(a);
	capture_open(&c);
	o = output_new(c.f, 0);
	output_issue(o, wire_list_get(a, WK_ITEMS, 0));
	assert_string_equal(capture_text(&c),
	    NUM "  pending  HTTPS://H/V/AB\n");
	output_free(o);
	capture_close(&c);

	capture_open(&c);
	o = output_new(c.f, 1);
	output_issue(o, wire_list_get(a, WK_ITEMS, 0));
	output_end(o);
	assert_string_equal(capture_text(&c), "{\n  \"items\": [\n    {\n"
	    "      \"number\": \"" NUM "\",\n      \"status\": \"pending\",\n"
	    "      \"url\": \"HTTPS://H/V/AB\"\n    }\n  ]\n}\n");
	output_free(o);
	capture_close(&c);
	wire_msg_free(a);

	a = wire_msg_new(WIRE_SET_STATUS, 3);
	wire_put_str(a, WK_NUMBER, NUM);
	wire_put_uint(a, WK_STATUS, CERT_SUSPENDED);
	a = roundtrip(a);
	capture_open(&c);
	o = output_new(c.f, 1);
	output_status(o, a);
	output_end(o);
	assert_string_equal(capture_text(&c), "{\n  \"number\": \"" NUM
	    "\",\n  \"status\": \"suspended\"\n}\n");
	output_free(o);
	capture_close(&c);
	wire_msg_free(a);
}

static void
test_output_show(void **state)
{
	struct wire_msg	*a, *ev;
	struct cert	 cert;
	struct output	*o;
	struct capture	 c;
	uint8_t		*rec;
	size_t		 len;
	char		 err[128];
	const char	*t;

	memset(&cert, 0, sizeof cert);
	strcpy(cert.number, NUM);
	strcpy(cert.name, "Siti Nur'aini");
	strcpy(cert.job_code, "ME063096");
	strcpy(cert.job_title_id, "Operator Bulldozer");
	cert.jenjang = 3;
	assert_int_equal(date_parse("2025-12-15", &cert.issued), 0);
	assert_int_equal(date_parse("2030-12-14", &cert.expires), 0);
	cert.status = CERT_ACTIVE;
	assert_int_equal(record_encode(&cert, &rec, &len), 0);

	a = wire_msg_new(WIRE_SHOW, 4);
	wire_put_bytes(a, WK_RECORD, rec, len);
	wire_put_str(a, WK_URL, "HTTPS://H/V/AB");
	wire_put_uint(a, WK_STATUS, CERT_ACTIVE);
	ev = wire_put_item(a, WK_EVENTS);
	wire_put_int(ev, WK_TIME, 1765800000);	/* 2025-12-15T12:00:00Z */
	wire_put_uint(ev, WK_KIND, EVENT_ISSUE);
	wire_put_uint(ev, WK_STATUS, CERT_PENDING);
	wire_put_str(ev, WK_ACTOR, "CN=admin");
	ev = wire_put_item(a, WK_EVENTS);
	wire_put_int(ev, WK_TIME, 1765803600);
	wire_put_uint(ev, WK_KIND, EVENT_LPJK);
	wire_put_uint(ev, WK_STATUS, CERT_ACTIVE);
	wire_put_str(ev, WK_ACTOR, "CN=admin");
	wire_put_str(ev, WK_DETAIL, "LPJK-1");
	free(rec);
	a = roundtrip(a);

	capture_open(&c);
	o = output_new(c.f, 0);
	assert_int_equal(output_show(o, a, err, sizeof err), 0);
	t = capture_text(&c);
	assert_non_null(strstr(t, "number          " NUM "\n"
	    "status          active\nname            Siti Nur'aini\n"
	    "job code        ME063096\njob title       Operator Bulldozer\n"));
	assert_non_null(strstr(t, "issued          2025-12-15\n"
	    "expires         2030-12-14\n"));
	assert_non_null(strstr(t, "url             HTTPS://H/V/AB\nhistory:\n"
	    "  2025-12-15T12:00:00Z  issue  pending  CN=admin  -  -\n"
	    "  2025-12-15T13:00:00Z  lpjk  active  CN=admin  -  LPJK-1\n"));
	output_free(o);
	capture_close(&c);

	capture_open(&c);
	o = output_new(c.f, 1);
	assert_int_equal(output_show(o, a, err, sizeof err), 0);
	output_end(o);
	t = capture_text(&c);
	assert_non_null(strstr(t, "\"level\": 3,"));
	assert_non_null(strstr(t, "\"events\": [\n    {\n"
	    "      \"time\": \"2025-12-15T12:00:00Z\",\n"
	    "      \"kind\": \"issue\",\n      \"status\": \"pending\",\n"));
	output_free(o);
	capture_close(&c);
	wire_msg_free(a);

	/* A record that does not decode is an error, not garbage. */
	a = wire_msg_new(WIRE_SHOW, 5);
	wire_put_bytes(a, WK_RECORD, (const uint8_t *)"\xff\x00", 2);
	a = roundtrip(a);
	capture_open(&c);
	o = output_new(c.f, 0);
	assert_int_equal(output_show(o, a, err, sizeof err), -1);
	assert_non_null(strstr(err, "bad record from server: "));
	assert_string_equal(capture_text(&c), "");
	output_free(o);
	capture_close(&c);
	wire_msg_free(a);
}

static void
test_output_lists(void **state)
{
	struct wire_msg	*a, *it;
	struct output	*o;
	struct capture	 c;
	uint8_t		 kid[8] = { 0x6c, 0xf5, 0xbc, 0xf2, 0x31, 0x92, 0xd7, 0xf6 };
	uint8_t		 key[32] = { 0xa5 };

	a = wire_msg_new(WIRE_KEYS, 6);
	it = wire_put_item(a, WK_ITEMS);
	wire_put_bytes(it, WK_KID, kid, sizeof kid);
	wire_put_bytes(it, WK_KEY, key, sizeof key);
	wire_put_int(it, WK_FROM, 1765800000);
	wire_put_int(it, WK_TO, 0);
	a = roundtrip(a);
	capture_open(&c);
	o = output_new(c.f, 0);
	output_keys(o, a);
	assert_string_equal(capture_text(&c), "kid 6cf5bcf23192d7f6  key a5"
	    "00000000000000000000000000000000000000000000000000000000000000"
	    "  from 2025-12-15T12:00:00Z  to open\n");
	output_free(o);
	capture_close(&c);
	wire_msg_free(a);

	a = wire_msg_new(WIRE_STATS, 7);
	it = wire_put_item(a, WK_ITEMS);
	wire_put_str(it, WK_NAME, "certificates");
	wire_put_uint(it, WK_COUNT, 12);
	it = wire_put_item(a, WK_ITEMS);
	wire_put_str(it, WK_NAME, "revoked");
	wire_put_uint(it, WK_COUNT, 1);
	a = roundtrip(a);
	capture_open(&c);
	o = output_new(c.f, 1);
	output_stats(o, a);
	output_end(o);
	assert_string_equal(capture_text(&c),
	    "{\n  \"certificates\": 12,\n  \"revoked\": 1\n}\n");
	output_free(o);
	capture_close(&c);
	wire_msg_free(a);

	a = roundtrip(wire_msg_new(WIRE_FIND, 8));
	capture_open(&c);
	o = output_new(c.f, 1);
	output_find(o, a);
	output_end(o);
	assert_string_equal(capture_text(&c), "{\n  \"items\": []\n}\n");
	output_free(o);
	capture_close(&c);
	wire_msg_free(a);
}

/* --- errors and exit statuses ----------------------------------------- */

static void
test_wire_exit(void **state)
{
	assert_int_equal(session_wire_exit(WERR_NOT_AUTHORISED), EX_NOPERM);
	assert_int_equal(session_wire_exit(WERR_INVALID), EX_DATAERR);
	assert_int_equal(session_wire_exit(WERR_NOT_FOUND), EX_DATAERR);
	assert_int_equal(session_wire_exit(WERR_CONFLICT), EX_DATAERR);
	assert_int_equal(session_wire_exit(WERR_TOO_BIG), EX_DATAERR);
	assert_int_equal(session_wire_exit(WERR_STORE_FULL), EX_TEMPFAIL);
	assert_int_equal(session_wire_exit(WERR_BUSY), EX_TEMPFAIL);
	assert_int_equal(session_wire_exit(WERR_INTERNAL), EX_SOFTWARE);
	assert_int_equal(session_wire_exit(WERR_MALFORMED), EX_PROTOCOL);
	assert_int_equal(session_wire_exit(WERR_VERSION), EX_PROTOCOL);
	assert_int_equal(session_wire_exit(999), EX_PROTOCOL);
}

static struct wire_msg *
error_answer(uint64_t e, const char *text)
{
	struct wire_msg	*m = wire_msg_new(WIRE_ERROR, 9);

	wire_put_uint(m, WK_ERR, e);
	if (text != NULL)
		wire_put_str(m, WK_ERRMSG, text);
	return roundtrip(m);
}

static void
test_wire_error(void **state)
{
	struct wire_msg	*a;
	char		 msg[256];

	a = error_answer(WERR_INVALID, "item 0: nik: 15 digits, expected 16");
	assert_int_equal(session_wire_error(a, "issue", NULL, msg, sizeof msg),
	    EX_DATAERR);
	assert_string_equal(msg, "issue: item 0: nik: 15 digits, expected 16");
	wire_msg_free(a);

	a = error_answer(WERR_NOT_AUTHORISED, "whatever");
	assert_int_equal(session_wire_error(a, "revoke", NUM, msg, sizeof msg),
	    EX_NOPERM);
	assert_string_equal(msg, "not authorised: admin certificate required");
	wire_msg_free(a);

	a = error_answer(WERR_NOT_FOUND, "not found");
	assert_int_equal(session_wire_error(a, "show", NUM, msg, sizeof msg),
	    EX_DATAERR);
	assert_string_equal(msg, "no certificate '" NUM "'");
	wire_msg_free(a);

	a = error_answer(WERR_STORE_FULL, NULL);
	assert_int_equal(session_wire_error(a, "issue", NULL, msg, sizeof msg),
	    EX_TEMPFAIL);
	assert_string_equal(msg, "issue: store_full");
	wire_msg_free(a);
}

/* Runs skk with args; out and err get what it printed. */
static int
run(const char *input, char **out, char **err, int argc, ...)
{
	struct capture	 o, e;
	char		*argv[32];
	FILE		*in;
	va_list		 ap;
	int		 i, rc;

	argv[0] = "skk";
	va_start(ap, argc);
	for (i = 0; i < argc; i++)
		argv[i + 1] = va_arg(ap, char *);
	va_end(ap);
	argv[argc + 1] = NULL;
	in = fmemopen((void *)input, strlen(input) + 1, "r");
	capture_open(&o);
	capture_open(&e);
	rc = cmd_main(argc + 1, argv, in, o.f, e.f);
	fclose(in);
	fclose(o.f);
	fclose(e.f);
	*out = o.buf;
	*err = e.buf;
	return rc;
}

#define RUN(in, ...) run(in, &out, &err, \
	(int)(sizeof((char *[]){ __VA_ARGS__ }) / sizeof(char *)), __VA_ARGS__)
#define DONE()	do { free(out); free(err); } while (0)

static void
test_main_usage(void **state)
{
	char	*out, *err;

	assert_int_equal(run("", &out, &err, 0), EX_USAGE);
	assert_non_null(strstr(err, "usage: skk [-c FILE] [--json] COMMAND"));
	DONE();

	assert_int_equal(RUN("", "help"), 0);
	assert_non_null(strstr(out, "  verify       check certificates"));
	assert_non_null(strstr(out, "  record-lpjk  "));
	DONE();

	assert_int_equal(RUN("", "help", "revoke"), 0);
	assert_string_equal(out, "usage: skk [-c FILE] [--json] revoke "
	    "NUMBER --reason TEXT\nrevoke a certificate (final) "
	    "(needs an admin certificate)\n");
	DONE();

	assert_int_equal(RUN("", "verfy", NUM), EX_USAGE);
	assert_string_equal(err, "skk: unknown command 'verfy': did you mean "
	    "'verify'? (see 'skk help')\n");
	DONE();

	assert_int_equal(RUN("", "frobnicate"), EX_USAGE);
	assert_string_equal(err, "skk: unknown command 'frobnicate' "
	    "(see 'skk help')\n");
	DONE();

	assert_int_equal(RUN("", "-x", "stats"), EX_USAGE);
	assert_non_null(strstr(err, "skk: unknown option '-x'\n"));
	DONE();

	assert_int_equal(RUN("", "verify"), EX_USAGE);
	assert_string_equal(err, "skk: verify: missing argument\n"
	    "usage: skk [-c FILE] [--json] verify NUMBER|QR|- ... | "
	    "NUMBER --name NAME | --qr TEXT | "
	    "--image FILE.png [--keys FILE] [--offline] | --offline "
	    "[--cache DIR] [--max-age N[smhd]] [--issuer HOST] NUMBER|QR|- "
	    "...\n");
	DONE();

	assert_int_equal(RUN("", "suspend", NUM), EX_USAGE);
	assert_non_null(strstr(err, "skk: suspend: --reason is required\n"));
	DONE();

	assert_int_equal(RUN("", "show", NUM, "--colour", "red"), EX_USAGE);
	assert_non_null(strstr(err, "skk: show: unknown option '--colour'\n"));
	DONE();

	assert_int_equal(RUN("", "issue", "--name", "Budi"), EX_USAGE);
	assert_non_null(strstr(err, "--name, --nik, --job and --level are "
	    "required"));
	DONE();

	assert_int_equal(RUN("", "record-lpjk", "42101", "8342", "3",
	    "00000123", "2025"), EX_USAGE);
	DONE();
}

static void
test_main_bad_data(void **state)
{
	char	*out, *err;

	/* Checked locally: no configuration is even looked for. */
	assert_int_equal(RUN("", "-c", "/nonexistent", "issue", "--name",
	    "Budi", "--nik", "123456789012345", "--job", "ME063096",
	    "--level", "3"), EX_DATAERR);
	assert_non_null(strstr(err, "skk: issue: nik: "));
	assert_non_null(strstr(err, "15 digits, expected 16"));
	assert_string_equal(out, "");
	DONE();

	assert_int_equal(RUN("", "-c", "/nonexistent", "issue", "--name",
	    "Budi", "--nik", "1505011507900002", "--job", "ME063096",
	    "--level", "10"), EX_DATAERR);
	assert_string_equal(err, "skk: issue: level: '10' is not a jenjang "
	    "from 1 to 9\n");
	DONE();

	assert_int_equal(RUN("", "-c", "/nonexistent", "issue", "--name",
	    "Budi", "--nik", "1505011507900002", "--job", "ME063096",
	    "--level", "3", "--issued", "2025-02-30"), EX_DATAERR);
	assert_string_equal(err, "skk: issue: issued: '2025-02-30' is not a "
	    "date (YYYY-MM-DD)\n");
	DONE();

	assert_int_equal(RUN("", "-c", "/nonexistent", "issue", "--name",
	    "Budi", "--nik", "1505011507900002", "--job", "ME063096",
	    "--level", "3", "--issued", "2025-02-03", "--expires=2025-02-02"),
	    EX_DATAERR);
	assert_string_equal(err, "skk: issue: expires: before the issue "
	    "date\n");
	DONE();

	assert_int_equal(RUN("", "-c", "/nonexistent", "revoke",
	    "42101 8342 3 0000012 2025", "--reason", "x"), EX_DATAERR);
	assert_non_null(strstr(err, "skk: revoke: number: "));
	DONE();

	assert_int_equal(RUN("", "-c", "/nonexistent", "find", "--nik",
	    "12"), EX_DATAERR);
	assert_non_null(strstr(err, "skk: find: nik: "));
	DONE();

	assert_int_equal(RUN("\n# nothing\n", "-c", "/nonexistent", "verify",
	    "-"), EX_DATAERR);
	assert_string_equal(err, "skk: verify: nothing to verify\n");
	DONE();
}

static void
test_main_config(void **state)
{
	char	 dir[] = "/tmp/skk-test-XXXXXX", cwd[512], path[600];
	char	*out, *err;
	FILE	*f;

	assert_non_null(getcwd(cwd, sizeof cwd));
	assert_non_null(mkdtemp(dir));
	assert_int_equal(chdir(dir), 0);
	unsetenv("SKK_CONFIG");
	assert_int_equal(RUN("", "verify", NUM), EX_CONFIG);
	assert_string_equal(err, "skk: no configuration: use -c FILE or set "
	    "SKK_CONFIG\n");
	DONE();

	assert_int_equal(RUN("", "-c", "missing.conf", "stats"), EX_CONFIG);
	assert_string_equal(err, "skk: cannot open 'missing.conf': No such "
	    "file or directory\n");
	DONE();

	f = fopen("skk.conf", "w");
	fputs("server = 127.0.0.1:1\nca = ca.crt\ncolour = red\n", f);
	fclose(f);
	assert_int_equal(RUN("", "stats"), EX_CONFIG);
	assert_string_equal(err, "skk: skk.conf:3: unknown key 'colour'\n");
	DONE();

	/* A client key others can read is refused before connecting. */
	f = fopen("skk.conf", "w");
	fputs("server = 127.0.0.1:1\nca = ca.crt\ncert = a.crt\n"
	    "key = a.key\n", f);
	fclose(f);
	fclose(fopen("a.key", "w"));
	chmod("a.key", 0644);
	snprintf(path, sizeof path, "%s/skk.conf", dir);
	setenv("SKK_CONFIG", path, 1);
	assert_int_equal(RUN("", "keys"), EX_CONFIG);
	snprintf(path, sizeof path, "skk: '%s/a.key': mode 0644, expected "
	    "0600\n", dir);
	assert_string_equal(err, path);
	DONE();

	/* The CA file is the only trust anchor: a missing one is an error. */
	chmod("a.key", 0600);
	assert_int_equal(RUN("", "keys"), EX_CONFIG);
	snprintf(path, sizeof path, "skk: cannot open '%s/ca.crt': No such "
	    "file or directory\n", dir);
	assert_string_equal(err, path);
	DONE();
	unsetenv("SKK_CONFIG");

	unlink("a.key");
	unlink("skk.conf");
	assert_int_equal(chdir(cwd), 0);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conf_good),
		cmocka_unit_test(test_conf_v6_and_name),
		cmocka_unit_test(test_conf_print),
		cmocka_unit_test(test_conf_errors),
		cmocka_unit_test(test_conf_load),
		cmocka_unit_test(test_conf_find),
		cmocka_unit_test(test_join_numbers),
		cmocka_unit_test(test_output_verify_human),
		cmocka_unit_test(test_output_verify_json),
		cmocka_unit_test(test_output_status_and_issue),
		cmocka_unit_test(test_output_show),
		cmocka_unit_test(test_output_lists),
		cmocka_unit_test(test_wire_exit),
		cmocka_unit_test(test_wire_error),
		cmocka_unit_test(test_main_usage),
		cmocka_unit_test(test_main_bad_data),
		cmocka_unit_test(test_main_config),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
