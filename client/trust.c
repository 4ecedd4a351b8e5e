/* skkd — SPDX-License-Identifier: ISC */
/*
 * The trust file (trust.h): read line by line into issuers and
 * registries, each field checked with the line that holds it; written
 * back in canonical form with the comments in place, atomically. The
 * tokens and single values of a line are trustline.c's.
 */

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "base64.h"
#include "errf.h"
#include "hex.h"
#include "note.h"
#include "qrpay.h"
#include "trust.h"
#include "trustline.h"

enum trust_line_kind {
	TL_TEXT,	/* a comment or a blank line, kept as it was */
	TL_ISSUER,	/* the next issuer, in order */
	TL_REGISTRY	/* the next registry, in order */
};

struct trust_line {
	enum trust_line_kind	 kind;
	char			*text;		/* TL_TEXT, without '\n' */
};

/* The fields of an issuer line: where each goes, how it is checked. */
struct trust_field {
	const char	*name;
	int		(*set)(struct trust_issuer *, const char *, char *,
			    size_t);
};

static int	trust_set_log_key(struct trust_issuer *, const char *, char *,
		    size_t);
static int	trust_set_name(struct trust_issuer *, const char *, char *,
		    size_t);
static int	trust_set_licence(struct trust_issuer *, const char *, char *,
		    size_t);
static int	trust_set_pin(struct trust_issuer *, const char *, char *,
		    size_t);
static int	trust_set_ca(struct trust_issuer *, const char *, char *,
		    size_t);
static int	trust_set_cert(struct trust_issuer *, const char *, char *,
		    size_t);
static int	trust_set_key(struct trust_issuer *, const char *, char *,
		    size_t);
static int	trust_set_registry(struct trust_issuer *, const char *, char *,
		    size_t);
static int	trust_set_server(struct trust_issuer *, const char *, char *,
		    size_t);
static int	trust_set_server_name(struct trust_issuer *, const char *,
		    char *, size_t);

static const struct trust_field trust_fields[] = {
	{ "log_key",	trust_set_log_key },
	{ "name",	trust_set_name },
	{ "licence",	trust_set_licence },
	{ "pin",	trust_set_pin },
	{ "ca",		trust_set_ca },
	{ "cert",	trust_set_cert },
	{ "key",	trust_set_key },
	{ "registry",	trust_set_registry },
	{ "server",	trust_set_server },
	{ "server_name", trust_set_server_name },
};
#define TRUST_NFIELDS	(sizeof trust_fields / sizeof trust_fields[0])

/* --- values ----------------------------------------------------------- */

int
trust_url_parse(const char *text, char *url, size_t urllen, char *host,
    size_t hostlen, char *err, size_t errlen)
{
	return trustline_url(text, url, urllen, host, hostlen, err, errlen);
}

int
trust_pin_parse(const char *text, uint8_t pin[32], char *err, size_t errlen)
{
	return trustline_pin(text, pin, err, errlen);
}




static int
trust_set_log_key(struct trust_issuer *is, const char *v, char *err,
    size_t errlen)
{
	struct note_key	k;
	char		why[NOTE_ERR_MAX];

	if (strlen(v) >= sizeof is->log_key)
		return errf(err, errlen, "log_key: too long");
	if (note_vkey_parse(v, &k, why, sizeof why) == -1)
		return errf(err, errlen, "log_key: expected a verifier key "
		    "NAME+ID+KEY: %s", why);
	note_key_release(&k);
	strcpy(is->log_key, v);
	return 0;
}

static int
trust_set_name(struct trust_issuer *is, const char *v, char *err,
    size_t errlen)
{
	if (*v == '\0')
		return errf(err, errlen, "name: empty");
	return trustline_copy(is->name, sizeof is->name, v, "name", err, errlen);
}

static int
trust_set_licence(struct trust_issuer *is, const char *v, char *err,
    size_t errlen)
{
	return trustline_copy(is->licence, sizeof is->licence, v, "licence", err,
	    errlen);
}


