/* skkd — SPDX-License-Identifier: ISC */
/*
 * The ISSUE batch staged on a connection: its items and chunks, kept
 * between frames until issue.c submits or refuses the batch.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stage.h"

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
	if (cap == st->cap)
		return 0;
	if ((ni = reallocarray(st->items, cap, sizeof(*ni))) == NULL)
		return -1;
	memset(ni + st->cap, 0, (cap - st->cap) * sizeof(*ni));
	st->items = ni;
	st->cap = cap;
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

struct stage_key {
	const char	*key;
	size_t		 i;
};

static int
stage_key_cmp(const void *a, const void *b)
{
	const struct stage_key	*x = a, *y = b;
	int			 c = strcmp(x->key, y->key);

	if (c != 0)
		return c;
	return x->i < y->i ? -1 : x->i > y->i;
}

int
stage_dups(const struct stage *st, int by_number,
    struct op_problem **probs, size_t *nprobs)
{
	struct stage_key	*k;
	size_t			 i, n = 0;
	char			 msg[CERT_ERR_MAX];
	int			 rc = 0;

	if ((k = calloc(st->n ? st->n : 1, sizeof(*k))) == NULL)
		return -1;
	for (i = 0; i < st->n; i++) {
		k[n].key = by_number ? st->items[i].c.number : st->items[i].idem;
		k[n].i = i;
		if (k[n].key[0] != '\0')
			n++;
	}
	qsort(k, n, sizeof(*k), stage_key_cmp);
	for (i = 1; i < n && rc == 0 && *nprobs < OPS_PROBLEMS_MAX; i++) {
		if (strcmp(k[i - 1].key, k[i].key) != 0)
			continue;
		snprintf(msg, sizeof(msg), "%s: the same as item %zu",
		    by_number ? "number" : "idem", k[i - 1].i);
		rc = op_problem_add(probs, nprobs, k[i].i, msg);
	}
	free(k);
	return rc;
}
