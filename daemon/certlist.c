/* skkd — SPDX-License-Identifier: ISC */

#include <stdio.h>
#include <stdlib.h>

#include "certlist.h"

static int
certlist_cb(const struct cert *c, const uint8_t *qr, size_t qrlen, void *arg)
{
	struct certlist	*l = arg;
	void		*p;

	if (c == NULL || (l->want != NULL && !l->want(c, l->arg)))
		return 0;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 4096;
		if ((p = reallocarray(l->numbers, l->cap,
		    sizeof(*l->numbers))) == NULL)
			return -1;
		l->numbers = p;
	}
	snprintf(l->numbers[l->n++], CERT_NUMBER_LEN + 1, "%s", c->number);
	return 0;
}

int
certlist_collect(struct store *s, struct certlist *l)
{
	struct store_rd	*rd;
	int		 rc;

	if ((rd = store_rd_new(s)) == NULL)
		return STORE_ERROR;
	rc = store_foreach_cert(rd, certlist_cb, l);
	store_rd_free(rd);
	return rc;
}

void
certlist_free(struct certlist *l)
{
	free(l->numbers);
	l->numbers = NULL;
	l->n = l->cap = 0;
}