static int
trust_set_pin(struct trust_issuer *is, const char *v, char *err,
    size_t errlen)
{
	char	why[128];

	if (trustline_pin(v, is->pin, why, sizeof why) == -1)
		return errf(err, errlen, "pin: %s", why);
	is->has_pin = 1;
	return 0;
}

static int
trust_set_path(char *dst, const char *v, const char *what, char *err,
    size_t errlen)
{
	if (*v == '\0')
		return errf(err, errlen, "%s: empty path", what);
	return trustline_copy(dst, PATH_MAX, v, what, err, errlen);
}

static int
trust_set_ca(struct trust_issuer *is, const char *v, char *err,
    size_t errlen)
{
	return trust_set_path(is->ca, v, "ca", err, errlen);
}

static int
trust_set_cert(struct trust_issuer *is, const char *v, char *err,
    size_t errlen)
{
	return trust_set_path(is->cert, v, "cert", err, errlen);
}

static int
trust_set_key(struct trust_issuer *is, const char *v, char *err,
    size_t errlen)
{
	return trust_set_path(is->key, v, "key", err, errlen);
}

static int
trust_set_registry(struct trust_issuer *is, const char *v, char *err,
    size_t errlen)
{
	if (!trustline_word_ok(v) || strlen(v) >= sizeof is->registry)
		return errf(err, errlen, "registry: expected a name of "
		    "letters, digits, '-', '_' and '.'");
	strcpy(is->registry, v);
	return 0;
}

/* The companion port, "HOST:PORT" or "[V6]:PORT". */
static int
trust_set_server(struct trust_issuer *is, const char *v, char *err,
    size_t errlen)
{
	char	host[TRUST_HOST_MAX], port[8], why[256];

	if (strlen(v) >= sizeof is->server)
		return errf(err, errlen, "server: too long");
	if (skkconf_split_hostport(v, host, sizeof host, port, sizeof port,
	    why, sizeof why) == -1)
		return errf(err, errlen, "server: %s", why);
	strcpy(is->server, v);
	return 0;
}

/* The name the companion port's certificate must carry. */
static int
trust_set_server_name(struct trust_issuer *is, const char *v, char *err,
    size_t errlen)
{
	if (!trustline_word_ok(v) || strlen(v) >= sizeof is->server_name)
		return errf(err, errlen, "server_name: expected a host name");
	strcpy(is->server_name, v);
	return 0;
}




/* --- reading a line ---------------------------------------------------- */



static int
trust_field_set(struct trust_issuer *is, unsigned *seen,
    const struct trustline_tok *t, char *err, size_t errlen)
{
	size_t	i;

	if (t->key[0] == '\0')
		return errf(err, errlen, "'%.40s': expected FIELD=VALUE",
		    t->val);
	for (i = 0; i < TRUST_NFIELDS; i++) {
		if (strcmp(t->key, trust_fields[i].name) != 0)
			continue;
		if (*seen & (1u << i))
			return errf(err, errlen, "%s: given twice", t->key);
		*seen |= 1u << i;
		return trust_fields[i].set(is, t->val, err, errlen);
	}
	return errf(err, errlen, "unknown field '%s'", t->key);
}

/* What an issuer needs besides its fields one by one. */
static int
trust_issuer_check(const struct trust_issuer *is, char *err, size_t errlen)
{
	if (is->log_key[0] == '\0')
		return errf(err, errlen, "log_key: missing");
	if (is->name[0] == '\0')
		return errf(err, errlen, "name: missing");
	if ((is->cert[0] == '\0') != (is->key[0] == '\0'))
		return errf(err, errlen, "%s: missing (cert and key go "
		    "together)", is->cert[0] == '\0' ? "cert" : "key");
	if (is->server_name[0] != '\0' && is->server[0] == '\0')
		return errf(err, errlen, "server_name: without server");
	return 0;
}

