/* skkd — SPDX-License-Identifier: ISC */
/*
 * proto/csv.c: the rows a file yields (BOM, semicolons, CRLF, quoted
 * separators, quotes and newlines), the line and column of every kind of
 * error, and totality over garbage.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "csv.h"

/* Collects "line:f1|f2|...;" per row, so one string shows them all. */
struct collect {
	char	out[8192];
	int	stop_at;	/* stop at this row (1-based), 0: never */
	int	rows;
};

static int
collect_cb(void *arg, size_t line, char **fields, size_t n)
{
	struct collect	*c = arg;
	size_t		 i, len;

	len = strlen(c->out);
	snprintf(c->out + len, sizeof(c->out) - len, "%zu:", line);
	for (i = 0; i < n; i++) {
		len = strlen(c->out);
		snprintf(c->out + len, sizeof(c->out) - len, "%s%s",
		    i ? "|" : "", fields[i]);
	}
	len = strlen(c->out);
	snprintf(c->out + len, sizeof(c->out) - len, ";");
	return ++c->rows == c->stop_at ? 7 : 0;
}

static int
parse(const char *text, size_t len, struct collect *c, char *sep,
    struct csv_error *e)
{
	memset(c, 0, sizeof(*c));
	return csv_parse(text, len, NULL, collect_cb, c, sep, e);
}

#define PARSE_OK(text, want) do {					\
	struct collect		 c_;					\
	struct csv_error	 e_;					\
	assert_int_equal(parse(text, sizeof(text) - 1, &c_, NULL, &e_), 0); \
	assert_string_equal(c_.out, want);				\
} while (0)

static void
expect_error(const char *text, size_t len, size_t line, size_t col,
    const char *msg)
{
	struct collect		c;
	struct csv_error	e;

	assert_int_equal(parse(text, len, &c, NULL, &e), -1);
	assert_string_equal(e.msg, msg);
	assert_int_equal(e.line, line);
	assert_int_equal(e.col, col);
}

#define EXPECT_ERROR(text, line, col, msg) \
	expect_error(text, sizeof(text) - 1, line, col, msg)

static void
test_simple(void **state)
{
	PARSE_OK("name,nik\nSukarno,1505\n", "1:name|nik;2:Sukarno|1505;");
	PARSE_OK("a,b\n1,2", "1:a|b;2:1|2;");		/* no final newline */
	PARSE_OK("a,b\n\n\n1,2\n\n", "1:a|b;4:1|2;");	/* blank lines */
	PARSE_OK("a,b\n1\n", "1:a|b;2:1;");		/* short row */
	PARSE_OK("a,b\n,\n", "1:a|b;2:|;");		/* empty fields */
	PARSE_OK("", "");
}

static void
test_bom_semicolon_crlf(void **state)
{
	struct collect		c;
	struct csv_error	e;
	char			sep = 0;
	const char		t[] = "\xef\xbb\xbfname;nik;job_code\r\n"
	    "Siti Nur'aini;1505;ME063096\r\n\"Budi, S.T.\";1506;ME063098\r\n";

	assert_int_equal(parse(t, sizeof(t) - 1, &c, &sep, &e), 0);
	assert_int_equal(sep, ';');
	assert_string_equal(c.out, "1:name|nik|job_code;"
	    "2:Siti Nur'aini|1505|ME063096;3:Budi, S.T.|1506|ME063098;");
	/* A comma header keeps semicolons inside fields. */
	PARSE_OK("a,b\nx;y,z\n", "1:a|b;2:x;y|z;");
	/* Separators inside a quoted header do not count. */
	assert_int_equal(parse("\"a;b;c\",d\n", 10, &c, &sep, &e), 0);
	assert_int_equal(sep, ',');
}

static void
test_quotes(void **state)
{
	PARSE_OK("a,b\n\"x,y\",\"say \"\"hi\"\"\"\n",
	    "1:a|b;2:x,y|say \"hi\";");
	/* A quoted newline: the row starts on line 2, the next on 4. */
	PARSE_OK("a,b\n\"two\nlines\",1\nz,2\n", "1:a|b;2:two\nlines|1;4:z|2;");
	PARSE_OK("a,b\r\n\"cr\r\nlf\",1\r\n", "1:a|b;2:cr\nlf|1;");
	PARSE_OK("a\n\"\"\n", "1:a;2:;");
	PARSE_OK("a\n\xc3\xa9t\xc3\xa9\n", "1:a;2:\xc3\xa9t\xc3\xa9;");
}

