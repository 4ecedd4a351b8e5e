/* skkd — SPDX-License-Identifier: ISC */
/*
 * The auditor's judgement of a log's entries, read in order: the rules
 * every honest log keeps (a broken one is a violation) and the patterns
 * worth a look (anomalies), and the issuance report; skk(1) says which.
 */
#ifndef CLIENT_AUDITRULES_H
#define CLIENT_AUDITRULES_H

#include <stddef.h>
#include <stdint.h>

#include "output.h"

#define AUDIT_NIGHT_MIN		100	/* issues in one night to flag */
#define AUDIT_NIGHT_FACTOR	10	/* times the nightly average before */
#define AUDIT_QUICK_REVOKE	600	/* seconds from issue to revoke */
#define AUDIT_TZ_OFFSET		(7 * 3600)	/* WIB, UTC+7: days, nights */

struct audit_rules;

struct audit_rules	*audit_rules_new(void);
void			 audit_rules_free(struct audit_rules *);
/*
 * Sizes the tables for a log of that many entries (a checkpoint's size,
 * up to 16,777,216), so that they need not grow as it is read: only a
 * hint; they grow as needed anyway.
 */
void			 audit_rules_expect(struct audit_rules *, uint64_t);
/* One entry, in log order; an entry that does not decode is a violation. */
void			 audit_rules_entry(struct audit_rules *, uint64_t index,
			    const uint8_t *entry, size_t len);
/* After the last entry: the report's counts and flags; -1 out of memory. */
int			 audit_rules_finish(struct audit_rules *);
size_t			 audit_rules_violations(const struct audit_rules *);
uint64_t		 audit_rules_issued(const struct audit_rules *);
/* The counts, anomalies and violations into the output. */
void			 audit_rules_report(const struct audit_rules *,
			    struct output *);

#endif
