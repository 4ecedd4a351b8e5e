/* skkd — SPDX-License-Identifier: ISC */
/*
 * The syntax of one line of the trust file (trust.h), below its
 * meaning: blank-separated tokens, a bare word or FIELD=VALUE, values
 * in double quotes with \" and \\ escaped, and the checks of single
 * values (text, names, an issuer's https:// URL, a key pin). trust.c
 * makes entries of them.
 */
#ifndef CLIENT_TRUSTLINE_H
#define CLIENT_TRUSTLINE_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* One "field=value" or bare word of a line. */
struct trustline_tok {
	char	key[32];	/* "" for a bare word; lower case and '_' */
	char	val[PATH_MAX];
};

/*
 * The next token at *pp, which moves past it: 1 with it in t, 0 at the
 * end of the line, -1 with err (an unterminated quote, a token too
 * long).
 */
int	trustline_token(const char **pp, struct trustline_tok *t, char *err,
	    size_t errlen);
/* v as trustline_token reads it back; quote: in quotes even if bare. */
void	trustline_put_value(FILE *, const char *v, int quote);

/* Text without control characters; a name of [A-Za-z0-9._-]+. */
int	trustline_text_ok(const char *);
int	trustline_word_ok(const char *);
/* v into dst (dstlen) if it is such text; else -1 and "what: ...". */
int	trustline_copy(char *dst, size_t dstlen, const char *v,
	    const char *what, char *err, size_t errlen);

/* trust_url_parse and trust_pin_parse of trust.h. */
int	trustline_url(const char *text, char *url, size_t urllen, char *host,
	    size_t hostlen, char *err, size_t errlen);
int	trustline_pin(const char *text, uint8_t pin[32], char *err,
	    size_t errlen);

#endif
