/* skkd — SPDX-License-Identifier: ISC */
/*
 * Signing-key management: the keys.conf index, loading the keyring and
 * the active key at start-up, applying a changed index on SIGHUP, and the
 * rotate-key and retire-key subcommands. A running daemon never frees a
 * key before it exits: worker threads read the keyring without locks.
 */

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "keyfile.h"
#include "keys.h"
#include "hex.h"
#include "skkd.h"

#define KIDHEX	(2 * SIGN_KID_LEN + 1)

/* Signing keys replaced by a reload: freed at exit only. */
static struct sign_key	*retired[KEYRING_MAX + 1];
static size_t		 nretired;

static int
keys_path(const struct conf *c, const char *file, char *out, size_t len)
{
	char	tmp[CONF_PATH_MAX];

	snprintf(tmp, sizeof(tmp), "%s", c->signing_key);
	if ((size_t)snprintf(out, len, "%s/%s", dirname(tmp), file) >= len)
		return -1;
	return 0;
}

void
keys_kid_hex(const uint8_t kid[SIGN_KID_LEN], char out[KIDHEX])
{
	hex_encode(kid, SIGN_KID_LEN, out);
}

static int
kid_parse(const char *hex, uint8_t kid[SIGN_KID_LEN])
{
	return hex_decode(hex, strlen(hex), kid, SIGN_KID_LEN) ==
	    SIGN_KID_LEN ? 0 : -1;
}

/* Loads the private key of e and checks it is the key the index names. */
static struct sign_key *
keys_load_entry(const struct conf *c, const struct keys_entry *e, char *err,
    size_t errlen)
{
	struct sign_key	*k;
	char		 path[CONF_PATH_MAX], hex[KIDHEX];

	if (keys_path(c, e->file, path, sizeof(path)) == -1) {
		snprintf(err, errlen, "%s: path too long", e->file);
		return NULL;
	}
	if ((k = keyfile_load_private(path, err, errlen)) == NULL)
		return NULL;
	if (memcmp(sign_key_kid(k), e->kid, SIGN_KID_LEN) != 0) {
		keys_kid_hex(sign_key_kid(k), hex);
		snprintf(err, errlen, "%s: holds key %s, not the one "
		    KEYS_INDEX " names", path, hex);
		sign_key_free(k);
		return NULL;
	}
	return k;
}

/* No index: the one key of signing_key, valid forever. */
static int
keys_index_legacy(const struct conf *c, struct keys_index *ix, char *err,
    size_t errlen)
{
	struct sign_key	*k;
	char		 tmp[CONF_PATH_MAX];

	if ((k = keyfile_load_private(c->signing_key, err, errlen)) == NULL)
		return -1;
	memset(ix, 0, sizeof(*ix));
	memcpy(ix->e[0].kid, sign_key_kid(k), SIGN_KID_LEN);
	snprintf(tmp, sizeof(tmp), "%s", c->signing_key);
	snprintf(ix->e[0].file, sizeof(ix->e[0].file), "%s", basename(tmp));
	ix->n = 1;
	sign_key_free(k);
	return 0;
}

static int
keys_parse_line(char *line, struct keys_entry *e)
{
	char		kid[64], file[256];
	long long	from, to, comp;
	char		extra;

	if (sscanf(line, "%63s %255s %lld %lld %lld %c", kid, file, &from,
	    &to, &comp, &extra) != 5 || kid_parse(kid, e->kid) == -1 ||
	    strchr(file, '/') != NULL || from < 0 || to < 0 || comp < 0)
		return -1;
	snprintf(e->file, sizeof(e->file), "%s", file);
	e->valid_from = from;
	e->valid_to = to;
	e->compromised_at = comp;
	return 0;
}

