/* skkd — SPDX-License-Identifier: ISC */
/*
 * Benchmark of the transparency log on a real store (skkd may run: it
 * opens it as `skkd publish` does and never writes), each figure against
 * raw SHA-256 measured in the same process (OpenSSL's fastest way: the
 * digest fetched once, one context reused), CPU time of this process.
 *
 * logproof proofs DATA_DIR [N] [ROUNDS]: N inclusion proofs a round, each
 * in its own snapshot as an answer takes one (tlog_view_begin, fetch,
 * merkle_inclusion_proof), against hashing what checks them (0x00||entry,
 * then 0x01||left||right per proof hash): baseline, proofs, baseline ...
 * baseline; each round's ratio uses the baselines either side. Checks
 * 1000 proofs against the root afterwards.
 * Prints: proofs N size S hashes H proof_us P sha_us B ratio R min A max Z
 *
 * logproof tree DATA_DIR: the whole tree of the stored checkpoint from
 * its entries with raw SHA-256 (n leaf and n - 1 node hashes, what an
 * auditor recomputes), checked against the stored root.
 * Prints: entries N leaf_bytes L node_bytes M cpu_s C
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "merkle.h"
#include "store.h"
#include "tlog.h"

#define ROUNDS_MAX	16
#define CHECKED		1000

static EVP_MD		*sha256;
static EVP_MD_CTX	*sha_ctx;

static void
raw_sha256(const uint8_t *in, size_t len, uint8_t out[MERKLE_HASH_LEN])
{
	EVP_DigestInit_ex2(sha_ctx, sha256, NULL);
	EVP_DigestUpdate(sha_ctx, in, len);
	EVP_DigestFinal_ex(sha_ctx, out, NULL);
}

static double
cpu_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
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

	return (x > y) - (x < y);
}

/* n proofs of random leaves; hashes gets the proof hashes of each. */
static int
prove(struct store_rd *rd, size_t n, uint64_t seed, uint8_t *hashes)
{
	static uint8_t		proof[MERKLE_PROOF_MAX][MERKLE_HASH_LEN];
	struct tlog_view	v;
	struct merkle_tree	tree = { 0 };
	char			err[MERKLE_ERR_MAX];
	size_t			i, k;

	for (i = 0; i < n; i++) {
		if (tlog_view_begin(rd, &v) != STORE_OK) {
			fprintf(stderr, "logproof: cannot read the log\n");
			return -1;
		}
		tlog_view_tree(&v, &tree);
		if (merkle_inclusion_proof(&tree, next_rand(&seed) % tree.size,
		    proof, &k, err, sizeof(err)) == -1) {
			fprintf(stderr, "logproof: %s\n", err);
			tlog_view_end(&v);
			return -1;
		}
		tlog_view_end(&v);
		hashes[i] = (uint8_t)k;
	}
	return 0;
}

/* Raw SHA-256 of what checks those proofs, chained as a verifier does. */
static void
hash_proofs(size_t n, const uint8_t *hashes)
{
	uint8_t	leaf[1 + LOG_ENTRY_LEN], node[1 + 2 * MERKLE_HASH_LEN];
	size_t	i, j;

	memset(leaf, 0, sizeof(leaf));
	memset(node, 1, sizeof(node));
	for (i = 0; i < n; i++) {
		leaf[1] = (uint8_t)i;
		raw_sha256(leaf, sizeof(leaf), node + 1);
		for (j = 0; j < hashes[i]; j++)
			raw_sha256(node, sizeof(node), node + 1);
	}
}

