/* skkd — SPDX-License-Identifier: ISC */
/*
 * Merkle tree hashing and proofs of RFC 9162 §2.1. A tree of n leaves
 * splits at k, the largest power of two below n: its left part is always
 * a complete subtree, which the caller's fetch function supplies; only
 * the right edge is hashed here. Proof building follows the recursive
 * definitions (PATH, SUBPROOF), proof checking the iterative algorithms
 * of §2.1.3.2 and §2.1.4.2, step by step.
 */

#include <stdio.h>
#include <string.h>

#include "errf.h"
#include "merkle.h"
#include "sign.h"

typedef uint8_t	hash_t[MERKLE_HASH_LEN];

int
merkle_leaf_hash(const uint8_t *entry, size_t len, uint8_t out[MERKLE_HASH_LEN])
{
	return sign_sha256_prefixed(0x00, entry, len, NULL, 0, out);
}

int
merkle_node_hash(const uint8_t l[MERKLE_HASH_LEN],
    const uint8_t r[MERKLE_HASH_LEN], uint8_t out[MERKLE_HASH_LEN])
{
	return sign_sha256_prefixed(0x01, l, MERKLE_HASH_LEN, r,
	    MERKLE_HASH_LEN, out);
}

/* The largest power of two smaller than n (n >= 2). */
static uint64_t
merkle_split(uint64_t n)
{
	return (uint64_t)1 << (63 - __builtin_clzll(n - 1));
}

/* The complete subtree of n (a power of two) leaves from leaf lo. */
static int
merkle_complete(const struct merkle_tree *t, uint64_t lo, uint64_t n,
    uint8_t out[MERKLE_HASH_LEN], char *err, size_t errlen)
{
	unsigned	level = (unsigned)__builtin_ctzll(n);

	if (t->fetch(t->arg, level, lo >> level, out) == -1)
		return errf(err, errlen, "cannot read the hash at "
		    "level %u index %llu", level,
		    (unsigned long long)(lo >> level));
	return 0;
}

/* MTH(D[lo:lo+n]), n >= 1, lo aligned as every split leaves it. */
static int
merkle_subtree(const struct merkle_tree *t, uint64_t lo, uint64_t n,
    uint8_t out[MERKLE_HASH_LEN], char *err, size_t errlen)
{
	struct merkle_edges	*e = NULL;
	hash_t			 l, r;
	uint64_t		 k;
	unsigned		 b = 0;

	if ((n & (n - 1)) == 0)
		return merkle_complete(t, lo, n, out, err, errlen);
	if (t->edges != NULL && lo + n == t->size) {
		e = t->edges;
		b = 63 - (unsigned)__builtin_clzll(n);
		if (e->size != t->size) {
			e->size = t->size;
			e->have = 0;
		} else if (e->have & ((uint64_t)1 << b)) {
			memcpy(out, e->hash[b], MERKLE_HASH_LEN);
			return 0;
		}
	}
	k = merkle_split(n);
	if (merkle_complete(t, lo, k, l, err, errlen) == -1 ||
	    merkle_subtree(t, lo + k, n - k, r, err, errlen) == -1)
		return -1;
	if (merkle_node_hash(l, r, out) == -1)
		return errf(err, errlen, "SHA-256 failed");
	if (e != NULL) {
		memcpy(e->hash[b], out, MERKLE_HASH_LEN);
		e->have |= (uint64_t)1 << b;
	}
	return 0;
}

int
merkle_root(const struct merkle_tree *t, uint8_t out[MERKLE_HASH_LEN],
    char *err, size_t errlen)
{
	if (t->size == 0) {
		if (sign_sha256(NULL, 0, out) == -1)
			return errf(err, errlen, "SHA-256 failed");
		return 0;
	}
	return merkle_subtree(t, 0, t->size, out, err, errlen);
}

/* Appends MTH(D[lo:lo+n]) to the proof. */
static int
merkle_append(const struct merkle_tree *t, uint64_t lo, uint64_t n,
    uint8_t proof[][MERKLE_HASH_LEN], size_t *cnt, char *err, size_t errlen)
{
	if (*cnt >= MERKLE_PROOF_MAX)
		return errf(err, errlen, "proof longer than %d hashes",
		    MERKLE_PROOF_MAX);
	return merkle_subtree(t, lo, n, proof[(*cnt)++], err, errlen);
}