int
keys_index_read(const struct conf *c, struct keys_index *ix, char *err,
    size_t errlen)
{
	FILE	*f;
	char	 path[CONF_PATH_MAX], line[512], *p;
	int	 lineno = 0;

	if (keys_path(c, KEYS_INDEX, path, sizeof(path)) == -1) {
		snprintf(err, errlen, "keys directory: path too long");
		return -1;
	}
	if ((f = fopen(path, "r")) == NULL) {
		if (errno == ENOENT)
			return keys_index_legacy(c, ix, err, errlen);
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	memset(ix, 0, sizeof(*ix));
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		for (p = line; isspace((unsigned char)*p); p++)
			;
		if (*p == '#' || *p == '\0')
			continue;
		if (ix->n == KEYRING_MAX ||
		    keys_parse_line(p, &ix->e[ix->n]) == -1) {
			snprintf(err, errlen, "%s:%d: %s", path, lineno,
			    ix->n == KEYRING_MAX ? "too many keys" :
			    "expected KID FILE FROM TO COMPROMISED_AT");
			fclose(f);
			return -1;
		}
		ix->n++;
	}
	fclose(f);
	if (ix->n == 0) {
		snprintf(err, errlen, "%s: no keys", path);
		return -1;
	}
	return 0;
}

static int
keys_index_print(FILE *f, const struct keys_index *ix)
{
	char	hex[KIDHEX];
	size_t	i;

	fprintf(f, "# skkd signing keys; see skkd(8). Written by skkd "
	    "rotate-key and retire-key.\n"
	    "# KID FILE VALID_FROM VALID_TO COMPROMISED_AT (unix seconds, "
	    "0: open/never)\n");
	for (i = 0; i < ix->n; i++) {
		keys_kid_hex(ix->e[i].kid, hex);
		fprintf(f, "%s %s %lld %lld %lld\n", hex, ix->e[i].file,
		    (long long)ix->e[i].valid_from,
		    (long long)ix->e[i].valid_to,
		    (long long)ix->e[i].compromised_at);
	}
	return fflush(f) == 0 && fsync(fileno(f)) == 0 ? 0 : -1;
}

