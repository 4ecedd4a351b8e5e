/* skkd — SPDX-License-Identifier: ISC */
/*
 * logedit: rewrites the transparency log in a stopped skkd's store
 * (daemon/tlog.h's tables) the way an issuer holding its own log key
 * could rewrite history, for logaudit.sh. Every edit but "raw" rebuilds
 * the stored hashes from the entries and signs a new checkpoint, so the
 * store is as self-consistent as an honest one.
 *
 *   logedit DB SKEYFILE drop I		entry I left out, later ones move up
 *   logedit DB SKEYFILE set I EVENT STATUS
 *					entry I's event and status bytes
 *   logedit DB SKEYFILE fork I		entries I onwards a second later
 *   logedit DB SKEYFILE sign		the current tree signed again (with
 *					another key file: a foreign checkpoint)
 *   logedit DB - raw I STATUS		entry I's status in log_entries only:
 *					no hashes, no checkpoint
 *
 * DB is the store directory (data_dir), SKEYFILE a file whose first line
 * is a PRIVATE+KEY+ signer key (keys/log.key). Prints the new size and
 * root; exit 1 with the reason on stderr.
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lmdb.h>

#include "base64.h"
#include "checkpoint.h"
#include "logentry.h"
#include "merkle.h"
#include "note.h"
#include "tile.h"

enum { LE_ENTRIES, LE_HASHES, LE_META, LE_MAX };
static const char *const le_tables[LE_MAX] = {
	"log_entries", "log_hashes", "log_meta"
};

typedef uint8_t	le_entry[LOG_ENTRY_LEN];

static MDB_txn	*txn;
static MDB_dbi	 dbi[LE_MAX];

static void
die(const char *what, const char *why)
{
	fprintf(stderr, "logedit: %s: %s\n", what, why);
	exit(1);
}

static void
be64_put(uint8_t b[8], uint64_t v)
{
	int	i;

	for (i = 7; i >= 0; i--, v >>= 8)
		b[i] = (uint8_t)v;
}

static uint64_t
be64_get(const uint8_t b[8])
{
	uint64_t	v = 0;
	int		i;

	for (i = 0; i < 8; i++)
		v = v << 8 | b[i];
	return v;
}

static int
get(int db, const void *key, size_t klen, MDB_val *d)
{
	MDB_val	k = { klen, (void *)key };

	return mdb_get(txn, dbi[db], &k, d);
}

static void
put(int db, const void *key, size_t klen, const void *data, size_t dlen)
{
	MDB_val	k = { klen, (void *)key }, d = { dlen, (void *)data };
	int	rc;

	if ((rc = mdb_put(txn, dbi[db], &k, &d, 0)) != 0)
		die(le_tables[db], mdb_strerror(rc));
}

/* The entries, all of them, into a new array; *n their count. */
static le_entry *
read_entries(uint64_t *n)
{
	le_entry	*e;
	uint8_t		 k[8];
	MDB_val		 d;
	uint64_t	 i;

	if (get(LE_META, "size", 4, &d) != 0 || d.mv_size != 8)
		die("log_meta", "no size");
	*n = be64_get(d.mv_data);
	if ((e = calloc(*n + 1, LOG_ENTRY_LEN)) == NULL)
		die("entries", strerror(errno));
	for (i = 0; i < *n; i++) {
		be64_put(k, i);
		if (get(LE_ENTRIES, k, 8, &d) != 0 ||
		    d.mv_size != LOG_ENTRY_LEN)
			die("log_entries", "an entry is missing");
		memcpy(e[i], d.mv_data, LOG_ENTRY_LEN);
	}
	return e;
}

static void
put_hash(unsigned level, uint64_t n, const uint8_t h[MERKLE_HASH_LEN])
{
	uint8_t	k[8];

	be64_put(k, tile_stored_index(level, n));
	put(LE_HASHES, k, 8, h, MERKLE_HASH_LEN);
}

static int
fetch_hash(void *arg, unsigned level, uint64_t n,
    uint8_t out[MERKLE_HASH_LEN])
{
	uint8_t	k[8];
	MDB_val	d;

	be64_put(k, tile_stored_index(level, n));
	if (get(LE_HASHES, k, 8, &d) != 0 || d.mv_size != MERKLE_HASH_LEN)
		return -1;
	memcpy(out, d.mv_data, MERKLE_HASH_LEN);
	return 0;
}

/* The tables emptied and filled again from e, as the daemon appends. */
static void
rewrite(le_entry *e, uint64_t n)
{
	uint8_t		k[8], h[MERKLE_HASH_LEN], left[MERKLE_HASH_LEN];
	uint64_t	i, m;
	unsigned	level;
	int		rc;

	if ((rc = mdb_drop(txn, dbi[LE_ENTRIES], 0)) != 0 ||
	    (rc = mdb_drop(txn, dbi[LE_HASHES], 0)) != 0)
		die("drop", mdb_strerror(rc));
	for (i = 0; i < n; i++) {
		be64_put(k, i);
		put(LE_ENTRIES, k, 8, e[i], LOG_ENTRY_LEN);
		merkle_leaf_hash(e[i], LOG_ENTRY_LEN, h);
		put_hash(0, i, h);
		for (level = 0, m = i; m & 1; level++, m >>= 1) {
			if (fetch_hash(NULL, level, m - 1, left) == -1)
				die("log_hashes", "a left hash is missing");
			merkle_node_hash(left, h, h);
			put_hash(level + 1, m >> 1, h);
		}
	}
	be64_put(k, n);
	put(LE_META, "size", 4, k, 8);
}

