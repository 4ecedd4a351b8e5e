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

struct verify_result {
	enum cert_verdict	 verdict;
	enum cert_reason	 reason;
	int			 found;		/* cert holds the record */
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

#endif
