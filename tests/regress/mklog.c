/* skkd — SPDX-License-Identifier: ISC */
/*
 * Writes a transparency log as static files (PROTOCOL.md §4.4: the
 * checkpoint, hash tiles and entry bundles) from a text description, so
 * the auditor can be tested without a daemon, and tampered with in the
 * ways an issuer rewriting its history would.
 *
 * Usage: mklog --genkey NAME		prints a PRIVATE+KEY line, then the
 *					verifier key line
 *	  mklog [options] SKEY DESC DIR
 * DESC has one entry per line, fields separated by blanks ('#' starts a
 * comment line):
 *	EVENT TIME NUMBER JOB LEVEL STATUS REASON KID BATCH DIGEST
 * EVENT a name of log_event_name ("issue", "key-add", ...), TIME unix
 * seconds, NUMBER with '-' for its spaces, KID, BATCH and DIGEST in hex;
 * a field an event does not use is "-".
 * Options (indices are 0-based, in DESC's order):
 *	-n SIZE		publish only the first SIZE entries (after the edits)
 *	--drop I	leave entry I out of the history
 *	--status I=S	rewrite entry I's status byte to S, then sign
 *	--fork I	flip a bit of entry I's digest, then sign
 *	--edit I=S	rewrite entry I's status in its bundle only, after
 *			the checkpoint and hash tiles were made from the
 *			original (a stored file edited, not re-signed)
 */

#include <sys/stat.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "checkpoint.h"
#include "hex.h"
#include "logentry.h"
#include "merkle.h"
#include "note.h"
#include "tile.h"

#define ML_MAX	(1u << 22)	/* entries */

typedef uint8_t	ml_hash[MERKLE_HASH_LEN];

struct ml_opts {
	uint64_t	size;		/* UINT64_MAX: all */
	int64_t		drop, status_at, fork, edit_at;
	unsigned	status, edit;
};

static uint8_t	(*ml_entry)[LOG_ENTRY_LEN];
static uint64_t	  ml_n;

static void
ml_die(const char *what, unsigned line, const char *why)
{
	if (line > 0)
		fprintf(stderr, "mklog: %s:%u: %s\n", what, line, why);
	else
		fprintf(stderr, "mklog: %s: %s\n", what, why);
	exit(1);
}

static unsigned
ml_event(const char *name)
{
	unsigned	e;

	for (e = 1; e < LOG_EVENT_MAX; e++)
		if (strcmp(log_event_name(e), name) == 0)
			return e;
	return 0;
}

static void
ml_hex(const char *f, uint8_t *out, size_t len, const char *desc,
    unsigned line)
{
	memset(out, 0, len);
	if (strcmp(f, "-") != 0 &&
	    hex_decode(f, strlen(f), out, len) != (ssize_t)len)
		ml_die(desc, line, "bad hex field");
}

/* One line of the description into the next entry. */
static void
ml_line(char *s, const char *desc, unsigned line)
{
	struct log_entry	 e;
	char			*f[10], *p, err[160];
	int			 n = 0;

	for (p = strtok(s, " \t\n"); p != NULL && n < 10;
	    p = strtok(NULL, " \t\n"))
		f[n++] = p;
	if (n == 0 || f[0][0] == '#')
		return;
	if (n != 10 || strtok(NULL, " \t\n") != NULL)
		ml_die(desc, line, "expected 10 fields");
	memset(&e, 0, sizeof e);
	e.version = LOG_ENTRY_VERSION;
	if ((e.event = (uint8_t)ml_event(f[0])) == 0)
		ml_die(desc, line, "unknown event");
	e.time = strtoull(f[1], NULL, 10);
	if (strcmp(f[2], "-") != 0) {
		snprintf(e.number, sizeof e.number, "%s", f[2]);
		for (p = e.number; *p != '\0'; p++)
			if (*p == '-')
				*p = ' ';
	}
	if (strcmp(f[3], "-") != 0)
		snprintf(e.job_code, sizeof e.job_code, "%s", f[3]);
	e.level = (uint8_t)atoi(f[4]);
	e.status = (uint8_t)atoi(f[5]);
	e.reason = (uint8_t)atoi(f[6]);
	ml_hex(f[7], e.kid, sizeof e.kid, desc, line);
	ml_hex(f[8], e.batch, sizeof e.batch, desc, line);
	ml_hex(f[9], e.digest, sizeof e.digest, desc, line);
	if (ml_n == ML_MAX)
		ml_die(desc, line, "too many entries");
	if (log_entry_encode(&e, ml_entry[ml_n], err, sizeof err) == -1)
		ml_die(desc, line, err);
	ml_n++;
}

