/* skkd — SPDX-License-Identifier: ISC */
/*
 * QR PNGs written fast. The image is signature, IHDR, one IDAT and
 * IEND; its rows are filter byte 0 and 1 bit a pixel, 1 white. A QR
 * image at n pixels a module is n copies of each module row, and a
 * general-purpose compressor spends most of its time rediscovering
 * that: zlib at its fastest level took 50-60 us an image of 57 modules
 * at 8 pixels, more than encoding the QR. So the zlib stream (RFC 1950)
 * is written here, as one deflate block with the fixed codes of RFC
 * 1951 §3.2.6: a module row's first pixel row as literals, its other
 * rows, and whole module rows equal to the one above, as copies at the
 * distance of one row. The Adler-32 is summed a module row at a
 * time; zlib gives the CRCs. Any inflater reads the result: the tests
 * check it with zlib and Python's zlib, and zbarimg reads the images.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "qrpng.h"

#define ADLER_MOD	65521u

struct qrpng {
	uint8_t		*row, *prev;	/* a module row's pixel row, the last */
	uint8_t		*png;
	size_t		 rowcap, pngcap;
	/* The fixed literal/length code, bits reversed for LSB-first. */
	uint16_t	 code[288];
	uint8_t		 bits[288];
	uint8_t		 lensym[259];	/* a copy's length code, less 257 */
};

/*
 * A deflate bit stream into memory known to be large enough, with 8
 * bytes to spare: whole words are stored and the pointer advanced by
 * the bytes completed, which takes no branch.
 */
struct qrpng_out {
	uint8_t		*p;
	uint64_t	 acc;
	int		 n;
};

static const uint16_t	len_base[29] = {
	3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43,
	51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258,
};
static const uint8_t	len_extra[29] = {
	0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4,
	4, 4, 5, 5, 5, 5, 0,
};
static const uint16_t	dist_base[30] = {
	1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257,
	385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289,
	16385, 24577,
};
static const uint8_t	dist_extra[30] = {
	0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9,
	10, 10, 11, 11, 12, 12, 13, 13,
};

static unsigned
qrpng_reverse(unsigned v, int n)
{
	unsigned	r = 0;

	while (n-- > 0) {
		r = r << 1 | (v & 1);
		v >>= 1;
	}
	return r;
}

struct qrpng *
qrpng_new(void)
{
	struct qrpng	*b;
	unsigned	 s, i;

	if ((b = calloc(1, sizeof *b)) == NULL)
		return NULL;
	for (s = 3, i = 0; s <= 258; s++) {
		while (i < 28 && len_base[i + 1] <= s)
			i++;
		b->lensym[s] = (uint8_t)i;
	}
	for (s = 0; s < 288; s++) {
		if (s < 144) {
			b->bits[s] = 8;
			b->code[s] = (uint16_t)qrpng_reverse(0x30 + s, 8);
		} else if (s < 256) {
			b->bits[s] = 9;
			b->code[s] = (uint16_t)qrpng_reverse(0x190 + s - 144,
			    9);
		} else if (s < 280) {
			b->bits[s] = 7;
			b->code[s] = (uint16_t)qrpng_reverse(s - 256, 7);
		} else {
			b->bits[s] = 8;
			b->code[s] = (uint16_t)qrpng_reverse(0xc0 + s - 280,
			    8);
		}
	}
	return b;
}

void
qrpng_free(struct qrpng *b)
{
	if (b == NULL)
		return;
	free(b->row);
	free(b->prev);
	free(b->png);
	free(b);
}

/* Up to 32 bits, least significant first. */
static inline void
qrpng_put(struct qrpng_out *o, uint32_t v, int n)
{
	o->acc |= (uint64_t)v << o->n;
	o->n += n;
	memcpy(o->p, &o->acc, 8);	/* little-endian: the low bytes first */
	o->p += o->n >> 3;
	o->acc >>= o->n & ~7;
	o->n &= 7;
}

/* A distance's code and extra bits. */
static void
qrpng_dist(unsigned dist, unsigned *code, unsigned *extra, int *nextra)
{
	unsigned	d;

	for (d = 29; dist_base[d] > dist; d--)
		;
	*code = qrpng_reverse(d, 5);
	*extra = dist - dist_base[d];
	*nextra = dist_extra[d];
}

/* A copy of len (3 or more) bytes from dist back, in pieces of <= 258. */
static void
qrpng_copy(const struct qrpng *b, struct qrpng_out *o, size_t len,
    unsigned dist)
{
	unsigned	c, i, code, extra;
	int		nextra;

	qrpng_dist(dist, &code, &extra, &nextra);
	while (len > 0) {
		c = len > 258 ? 258 : (unsigned)len;
		if (len - c > 0 && len - c < 3)
			c = (unsigned)len - 3;
		i = b->lensym[c];
		qrpng_put(o, b->code[257 + i], b->bits[257 + i]);
		qrpng_put(o, c - len_base[i], len_extra[i]);
		qrpng_put(o, code | extra << 5, 5 + nextra);
		len -= c;
	}
}

/*
 * One pixel row as literals. (Runs as copies would save a tenth of the
 * bytes and cost a mispredicted branch a module.)
 */
static void
qrpng_literal(const struct qrpng *b, struct qrpng_out *o, const uint8_t *row,
    size_t n)
{
	struct qrpng_out	l = *o;		/* in registers, not memory */
	size_t			i;

	for (i = 0; i < n; i++)
		qrpng_put(&l, b->code[row[i]], b->bits[row[i]]);
	*o = l;
}

