/* skkd — SPDX-License-Identifier: ISC */
/*
 * A verdict's log proof, checked in the order a forger would have to
 * beat it: the log key's signature, the tree, the entry's contents, the
 * witnesses.
 */

#include <string.h>

#include "checkpoint.h"
#include "cosig.h"
#include "errf.h"
#include "logproof.h"

/* The note is the log's, and says the tree the proof is for. */
static int
lp_checkpoint(const struct logproof *p, const struct logproof_want *w,
    struct note *note, struct checkpoint *cp, char *err, size_t errlen)
{
	char	why[NOTE_ERR_MAX + CHECKPOINT_ERR_MAX];

	if (note_parse(p->ckpt, p->ckptlen, note, why, sizeof(why)) == -1 ||
	    note_verify(note, w->log, 1, why, sizeof(why)) == -1 ||
	    checkpoint_parse(note->text, note->textlen, cp, why,
	    sizeof(why)) == -1) {
		errf(err, errlen, "checkpoint: %s", why);
		return -1;
	}
	if (strcmp(cp->origin, w->log->name) != 0) {
		errf(err, errlen, "checkpoint: origin '%s' is not the log "
		    "key's name '%s'", cp->origin, w->log->name);
		return -1;
	}
	if (cp->size != p->size) {
		errf(err, errlen, "checkpoint: tree size %llu, but the proof "
		    "is for %llu", (unsigned long long)cp->size,
		    (unsigned long long)p->size);
		return -1;
	}
	return 0;
}

/* The entry is about the certificate asked about. */
static int
lp_entry(const struct logproof *p, const struct logproof_want *w,
    struct log_entry *e, char *err, size_t errlen)
{
	char	why[LOGPROOF_ERR_MAX];

	if (log_entry_decode(p->entry, p->entrylen, e, why,
	    sizeof(why)) == -1) {
		errf(err, errlen, "entry: %s", why);
		return -1;
	}
	if (log_event_is_key(e->event) || strcmp(e->number, w->number) != 0) {
		errf(err, errlen, "entry: names '%s', not certificate '%s'",
		    e->number, w->number);
		return -1;
	}
	if (w->digest != NULL && memcmp(e->digest, w->digest,
	    LOG_DIGEST_LEN) != 0) {
		errf(err, errlen, "entry: its digest is not the SHA-256 of "
		    "this QR's signed message");
		return -1;
	}
	return 0;
}

int
logproof_check(const struct logproof *p, const struct logproof_want *w,
    struct logproof_result *r, char *err, size_t errlen)
{
	struct note		note;
	struct checkpoint	cp;
	uint8_t			leaf[MERKLE_HASH_LEN];
	char			why[MERKLE_ERR_MAX + NOTE_ERR_MAX];

	memset(r, 0, sizeof(*r));
	if (lp_checkpoint(p, w, &note, &cp, err, errlen) == -1)
		return -1;
	if (merkle_leaf_hash(p->entry, p->entrylen, leaf) == -1 ||
	    merkle_verify_inclusion(p->index, p->size, leaf, p->proof, p->n,
	    cp.root, why, sizeof(why)) == -1) {
		errf(err, errlen, "proof: entry %llu is not in the tree of "
		    "%llu entries: %s", (unsigned long long)p->index,
		    (unsigned long long)p->size, why);
		return -1;
	}
	if (lp_entry(p, w, &r->entry, err, errlen) == -1)
		return -1;
	if (w->nwitnesses > 0 && cosig_verify(&note, w->witnesses,
	    w->nwitnesses, &r->witnesses, &r->cosigned_at, why,
	    sizeof(why)) == -1) {
		errf(err, errlen, "witnesses: %s", why);
		return -1;
	}
	if (r->witnesses < w->k) {
		errf(err, errlen, "witnesses: %zu of the %zu known cosigned "
		    "the checkpoint, %zu required", r->witnesses,
		    w->nwitnesses, w->k);
		return -1;
	}
	return 0;
}