static void
ml_read(const char *desc)
{
	FILE		*f;
	char		 buf[1024];
	unsigned	 line = 0;

	if ((f = fopen(desc, "r")) == NULL)
		ml_die(desc, 0, strerror(errno));
	if ((ml_entry = calloc(ML_MAX, LOG_ENTRY_LEN)) == NULL)
		ml_die(desc, 0, "out of memory");
	while (fgets(buf, sizeof buf, f) != NULL)
		ml_line(buf, desc, ++line);
	fclose(f);
}

/* The edits that make a different, re-signed history. */
static void
ml_tamper(const struct ml_opts *o)
{
	if (o->drop >= 0 && (uint64_t)o->drop < ml_n) {
		memmove(ml_entry[o->drop], ml_entry[o->drop + 1],
		    (ml_n - (uint64_t)o->drop - 1) * LOG_ENTRY_LEN);
		ml_n--;
	}
	if (o->status_at >= 0 && (uint64_t)o->status_at < ml_n)
		ml_entry[o->status_at][45] = (uint8_t)o->status;
	if (o->fork >= 0 && (uint64_t)o->fork < ml_n)
		ml_entry[o->fork][LOG_ENTRY_LEN - 1] ^= 1;
	if (o->size < ml_n)
		ml_n = o->size;
}

static void
ml_mkdirs(const char *dir, const char *rel)
{
	char	path[4096], *p;

	if (mkdir(dir, 0755) == -1 && errno != EEXIST)
		ml_die(dir, 0, strerror(errno));
	snprintf(path, sizeof path, "%s/%s", dir, rel);
	for (p = path + strlen(dir) + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(path, 0755) == -1 && errno != EEXIST)
			ml_die(path, 0, strerror(errno));
		*p = '/';
	}
}

static void
ml_write(const char *dir, const char *rel, const void *p, size_t len)
{
	char	 path[4096];
	FILE	*f;

	ml_mkdirs(dir, rel);
	snprintf(path, sizeof path, "%s/%s", dir, rel);
	if ((f = fopen(path, "w")) == NULL ||
	    fwrite(p, 1, len, f) != len || fclose(f) != 0)
		ml_die(path, 0, strerror(errno));
}

/* The hashes of tree level 8 * L, all of them for the published size. */
static ml_hash *
ml_level(ml_hash *below, uint64_t n)
{
	ml_hash		*up;
	uint64_t	  i, m = n / TILE_WIDTH;

	if ((up = calloc(m + 1, MERKLE_HASH_LEN)) == NULL)
		ml_die("tiles", 0, "out of memory");
	for (i = 0; i < m; i++)
		tile_subtree_hash(below[i * TILE_WIDTH], TILE_WIDTH *
		    MERKLE_HASH_LEN, 0, TILE_WIDTH, up[i]);
	return up;
}

static void
ml_tiles(const char *dir, int level, const uint8_t *data, size_t each,
    uint64_t n)
{
	struct tile	t;
	char		path[TILE_PATH_MAX];
	uint64_t	i;

	t.level = level;
	for (i = 0; i * TILE_WIDTH < n; i++) {
		t.index = i;
		t.width = n - i * TILE_WIDTH >= TILE_WIDTH ? TILE_WIDTH :
		    (unsigned)(n - i * TILE_WIDTH);
		if (tile_path(&t, path, sizeof path) == -1)
			ml_die("tile", 0, "no path");
		ml_write(dir, path, data + i * TILE_WIDTH * each,
		    t.width * each);
	}
}

static void
ml_bundles(const char *dir)
{
	uint8_t		*b;
	size_t		 len = 0, cap = (size_t)ml_n * (LOG_ENTRY_LEN + 2) + 1;
	uint64_t	 i;

	if ((b = malloc(cap)) == NULL)
		ml_die("bundles", 0, "out of memory");
	for (i = 0; i < ml_n; i++)
		tile_bundle_append(b, cap, &len, ml_entry[i], LOG_ENTRY_LEN);
	ml_tiles(dir, TILE_ENTRIES, b, LOG_ENTRY_LEN + 2, ml_n);
	free(b);
}

static void
ml_checkpoint(const char *dir, const char *skey,
    const uint8_t root[MERKLE_HASH_LEN])
{
	struct note_key		k;
	struct checkpoint	c;
	char			text[512], note[1024], err[NOTE_ERR_MAX];
	size_t			len;
	int			n;

	if (note_skey_parse(skey, &k, err, sizeof err) == -1)
		ml_die("key", 0, err);
	memset(&c, 0, sizeof c);
	snprintf(c.origin, sizeof c.origin, "%s", k.name);
	c.size = ml_n;
	memcpy(c.root, root, MERKLE_HASH_LEN);
	if ((n = checkpoint_format(&c, text, sizeof text)) == -1 ||
	    note_sign(&k, text, (size_t)n, note, sizeof note, &len) == -1)
		ml_die("checkpoint", 0, "cannot sign");
	note_key_release(&k);
	ml_write(dir, "checkpoint", note, len);
}

