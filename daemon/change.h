/* skkd — SPDX-License-Identifier: ISC */
/*
 * Changes to an issued certificate (admin only): its status (suspend,
 * reinstate, revoke), its LPJK registration number, and renewal (a new
 * certificate for the same holder, the old one REPLACED). Each request is
 * checked on the loop, runs on the writer thread and is answered after
 * the commit; msg stays the caller's.
 */
#ifndef DAEMON_CHANGE_H
#define DAEMON_CHANGE_H

#include "conn.h"

/*
 * The fields each request may hold besides TYPE and ID (PROTOCOL.md):
 * its end-of-message check, which dispatch.c makes before the role check.
 */
#define CHANGE_STATUS_KEYS	(WK_BIT(WK_NUMBER) | WK_BIT(WK_STATUS) | \
				    WK_BIT(WK_REASON))
#define CHANGE_LPJK_KEYS	(WK_BIT(WK_NUMBER) | WK_BIT(WK_LPJK) | \
				    WK_BIT(WK_ITEMS))
#define CHANGE_RENEW_KEYS	(WK_BIT(WK_NUMBER) | WK_BIT(WK_RECORD) | \
				    WK_BIT(WK_REASON))

void	change_status(struct conn *, const struct wire_msg *msg,
	    const struct tls_peer *);
void	change_lpjk(struct conn *, const struct wire_msg *msg,
	    const struct tls_peer *);
void	change_renew(struct conn *, const struct wire_msg *msg,
	    const struct tls_peer *);

#endif
