/* skkd — SPDX-License-Identifier: ISC */
/*
 * Asking another issuer's daemon over its public HTTPS JSON API
 * (GET /api/v1/certificates/<number>[?name=], /api/v1/verify?qr=):
 * what skk verify --csv does for an issuer of the trust file, whose
 * companion port it does not know. The daemon's JSON verdict is read
 * into a struct oc_result, as offline answers are, so one printer serves
 * both. output.c writes JSON; this is the one client module reading it.
 */
#ifndef CLIENT_WEBAPI_H
#define CLIENT_WEBAPI_H

#include <stddef.h>

#include "offcheck.h"
#include "trust.h"

/* One question to one issuer. */
struct webapi_ask {
	const char		*query;	/* number or QR text */
	const char		*name;	/* the name to compare, or NULL */
	struct oc_result	 r;	/* the answer, or why none */
	int			 answered;
	int			 match;	/* 1, 0, or -1: none */
};

/*
 * Asks issuer t every one of the n questions in turn over one HTTPS
 * connection (its CA, pin and reader certificate from the trust file),
 * waiting out a 429 as Retry-After says. Answers carry r.issuer = is;
 * a question that could not be asked is left unanswered, with the
 * reason in r.detail. Safe to run in one thread per issuer.
 */
void	webapi_ask_all(const struct trust_issuer *t,
	    const struct oc_issuer *is, struct webapi_ask *asks, size_t n);

#endif
