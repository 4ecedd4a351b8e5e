/* skkd — SPDX-License-Identifier: ISC */
/*
 * logcheck VKEY DIR: checks a copy of an issuer's log as static files
 * (DIR/checkpoint, DIR/tile/...), as fetched from skkd or written by
 * skkd publish, the way an outside reader would: the checkpoint's
 * signature under the verifier key VKEY, every entry bundle's entries
 * decoded, the root recomputed from the entries alone (an in-memory
 * tree, not the daemon's stored hashes), and every hash tile compared
 * with that tree. Prints "size N" and one line per entry:
 *
 *	INDEX EVENT NUMBER|- JOB|- LEVEL STATUS REASON KID BATCH DIGEST TIME
 *
 * (number with its spaces as '_'). Exit 0 when all holds, 1 with the
 * reason on stderr otherwise.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoint.h"
#include "hex.h"
#include "logentry.h"
#include "merkle.h"
#include "note.h"
#include "tile.h"

static const char	*dir;

static void
die(const char *what, const char *why)
{
	fprintf(stderr, "logcheck: %s: %s\n", what, why);
	exit(1);
}

/* The whole file rel under dir; NULL with *len 0 when it is missing. */
static uint8_t *
slurp(const char *rel, size_t *len)
{
	char	 path[4096];
	uint8_t	*buf;
	FILE	*f;
	long	 n;

	*len = 0;
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0 || (buf = malloc(n + 1)) == NULL ||
	    fread(buf, 1, n, f) != (size_t)n)
		die(path, "cannot read");
	fclose(f);
	buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

static void
print_entry(uint64_t i, const struct log_entry *e)
{
	char	kid[17], batch[33], digest[65], number[CERT_NUMBER_LEN + 1];
	size_t	k;

	hex_encode(e->kid, sizeof(e->kid), kid);
	hex_encode(e->batch, sizeof(e->batch), batch);
	hex_encode(e->digest, sizeof(e->digest), digest);
	snprintf(number, sizeof(number), "%s", e->number[0] ? e->number : "-");
	for (k = 0; number[k] != '\0'; k++)
		if (number[k] == ' ')
			number[k] = '_';
	printf("%llu %s %s %s %u %u %s %s %s %s %llu\n",
	    (unsigned long long)i, log_event_name(e->event), number,
	    e->job_code[0] ? e->job_code : "-", e->level, e->status,
	    log_reason_name(e->reason), kid, batch, digest,
	    (unsigned long long)e->time);
}

/* The bundles' entries, printed; their leaf hashes into leaf. */
static void
read_entries(uint64_t size, uint8_t (*leaf)[MERKLE_HASH_LEN])
{
	struct tile		 tl;
	struct log_entry	 e;
	const uint8_t		*ent;
	uint8_t			*buf;
	char			 rel[TILE_PATH_MAX], err[200];
	size_t			 len, off, elen;
	uint64_t		 i = 0;

	tl.level = TILE_ENTRIES;
	for (tl.index = 0; tl.index * TILE_WIDTH < size; tl.index++) {
		tl.width = size - tl.index * TILE_WIDTH >= TILE_WIDTH ?
		    TILE_WIDTH : size % TILE_WIDTH;
		tile_path(&tl, rel, sizeof(rel));
		if ((buf = slurp(rel, &len)) == NULL)
			die(rel, "missing");
		if (tile_bundle_check(buf, len, tl.width, err,
		    sizeof(err)) == -1)
			die(rel, err);
		off = 0;
		while (tile_bundle_next(buf, len, &off, &ent, &elen, err,
		    sizeof(err)) == 1) {
			if (log_entry_decode(ent, elen, &e, err,
			    sizeof(err)) == -1)
				die(rel, err);
			merkle_leaf_hash(ent, elen, leaf[i]);
			print_entry(i++, &e);
		}
		free(buf);
	}
}

/* Every hash tile of the tree against the tree built from the leaves. */
static void
check_tiles(uint64_t size, struct merkle_mem *mem)
{
	struct tile	 tl;
	uint8_t		*buf, h[MERKLE_HASH_LEN];
	char		 rel[TILE_PATH_MAX];
	uint64_t	 n;
	size_t		 len;
	unsigned	 j, lv;

	for (tl.level = 0; tl.level <= 7; tl.level++) {
		lv = (unsigned)tl.level * TILE_HEIGHT;
		if ((n = size >> lv) == 0)
			break;
		for (tl.index = 0; tl.index * TILE_WIDTH < n; tl.index++) {
			tl.width = n - tl.index * TILE_WIDTH >= TILE_WIDTH ?
			    TILE_WIDTH : n % TILE_WIDTH;
			tile_path(&tl, rel, sizeof(rel));
			if ((buf = slurp(rel, &len)) == NULL)
				die(rel, "missing");
			if (len != (size_t)tl.width * MERKLE_HASH_LEN)
				die(rel, "wrong length");
			for (j = 0; j < tl.width; j++) {
				merkle_mem_fetch(mem, lv,
				    tl.index * TILE_WIDTH + j, h);
				if (memcmp(h, buf + j * MERKLE_HASH_LEN,
				    MERKLE_HASH_LEN) != 0)
					die(rel, "a hash differs from the "
					    "entries' tree");
			}
			free(buf);
		}
	}
}

int
main(int argc, char *argv[])
{
	struct note_key		 key;
	struct note		 note;
	struct checkpoint	 cp;
	struct merkle_mem	 mem;
	struct merkle_tree	 tree = { 0 };
	uint8_t			(*leaf)[MERKLE_HASH_LEN], root[MERKLE_HASH_LEN];
	char			*text, err[300];
	size_t			 len;

	if (argc != 3) {
		fprintf(stderr, "usage: logcheck VKEY DIR\n");
		return 2;
	}
	dir = argv[2];
	if (note_vkey_parse(argv[1], &key, err, sizeof(err)) == -1)
		die("key", err);
	if ((text = (char *)slurp("checkpoint", &len)) == NULL)
		die("checkpoint", "missing");
	if (note_parse(text, len, &note, err, sizeof(err)) == -1 ||
	    note_verify(&note, &key, 1, err, sizeof(err)) == -1 ||
	    checkpoint_parse(note.text, note.textlen, &cp, err,
	    sizeof(err)) == -1)
		die("checkpoint", err);
	if (strcmp(cp.origin, key.name) != 0)
		die("checkpoint", "origin is not the key's name");
	printf("size %llu\n", (unsigned long long)cp.size);
	if ((leaf = calloc(cp.size + 1, MERKLE_HASH_LEN)) == NULL)
		die("logcheck", "out of memory");
	read_entries(cp.size, leaf);
	mem.leaf = (const uint8_t (*)[MERKLE_HASH_LEN])leaf;
	mem.n = cp.size;
	tree.fetch = merkle_mem_fetch;
	tree.arg = &mem;
	tree.size = cp.size;
	if (merkle_root(&tree, root, err, sizeof(err)) == -1)
		die("root", err);
	if (memcmp(root, cp.root, sizeof(root)) != 0)
		die("root", "the entries' root is not the checkpoint's");
	check_tiles(cp.size, &mem);
	note_key_release(&key);
	free(leaf);
	free(text);
	return 0;
}
