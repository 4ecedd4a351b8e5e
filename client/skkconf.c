/* skkd — SPDX-License-Identifier: ISC */
/*
 * Reading skk.conf: the shared key = value syntax (proto/kv.c), one
 * handler per key, then the checks that need the whole file (required
 * keys, cert and key together).
 */

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errf.h"
#include "cosig.h"
#include "kv.h"
#include "note.h"
#include "skkconf.h"

struct skkconf_state {
	struct skkconf	*c;
	const char	*dir;
	unsigned	 seen;		/* bit per table entry */
};

struct skkconf_key {
	const char	*name;
	int		(*set)(struct skkconf_state *, const char *, char *,
			    size_t);
};

static int	skkconf_set_server(struct skkconf_state *, const char *, char *,
		    size_t);
static int	skkconf_set_server_name(struct skkconf_state *, const char *,
		    char *, size_t);
static int	skkconf_set_ca(struct skkconf_state *, const char *, char *,
		    size_t);
static int	skkconf_set_cert(struct skkconf_state *, const char *, char *,
		    size_t);
static int	skkconf_set_key(struct skkconf_state *, const char *, char *,
		    size_t);
static int	skkconf_set_pin(struct skkconf_state *, const char *, char *,
		    size_t);
static int	skkconf_set_public_key(struct skkconf_state *, const char *,
		    char *, size_t);
static int	skkconf_set_log_key(struct skkconf_state *, const char *,
		    char *, size_t);
static int	skkconf_set_trust(struct skkconf_state *, const char *,
		    char *, size_t);

static int	skkconf_set_print_offset(struct skkconf_state *, const char *,
		    char *, size_t);
static int	skkconf_set_sign_cert(struct skkconf_state *, const char *,
		    char *, size_t);
static int	skkconf_set_sign_key(struct skkconf_state *, const char *,
		    char *, size_t);

static int	skkconf_add_witness_key(struct skkconf_state *, const char *,
		    char *, size_t);

static const struct skkconf_key skkconf_keys[] = {
	{ "server",	skkconf_set_server },
	{ "server_name", skkconf_set_server_name },
	{ "ca",		skkconf_set_ca },
	{ "cert",	skkconf_set_cert },
	{ "key",	skkconf_set_key },
	{ "pin",	skkconf_set_pin },
	{ "public_key",	skkconf_set_public_key },
	{ "log_key",	skkconf_set_log_key },
	{ "trust",	skkconf_set_trust },
	{ "print_offset_mm", skkconf_set_print_offset },
	{ "pdf_sign_cert", skkconf_set_sign_cert },
	{ "pdf_sign_key", skkconf_set_sign_key },
	{ "witness_key", skkconf_add_witness_key },	/* may repeat */
};
#define SKKCONF_NKEYS	(sizeof skkconf_keys / sizeof skkconf_keys[0])

int
skkconf_path(const char *dir, const char *value, char *out, size_t outlen,
    char *err, size_t errlen)
{
	int	n;

	if (*value == '\0') {
		errf(err, errlen, "empty path");
		return -1;
	}
	if (*value == '/' || dir == NULL || *dir == '\0')
		n = snprintf(out, outlen, "%s", value);
	else
		n = snprintf(out, outlen, "%s/%s", dir, value);
	if (n < 0 || (size_t)n >= outlen) {
		errf(err, errlen, "path too long");
		return -1;
	}
	return 0;
}

