/* skkd — SPDX-License-Identifier: ISC */
/*
 * Printed certificates: one A4 page, or one ID-1 card (85.60 x 53.98
 * mm), per certificate, in a PDF drawn with cairo and laid out with
 * pango (Noto fonts, any UTF-8 name, long ones wrapped). The QR is
 * vector graphics: a rectangle per run of dark modules. Each page is
 * also drawn, as it is, into a grey picture of the QR's surroundings
 * (PDF_CHECK_PX pixels a module: about 150 dpi on A4, 300 on a card),
 * so the caller can read the code back before the file is kept. The only client module that calls cairo or pango.
 */
#ifndef CLIENT_PDF_H
#define CLIENT_PDF_H

#include <stddef.h>
#include <stdio.h>

#include "cert.h"
#include "qrmat.h"
#include "scan.h"

#define PDF_CHECK_PX	4	/* check picture: pixels a QR module */

struct pdf;

/* What one page shows. */
struct pdf_page {
	const struct cert	*c;
	const char		*url;	/* the QR's text, shown in no words */
	const struct qrmat	*qr;	/* the grid of url */
};

/*
 * A new document written to f as pages are added (f stays the
 * caller's: it must outlive pdf_finish). card: ID-1 pages, else A4.
 * offx, offy: millimetres the whole layout moves (pre-printed forms).
 * NULL when out of memory.
 */
struct pdf	*pdf_new(FILE *f, int card, double offx, double offy);
/*
 * Draws page g, and the same drawing of the area around its QR into
 * check (grey, 0 black; release it with scan_image_release). 0, or -1
 * with a reason in err.
 */
int		 pdf_add(struct pdf *, const struct pdf_page *g,
		    struct scan_image *check, char *err, size_t errlen);
/* Ends the document and frees it: 0, or -1 with a reason in err. */
int		 pdf_finish(struct pdf *, char *err, size_t errlen);
/* Frees a document that failed (NULL is a no-op). */
void		 pdf_free(struct pdf *);
/*
 * A plain A4 document of n paragraphs under title (its metadata too): a
 * paragraph starting with "# " is a heading; long ones wrap, and pages
 * break as needed. Written to f; 0, or -1 with err.
 */
int		 pdf_text_doc(FILE *f, const char *title,
		    const char *const *paras, size_t n, char *err,
		    size_t errlen);

#endif