/* PATH(m, D[lo:lo+n]). */
static int
merkle_path(const struct merkle_tree *t, uint64_t m, uint64_t lo,
    uint64_t n, uint8_t proof[][MERKLE_HASH_LEN], size_t *cnt, char *err,
    size_t errlen)
{
	uint64_t	k;

	if (n == 1)
		return 0;
	k = merkle_split(n);
	if (m < k) {
		if (merkle_path(t, m, lo, k, proof, cnt, err, errlen) == -1)
			return -1;
		return merkle_append(t, lo + k, n - k, proof, cnt, err, errlen);
	}
	if (merkle_path(t, m - k, lo + k, n - k, proof, cnt, err,
	    errlen) == -1)
		return -1;
	return merkle_append(t, lo, k, proof, cnt, err, errlen);
}

int
merkle_inclusion_proof(const struct merkle_tree *t, uint64_t index,
    uint8_t proof[][MERKLE_HASH_LEN], size_t *n, char *err, size_t errlen)
{
	*n = 0;
	if (index >= t->size)
		return errf(err, errlen, "leaf %llu is not in a tree "
		    "of %llu", (unsigned long long)index,
		    (unsigned long long)t->size);
	return merkle_path(t, index, 0, t->size, proof, n, err, errlen);
}

/* SUBPROOF(m, D[lo:lo+n], whole). */
static int
merkle_subproof(const struct merkle_tree *t, uint64_t m, uint64_t lo,
    uint64_t n, int whole, uint8_t proof[][MERKLE_HASH_LEN], size_t *cnt,
    char *err, size_t errlen)
{
	uint64_t	k;

	if (m == n)
		return whole ? 0 :
		    merkle_append(t, lo, n, proof, cnt, err, errlen);
	k = merkle_split(n);
	if (m <= k) {
		if (merkle_subproof(t, m, lo, k, whole, proof, cnt, err,
		    errlen) == -1)
			return -1;
		return merkle_append(t, lo + k, n - k, proof, cnt, err, errlen);
	}
	if (merkle_subproof(t, m - k, lo + k, n - k, 0, proof, cnt, err,
	    errlen) == -1)
		return -1;
	return merkle_append(t, lo, k, proof, cnt, err, errlen);
}

int
merkle_consistency_proof(const struct merkle_tree *t, uint64_t from,
    uint8_t proof[][MERKLE_HASH_LEN], size_t *n, char *err, size_t errlen)
{
	*n = 0;
	if (from == 0)
		return errf(err, errlen, "a proof from the empty tree "
		    "proves nothing");
	if (from > t->size)
		return errf(err, errlen, "size %llu is beyond the tree "
		    "of %llu", (unsigned long long)from,
		    (unsigned long long)t->size);
	return merkle_subproof(t, from, 0, t->size, 1, proof, n, err, errlen);
}

/* Shifts fn and sn right until fn is odd or zero (both steps need it). */
static void
merkle_climb(uint64_t *fn, uint64_t *sn)
{
	while ((*fn & 1) == 0 && *fn != 0) {
		*fn >>= 1;
		*sn >>= 1;
	}
}

/*
 * The walk of §2.1.3.2 and §2.1.4.2: from node fn of a tree whose last
 * node is sn, up through the proof. sr follows the whole tree; fr, when
 * not NULL, the first tree of a consistency proof, which takes only the
 * hashes on its left. -1 when the proof's length does not fit the tree.
 */
static int
merkle_walk(uint64_t fn, uint64_t sn, const uint8_t proof[][MERKLE_HASH_LEN],
    size_t n, uint8_t *fr, uint8_t *sr, char *err, size_t errlen)
{
	size_t	i;
	int	bad = 0;

	for (i = 0; i < n; i++) {
		if (sn == 0)
			return errf(err, errlen, "proof has %zu hashes, "
			    "more than the tree needs", n);
		if ((fn & 1) || fn == sn) {
			if (fr != NULL)
				bad |= merkle_node_hash(proof[i], fr, fr);
			bad |= merkle_node_hash(proof[i], sr, sr);
			merkle_climb(&fn, &sn);
		} else
			bad |= merkle_node_hash(sr, proof[i], sr);
		fn >>= 1;
		sn >>= 1;
	}
	if (bad)
		return errf(err, errlen, "SHA-256 failed");
	if (sn != 0)
		return errf(err, errlen, "proof has %zu hashes, fewer "
		    "than the tree needs", n);
	return 0;
}

