/* skkd — SPDX-License-Identifier: ISC */
/*
 * libqrencode's symbol copied into a plain grid of 0/1 bytes, so the
 * drawing modules need nothing of libqrencode; and that grid as a PNG
 * (RFC 2083): signature, IHDR, one IDAT of the rows (filter byte 0,
 * then 1 bit a pixel, 1 white) deflated by zlib, IEND.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qrencode.h>
#include <zlib.h>

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

static void
qrmat_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* One chunk: length, type, data, CRC of type and data. */
static int
qrmat_chunk(FILE *f, const char *type, const uint8_t *data, size_t len)
{
	uint8_t		hdr[8], crc[4];
	uLong		c;

	qrmat_be32(hdr, (uint32_t)len);
	memcpy(hdr + 4, type, 4);
	c = crc32(0L, hdr + 4, 4);
	if (len > 0)
		c = crc32(c, data, (uInt)len);
	qrmat_be32(crc, (uint32_t)c);
	return fwrite(hdr, 1, 8, f) == 8 && (len == 0 ||
	    fwrite(data, 1, len, f) == len) && fwrite(crc, 1, 4, f) == 4 ?
	    0 : -1;
}

/* The raw image: per row a filter byte 0, then packed bits, 1 white. */
static void
qrmat_rows(const struct qrmat *m, unsigned module, uint8_t *raw,
    size_t rowlen)
{
	size_t	side = (size_t)(m->width + 2 * QRMAT_QUIET) * module;
	size_t	x, y, k, stride = rowlen + 1;
	int	mx, my;
	uint8_t	*row;

	memset(raw, 0xff, side * stride);
	for (y = 0; y < side; y++)
		raw[y * stride] = 0;
	for (my = 0; my < m->width; my++) {
		/* The first pixel row of this module row, then its copies. */
		row = raw + (size_t)(my + QRMAT_QUIET) * module * stride;
		for (mx = 0; mx < m->width; mx++) {
			if (!m->dark[my * m->width + mx])
				continue;
			x = (size_t)(mx + QRMAT_QUIET) * module;
			for (k = 0; k < module; k++, x++)
				row[1 + x / 8] &= (uint8_t)~(0x80 >> (x % 8));
		}
		for (k = 1; k < module; k++)
			memcpy(row + k * stride, row, stride);
	}
}

int
qrmat_png(const struct qrmat *m, unsigned module, FILE *f, char *err,
    size_t errlen)
{
	static const uint8_t	 sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n',
				    0x1a, '\n' };
	uint8_t			 ihdr[13], *raw, *z;
	size_t			 side, rowlen, rawlen;
	uLongf			 zlen;
	int			 rc = -1;

	if (module < 1 || module > 40) {
		snprintf(err, errlen, "module size %u: 1 to 40 pixels", module);
		return -1;
	}
	side = (size_t)(m->width + 2 * QRMAT_QUIET) * module;
	rowlen = (side + 7) / 8;
	rawlen = side * (rowlen + 1);
	zlen = compressBound((uLong)rawlen);
	raw = malloc(rawlen);
	z = malloc(zlen);
	if (raw == NULL || z == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	qrmat_rows(m, module, raw, rowlen);
	if (compress2(z, &zlen, raw, (uLong)rawlen, Z_BEST_SPEED) != Z_OK) {
		snprintf(err, errlen, "zlib cannot compress the image");
		goto out;
	}
	qrmat_be32(ihdr, (uint32_t)side);
	qrmat_be32(ihdr + 4, (uint32_t)side);
	ihdr[8] = 1;		/* bit depth */
	ihdr[9] = 0;		/* greyscale */
	ihdr[10] = ihdr[11] = ihdr[12] = 0;
	if (fwrite(sig, 1, sizeof sig, f) != sizeof sig ||
	    qrmat_chunk(f, "IHDR", ihdr, sizeof ihdr) == -1 ||
	    qrmat_chunk(f, "IDAT", z, zlen) == -1 ||
	    qrmat_chunk(f, "IEND", NULL, 0) == -1)
		snprintf(err, errlen, "cannot write the PNG: %s",
		    strerror(errno));
	else
		rc = 0;
out:
	free(raw);
	free(z);
	return rc;
}