static int
trust_parse_issuer(const char *p, struct trust_issuer *is, char *err,
    size_t errlen)
{
	struct trustline_tok	*t;
	char			 why[256];
	unsigned		 seen = 0;
	int			 rc;

	if ((t = malloc(sizeof *t)) == NULL)
		return errf(err, errlen, "out of memory");
	memset(is, 0, sizeof *is);
	if ((rc = trustline_token(&p, t, err, errlen)) != 1 || t->key[0] != '\0') {
		if (rc == 0 || t->key[0] != '\0')
			errf(err, errlen, "url: missing");
		goto fail;
	}
	if (trustline_url(t->val, is->url, sizeof is->url, is->host,
	    sizeof is->host, why, sizeof why) == -1) {
		errf(err, errlen, "url: %s", why);
		goto fail;
	}
	while ((rc = trustline_token(&p, t, err, errlen)) == 1)
		if (trust_field_set(is, &seen, t, err, errlen) == -1)
			goto fail;
	if (rc == -1 || trust_issuer_check(is, err, errlen) == -1)
		goto fail;
	free(t);
	return 0;
fail:
	free(t);
	return -1;
}

static int
trust_registry_check(const struct trust_registry *r, char *err,
    size_t errlen)
{
	if (!trustline_word_ok(r->name))
		return errf(err, errlen, "name: expected letters, digits, "
		    "'-', '_' and '.'");
	if (r->key[0] == '\0' || !trustline_text_ok(r->key))
		return errf(err, errlen, "key: expected the base64 of an "
		    "Ed25519 public key or a PEM file");
	if (!trustline_text_ok(r->ca))
		return errf(err, errlen, "ca: control character");
	if (r->url[0] != '\0' && (strncasecmp(r->url, "https://", 8) != 0 ||
	    !trustline_text_ok(r->url) || strpbrk(r->url, " \t\"") != NULL))
		return errf(err, errlen, "url: expected an https:// URL");
	return 0;
}

/* One url=, ca= or pin= of a registry line. */
static int
trust_registry_field(struct trust_registry *r, unsigned *seen,
    const struct trustline_tok *t, char *err, size_t errlen)
{
	static const char *const names[] = { "url", "ca", "pin" };
	char			 why[128];
	size_t			 i;

	for (i = 0; i < 3 && strcmp(t->key, names[i]) != 0; i++)
		;
	if (i == 3)
		return errf(err, errlen, t->key[0] == '\0' ? "'%.40s': "
		    "unexpected" : "unknown field '%s'", t->key[0] == '\0' ?
		    t->val : t->key);
	if (*seen & (1u << i))
		return errf(err, errlen, "%s: given twice", t->key);
	*seen |= 1u << i;
	if (i == 0)
		return trustline_copy(r->url, sizeof r->url, t->val, "url", err,
		    errlen);
	if (i == 1)
		return trust_set_path(r->ca, t->val, "ca", err, errlen);
	if (trustline_pin(t->val, r->pin, why, sizeof why) == -1)
		return errf(err, errlen, "pin: %s", why);
	r->has_pin = 1;
	return 0;
}

static int
trust_parse_registry(const char *p, struct trust_registry *r, char *err,
    size_t errlen)
{
	struct trustline_tok	*t;
	unsigned		 seen = 0;
	int			 rc, npos = 0;

	if ((t = malloc(sizeof *t)) == NULL)
		return errf(err, errlen, "out of memory");
	memset(r, 0, sizeof *r);
	while ((rc = trustline_token(&p, t, err, errlen)) == 1) {
		if (t->key[0] == '\0' && npos < 2) {
			if (strlen(t->val) >= (npos == 0 ? sizeof r->name :
			    sizeof r->key)) {
				errf(err, errlen, "%s: too long", npos == 0 ?
				    "name" : "key");
				goto fail;
			}
			strcpy(npos++ == 0 ? r->name : r->key, t->val);
		} else if (trust_registry_field(r, &seen, t, err,
		    errlen) == -1)
			goto fail;
	}
	if (rc == -1)
		goto fail;
	if (npos < 2) {
		errf(err, errlen, "%s: missing", npos == 0 ? "name" : "key");
		goto fail;
	}
	free(t);
	return trust_registry_check(r, err, errlen);
fail:
	free(t);
	return -1;
}

