/* skkd — SPDX-License-Identifier: ISC */
/*
 * Per-address connection counts: an open-addressing hash table with
 * linear probing, sized once at twice the port's connection limit (so a
 * probe is short and it never fills while the limit holds), entries
 * removed by shifting their followers back rather than leaving
 * tombstones. A mutex guards it: it is touched once at accept and once
 * at close, never per request.
 */

#include <sys/socket.h>
#include <netinet/in.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "peers.h"

#define PEERS_SLOTS_MAX	(1u << 21)	/* 48 MiB at most */

struct peer {
	uint8_t		key[PEERS_KEY_LEN];
	uint32_t	n;		/* 0: the slot is free */
};

struct peers {
	pthread_mutex_t	 mtx;
	uint32_t	 mask;		/* slots - 1, slots a power of two */
	uint32_t	 used;
	struct peer	*slot;
};

struct peers *
peers_new(unsigned maxconns)
{
	struct peers	*p;
	uint32_t	 n = 16;

	while (n < PEERS_SLOTS_MAX && n < 2 * (uint64_t)maxconns)
		n *= 2;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	if ((p->slot = calloc(n, sizeof(*p->slot))) == NULL) {
		free(p);
		return NULL;
	}
	p->mask = n - 1;
	pthread_mutex_init(&p->mtx, NULL);
	return p;
}

void
peers_free(struct peers *p)
{
	if (p == NULL)
		return;
	pthread_mutex_destroy(&p->mtx);
	free(p->slot);
	free(p);
}

static uint32_t
peers_hash(const uint8_t key[PEERS_KEY_LEN])
{
	uint64_t	h = 1469598103934665603ULL;
	int		i;

	for (i = 0; i < PEERS_KEY_LEN; i++)
		h = (h ^ key[i]) * 1099511628211ULL;
	return (uint32_t)(h ^ h >> 32);
}

/* The slot holding key, or the free slot where it would go. */
static struct peer *
peers_find(struct peers *p, const uint8_t key[PEERS_KEY_LEN])
{
	uint32_t	i = peers_hash(key) & p->mask;

	while (p->slot[i].n != 0 &&
	    memcmp(p->slot[i].key, key, PEERS_KEY_LEN) != 0)
		i = (i + 1) & p->mask;
	return &p->slot[i];
}

int
peers_take(struct peers *p, const uint8_t key[PEERS_KEY_LEN], unsigned cap)
{
	struct peer	*e;
	int		 rc = -1;

	pthread_mutex_lock(&p->mtx);
	e = peers_find(p, key);
	if (e->n == 0) {
		/* One slot always stays free, so that a probe ends. */
		if (cap == 0 || p->used + 1 >= p->mask + 1)
			goto out;
		memcpy(e->key, key, PEERS_KEY_LEN);
		p->used++;
	} else if (e->n >= cap)
		goto out;
	e->n++;
	rc = 0;
out:
	pthread_mutex_unlock(&p->mtx);
	return rc;
}

/*
 * Removes slot i, moving back each follower whose home slot does not lie
 * cyclically in (i, j]: linear probing stays correct without tombstones.
 */
static void
peers_remove(struct peers *p, uint32_t i)
{
	uint32_t	j = i, home;

	for (;;) {
		p->slot[i].n = 0;
		for (;;) {
			j = (j + 1) & p->mask;
			if (p->slot[j].n == 0)
				return;
			home = peers_hash(p->slot[j].key) & p->mask;
			if (i <= j ? (i < home && home <= j) :
			    (i < home || home <= j))
				continue;
			break;
		}
		p->slot[i] = p->slot[j];
		i = j;
	}
}

void
peers_put(struct peers *p, const uint8_t key[PEERS_KEY_LEN])
{
	struct peer	*e;

	pthread_mutex_lock(&p->mtx);
	e = peers_find(p, key);
	if (e->n > 0 && --e->n == 0) {
		peers_remove(p, (uint32_t)(e - p->slot));
		p->used--;
	}
	pthread_mutex_unlock(&p->mtx);
}

unsigned
peers_count(struct peers *p, const uint8_t key[PEERS_KEY_LEN])
{
	unsigned	n;

	pthread_mutex_lock(&p->mtx);
	n = peers_find(p, key)->n;
	pthread_mutex_unlock(&p->mtx);
	return n;
}