/* The first CHECKED proofs of a seed, verified against the root. */
static int
check(struct store_rd *rd, uint64_t seed)
{
	static uint8_t		proof[MERKLE_PROOF_MAX][MERKLE_HASH_LEN];
	struct tlog_view	v;
	struct merkle_tree	tree = { 0 };
	uint8_t			root[MERKLE_HASH_LEN], leaf[MERKLE_HASH_LEN];
	uint8_t			entry[LOG_ENTRY_LEN];
	char			err[MERKLE_ERR_MAX] = "cannot read the log";
	uint64_t		idx;
	size_t			i, k;
	int			rc = -1;

	if (tlog_view_begin(rd, &v) != STORE_OK)
		goto out;
	tlog_view_tree(&v, &tree);
	if (merkle_root(&tree, root, err, sizeof(err)) == -1)
		goto end;
	for (i = 0; i < CHECKED; i++) {
		idx = next_rand(&seed) % tree.size;
		if (tlog_view_entry(&v, idx, entry) != STORE_OK ||
		    merkle_leaf_hash(entry, sizeof(entry), leaf) == -1 ||
		    merkle_inclusion_proof(&tree, idx, proof, &k, err,
		    sizeof(err)) == -1 ||
		    merkle_verify_inclusion(idx, tree.size, leaf, proof, k,
		    root, err, sizeof(err)) == -1)
			goto end;
	}
	rc = 0;
end:
	tlog_view_end(&v);
out:
	if (rc == -1)
		fprintf(stderr, "logproof: proof check: %s\n", err);
	return rc;
}

static int
run_proofs(struct store_rd *rd, size_t n, int rounds)
{
	double		 base[ROUNDS_MAX + 1], gen[ROUNDS_MAX], ratio[ROUNDS_MAX];
	double		 t, tp = 0, tb = 0;
	uint8_t		*hashes;
	size_t		 i, total = 0;
	uint64_t	 seed = 0x9e3779b97f4a7c15ULL, size;
	int		 r;
	struct tlog_view v;

	if (tlog_view_begin(rd, &v) != STORE_OK || v.ckpt_size == 0) {
		fprintf(stderr, "logproof: no checkpoint in the store\n");
		return 1;
	}
	size = v.ckpt_size;
	tlog_view_end(&v);
	if ((hashes = malloc(n)) == NULL || prove(rd, n, seed, hashes) == -1)
		return 1;	/* also the warm-up and the hash counts */
	for (i = 0; i < n; i++)
		total += hashes[i];
	for (r = 0; r <= rounds; r++) {
		t = cpu_now();
		hash_proofs(n, hashes);
		base[r] = cpu_now() - t;
		tb += base[r];
		if (r == rounds)
			break;
		t = cpu_now();
		if (prove(rd, n, seed + (uint64_t)r + 1, hashes) == -1)
			return 1;
		gen[r] = cpu_now() - t;
		tp += gen[r];
	}
	for (r = 0; r < rounds; r++)
		ratio[r] = (base[r] + base[r + 1]) / 2 / gen[r];
	qsort(ratio, (size_t)rounds, sizeof(ratio[0]), cmp_double);
	if (check(rd, seed) == -1)
		return 1;
	printf("proofs %zu size %llu hashes %.1f proof_us %.2f sha_us %.2f "
	    "ratio %.2f min %.2f max %.2f\n", n * (size_t)rounds,
	    (unsigned long long)size, (double)total / n,
	    tp * 1e6 / (n * (double)rounds), tb * 1e6 / (n * (rounds + 1.0)),
	    ratio[rounds / 2], ratio[0], ratio[rounds - 1]);
	free(hashes);
	return 0;
}

/* RFC 9162's tree, bottom up: a lone right node moves up unchanged. */
static void
tree_root(uint8_t (*h)[MERKLE_HASH_LEN], uint64_t n)
{
	uint8_t		node[1 + 2 * MERKLE_HASH_LEN];
	uint64_t	i;

	node[0] = 0x01;
	for (; n > 1; n = (n + 1) / 2) {
		for (i = 0; i + 1 < n; i += 2) {
			memcpy(node + 1, h[i], 2 * MERKLE_HASH_LEN);
			raw_sha256(node, sizeof(node), h[i / 2]);
		}
		if (n & 1)
			memcpy(h[n / 2], h[n - 1], MERKLE_HASH_LEN);
	}
}