/* --- the file in memory ------------------------------------------------ */

static int
trust_add_line(struct trust_file *tf, enum trust_line_kind kind,
    const char *text, size_t len)
{
	struct trust_line	*nl;

	if ((nl = reallocarray(tf->lines, tf->nlines + 1, sizeof *nl)) ==
	    NULL)
		return -1;
	tf->lines = nl;
	nl[tf->nlines].kind = kind;
	nl[tf->nlines].text = NULL;
	if (kind == TL_TEXT && (nl[tf->nlines].text = strndup(text, len)) ==
	    NULL)
		return -1;
	tf->nlines++;
	return 0;
}

static int
trust_append_issuer(struct trust_file *tf, const struct trust_issuer *is)
{
	struct trust_issuer	*ni;

	if (tf->niss >= TRUST_ISSUERS_MAX)
		return -1;
	if ((ni = reallocarray(tf->iss, tf->niss + 1, sizeof *ni)) == NULL)
		return -1;
	tf->iss = ni;
	ni[tf->niss++] = *is;
	return 0;
}

static int
trust_append_registry(struct trust_file *tf, const struct trust_registry *r)
{
	struct trust_registry	*nr;

	if ((nr = reallocarray(tf->reg, tf->nreg + 1, sizeof *nr)) == NULL)
		return -1;
	tf->reg = nr;
	nr[tf->nreg++] = *r;
	return 0;
}

static struct trust_registry *
trust_find_registry(const struct trust_file *tf, const char *name)
{
	size_t	i;

	for (i = 0; i < tf->nreg; i++)
		if (strcmp(tf->reg[i].name, name) == 0)
			return &tf->reg[i];
	return NULL;
}

struct trust_issuer *
trust_find(const struct trust_file *tf, const char *host)
{
	char	url[TRUST_URL_MAX], h[TRUST_HOST_MAX], why[64];
	size_t	i;

	if (strncasecmp(host, "https://", 8) == 0) {
		if (trustline_url(host, url, sizeof url, h, sizeof h, why,
		    sizeof why) == -1)
			return NULL;
		host = h;
	}
	for (i = 0; i < tf->niss; i++)
		if (qrpay_host_equal(tf->iss[i].host, host))
			return &tf->iss[i];
	return NULL;
}

/* One line of the file, number lineno, into tf. */
static int
trust_parse_line(struct trust_file *tf, const char *line, size_t len,
    unsigned lineno, char *err, size_t errlen)
{
	struct trust_issuer	 is;
	struct trust_registry	 r;
	const struct trust_issuer *dup;
	const char		*p = line;
	char			*copy;
	int			 rc;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0' || *p == '#')
		return trust_add_line(tf, TL_TEXT, line, len) == -1 ?
		    errf(err, errlen, "out of memory") : 0;
	if (strncmp(p, "issuer", 6) == 0 && (p[6] == ' ' || p[6] == '\t' ||
	    p[6] == '\0')) {
		if (trust_parse_issuer(p + 6, &is, err, errlen) == -1)
			return -1;
		if ((dup = trust_find(tf, is.host)) != NULL)
			return errf(err, errlen, "url: '%s' already on line %u",
			    is.host, dup->line);
		is.line = lineno;
		rc = trust_append_issuer(tf, &is);
		return rc == -1 || trust_add_line(tf, TL_ISSUER, NULL, 0) ==
		    -1 ? errf(err, errlen, "out of memory or more than %d "
		    "issuers", TRUST_ISSUERS_MAX) : 0;
	}
	if (strncmp(p, "registry", 8) == 0 && (p[8] == ' ' || p[8] == '\t' ||
	    p[8] == '\0')) {
		if (trust_parse_registry(p + 8, &r, err, errlen) == -1)
			return -1;
		if (trust_find_registry(tf, r.name) != NULL)
			return errf(err, errlen, "name: registry '%s' given "
			    "twice", r.name);
		r.line = lineno;
		return trust_append_registry(tf, &r) == -1 ||
		    trust_add_line(tf, TL_REGISTRY, NULL, 0) == -1 ?
		    errf(err, errlen, "out of memory") : 0;
	}
	copy = strndup(p, strcspn(p, " \t"));
	errf(err, errlen, "'%.40s': expected 'issuer', 'registry' or a "
	    "# comment", copy != NULL ? copy : "?");
	free(copy);
	return -1;
}