int
merkle_verify_inclusion(uint64_t index, uint64_t size,
    const uint8_t leaf[MERKLE_HASH_LEN],
    const uint8_t proof[][MERKLE_HASH_LEN], size_t n,
    const uint8_t root[MERKLE_HASH_LEN], char *err, size_t errlen)
{
	hash_t	r;

	if (index >= size)
		return errf(err, errlen, "leaf %llu is not in a tree "
		    "of %llu", (unsigned long long)index,
		    (unsigned long long)size);
	memcpy(r, leaf, MERKLE_HASH_LEN);
	if (merkle_walk(index, size - 1, proof, n, NULL, r, err,
	    errlen) == -1)
		return -1;
	if (memcmp(r, root, MERKLE_HASH_LEN) != 0)
		return errf(err, errlen, "the proof does not lead to "
		    "the root");
	return 0;
}

/* §2.1.4.2 steps 3-7 over the proof, its first hash given apart. */
static int
merkle_walk_consistency(uint64_t size1, uint64_t size2,
    const uint8_t root1[MERKLE_HASH_LEN],
    const uint8_t root2[MERKLE_HASH_LEN], const uint8_t *first,
    const uint8_t proof[][MERKLE_HASH_LEN], size_t n, char *err,
    size_t errlen)
{
	hash_t		fr, sr;
	uint64_t	fn = size1 - 1, sn = size2 - 1;

	while (fn & 1) {
		fn >>= 1;
		sn >>= 1;
	}
	memcpy(fr, first, MERKLE_HASH_LEN);
	memcpy(sr, first, MERKLE_HASH_LEN);
	if (merkle_walk(fn, sn, proof, n, fr, sr, err, errlen) == -1)
		return -1;
	if (memcmp(fr, root1, MERKLE_HASH_LEN) != 0)
		return errf(err, errlen, "the proof does not lead to "
		    "the first root");
	if (memcmp(sr, root2, MERKLE_HASH_LEN) != 0)
		return errf(err, errlen, "the proof does not lead to "
		    "the second root");
	return 0;
}

int
merkle_verify_consistency(uint64_t size1, uint64_t size2,
    const uint8_t root1[MERKLE_HASH_LEN],
    const uint8_t root2[MERKLE_HASH_LEN],
    const uint8_t proof[][MERKLE_HASH_LEN], size_t n, char *err,
    size_t errlen)
{
	if (size1 == 0)
		return errf(err, errlen, "a proof from the empty tree "
		    "proves nothing");
	if (size1 > size2)
		return errf(err, errlen, "size %llu is beyond size %llu",
		    (unsigned long long)size1, (unsigned long long)size2);
	if (size1 == size2) {
		if (n != 0)
			return errf(err, errlen, "trees of one size "
			    "need an empty proof, not %zu hashes", n);
		if (memcmp(root1, root2, MERKLE_HASH_LEN) != 0)
			return errf(err, errlen, "two roots for one "
			    "tree size");
		return 0;
	}
	if (n == 0)
		return errf(err, errlen, "empty proof between "
		    "different sizes");
	/* A complete first tree is its own root: the proof omits it. */
	if ((size1 & (size1 - 1)) == 0)
		return merkle_walk_consistency(size1, size2, root1, root2,
		    root1, proof, n, err, errlen);
	return merkle_walk_consistency(size1, size2, root1, root2, proof[0],
	    proof + 1, n - 1, err, errlen);
}

int
merkle_mem_fetch(void *arg, unsigned level, uint64_t index,
    uint8_t out[MERKLE_HASH_LEN])
{
	const struct merkle_mem	*m = arg;
	hash_t			 l, r;

	if (level >= 64 || index >= (m->n >> level))
		return -1;
	if (level == 0) {
		memcpy(out, m->leaf[index], MERKLE_HASH_LEN);
		return 0;
	}
	if (merkle_mem_fetch(arg, level - 1, 2 * index, l) == -1 ||
	    merkle_mem_fetch(arg, level - 1, 2 * index + 1, r) == -1)
		return -1;
	return merkle_node_hash(l, r, out);
}
