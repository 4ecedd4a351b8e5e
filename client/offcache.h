/* skkd — SPDX-License-Identifier: ISC */
/*
 * The offline cache of skk sync: only what sync can fetch again, one
 * directory per trusted issuer named from its public host, holding
 *
 *	issuer		the signed issuer descriptor (GET /api/v1/issuer)
 *	status/<n>	signed status lists (GET /status/<n>)
 *	numbers/<n>	signed number maps (GET /numbers/<n>)
 *	*.etag		the ETag each came with, for If-None-Match
 *	synced		when sync last finished for the issuer (text)
 *
 * and registry/<name> for the signed trust lists of registries. Every
 * file is replaced atomically (a temporary file, fsync, rename, the
 * directory synced), so a crash leaves the old file or the new one.
 * Nothing read back is trusted: the readers verify every signature
 * again (offcheck.c).
 */
#ifndef CLIENT_OFFCACHE_H
#define CLIENT_OFFCACHE_H

#include <stddef.h>
#include <stdint.h>

#define OFFCACHE_PATH_MAX	4096
#define OFFCACHE_ETAG_MAX	128

/*
 * The cache's root: opt (--cache) when set, else $XDG_CACHE_HOME/skk,
 * else $HOME/.cache/skk. 0, or -1 with err.
 */
int	offcache_root(const char *opt, char *out, size_t outlen, char *err,
	    size_t errlen);

/*
 * The directory of the issuer at host ("HOST[:PORT]") under root:
 * lower-case letters, digits, '.' and '-' kept, ':' made '+', anything
 * else '_' (and a leading '.'), so no host can name a path outside it.
 * 0, or -1 with err.
 */
int	offcache_issuer_dir(const char *root, const char *host, char *out,
	    size_t outlen, char *err, size_t errlen);

/*
 * Reads dir/name whole, at most max bytes, into *buf (malloc'd, a NUL
 * after the len bytes; the caller frees it): 0, 1 when there is no such
 * file, -1 with err naming the file.
 */
int	offcache_read(const char *dir, const char *name, size_t max,
	    uint8_t **buf, size_t *len, char *err, size_t errlen);

/*
 * Replaces dir/name with len bytes of buf, mode 0644, making the
 * directories it needs (0755). 0, or -1 with err (the old file is then
 * untouched).
 */
int	offcache_write(const char *dir, const char *name, const void *buf,
	    size_t len, char *err, size_t errlen);

/* Whether dir/name exists. */
int	offcache_exists(const char *dir, const char *name);

/* Removes dir/name: 0 (also when it was not there) or -1 with err. */
int	offcache_remove(const char *dir, const char *name, char *err,
	    size_t errlen);

/*
 * The ETag saved for dir/name ("" when none or unreadable) into etag,
 * and saving one ("" removes it). Saving: 0 or -1 with err.
 */
void	offcache_etag(const char *dir, const char *name,
	    char etag[OFFCACHE_ETAG_MAX]);
int	offcache_put_etag(const char *dir, const char *name, const char *etag,
	    char *err, size_t errlen);

#endif
