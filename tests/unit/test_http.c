/* skkd — SPDX-License-Identifier: ISC */
/*
 * proto/http.c: what a good head yields, the status for every limit and
 * refusal, percent-decoding, pipelined heads, and totality over garbage.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "http.h"

static struct http_req	req;

static enum http_parse
parse(const char *s, size_t *used)
{
	return http_parse_head(s, strlen(s), &req, used);
}

/* The status a complete head is refused with (0: accepted). */
static int
status_of(const char *s)
{
	size_t	used;

	if (parse(s, &used) == HTTP_MORE)
		return -1;
	return req.status;
}

static void
test_good_get(void **state)
{
	size_t	used;
	const char *s = "GET /V/ABC?x=1 HTTP/1.1\r\nHost: localhost:8443\r\n"
	    "Accept: text/html, application/json;q=0.9\r\n\r\nNEXT";

	assert_int_equal(parse(s, &used), HTTP_DONE);
	assert_int_equal(used, strlen(s) - 4);
	assert_int_equal(req.status, 0);
	assert_int_equal(req.method, HTTP_GET);
	assert_string_equal(req.path, "/V/ABC");
	assert_string_equal(req.query, "x=1");
	assert_string_equal(req.host, "localhost:8443");
	assert_int_equal(req.minor, 1);
	assert_true(req.keep_alive);
	assert_false(req.want_json);
}

static void
test_head_json_close(void **state)
{
	size_t	used;

	assert_int_equal(parse("HEAD /c/1 HTTP/1.1\nHost: a\nAccept: "
	    "application/json\nConnection: close\n\n", &used), HTTP_DONE);
	assert_int_equal(req.status, 0);
	assert_int_equal(req.method, HTTP_HEAD);
	assert_true(req.want_json);
	assert_false(req.keep_alive);
	/* HTTP/1.0: no Host needed, close unless asked. */
	assert_int_equal(status_of("GET / HTTP/1.0\r\n\r\n"), 0);
	assert_false(req.keep_alive);
	assert_int_equal(status_of("GET / HTTP/1.0\r\nConnection: Keep-Alive"
	    "\r\n\r\n"), 0);
	assert_true(req.keep_alive);
}

static void
test_incomplete(void **state)
{
	size_t	used;

	assert_int_equal(parse("", &used), HTTP_MORE);
	assert_int_equal(parse("GET / HTTP/1.1\r\nHost: a\r\n", &used),
	    HTTP_MORE);
	assert_int_equal(parse("GET / HTTP/1.1\r\nHost: a\r\n\r", &used),
	    HTTP_MORE);
}

static void
test_refusals(void **state)
{
	assert_int_equal(status_of("DELETE / HTTP/1.1\r\nHost: a\r\n\r\n"),
	    405);
	assert_int_equal(status_of("POST / HTTP/1.1\r\nHost: a\r\n"
	    "Content-Length: 3\r\n\r\n"), 405);
	assert_int_equal(status_of("GET / HTTP/1.1\r\n\r\n"), 400);
	assert_int_equal(status_of("GET / HTTP/1.1\r\nHost: a\r\nHost: b"
	    "\r\n\r\n"), 400);
	assert_int_equal(status_of("GET / HTTP/1.1\r\nHost: a\r\n"
	    "Content-Length: 4\r\n\r\n"), 413);
	assert_int_equal(status_of("GET / HTTP/1.1\r\nHost: a\r\n"
	    "Content-Length: 0\r\n\r\n"), 0);
	assert_int_equal(status_of("GET / HTTP/1.1\r\nHost: a\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n"), 413);
	assert_int_equal(status_of("GET / HTTP/2.0\r\nHost: a\r\n\r\n"), 505);
	assert_int_equal(status_of("GET / FOO/1.1\r\nHost: a\r\n\r\n"), 400);
	assert_int_equal(status_of("GET /\r\n\r\n"), 400);
	assert_int_equal(status_of("GET http://x/ HTTP/1.1\r\nHost: a\r\n\r\n"),
	    400);
	assert_int_equal(status_of("GET /a\x01 HTTP/1.1\r\nHost: a\r\n\r\n"),
	    400);
	assert_int_equal(status_of("GET / HTTP/1.1\r\nHost: a\r\n folded\r\n"
	    "\r\n"), 400);
	assert_int_equal(status_of("GET / HTTP/1.1\r\nHost: a\r\nno colon"
	    "\r\n\r\n"), 400);
	assert_int_equal(status_of("GET / HTTP/1.1\r\nHost: a\r\nBad Name: x"
	    "\r\n\r\n"), 400);
	assert_false(req.keep_alive);
	assert_non_null(req.why);
}

