/* skkd — SPDX-License-Identifier: ISC */
/*
 * verify --proof: the keys from skk.conf (log_key, witness_key lines)
 * and the check of one VERIFY answer item's log proof with
 * proto/logproof, for a number or a QR as queried.
 */
#ifndef CLIENT_PROOF_H
#define CLIENT_PROOF_H

#include <stddef.h>

#include "logproof.h"
#include "session.h"
#include "skkconf.h"

struct proof_keys {
	struct note_key	log;
	struct note_key	witness[SKKCONF_WITNESSES];
	size_t		nwitness;
	size_t		k;		/* --witnesses */
};

/*
 * From x->conf; k is the --witnesses value ("" or NULL: 0). 0, or the
 * exit status after saying why (no log_key, K not a number or more than
 * the witness_key lines).
 */
int	proof_keys_load(struct cmd_ctx *x, const char *k,
	    struct proof_keys *);
void	proof_keys_free(struct proof_keys *);

/*
 * Checks the item's LOGINDEX, LOGSIZE, LOGENTRY, PROOF and CHECKPOINT
 * for query (a number, or QR text whose COSE bytes the entry must hash
 * to). 0 with r filled, or -1 with the reason in err.
 */
int	proof_check_item(const struct proof_keys *, const struct wire_msg *it,
	    const char *query, struct logproof *p, struct logproof_result *r,
	    char *err, size_t errlen);

#endif
