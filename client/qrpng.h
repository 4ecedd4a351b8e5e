/* skkd — SPDX-License-Identifier: ISC */
/*
 * A QR grid (client/qrmat.h) as a 1-bit greyscale PNG (RFC 2083) of a
 * whole number of pixels a module, quiet zone included: the cohort
 * images skk issue --out writes by the thousand.
 */
#ifndef CLIENT_QRPNG_H
#define CLIENT_QRPNG_H

#include <stddef.h>
#include <stdint.h>

#include "qrmat.h"

/* Buffers kept from image to image, one per thread. */
struct qrpng;

/* NULL is out of memory; qrpng_free(NULL) is a no-op. */
struct qrpng	*qrpng_new(void);
void		 qrpng_free(struct qrpng *b);

/*
 * The PNG of m at module pixels a module (1 to 40), *png for *len bytes,
 * valid until the next call with b: 0, or -1 with a reason in err.
 */
int		 qrpng_encode(struct qrpng *b, const struct qrmat *m,
		    unsigned module, const uint8_t **png, size_t *len,
		    char *err, size_t errlen);

#endif
