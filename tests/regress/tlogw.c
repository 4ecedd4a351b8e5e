/* skkd — SPDX-License-Identifier: ISC */
/*
 * The log side of witness.sh: builds trees with proto/merkle's in-memory
 * tree, signs their checkpoints with a note key, and writes add-checkpoint
 * bodies; checks a witness's answer with proto/cosig.
 *
 *   tlogw logkey NAME [LABEL]    signer key, then verifier key, of a log
 *                                named NAME (seed: SHA-256 of NAME LABEL)
 *   tlogw body SKEY OLD SIZE [fork|badproof|noproof]
 *                                the body for the tree of SIZE leaves
 *                                "entry I" ("fork I" for fork), with the
 *                                proof from OLD (one bit flipped for
 *                                badproof, none for noproof)
 *   tlogw verify WVKEY NOTE LINES  the note with the witness's answer
 *                                appended: exit 0 and "good N" when N >= 1
 *                                cosignatures by WVKEY verify
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoint.h"
#include "cosig.h"
#include "merkle.h"
#include "note.h"
#include "witness.h"

static void
die(const char *what)
{
	fprintf(stderr, "tlogw: %s\n", what);
	exit(2);
}

static int
logkey(const char *name, const char *label)
{
	struct note_key	k;
	uint8_t		seed[32];
	char		s[NOTE_KEY_MAX];

	snprintf(s, sizeof(s), "%s%s", name, label);
	if (sign_sha256((const uint8_t *)s, strlen(s), seed) == -1 ||
	    note_skey_format(name, seed, s, sizeof(s)) == -1)
		die("bad name");
	printf("%s\n", s);
	if (note_skey_parse(s, &k, NULL, 0) == -1 ||
	    note_vkey_format(&k, s, sizeof(s)) == -1)
		die("bad key");
	printf("%s\n", s);
	note_key_release(&k);
	return 0;
}

static int
body(const char *skey, uint64_t old, uint64_t size, const char *mode)
{
	static struct witness_req	r;
	static char			out[WITNESS_BODY_MAX];
	struct merkle_mem		mem;
	struct merkle_tree		t = { merkle_mem_fetch, &mem, size, NULL };
	struct checkpoint		cp;
	struct note_key			k;
	uint8_t				(*leaf)[MERKLE_HASH_LEN];
	char				text[512], note[1024], e[64];
	size_t				i, used;
	int				n;

	if (note_skey_parse(skey, &k, NULL, 0) == -1)
		die("bad signer key");
	if ((leaf = calloc(size + 1, MERKLE_HASH_LEN)) == NULL)
		die("out of memory");
	for (i = 0; i < size; i++) {
		n = snprintf(e, sizeof(e), "%s %zu",
		    strcmp(mode, "fork") == 0 ? "fork" : "entry", i);
		merkle_leaf_hash((const uint8_t *)e, (size_t)n, leaf[i]);
	}
	mem.leaf = (const uint8_t (*)[MERKLE_HASH_LEN])leaf;
	mem.n = size;
	memset(&cp, 0, sizeof(cp));
	snprintf(cp.origin, sizeof(cp.origin), "%s", k.name);
	cp.size = size;
	if (merkle_root(&t, cp.root, NULL, 0) == -1 ||
	    (n = checkpoint_format(&cp, text, sizeof(text))) == -1 ||
	    note_sign(&k, text, (size_t)n, note, sizeof(note), &used) == -1)
		die("cannot sign");
	r.old = old;
	if (old > 0 && old <= size && strcmp(mode, "noproof") != 0 &&
	    merkle_consistency_proof(&t, old, r.proof, &r.nproof, NULL,
	    0) == -1)
		die("cannot prove");
	if (strcmp(mode, "badproof") == 0 && r.nproof > 0)
		r.proof[0][0] ^= 1;
	r.note = note;
	r.notelen = used;
	if ((n = witness_req_format(&r, out, sizeof(out))) == -1)
		die("cannot format");
	fwrite(out, 1, (size_t)n, stdout);
	note_key_release(&k);
	free(leaf);
	return 0;
}

static size_t
slurp(const char *path, char *buf, size_t len)
{
	FILE	*f = fopen(path, "r");
	size_t	 n;

	if (f == NULL)
		die("cannot open a file");
	n = fread(buf, 1, len, f);
	fclose(f);
	return n;
}

static int
verify(const char *wvkey, const char *notef, const char *linesf)
{
	static char	buf[NOTE_SIZE_MAX];
	struct note_key	w;
	struct note	nt;
	size_t		n, good;
	uint64_t	t;
	char		err[NOTE_ERR_MAX];

	if (cosig_vkey_parse(wvkey, &w, err, sizeof(err)) == -1)
		die(err);
	n = slurp(notef, buf, sizeof(buf));
	n += slurp(linesf, buf + n, sizeof(buf) - n);
	if (note_parse(buf, n, &nt, err, sizeof(err)) == -1 ||
	    cosig_verify(&nt, &w, 1, &good, &t, err, sizeof(err)) == -1)
		die(err);
	printf("good %zu time %llu\n", good, (unsigned long long)t);
	note_key_release(&w);
	return good >= 1 ? 0 : 1;
}

int
main(int argc, char **argv)
{
	if ((argc == 3 || argc == 4) && strcmp(argv[1], "logkey") == 0)
		return logkey(argv[2], argc == 4 ? argv[3] : "");
	if ((argc == 5 || argc == 6) && strcmp(argv[1], "body") == 0)
		return body(argv[2], strtoull(argv[3], NULL, 10),
		    strtoull(argv[4], NULL, 10), argc == 6 ? argv[5] : "");
	if (argc == 5 && strcmp(argv[1], "verify") == 0)
		return verify(argv[2], argv[3], argv[4]);
	die("usage: tlogw logkey NAME [LABEL] | body SKEY OLD SIZE [MODE] | "
	    "verify WVKEY NOTE LINES");
	return 2;
}
