/* skkd — SPDX-License-Identifier: ISC */
/*
 * Feeds arbitrary bytes to the record and event decoders. Whatever one
 * accepts must survive a re-encode: the second decode must succeed and
 * give the same struct, and encoding that must give the same bytes.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fuzz_record(const uint8_t *data, size_t size)
{
	static struct cert	a, b;
	uint8_t			*e1, *e2;
	size_t			 n1, n2;
	char			 err[CERT_ERR_MAX] = "";

	if (record_decode(data, size, &a, err, sizeof(err)) == -1) {
		if (err[0] == '\0')
			abort();
		return;
	}
	if (record_encode(&a, &e1, &n1) == -1)
		abort();
	if (record_decode(e1, n1, &b, err, sizeof(err)) == -1 ||
	    memcmp(&a, &b, sizeof(a)) != 0)
		abort();
	if (record_encode(&b, &e2, &n2) == -1)
		abort();
	if (n1 != n2 || memcmp(e1, e2, n1) != 0 || n1 > size)
		abort();
	free(e1);
	free(e2);
}

static void
fuzz_event(const uint8_t *data, size_t size)
{
	static struct cert_event	a, b;
	uint8_t				*e1, *e2;
	size_t				 n1, n2;
	char				 err[CERT_ERR_MAX] = "";

	if (event_decode(data, size, &a, err, sizeof(err)) == -1) {
		if (err[0] == '\0')
			abort();
		return;
	}
	if (event_encode(&a, &e1, &n1) == -1)
		abort();
	if (event_decode(e1, n1, &b, err, sizeof(err)) == -1 ||
	    memcmp(&a, &b, sizeof(a)) != 0)
		abort();
	if (event_encode(&b, &e2, &n2) == -1)
		abort();
	if (n1 != n2 || memcmp(e1, e2, n1) != 0 || n1 > size)
		abort();
	free(e1);
	free(e2);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_record(data, size);
	fuzz_event(data, size);
	return 0;
}
