/* skkd — SPDX-License-Identifier: ISC */
/*
 * The QR grid of a URL, drawn by the client itself (printed pages, cohort
 * images): the same settings as the daemon's images (level M, 8-bit
 * hint, case-sensitive, so an upper-case URL comes out alphanumeric).
 * Also the grid as a PNG file, encoded here with zlib (a 1-bit image
 * needs no more): cohorts write thousands. The only client module that
 * calls libqrencode.
 */
#ifndef CLIENT_QRMAT_H
#define CLIENT_QRMAT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define QRMAT_QUIET	4	/* modules of white around the code */

/* A square grid of width x width modules, row by row; 1 is dark. */
struct qrmat {
	int	 width;
	uint8_t	*dark;
};

/*
 * The grid of text into m: 0, or -1 with a reason in err. Release it
 * with qrmat_release (a zeroed or released m is a no-op).
 */
int	qrmat_encode(const char *text, struct qrmat *m, char *err,
	    size_t errlen);
void	qrmat_release(struct qrmat *m);

/*
 * The grid as a 1-bit greyscale PNG of module pixels a module (1 to 40),
 * quiet zone included, written to f: 0, or -1 with a reason in err.
 */
int	qrmat_png(const struct qrmat *m, unsigned module, FILE *f, char *err,
	    size_t errlen);

/*
 * The same PNG in memory, *png for *len bytes, valid until the next call
 * with b: b keeps the buffers and the deflate state from image to image
 * (one per thread; cohorts draw thousands). NULL from qrmat_buf_new is
 * out of memory; qrmat_buf_free(NULL) is a no-op.
 */
struct qrmat_buf;

struct qrmat_buf	*qrmat_buf_new(void);
void			 qrmat_buf_free(struct qrmat_buf *b);
int			 qrmat_png_mem(const struct qrmat *m, unsigned module,
			    struct qrmat_buf *b, const uint8_t **png,
			    size_t *len, char *err, size_t errlen);

#endif