static void
test_errors(void **state)
{
	EXPECT_ERROR("a,b\n1,\"open\n", 2, 3, "unterminated quote");
	EXPECT_ERROR("a,b\n1,ab\"c\n", 2, 5, "stray quote in an unquoted field");
	EXPECT_ERROR("a,b\n1,\"ab\"c\n", 2, 7,
	    "text after a closing quote (a stray quote?)");
	EXPECT_ERROR("a,b\n1,x\0y\n", 2, 4, "NUL byte");
	EXPECT_ERROR("a,b\n1,\xc3\xa9\xff\n", 2, 4, "invalid UTF-8");
	EXPECT_ERROR("a,b\n1,\xc0\xaf\n", 2, 3, "invalid UTF-8");	/* overlong */
	EXPECT_ERROR("a,b\n1,\xed\xa0\x80\n", 2, 3, "invalid UTF-8"); /* surrogate */
	EXPECT_ERROR("a,b\n1,2,3\n", 2, 5, "too many columns (more than 2)");
	/* A quote closed then reopened across lines. */
	EXPECT_ERROR("a\n\"x\n\n\"y\n", 4, 2,
	    "text after a closing quote (a stray quote?)");
}

static void
test_limits(void **state)
{
	struct collect		 c;
	struct csv_error	 e;
	struct csv_opts		 o = { 8, 3 };
	char			*big;
	size_t			 n = CSV_LINE_MAX + 10;

	assert_int_equal(csv_parse("a\n123456789\n", 12, &o, collect_cb, &c,
	    NULL, &e), -1);
	assert_string_equal(e.msg, "field over 8 bytes");
	assert_int_equal(e.line, 2);
	assert_int_equal(e.col, 9);
	assert_int_equal(csv_parse("a,b,c,d\n", 8, &o, collect_cb, &c, NULL,
	    &e), -1);
	assert_string_equal(e.msg, "too many columns (more than 3)");
	assert_int_equal(e.col, 7);
	/* A line over 64 KiB, made of short fields. */
	big = malloc(n);
	assert_non_null(big);
	memset(big, 'x', n);
	o.max_field = n;
	o.max_fields = 0;
	assert_int_equal(csv_parse(big, n, &o, collect_cb, &c, NULL, &e), -1);
	assert_string_equal(e.msg, "line over 65536 bytes");
	assert_int_equal(e.line, 1);
	assert_int_equal(e.col, CSV_LINE_MAX + 1);
	free(big);
}

static void
test_stop(void **state)
{
	struct collect		c;
	struct csv_error	e;

	memset(&c, 0, sizeof(c));
	c.stop_at = 2;
	assert_int_equal(csv_parse("a\nb\nc\n", 6, NULL, collect_cb, &c, NULL,
	    &e), 7);
	assert_string_equal(c.out, "1:a;2:b;");
}

/* Random bytes: every result is 0 or -1 with a position in range. */
static void
test_garbage(void **state)
{
	struct collect		c;
	struct csv_error	e;
	char			buf[512];
	const char		alpha[] = "a,;\"\r\n\0\xc3\xa9\xff ";
	size_t			i, k, len, lines;
	int			rc;

	srand(5);
	for (i = 0; i < 20000; i++) {
		len = (size_t)rand() % sizeof(buf);
		lines = 1;
		for (k = 0; k < len; k++) {
			buf[k] = rand() % 4 ? alpha[rand() %
			    (sizeof(alpha) - 1)] : (char)rand();
			lines += buf[k] == '\n' || buf[k] == '\r';
		}
		memset(&c, 0, sizeof(c));
		rc = csv_parse(buf, len, NULL, collect_cb, &c, NULL, &e);
		assert_true(rc == 0 || rc == -1);
		if (rc == -1) {
			assert_true(e.line >= 1 && e.line <= lines);
			assert_true(e.col >= 1 && e.col <= len + 1);
			assert_true(e.msg[0] != '\0');
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simple),
		cmocka_unit_test(test_bom_semicolon_crlf),
		cmocka_unit_test(test_quotes),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_stop),
		cmocka_unit_test(test_garbage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
