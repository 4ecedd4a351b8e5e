/* skkd — SPDX-License-Identifier: ISC */
/*
 * LPJK registration numbers recorded in bulk (admin only): a RECORD_LPJK
 * request with ITEMS [{NUMBER, LPJK}], checked whole and written in one
 * transaction or not at all (PROTOCOL.md §3.7). change.c hands such a
 * request here; msg stays the caller's.
 */
#ifndef DAEMON_LPJK_H
#define DAEMON_LPJK_H

#include "cert.h"
#include "conn.h"

/*
 * NUMBER and LPJK of m, as one request or one item holds them, checked:
 * 0, or -1 with "field: reason" in err.
 */
int	lpjk_read_pair(const struct wire_msg *m,
	    char number[CERT_NUMBER_LEN + 1], char lpjk[CERT_SHORT_MAX + 1],
	    char *err, size_t errlen);
void	lpjk_batch(struct conn *, const struct wire_msg *msg,
	    const struct tls_peer *);

#endif