/* Every issuer's registry= names a registry line. */
static int
trust_check_registries(const struct trust_file *tf, unsigned *lineno,
    char *err, size_t errlen)
{
	size_t	i;

	for (i = 0; i < tf->niss; i++) {
		if (tf->iss[i].registry[0] == '\0' ||
		    trust_find_registry(tf, tf->iss[i].registry) != NULL)
			continue;
		*lineno = tf->iss[i].line;
		return errf(err, errlen, "registry: no 'registry %s' line",
		    tf->iss[i].registry);
	}
	return 0;
}

static int
trust_set_path_of(struct trust_file *tf, const char *path, char *err,
    size_t errlen)
{
	if (strlen(path) >= sizeof tf->path)
		return errf(err, errlen, "'%s': path too long", path);
	strcpy(tf->path, path);
	skkconf_dirname(path, tf->dir, sizeof tf->dir);
	return 0;
}

int
trust_parse(struct trust_file *tf, const char *buf, size_t len,
    const char *path, char *err, size_t errlen)
{
	const char	*p = buf, *end = buf + len, *nl, *next;
	char		*line = NULL, why[TRUST_ERR_MAX];
	unsigned	 lineno = 0;
	size_t		 n;

	memset(tf, 0, sizeof *tf);
	if (trust_set_path_of(tf, path, err, errlen) == -1)
		return -1;
	while (p < end) {
		lineno++;
		nl = memchr(p, '\n', (size_t)(end - p));
		n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		next = nl != NULL ? nl + 1 : end;
		if (memchr(p, '\0', n) != NULL) {
			errf(why, sizeof why, "NUL byte");
			goto fail;
		}
		free(line);
		if ((line = strndup(p, n)) == NULL) {
			errf(why, sizeof why, "out of memory");
			goto fail;
		}
		if (n > 0 && line[n - 1] == '\r')
			line[--n] = '\0';
		if (trust_parse_line(tf, line, n, lineno, why, sizeof why) ==
		    -1)
			goto fail;
		p = next;
	}
	if (trust_check_registries(tf, &lineno, why, sizeof why) == -1)
		goto fail;
	free(line);
	return 0;
fail:
	errf(err, errlen, "%s:%u: %s", path, lineno, why);
	free(line);
	trust_release(tf);
	return -1;
}

void
trust_release(struct trust_file *tf)
{
	size_t	i;

	if (tf == NULL)
		return;
	for (i = 0; i < tf->nlines; i++)
		free(tf->lines[i].text);
	free(tf->lines);
	free(tf->iss);
	free(tf->reg);
	tf->lines = NULL;
	tf->iss = NULL;
	tf->reg = NULL;
	tf->nlines = tf->niss = tf->nreg = 0;
}

int
trust_load(struct trust_file *tf, const char *path, char *err,
    size_t errlen)
{
	char	*buf;
	size_t	 len;
	int	 rc;

	memset(tf, 0, sizeof *tf);
	if ((buf = skkconf_read_max(path, TRUST_FILE_MAX, &len, err,
	    errlen)) == NULL)
		return errno == ENOENT ? trust_set_path_of(tf, path, err,
		    errlen) : -1;
	rc = trust_parse(tf, buf, len, path, err, errlen);
	free(buf);
	return rc;
}

/* --- changing it ------------------------------------------------------- */

