/* skkd — SPDX-License-Identifier: ISC */
/*
 * One verification, shared by the companion protocol (dispatch.c) and
 * the HTTPS pages (web.c): by certificate number or by QR text, against
 * the live status in the store.
 */
#ifndef DAEMON_VERIFY_H
#define DAEMON_VERIFY_H

#include <stdint.h>

#include "cert.h"

struct store_rd;

/* Who asks, which decides how much of the record an answer shows. */
enum verify_caller {
	CALLER_ANONYMOUS = 0,	/* by number, no client certificate */
	CALLER_QR,		/* scanned the QR: it carries the name */
	CALLER_TRUSTED		/* reader or admin client certificate */
};

struct verify_result {
	enum cert_verdict	 verdict;
	enum cert_reason	 reason;
	int			 found;		/* cert holds the record */
	int			 masked;	/* cert.name is masked */
	int			 match;		/* given name: 1 same, 0 not,
						   -1 none given or hidden */
	struct cert		 cert;		/* nik_hmac cleared */
	char			 number[CERT_NUMBER_LEN + 1];	/* claimed */
	char			 detail[CERT_ERR_MAX];	/* why, or a note */
	int			 replace_card;	/* VALID, but signed by a
						   compromised key */
	int64_t			 reprinted_at;	/* REASON_REPRINTED: when */
};

/* Live status of a number at time now (unix seconds). */
void	verify_by_number(struct store_rd *, const char *number, int64_t now,
	    struct verify_result *);
/*
 * Signature first (skkd->keyring); then VALID only for the exact payload
 * issued for its number (REASON_MISMATCH otherwise, REASON_REPRINTED
 * for one skkd resign replaced), with the live status of that number.
 */
void	verify_by_qr(struct store_rd *, const char *text, size_t len,
	    int64_t now, struct verify_result *);
/*
 * Cuts a result down to what caller may see (PROTOCOL.md §3.7): never the
 * organiser, event or other admin-only fields; for an anonymous caller
 * the name masked (proto/privacy.h) and, for a pending certificate, no
 * record at all (found becomes 0). name, if not NULL, is compared with
 * the holder's name first and the answer put in match.
 */
void	verify_redact(struct verify_result *, enum verify_caller,
	    const char *name);

#endif
