/* skkd — SPDX-License-Identifier: ISC */
/*
 * An ISSUE batch larger than one frame, staged on its connection (its one
 * conn_stage object) until the final chunk submits it as one job. issue.c
 * reads the items in and takes them over; the stage only keeps them, the
 * chunks to answer, and finds duplicates among them. All on the loop.
 */
#ifndef DAEMON_STAGE_H
#define DAEMON_STAGE_H

#include <stdint.h>

#include "issue.h"
#include "ops.h"

/* One ISSUE request of a batch: answered with its own items. */
struct stage_chunk {
	uint64_t	 id;
	size_t		 first, n;
};

/* An item whose key (idempotency key or number) an earlier one has. */
struct stage_dup {
	uint32_t	 i, first;
	int		 by_number;
};

/* Every chunk is answered after the commit, so none carries the batch. */
struct stage {
	char			 batch[ISSUE_IDEM_MAX + 1];	/* "" alone */
	struct issue_item	*items;		/* owned, n of cap used */
	size_t			 n, cap, bytes;	/* bytes: records read */
	struct stage_chunk	*chunks;	/* owned */
	size_t			 nchunks, chunkcap;
	/*
	 * Each key's first item, found as chunks come in so that the last
	 * one does not sort the whole batch on the loop: open addressing,
	 * item + 1 (0: empty), [by_number]; and the duplicates found.
	 */
	uint32_t		*keys[2];
	size_t			 keycap;	/* slots in each, a power of 2 */
	struct stage_dup	*dups;
	size_t			 ndups, dupcap;
};

/*
 * The stage a chunk of batch (or of no batch: "") belongs to: the
 * connection's, or a new one (kept on the connection if batch is not ""),
 * the old one then abandoned as stage_drop does. NULL when out of memory.
 */
struct stage	*stage_get(struct conn *, const char *batch, uint64_t id);
/*
 * Ends the connection's batch, if any: each chunk staged is refused,
 * pointing to request refused, and the stage freed.
 */
void		 stage_drop(struct conn *, uint64_t refused);
/* Frees a stage not kept on a connection. NULL is a no-op. */
void		 stage_free(void *);
/* Frees n items and their payloads. */
void		 stage_items_free(struct issue_item *, size_t n);

/* Room for n more (zeroed) items; 0, or -1 out of memory. */
int		 stage_grow(struct stage *, size_t n);
/* Records the chunk of request id: items first..first+n; 0 or -1. */
int		 stage_add_chunk(struct stage *, uint64_t id, size_t first,
		    size_t n);
/* Looks up the keys of items first..n-1 (stage_dups); 0 or -1. */
int		 stage_index(struct stage *, size_t first);
/*
 * Two items with the same idempotency key (or the same supplied number,
 * by_number) would collide inside the transaction: each later one becomes
 * a problem naming the first (in the items' order, as stage_index found
 * them). 0, or -1 when the list is full or out of memory.
 */
int		 stage_dups(const struct stage *, int by_number,
		    struct op_problem **probs, size_t *nprobs);

#endif
