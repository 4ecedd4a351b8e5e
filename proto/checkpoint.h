/* skkd — SPDX-License-Identifier: ISC */
/*
 * The checkpoint of a log (c2sp.org/tlog-checkpoint): the text a log
 * signs as a signed note. Lines: origin, tree size in decimal, base64
 * root hash, then optional extension lines. A parsed checkpoint points
 * into the caller's text for its extensions.
 */
#ifndef PROTO_CHECKPOINT_H
#define PROTO_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>

#include "merkle.h"

#define CHECKPOINT_ORIGIN_MAX	255
#define CHECKPOINT_ERR_MAX	160

struct checkpoint {
	char		 origin[CHECKPOINT_ORIGIN_MAX + 1];
	uint64_t	 size;
	uint8_t		 root[MERKLE_HASH_LEN];
	const char	*ext;		/* extension lines, each ending in a */
	size_t		 extlen;	/* newline; NULL and 0 when none */
};

/*
 * Parses the note text (without the signatures). Strict: no leading
 * zero in the size, a 32-byte root, no empty line; -1 with "line N: ...".
 */
int	checkpoint_parse(const char *text, size_t len, struct checkpoint *,
	    char *err, size_t errlen);
/*
 * Writes the text and a NUL (with the extensions, if any); the length
 * written, or -1 when out is short or a field could not be parsed back.
 */
int	checkpoint_format(const struct checkpoint *, char *out,
	    size_t outlen);

#endif
