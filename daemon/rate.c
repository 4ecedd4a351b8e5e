/* skkd — SPDX-License-Identifier: ISC */
/*
 * Token buckets per client address. The table is small and fixed: a new
 * address evicts whoever hashed to its slot, so memory never grows with
 * the number of addresses and an evicted one only gets a fresh bucket.
 */

#include <netinet/in.h>

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rate.h"

#define RATE_SLOTS	4096

struct rate_slot {
	uint8_t		key[RATE_KEY_LEN];
	double		tokens;
	uint64_t	last;		/* usec; 0: unused */
};

struct rate {
	pthread_mutex_t		mtx;
	struct rate_slot	slot[RATE_SLOTS];
};

void
rate_addr_key(const struct sockaddr *sa, uint8_t key[RATE_KEY_LEN])
{
	const struct sockaddr_in	*sin = (const void *)sa;
	const struct sockaddr_in6	*sin6 = (const void *)sa;

	memset(key, 0, RATE_KEY_LEN);
	if (sa->sa_family == AF_INET6 &&
	    IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr))
		memcpy(key, &sin6->sin6_addr, RATE_KEY_LEN);
	else if (sa->sa_family == AF_INET6)
		memcpy(key, &sin6->sin6_addr, 8);	/* the /64 */
	else if (sa->sa_family == AF_INET) {
		key[10] = key[11] = 0xff;
		memcpy(key + 12, &sin->sin_addr, 4);
	}
}

struct rate *
rate_new(void)
{
	struct rate	*r;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	pthread_mutex_init(&r->mtx, NULL);
	return r;
}

void
rate_free(struct rate *r)
{
	if (r == NULL)
		return;
	pthread_mutex_destroy(&r->mtx);
	free(r);
}

uint64_t
rate_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static struct rate_slot *
rate_slot(struct rate *r, const uint8_t key[RATE_KEY_LEN])
{
	uint64_t	hash = 1469598103934665603ULL;	/* FNV-1a */
	int		i;

	for (i = 0; i < RATE_KEY_LEN; i++)
		hash = (hash ^ key[i]) * 1099511628211ULL;
	return &r->slot[hash % RATE_SLOTS];
}

uint32_t
rate_take(struct rate *r, const uint8_t key[RATE_KEY_LEN], double per_sec,
    double burst, double n, uint64_t now_usec)
{
	struct rate_slot	*s;
	uint32_t		 wait = 0;

	if (n > burst)
		return UINT32_MAX;
	pthread_mutex_lock(&r->mtx);
	s = rate_slot(r, key);
	if (memcmp(s->key, key, RATE_KEY_LEN) != 0 || s->last == 0) {
		memcpy(s->key, key, RATE_KEY_LEN);
		s->tokens = burst;
		s->last = now_usec;
	}
	if (now_usec > s->last)
		s->tokens += (double)(now_usec - s->last) * per_sec / 1e6;
	if (s->tokens > burst)
		s->tokens = burst;
	s->last = now_usec;
	if (s->tokens >= n)
		s->tokens -= n;
	else
		wait = (uint32_t)((n - s->tokens) / per_sec) + 1;
	pthread_mutex_unlock(&r->mtx);
	return wait;
}
