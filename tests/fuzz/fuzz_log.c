/* skkd — SPDX-License-Identifier: ISC */
/*
 * Feeds arbitrary bytes to every parser of the transparency log: signed
 * notes (then verified against a fixed key), checkpoints, log entries,
 * tile paths, entry bundles, base64 and the proof verifiers. Whatever
 * one refuses must say why; whatever it accepts must write back to the
 * same bytes.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "checkpoint.h"
#include "logentry.h"
#include "merkle.h"
#include "note.h"
#include "tile.h"

#define FUZZ_VKEY	"PeterNeumann+c74f20a3+" \
			"ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fuzz_note(const char *text, size_t size)
{
	static struct note_key	k;
	struct note		nt;
	char			err[NOTE_ERR_MAX] = "";

	if (k.key == NULL && note_vkey_parse(FUZZ_VKEY, &k, err,
	    sizeof(err)) == -1)
		abort();
	if (note_parse(text, size, &nt, err, sizeof(err)) == -1) {
		if (err[0] == '\0')
			abort();
		return;
	}
	if (nt.nsig == 0 || nt.textlen >= size)
		abort();
	err[0] = '\0';
	if (note_verify(&nt, &k, 1, err, sizeof(err)) == -1 && err[0] == '\0')
		abort();
}

static void
fuzz_checkpoint(const char *text, size_t size)
{
	struct checkpoint	cp, back;
	static char		out[70000];
	char			err[CHECKPOINT_ERR_MAX] = "";
	int			n;

	if (checkpoint_parse(text, size, &cp, err, sizeof(err)) == -1) {
		if (err[0] == '\0')
			abort();
		return;
	}
	n = checkpoint_format(&cp, out, sizeof(out));
	if (n < 0 || (size_t)n != size || memcmp(out, text, size) != 0)
		abort();
	if (checkpoint_parse(out, (size_t)n, &back, err, sizeof(err)) == -1 ||
	    back.size != cp.size || memcmp(back.root, cp.root, 32) != 0)
		abort();
}

static void
fuzz_entry(const uint8_t *data, size_t size)
{
	struct log_entry	e;
	uint8_t			out[LOG_ENTRY_LEN];
	char			err[160] = "";

	if (log_entry_decode(data, size, &e, err, sizeof(err)) == -1) {
		if (strncmp(err, "byte ", 5) != 0)
			abort();
		return;
	}
	if (log_entry_encode(&e, out, err, sizeof(err)) == -1 ||
	    memcmp(out, data, sizeof(out)) != 0)
		abort();
}

static void
fuzz_tile(const char *path, const uint8_t *data, size_t size)
{
	struct tile	t;
	char		out[TILE_PATH_MAX], err[160] = "";

	if (tile_parse_path(path, &t, err, sizeof(err)) == 0) {
		if (tile_path(&t, out, sizeof(out)) == -1 ||
		    strcmp(out, path) != 0)
			abort();
	} else if (strncmp(err, "byte ", 5) != 0)
		abort();
	err[0] = '\0';
	if (tile_bundle_check(data, size, size % 257, err, sizeof(err)) == -1 &&
	    strncmp(err, "byte ", 5) != 0)
		abort();
}

static void
fuzz_base64(const char *text, size_t size)
{
	static uint8_t	out[65536];
	static char	back[90000];
	size_t		bad;
	ssize_t		n;

	if ((n = base64_decode(text, size, out, sizeof(out), &bad)) == -1) {
		if (bad > size)
			abort();
		return;
	}
	if (base64_encode(out, (size_t)n, back, sizeof(back)) == -1 ||
	    strlen(back) != size || memcmp(back, text, size) != 0)
		abort();
}

/* index, size, a leaf, a root and a proof carved from the bytes. */
static void
fuzz_proofs(const uint8_t *data, size_t size)
{
	uint64_t	a, b;
	size_t		n;
	char		err[MERKLE_ERR_MAX];

	if (size < 16 + 2 * MERKLE_HASH_LEN)
		return;
	memcpy(&a, data, 8);
	memcpy(&b, data + 8, 8);
	a %= 1024;
	b %= 1024;
	n = (size - 16 - 2 * MERKLE_HASH_LEN) / MERKLE_HASH_LEN;
	if (n > MERKLE_PROOF_MAX)
		n = MERKLE_PROOF_MAX;
	merkle_verify_inclusion(a, b, data + 16, (const uint8_t (*)[32])(data +
	    16 + 2 * MERKLE_HASH_LEN), n, data + 48, err, sizeof(err));
	merkle_verify_consistency(a, b, data + 16, data + 48,
	    (const uint8_t (*)[32])(data + 16 + 2 * MERKLE_HASH_LEN), n, err,
	    sizeof(err));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*text;

	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	fuzz_note(text, size);
	fuzz_checkpoint(text, size);
	fuzz_entry(data, size);
	fuzz_tile(text, data, size);
	fuzz_base64(text, size);
	fuzz_proofs(data, size);
	free(text);
	return 0;
}
