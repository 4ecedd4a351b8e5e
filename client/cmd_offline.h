/* skkd — SPDX-License-Identifier: ISC */
/*
 * "skk verify --offline": numbers and QR texts answered from the cache
 * of skk sync (offcheck.h), each verdict with its issuer and the time
 * of the status it rests on.
 */
#ifndef CLIENT_CMD_OFFLINE_H
#define CLIENT_CMD_OFFLINE_H

#include "args.h"
#include "offcheck.h"

extern const struct cmd_form	cmd_verify_offline_form;

/*
 * Loads the configuration, the trusted issuers and the cache at cache
 * (NULL: the default) into c, judged at offcheck_now() with max_age
 * (NULL: 24h). 0, or the exit status after saying why.
 */
int	cmd_offline_open(struct cmd_ctx *, const char *cache,
	    const char *max_age, struct offcheck *c);

/* One QR text (verify --qr/--image --offline): the exit status. */
int	cmd_offline_qr(struct cmd_ctx *, const char *text, const char *cache,
	    const char *max_age);

#endif
