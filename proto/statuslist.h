/* skkd — SPDX-License-Identifier: ISC */
/*
 * Signed status lists and number maps (PROTOCOL.md §5), the offline
 * answer to "is this certificate still good": one 4-bit entry per status
 * index (IETF Token Status List, bits 4, least significant half first),
 * zlib-compressed at level 9, in a COSE_Sign1 signed by the log key
 * with the time it was made, its time-to-live and expiry, and the log
 * checkpoint it reflects. List n covers the indices [n << 20, (n+1) << 20).
 *
 * A number map gives, for list n, every certificate number (22 digits)
 * with its status index, sorted by number: the way to a card printed
 * before indices existed, and to a bare number typed in.
 *
 * Of proto/, only this file calls zlib.
 */
#ifndef PROTO_STATUSLIST_H
#define PROTO_STATUSLIST_H

#include <stddef.h>
#include <stdint.h>

#include "sign.h"

#define SL_BITS		4
#define SL_SHIFT	20
#define SL_PER_LIST	(1u << SL_SHIFT)	/* entries in one list */
#define SL_MAX_LISTS	4096
#define SL_PACKED_MAX	(SL_PER_LIST / 2)	/* bytes of a full list */
#define SL_TOKEN_MAX	(SL_PACKED_MAX + 1024)	/* a token, at worst */
#define SL_NUM_DIGITS	22			/* CERT_NUMBER_DIGITS */
#define SL_NUMREC_LEN	(SL_NUM_DIGITS + 4)	/* digits, be32 index */
#define SL_NUMBERS_MAX	(SL_PER_LIST * SL_NUMREC_LEN + 1024)
#define SL_SUB_MAX	300
#define SL_CLAIM_CHECKPOINT	(-65538)
#define SL_CLAIM_NUMBERS	(-65539)
#define SL_CLAIM_TTL		65534
#define SL_CLAIM_LIST		65533

/* Entry values; 0-2 as the draft, the others its application range. */
enum sl_status {
	SL_VALID = 0x0,		/* active */
	SL_REVOKED = 0x1,
	SL_SUSPENDED = 0x2,
	SL_REPLACED = 0x3,
	SL_PENDING = 0xc,	/* awaiting LPJK recording */
	SL_EXPIRED = 0xd,
	SL_NONE = 0xf		/* no certificate has this index */
};

/* Packed entries: entry i is the (i & 1)-th nibble, low first, of byte i/2. */
static inline unsigned
sl_get(const uint8_t *packed, uint32_t i)
{
	return (packed[i >> 1] >> ((i & 1) * 4)) & 0xf;
}
static inline void
sl_set(uint8_t *packed, uint32_t i, unsigned v)
{
	unsigned	sh = (i & 1) * 4;

	packed[i >> 1] = (uint8_t)((packed[i >> 1] & ~(0xfu << sh)) |
	    ((v & 0xf) << sh));
}

const char	*sl_status_name(unsigned);	/* "valid", "revoked", ... */

/* What a token says besides its entries. */
struct sl_head {
	uint32_t	n;		/* list number */
	int64_t		iat, exp, ttl;	/* unix seconds; ttl in seconds */
	uint64_t	tree_size;	/* log checkpoint reflected */
	uint8_t		root[32];
	char		sub[SL_SUB_MAX];	/* "https://HOST/status/<n>" */
};

/*
 * Signs list h->n of host's: count entries packed (count <= SL_PER_LIST;
 * entries past count read as SL_NONE), sub made from host and h->n.
 * *out is malloc'd. 0 or -1 (err).
 */
int	sl_make(const struct sign_key *, const char *host, struct sl_head *h,
	    const uint8_t *packed, uint32_t count, uint8_t **out,
	    size_t *outlen, char *err, size_t errlen);

/* A verified list: head and its entries, unpacked to count nibbles. */
struct sl_list {
	struct sl_head	 h;
	uint8_t		*packed;	/* malloc'd, (count + 1) / 2 bytes */
	uint32_t	 count;
};

/*
 * Parses and verifies a token with the log key, checking typ, that sub
 * names host's list n (host NULL: any), iat <= exp and ttl > 0. Does not
 * judge freshness: the caller compares exp and iat + max age with its
 * clock. 0, or -1 with err saying what is wrong (-2: could not check).
 */
int	sl_open(const uint8_t *buf, size_t len, const struct sign_key *logkey,
	    const char *host, uint32_t n, struct sl_list *, char *err,
	    size_t errlen);
void	sl_list_release(struct sl_list *);
/* The status of idx (any list number): SL_NONE outside the list. */
unsigned sl_list_get(const struct sl_list *, uint64_t idx);

/* A number map record: number without spaces, its status index. */
struct sl_numrec {
	char		digits[SL_NUM_DIGITS];	/* not terminated */
	uint32_t	idx;
};

/* Signs number map h->n; recs sorted by digits, no repeats. 0 or -1. */
int	sl_numbers_make(const struct sign_key *, const char *host,
	    struct sl_head *h, const struct sl_numrec *recs, size_t count,
	    uint8_t **out, size_t *outlen, char *err, size_t errlen);

struct sl_numbers {
	struct sl_head	 h;
	uint8_t		*recs;		/* count * SL_NUMREC_LEN bytes, sorted */
	size_t		 count;
};
int	sl_numbers_open(const uint8_t *buf, size_t len,
	    const struct sign_key *logkey, const char *host, uint32_t n,
	    struct sl_numbers *, char *err, size_t errlen);
void	sl_numbers_release(struct sl_numbers *);
/* Finds a number (26-character form or 22 digits): 0 and *idx, or -1. */
int	sl_numbers_find(const struct sl_numbers *, const char *number,
	    uint32_t *idx);

#endif
