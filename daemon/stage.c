/* skkd — SPDX-License-Identifier: ISC */
/*
 * The ISSUE batch staged on a connection: its items and chunks, kept
 * between frames until issue.c submits or refuses the batch.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stage.h"

/* Above 32 MiB, glibc's largest mmap threshold (M_MMAP_THRESHOLD). */
#define STAGE_MAPPED_ITEMS	((32u << 20) / sizeof(struct issue_item) + 1)
/* Twice issue.c's STAGE_MAX_ITEMS (200,000), rounded up to a power of 2. */
#define STAGE_KEY_SLOTS		(1u << 19)

void
stage_items_free(struct issue_item *items, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(items[i].cose);
	free(items);
}

void
stage_free(void *arg)
{
	struct stage	*st = arg;

	if (st == NULL)
		return;
	stage_items_free(st->items, st->n);
	free(st->chunks);
	free(st->keys[0]);
	free(st->keys[1]);
	free(st->dups);
	free(st);
}

int
stage_add_chunk(struct stage *st, uint64_t id, size_t first, size_t n)
{
	struct stage_chunk	*nc;

	if (st->nchunks == st->chunkcap) {
		st->chunkcap = st->chunkcap ? st->chunkcap * 2 : 16;
		if ((nc = reallocarray(st->chunks, st->chunkcap,
		    sizeof(*nc))) == NULL)
			return -1;
		st->chunks = nc;
	}
	st->chunks[st->nchunks].id = id;
	st->chunks[st->nchunks].first = first;
	st->chunks[st->nchunks++].n = n;
	return 0;
}

void
stage_drop(struct conn *c, uint64_t refused)
{
	struct stage	*st = conn_stage(c);
	size_t		 k;

	/* The chunks staged before a refused one still need their answers. */
	for (k = 0; st != NULL && k < st->nchunks; k++)
		conn_reply_error(c, st->chunks[k].id, WERR_INVALID, "issue: "
		    "batch abandoned: request %llu was refused",
		    (unsigned long long)refused);
	stage_free(st);
	conn_set_stage(c, NULL, NULL);
}

int
stage_grow(struct stage *st, size_t n)
{
	struct issue_item	*ni;
	size_t			 cap = st->cap ? st->cap : 256;

	while (cap < st->n + n)
		cap *= 2;
	/*
	 * A cohort's array goes straight to a size above glibc's largest
	 * mmap threshold: it is then mapped, and grows by remapping its
	 * pages rather than copying tens of megabytes on the loop.
	 */
	if (cap > 256 && cap < STAGE_MAPPED_ITEMS)
		cap = STAGE_MAPPED_ITEMS;
	if (cap != st->cap) {
		if ((ni = reallocarray(st->items, cap, sizeof(*ni))) == NULL)
			return -1;
		st->items = ni;
		st->cap = cap;
	}
	/*
	 * Only the n items wanted now are zeroed: a cohort's array is
	 * hundreds of megabytes, and zeroing the new half of it at once
	 * held the loop (and every phone's answer) for 80 ms.
	 */
	memset(st->items + st->n, 0, n * sizeof(*st->items));
	return 0;
}

struct stage *
stage_get(struct conn *c, const char *batch, uint64_t id)
{
	struct stage	*st = conn_stage(c);

	if (st != NULL && batch[0] != '\0' && strcmp(st->batch, batch) == 0)
		return st;
	stage_drop(c, id);	/* another batch: the old one is abandoned */
	if ((st = calloc(1, sizeof(*st))) == NULL)
		return NULL;
	snprintf(st->batch, sizeof(st->batch), "%s", batch);
	if (batch[0] != '\0')
		conn_set_stage(c, st, stage_free);
	return st;
}

static const char *
stage_key(const struct stage *st, size_t i, int by_number)
{
	return by_number ? st->items[i].c.number : st->items[i].idem;
}

/* FNV-1a: keys are short, and a batch's own (not a stranger's). */
static uint64_t
stage_hash(const char *k)
{
	uint64_t	h = 0xcbf29ce484222325ULL;

	for (; *k != '\0'; k++)
		h = (h ^ (unsigned char)*k) * 0x100000001b3ULL;
	return h;
}

/* Item i's key into the table; a duplicate is noted, not entered. */
static int
stage_enter(struct stage *st, size_t i, int by_number, int note)
{
	const char		*k = stage_key(st, i, by_number);
	uint32_t		*t = st->keys[by_number], f;
	struct stage_dup	*nd;
	size_t			 s, mask = st->keycap - 1;

	if (k[0] == '\0')
		return 0;
	for (s = stage_hash(k) & mask; (f = t[s]) != 0; s = (s + 1) & mask) {
		if (strcmp(stage_key(st, f - 1, by_number), k) != 0)
			continue;
		if (!note)
			return 0;
		if (st->ndups == st->dupcap) {
			st->dupcap = st->dupcap ? st->dupcap * 2 : 16;
			if ((nd = reallocarray(st->dups, st->dupcap,
			    sizeof(*nd))) == NULL)
				return -1;
			st->dups = nd;
		}
		st->dups[st->ndups++] = (struct stage_dup){ (uint32_t)i,
		    f - 1, by_number };
		return 0;
	}
	t[s] = (uint32_t)i + 1;
	return 0;
}

int
stage_index(struct stage *st, size_t first)
{
	uint32_t	*t[2];
	size_t		 cap = st->keycap ? st->keycap : 1024, i;
	int		 b;

	while (cap < 2 * st->n)
		cap *= 2;
	/* Past one chunk, room for the largest batch: one rehash at most. */
	if (cap > 1024 && cap < STAGE_KEY_SLOTS)
		cap = STAGE_KEY_SLOTS;
	if (cap != st->keycap) {
		/* Grown: the items indexed before go in again, in order. */
		if ((t[0] = calloc(cap, sizeof(uint32_t))) == NULL)
			return -1;
		if ((t[1] = calloc(cap, sizeof(uint32_t))) == NULL) {
			free(t[0]);
			return -1;
		}
		for (b = 0; b < 2; b++) {
			free(st->keys[b]);
			st->keys[b] = t[b];
		}
		st->keycap = cap;
		for (i = 0; i < first; i++)
			for (b = 0; b < 2; b++)
				if (stage_enter(st, i, b, 0) == -1)
					return -1;
	}
	for (i = first; i < st->n; i++)
		for (b = 0; b < 2; b++)
			if (stage_enter(st, i, b, 1) == -1)
				return -1;
	return 0;
}

int
stage_dups(const struct stage *st, int by_number,
    struct op_problem **probs, size_t *nprobs)
{
	const struct stage_dup	*d;
	char			 msg[CERT_ERR_MAX];
	int			 rc = 0;

	for (d = st->dups; d < st->dups + st->ndups && rc == 0 &&
	    *nprobs < OPS_PROBLEMS_MAX; d++) {
		if (d->by_number != by_number)
			continue;
		snprintf(msg, sizeof(msg), "%s: the same as item %u",
		    by_number ? "number" : "idem", d->first);
		rc = op_problem_add(probs, nprobs, d->i, msg);
	}
	return rc;
}
