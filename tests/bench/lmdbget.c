/* skkd — SPDX-License-Identifier: ISC */
/*
 * Benchmark baseline: raw LMDB random gets of certificate records plus
 * record_decode, on a live store opened read-only, with no daemon, TLS or
 * framing in the way. A bench tool, so it may call mdb_* itself.
 * Usage: lmdbget DATA_DIR NUMBERS_FILE [ROUNDS]; prints "gets/s N".
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lmdb.h>

#include "cert.h"
#include "numbers.h"
#include "record.h"

static void
shuffle(char **v, size_t n)
{
	size_t	i, k;
	char	*t;

	srand(1);
	for (i = n; i > 1; i--) {
		k = (size_t)rand() % i;
		t = v[i - 1];
		v[i - 1] = v[k];
		v[k] = t;
	}
}

int
main(int argc, char **argv)
{
	MDB_env		*env;
	MDB_txn		*txn;
	MDB_dbi		 dbi;
	MDB_val		 k, d;
	struct cert	 c;
	char		 err[CERT_ERR_MAX], **v;
	size_t		 n, i, found = 0;
	int		 r, rc, rounds = argc > 3 ? atoi(argv[3]) : 3;
	double		 t0, t;

	if (argc < 3) {
		fprintf(stderr, "usage: lmdbget DATA_DIR NUMBERS_FILE [ROUNDS]\n");
		return 2;
	}
	v = bench_numbers(argv[2], &n);
	shuffle(v, n);
	if (mdb_env_create(&env) != 0 || mdb_env_set_maxdbs(env, 8) != 0 ||
	    mdb_env_set_mapsize(env, 0) != 0 ||
	    mdb_env_open(env, argv[1], MDB_RDONLY | MDB_NOTLS, 0600) != 0 ||
	    mdb_txn_begin(env, NULL, MDB_RDONLY, &txn) != 0 ||
	    mdb_dbi_open(txn, "certs", 0, &dbi) != 0 ||
	    mdb_txn_commit(txn) != 0 ||	/* the handle outlives it */
	    mdb_txn_begin(env, NULL, MDB_RDONLY, &txn) != 0) {
		fprintf(stderr, "lmdbget: cannot open the store '%s'\n", argv[1]);
		return 1;
	}
	t0 = bench_now();
	for (r = 0; r < rounds; r++) {
		for (i = 0; i < n; i++) {
			/* A fresh snapshot per get, as the daemon takes. */
			mdb_txn_reset(txn);
			if (mdb_txn_renew(txn) != 0)
				return 1;
			k.mv_data = v[i];
			k.mv_size = strlen(v[i]);
			if ((rc = mdb_get(txn, dbi, &k, &d)) != 0) {
				if (r == 0 && i == 0)
					fprintf(stderr, "lmdbget: %s\n",
					    mdb_strerror(rc));
			} else if (record_decode(d.mv_data, d.mv_size, &c,
			    err, sizeof(err)) == 0)
				found++;
			else if (r == 0 && i == 0)
				fprintf(stderr, "lmdbget: %s\n", err);
		}
	}
	t = bench_now() - t0;
	printf("gets/s %.0f found %zu of %zu\n", (double)n * rounds / t, found,
	    n * (size_t)rounds);
	mdb_txn_abort(txn);
	mdb_env_close(env);
	return 0;
}