static int
skkconf_port_ok(const char *p)
{
	unsigned long	v = 0;

	if (*p == '\0' || strlen(p) > 5)
		return 0;
	for (; *p != '\0'; p++) {
		if (!isdigit((unsigned char)*p))
			return 0;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	return v >= 1 && v <= 65535;
}

int
skkconf_split_hostport(const char *text, char *host, size_t hostlen,
    char *port, size_t portlen, char *err, size_t errlen)
{
	const char	*colon, *h = text, *end;

	if (*text == '[') {
		h = text + 1;
		if ((end = strchr(h, ']')) == NULL || end[1] != ':')
			goto bad;
		colon = end + 1;
	} else {
		if ((colon = strrchr(text, ':')) == NULL ||
		    memchr(text, ':', (size_t)(colon - text)) != NULL)
			goto bad;
		end = colon;
	}
	if (end == h || (size_t)(end - h) >= hostlen ||
	    !skkconf_port_ok(colon + 1) || strlen(colon + 1) >= portlen)
		goto bad;
	memcpy(host, h, (size_t)(end - h));
	host[end - h] = '\0';
	strcpy(port, colon + 1);
	return 0;
bad:
	errf(err, errlen, "'%s': expected HOST:PORT or [ADDRESS]:PORT",
	    text);
	return -1;
}

static int
skkconf_set_server(struct skkconf_state *st, const char *v, char *err,
    size_t errlen)
{
	struct skkconf	*c = st->c;

	if (strlen(v) >= sizeof c->server) {
		errf(err, errlen, "server: too long");
		return -1;
	}
	if (skkconf_split_hostport(v, c->host, sizeof c->host, c->port,
	    sizeof c->port, err, errlen) == -1) {
		/* Prefix the key without losing the reason. */
		char	tmp[256];

		snprintf(tmp, sizeof tmp, "server: %s", err);
		errf(err, errlen, "%s", tmp);
		return -1;
	}
	strcpy(c->server, v);
	return 0;
}

static int
skkconf_set_server_name(struct skkconf_state *st, const char *v, char *err,
    size_t errlen)
{
	if (*v == '\0' || strlen(v) >= sizeof st->c->server_name) {
		errf(err, errlen, "server_name: expected a host name");
		return -1;
	}
	strcpy(st->c->server_name, v);
	return 0;
}

static int
skkconf_set_file(struct skkconf_state *st, const char *key, const char *v,
    char *out, char *err, size_t errlen)
{
	char	why[64];

	if (skkconf_path(st->dir, v, out, PATH_MAX, why, sizeof why) == -1) {
		errf(err, errlen, "%s: %s", key, why);
		return -1;
	}
	return 0;
}

static int
skkconf_set_ca(struct skkconf_state *st, const char *v, char *err,
    size_t errlen)
{
	return skkconf_set_file(st, "ca", v, st->c->ca, err, errlen);
}

static int
skkconf_set_cert(struct skkconf_state *st, const char *v, char *err,
    size_t errlen)
{
	return skkconf_set_file(st, "cert", v, st->c->cert, err, errlen);
}

static int
skkconf_set_key(struct skkconf_state *st, const char *v, char *err,
    size_t errlen)
{
	return skkconf_set_file(st, "key", v, st->c->key, err, errlen);
}

/* The transparency log's verifier key (PROTOCOL.md §4.3), checked here. */
static int
skkconf_set_log_key(struct skkconf_state *st, const char *v, char *err,
    size_t errlen)
{
	struct note_key	k;
	char		why[NOTE_ERR_MAX];

	if (strlen(v) >= sizeof st->c->log_key ||
	    note_vkey_parse(v, &k, why, sizeof why) == -1)
		return errf(err, errlen, "log_key: expected a verifier key "
		    "NAME+ID+KEY%s%s", strlen(v) >= sizeof st->c->log_key ?
		    "" : ": ", strlen(v) >= sizeof st->c->log_key ? "" : why);
	note_key_release(&k);
	strcpy(st->c->log_key, v);
	return 0;
}

static int
skkconf_add_witness_key(struct skkconf_state *st, const char *v, char *err,
    size_t errlen)
{
	struct skkconf	*c = st->c;
	struct note_key	 k;
	char		 why[NOTE_ERR_MAX];

	if (c->nwitness == SKKCONF_WITNESSES)
		return errf(err, errlen, "witness_key: more than %d",
		    SKKCONF_WITNESSES);
	if (strlen(v) >= sizeof c->witness_key[0])
		return errf(err, errlen, "witness_key: too long");
	if (cosig_vkey_parse(v, &k, why, sizeof why) == -1)
		return errf(err, errlen, "witness_key: expected a witness "
		    "verifier key NAME+ID+KEY: %s", why);
	note_key_release(&k);
	strcpy(c->witness_key[c->nwitness++], v);
	return 0;
}

/* The trusted issuers (client/trust.h); default beside this file. */
static int
skkconf_set_trust(struct skkconf_state *st, const char *v, char *err,
    size_t errlen)
{
	return skkconf_set_file(st, "trust", v, st->c->trust, err, errlen);
}

static int
skkconf_set_public_key(struct skkconf_state *st, const char *v, char *err,
    size_t errlen)
{
	return skkconf_set_file(st, "public_key", v, st->c->public_key, err,
	    errlen);
}

/* "X,Y": millimetres right and down, each within +-50. */
static int
skkconf_set_print_offset(struct skkconf_state *st, const char *v,
    char *err, size_t errlen)
{
	char	*end;
	double	 x, y;

	x = strtod(v, &end);
	if (end == v || *end != ',')
		goto bad;
	v = end + 1;
	y = strtod(v, &end);
	if (end == v || *end != '\0' || x < -50 || x > 50 || y < -50 ||
	    y > 50)
		goto bad;
	st->c->print_dx = x;
	st->c->print_dy = y;
	return 0;
bad:
	return errf(err, errlen, "print_offset_mm: expected X,Y in "
	    "millimetres, each -50 to 50 (e.g. 2.5,-1)");
}

static int
skkconf_set_sign_cert(struct skkconf_state *st, const char *v, char *err,
    size_t errlen)
{
	return skkconf_set_file(st, "pdf_sign_cert", v, st->c->sign_cert, err,
	    errlen);
}

static int
skkconf_set_sign_key(struct skkconf_state *st, const char *v, char *err,
    size_t errlen)
{
	return skkconf_set_file(st, "pdf_sign_key", v, st->c->sign_key, err,
	    errlen);
}

static int
skkconf_hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch = tolower(ch);
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

static int
skkconf_set_pin(struct skkconf_state *st, const char *v, char *err,
    size_t errlen)
{
	size_t	i;
	int	hi, lo;

	if (strncasecmp(v, "sha256:", 7) != 0 || strlen(v + 7) != 64)
		goto bad;
	for (i = 0; i < 32; i++) {
		hi = skkconf_hexval((unsigned char)v[7 + 2 * i]);
		lo = skkconf_hexval((unsigned char)v[8 + 2 * i]);
		if (hi == -1 || lo == -1)
			goto bad;
		st->c->pin[i] = (uint8_t)(hi << 4 | lo);
	}
	st->c->has_pin = 1;
	return 0;
bad:
	errf(err, errlen, "pin: expected sha256:<64 hex digits>");
	return -1;
}

static int
skkconf_kv_cb(const char *key, const char *value, void *arg, char *err,
    size_t errlen)
{
	struct skkconf_state	*st = arg;
	size_t			 i;

	for (i = 0; i < SKKCONF_NKEYS; i++) {
		if (strcmp(key, skkconf_keys[i].name) != 0)
			continue;
		if ((st->seen & (1u << i)) &&
		    skkconf_keys[i].set != skkconf_add_witness_key) {
			errf(err, errlen, "duplicate key '%s'", key);
			return -1;
		}
		st->seen |= 1u << i;
		return skkconf_keys[i].set(st, value, err, errlen);
	}
	errf(err, errlen, "unknown key '%s'", key);
	return -1;
}

int
skkconf_parse(struct skkconf *c, const char *buf, size_t len,
    const char *name, const char *dir, char *err, size_t errlen)
{
	struct skkconf_state	st = { c, dir, 0 };
	char			why[512];

	memset(c, 0, sizeof *c);
	snprintf(c->path, sizeof c->path, "%s", name);
	if (kv_parse(buf, len, skkconf_kv_cb, &st, why, sizeof why) == -1) {
		errf(err, errlen, "%s:%s", name, why);
		return -1;
	}
	if (c->server[0] == '\0') {
		errf(err, errlen, "%s: missing 'server'", name);
		return -1;
	}
	if (c->ca[0] == '\0') {
		errf(err, errlen, "%s: missing 'ca'", name);
		return -1;
	}
	if ((c->cert[0] == '\0') != (c->key[0] == '\0')) {
		errf(err, errlen, "%s: 'cert' and 'key' go together",
		    name);
		return -1;
	}
	if ((c->sign_cert[0] == '\0') != (c->sign_key[0] == '\0')) {
		errf(err, errlen, "%s: 'pdf_sign_cert' and 'pdf_sign_key' go "
		    "together", name);
		return -1;
	}
	if (c->server_name[0] == '\0')
		strcpy(c->server_name, c->host);
	return 0;
}

void
skkconf_dirname(const char *path, char *dir, size_t dirlen)
{
	const char	*slash = strrchr(path, '/');
	size_t		 n;

	if (slash == NULL) {
		dir[0] = '\0';	/* relative to the working directory */
		return;
	}
	n = slash == path ? 1 : (size_t)(slash - path);
	if (n >= dirlen)
		n = dirlen - 1;
	memcpy(dir, path, n);
	dir[n] = '\0';
}

char *
skkconf_read_max(const char *path, size_t max, size_t *len, char *err,
    size_t errlen)
{
	char	*buf = NULL;
	FILE	*f;
	size_t	 n;
	int	 saved;

	if ((f = fopen(path, "r")) == NULL) {
		saved = errno;
		errf(err, errlen, "cannot open '%s': %s", path,
		    strerror(errno));
		errno = saved;
		return NULL;
	}
	if ((buf = malloc(max + 1)) == NULL) {
		errf(err, errlen, "%s: out of memory", path);
		fclose(f);
		errno = ENOMEM;
		return NULL;
	}
	n = fread(buf, 1, max + 1, f);
	if (ferror(f) || n > max) {
		errf(err, errlen, ferror(f) ? "cannot read '%s'" :
		    "'%s': file too large", path);
		free(buf);
		fclose(f);
		errno = EIO;
		return NULL;
	}
	fclose(f);
	*len = n;
	return buf;
}

char *
skkconf_read(const char *path, size_t *len, char *err, size_t errlen)
{
	return skkconf_read_max(path, SKKCONF_FILE_MAX, len, err, errlen);
}

int
skkconf_load(struct skkconf *c, const char *path, char *err, size_t errlen)
{
	char	 dir[PATH_MAX];
	char	*buf;
	size_t	 len;
	int	 rc;

	if ((buf = skkconf_read(path, &len, err, errlen)) == NULL)
		return -1;
	skkconf_dirname(path, dir, sizeof dir);
	rc = skkconf_parse(c, buf, len, path, dir, err, errlen);
	free(buf);
	return rc;
}

const char *
skkconf_find(const char *opt)
{
	const char	*env;

	if (opt != NULL)
		return opt;
	if ((env = getenv("SKK_CONFIG")) != NULL && *env != '\0')
		return env;
	if (access("skk.conf", F_OK) == 0)
		return "skk.conf";
	return NULL;
}
