/* skkd — SPDX-License-Identifier: ISC */
/*
 * Secrets stay in the process. A crash core would hold the NIK secret,
 * the signing keys and recent NIKs: enough to brute-force the structured
 * NIK space against the stored HMACs. So no core is written, the key
 * material lives in mappings excluded from dumps, and the memory of
 * libevent and OpenSSL (where request plaintext passes) is wiped when it
 * is freed, since freed heap keeps its bytes.
 */

#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <openssl/crypto.h>

#include "secmem.h"

/* OpenSSL's secure heap: signing and TLS private keys, ephemeral keys. */
#define SECMEM_HEAP	(1024 * 1024)
#define SECMEM_MINSIZE	16

static void	*secmem_malloc(size_t);
static void	*secmem_realloc(void *, size_t);
static void	 secmem_free_wiped(void *);

static void *
secmem_malloc(size_t n)
{
	return malloc(n);
}

/* Never leaves the old block's bytes behind in a free chunk. */
static void *
secmem_realloc(void *p, size_t n)
{
	size_t	 old;
	void	*q;

	if (p == NULL)
		return malloc(n);
	if (n == 0) {
		secmem_free_wiped(p);
		return NULL;
	}
	if (n <= (old = malloc_usable_size(p)))
		return p;
	if ((q = malloc(n)) == NULL)
		return NULL;
	memcpy(q, p, old);
	explicit_bzero(p, old);
	free(p);
	return q;
}

static void
secmem_free_wiped(void *p)
{
	if (p == NULL)
		return;
	explicit_bzero(p, malloc_usable_size(p));
	free(p);
}

static void *
secmem_ossl_malloc(size_t n, const char *file, int line)
{
	return secmem_malloc(n);
}

static void *
secmem_ossl_realloc(void *p, size_t n, const char *file, int line)
{
	return secmem_realloc(p, n);
}

static void
secmem_ossl_free(void *p, const char *file, int line)
{
	secmem_free_wiped(p);
}

void
secmem_wipe_frees(void)
{
	/* Both refuse once they have allocated: this runs first in main. */
	CRYPTO_set_mem_functions(secmem_ossl_malloc, secmem_ossl_realloc,
	    secmem_ossl_free);
	event_set_mem_functions(secmem_malloc, secmem_realloc,
	    secmem_free_wiped);
}

int
secmem_init(char *err, size_t errlen)
{
	struct rlimit	rl;

	/* The unit's LimitCORE=0 may have done it (setrlimit is filtered). */
	if (getrlimit(RLIMIT_CORE, &rl) == -1 || rl.rlim_max != 0) {
		rl.rlim_cur = rl.rlim_max = 0;
		if (setrlimit(RLIMIT_CORE, &rl) == -1) {
			snprintf(err, errlen, "cannot disable core dumps "
			    "(RLIMIT_CORE): %s", strerror(errno));
			return -1;
		}
	}
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1) {
		snprintf(err, errlen, "cannot disable core dumps: %s",
		    strerror(errno));
		return -1;
	}
	/* 2: usable, but not locked in memory (RLIMIT_MEMLOCK). */
	if (CRYPTO_secure_malloc_init(SECMEM_HEAP, SECMEM_MINSIZE) == 0) {
		snprintf(err, errlen, "cannot set up OpenSSL's secure heap");
		return -1;
	}
	return 0;
}

void *
secmem_alloc(size_t n)
{
	void	*p;

	p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
	    -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	if (madvise(p, n, MADV_DONTDUMP) == -1) {
		munmap(p, n);
		return NULL;
	}
	(void)mlock(p, n);	/* best effort: never swapped out */
	return p;
}

void
secmem_release(void *p, size_t n)
{
	if (p == NULL)
		return;
	explicit_bzero(p, n);
	munlock(p, n);
	munmap(p, n);
}
