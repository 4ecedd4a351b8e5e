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

struct qrmat_buf {
	uint8_t		*raw, *png;
	size_t		 rawcap, pngcap;
	z_stream	 z;
	int		 zinit;
};

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

/* A chunk's length, type and data are in place at p: its CRC after them. */
static void
qrmat_chunk(uint8_t *p, const char *type, size_t len)
{
	qrmat_be32(p, (uint32_t)len);
	memcpy(p + 4, type, 4);
	qrmat_be32(p + 8 + len, (uint32_t)crc32(0L, p + 4, (uInt)(len + 4)));
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

/* Room for n bytes in *p of *cap: 0, or -1 out of memory. */
static int
qrmat_room(uint8_t **p, size_t *cap, size_t n)
{
	uint8_t	*q;

	if (n <= *cap)
		return 0;
	if ((q = realloc(*p, n)) == NULL)
		return -1;
	*p = q;
	*cap = n;
	return 0;
}

/*
 * The rows deflated straight into the IDAT chunk's data. One deflate
 * state is kept and reset from image to image instead of compress2's
 * allocation each time; level 1 with a small hash (memLevel 5, 8 KiB to
 * clear per image) still finds each module row's copies.
 */
static int
qrmat_deflate(struct qrmat_buf *b, size_t rawlen, size_t off, size_t *zlen)
{
	z_stream	*z = &b->z;

	if (!b->zinit) {
		memset(z, 0, sizeof *z);
		if (deflateInit2(z, Z_BEST_SPEED, Z_DEFLATED, 15, 5,
		    Z_DEFAULT_STRATEGY) != Z_OK)
			return -1;
		b->zinit = 1;
	} else if (deflateReset(z) != Z_OK)
		return -1;
	z->next_in = b->raw;
	z->avail_in = (uInt)rawlen;
	z->next_out = b->png + off;
	z->avail_out = (uInt)(b->pngcap - off);
	if (deflate(z, Z_FINISH) != Z_STREAM_END)
		return -1;
	*zlen = z->total_out;
	return 0;
}

struct qrmat_buf *
qrmat_buf_new(void)
{
	return calloc(1, sizeof(struct qrmat_buf));
}

void
qrmat_buf_free(struct qrmat_buf *b)
{
	if (b == NULL)
		return;
	if (b->zinit)
		deflateEnd(&b->z);
	free(b->raw);
	free(b->png);
	free(b);
}

int
qrmat_png_mem(const struct qrmat *m, unsigned module, struct qrmat_buf *b,
    const uint8_t **png, size_t *len, char *err, size_t errlen)
{
	static const uint8_t	 sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n',
				    0x1a, '\n' };
	uint8_t			*p;
	size_t			 side, rowlen, rawlen, zlen;

	*png = NULL;
	*len = 0;
	if (module < 1 || module > 40) {
		snprintf(err, errlen, "module size %u: 1 to 40 pixels", module);
		return -1;
	}
	side = (size_t)(m->width + 2 * QRMAT_QUIET) * module;
	rowlen = (side + 7) / 8;
	rawlen = side * (rowlen + 1);
	/* Signature, IHDR (25), IDAT's length and type, its CRC, IEND (12). */
	if (qrmat_room(&b->raw, &b->rawcap, rawlen) == -1 ||
	    qrmat_room(&b->png, &b->pngcap, 8 + 25 + 8 +
	    compressBound((uLong)rawlen) + 4 + 12) == -1) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	qrmat_rows(m, module, b->raw, rowlen);
	if (qrmat_deflate(b, rawlen, 8 + 25 + 8, &zlen) == -1) {
		snprintf(err, errlen, "zlib cannot compress the image");
		return -1;
	}
	p = b->png;
	memcpy(p, sig, sizeof sig);
	p += sizeof sig;
	qrmat_be32(p + 8, (uint32_t)side);
	qrmat_be32(p + 12, (uint32_t)side);
	p[16] = 1;		/* bit depth */
	p[17] = 0;		/* greyscale */
	p[18] = p[19] = p[20] = 0;
	qrmat_chunk(p, "IHDR", 13);
	p += 25;
	qrmat_chunk(p, "IDAT", zlen);
	p += 12 + zlen;
	qrmat_chunk(p, "IEND", 0);
	*png = b->png;
	*len = (size_t)(p + 12 - b->png);
	return 0;
}

int
qrmat_png(const struct qrmat *m, unsigned module, FILE *f, char *err,
    size_t errlen)
{
	struct qrmat_buf	*b;
	const uint8_t		*png;
	size_t			 len;
	int			 rc = -1;

	if ((b = qrmat_buf_new()) == NULL)
		snprintf(err, errlen, "out of memory");
	else if (qrmat_png_mem(m, module, b, &png, &len, err, errlen) == -1)
		;
	else if (fwrite(png, 1, len, f) != len)
		snprintf(err, errlen, "cannot write the PNG: %s",
		    strerror(errno));
	else
		rc = 0;
	qrmat_buf_free(b);
	return rc;
}
