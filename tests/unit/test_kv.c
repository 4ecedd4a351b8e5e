/* skkd — SPDX-License-Identifier: ISC */
/*
 * proto/kv.c: the settings a file yields, the error (with its line) for
 * each kind of bad line, and the number helpers at their edges.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "kv.h"

/* Collects "key=value;" for every setting, so one string shows them all. */
struct collect {
	char	 out[4096];
	int	 refuse;	/* refuse this key number (1-based), 0: none */
	int	 n;
};

static int
collect_cb(const char *key, const char *value, void *arg, char *err,
    size_t errlen)
{
	struct collect	*c = arg;
	size_t		 len = strlen(c->out);

	if (++c->n == c->refuse) {
		snprintf(err, errlen, "%s: refused by test", key);
		return -1;
	}
	snprintf(c->out + len, sizeof(c->out) - len, "%s=%s;", key, value);
	return 0;
}

static int
parse(const char *text, size_t len, struct collect *c, char *err,
    size_t errlen)
{
	memset(c, 0, sizeof(*c));
	err[0] = '\0';
	return kv_parse(text, len, collect_cb, c, err, errlen);
}

static void
expect_error(const char *text, size_t len, const char *want)
{
	struct collect	 c;
	char		 err[256];

	assert_int_equal(parse(text, len, &c, err, sizeof(err)), -1);
	assert_string_equal(err, want);
}

#define EXPECT_ERROR(text, want)	expect_error(text, sizeof(text) - 1, want)

static void
test_good_file(void **state)
{
	const char	 text[] =
	    "# a comment\n"
	    "\n"
	    "   \t\n"
	    "listen = 127.0.0.1:7443   # trailing comment\n"
	    "\tdata_dir=db\n"
	    "issuer_name = \"LSP \\\"Maju\\\" # 1\"  # quoted\n"
	    "path = \"C:\\\\x\"\n"
	    "empty =\n"
	    "quoted_empty = \"\"\n"
	    "spaces = a b  c \t\n"
	    "k_9 = v";
	struct collect	 c;
	char		 err[256];

	assert_int_equal(parse(text, sizeof(text) - 1, &c, err, sizeof(err)),
	    0);
	assert_string_equal(c.out,
	    "listen=127.0.0.1:7443;data_dir=db;issuer_name=LSP \"Maju\" # 1;"
	    "path=C:\\x;empty=;quoted_empty=;spaces=a b  c;k_9=v;");
}

static void
test_crlf(void **state)
{
	const char	 text[] = "a = 1\r\nb = \"two\"\r\n# c\r\n\r\nd=4\r\n";
	struct collect	 c;
	char		 err[256];

	assert_int_equal(parse(text, sizeof(text) - 1, &c, err, sizeof(err)),
	    0);
	assert_string_equal(c.out, "a=1;b=two;d=4;");
}

static void
test_empty_input(void **state)
{
	struct collect	 c;
	char		 err[256];

	assert_int_equal(parse("", 0, &c, err, sizeof(err)), 0);
	assert_int_equal(c.n, 0);
	assert_int_equal(parse("\n\n# x\n", 6, &c, err, sizeof(err)), 0);
	assert_int_equal(c.n, 0);
}

static void
test_errors_name_line(void **state)
{
	EXPECT_ERROR("a = 1\nb 2\n", "2: expected \"key = value\"");
	EXPECT_ERROR("a = 1\n\n= 2\n", "3: expected \"key = value\"");
	EXPECT_ERROR("Key = 1\n", "1: expected \"key = value\"");
	EXPECT_ERROR("a-b = 1\n", "1: expected \"key = value\"");
	EXPECT_ERROR("a\n", "1: expected \"key = value\"");
	EXPECT_ERROR("# ok\na = \"open\n", "2: unterminated quote");
	EXPECT_ERROR("a = \"x\\\"", "1: unterminated quote");
	EXPECT_ERROR("a = \"x\\", "1: unterminated quote");
	EXPECT_ERROR("a = \"x\" y\n", "1: text after the closing quote");
	EXPECT_ERROR("a = \"x\\n\"\n",
	    "1: unknown escape '\\n' (only \\\" and \\\\)");
	EXPECT_ERROR("a = 1\nb = x\x01y\n", "2: control character 0x01");
	EXPECT_ERROR("a = 1\n\n\nb = \x7f\n", "4: control character 0x7f");
}

