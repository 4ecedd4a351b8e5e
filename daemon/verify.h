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
	char			 detail[CERT_ERR_MAX];	/* why, if malformed */
};

/* Live status of a number at time now (unix seconds). */
void	verify_by_number(struct store_rd *, const char *number, int64_t now,
	    struct verify_result *);
/* Signature first (skkd->keyring), then the live status of its number. */
void	verify_by_qr(struct store_rd *, const char *text, size_t len,
	    int64_t now, struct verify_result *);

#endif
