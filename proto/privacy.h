/* skkd — SPDX-License-Identifier: ISC */
/*
 * What an anonymous check may learn of a holder's name (PROTOCOL.md §3.7):
 * the name masked to the first letter of each word, and whether a name
 * the caller already knows is the holder's. Pure: no I/O, no allocation.
 */
#ifndef PROTO_PRIVACY_H
#define PROTO_PRIVACY_H

#include <stddef.h>

/*
 * Writes name with every character after the first of each word turned
 * into one '*': "Siti Nur'aini" -> "S*** N*******". A word is a run of
 * characters between ASCII spaces or tabs, which are kept; a character is
 * one UTF-8 sequence (one code point), so "Ñoño" gives "Ñ***"; a byte that
 * is not valid UTF-8 counts as one character. The result is never longer
 * than name, so out of CERT_NAME_MAX + 1 bytes always holds it; it is
 * truncated to outlen - 1 bytes otherwise.
 */
void	privacy_mask_name(const char *name, char *out, size_t outlen);

/*
 * 1 when given names the same holder as name, else 0: white space (space,
 * tab, CR, LF) at either end is ignored and every run of it inside counts
 * as one space; ASCII letters match either case; every other byte must be
 * equal, so letters beyond ASCII must be written as on the certificate.
 */
int	privacy_name_matches(const char *given, const char *name);

#endif
