/* skkd — SPDX-License-Identifier: ISC */
/*
 * Printable QR images of a certificate's URL: PNG for cards and SVG for
 * layout software, level M, alphanumeric mode (the URL is upper-case),
 * with the 4-module quiet zone scanners need. The only caller of
 * libqrencode and of libpng's writing side.
 */
#ifndef DAEMON_QR_H
#define DAEMON_QR_H

#include <stddef.h>
#include <stdint.h>

#define QR_QUIET		4	/* modules of white around the code */
#define QR_MODULE_DEFAULT	8	/* PNG pixels per module */
#define QR_MODULE_MIN		1
#define QR_MODULE_MAX		40

/*
 * The module grid of text: *width modules a side (no quiet zone) and a
 * malloc'd width*width array, row by row, 1 for dark. 0, or -1 when the
 * text does not fit a QR code or memory runs out.
 */
int	qr_modules(const char *text, uint8_t **dark, int *width);

/*
 * A 1-bit grayscale PNG of text with module pixels per module (QR_MODULE_MIN
 * to QR_MODULE_MAX) into a malloc'd *out the caller frees. 0 or -1.
 */
int	qr_render_png(const char *text, unsigned module, uint8_t **out,
	    size_t *outlen);

/* An SVG document of text, one unit per module; malloc'd, NUL-ended. */
int	qr_render_svg(const char *text, char **out, size_t *outlen);

#endif