static void
test_nul_byte(void **state)
{
	EXPECT_ERROR("a = 1\nb = x\0y\n", "2: NUL byte");
	EXPECT_ERROR("# comment \0 too\n", "1: NUL byte");
	EXPECT_ERROR("\0", "1: NUL byte");
}

static void
test_long_key_value(void **state)
{
	char		 buf[KV_VALUE_MAX + 100];
	struct collect	 c;
	char		 err[256];
	size_t		 n;

	memset(buf, 'k', KV_KEY_MAX);
	n = KV_KEY_MAX;
	memcpy(buf + n, " = v\n", 5);
	assert_int_equal(parse(buf, n + 5, &c, err, sizeof(err)), 0);
	memset(buf, 'k', KV_KEY_MAX + 1);
	n = KV_KEY_MAX + 1;
	memcpy(buf + n, " = v\n", 5);
	assert_int_equal(parse(buf, n + 5, &c, err, sizeof(err)), -1);
	assert_string_equal(err, "1: key longer than 64 bytes");

	memcpy(buf, "k = ", 4);
	memset(buf + 4, 'v', KV_VALUE_MAX);
	assert_int_equal(parse(buf, 4 + KV_VALUE_MAX, &c, err, sizeof(err)),
	    0);
	memset(buf + 4, 'v', KV_VALUE_MAX + 1);
	assert_int_equal(parse(buf, 5 + KV_VALUE_MAX, &c, err, sizeof(err)),
	    -1);
	assert_string_equal(err, "1: value longer than 1024 bytes");
	/* Quoted: the limit counts the value, not the quotes. */
	buf[4] = '"';
	memset(buf + 5, 'v', KV_VALUE_MAX);
	buf[5 + KV_VALUE_MAX] = '"';
	assert_int_equal(parse(buf, 6 + KV_VALUE_MAX, &c, err, sizeof(err)),
	    0);
	buf[5 + KV_VALUE_MAX] = 'v';
	buf[6 + KV_VALUE_MAX] = '"';
	assert_int_equal(parse(buf, 7 + KV_VALUE_MAX, &c, err, sizeof(err)),
	    -1);
	assert_string_equal(err, "1: value longer than 1024 bytes");
}

static void
test_callback_refusal(void **state)
{
	struct collect	 c;
	char		 err[256];

	memset(&c, 0, sizeof(c));
	c.refuse = 2;
	assert_int_equal(kv_parse("a = 1\n# x\nb = 2\nc = 3\n", 22,
	    collect_cb, &c, err, sizeof(err)), -1);
	assert_string_equal(err, "3: b: refused by test");
	assert_string_equal(c.out, "a=1;");
}

