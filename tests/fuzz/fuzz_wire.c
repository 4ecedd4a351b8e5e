/* skkd — SPDX-License-Identifier: ISC */
/*
 * Fuzzes the companion-protocol decoder. Input is a message body (no
 * frame header). Whatever decodes must survive every getter on every key
 * and list item, and must re-encode to bytes that decode again and encode
 * to the same bytes once more.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wire.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void	fuzz_getters(const struct wire_msg *, int);
static void	fuzz_reencode(const struct wire_msg *);

static void
fuzz_getters(const struct wire_msg *m, int depth)
{
	const uint8_t	*p;
	size_t		 len, i, n;
	uint64_t	 u;
	int64_t		 v;
	char		 small[4], big[256];
	int		 k;
	volatile size_t	 sink = 0;

	if (depth > WIRE_MAX_DEPTH)
		abort();
	sink += wire_type(m) + wire_id(m);
	sink += (size_t)wire_check_keys(m, 0, big, sizeof(big));
	for (k = 0; k <= WK_MAX; k++) {
		sink += (size_t)wire_has(m, k);
		if (wire_get_uint(m, k, &u) == 0)
			sink += (size_t)u;
		if (wire_get_int(m, k, &v) == 0)
			sink += (size_t)v;
		if (wire_get_str(m, k, small, sizeof(small)) == 0)
			sink += strlen(small);
		if (wire_get_str(m, k, big, sizeof(big)) == 0)
			sink += strlen(big);
		if (wire_get_bytes(m, k, &p, &len) == 0 && len > 0)
			sink += p[0] + p[len - 1];
		n = wire_list_len(m, k);
		for (i = 0; i < n; i++)
			fuzz_getters(wire_list_get(m, k, i), depth + 1);
		if (wire_list_get(m, k, n) != NULL)
			abort();
	}
	(void)sink;
}

static void
fuzz_reencode(const struct wire_msg *m)
{
	struct wire_msg	*d;
	uint8_t		*a, *b;
	size_t		 alen, blen;
	uint32_t	 flen;

	if (wire_encode(m, &a, &alen) == -1)
		abort();
	if (wire_frame_len(a, UINT32_MAX, &flen) == -1 ||
	    flen != alen - WIRE_HDR_LEN)
		abort();
	if ((d = wire_decode(a + WIRE_HDR_LEN, flen, NULL, 0)) == NULL)
		abort();
	if (wire_encode(d, &b, &blen) == -1)
		abort();
	if (alen != blen || memcmp(a, b, alen) != 0)
		abort();
	free(a);
	free(b);
	wire_msg_free(d);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wire_msg	*m;
	uint32_t	 len;
	char		 err[128];

	err[0] = '\0';
	if (size >= WIRE_HDR_LEN)
		(void)wire_frame_len(data, WIRE_MAX_FRAME_DEFAULT, &len);
	if ((m = wire_decode(data, size, err, sizeof(err))) == NULL) {
		if (err[0] == '\0')
			abort();
		return 0;
	}
	fuzz_getters(m, 0);
	fuzz_reencode(m);
	wire_msg_free(m);
	return 0;
}