/* A checkpoint for the stored tree of size n, signed with skey. */
static void
sign(const char *keyfile, uint64_t n)
{
	struct note_key		key;
	struct merkle_tree	t = { fetch_hash, NULL, n, NULL };
	struct checkpoint	cp;
	char			line[NOTE_KEY_MAX + 2], err[MERKLE_ERR_MAX];
	char			text[512], note[1024], root[64];
	size_t			len;
	FILE			*f;
	int			tl;

	if ((f = fopen(keyfile, "r")) == NULL ||
	    fgets(line, sizeof(line), f) == NULL)
		die(keyfile, "cannot read a key");
	fclose(f);
	line[strcspn(line, "\r\n")] = '\0';
	if (note_skey_parse(line, &key, err, sizeof(err)) == -1)
		die(keyfile, err);
	memset(&cp, 0, sizeof(cp));
	snprintf(cp.origin, sizeof(cp.origin), "%s", key.name);
	cp.size = n;
	if (merkle_root(&t, cp.root, err, sizeof(err)) == -1)
		die("root", err);
	if ((tl = checkpoint_format(&cp, text, sizeof(text))) == -1 ||
	    note_sign(&key, text, (size_t)tl, note, sizeof(note), &len) == -1)
		die("checkpoint", "cannot sign");
	note_key_release(&key);
	put(LE_META, "checkpoint", 10, note, len);
	base64_encode(cp.root, MERKLE_HASH_LEN, root, sizeof(root));
	printf("size %llu\nroot %s\n", (unsigned long long)n, root);
}

static uint64_t
index_arg(const char *s, uint64_t n)
{
	char			*end;
	unsigned long long	 v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || end == s || v >= n)
		die(s, "not the index of an entry");
	return v;
}

static uint8_t
byte_arg(const char *s)
{
	char	*end;
	long	 v = strtol(s, &end, 10);

	if (*end != '\0' || end == s || v < 0 || v > 255)
		die(s, "not a byte");
	return (uint8_t)v;
}

static void
open_store(const char *dir, MDB_env **env)
{
	int	i, rc;

	if ((rc = mdb_env_create(env)) != 0 ||
	    (rc = mdb_env_set_maxdbs(*env, 16)) != 0 ||
	    (rc = mdb_env_open(*env, dir, 0, 0600)) != 0 ||
	    (rc = mdb_txn_begin(*env, NULL, 0, &txn)) != 0)
		die(dir, mdb_strerror(rc));
	for (i = 0; i < LE_MAX; i++)
		if ((rc = mdb_dbi_open(txn, le_tables[i], 0, &dbi[i])) != 0)
			die(le_tables[i], mdb_strerror(rc));
}

static void
usage(void)
{
	fprintf(stderr, "usage: logedit DB SKEYFILE drop|fork I\n"
	    "       logedit DB SKEYFILE set I EVENT STATUS\n"
	    "       logedit DB SKEYFILE sign\n"
	    "       logedit DB - raw I STATUS\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	MDB_env		*env;
	le_entry	*e;
	uint8_t		 k[8];
	uint64_t	 n, i, t;
	const char	*op;
	int		 rc;

	if (argc < 4)
		usage();
	op = argv[3];
	open_store(argv[1], &env);
	e = read_entries(&n);
	if (strcmp(op, "drop") == 0 && argc == 5) {
		i = index_arg(argv[4], n);
		memmove(e[i], e[i + 1], (n - i - 1) * LOG_ENTRY_LEN);
		rewrite(e, --n);
	} else if (strcmp(op, "set") == 0 && argc == 7) {
		i = index_arg(argv[4], n);
		e[i][1] = byte_arg(argv[5]);
		e[i][45] = byte_arg(argv[6]);
		rewrite(e, n);
	} else if (strcmp(op, "fork") == 0 && argc == 5) {
		for (i = index_arg(argv[4], n); i < n; i++) {
			t = be64_get(e[i] + 2);
			be64_put(e[i] + 2, t + 1);
		}
		rewrite(e, n);
	} else if (strcmp(op, "sign") == 0 && argc == 4) {
		;
	} else if (strcmp(op, "raw") == 0 && argc == 6) {
		i = index_arg(argv[4], n);
		e[i][45] = byte_arg(argv[5]);
		be64_put(k, i);
		put(LE_ENTRIES, k, 8, e[i], LOG_ENTRY_LEN);
	} else
		usage();
	if (strcmp(op, "raw") != 0)
		sign(argv[2], n);
	free(e);
	if ((rc = mdb_txn_commit(txn)) != 0)
		die("commit", mdb_strerror(rc));
	mdb_env_close(env);
	return 0;
}
