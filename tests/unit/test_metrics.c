/* skkd — SPDX-License-Identifier: ISC */
/*
 * Unit tests of the metrics: record from several threads, render into an
 * evbuffer, parse the Prometheus text back and check names, labels,
 * cumulative buckets, sums and counts, store figures included.
 */

#include <ftw.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <event2/buffer.h>

#include "metrics.h"
#include "skkd.h"
#include "store.h"

#define NTHREADS	4
#define PERTHREAD	1000

struct skkd	*skkd;	/* main.c's, which the tests do not link */

static char *
render(struct store_rd *rd)
{
	struct evbuffer	*b = evbuffer_new();
	size_t		 n;
	char		*s;

	assert_non_null(b);
	metrics_render(b, rd);
	n = evbuffer_get_length(b);
	s = malloc(n + 1);
	assert_non_null(s);
	evbuffer_remove(b, s, n);
	s[n] = '\0';
	evbuffer_free(b);
	return s;
}

/* The value of the sample whose name and labels are exactly key; -1 if absent. */
static double
sample(const char *text, const char *key)
{
	const char	*p = text;
	size_t		 n = strlen(key);

	while (p != NULL && *p != '\0') {
		if (strncmp(p, key, n) == 0 && p[n] == ' ')
			return strtod(p + n + 1, NULL);
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	}
	return -1;
}

/* Every line is a comment or "name{labels} number". */
static void
check_format(const char *text)
{
	const char	*p = text, *e, *sp;
	char		*end;

	while (*p != '\0') {
		e = strchr(p, '\n');
		assert_non_null(e);
		if (*p != '#') {
			sp = memchr(p, ' ', e - p);
			assert_non_null(sp);
			assert_true(strncmp(p, "skkd_", 5) == 0);
			strtod(sp + 1, &end);
			assert_ptr_equal(end, e);
		} else
			assert_true(strncmp(p, "# HELP ", 7) == 0 ||
			    strncmp(p, "# TYPE ", 7) == 0);
		p = e + 1;
	}
}

static void *
record_main(void *arg)
{
	int	i;

	for (i = 0; i < PERTHREAD; i++)
		metrics_request(MEP_PROTO_VERIFY, i % 2, 1000);
	return NULL;
}

static void
test_counts(void **state)
{
	pthread_t	t[NTHREADS];
	char		*s;
	int		 i;

	for (i = 0; i < NTHREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, record_main, NULL), 0);
	for (i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
	metrics_request(MEP_HTTP_PAGE, VERDICT_VALID, 300);	/* 0.3 ms */
	metrics_request(MEP_HTTP_PAGE, -1, 7000000);		/* 7 s */
	metrics_request(MEP_MAX, 0, 1);				/* ignored */
	metrics_handshake(1);
	metrics_handshake(1);
	metrics_handshake(0);
	metrics_issued(5);
	metrics_commit(3);
	metrics_commit(100);
	s = render(NULL);
	check_format(s);
	assert_true(sample(s, "skkd_requests_total{endpoint=\"proto_verify\","
	    "verdict=\"valid\"}") == NTHREADS * PERTHREAD / 2);
	assert_true(sample(s, "skkd_requests_total{endpoint=\"proto_verify\","
	    "verdict=\"not_valid\"}") == NTHREADS * PERTHREAD / 2);
	assert_true(sample(s, "skkd_requests_total{endpoint=\"http_page\","
	    "verdict=\"none\"}") == 1);
	assert_true(sample(s, "skkd_request_duration_seconds_bucket{endpoint="
	    "\"http_page\",le=\"0.0005\"}") == 1);
	assert_true(sample(s, "skkd_request_duration_seconds_bucket{endpoint="
	    "\"http_page\",le=\"5\"}") == 1);
	assert_true(sample(s, "skkd_request_duration_seconds_bucket{endpoint="
	    "\"http_page\",le=\"+Inf\"}") == 2);
	assert_true(sample(s, "skkd_request_duration_seconds_count{endpoint="
	    "\"http_page\"}") == 2);
	assert_true(sample(s, "skkd_request_duration_seconds_sum{endpoint="
	    "\"http_page\"}") == 7.0003);
	assert_true(sample(s, "skkd_request_duration_seconds_bucket{endpoint="
	    "\"proto_verify\",le=\"0.001\"}") == NTHREADS * PERTHREAD);
	assert_true(sample(s, "skkd_request_duration_seconds_bucket{endpoint="
	    "\"proto_verify\",le=\"0.0005\"}") == 0);
	assert_true(sample(s, "skkd_tls_handshakes_total{result=\"ok\"}") == 2);
	assert_true(sample(s, "skkd_tls_handshakes_total{result=\"failed\"}") == 1);
	assert_true(sample(s, "skkd_issued_total") == 5);
	assert_true(sample(s, "skkd_commit_batch_size_bucket{le=\"4\"}") == 1);
	assert_true(sample(s, "skkd_commit_batch_size_bucket{le=\"128\"}") == 2);
	assert_true(sample(s, "skkd_commit_batch_size_sum") == 103);
	assert_true(sample(s, "skkd_commit_batch_size_count") == 2);
	/* No stats source and no reader: those figures are left out. */
	assert_true(sample(s, "skkd_connections") == -1);
	assert_true(sample(s, "skkd_store_bytes") == -1);
	free(s);
}

static int
rm_cb(const char *p, const struct stat *st, int f, struct FTW *ftw)
{
	return remove(p);
}

static void
test_store_and_connections(void **state)
{
	static struct skkd	 sk;
	struct store_opts	 o;
	struct store		*st;
	struct store_rd		*rd;
	char			 top[] = "/tmp/skkd-metrics.XXXXXX", dir[64], err[160];
	char			*s;

	assert_non_null(mkdtemp(top));
	snprintf(dir, sizeof(dir), "%s/db", top);
	memset(&o, 0, sizeof(o));
	o.dir = dir;
	o.map_size = 8 * 1024 * 1024;
	o.max_readers = 4;
	st = store_open(&o, err, sizeof(err));
	assert_non_null(st);
	rd = store_rd_new(st);
	assert_non_null(rd);
	atomic_store(&sk.stats.connections, 3);
	atomic_store(&sk.stats.accepted, 10);
	metrics_set_stats(&sk.stats);
	s = render(rd);
	check_format(s);
	assert_true(sample(s, "skkd_connections") == 3);
	assert_true(sample(s, "skkd_connections_total{result=\"accepted\"}") == 10);
	assert_true(sample(s, "skkd_store_map_bytes") == 8 * 1024 * 1024);
	assert_true(sample(s, "skkd_store_bytes") > 0);
	assert_true(sample(s, "skkd_certificates{status=\"active\"}") == 0);
	assert_true(sample(s, "skkd_certificates{status=\"pending\"}") == 0);
	free(s);
	metrics_set_stats(NULL);
	store_rd_free(rd);
	store_close(st);
	nftw(top, rm_cb, 8, FTW_DEPTH | FTW_PHYS);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_store_and_connections),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