/* A module row's pixel row: filter byte 0, then the row's bits. */
static void
qrpng_row(const struct qrmat *m, unsigned module, int my, uint8_t *row,
    size_t rowlen)
{
	size_t	x, k;
	int	mx;

	row[0] = 0;
	memset(row + 1, 0xff, rowlen);
	if (my < 0 || my >= m->width)
		return;
	for (mx = 0; mx < m->width; mx++) {
		x = (size_t)(mx + QRMAT_QUIET) * module;
		/* Whole bytes a module: 0x00 dark, 0xff light, no branch. */
		if (module == 8) {
			row[1 + x / 8] = (uint8_t)(m->dark[my * m->width + mx] -
			    1);
			continue;
		}
		if (module % 8 == 0) {
			memset(row + 1 + x / 8, m->dark[my * m->width + mx] - 1,
			    module / 8);
			continue;
		}
		if (!m->dark[my * m->width + mx])
			continue;
		for (k = 0; k < module; k++, x++)
			row[1 + x / 8] &= (uint8_t)~(0x80 >> (x % 8));
	}
}

static void
qrpng_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* A chunk's length, type and data are in place at p: its CRC after them. */
static void
qrpng_chunk(uint8_t *p, const char *type, size_t len)
{
	qrpng_be32(p, (uint32_t)len);
	memcpy(p + 4, type, 4);
	qrpng_be32(p + 8 + len, (uint32_t)crc32(0L, p + 4, (uInt)(len + 4)));
}

static int
qrpng_room(uint8_t **p, size_t *cap, size_t n)
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

/* Room for two pixel rows of n bytes. */
static int
qrpng_rows(struct qrpng *b, size_t n)
{
	uint8_t	*r, *q;

	if (n <= b->rowcap)
		return 0;
	if ((r = realloc(b->row, n)) == NULL)
		return -1;
	b->row = r;
	if ((q = realloc(b->prev, n)) == NULL)
		return -1;
	b->prev = q;
	b->rowcap = n;
	return 0;
}

/*
 * The zlib stream of the image at p: header, the deflate block, and the
 * Adler-32, which a row of n bytes x1..xn advances from (a, s) to
 * (a + sum x, s + n a + sum (n - i + 1) xi), each row module times.
 */
static size_t
qrpng_zlib(struct qrpng *b, const struct qrmat *m, unsigned module,
    size_t rowlen, uint8_t *p)
{
	struct qrpng_out	 o = { p + 2, 0, 0 };
	size_t			 stride = rowlen + 1, pending = 0, i;
	uint64_t		 a = 1, s = 0, rs, rt;
	uint8_t			*t;
	unsigned		 k;
	int			 my, first = 1;

	/* CM 8, a 32 KiB window; the check makes it a multiple of 31. */
	p[0] = 0x78;
	p[1] = 0x01;
	qrpng_put(&o, 1, 1);		/* the final block */
	qrpng_put(&o, 1, 2);		/* fixed codes */
	for (my = -QRMAT_QUIET; my < m->width + QRMAT_QUIET; my++) {
		qrpng_row(m, module, my, b->row, rowlen);
		if (!first && memcmp(b->row, b->prev, stride) == 0)
			pending += module * stride;
		else {
			if (pending > 0)
				qrpng_copy(b, &o, pending, (unsigned)stride);
			qrpng_literal(b, &o, b->row, stride);
			pending = (module - 1) * stride;
			t = b->prev;
			b->prev = b->row;
			b->row = t;
		}
		first = 0;
		for (i = 0, rs = rt = 0; i < stride; i++) {
			rs += b->prev[i];
			rt += (uint64_t)(stride - i) * b->prev[i];
		}
		for (k = 0; k < module; k++) {
			s = (s + stride * a + rt) % ADLER_MOD;
			a = (a + rs) % ADLER_MOD;
		}
	}
	if (pending > 0)
		qrpng_copy(b, &o, pending, (unsigned)stride);
	qrpng_put(&o, b->code[256], b->bits[256]);
	if (o.n > 0)
		qrpng_put(&o, 0, 8 - o.n);
	qrpng_be32(o.p, (uint32_t)(s << 16 | a));
	return (size_t)(o.p + 4 - p);
}

int
qrpng_encode(struct qrpng *b, const struct qrmat *m, unsigned module,
    const uint8_t **png, size_t *len, char *err, size_t errlen)
{
	static const uint8_t	 sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n',
				    0x1a, '\n' };
	uint8_t			*p;
	size_t			 side, rowlen, bound, zlen;

	*png = NULL;
	*len = 0;
	if (module < 1 || module > 40) {
		snprintf(err, errlen, "module size %u: 1 to 40 pixels", module);
		return -1;
	}
	side = (size_t)(m->width + 2 * QRMAT_QUIET) * module;
	rowlen = (side + 7) / 8;
	/*
	 * At worst every row is literals of 9 bits a byte, plus the block's
	 * 10 bits and the padding; the zlib header and checksum are 6.
	 */
	bound = side * (rowlen + 1) / 8 * 9 + 64 + 8;
	if (qrpng_rows(b, rowlen + 1) == -1 ||
	    qrpng_room(&b->png, &b->pngcap, 8 + 25 + 8 + bound + 4 + 12) ==
	    -1) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	p = b->png;
	memcpy(p, sig, sizeof sig);
	p += sizeof sig;
	qrpng_be32(p + 8, (uint32_t)side);
	qrpng_be32(p + 12, (uint32_t)side);
	p[16] = 1;		/* bit depth */
	p[17] = 0;		/* greyscale */
	p[18] = p[19] = p[20] = 0;
	qrpng_chunk(p, "IHDR", 13);
	p += 25;
	zlen = qrpng_zlib(b, m, module, rowlen, p + 8);
	qrpng_chunk(p, "IDAT", zlen);
	p += 12 + zlen;
	qrpng_chunk(p, "IEND", 0);
	*png = b->png;
	*len = (size_t)(p + 12 - b->png);
	return 0;
}
