/* skkd — SPDX-License-Identifier: ISC */
/*
 * Benchmark client: one companion-protocol connection (client/net.c, as
 * skk uses it), then N VERIFY requests of one number each, strictly one
 * at a time: send, wait for the answer, send the next. Each round trip is
 * timed with CLOCK_MONOTONIC. Every answer must be a VALID verdict for the
 * number asked, or the run fails: a fast wrong answer is no result.
 * Usage: protolat HOST PORT SKK_CONF NUMBERS_FILE N
 * Prints "p50 X ms / p99 Y ms / R verif/s (N one at a time)".
 */

#include <err.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include "cert.h"
#include "net.h"
#include "numbers.h"
#include "skkconf.h"
#include "wire.h"

#define PROTOLAT_WARMUP	50	/* round trips not counted */

static double	 protolat_one(struct net *, const char *);
static int	 protolat_cmp(const void *, const void *);

/* One VERIFY of one number; the round trip in seconds. */
static double
protolat_one(struct net *n, const char *number)
{
	struct wire_msg		*m, *q, *a;
	const struct wire_msg	*it;
	char			 got[CERT_NUMBER_LEN + 1];
	uint64_t		 id, verdict;
	double			 t0, t;

	if ((m = net_request(n, WIRE_VERIFY)) == NULL ||
	    (q = wire_put_item(m, WK_ITEMS)) == NULL ||
	    wire_put_str(q, WK_NUMBER, number) == -1)
		errx(EX_OSERR, "out of memory");
	id = wire_id(m);
	t0 = bench_now();
	if (net_send(n, m) == -1 || (a = net_recv(n, id)) == NULL)
		errx(net_status(n), "%s", net_error(n));
	t = bench_now() - t0;
	wire_msg_free(m);
	if (wire_type(a) != WIRE_VERIFY || wire_list_len(a, WK_ITEMS) != 1)
		errx(EX_PROTOCOL, "'%s': answer is %s with %zu items", number,
		    wire_type_name(wire_type(a)), wire_list_len(a, WK_ITEMS));
	it = wire_list_get(a, WK_ITEMS, 0);
	if (wire_get_uint(it, WK_VERDICT, &verdict) == -1)
		errx(EX_PROTOCOL, "'%s': answer without a verdict", number);
	if (verdict != VERDICT_VALID)
		errx(EX_PROTOCOL, "'%s': verdict %ju, not VALID", number,
		    (uintmax_t)verdict);
	if (wire_get_str(it, WK_NUMBER, got, sizeof got) == -1 ||
	    strcmp(got, number) != 0)
		errx(EX_PROTOCOL, "'%s': answer is about another number",
		    number);
	wire_msg_free(a);
	return t;
}

static int
protolat_cmp(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int
main(int argc, char **argv)
{
	struct skkconf	  c;
	struct net	 *n;
	char		  e[512], **v;
	double		 *rt, total = 0;
	size_t		  nv, count, i;

	if (argc != 6 || (count = strtoul(argv[5], NULL, 10)) == 0) {
		fprintf(stderr, "usage: protolat HOST PORT SKK_CONF "
		    "NUMBERS_FILE N\n");
		return EX_USAGE;
	}
	if (skkconf_load(&c, argv[3], e, sizeof e) == -1)
		errx(EX_CONFIG, "%s", e);
	/* The address given wins; the name checked stays the file's. */
	snprintf(c.host, sizeof c.host, "%s", argv[1]);
	snprintf(c.port, sizeof c.port, "%s", argv[2]);
	snprintf(c.server, sizeof c.server, "%s:%s", c.host, c.port);
	v = bench_numbers(argv[4], &nv);
	if ((rt = calloc(count, sizeof *rt)) == NULL)
		err(EX_OSERR, "out of memory");
	if (net_open(&c, &n, e, sizeof e) != 0)
		errx(EX_UNAVAILABLE, "%s", e);
	srand48(1);
	for (i = 0; i < PROTOLAT_WARMUP; i++)
		protolat_one(n, v[lrand48() % nv]);
	for (i = 0; i < count; i++)
		total += rt[i] = protolat_one(n, v[lrand48() % nv]);
	net_close(n);
	qsort(rt, count, sizeof *rt, protolat_cmp);
	printf("p50 %.3f ms / p99 %.3f ms / %.0f verif/s (%zu one at a time)\n",
	    rt[(count - 1) / 2] * 1e3, rt[(count * 99 + 99) / 100 - 1] * 1e3,
	    count / total, count);
	return 0;
}
