/* skkd — SPDX-License-Identifier: ISC */
/*
 * witness.conf and the witness's state files. The configuration uses
 * the key = value syntax of kv.c; relative paths are relative to the
 * file's directory, as in skk.conf.
 */

#include <sys/random.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checkpoint.h"
#include "cosig.h"
#include "errf.h"
#include "hex.h"
#include "kv.h"
#include "wstate.h"

struct wstate_parse {
	struct wstate	*w;
	const char	*dir;		/* of the configuration */
	char		 keypath[PATH_MAX];
};

/* The state file of origin: dir/hex(SHA-256(origin)), and suffix. */
static int
wstate_file(const struct wstate *w, const char *origin, const char *suffix,
    char *out, size_t outlen)
{
	uint8_t	md[32];
	char	hex[65];
	int	n;

	if (sign_sha256((const uint8_t *)origin, strlen(origin), md) == -1)
		return -1;
	hex_encode(md, sizeof(md), hex);
	n = snprintf(out, outlen, "%s/%s%s", w->dir, hex, suffix);
	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

/* "ORIGIN VKEY": a log, or one more key of a log already named. */
static int
wstate_set_log(struct wstate *w, const char *v, char *err, size_t errlen)
{
	const char		*sp = strchr(v, ' ');
	struct witness_log	*l = NULL;
	size_t			 i, olen;

	if (sp == NULL || (olen = (size_t)(sp - v)) == 0 ||
	    olen > CHECKPOINT_ORIGIN_MAX)
		return errf(err, errlen, "log: expected ORIGIN VERIFIER-KEY");
	for (i = 0; i < w->nlog; i++)
		if (strlen(w->log[i].origin) == olen &&
		    memcmp(w->log[i].origin, v, olen) == 0)
			l = &w->log[i];
	if (l == NULL) {
		if (w->nlog == WSTATE_LOGS_MAX)
			return errf(err, errlen, "log: more than %d logs",
			    WSTATE_LOGS_MAX);
		l = &w->log[w->nlog++];
		memcpy(l->origin, v, olen);
		l->origin[olen] = '\0';
	}
	if (l->nkey == WITNESS_LOG_KEYS)
		return errf(err, errlen, "log: more than %d keys for '%s'",
		    WITNESS_LOG_KEYS, l->origin);
	while (*sp == ' ')
		sp++;
	if (note_vkey_parse(sp, &l->key[l->nkey], err, errlen) == -1)
		return -1;
	l->nkey++;
	return 0;
}

static int
wstate_kv(const char *key, const char *value, void *arg, char *err,
    size_t errlen)
{
	struct wstate_parse	*p = arg;
	struct wstate		*w = p->w;

	if (strcmp(key, "listen") == 0)
		return skkconf_split_hostport(value, w->host, sizeof(w->host),
		    w->port, sizeof(w->port), err, errlen);
	if (strcmp(key, "key") == 0)
		return skkconf_path(p->dir, value, p->keypath,
		    sizeof(p->keypath), err, errlen);
	if (strcmp(key, "state") == 0)
		return skkconf_path(p->dir, value, w->dir, sizeof(w->dir),
		    err, errlen);
	if (strcmp(key, "log") == 0)
		return wstate_set_log(w, value, err, errlen);
	return errf(err, errlen, "unknown setting '%s'", key);
}

/* The witness's signer key string from path (one line). */
static int
wstate_key(struct wstate *w, const char *path, char *err, size_t errlen)
{
	struct stat	 st;
	char		*buf, why[NOTE_ERR_MAX];
	size_t		 len;
	int		 r;

	if (stat(path, &st) == 0 && (st.st_mode & 077) != 0)
		return errf(err, errlen, "'%s': mode %04o, expected 0600",
		    path, (unsigned)(st.st_mode & 07777));
	if ((buf = skkconf_read(path, &len, err, errlen)) == NULL)
		return -1;
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		len--;
	buf[len] = '\0';
	r = cosig_skey_parse(buf, &w->key, why, sizeof(why));
	explicit_bzero(buf, len);
	free(buf);
	return r == -1 ? errf(err, errlen, "%s: %s", path, why) : 0;
}

/* The state of log l from its file, if any. */
static int
wstate_read_log(struct wstate *w, size_t i, char *err, size_t errlen)
{
	struct witness_log	*l = &w->log[i];
	struct checkpoint	 cp;
	struct note		 nt;
	char			 path[PATH_MAX], why[NOTE_ERR_MAX];
	char			*buf;
	size_t			 len;

	if (wstate_file(w, l->origin, "", path, sizeof(path)) == -1)
		return errf(err, errlen, "state: path too long");
	if (access(path, F_OK) == -1 && errno == ENOENT)
		return 0;
	if ((buf = skkconf_read(path, &len, err, errlen)) == NULL)
		return -1;
	if (note_parse(buf, len, &nt, why, sizeof(why)) == -1 ||
	    checkpoint_parse(nt.text, nt.textlen, &cp, why,
	    sizeof(why)) == -1) {
		free(buf);
		return errf(err, errlen, "%s: %s", path, why);
	}
	if (strcmp(cp.origin, l->origin) != 0) {
		free(buf);
		return errf(err, errlen, "%s: origin '%s', not '%s'", path,
		    cp.origin, l->origin);
	}
	l->size = cp.size;
	memcpy(l->root, cp.root, sizeof(l->root));
	w->note[i] = buf;
	w->notelen[i] = len;
	return 0;
}

/* What the file must name, and every log's state. */
static int
wstate_finish(struct wstate *w, struct wstate_parse *p, const char *path,
    char *err, size_t errlen)
{
	size_t	i;

	if (w->port[0] == '\0' || p->keypath[0] == '\0' || w->dir[0] == '\0'
	    || w->nlog == 0)
		return errf(err, errlen, "%s: listen, key, state and at "
		    "least one log are required", path);
	if (wstate_key(w, p->keypath, err, errlen) == -1)
		return -1;
	for (i = 0; i < w->nlog; i++)
		if (wstate_read_log(w, i, err, errlen) == -1)
			return -1;
	return 0;
}

int
wstate_load(struct wstate *w, const char *path, char *err, size_t errlen)
{
	struct wstate_parse	 p;
	char			 dir[PATH_MAX], why[KV_VALUE_MAX];
	char			*buf;
	size_t			 len;
	int			 r;

	memset(w, 0, sizeof(*w));
	memset(&p, 0, sizeof(p));
	p.w = w;
	p.dir = dir;
	if ((buf = skkconf_read(path, &len, err, errlen)) == NULL)
		return -1;
	skkconf_dirname(path, dir, sizeof(dir));
	r = kv_parse(buf, len, wstate_kv, &p, why, sizeof(why));
	free(buf);
	if (r == -1)
		return errf(err, errlen, "%s:%s", path, why);
	return wstate_finish(w, &p, path, err, errlen);
}

void
wstate_release(struct wstate *w)
{
	size_t	i, k;

	note_key_release(&w->key);
	for (i = 0; i < w->nlog; i++) {
		for (k = 0; k < w->log[i].nkey; k++)
			note_key_release(&w->log[i].key[k]);
		free(w->note[i]);
	}
	memset(w, 0, sizeof(*w));
}

/* Writes len bytes to path durably: temporary file, fsync, rename. */
static int
wstate_write(const char *dir, const char *path, const char *tmp,
    const char *buf, size_t len, mode_t mode)
{
	ssize_t	n;
	size_t	off;
	int	fd, ok;

	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    mode)) == -1)
		return -1;
	for (off = 0, ok = 1; ok && off < len; off += (size_t)n)
		ok = (n = write(fd, buf + off, len - off)) > 0;
	ok = ok && fsync(fd) == 0;
	if (close(fd) == -1 || !ok || rename(tmp, path) == -1) {
		unlink(tmp);
		return -1;
	}
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	ok = fsync(fd) == 0;
	close(fd);
	return ok ? 0 : -1;
}

