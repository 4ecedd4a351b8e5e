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

#include "qrmask.h"
#include "qrmat.h"

/*
 * Two steps of QRcode_encodeString that libqrencode's shared library
 * exports without declaring them in qrencode.h: the split of a string
 * into segments, and the symbol under a given mask. Weak: a build of
 * the library without them leaves them NULL and QRcode_encodeString
 * does the whole work.
 */
extern int	Split_splitStringToQRinput(const char *, QRinput *,
		    QRencodeMode, int) __attribute__((weak));
extern QRcode	*QRcode_encodeMask(QRinput *, int) __attribute__((weak));

int
qrmat_fast(void)
{
	return Split_splitStringToQRinput != NULL && QRcode_encodeMask != NULL;
}

/*
 * The symbol under mask 0, then the mask QRcode_encodeString would
 * choose, chosen by qrmask on bit rows: libqrencode spends most of an
 * encode scoring masks a byte a module.
 */
static int
qrmat_encode_fast(const char *text, struct qrmat *m)
{
	QRinput		*in;
	QRcode		*q = NULL;
	uint64_t	 dark[QRMASK_MAX_WIDTH], data[QRMASK_MAX_WIDTH];
	uint64_t	 out[QRMASK_MAX_WIDTH];
	int		 x, y, w;
	uint8_t		 v;

	if ((in = QRinput_new2(0, QR_ECLEVEL_M)) == NULL)
		return -1;
	if (Split_splitStringToQRinput(text, in, QR_MODE_8, 1) == 0)
		q = QRcode_encodeMask(in, 0);
	QRinput_free(in);
	if (q == NULL)
		return -1;
	if ((w = q->width) > QRMASK_MAX_WIDTH) {
		QRcode_free(q);
		return 1;
	}
	for (y = 0; y < w; y++) {
		dark[y] = data[y] = 0;
		for (x = 0; x < w; x++) {
			/* Bit 0 dark; bit 7 a module no mask touches. */
			v = q->data[y * w + x];
			dark[y] |= (uint64_t)(v & 1) << x;
			data[y] |= (uint64_t)(~v >> 7 & 1) << x;
		}
	}
	QRcode_free(q);
	if ((m->dark = malloc((size_t)w * (size_t)w)) == NULL)
		return -1;
	qrmask_choose(w, 0 /* level M */, 0, dark, data, out);
	for (y = 0; y < w; y++)
		for (x = 0; x < w; x++)
			m->dark[y * w + x] = out[y] >> x & 1;
	m->width = w;
	return 0;
}

int
qrmat_encode(const char *text, struct qrmat *m, char *err, size_t errlen)
{
	QRcode	*q;
	size_t	 i, n;
	int	 rc;

	m->width = 0;
	m->dark = NULL;
	if (qrmat_fast() && (rc = qrmat_encode_fast(text, m)) != 1) {
		if (rc == 0)
			return 0;
		snprintf(err, errlen, "cannot encode the QR code: %s",
		    strerror(errno));
		return -1;
	}
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
