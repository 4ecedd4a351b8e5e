/* skkd — SPDX-License-Identifier: ISC */
/* Each thread's hashes of the log's complete subtrees: see tlogcache.h. */

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "tlogcache.h"

#define VIEW_HC_BYTES	(32u << 20)	/* hashes kept per thread, at most */

struct view_hc_level {
	uint8_t		(*hash)[MERKLE_HASH_LEN];
	uint64_t	*have;		/* bitmap */
	uint64_t	 cap;		/* nodes */
};
struct view_hc {
	uint64_t		gen;
	unsigned		min;
	struct view_hc_level	lv[64];
	/* Proofs are made in two trees: the cosigned one and the latest. */
	struct merkle_edges	edges[2];
	unsigned		last;	/* edges[last] served the last proof */
};
static pthread_key_t	view_hc_key;
static pthread_once_t	view_hc_once = PTHREAD_ONCE_INIT;

static void
view_hc_reset(struct view_hc *c)
{
	unsigned	i;

	for (i = 0; i < 64; i++) {
		free(c->lv[i].hash);
		free(c->lv[i].have);
	}
	memset(c, 0, sizeof(*c));
}

static void
view_hc_free(void *arg)
{
	view_hc_reset(arg);
	free(arg);
}

static void
view_hc_init(void)
{
	if (pthread_key_create(&view_hc_key, view_hc_free) != 0)
		view_hc_key = (pthread_key_t)-1;
}

/* This thread's cache for gen, sized for a tree of size; NULL: none. */
struct view_hc *
view_hc_get(uint64_t gen, uint64_t size)
{
	struct view_hc	*c;
	unsigned	 min;

	pthread_once(&view_hc_once, view_hc_init);
	if (view_hc_key == (pthread_key_t)-1)
		return NULL;
	if ((c = pthread_getspecific(view_hc_key)) == NULL) {
		if ((c = calloc(1, sizeof(*c))) == NULL)
			return NULL;
		if (pthread_setspecific(view_hc_key, c) != 0) {
			free(c);
			return NULL;
		}
	}
	/* Levels from min up hold less than twice as many as level min. */
	for (min = 0; min < 63 &&
	    (size >> min) * 2 * MERKLE_HASH_LEN > VIEW_HC_BYTES; min++)
		;
	/* A grown log moves min up only when it outgrew the budget twice. */
	if (c->gen != gen || min > c->min + 1 || min < c->min) {
		view_hc_reset(c);
		c->gen = gen;
		c->min = min;
	}
	return c;
}

/* The memo of the right edge of the tree of size proofs are made in. */
struct merkle_edges *
view_hc_edges(struct view_hc *c, uint64_t size)
{
	if (c->edges[c->last].size != size) {
		if (c->edges[!c->last].size == size)
			c->last = !c->last;
		else {
			c->last = !c->last;
			c->edges[c->last].size = 0;
		}
	}
	return &c->edges[c->last];
}

/* The slot for node n of level, grown to the tree's size; NULL: none. */
static struct view_hc_level *
view_hc_level(struct view_hc *c, unsigned level, uint64_t n, uint64_t size)
{
	struct view_hc_level	*l;

	if (level < c->min || level >= 64)
		return NULL;
	l = &c->lv[level];
	uint64_t		 cap, words, *have;
	void			*hash;

	if (n < l->cap)
		return l;
	cap = (size >> level) + (size >> level) / 4 + 64;
	if (n >= cap)
		return NULL;
	words = (cap + 63) / 64;
	if ((hash = realloc(l->hash, cap * MERKLE_HASH_LEN)) == NULL)
		return NULL;
	l->hash = hash;
	if ((have = realloc(l->have, words * sizeof(*have))) == NULL)
		return NULL;
	memset(have + (l->cap + 63) / 64, 0,
	    (words - (l->cap + 63) / 64) * sizeof(*have));
	l->have = have;
	/* The last old word's bits past the old cap were never set. */
	l->cap = cap;
	return l;
}

uint8_t *
view_hc_slot(struct view_hc *c, unsigned level, uint64_t n, uint64_t size,
    int *have)
{
	struct view_hc_level	*l;

	if ((l = view_hc_level(c, level, n, size)) == NULL)
		return NULL;
	*have = (l->have[n / 64] & (1ULL << (n % 64))) != 0;
	return l->hash[n];
}

void
view_hc_filled(struct view_hc *c, unsigned level, uint64_t n)
{
	c->lv[level].have[n / 64] |= 1ULL << (n % 64);
}
