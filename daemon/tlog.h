/* skkd — SPDX-License-Identifier: ISC */
/*
 * The transparency log in the store (PROTOCOL.md §4): entries by index,
 * the tree's hashes in tile_stored_index() order (so the table only
 * grows at its end), and the latest signed checkpoint, all in the same
 * LMDB transaction as the write they record. A rolled-back job leaves no
 * entry; a committed group carries its checkpoint.
 *
 * Tables: log_entries (be64 index -> 103-byte entry), log_hashes (be64
 * stored index -> 32-byte hash), log_meta ("size" -> be64, "checkpoint"
 * -> the signed note, "cosigned" -> the latest checkpoint witnesses
 * cosigned: its note with their cosignature lines, daemon/wsubmit.c),
 * log_current (certificate number -> be64 index of its latest entry).
 */
#ifndef DAEMON_TLOG_H
#define DAEMON_TLOG_H

#include <stddef.h>
#include <stdint.h>

#include "checkpoint.h"
#include "logentry.h"
#include "merkle.h"
#include "note.h"
#include "store.h"
#include "tile.h"

#define TLOG_CHECKPOINT_MAX	1024	/* a signed checkpoint, bytes */
#define TLOG_NO_INDEX		UINT64_MAX	/* "not logged" in answers */
#define TLOG_META_COSIGNED	"cosigned"
#define TLOG_COSIGNED_MAX	8192	/* a cosigned checkpoint, bytes */

/* The log's signer: its origin and Ed25519 note key. */
struct tlog {
	char		 origin[CHECKPOINT_ORIGIN_MAX + 1];
	struct note_key	 key;
};

/*
 * The origin of the log of public_host ("<host>/log", PROTOCOL.md §4.3)
 * into out; 0 or -1 (err) when it cannot name a note key.
 */
int	tlog_origin(const char *public_host, char *out, size_t outlen,
	    char *err, size_t errlen);
/*
 * Reads the signer key file (PRIVATE+KEY+<origin>+...), which must name
 * public_host's origin; NULL with err naming the file and the problem.
 */
struct tlog *tlog_load(const char *keyfile, const char *public_host,
	    char *err, size_t errlen);
void	tlog_free(struct tlog *);
/*
 * Makes a new log key for public_host's origin in the new file path
 * (mode 0600, never overwritten); vkey gets its verifier key string.
 */
int	tlog_keygen(const char *path, const char *public_host, char *vkey,
	    size_t vkeylen, char *err, size_t errlen);

/*
 * Appends the entry (checked by log_entry_encode) in the txn's current
 * (nested) write, with the tree hashes it completes; *index gets its
 * index. A store code; err says what failed.
 */
int	tlog_append(struct store_wtxn *, const struct log_entry *,
	    uint64_t *index, char *err, size_t errlen);
/*
 * A certificate's entry: the digest is of qr (the COSE_Sign1 bytes) or,
 * when qr is NULL, of the payload stored in the txn. batch may be NULL.
 */
int	tlog_cert(struct store_wtxn *, const struct cert *, unsigned event,
	    unsigned reason, const uint8_t *batch, const uint8_t *qr,
	    size_t qrlen, int64_t now, uint64_t *index, char *err,
	    size_t errlen);
/*
 * log_current: number's latest entry is index (tlog_cert keeps it); and,
 * once per store, the whole table built from the entries (a store whose
 * log predates the table). Store codes.
 */
int	tlog_current_put(struct store_wtxn *, const char *number,
	    uint64_t index, char *err, size_t errlen);
int	tlog_current_build(struct store_wtxn *, char *err, size_t errlen);
/* A key event: kid and the raw public key. */
int	tlog_key(struct store_wtxn *, unsigned event,
	    const uint8_t kid[SIGN_KID_LEN], const uint8_t pub[SIGN_PUB_LEN],
	    int64_t now, uint64_t *index, char *err, size_t errlen);
/*
 * If the tree grew since the stored checkpoint (or there is none), signs
 * one for its current size and stores it in the txn (top level: at the
 * end of a writer group, before its commit). A store code.
 */
int	tlog_checkpoint(const struct tlog *, struct store_wtxn *, char *err,
	    size_t errlen);

/*
 * At start-up: every stored hash is the one the entries give and the
 * stored checkpoint is signed by l over the stored tree. A store code;
 * err names the entry, hash or checkpoint.
 */