static int
run_tree(struct store_rd *rd)
{
	struct tlog_view	  v;
	struct merkle_tree	  tree = { 0 };
	uint8_t			(*h)[MERKLE_HASH_LEN], *e, root[MERKLE_HASH_LEN];
	char			  err[MERKLE_ERR_MAX];
	uint64_t		  n, i;
	double			  t;

	if (tlog_view_begin(rd, &v) != STORE_OK || (n = v.ckpt_size) == 0) {
		fprintf(stderr, "logproof: no checkpoint in the store\n");
		return 1;
	}
	e = malloc(n * (1 + LOG_ENTRY_LEN));
	h = malloc(n * MERKLE_HASH_LEN);
	if (e == NULL || h == NULL) {
		fprintf(stderr, "logproof: out of memory\n");
		return 1;
	}
	for (i = 0; i < n; i++) {
		e[i * (1 + LOG_ENTRY_LEN)] = 0x00;
		if (tlog_view_entry(&v, i, e + i * (1 + LOG_ENTRY_LEN) + 1) !=
		    STORE_OK) {
			fprintf(stderr, "logproof: entry %llu unreadable\n",
			    (unsigned long long)i);
			return 1;
		}
	}
	tlog_view_tree(&v, &tree);
	if (merkle_root(&tree, root, err, sizeof(err)) == -1) {
		fprintf(stderr, "logproof: %s\n", err);
		return 1;
	}
	tlog_view_end(&v);
	t = cpu_now();
	for (i = 0; i < n; i++)
		raw_sha256(e + i * (1 + LOG_ENTRY_LEN), 1 + LOG_ENTRY_LEN,
		    h[i]);
	tree_root(h, n);
	t = cpu_now() - t;
	if (memcmp(h[0], root, sizeof(root)) != 0) {
		fprintf(stderr, "logproof: the tree from the entries does not "
		    "have the stored root\n");
		return 1;
	}
	printf("entries %llu leaf_bytes %llu node_bytes %llu cpu_s %.4f\n",
	    (unsigned long long)n, (unsigned long long)n * (1 + LOG_ENTRY_LEN),
	    (unsigned long long)(n - 1) * (1 + 2 * MERKLE_HASH_LEN), t);
	free(e);
	free(h);
	return 0;
}

int
main(int argc, char **argv)
{
	struct store_opts	 o;
	struct store		*s;
	struct store_rd		*rd;
	char			 err[512];
	long			 n = argc > 3 ? atol(argv[3]) : 20000;
	int			 rounds = argc > 4 ? atoi(argv[4]) : 3, rc;

	if (argc < 3 || (strcmp(argv[1], "proofs") != 0 &&
	    strcmp(argv[1], "tree") != 0) || n < 1 || rounds < 1 ||
	    rounds > ROUNDS_MAX) {
		fprintf(stderr, "usage: logproof proofs DATA_DIR [N] "
		    "[ROUNDS <= %d]\n       logproof tree DATA_DIR\n",
		    ROUNDS_MAX);
		return 2;
	}
	if ((sha256 = EVP_MD_fetch(NULL, "SHA256", NULL)) == NULL ||
	    (sha_ctx = EVP_MD_CTX_new()) == NULL) {
		fprintf(stderr, "logproof: no SHA-256 in OpenSSL\n");
		return 1;
	}
	/* store_open would make a new store where there is none. */
	snprintf(err, sizeof(err), "%s/data.mdb", argv[2]);
	if (access(err, R_OK) == -1) {
		fprintf(stderr, "logproof: '%s': %s\n", err, strerror(errno));
		return 1;
	}
	memset(&o, 0, sizeof(o));
	o.dir = argv[2];
	o.max_readers = 16;
	if ((s = store_open(&o, err, sizeof(err))) == NULL ||
	    (rd = store_rd_new(s)) == NULL) {
		fprintf(stderr, "logproof: %s\n", s == NULL ? err :
		    "out of memory");
		return 1;
	}
	if (strcmp(argv[1], "tree") == 0)
		rc = run_tree(rd);
	else
		rc = run_proofs(rd, (size_t)n, rounds);
	store_rd_free(rd);
	store_close(s);
	EVP_MD_CTX_free(sha_ctx);
	EVP_MD_free(sha256);
	return rc;
}