int
wstate_save(struct wstate *w, struct witness_log *l,
    const struct checkpoint *cp, const char *note, size_t len, char *err,
    size_t errlen)
{
	size_t	i = (size_t)(l - w->log);
	char	path[PATH_MAX], tmp[PATH_MAX], *copy;

	if (wstate_file(w, l->origin, "", path, sizeof(path)) == -1 ||
	    wstate_file(w, l->origin, ".tmp", tmp, sizeof(tmp)) == -1)
		return errf(err, errlen, "state: path too long");
	if ((copy = malloc(len)) == NULL)
		return errf(err, errlen, "out of memory");
	memcpy(copy, note, len);
	if (wstate_write(w->dir, path, tmp, note, len, 0644) == -1) {
		free(copy);
		return errf(err, errlen, "cannot write '%s': %s", path,
		    strerror(errno));
	}
	l->size = cp->size;
	memcpy(l->root, cp->root, sizeof(l->root));
	free(w->note[i]);
	w->note[i] = copy;
	w->notelen[i] = len;
	return 0;
}

struct witness_log *
wstate_by_hash(struct wstate *w, const char *hex, size_t len)
{
	char	path[PATH_MAX];
	size_t	i, dl = strlen(w->dir);

	for (i = 0; i < w->nlog; i++)
		if (wstate_file(w, w->log[i].origin, "", path,
		    sizeof(path)) == 0 && len == strlen(path) - dl - 1 &&
		    memcmp(path + dl + 1, hex, len) == 0)
			return &w->log[i];
	return NULL;
}

