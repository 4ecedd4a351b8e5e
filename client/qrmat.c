/* skkd — SPDX-License-Identifier: ISC */
/*
 * libqrencode's symbol copied into a plain grid of 0/1 bytes, so the
 * drawing modules need nothing of libqrencode.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qrencode.h>

#include "qrmat.h"

int
qrmat_encode(const char *text, struct qrmat *m, char *err, size_t errlen)
{
	QRcode	*q;
	size_t	 i, n;

	m->width = 0;
	m->dark = NULL;
	if ((q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8,
	    1)) == NULL) {
		snprintf(err, errlen, "cannot encode the QR code: %s",
		    strerror(errno));
		return -1;
	}
	n = (size_t)q->width * (size_t)q->width;
	if ((m->dark = malloc(n)) == NULL) {
		QRcode_free(q);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < n; i++)
		m->dark[i] = q->data[i] & 1;
	m->width = q->width;
	QRcode_free(q);
	return 0;
}

void
qrmat_release(struct qrmat *m)
{
	free(m->dark);
	m->dark = NULL;
	m->width = 0;
}
