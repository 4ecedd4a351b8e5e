/* skkd — SPDX-License-Identifier: ISC */
/*
 * What output.c shares with outadmin.c, and nobody else: the output
 * itself and the helpers both use to read answers and build JSON. The
 * rest of skk sees only output.h.
 */
#ifndef CLIENT_OUTINT_H
#define CLIENT_OUTINT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "wire.h"

#define OUT_TEXT	1024	/* largest text field we print */

struct output {
	FILE	*f;
	int	 json;
	json_t	*root;
	json_t	*items;		/* in root, made on first use */
	int	 verify;	/* root gets the verdict counts */
	size_t	 counts[3];
};

/* Replaces control characters, which could drive a terminal. */
void		 out_clean(char *s);
/* A text field of m into buf, cleaned, or "" when absent or unreadable. */
const char	*out_get(const struct wire_msg *m, enum wire_key, char *buf,
		    size_t len);
/* A status code's name; "unknown" for one out of range. */
const char	*out_status_name(uint64_t);
/* UTC, ISO 8601; "" for 0. */
void		 out_time(int64_t t, char out[32]);
/* A JSON string; bad UTF-8 becomes '?' (json_string refuses it). */
json_t		*out_json_string(const char *);
void		 out_set_str(json_t *obj, const char *key, const char *s);
/* Sets key only when the text is not empty. */
void		 out_set_opt(json_t *obj, const char *key, const char *s);
void		 out_set_int(json_t *obj, const char *key, int64_t v);
/* A new object appended to root's "items". */
json_t		*out_item(struct output *);
/* "log_index" from a write's answer, when it has one. */
void		 out_log_index(json_t *j, const struct wire_msg *a);

#endif
