/* skkd — SPDX-License-Identifier: ISC */
/*
 * Benchmark of a status list rebuild as the daemon does it
 * (statuspub_list_make: the copy of the kept entries, the expiry pass,
 * zlib level 9 and the Ed25519 COSE signature of sl_make), against zlib
 * level 9 alone (compress2, as sl_make calls it) on the same packed
 * bytes, the two alternated round by round, CPU time of this thread.
 * The token is then opened (sl_open) and its entries compared.
 *
 * statusbench [COUNT] [REVOKED_PER_MILLE] [ROUNDS]
 * (defaults 1000000, 10, 9): COUNT certificates, that many per mille
 * revoked at random, the rest valid and not expired.
 * Prints one line: entries N revoked R token_bytes T bits_per_cert B
 * build_ms MED MIN MAX zlib_ms MED MIN MAX ratio MED MIN MAX
 * numbers_bytes M numbers_ms S
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <zlib.h>

#include "cert.h"
#include "statuslist.h"
#include "statuspub.h"

#define ROUNDS_MAX	64
#define HOST		"skk.lsp-example.co.id"

static double
cpu_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static uint64_t
next_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Sorts v; median, min and max. */
static void
spread(double *v, int n, double out[3])
{
	qsort(v, n, sizeof(*v), cmp_double);
	out[0] = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	out[1] = v[0];
	out[2] = v[n - 1];
}

static void
die(const char *what, const char *err)
{
	fprintf(stderr, "statusbench: %s: %s\n", what, err);
	exit(1);
}

static int
cmp_rec(const void *a, const void *b)
{
	return memcmp(((const struct sl_numrec *)a)->digits,
	    ((const struct sl_numrec *)b)->digits, SL_NUM_DIGITS);
}

/* count numbers as an issuer's would be, sorted: its SEQ runs on. */
static size_t
numbers_token(const struct sign_key *key, struct sl_head *h, uint32_t count,
    double *ms)
{
	struct sl_numrec	*recs;
	uint8_t			*tok;
	size_t			 len;
	char			 d[SL_NUM_DIGITS + 1], err[256];
	uint32_t		 i;
	double			 t0;

	if ((recs = calloc(count, sizeof(*recs))) == NULL)
		die("numbers", "out of memory");
	for (i = 0; i < count; i++) {
		snprintf(d, sizeof(d), "421018342%u%08u%04u", 2 + i % 7, i + 1,
		    2020 + (i / 200000) % 10);
		memcpy(recs[i].digits, d, SL_NUM_DIGITS);
		recs[i].idx = i;
	}
	/* Sorted by number: the jenjang digit comes before the SEQ. */
	qsort(recs, count, sizeof(*recs), cmp_rec);
	t0 = cpu_ms();
	if (sl_numbers_make(key, HOST, h, recs, count, &tok, &len, err,
	    sizeof(err)) == -1)
		die("numbers", err);
	free(tok);
	*ms = cpu_ms() - t0;
	free(recs);
	return len;
}

int
main(int argc, char *argv[])
{
	static const uint8_t	 seed[SIGN_SEED_LEN] = { 1, 2, 3, 4 };
	struct sign_key		*key;
	struct sl_head		 h;
	struct sl_list		 l;
	uint8_t			*base, *work, *tok = NULL, *z;
	int32_t			*expires;
	uint32_t		 count = 1000000, revoked = 0, i;
	uint64_t		 rs = 0x9e3779b97f4a7c15ULL;
	double			 b[ROUNDS_MAX], zl[ROUNDS_MAX], r[ROUNDS_MAX];
	double			 sb[3], sz[3], sr[3], t0, nms = 0;
	size_t			 len = 0, nlen;
	uLongf			 zlen;
	char			 err[256];
	int			 permille = 10, rounds = 9, k;

	if (argc > 1)
		count = (uint32_t)strtoul(argv[1], NULL, 10);
	if (argc > 2)
		permille = atoi(argv[2]);
	if (argc > 3)
		rounds = atoi(argv[3]);
	if (count == 0 || count > SL_PER_LIST || rounds < 1 ||
	    rounds > ROUNDS_MAX)
		die("usage", "statusbench [COUNT<=1048576] [PER_MILLE] "
		    "[ROUNDS<=64]");
	if ((key = sign_key_from_seed(seed)) == NULL ||
	    (base = calloc(1, SL_PACKED_MAX)) == NULL ||
	    (work = malloc(SL_PACKED_MAX)) == NULL ||
	    (expires = malloc(count * sizeof(*expires))) == NULL ||
	    (z = malloc(compressBound(SL_PACKED_MAX))) == NULL)
		die("set-up", "out of memory");
	for (i = 0; i < count; i++) {
		expires[i] = date_today(time(NULL)) + 1000;
		if (next_rand(&rs) % 1000 < (uint64_t)permille) {
			sl_set(base, i, SL_REVOKED);
			revoked++;
		}
	}
	memset(&h, 0, sizeof(h));
	h.iat = time(NULL);
	h.exp = h.iat + 7 * 86400;
	h.ttl = 300;
	h.tree_size = count;
	for (k = 0; k < rounds; k++) {
		free(tok);
		t0 = cpu_ms();
		if (statuspub_list_make(key, HOST, &h, base, expires, count,
		    date_today(h.iat), work, &tok, &len, err,
		    sizeof(err)) == -1)
			die("build", err);
		b[k] = cpu_ms() - t0;
		t0 = cpu_ms();
		zlen = compressBound(SL_PACKED_MAX);
		if (compress2(z, &zlen, work, (count + 1) / 2, 9) != Z_OK)
			die("zlib", "compress2 failed");
		zl[k] = cpu_ms() - t0;
		r[k] = b[k] / zl[k];
	}
	if (sl_open(tok, len, key, HOST, 0, &l, err, sizeof(err)) != 0)
		die("sl_open", err);
	if (l.count < count || memcmp(l.packed, base, count / 2) != 0)
		die("sl_open", "the entries differ from those built");
	sl_list_release(&l);
	nlen = numbers_token(key, &h, count, &nms);
	spread(b, rounds, sb);
	spread(zl, rounds, sz);
	spread(r, rounds, sr);
	printf("entries %u revoked %u token_bytes %zu bits_per_cert %.3f "
	    "build_ms %.2f %.2f %.2f zlib_ms %.2f %.2f %.2f "
	    "ratio %.2f %.2f %.2f numbers_bytes %zu numbers_ms %.1f\n",
	    count, revoked, len, len * 8.0 / count, sb[0], sb[1], sb[2],
	    sz[0], sz[1], sz[2], sr[0], sr[1], sr[2], nlen, nms);
	free(tok);
	free(z);
	free(expires);
	free(work);
	free(base);
	sign_key_free(key);
	return 0;
}