static void
test_limits(void **state)
{
	static char	buf[HTTP_HEAD_MAX * 2];
	size_t		used, i;
	int		n;

	/* URL: at the limit accepted, one more byte 414. */
	n = snprintf(buf, sizeof(buf), "GET /");
	memset(buf + n, 'a', HTTP_URL_MAX - 1);
	snprintf(buf + n + HTTP_URL_MAX - 1, sizeof(buf) - n - HTTP_URL_MAX,
	    " HTTP/1.1\r\nHost: a\r\n\r\n");
	assert_int_equal(status_of(buf), 0);
	n = snprintf(buf, sizeof(buf), "GET /");
	memset(buf + n, 'a', HTTP_URL_MAX);
	snprintf(buf + n + HTTP_URL_MAX, sizeof(buf) - n - HTTP_URL_MAX,
	    " HTTP/1.1\r\nHost: a\r\n\r\n");
	assert_int_equal(status_of(buf), 414);
	/* A request line that never ends: 414 before the head ends. */
	memset(buf, 'a', HTTP_URL_MAX + 100);
	buf[HTTP_URL_MAX + 100] = '\0';
	assert_int_equal(parse(buf, &used), HTTP_BAD);
	assert_int_equal(req.status, 414);
	/* Head bytes: 431 without waiting for the end. */
	n = snprintf(buf, sizeof(buf), "GET / HTTP/1.1\r\nHost: a\r\nX: ");
	memset(buf + n, 'b', HTTP_HEAD_MAX);
	buf[n + HTTP_HEAD_MAX] = '\0';
	assert_int_equal(parse(buf, &used), HTTP_BAD);
	assert_int_equal(req.status, 431);
	/*
	 * Exactly HTTP_HEAD_MAX bytes that start with an empty line and
	 * never end the head: refused, not "need more" (the daemon hands
	 * over at most that much, and would wait forever).
	 */
	buf[0] = '\r';
	n = 1 + snprintf(buf + 1, sizeof(buf) - 1, "GET / HTTP/1.1\r\n");
	while (n < HTTP_HEAD_MAX - 8)
		n += snprintf(buf + n, sizeof(buf) - n, "X: y\r\n");
	memset(buf + n, 'z', HTTP_HEAD_MAX - n);
	assert_int_equal(http_parse_head(buf, HTTP_HEAD_MAX, &req, &used),
	    HTTP_BAD);
	assert_int_equal(req.status, 431);
	/* Header count. */
	n = snprintf(buf, sizeof(buf), "GET / HTTP/1.1\r\nHost: a\r\n");
	for (i = 0; i < HTTP_HEADERS_MAX; i++)
		n += snprintf(buf + n, sizeof(buf) - n, "X%zu: 1\r\n", i);
	snprintf(buf + n, sizeof(buf) - n, "\r\n");
	assert_int_equal(status_of(buf), 431);
}

static void
test_pipelined(void **state)
{
	const char	*s = "GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
	    "HEAD /b HTTP/1.1\r\nHost: x\r\n\r\nGET /c HTTP/1.1\r\nHo";
	const char	*want[] = { "/a", "/b" };
	size_t		 used, left = strlen(s), i;

	for (i = 0; i < 2; i++) {
		assert_int_equal(http_parse_head(s, left, &req, &used),
		    HTTP_DONE);
		assert_string_equal(req.path, want[i]);
		s += used;
		left -= used;
	}
	assert_int_equal(http_parse_head(s, left, &req, &used), HTTP_MORE);
}

