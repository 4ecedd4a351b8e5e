/* skkd — SPDX-License-Identifier: ISC */
/*
 * Keeping secrets and NIKs out of core dumps and out of freed memory.
 */
#ifndef DAEMON_SECMEM_H
#define DAEMON_SECMEM_H

#include <stddef.h>

/*
 * Makes OpenSSL and libevent wipe every block they free or move. Call
 * first in main, before either allocates anything.
 */
void	 secmem_wipe_frees(void);
/*
 * Serving only: no core dumps (RLIMIT_CORE 0, not dumpable, which also
 * keeps other users' ptrace out) and OpenSSL's secure heap, excluded
 * from dumps (MADV_DONTDUMP), for the private keys loaded after it.
 * 0, or -1 with err.
 */
int	 secmem_init(char *err, size_t errlen);
/*
 * n zeroed bytes in a mapping of their own, excluded from dumps, locked
 * if RLIMIT_MEMLOCK allows; NULL on failure. secmem_release wipes it.
 */
void	*secmem_alloc(size_t n);
void	 secmem_release(void *, size_t n);	/* NULL is a no-op */

#endif
