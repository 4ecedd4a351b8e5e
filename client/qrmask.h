/* skkd — SPDX-License-Identifier: ISC */
/*
 * The choice of a QR symbol's data mask (ISO/IEC 18004 §7.8) by the
 * penalty rules exactly as libqrencode scores them, worked on rows of
 * bits instead of a byte a module: the same symbol comes out, several
 * times faster. Symbols up to 64 modules wide (version 11); wider ones
 * are left to libqrencode. No library is called here.
 */
#ifndef CLIENT_QRMASK_H
#define CLIENT_QRMASK_H

#include <stdint.h>

#define QRMASK_MAX_WIDTH	64

/*
 * A symbol of width modules: dark[y] has bit x set where the module at
 * column x, row y is dark, data[y] where it holds data or error
 * correction (the modules a mask inverts); dark is masked with mask
 * given (0 to 7), or unmasked if given is -1. The format
 * information's 30 modules are ignored: they are written here for each
 * mask with the error-correction level's two indicator bits (ISO table
 * 12: L 01, M 00, Q 11, H 10). Into out[0..width) the chosen symbol,
 * masked, format information written; returns the mask, 0 to 7.
 */
int	qrmask_choose(int width, unsigned level_bits, int given,
	    const uint64_t *dark, const uint64_t *data, uint64_t *out);

#endif