int
trust_put(struct trust_file *tf, const struct trust_issuer *is, char *err,
    size_t errlen)
{
	struct trust_issuer	 copy, *old;
	char			 why[TRUST_ERR_MAX], url[TRUST_URL_MAX];

	copy = *is;
	if (trustline_url(is->url, url, sizeof url, copy.host,
	    sizeof copy.host, why, sizeof why) == -1)
		return errf(err, errlen, "url: %s", why);
	strcpy(copy.url, url);
	if (trust_set_log_key(&copy, is->log_key, err, errlen) == -1 ||
	    trust_set_name(&copy, is->name, err, errlen) == -1 ||
	    trust_set_licence(&copy, is->licence, err, errlen) == -1 ||
	    (is->ca[0] != '\0' && trust_set_ca(&copy, is->ca, err,
	    errlen) == -1) ||
	    (is->cert[0] != '\0' && trust_set_cert(&copy, is->cert, err,
	    errlen) == -1) ||
	    (is->key[0] != '\0' && trust_set_key(&copy, is->key, err,
	    errlen) == -1) ||
	    (is->registry[0] != '\0' && trust_set_registry(&copy,
	    is->registry, err, errlen) == -1) ||
	    (is->server[0] != '\0' && trust_set_server(&copy, is->server,
	    err, errlen) == -1) ||
	    (is->server_name[0] != '\0' && trust_set_server_name(&copy,
	    is->server_name, err, errlen) == -1) ||
	    trust_issuer_check(&copy, err, errlen) == -1)
		return -1;
	copy.source = TRUST_SRC_FILE;
	if ((old = trust_find(tf, copy.host)) != NULL) {
		copy.line = old->line;
		*old = copy;
		return 0;
	}
	copy.line = 0;
	if (trust_append_issuer(tf, &copy) == -1)
		return errf(err, errlen, "out of memory or more than %d "
		    "issuers", TRUST_ISSUERS_MAX);
	return 1;
}

int
trust_put_registry(struct trust_file *tf, const struct trust_registry *r,
    char *err, size_t errlen)
{
	struct trust_registry	*old;

	if (trust_registry_check(r, err, errlen) == -1)
		return -1;
	if ((old = trust_find_registry(tf, r->name)) != NULL) {
		unsigned	line = old->line;

		*old = *r;
		old->line = line;
		return 0;
	}
	if (trust_append_registry(tf, r) == -1)
		return errf(err, errlen, "out of memory");
	tf->reg[tf->nreg - 1].line = 0;
	return 1;
}

int
trust_remove(struct trust_file *tf, const char *host)
{
	struct trust_issuer	*is;
	size_t			 i, k, seen = 0;

	if ((is = trust_find(tf, host)) == NULL)
		return -1;
	k = (size_t)(is - tf->iss);
	memmove(is, is + 1, (tf->niss - k - 1) * sizeof *is);
	tf->niss--;
	for (i = 0; i < tf->nlines; i++) {
		if (tf->lines[i].kind != TL_ISSUER || seen++ != k)
			continue;
		memmove(&tf->lines[i], &tf->lines[i + 1],
		    (tf->nlines - i - 1) * sizeof tf->lines[0]);
		tf->nlines--;
		break;
	}
	return 0;
}

/* --- writing it -------------------------------------------------------- */


static void
trust_put_field(FILE *f, const char *key, const char *v, int quote)
{
	if (*v == '\0')
		return;
	fprintf(f, " %s=", key);
	trustline_put_value(f, v, quote);
}

static void
trust_write_issuer(FILE *f, const struct trust_issuer *is)
{
	char	hex[65];

	fprintf(f, "issuer %s log_key=%s name=", is->url, is->log_key);
	trustline_put_value(f, is->name, 1);
	trust_put_field(f, "licence", is->licence, 0);
	if (is->has_pin) {
		hex_encode(is->pin, sizeof is->pin, hex);
		fprintf(f, " pin=sha256:%s", hex);
	}
	trust_put_field(f, "ca", is->ca, 0);
	trust_put_field(f, "cert", is->cert, 0);
	trust_put_field(f, "key", is->key, 0);
	trust_put_field(f, "registry", is->registry, 0);
	trust_put_field(f, "server", is->server, 0);
	trust_put_field(f, "server_name", is->server_name, 0);
	fputc('\n', f);
}