int
keys_index_write(const struct conf *c, const struct keys_index *ix,
    char *err, size_t errlen)
{
	FILE	*f;
	char	 path[CONF_PATH_MAX], tmp[CONF_PATH_MAX + 8];
	int	 fd, rc;

	if (keys_path(c, KEYS_INDEX, path, sizeof(path)) == -1) {
		snprintf(err, errlen, "keys directory: path too long");
		return -1;
	}
	snprintf(tmp, sizeof(tmp), "%s.new", path);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) == -1 || (f = fdopen(fd, "w")) == NULL) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	rc = keys_index_print(f, ix);
	if (fclose(f) != 0 || rc == -1 || rename(tmp, path) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* The last open-ended, uncompromised key: rotation appends. */
int
keys_index_active(const struct keys_index *ix)
{
	size_t	i;

	for (i = ix->n; i > 0; i--)
		if (ix->e[i - 1].valid_to == 0 &&
		    ix->e[i - 1].compromised_at == 0)
			return i - 1;
	return -1;
}

static int
keys_add_public(struct keyring *kr, const struct sign_key *priv,
    const struct keys_entry *e)
{
	struct keyring_entry	*ke;
	struct sign_key		*pub;

	if (kr->n == KEYRING_MAX ||
	    (pub = sign_key_from_public(sign_key_public(priv))) == NULL)
		return -1;
	ke = &kr->k[kr->n];
	ke->key = pub;
	ke->valid_from = e->valid_from;
	ke->valid_to = e->valid_to;
	ke->compromised_at = e->compromised_at;
	/* Readers see the entry complete before they see the count. */
	__atomic_store_n(&kr->n, kr->n + 1, __ATOMIC_RELEASE);
	return 0;
}

int
keys_load(struct skkd *s, char *err, size_t errlen)
{
	struct keys_index	 ix;
	struct sign_key		*k;
	size_t			 i;
	int			 active;

	keyring_init(&s->keyring);
	if (keys_index_read(&s->conf, &ix, err, errlen) == -1)
		return -1;
	if ((active = keys_index_active(&ix)) == -1) {
		snprintf(err, errlen, "no active signing key (all retired): "
		    "run skkd rotate-key");
		return -1;
	}
	for (i = 0; i < ix.n; i++) {
		if ((k = keys_load_entry(&s->conf, &ix.e[i], err, errlen)) ==
		    NULL)
			return -1;
		if (keys_add_public(&s->keyring, k, &ix.e[i]) == -1) {
			sign_key_free(k);
			snprintf(err, errlen, "cannot build the keyring");
			return -1;
		}
		if ((int)i == active)
			s->signkey = k;
		else
			sign_key_free(k);
	}
	return 0;
}

static struct keyring_entry *
keys_find(struct keyring *kr, const uint8_t kid[SIGN_KID_LEN])
{
	return (struct keyring_entry *)keyring_find(kr, kid);
}

int
keys_reload(struct skkd *s, char *err, size_t errlen)
{
	struct keys_index	 ix;
	struct sign_key		*add[KEYRING_MAX] = { 0 }, *sk = NULL;
	struct keyring_entry	*ke;
	size_t			 i, nnew = 0;
	int			 active;

	if (keys_index_read(&s->conf, &ix, err, errlen) == -1)
		return -1;
	if ((active = keys_index_active(&ix)) == -1) {
		snprintf(err, errlen, "no active signing key in the index");
		return -1;
	}
	/* Load everything first, so a bad file changes nothing. */
	for (i = 0; i < ix.n; i++) {
		if (keys_find(&s->keyring, ix.e[i].kid) != NULL &&
		    (int)i != active)
			continue;
		if ((add[i] = keys_load_entry(&s->conf, &ix.e[i], err,
		    errlen)) == NULL)
			goto fail;
		if (keys_find(&s->keyring, ix.e[i].kid) == NULL)
			nnew++;
	}
	if (s->keyring.n + nnew > KEYRING_MAX) {
		snprintf(err, errlen, "too many keys");
		goto fail;
	}
	for (i = 0; i < ix.n; i++) {
		if ((ke = keys_find(&s->keyring, ix.e[i].kid)) != NULL) {
			__atomic_store_n(&ke->valid_from, ix.e[i].valid_from,
			    __ATOMIC_RELAXED);
			__atomic_store_n(&ke->valid_to, ix.e[i].valid_to,
			    __ATOMIC_RELAXED);
			__atomic_store_n(&ke->compromised_at,
			    ix.e[i].compromised_at, __ATOMIC_RELAXED);
		} else
			keys_add_public(&s->keyring, add[i], &ix.e[i]);
		if ((int)i == active)
			sk = add[i];
		else
			sign_key_free(add[i]);
	}
	if (memcmp(sign_key_kid(sk), sign_key_kid(s->signkey),
	    SIGN_KID_LEN) == 0)
		sign_key_free(sk);
	else
		retired[nretired++ % (KEYRING_MAX + 1)] =
		    __atomic_exchange_n(&s->signkey, sk, __ATOMIC_ACQ_REL);
	return 0;
fail:
	for (i = 0; i < ix.n; i++)
		sign_key_free(add[i]);
	return -1;
}

void
keys_release(struct skkd *s)
{
	size_t	i;

	for (i = 0; i < nretired && i < KEYRING_MAX + 1; i++)
		sign_key_free(retired[i]);
	nretired = 0;
	sign_key_free(s->signkey);
	s->signkey = NULL;
	keyring_release(&s->keyring);
}

static int
keys_save_new(const struct conf *c, struct keys_entry *e, char *err,
    size_t errlen)
{
	struct sign_key	*k;
	char		 hex[KIDHEX], path[CONF_PATH_MAX];
	int		 rc = -1;

	if ((k = sign_key_generate()) == NULL) {
		snprintf(err, errlen, "cannot generate a key");
		return -1;
	}
	keys_kid_hex(sign_key_kid(k), hex);
	memcpy(e->kid, sign_key_kid(k), SIGN_KID_LEN);
	snprintf(e->file, sizeof(e->file), "signing-%s.pem", hex);
	if (keys_path(c, e->file, path, sizeof(path)) == 0 &&
	    keyfile_save_private(k, path, err, errlen) == 0) {
		snprintf(path + strlen(path) - 4, 5, ".pub");
		rc = keyfile_save_public(k, path, err, errlen);
	}
	sign_key_free(k);
	return rc;
}

int
keys_rotate(const struct conf *c, char kid[KIDHEX], char *err, size_t errlen)
{
	struct keys_index	 ix;
	struct keys_entry	*e;
	int			 active;

	if (keys_index_read(c, &ix, err, errlen) == -1)
		return -1;
	if (ix.n == KEYRING_MAX) {
		snprintf(err, errlen, "the keyring is full (%d keys)",
		    KEYRING_MAX);
		return -1;
	}
	e = &ix.e[ix.n];
	memset(e, 0, sizeof(*e));
	/*
	 * valid_from stays open: a certificate's iat is its issue date,
	 * which may lie before the rotation.
	 */
	if (keys_save_new(c, e, err, errlen) == -1)
		return -1;
	if ((active = keys_index_active(&ix)) != -1)
		ix.e[active].valid_to = time(NULL);
	ix.n++;
	keys_kid_hex(e->kid, kid);
	return keys_index_write(c, &ix, err, errlen);
}

int
keys_index_match(const struct keys_index *ix, const char *kid, char *err,
    size_t errlen)
{
	char	hex[KIDHEX];
	size_t	i, len = strlen(kid);
	int	found = -1;

	for (i = 0; i < ix->n; i++) {
		keys_kid_hex(ix->e[i].kid, hex);
		if (len == 0 || strncasecmp(hex, kid, len) != 0)
			continue;
		if (found != -1) {
			snprintf(err, errlen, "'%s' names several keys", kid);
			return -1;
		}
		found = i;
	}
	if (found == -1)
		snprintf(err, errlen, "no key '%s' in " KEYS_INDEX, kid);
	return found;
}

int
keys_retire(const struct conf *c, const char *kid, int64_t at, char *err,
    size_t errlen)
{
	struct keys_index	 ix;
	int64_t			 now = time(NULL);
	int			 i;

	if (keys_index_read(c, &ix, err, errlen) == -1 ||
	    (i = keys_index_match(&ix, kid, err, errlen)) == -1)
		return -1;
	ix.e[i].compromised_at = at;
	if (ix.e[i].valid_to == 0 || ix.e[i].valid_to > now)
		ix.e[i].valid_to = now;
	if (keys_index_active(&ix) == -1) {
		snprintf(err, errlen, "'%s' is the only active signing key: "
		    "run skkd rotate-key first", kid);
		return -1;
	}
	return keys_index_write(c, &ix, err, errlen);
}

int64_t
keys_window_end(const struct keyring_entry *k)
{
	int64_t	to = __atomic_load_n(&k->valid_to, __ATOMIC_RELAXED);
	int64_t	at = __atomic_load_n(&k->compromised_at, __ATOMIC_RELAXED);

	if (at != 0 && (to == 0 || at - 1 < to))
		return at - 1;
	return to;
}

int
keys_parse_time(const char *s, int64_t *out)
{
	static const char *const fmts[] = {
		"%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d"
	};
	struct tm	 tm;
	const char	*end;
	char		*e;
	size_t		 i;

	if (*s >= '0' && *s <= '9' && strchr(s, '-') == NULL) {
		errno = 0;
		*out = strtoll(s, &e, 10);
		return errno != 0 || *e != '\0' ? -1 : 0;
	}
	for (i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		memset(&tm, 0, sizeof(tm));
		if ((end = strptime(s, fmts[i], &tm)) == NULL)
			continue;
		if (*end == 'Z')
			end++;
		if (*end != '\0')
			continue;
		*out = timegm(&tm);
		return 0;
	}
	return -1;
}