static void
test_pct_decode(void **state)
{
	char	out[64];

	assert_int_equal(http_pct_decode("42101%208342+3", 14, out,
	    sizeof(out), 1), 14 - 2);
	assert_string_equal(out, "42101 8342 3");
	assert_int_equal(http_pct_decode("a+b", 3, out, sizeof(out), 0), 3);
	assert_string_equal(out, "a+b");
	assert_int_equal(http_pct_decode("%3c%3E", 6, out, sizeof(out), 0), 2);
	assert_string_equal(out, "<>");
	assert_int_equal(http_pct_decode("%zz", 3, out, sizeof(out), 0), -1);
	assert_int_equal(http_pct_decode("%2", 2, out, sizeof(out), 0), -1);
	assert_int_equal(http_pct_decode("%", 1, out, sizeof(out), 0), -1);
	assert_int_equal(http_pct_decode("%00", 3, out, sizeof(out), 0), -1);
	assert_int_equal(http_pct_decode("abcd", 4, out, 4, 0), -1);
	assert_int_equal(http_pct_decode("abc", 3, out, 4, 0), 3);
	assert_int_equal(http_query_get("a=1&number=42101+8342&b", "number",
	    out, sizeof(out)), 0);
	assert_string_equal(out, "42101 8342");
	assert_int_equal(http_query_get("numbers=1", "number", out,
	    sizeof(out)), -1);
	assert_int_equal(http_query_get("qr=%zz", "qr", out, sizeof(out)), -1);
	assert_int_equal(http_query_get("", "qr", out, sizeof(out)), -1);
}

/* Random bytes and mutated heads: never a crash, never a wrong answer. */
static void
test_garbage(void **state)
{
	static char	buf[HTTP_HEAD_MAX + 64];
	const char	*seed = "GET /V/AB?qr=1 HTTP/1.1\r\nHost: a\r\n\r\n";
	uint32_t	 x = 2463534242u;
	size_t		 i, j, n, used;
	enum http_parse	 rc;

	for (i = 0; i < 20000; i++) {
		n = (i % 2) ? strlen(seed) : (x % sizeof(buf));
		if (i % 2)
			memcpy(buf, seed, n);
		for (j = 0; j < n; j++) {
			x ^= x << 13; x ^= x >> 17; x ^= x << 5;
			if (!(i % 2) || x % 8 == 0)
				buf[j] = (char)(x >> 8);
		}
		rc = http_parse_head(buf, n, &req, &used);
		if (rc == HTTP_DONE) {
			assert_true(used > 0 && used <= n);
			if (req.status == 0)
				assert_true(req.path[0] == '/');
		} else if (rc == HTTP_BAD)
			assert_true(req.status == 414 || req.status == 431);
	}
}

static void
test_status_text(void **state)
{
	assert_string_equal(http_status_text(404), "Not Found");
	assert_string_equal(http_status_text(429), "Too Many Requests");
	assert_string_equal(http_status_text(431),
	    "Request Header Fields Too Large");
	assert_string_equal(http_status_text(999), "Error");
}

static void
test_if_none_match(void **state)
{
	char	long_head[HTTP_INM_MAX + 128];

	assert_int_equal(status_of("GET /x HTTP/1.1\r\nHost: a\r\n"
	    "If-None-Match: W/\"a\", \"b1\"\r\n\r\n"), 0);
	assert_string_equal(req.inm, "W/\"a\", \"b1\"");
	assert_true(http_etag_match(req.inm, "\"b1\""));
	assert_true(http_etag_match(req.inm, "\"a\""));	/* weak */
	assert_false(http_etag_match(req.inm, "\"b\""));
	assert_false(http_etag_match(req.inm, "\"b12\""));
	assert_true(http_etag_match("*", "\"z\""));
	assert_false(http_etag_match("\"z\"x", "\"z\""));
	assert_false(http_etag_match("\"z", "\"z\""));
	assert_false(http_etag_match("", "\"z\""));
	assert_false(http_etag_match("\"z\"", "z"));
	/* Repeated or too long: never a match, never refused. */
	assert_int_equal(status_of("GET /x HTTP/1.1\r\nHost: a\r\n"
	    "If-None-Match: \"a\"\r\nIf-None-Match: \"b\"\r\n\r\n"), 0);
	assert_false(http_etag_match(req.inm, "\"a\""));
	assert_false(http_etag_match(req.inm, "\"b\""));
	snprintf(long_head, sizeof(long_head), "GET /x HTTP/1.1\r\nHost: a"
	    "\r\nIf-None-Match: \"%0*d\"\r\n\r\n", HTTP_INM_MAX, 7);
	assert_int_equal(status_of(long_head), 0);
	assert_false(http_etag_match(req.inm, "\"7\""));
	assert_int_equal(status_of("GET /x HTTP/1.1\r\nHost: a\r\n\r\n"), 0);
	assert_string_equal(req.inm, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_get),
		cmocka_unit_test(test_head_json_close),
		cmocka_unit_test(test_incomplete),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_pipelined),
		cmocka_unit_test(test_pct_decode),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_status_text),
		cmocka_unit_test(test_if_none_match),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
