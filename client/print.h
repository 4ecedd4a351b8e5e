/* skkd — SPDX-License-Identifier: ISC */
/*
 * "skk print": certificates as PDF pages (pdf.c), each page's QR read
 * back (scan.c) before the file is kept, optionally signed (pades.c),
 * and the numbered blank forms they go onto recorded by the daemon;
 * "skk void-blank" records a spoiled form.
 */
#ifndef CLIENT_PRINT_H
#define CLIENT_PRINT_H

#include "args.h"
#include "cert.h"

extern const struct cmd_form	print_form;
extern const struct cmd_form	print_csv_form;
extern const struct cmd_form	print_void_form;

/*
 * issue --csv --pdf DIR: one PDF per certificate, "DIR/<number, blanks
 * as _>.pdf", each checked like a print; card asks for ID-1 pages. The
 * connection is open. 0, or the exit status after a message.
 */
int	print_each(struct cmd_ctx *, char (*numbers)[CERT_NUMBER_LEN + 1],
	    size_t n, const char *dir, int card);

#endif
