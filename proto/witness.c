/* skkd — SPDX-License-Identifier: ISC */
/*
 * add-checkpoint bodies and the checks of c2sp.org/tlog-witness, in the
 * order the spec gives its status codes: the body's form (400), the
 * origin (404), the log's signature (403), the old size against the new
 * (400) and against the witness's record (409), then the proof (422).
 */

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base64.h"
#include "errf.h"
#include "witness.h"

#define WITNESS_OLD	"old "

/* The decimal of s..s+len, no leading zero; 0 or -1. */
static int
witness_size(const char *s, size_t len, uint64_t *out)
{
	size_t	i;

	if (len == 0 || len > 20 || (s[0] == '0' && len > 1))
		return -1;
	for (*out = 0, i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9' ||
		    *out > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
			return -1;
		*out = *out * 10 + (uint64_t)(s[i] - '0');
	}
	return 0;
}

int
witness_req_parse(const char *body, size_t len, struct witness_req *r,
    char *err, size_t errlen)
{
	const char	*p = body, *nl, *end = body + len;
	size_t		 bad;
	unsigned	 line = 1;

	memset(r, 0, sizeof(*r));
	if (len > WITNESS_BODY_MAX)
		return errf(err, errlen, "body of %zu bytes, more than %d",
		    len, WITNESS_BODY_MAX);
	if ((nl = memchr(p, '\n', len)) == NULL ||
	    strncmp(p, WITNESS_OLD, strlen(WITNESS_OLD)) != 0 ||
	    witness_size(p + 4, (size_t)(nl - p) - 4, &r->old) == -1)
		return errf(err, errlen, "line 1: expected \"old <size>\", "
		    "the size in decimal without leading zeros");
	for (p = nl + 1; p < end && *p != '\n'; p = nl + 1) {
		line++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			return errf(err, errlen, "line %u: no newline",
			    line);
		if (r->nproof == WITNESS_PROOF_MAX)
			return errf(err, errlen, "line %u: more than %d "
			    "proof lines", line, WITNESS_PROOF_MAX);
		if (base64_decode(p, (size_t)(nl - p), r->proof[r->nproof],
		    MERKLE_HASH_LEN, &bad) != MERKLE_HASH_LEN)
			return errf(err, errlen, "line %u: a proof line is "
			    "the base64 of %d bytes", line, MERKLE_HASH_LEN);
		r->nproof++;
	}
	if (p >= end)
		return errf(err, errlen, "line %u: no empty line before "
		    "the checkpoint", line + 1);
	r->note = p + 1;
	r->notelen = (size_t)(end - r->note);
	return 0;
}

int
witness_req_format(const struct witness_req *r, char *out, size_t outlen)
{
	size_t	i, used;
	int	n;

	n = snprintf(out, outlen, WITNESS_OLD "%" PRIu64 "\n", r->old);
	if (n < 0 || (size_t)n >= outlen)
		return -1;
	used = (size_t)n;
	for (i = 0; i < r->nproof; i++) {
		if (outlen - used < 46 || base64_encode(r->proof[i],
		    MERKLE_HASH_LEN, out + used, outlen - used) == -1)
			return -1;
		used += strlen(out + used);
		out[used++] = '\n';
	}
	if (outlen - used < r->notelen + 2 || used + r->notelen + 1 > INT32_MAX)
		return -1;
	out[used++] = '\n';
	memcpy(out + used, r->note, r->notelen);
	used += r->notelen;
	out[used] = '\0';
	return (int)used;
}

static struct witness_log *
witness_find(struct witness_log *logs, size_t n, const char *origin)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strcmp(logs[i].origin, origin) == 0)
			return &logs[i];
	return NULL;
}

/* The sizes and hashes, once the checkpoint is known to be the log's. */
static int
witness_consistent(const struct witness_req *r, const struct witness_log *l,
    const struct checkpoint *cp, char *err, size_t errlen)
{
	static const struct merkle_tree	empty;
	uint8_t				root0[MERKLE_HASH_LEN];

	if (r->old > cp->size) {
		errf(err, errlen, "old size %" PRIu64 " is beyond the "
		    "checkpoint's %" PRIu64, r->old, cp->size);
		return 400;
	}
	if (r->old != l->size) {
		errf(err, errlen, "old size %" PRIu64 ", the last one "
		    "cosigned is %" PRIu64, r->old, l->size);
		return 409;
	}
	if (cp->size == 0 && (merkle_root(&empty, root0, err, errlen) == -1 ||
	    memcmp(root0, cp->root, MERKLE_HASH_LEN) != 0)) {
		errf(err, errlen, "size 0 with a root that is not the "
		    "empty tree's");
		return 422;
	}
	if (r->old == 0 && r->nproof != 0) {
		errf(err, errlen, "old size 0 takes no proof, not %zu "
		    "hashes", r->nproof);
		return 422;
	}
	if (r->old != 0 && merkle_verify_consistency(r->old, cp->size,
	    l->root, cp->root, (const uint8_t (*)[MERKLE_HASH_LEN])r->proof,
	    r->nproof, err, errlen) == -1)
		return 422;
	return 200;
}

int
witness_decide(const struct witness_req *r, struct witness_log *logs,
    size_t nlogs, struct note *nt, struct checkpoint *cp,
    struct witness_log **log, char *err, size_t errlen)
{
	*log = NULL;
	if (note_parse(r->note, r->notelen, nt, err, errlen) == -1 ||
	    checkpoint_parse(nt->text, nt->textlen, cp, err, errlen) == -1)
		return 400;
	if ((*log = witness_find(logs, nlogs, cp->origin)) == NULL) {
		errf(err, errlen, "unknown log '%s'", cp->origin);
		return 404;
	}
	if (note_verify(nt, (*log)->key, (*log)->nkey, err, errlen) == -1)
		return 403;
	return witness_consistent(r, *log, cp, err, errlen);
}

/* Appends len bytes at *used; -1 when out is short. */
static int
witness_put(char *out, size_t outlen, size_t *used, const char *p,
    size_t len)
{
	if (outlen - *used <= len)
		return -1;
	memcpy(out + *used, p, len);
	*used += len;
	out[*used] = '\0';
	return 0;
}

int
witness_cosigned(const struct note *nt, const struct witness_log *l,
    const char *line, char *out, size_t outlen)
{
	const struct note_sig	*s;
	const char		*start;
	size_t			 i, used = 0;

	if (outlen > INT32_MAX || witness_put(out, outlen, &used, nt->text,
	    nt->textlen) == -1 || witness_put(out, outlen, &used, "\n", 1) == -1)
		return -1;
	for (i = 0; i < nt->nsig; i++) {
		s = &nt->sig[i];
		if (note_key_find(s, l->key, l->nkey) == NULL)
			continue;
		start = s->name - 4;	/* the em dash and space */
		if (witness_put(out, outlen, &used, start,
		    (size_t)(s->b64 + s->b64len - start)) == -1 ||
		    witness_put(out, outlen, &used, "\n", 1) == -1)
			return -1;
	}
	if (witness_put(out, outlen, &used, line, strlen(line)) == -1)
		return -1;
	return (int)used;
}