static void
test_uint(void **state)
{
	unsigned long long	 v = 77;
	char			 err[128];

	assert_int_equal(kv_uint("0", 10, &v, err, sizeof(err)), 0);
	assert_true(v == 0);
	assert_int_equal(kv_uint("1024", 1024, &v, err, sizeof(err)), 0);
	assert_true(v == 1024);
	assert_int_equal(kv_uint("007", 10, &v, err, sizeof(err)), 0);
	assert_true(v == 7);
	assert_int_equal(kv_uint("18446744073709551615", ~0ULL, &v, err,
	    sizeof(err)), 0);
	assert_true(v == ~0ULL);

	v = 5;
	assert_int_equal(kv_uint("4096", 1024, &v, err, sizeof(err)), -1);
	assert_string_equal(err, "4096 is over the limit 1024");
	assert_true(v == 5);
	assert_int_equal(kv_uint("18446744073709551616", ~0ULL, &v, err,
	    sizeof(err)), -1);
	assert_string_equal(err,
	    "18446744073709551616 is over the limit 18446744073709551615");
	assert_int_equal(kv_uint("99999999999999999999999", 10, &v, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "99999999999999999999999 is over the limit 10");
	assert_int_equal(kv_uint("12x", 100, &v, err, sizeof(err)), -1);
	assert_string_equal(err, "\"12x\" is not a number");
	assert_int_equal(kv_uint("", 100, &v, err, sizeof(err)), -1);
	assert_string_equal(err, "\"\" is not a number");
	assert_int_equal(kv_uint("-1", 100, &v, err, sizeof(err)), -1);
	assert_string_equal(err, "\"-1\" is not a number");
	assert_int_equal(kv_uint("+1", 100, &v, err, sizeof(err)), -1);
	assert_int_equal(kv_uint(" 1", 100, &v, err, sizeof(err)), -1);
	assert_int_equal(kv_uint("0x10", 100, &v, err, sizeof(err)), -1);
	assert_true(v == 5);
}

static void
test_size(void **state)
{
	unsigned long long	 v = 0;
	char			 err[128];

	assert_int_equal(kv_size("512", ~0ULL, &v, err, sizeof(err)), 0);
	assert_true(v == 512);
	assert_int_equal(kv_size("4K", ~0ULL, &v, err, sizeof(err)), 0);
	assert_true(v == 4096);
	assert_int_equal(kv_size("8M", ~0ULL, &v, err, sizeof(err)), 0);
	assert_true(v == 8ULL << 20);
	assert_int_equal(kv_size("1024m", ~0ULL, &v, err, sizeof(err)), 0);
	assert_true(v == 1ULL << 30);
	assert_int_equal(kv_size("3G", ~0ULL, &v, err, sizeof(err)), 0);
	assert_true(v == 3ULL << 30);
	assert_int_equal(kv_size("1G", 1ULL << 30, &v, err, sizeof(err)), 0);

	assert_int_equal(kv_size("2G", 1ULL << 30, &v, err, sizeof(err)), -1);
	assert_string_equal(err, "2G is over the limit 1G");
	assert_int_equal(kv_size("1025", 1024, &v, err, sizeof(err)), -1);
	assert_string_equal(err, "1025 is over the limit 1K");
	assert_int_equal(kv_size("1000", 999, &v, err, sizeof(err)), -1);
	assert_string_equal(err, "1000 is over the limit 999");
	/* Overflow in the multiplication, not only in the digits. */
	assert_int_equal(kv_size("17179869184G", ~0ULL, &v, err,
	    sizeof(err)), -1);
	assert_string_equal(err,
	    "17179869184G is over the limit 18446744073709551615");
	assert_int_equal(kv_size("99999999999999999999K", ~0ULL, &v, err,
	    sizeof(err)), -1);
	assert_int_equal(kv_size("K", ~0ULL, &v, err, sizeof(err)), -1);
	assert_string_equal(err, "\"K\" is not a size (a number with an "
	    "optional K, M or G)");
	assert_int_equal(kv_size("1T", ~0ULL, &v, err, sizeof(err)), -1);
	assert_int_equal(kv_size("1 M", ~0ULL, &v, err, sizeof(err)), -1);
	assert_int_equal(kv_size("", ~0ULL, &v, err, sizeof(err)), -1);
	assert_int_equal(kv_size("1MB", ~0ULL, &v, err, sizeof(err)), -1);
}

static void
test_duration(void **state)
{
	unsigned long long	 v = 0;
	char			 err[128];

	assert_int_equal(kv_duration("300", ~0ULL, &v, err, sizeof(err)), 0);
	assert_true(v == 300);
	assert_int_equal(kv_duration("45s", ~0ULL, &v, err, sizeof(err)), 0);
	assert_true(v == 45);
	assert_int_equal(kv_duration("5m", ~0ULL, &v, err, sizeof(err)), 0);
	assert_true(v == 300);
	assert_int_equal(kv_duration("24h", ~0ULL, &v, err, sizeof(err)), 0);
	assert_true(v == 86400);
	assert_int_equal(kv_duration("7d", ~0ULL, &v, err, sizeof(err)), 0);
	assert_true(v == 604800);
	assert_int_equal(kv_duration("2d", 86400, &v, err, sizeof(err)), -1);
	assert_string_equal(err, "2d is over the limit of 86400 seconds");
	assert_int_equal(kv_duration("d", ~0ULL, &v, err, sizeof(err)), -1);
	assert_string_equal(err, "\"d\" is not a duration (a number with an "
	    "optional s, m, h or d)");
	assert_int_equal(kv_duration("1w", ~0ULL, &v, err, sizeof(err)), -1);
	assert_int_equal(kv_duration("1H", ~0ULL, &v, err, sizeof(err)), -1);
	assert_int_equal(kv_duration("", ~0ULL, &v, err, sizeof(err)), -1);
	assert_int_equal(kv_duration("-1s", ~0ULL, &v, err, sizeof(err)), -1);
	assert_int_equal(kv_duration("999999999999999999d", ~0ULL, &v, err,
	    sizeof(err)), -1);
	assert_true(v == 604800);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_file),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_empty_input),
		cmocka_unit_test(test_errors_name_line),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_long_key_value),
		cmocka_unit_test(test_callback_refusal),
		cmocka_unit_test(test_uint),
		cmocka_unit_test(test_size),
		cmocka_unit_test(test_duration),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
