/* skkd — SPDX-License-Identifier: ISC */
/*
 * The numbers of stored certificates, listed from one read snapshot for
 * a job that then writes them batch by batch (skkd resign, the log's
 * backfill).
 */
#ifndef DAEMON_CERTLIST_H
#define DAEMON_CERTLIST_H

#include <stddef.h>

#include "cert.h"
#include "store.h"

struct certlist {
	char	(*numbers)[CERT_NUMBER_LEN + 1];
	size_t	 n, cap;
	/* Which to list; NULL: every record that decodes. */
	int	(*want)(const struct cert *, void *arg);
	void	*arg;
};

/* Appends the wanted numbers, in number order. A store code. */
int	certlist_collect(struct store *, struct certlist *);
void	certlist_free(struct certlist *);

#endif
