/* skkd — SPDX-License-Identifier: ISC */
/*
 * Feeds arbitrary bytes to what a witness reads from the network: the
 * add-checkpoint body (whatever is accepted must format back to the
 * same bytes), the decision on it for one log, and the cosignature
 * lines of a note. Whatever is refused must say why.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cosig.h"
#include "witness.h"

#define FUZZ_LOG_VKEY	"skk.test/log+af7c63be+" \
			"AW2tPdzBE3e1hVEGL5oY5pJxERuFtM70dkAl1+hZYcEL"
#define FUZZ_W_VKEY	"witness.skk.example/w1+c1adff8a+" \
			"BNdamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1Ea"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct witness_log	fuzz_log;
static struct note_key		fuzz_w;

static void
fuzz_setup(void)
{
	if (fuzz_w.key != NULL)
		return;
	strcpy(fuzz_log.origin, "skk.test/log");
	if (note_vkey_parse(FUZZ_LOG_VKEY, &fuzz_log.key[0], NULL, 0) == -1 ||
	    cosig_vkey_parse(FUZZ_W_VKEY, &fuzz_w, NULL, 0) == -1)
		abort();
	fuzz_log.nkey = 1;
	fuzz_log.size = 5;
}

static void
fuzz_body(const char *text, size_t size)
{
	static struct witness_req	r;
	static char			out[WITNESS_BODY_MAX + 1];
	struct witness_log		*l;
	struct checkpoint		cp;
	struct note			nt;
	char				err[NOTE_ERR_MAX] = "";
	int				n, code;

	if (witness_req_parse(text, size, &r, err, sizeof(err)) == -1) {
		if (strncmp(err, "line ", 5) != 0 && strncmp(err, "body ", 5))
			abort();
		return;
	}
	n = witness_req_format(&r, out, sizeof(out));
	if (n < 0 || (size_t)n != size || memcmp(out, text, size) != 0)
		abort();
	err[0] = '\0';
	code = witness_decide(&r, &fuzz_log, 1, &nt, &cp, &l, err,
	    sizeof(err));
	if (code != 200 && err[0] == '\0')
		abort();
	if (code == 200 && witness_cosigned(&nt, l, "x\n", out,
	    sizeof(out)) == -1)
		abort();
}

static void
fuzz_cosig(const char *text, size_t size)
{
	struct note	nt;
	size_t		good;
	uint64_t	t;
	char		err[NOTE_ERR_MAX] = "";

	if (note_parse(text, size, &nt, NULL, 0) == -1)
		return;
	if (cosig_verify(&nt, &fuzz_w, 1, &good, &t, err, sizeof(err)) == -1 &&
	    err[0] == '\0')
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*text;

	fuzz_setup();
	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	fuzz_body(text, size);
	fuzz_cosig(text, size);
	free(text);
	return 0;
}