static void
trust_write_registry(FILE *f, const struct trust_registry *r)
{
	char	hex[65];

	fprintf(f, "registry %s ", r->name);
	trustline_put_value(f, r->key, 0);
	trust_put_field(f, "url", r->url, 0);
	trust_put_field(f, "ca", r->ca, 0);
	if (r->has_pin) {
		hex_encode(r->pin, sizeof r->pin, hex);
		fprintf(f, " pin=sha256:%s", hex);
	}
	fputc('\n', f);
}

char *
trust_format(const struct trust_file *tf, size_t *len)
{
	FILE	*f;
	char	*buf = NULL;
	size_t	 i, ni = 0, nr = 0;

	if ((f = open_memstream(&buf, len)) == NULL)
		return NULL;
	for (i = 0; i < tf->nlines; i++) {
		if (tf->lines[i].kind == TL_TEXT)
			fprintf(f, "%s\n", tf->lines[i].text);
		else if (tf->lines[i].kind == TL_ISSUER && ni < tf->niss)
			trust_write_issuer(f, &tf->iss[ni++]);
		else if (tf->lines[i].kind == TL_REGISTRY && nr < tf->nreg)
			trust_write_registry(f, &tf->reg[nr++]);
	}
	for (; nr < tf->nreg; nr++)
		trust_write_registry(f, &tf->reg[nr]);
	for (; ni < tf->niss; ni++)
		trust_write_issuer(f, &tf->iss[ni]);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* len bytes to path durably: a temporary file, fsync, rename, the dir. */
static int
trust_write_file(const char *path, const char *dir, const char *buf,
    size_t len, char *err, size_t errlen)
{
	char	tmp[PATH_MAX + 16];
	ssize_t	n;
	size_t	off;
	int	fd, ok;

	if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
		return errf(err, errlen, "'%s': path too long", path);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644)) == -1)
		return errf(err, errlen, "cannot create '%s': %s", tmp,
		    strerror(errno));
	for (off = 0, ok = 1; ok && off < len; off += (size_t)n)
		ok = (n = write(fd, buf + off, len - off)) > 0;
	ok = ok && fchmod(fd, 0644) == 0 && fsync(fd) == 0;
	if (close(fd) == -1 || !ok || rename(tmp, path) == -1) {
		errf(err, errlen, "cannot write '%s': %s", path,
		    strerror(errno));
		unlink(tmp);
		return -1;
	}
	if ((fd = open(*dir != '\0' ? dir : ".", O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) != -1) {
		fsync(fd);
		close(fd);
	}
	return 0;
}

int
trust_save(const struct trust_file *tf, char *err, size_t errlen)
{
	char	*buf;
	size_t	 len;
	int	 rc;

	if ((buf = trust_format(tf, &len)) == NULL)
		return errf(err, errlen, "out of memory");
	rc = trust_write_file(tf->path, tf->dir, buf, len, err, errlen);
	free(buf);
	return rc;
}

/* --- using it ---------------------------------------------------------- */

struct sign_key *
trust_registry_key(const struct trust_file *tf,
    const struct trust_registry *r, char *err, size_t errlen)
{
	uint8_t		 pub[SIGN_PUB_LEN + 3];
	char		 path[PATH_MAX], why[TRUST_ERR_MAX];
	char		*pem;
	size_t		 len, bad;
	struct sign_key	*k;

	if (strlen(r->key) == 44 && base64_decode(r->key, 44, pub,
	    sizeof pub, &bad) == SIGN_PUB_LEN) {
		if ((k = sign_key_from_public(pub)) == NULL)
			errf(err, errlen, "registry %s: not an Ed25519 key",
			    r->name);
		return k;
	}
	if (skkconf_path(tf->dir, r->key, path, sizeof path, why,
	    sizeof why) == -1) {
		errf(err, errlen, "registry %s: %s", r->name, why);
		return NULL;
	}
	if ((pem = skkconf_read_max(path, TRUST_FILE_MAX, &len, err,
	    errlen)) == NULL)
		return NULL;
	k = sign_key_from_pem(pem, len, 0, path, err, errlen);
	free(pem);
	return k;
}

