/* skkd — SPDX-License-Identifier: ISC */
/*
 * Unit tests of the check records on a real store and writer thread:
 * counts per month and per organisation and day, names cleaned, one
 * certificate's records apart from another's, and reader records older
 * than check_log_days folded into their month's anonymous count.
 */

#include <sys/stat.h>

#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "checks.h"
#include "store.h"
#include "writer.h"

#define MIB	(1024 * 1024)
#define DAY	86400
#define N1	"42101 8342 3 00000001 2026"
#define N10	"42101 8342 3 00000010 2026"

struct ctx {
	char		 top[64];
	char		 dir[96];
	struct store	*s;
	struct store_rd	*rd;
	struct writer	*w;
};

/* What checks_foreach gave, as "a 2026-12 3;r 2026-12-06 PT A 2;". */
struct seen {
	char	text[1024];
};

static int
rm_cb(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static int
setup(void **state)
{
	struct store_opts	 o;
	struct ctx		*c;
	char			 err[256] = "";

	c = calloc(1, sizeof(*c));
	snprintf(c->top, sizeof(c->top), "/tmp/skk-checks-XXXXXX");
	if (mkdtemp(c->top) == NULL)
		return -1;
	snprintf(c->dir, sizeof(c->dir), "%s/db", c->top);
	memset(&o, 0, sizeof(o));
	o.dir = c->dir;
	o.map_size = 64 * MIB;
	o.max_readers = 16;
	if ((c->s = store_open(&o, err, sizeof(err))) == NULL)
		fail_msg("store_open: %s", err);
	c->rd = store_rd_new(c->s);
	if ((c->w = writer_start(c->s, 64, err, sizeof(err))) == NULL)
		fail_msg("writer_start: %s", err);
	*state = c;
	return 0;
}

static int
teardown(void **state)
{
	struct ctx	*c = *state;

	writer_stop(c->w);
	store_rd_free(c->rd);
	store_close(c->s);
	nftw(c->top, rm_cb, 8, FTW_DEPTH | FTW_PHYS);
	free(c);
	return 0;
}

static int
seen_one(int kind, const char *date, const char *org, uint64_t n, void *arg)
{
	struct seen	*s = arg;
	size_t		 len = strlen(s->text);

	snprintf(s->text + len, sizeof(s->text) - len, "%c %s%s%s %llu;",
	    kind, date, org[0] != '\0' ? " " : "", org, (unsigned long long)n);
	return 0;
}

static void
expect(struct ctx *c, const char *number, const char *want)
{
	struct seen	s;

	s.text[0] = '\0';
	assert_int_equal(checks_foreach(c->rd, number, seen_one, &s),
	    STORE_OK);
	assert_string_equal(s.text, want);
}

/* t's UTC month YYYY-MM, or its day YYYY-MM-DD when full. */
static void
day(int64_t t, int full, char *out, size_t len)
{
	time_t		tt = (time_t)t;
	struct tm	tm;

	gmtime_r(&tt, &tm);
	if (full)
		strftime(out, len, "%Y-%m-%d", &tm);
	else
		strftime(out, len, "%Y-%m", &tm);
}

static void
test_counts(void **state)
{
	struct ctx	*c = *state;
	char		 err[256] = "", m[16], d[16], want[256];
	int64_t		 now = time(NULL);
	int		 i;

	assert_int_equal(checks_start(c->w, 365, err, sizeof(err)), 0);
	for (i = 0; i < 3; i++)
		checks_note(N1, NULL, now);
	checks_note(N1, "PT A", now);
	checks_note(N1, "PT A", now);
	checks_note(N1, "PT|B\n", now);
	checks_note(N10, NULL, now);
	checks_note("", NULL, now);		/* no certificate: nothing */
	checks_stop();
	writer_stop(c->w);
	c->w = writer_start(c->s, 64, err, sizeof(err));
	day(now, 0, m, sizeof(m));
	day(now, 1, d, sizeof(d));
	snprintf(want, sizeof(want), "a %s 3;r %s PT A 2;r %s PT_B_ 1;", m,
	    d, d);
	expect(c, N1, want);
	snprintf(want, sizeof(want), "a %s 1;", m);
	expect(c, N10, want);
	expect(c, "42101 8342 3 00000002 2026", "");

	/* A second run adds to what is stored. */
	assert_int_equal(checks_start(c->w, 365, err, sizeof(err)), 0);
	checks_note(N10, NULL, now);
	checks_stop();
	writer_stop(c->w);
	c->w = writer_start(c->s, 64, err, sizeof(err));
	snprintf(want, sizeof(want), "a %s 2;", m);
	expect(c, N10, want);
}

static void
test_ageing(void **state)
{
	struct ctx	*c = *state;
	char		 err[256] = "", m_old[16], m_new[16], d_new[16];
	char		 want[256];
	int64_t		 now = time(NULL), old = now - 40 * DAY;
	int64_t		 recent = now - 10 * DAY;

	assert_int_equal(checks_start(c->w, 30, err, sizeof(err)), 0);
	checks_note(N1, "PT A", old);
	checks_note(N1, "PT A", old);
	checks_note(N1, NULL, old);
	checks_note(N1, "PT A", recent);
	checks_stop();
	writer_stop(c->w);
	c->w = writer_start(c->s, 64, err, sizeof(err));
	day(old, 0, m_old, sizeof(m_old));
	day(recent, 0, m_new, sizeof(m_new));
	day(recent, 1, d_new, sizeof(d_new));
	/* The old organisation is gone, its checks counted in the month. */
	snprintf(want, sizeof(want), "a %s 3;r %s PT A 1;", m_old, d_new);
	expect(c, N1, want);
	(void)m_new;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_counts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ageing, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
