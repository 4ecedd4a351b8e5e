/* skkd — SPDX-License-Identifier: ISC */
/*
 * Hashes of the tree's complete subtrees, kept by each thread that reads
 * them. Every inclusion proof needs the siblings on its path, one hash
 * per level: read from LMDB, each costs a descent of a B-tree that
 * deepens as the log grows, and together they were most of a verdict's
 * CPU. A complete subtree's hash never changes once committed (the log
 * only grows), so a hash stays right for as long as its store is open
 * (the cache is tied to the store's gen). Levels from `min' up are kept
 * in one array per level, indexed by the node's number, with a bitmap
 * of those filled; min is the lowest level whose arrays and all those
 * above fit VIEW_HC_BYTES (32 MiB; up to about twice that while a
 * growing log has not yet moved min up), so a store of 100,000 entries keeps
 * every level (6 MiB), one of a million every level but the leaves, one
 * of ten million every level from 5. The right edge's hashes
 * of the trees proofs are made in are kept too (struct merkle_edges).
 */
#ifndef DAEMON_TLOGCACHE_H
#define DAEMON_TLOGCACHE_H

#include <stdint.h>

#include "merkle.h"

struct view_hc;

/* This thread's cache for the store of gen, its log of size; NULL: none. */
struct view_hc		*view_hc_get(uint64_t gen, uint64_t size);
/*
 * Where node n of level is kept (*have: 1 if it is there), or NULL when
 * that level is not; view_hc_filled once the slot is written.
 */
uint8_t			*view_hc_slot(struct view_hc *, unsigned level,
			    uint64_t n, uint64_t size, int *have);
void			 view_hc_filled(struct view_hc *, unsigned level,
			    uint64_t n);
/* The memo of the right edge of the tree of size proofs are made in. */
struct merkle_edges	*view_hc_edges(struct view_hc *, uint64_t size);

#endif
