/* skkd — SPDX-License-Identifier: ISC */
/*
 * The client's QR grids and PNGs against the libraries they stand in
 * for. client/qrmask.c chooses the mask itself: every grid must equal,
 * module for module, the one QRcode_encodeString gives for the same
 * text, over thousands of URLs of every length and of each encoding
 * mode (alphanumeric, numeric runs, 8-bit lower case), from version 1
 * to 40 (past 64 modules the library's own choice is used). And
 * client/qrpng.c writes its own deflate stream: zlib must inflate every
 * image, at every module size, back to exactly the pixels of the grid,
 * with the checksums zlib computes.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <qrencode.h>
#include <zlib.h>

#include "qrmat.h"
#include "qrpng.h"

/* A URL like the daemon's, or with a tail of mode kind, n characters. */
static void
make_url(char *url, size_t len, unsigned *seed, int kind, int n)
{
	static const char *const	 hosts[] = {
		"HTTPS://SKK.PUPR.MUAROJAMBIKAB.GO.ID/V/",
		"https://skk.example:7443/v/", "HTTPS://H/C/",
	};
	static const char		 b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	static const char		 lower[] = "abcdefghijklmnopqrstuvwxyz-_~.";
	int				 p, k;

	p = snprintf(url, len, "%s", hosts[rand_r(seed) % 3]);
	for (k = 0; k < n && (size_t)(p + k) + 1 < len; k++) {
		if (kind == 0)
			url[p + k] = b32[rand_r(seed) % 32];
		else if (kind == 1)
			url[p + k] = (char)('0' + rand_r(seed) % 10);
		else if (kind == 2)
			url[p + k] = lower[rand_r(seed) % 30];
		else	/* runs of digits within base32: mode switches */
			url[p + k] = (k / 7) % 2 ? (char)('0' + rand_r(seed) %
			    10) : b32[rand_r(seed) % 32];
	}
	url[p + k] = '\0';
}

static void
test_fast_path_present(void **state)
{
	(void)state;
	/* Debian's libqrencode4 exports the two steps qrmat calls. */
	assert_int_equal(qrmat_fast(), 1);
}

static void
test_grids_equal_libqrencode(void **state)
{
	char		 url[2200], err[256];
	struct qrmat	 m;
	QRcode		*q;
	unsigned	 seed = 20261206;
	int		 i, k, narrow = 0, wide = 0, diff;

	(void)state;
	for (i = 0; i < 4000; i++) {
		/* Mostly the sizes of real URLs, some up to version 40. */
		make_url(url, sizeof url, &seed, i % 4,
		    i % 10 == 9 ? 1 + rand_r(&seed) % 2000 :
		    1 + rand_r(&seed) % 330);
		q = QRcode_encodeString(url, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
		if (q == NULL) {	/* too long for any version */
			assert_int_equal(qrmat_encode(url, &m, err,
			    sizeof err), -1);
			continue;
		}
		assert_int_equal(qrmat_encode(url, &m, err, sizeof err), 0);
		assert_int_equal(m.width, q->width);
		for (k = 0, diff = 0; k < q->width * q->width; k++)
			diff += (q->data[k] & 1) != m.dark[k];
		if (diff != 0)
			fail_msg("%s: %d modules differ", url, diff);
		if (q->width <= 64)
			narrow++;
		else
			wide++;
		QRcode_free(q);
		qrmat_release(&m);
	}
	/* Both paths were taken, the fast one for most. */
	assert_true(narrow > 3000);
	assert_true(wide > 50);
}

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/* Inflates png with zlib and compares every pixel with the grid. */
static void
check_png(const uint8_t *png, size_t len, const struct qrmat *m,
    unsigned module)
{
	size_t		 side = (size_t)(m->width + 2 * QRMAT_QUIET) * module;
	size_t		 rowlen = (side + 7) / 8, pos = 8, n, x, y;
	uLongf		 rawlen = side * (rowlen + 1);
	uint8_t		*raw, *idat = NULL;
	size_t		 idatlen = 0;
	int		 dark, mx, my, bit;

	assert_memory_equal(png, "\x89PNG\r\n\x1a\n", 8);
	while (pos + 12 <= len) {
		n = be32(png + pos);
		assert_true(pos + 12 + n <= len);
		assert_int_equal(be32(png + pos + 8 + n),
		    crc32(0L, png + pos + 4, (uInt)(n + 4)));
		if (memcmp(png + pos + 4, "IHDR", 4) == 0) {
			assert_int_equal(be32(png + pos + 8), side);
			assert_int_equal(be32(png + pos + 12), side);
			assert_int_equal(png[pos + 16], 1);
			assert_int_equal(png[pos + 17], 0);
		} else if (memcmp(png + pos + 4, "IDAT", 4) == 0) {
			idat = (uint8_t *)png + pos + 8;
			idatlen = n;
		}
		pos += 12 + n;
	}
	assert_int_equal(pos, len);
	assert_non_null(idat);
	raw = malloc(rawlen + 1);
	assert_non_null(raw);
	/* uncompress checks the zlib header and the Adler-32. */
	assert_int_equal(uncompress(raw, &rawlen, idat, idatlen), Z_OK);
	assert_int_equal(rawlen, side * (rowlen + 1));
	for (y = 0; y < side; y++) {
		assert_int_equal(raw[y * (rowlen + 1)], 0);
		for (x = 0; x < rowlen * 8; x++) {
			mx = (int)(x / module) - QRMAT_QUIET;
			my = (int)(y / module) - QRMAT_QUIET;
			dark = x < side && mx >= 0 && my >= 0 &&
			    mx < m->width && my < m->width &&
			    m->dark[my * m->width + mx];
			bit = raw[y * (rowlen + 1) + 1 + x / 8] >>
			    (7 - x % 8) & 1;
			/* 1 is white; the padding bits of a row are white. */
			if (bit == dark)
				fail_msg("module %u: pixel %zu,%zu wrong",
				    module, x, y);
		}
	}
	free(raw);
}

static void
test_png_inflates_to_the_grid(void **state)
{
	char		 url[600], err[256];
	struct qrmat	 m;
	struct qrpng	*b;
	const uint8_t	*png;
	size_t		 len;
	unsigned	 seed = 7, module;
	int		 i;

	(void)state;
	assert_non_null(b = qrpng_new());
	for (i = 0; i < 60; i++) {
		make_url(url, sizeof url, &seed, i % 4,
		    1 + rand_r(&seed) % 500);
		assert_int_equal(qrmat_encode(url, &m, err, sizeof err), 0);
		/* Every module size up to 12, then the cohort's 8 often. */
		if (i < 12)
			module = (unsigned)i + 1;
		else
			module = i % 3 ? 8u : 1u + (unsigned)rand_r(&seed) % 40;
		assert_int_equal(qrpng_encode(b, &m, module, &png, &len, err,
		    sizeof err), 0);
		check_png(png, len, &m, module);
		qrmat_release(&m);
	}
	/* A module size out of range is refused with a reason. */
	make_url(url, sizeof url, &seed, 0, 40);
	assert_int_equal(qrmat_encode(url, &m, err, sizeof err), 0);
	assert_int_equal(qrpng_encode(b, &m, 41, &png, &len, err, sizeof err),
	    -1);
	assert_non_null(strstr(err, "1 to 40"));
	qrmat_release(&m);
	qrpng_free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fast_path_present),
		cmocka_unit_test(test_grids_equal_libqrencode),
		cmocka_unit_test(test_png_inflates_to_the_grid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
