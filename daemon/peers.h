/* skkd — SPDX-License-Identifier: ISC */
/*
 * Connections open per client address, for max_connections_per_address
 * and http_max_connections_per_address. Each port keeps one table, shared
 * by every worker thread under a mutex; it holds one entry per address
 * with a connection open, so its size is bounded by the port's
 * connection limit. IPv4 addresses count one by one, IPv6 ones per /64
 * (one subscriber's whole prefix); a v4-mapped address counts as IPv4.
 */
#ifndef DAEMON_PEERS_H
#define DAEMON_PEERS_H

#include <sys/socket.h>

#include <stdint.h>

#include "rate.h"

/* Keys are rate_addr_key()'s: one per IPv4 address or IPv6 /64. */
#define PEERS_KEY_LEN	RATE_KEY_LEN

struct peers;

/* Room for the addresses of up to maxconns connections; NULL out of memory. */
struct peers	*peers_new(unsigned maxconns);
void		 peers_free(struct peers *);	/* NULL is a no-op */
/*
 * One more connection from key: 0, or -1 (nothing counted) when the
 * address already has cap open, or the table is full.
 */
int		 peers_take(struct peers *, const uint8_t key[PEERS_KEY_LEN],
		    unsigned cap);
/* Ends one connection counted by peers_take. */
void		 peers_put(struct peers *, const uint8_t key[PEERS_KEY_LEN]);
/* Connections key has open now (for tests). */
unsigned	 peers_count(struct peers *, const uint8_t key[PEERS_KEY_LEN]);

#endif
