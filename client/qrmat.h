/* skkd — SPDX-License-Identifier: ISC */
/*
 * The QR grid of a URL, drawn by the client itself (printed pages, cohort
 * images): the same settings as the daemon's images (level M, 8-bit
 * hint, case-sensitive, so an upper-case URL comes out alphanumeric).
 * The only client module that calls libqrencode; client/qrpng.h makes
 * PNG files of the grid.
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

/* 1 if masks are chosen by qrmask (client/qrmask.h), 0 if by libqrencode. */
int	qrmat_fast(void);

#endif
