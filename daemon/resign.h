/* skkd — SPDX-License-Identifier: ISC */
/*
 * skkd resign: re-signs the live certificates of one signing key with
 * the active key, after that key was retired (skkd(8)).
 */
#ifndef DAEMON_RESIGN_H
#define DAEMON_RESIGN_H

#include <stddef.h>

struct conf;

/*
 * Re-signs every certificate of c's store whose payload kid (hex, or a
 * unique prefix) signed and that is still live (pending, active or
 * suspended, not expired), RESIGN_BATCH to a transaction, recording an
 * EVENT_RESIGN on each. Writes "number,name,url" rows to the new file
 * csv (created 0600, never overwritten) as each batch commits. Safe
 * beside a running daemon: LMDB serialises the two writers. Returns a
 * sysexits status; messages go to stderr, the summary to stdout.
 */
int	resign_run(const struct conf *c, const char *kid, const char *csv);

#endif
