/* skkd — SPDX-License-Identifier: ISC */
/*
 * A QR code drawn in the terminal with Unicode half blocks, next to the
 * other output code (output.c).
 */
#ifndef CLIENT_QRTERM_H
#define CLIENT_QRTERM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * Draws the PNG (one pixel a module) on out, two rows of modules a
 * line. 0, or -1 when the image cannot be read.
 */
int	qrterm_draw(FILE *out, const uint8_t *png, size_t len);

#endif
