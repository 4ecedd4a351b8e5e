/* skkd — SPDX-License-Identifier: ISC */
/*
 * Per-address token buckets, shared by the HTTPS pages and the anonymous
 * checks of the companion port. Addresses are grouped as one client gets
 * them: an IPv4 address alone, an IPv6 address by its /64 (one home or
 * phone gets a whole /64, so a limit per full address would be none).
 */
#ifndef DAEMON_RATE_H
#define DAEMON_RATE_H

#include <sys/socket.h>

#include <stdint.h>

#define RATE_KEY_LEN	16

struct rate;

/*
 * The key of the client at sa: IPv4 (also IPv4-mapped IPv6) as ::ffff:a.b.c.d,
 * IPv6 as its first 64 bits and zeros; other families all share one key.
 */
void		 rate_addr_key(const struct sockaddr *sa,
		    uint8_t key[RATE_KEY_LEN]);

/* A table of buckets, safe to use from every thread; NULL out of memory. */
struct rate	*rate_new(void);
void		 rate_free(struct rate *);	/* NULL is a no-op */

/*
 * Takes n tokens from key's bucket, which fills at per_sec tokens a
 * second up to burst (a new key starts full), at now_usec (monotonic).
 * 0 when taken; otherwise nothing is taken and the answer is the seconds
 * to wait (at least 1), or UINT32_MAX when n is more than burst.
 */
uint32_t	 rate_take(struct rate *, const uint8_t key[RATE_KEY_LEN],
		    double per_sec, double burst, double n, uint64_t now_usec);

/* CLOCK_MONOTONIC in microseconds, for now_usec. */
uint64_t	 rate_now(void);

#endif