void
trust_conf_path(const struct skkconf *conf, char *path, size_t pathlen)
{
	char	dir[PATH_MAX];

	if (conf->trust[0] != '\0') {
		snprintf(path, pathlen, "%s", conf->trust);
		return;
	}
	skkconf_dirname(conf->path, dir, sizeof dir);
	if (dir[0] == '\0')
		snprintf(path, pathlen, "%s", TRUST_DEFAULT);
	else
		snprintf(path, pathlen, "%s/%s", dir, TRUST_DEFAULT);
}

/*
 * skk.conf's own server as an issuer. Its QR host is the name of its
 * log key without "/log" (PROTOCOL.md §4.3); server_name without one.
 */
static void
trust_own(const struct skkconf *conf, struct trust_issuer *is)
{
	const char	*plus = strchr(conf->log_key, '+');
	size_t		 n = plus != NULL ? (size_t)(plus - conf->log_key) : 0;

	char		 url[TRUST_URL_MAX + 8], host[TRUST_HOST_MAX];

	memset(is, 0, sizeof *is);
	if (n > 4 && n - 4 < sizeof is->host &&
	    memcmp(conf->log_key + n - 4, "/log", 4) == 0)
		snprintf(url, sizeof url, "https://%.*s", (int)(n - 4),
		    conf->log_key);
	else
		snprintf(url, sizeof url, "https://%s", conf->server_name);
	/* canonical as the file's hosts are; else as it came */
	if (trustline_url(url, is->url, sizeof is->url, host, sizeof host,
	    NULL, 0) == 0)
		strcpy(is->host, host);
	else {
		snprintf(is->host, sizeof is->host, "%.*s",
		    (int)sizeof is->host - 1, url + 8);
		snprintf(is->url, sizeof is->url, "https://%s", is->host);
	}
	snprintf(is->name, sizeof is->name, "%s", is->host);
	snprintf(is->log_key, sizeof is->log_key, "%s", conf->log_key);
	snprintf(is->ca, sizeof is->ca, "%s", conf->ca);
	snprintf(is->cert, sizeof is->cert, "%s", conf->cert);
	snprintf(is->key, sizeof is->key, "%s", conf->key);
	is->source = TRUST_SRC_CONF;
}

int
trust_resolve(const struct trust_file *tf, struct trust_issuer *is,
    char *err, size_t errlen)
{
	char	*paths[3] = { is->ca, is->cert, is->key };
	char	 out[PATH_MAX], why[64];
	size_t	 i;

	for (i = 0; i < 3; i++) {
		if (paths[i][0] == '\0')
			continue;
		if (skkconf_path(tf->dir, paths[i], out, sizeof out, why,
		    sizeof why) == -1)
			return errf(err, errlen, "%s:%u: %s", tf->path,
			    is->line, why);
		strcpy(paths[i], out);
	}
	return 0;
}

int
trust_effective(const struct skkconf *conf, const struct trust_file *tf,
    struct trust_issuer **out, size_t *n, char *err, size_t errlen)
{
	struct trust_issuer	*v, *own;
	size_t			 i, k = 1;

	if ((v = calloc(tf->niss + 1, sizeof *v)) == NULL)
		return errf(err, errlen, "out of memory");
	own = &v[0];
	trust_own(conf, own);
	for (i = 0; i < tf->niss; i++) {
		if (own->log_key[0] != '\0' &&
		    strcmp(tf->iss[i].log_key, own->log_key) == 0) {
			/* The file knows the public host and the names. */
			strcpy(own->url, tf->iss[i].url);
			strcpy(own->host, tf->iss[i].host);
			strcpy(own->name, tf->iss[i].name);
			strcpy(own->licence, tf->iss[i].licence);
			own->line = tf->iss[i].line;
			continue;
		}
		v[k] = tf->iss[i];
		if (trust_resolve(tf, &v[k], err, errlen) == -1) {
			free(v);
			return -1;
		}
		k++;
	}
	*out = v;
	*n = k;
	return 0;
}
