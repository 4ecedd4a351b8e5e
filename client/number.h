/* skkd — SPDX-License-Identifier: ISC */
/*
 * How the client reads what a user typed as a certificate: a number in
 * any spacing, or a QR text. On its own so that both rules can move to
 * proto/ in one piece.
 */
#ifndef CLIENT_NUMBER_H
#define CLIENT_NUMBER_H

#include <stddef.h>

/*
 * Writes the canonical form "KBLI KBJI J SEQ YEAR" of a number written
 * with any blanks between the groups or none at all. 0, or -1 (out gets
 * the text with surrounding blanks removed) when it has not that shape.
 */
int	cmd_normalize_number(const char *in, char *out, size_t outlen);

/* A QR text: an http(s):// URL in any case, or >= 40 base32 characters. */
int	cmd_is_qr(const char *);

#endif