/* The key file and the configuration of a new witness in dir. */
static int
wstate_write_new(const char *dir, const char *skey, const char *listen,
    char *err, size_t errlen)
{
	char	path[PATH_MAX], tmp[PATH_MAX], conf[1024];
	int	n;

	snprintf(path, sizeof(path), "%s/witness.key", dir);
	snprintf(tmp, sizeof(tmp), "%s/.witness.key.tmp", dir);
	if (wstate_write(dir, path, tmp, skey, strlen(skey), 0600) == -1)
		return errf(err, errlen, "cannot write '%s': %s", path,
		    strerror(errno));
	n = snprintf(conf, sizeof(conf), "# skk witness serve %s/witness.conf"
	    "\nlisten = %s\nkey = witness.key\nstate = state\n"
	    "# one line per log: log = ORIGIN VERIFIER-KEY\n", dir, listen);
	snprintf(path, sizeof(path), "%s/witness.conf", dir);
	snprintf(tmp, sizeof(tmp), "%s/.witness.conf.tmp", dir);
	if (n < 0 || (size_t)n >= sizeof(conf) ||
	    wstate_write(dir, path, tmp, conf, (size_t)n, 0644) == -1)
		return errf(err, errlen, "cannot write '%s': %s", path,
		    strerror(errno));
	return 0;
}

int
wstate_create(const char *dir, const char *name, const char *listen,
    char *vkey, size_t vkeylen, char *err, size_t errlen)
{
	struct note_key	k;
	uint8_t		seed[SIGN_SEED_LEN];
	char		skey[NOTE_KEY_MAX + 2], state[PATH_MAX];
	int		r;

	if (strlen(dir) > PATH_MAX - 32)
		return errf(err, errlen, "'%s': path too long", dir);
	if (mkdir(dir, 0700) == -1)
		return errf(err, errlen, "cannot create '%s': %s", dir,
		    strerror(errno));
	snprintf(state, sizeof(state), "%s/state", dir);
	if (mkdir(state, 0700) == -1)
		return errf(err, errlen, "cannot create '%s': %s", state,
		    strerror(errno));
	if (getrandom(seed, sizeof(seed), 0) != (ssize_t)sizeof(seed))
		return errf(err, errlen, "no random bytes: %s",
		    strerror(errno));
	r = cosig_skey_format(name, seed, skey, sizeof(skey) - 1);
	explicit_bzero(seed, sizeof(seed));
	if (r == -1 || cosig_skey_parse(skey, &k, err, errlen) == -1)
		return r == -1 ? errf(err, errlen, "bad key name '%s'",
		    name) : -1;
	r = note_vkey_format(&k, vkey, vkeylen);
	note_key_release(&k);
	strcat(skey, "\n");
	if (r == -1 || wstate_write_new(dir, skey, listen, err, errlen) == -1)
		r = -1;
	explicit_bzero(skey, sizeof(skey));
	return r;
}