int	tlog_check(const struct tlog *, struct store_wtxn *, char *err,
	    size_t errlen);
/* The same in a store_snapshot (daemon/main.c, the writer held). */
int	tlog_check_snapshot(const struct tlog *, struct store *, char *err,
	    size_t errlen);
/*
 * How many records each of the log's tables holds in the txn, then the
 * stored checkpoint's tree size (UINT64_MAX when there is none).
 */
#define TLOG_COUNTS	(STORE_LOG_MAX + 1)
int	tlog_counts(struct store_wtxn *, uint64_t n[TLOG_COUNTS]);

/*
 * Small records of log_meta for daemon/tlogsync.c (names other than
 * "size" and "checkpoint"): get copies up to cap bytes, *len the size.
 */
int	tlog_meta_get(struct store_wtxn *, const char *name, void *buf,
	    size_t cap, size_t *len);
int	tlog_meta_put(struct store_wtxn *, const char *name, const void *buf,
	    size_t len);
/* Entries appended so far, in the txn. A store code. */
int	tlog_wsize(struct store_wtxn *, uint64_t *size);

/* The read API: one snapshot, from tlog_view_begin to tlog_view_end. */
struct view_hc;
struct tlog_view {
	struct store_raw raw;
	struct store_rd	*rd;
	uint64_t	 size;		/* entries appended */
	uint64_t	 ckpt_size;	/* the stored checkpoint's tree size */
	char		 ckpt[TLOG_CHECKPOINT_MAX];	/* NUL-terminated */
	size_t		 ckptlen;	/* 0 when there is none */
	struct view_hc	*hc;		/* this thread's hashes, once found */
};
int	tlog_view_begin(struct store_rd *, struct tlog_view *);
void	tlog_view_end(struct tlog_view *);
/*
 * The latest cosigned checkpoint (meta "cosigned") into out, cap bytes at
 * most (TLOG_COSIGNED_MAX); STORE_NOTFOUND before the first cosignature.
 */
int	tlog_view_cosigned(const struct tlog_view *, char *out, size_t cap,
	    size_t *len);
/*
 * The checkpoint to serve (GET /checkpoint): the stored one, or the
 * cosigned note when it is of that same checkpoint, so with the
 * witnesses' lines after the log's. STORE_NOTFOUND when there is none.
 */
int	tlog_view_served(const struct tlog_view *, char *out, size_t cap,
	    size_t *len);
/* The entry at index: its bytes into out. A store code. */
int	tlog_view_entry(const struct tlog_view *, uint64_t index,
	    uint8_t out[LOG_ENTRY_LEN]);
/* A merkle_fetch_fn over the view (arg: the view). */
int	tlog_view_fetch(void *arg, unsigned level, uint64_t n,
	    uint8_t out[MERKLE_HASH_LEN]);
/* The tree of the view's checkpoint, for proto/merkle. */
void	tlog_view_tree(struct tlog_view *, struct merkle_tree *);
/*
 * The bytes of a tile or entry bundle as the checkpoint's tree serves it,
 * into out (TILE_WIDTH * LOG_ENTRY_MAX bytes at most: see TLOG_TILE_MAX).
 * STORE_OK, STORE_NOTFOUND when the tree does not have it (yet).
 */
#define TLOG_TILE_MAX	(TILE_WIDTH * (2 + LOG_ENTRY_LEN))
int	tlog_view_tile(const struct tlog_view *, const struct tile *,
	    uint8_t *out, size_t *len);

/*
 * The inclusion proof of a certificate's current entry against the
 * cosigned checkpoint when that covers it, else the view's checkpoint.
 * STORE_NOTFOUND when the number has no entry (or no checkpoint yet).
 */
struct tlog_proof {
	uint64_t	index;
	uint64_t	size;			/* of the checkpoint's tree */
	uint8_t		entry[LOG_ENTRY_LEN];
	uint8_t		proof[MERKLE_PROOF_MAX][MERKLE_HASH_LEN];
	size_t		n;
	char		ckpt[TLOG_COSIGNED_MAX];	/* NUL-terminated */
	size_t		ckptlen;
};
int	tlog_view_proof(struct tlog_view *, const char *number,
	    struct tlog_proof *);

#endif
