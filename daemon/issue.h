/* skkd — SPDX-License-Identifier: ISC */
/*
 * Issuance (ISSUE, admin only): a request alone, or the chunks of one
 * batch staged on their connection until the last. Checked on the loop,
 * numbered, signed and stored on the writer thread in one transaction,
 * every chunk answered after the commit. change.c issues a renewal's new
 * certificate through issue_complete and issue_one.
 */
#ifndef DAEMON_ISSUE_H
#define DAEMON_ISSUE_H

#include <stdint.h>

#include "cert.h"
#include "ops.h"

#define ISSUE_IDEM_MAX	64	/* bytes of an idempotency key or batch id */

/*
 * The fields an ISSUE request may hold besides TYPE and ID (PROTOCOL.md):
 * its end-of-message check, which dispatch.c makes before the role check.
 */
#define ISSUE_KEYS	(WK_BIT(WK_ITEMS) | WK_BIT(WK_BATCH) | \
			    WK_BIT(WK_MORE) | WK_BIT(WK_DRYRUN) | \
			    WK_BIT(WK_COUNT))

/* A certificate to issue, and once issued its signed payload. */
struct issue_item {
	struct cert	 c;
	char		 idem[ISSUE_IDEM_MAX + 1];
	uint8_t		*cose;		/* signed payload, for the URL; owned */
	size_t		 coselen;
	int		 reused;	/* the idempotency key named it */
	uint64_t	 log_index;	/* its issue entry; TLOG_NO_INDEX */
	uint32_t	 status_idx;	/* its entry in the status lists */
};

/* Handles one ISSUE request; msg stays the caller's. */
void	issue_request(struct conn *, const struct wire_msg *msg,
	    const struct tls_peer *);

/*
 * Fills what the daemon decides (issuer, dates left 0, status, titles)
 * and checks the whole record; -1 with "field: reason" in err.
 */
int	issue_complete(struct cert *, int64_t now, char *err, size_t errlen);
/*
 * On the writer thread: numbers, signs and stores it (index i names it in
 * errors) with its ISSUE event carrying detail, or takes the certificate
 * its idempotency key names. 0, or -1 after op_fail.
 */
int	issue_one(struct store_wtxn *, struct op_job *, struct issue_item *it,
	    size_t i, const char *detail);
/*
 * An answer's NUMBER, STATUS, URL (and DETAIL "reused"), and LOGINDEX
 * for a connection of version 2 on (c); 0 or -1.
 */
int	issue_put_item(struct wire_msg *, const struct issue_item *,
	    const struct conn *c);

#endif
