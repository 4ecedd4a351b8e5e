/* skkd — SPDX-License-Identifier: ISC */
/*
 * RFC 9162 §2.1 Merkle trees over SHA-256: leaf and node hashes, tree
 * heads, inclusion and consistency proofs, built and checked. Pure: the
 * hashes of complete subtrees come from the caller's fetch function
 * (the daemon reads them from its store, the auditor from tiles), and
 * proofs live in caller-supplied arrays. The in-memory tree at the end
 * is for tests and tools.
 */
#ifndef PROTO_MERKLE_H
#define PROTO_MERKLE_H

#include <stddef.h>
#include <stdint.h>

#define MERKLE_HASH_LEN		32
/* Enough for any proof of a tree of fewer than 2^64 leaves. */
#define MERKLE_PROOF_MAX	128
#define MERKLE_ERR_MAX		160

/*
 * Writes to out the hash of the complete subtree of 2^level leaves
 * starting at leaf index << level (level 0: a leaf hash). 0, or -1 when
 * it cannot (the tree code then fails naming the level and index).
 */
typedef int	(*merkle_fetch_fn)(void *arg, unsigned level, uint64_t index,
		    uint8_t out[MERKLE_HASH_LEN]);

/*
 * The hashes of the right edge's incomplete subtrees, D[lo:size] for each
 * lo a split leaves there: the same for every proof in a tree of size, so
 * a caller making many keeps them here. hash[b] is the one of n = size -
 * lo leaves with n's highest bit b (each such n has its own).
 */
struct merkle_edges {
	uint64_t	size;		/* of the tree they are of; 0: none */
	uint64_t	have;		/* bit b: hash[b] is set */
	uint8_t		hash[64][MERKLE_HASH_LEN];
};

struct merkle_tree {
	merkle_fetch_fn		 fetch;
	void			*arg;
	uint64_t		 size;		/* leaves */
	struct merkle_edges	*edges;		/* NULL, or a memo of them */
};

/* SHA-256(0x00 || entry) and SHA-256(0x01 || left || right); 0 or -1. */
int	merkle_leaf_hash(const uint8_t *entry, size_t len,
	    uint8_t out[MERKLE_HASH_LEN]);
int	merkle_node_hash(const uint8_t l[MERKLE_HASH_LEN],
	    const uint8_t r[MERKLE_HASH_LEN], uint8_t out[MERKLE_HASH_LEN]);

/* The tree head; SHA-256 of nothing for the empty tree. 0 or -1 (err). */
int	merkle_root(const struct merkle_tree *, uint8_t out[MERKLE_HASH_LEN],
	    char *err, size_t errlen);

/*
 * PATH(index, D[size]) of RFC 9162 §2.1.3.1 into proof (MERKLE_PROOF_MAX
 * hashes), from the leaf's sibling up; *n gets the count. 0 or -1 (err).
 */
int	merkle_inclusion_proof(const struct merkle_tree *, uint64_t index,
	    uint8_t proof[][MERKLE_HASH_LEN], size_t *n, char *err,
	    size_t errlen);

/*
 * PROOF(from, D[size]) of RFC 9162 §2.1.4.1: empty when from equals the
 * tree size, refused from the empty tree. 0 or -1 (err).
 */
int	merkle_consistency_proof(const struct merkle_tree *, uint64_t from,
	    uint8_t proof[][MERKLE_HASH_LEN], size_t *n, char *err,
	    size_t errlen);

/*
 * RFC 9162 §2.1.3.2: 0 if the proof links leaf at index to root of a
 * tree of size leaves; -1 with the reason otherwise.
 */
int	merkle_verify_inclusion(uint64_t index, uint64_t size,
	    const uint8_t leaf[MERKLE_HASH_LEN],
	    const uint8_t proof[][MERKLE_HASH_LEN], size_t n,
	    const uint8_t root[MERKLE_HASH_LEN], char *err, size_t errlen);

/*
 * RFC 9162 §2.1.4.2: 0 if the tree of size2 with root2 extends the one of
 * size1 with root1; -1 with the reason otherwise. A proof from the empty
 * tree proves nothing and is refused.
 */
int	merkle_verify_consistency(uint64_t size1, uint64_t size2,
	    const uint8_t root1[MERKLE_HASH_LEN],
	    const uint8_t root2[MERKLE_HASH_LEN],
	    const uint8_t proof[][MERKLE_HASH_LEN], size_t n, char *err,
	    size_t errlen);

/*
 * In memory: arg is a struct merkle_mem; subtree hashes are recomputed
 * from the leaf hashes on every call (O(2^level)), fine for tests.
 */
struct merkle_mem {
	const uint8_t	(*leaf)[MERKLE_HASH_LEN];
	uint64_t	  n;
};
int	merkle_mem_fetch(void *arg, unsigned level, uint64_t index,
	    uint8_t out[MERKLE_HASH_LEN]);

#endif