static void
ml_publish(const char *skey, const char *dir, const struct ml_opts *o)
{
	ml_hash			 *lv, *up;
	uint8_t			  root[MERKLE_HASH_LEN];
	struct merkle_mem	  mem;
	struct merkle_tree	  t = { 0 };
	uint64_t		  i, n = ml_n;
	int			  level;

	if ((lv = calloc(ml_n + 1, MERKLE_HASH_LEN)) == NULL)
		ml_die("tree", 0, "out of memory");
	for (i = 0; i < ml_n; i++)
		merkle_leaf_hash(ml_entry[i], LOG_ENTRY_LEN, lv[i]);
	mem.leaf = (const uint8_t (*)[MERKLE_HASH_LEN])lv;
	mem.n = ml_n;
	t.fetch = merkle_mem_fetch;
	t.arg = &mem;
	t.size = ml_n;
	if (merkle_root(&t, root, NULL, 0) == -1)
		ml_die("tree", 0, "no root");
	for (level = 0; n > 0; level++) {
		ml_tiles(dir, level, lv[0], MERKLE_HASH_LEN, n);
		up = ml_level(lv, n);
		free(lv);
		lv = up;
		n /= TILE_WIDTH;
	}
	free(lv);
	if (o->edit_at >= 0 && (uint64_t)o->edit_at < ml_n)
		ml_entry[o->edit_at][45] = (uint8_t)o->edit;
	ml_bundles(dir);
	ml_checkpoint(dir, skey, root);
}

static void
ml_genkey(const char *name)
{
	struct note_key	k;
	uint8_t		seed[SIGN_SEED_LEN];
	char		s[NOTE_KEY_MAX], v[NOTE_KEY_MAX], err[NOTE_ERR_MAX];

	if (RAND_bytes(seed, sizeof seed) != 1 ||
	    note_skey_format(name, seed, s, sizeof s) == -1 ||
	    note_skey_parse(s, &k, err, sizeof err) == -1 ||
	    note_vkey_format(&k, v, sizeof v) == -1)
		ml_die(name, 0, "cannot make a key");
	printf("%s\n%s\n", s, v);
	note_key_release(&k);
}

/* "I" or "I=S" of an option. */
static int64_t
ml_index(const char *arg, unsigned *value)
{
	char	*end;
	int64_t	 i = strtoll(arg, &end, 10);

	if (value != NULL) {
		if (*end != '=')
			ml_die(arg, 0, "expected INDEX=VALUE");
		*value = (unsigned)strtoul(end + 1, &end, 10);
	}
	if (*end != '\0' || i < 0)
		ml_die(arg, 0, "bad index");
	return i;
}

int
main(int argc, char **argv)
{
	struct ml_opts	o = { UINT64_MAX, -1, -1, -1, -1, 0, 0 };
	int		i;

	if (argc == 3 && strcmp(argv[1], "--genkey") == 0) {
		ml_genkey(argv[2]);
		return 0;
	}
	for (i = 1; i + 1 < argc && argv[i][0] == '-'; i += 2) {
		if (strcmp(argv[i], "-n") == 0)
			o.size = (uint64_t)ml_index(argv[i + 1], NULL);
		else if (strcmp(argv[i], "--drop") == 0)
			o.drop = ml_index(argv[i + 1], NULL);
		else if (strcmp(argv[i], "--status") == 0)
			o.status_at = ml_index(argv[i + 1], &o.status);
		else if (strcmp(argv[i], "--fork") == 0)
			o.fork = ml_index(argv[i + 1], NULL);
		else if (strcmp(argv[i], "--edit") == 0)
			o.edit_at = ml_index(argv[i + 1], &o.edit);
		else
			ml_die(argv[i], 0, "unknown option");
	}
	if (argc - i != 3) {
		fprintf(stderr, "usage: mklog --genkey NAME\n"
		    "       mklog [-n SIZE] [--drop I] [--status I=S] "
		    "[--fork I] [--edit I=S] SKEY DESC DIR\n");
		return 2;
	}
	ml_read(argv[i + 1]);
	ml_tamper(&o);
	ml_publish(argv[i], argv[i + 2], &o);
	printf("%llu\n", (unsigned long long)ml_n);
	return 0;
}
