/* skkd — SPDX-License-Identifier: ISC */
/*
 * skk sync: for every trusted issuer (offcheck_trusted), GET
 * /api/v1/issuer, then /status/<n> and /numbers/<n> from n = 0 until a
 * 404, each checked with the issuer's trusted log key before it
 * replaces the cached copy, so the cache only ever holds documents that
 * verified. A list that has not changed costs a 304 (If-None-Match with
 * the ETag it came with). First, each registry of the trust file with a
 * URL: its signed list fetched again and checked with its key, so that
 * an issuer it dropped is no longer trusted (offcheck_trusted). One
 * issuer's failure is reported and the others go on; the exit status
 * says whether all succeeded. --mirror ISSUER=URL reads one issuer's
 * documents from a mirror instead (a static copy, skkd publish's): they
 * are checked exactly as the issuer's own, so the mirror is not trusted.
 */

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include "errf.h"
#include "fetch.h"
#include "note.h"
#include "offcache.h"
#include "offcheck.h"
#include "sync.h"

#define SYNC_ERR_MAX	768

static int	cmd_sync(struct cmd_ctx *, struct cmd_args *);

static const struct cmd_opt sync_opts[] = {
	{ "--cache", 0, NULL }, { "--mirror", 0, NULL }, { NULL, 0, NULL }
};
const struct cmd_form sync_form = { { NULL }, cmd_sync, sync_opts, 0, 0,
	ARGS_PLAIN };

/* The kinds of document an issuer serves. */
enum sync_kind {
	SYNC_ISSUER,
	SYNC_STATUS,
	SYNC_NUMBERS
};

/* One issuer being synced. */
struct sync_run {
	const struct trust_issuer	*t;
	const char			*mirror;	/* URL, or NULL */
	char				 dir[OFFCACHE_PATH_MAX];
	struct note_key			 log;
	struct issuer_desc		*desc;
	struct fetch			*f;
	size_t				 got[3];	/* by kind */
	size_t				 same;		/* 304 or equal */
	int64_t				 as_of;		/* oldest iat */
};

/* Verifies a document of kind k, number n; 0 or -1 with err. */
static int
sync_check(struct sync_run *s, enum sync_kind k, uint32_t n,
    const uint8_t *buf, size_t len, char *err, size_t errlen)
{
	struct sl_list		l;
	struct sl_numbers	m;
	int64_t			iat;

	switch (k) {
	case SYNC_ISSUER:
		if (issuer_desc_open(buf, len, s->log.key, s->desc, err,
		    errlen) != 0)
			return -1;
		if (!qrpay_host_equal(s->desc->host, s->t->host))
			return errf(err, errlen, "the descriptor is of host "
			    "'%s'", s->desc->host);
		return 0;
	case SYNC_STATUS:
		if (sl_open(buf, len, s->log.key, s->desc->host, n, &l, err,
		    errlen) != 0)
			return -1;
		iat = l.h.iat;
		sl_list_release(&l);
		break;
	default:
		if (sl_numbers_open(buf, len, s->log.key, s->desc->host, n, &m,
		    err, errlen) != 0)
			return -1;
		iat = m.h.iat;
		sl_numbers_release(&m);
		break;
	}
	if (s->as_of == 0 || iat < s->as_of)
		s->as_of = iat;
	return 0;
}

/* The cached copy still verifies (after a 304)? 0 or -1. */
static int
sync_cached(struct sync_run *s, enum sync_kind k, uint32_t n,
    const char *name)
{
	uint8_t	*buf;
	size_t	 len;
	char	 e[256];
	int	 rc;

	if (offcache_read(s->dir, name, SL_NUMBERS_MAX, &buf, &len, e,
	    sizeof e) != 0)
		return -1;
	rc = sync_check(s, k, n, buf, len, e, sizeof e);
	free(buf);
	return rc;
}

/*
 * Fetches path into the cache as name: 0, 1 when the server has no such
 * document (404), -1 with err.
 */
static int
sync_doc(struct sync_run *s, enum sync_kind k, uint32_t n, const char *path,
    const char *name, char *err, size_t errlen)
{
	char			 etag[OFFCACHE_ETAG_MAX], e[SYNC_ERR_MAX];
	char			 newtag[OFFCACHE_ETAG_MAX];
	uint8_t			*buf = NULL;
	size_t			 len, max;
	enum fetch_result	 r;
	int			 rc;

	max = k == SYNC_ISSUER ? ISSUER_SIZE_MAX : k == SYNC_STATUS ?
	    SL_TOKEN_MAX : SL_NUMBERS_MAX;
	offcache_etag(s->dir, name, etag);
	r = fetch_get_tag(s->f, path, etag, newtag, sizeof newtag, &buf, &len,
	    max, e, sizeof e);
	/* Unchanged, and the copy here still good: nothing to write. */
	if (r == FETCH_UNCHANGED && sync_cached(s, k, n, name) == 0) {
		s->same++;
		return 0;
	}
	if (r == FETCH_UNCHANGED)
		r = fetch_get(s->f, path, &buf, &len, max, e, sizeof e);
	if (r == FETCH_MISSING)
		return 1;
	if (r != FETCH_OK)
		return errf(err, errlen, "%s", e);
	if ((rc = sync_check(s, k, n, buf, len, e, sizeof e)) == 0)
		rc = offcache_write(s->dir, name, buf, len, e, sizeof e);
	if (rc == 0)
		rc = offcache_put_etag(s->dir, name, newtag, e, sizeof e);
	free(buf);
	if (rc != 0)
		return errf(err, errlen, "%s: %s", path, e);
	return 0;
}

/* Every list (or map) from 0 on; the cached ones past the last dropped. */
static int
sync_lists(struct sync_run *s, enum sync_kind k, char *err, size_t errlen)
{
	const char	*kind = k == SYNC_STATUS ? "status" : "numbers";
	char		 name[32], tag[48];
	uint32_t	 n;
	int		 rc = 0;

	for (n = 0; n < SL_MAX_LISTS; n++) {
		snprintf(name, sizeof name, "%s/%u", kind, n);
		if ((rc = sync_doc(s, k, n, name, name, err, errlen)) != 0)
			break;
		s->got[k]++;
	}
	if (rc == -1)
		return -1;
	/* Lists never shrink; a cached one past the end is left over. */
	for (; n < SL_MAX_LISTS; n++) {
		snprintf(name, sizeof name, "%s/%u", kind, n);
		snprintf(tag, sizeof tag, "%s.etag", name);
		if (!offcache_exists(s->dir, name))
			break;
		if (offcache_remove(s->dir, name, err, errlen) == -1 ||
		    offcache_remove(s->dir, tag, err, errlen) == -1)
			return -1;
	}
	return 0;
}

static int
sync_open(struct sync_run *s, const char *root, char *err, size_t errlen)
{
	struct fetch_tls	tls = { NULL, NULL, NULL, NULL };
	char			e[SYNC_ERR_MAX];

	if (s->t->log_key[0] == '\0')
		return errf(err, errlen, "no log_key to check its documents "
		    "with (set log_key in skk.conf)");
	if (note_vkey_parse(s->t->log_key, &s->log, e, sizeof e) == -1)
		return errf(err, errlen, "log_key: %s", e);
	if (offcache_issuer_dir(root, s->t->host, s->dir, sizeof s->dir, err,
	    errlen) == -1)
		return -1;
	if ((s->desc = calloc(1, sizeof *s->desc)) == NULL)
		return errf(err, errlen, "out of memory");
	/*
	 * Public documents: no client certificate to say who asks. A
	 * mirror's certificate is its own: the pin is not for it.
	 */
	tls.ca = s->t->ca;
	tls.pin = s->t->has_pin && s->mirror == NULL ? s->t->pin : NULL;
	if ((s->f = fetch_new(s->mirror != NULL ? s->mirror : s->t->url, NULL,
	    NULL, err, errlen)) == NULL ||
	    fetch_set_tls(s->f, &tls, err, errlen) == -1)
		return -1;
	return 0;
}

/* "synced <unix> <ISO>" and what came, for people; never trusted. */
static int
sync_record(struct sync_run *s, int64_t now, char *err, size_t errlen)
{
	char	text[256], at[32];
	int	n;

	offcheck_fmt_time(now, at);
	n = snprintf(text, sizeof text, "synced %" PRId64 " %s\nstatus %zu\n"
	    "numbers %zu\n", now, at, s->got[SYNC_STATUS],
	    s->got[SYNC_NUMBERS]);
	return offcache_write(s->dir, "synced", text, (size_t)n, err, errlen);
}

static int
sync_issuer(struct sync_run *s, const char *root, char *err, size_t errlen)
{
	int	rc;

	if (sync_open(s, root, err, errlen) == -1)
		return -1;
	if ((rc = sync_doc(s, SYNC_ISSUER, 0, "api/v1/issuer", "issuer", err,
	    errlen)) == 1)
		return errf(err, errlen, "%s/api/v1/issuer: HTTP 404 (not an "
		    "skkd issuer?)", s->mirror != NULL ? s->mirror : s->t->url);
	if (rc == -1 || sync_lists(s, SYNC_STATUS, err, errlen) == -1 ||
	    sync_lists(s, SYNC_NUMBERS, err, errlen) == -1)
		return -1;
	return sync_record(s, (int64_t)time(NULL), err, errlen);
}

static void
sync_release(struct sync_run *s)
{
	note_key_release(&s->log);
	fetch_free(s->f);
	free(s->desc);
}

/* One line per issuer, on stdout when it worked, stderr when not. */
static void
sync_say(struct cmd_ctx *x, const struct sync_run *s, const char *why)
{
	if (why != NULL) {
		output_sync(x->o, s->t->host, s->t->name, 0, 0, 0, 0, 0, why);
		fprintf(x->err, "skk: sync: %s: %s\n", s->t->host, why);
		return;
	}
	output_sync(x->o, s->desc->host, s->desc->name, 1,
	    s->got[SYNC_STATUS], s->got[SYNC_NUMBERS], s->same, s->as_of,
	    NULL);
}

/* --- registries ------------------------------------------------------ */

/* The TLS settings of a trusted issuer on the URL's host, if any. */
static void
sync_registry_tls(const char *url, const struct trust_issuer *v, size_t n,
    struct fetch_tls *tls)
{
	char	u[TRUST_URL_MAX + 64], host[TRUST_HOST_MAX];
	size_t	i, k;

	/* "https://HOST[:PORT]" of the URL, as trust_url_parse reads it. */
	k = strcspn(url + (strncmp(url, "https://", 8) == 0 ? 8 : 0), "/");
	snprintf(u, sizeof u, "%.*s", (int)(k + 8), url);
	if (trust_url_parse(u, u, sizeof u, host, sizeof host, NULL, 0) == -1)
		return;
	for (i = 0; i < n; i++)
		if (qrpay_host_equal(v[i].host, host)) {
			tls->ca = v[i].ca;
			tls->pin = v[i].has_pin ? v[i].pin : NULL;
			return;
		}
}

/* Names the issuers r's new list dropped, and counts those it added. */
static void
sync_registry_diff(struct cmd_ctx *x, const struct trust_file *tf,
    const struct trust_registry *r, const struct trustlist *tl, size_t *nnew)
{
	size_t	i, k;

	for (i = 0; i < tf->niss; i++)
		if (strcmp(tf->iss[i].registry, r->name) == 0 &&
		    !offcheck_listed(tl, tf->iss[i].host))
			fprintf(x->err, "skk: sync: %s is no longer on %s's "
			    "list: no longer trusted ('skk trust import' "
			    "updates the trust file)\n", tf->iss[i].host,
			    r->name);
	*nnew = 0;
	for (k = 0; k < tl->n; k++)
		*nnew += trust_find(tf, tl->v[k].url) == NULL;
}

static int
sync_registry(struct cmd_ctx *x, const struct trust_file *tf,
    const struct trust_registry *r, const struct trust_issuer *v, size_t n,
    const char *root, char *err, size_t errlen)
{
	struct fetch_tls	 tls = { NULL, NULL, NULL, NULL };
	struct trustlist	 tl;
	struct sign_key		*k = NULL;
	struct fetch		*f = NULL;
	char			 base[TRUST_URL_MAX + 64], dir[OFFCACHE_PATH_MAX];
	char			 at[32], ca[PATH_MAX] = "";
	const char		*slash;
	uint8_t			*buf = NULL;
	size_t			 len, nnew;
	int			 rc = -1;

	trustlist_init(&tl);
	if ((slash = strrchr(r->url, '/')) == NULL || slash[1] == '\0' ||
	    (size_t)(slash - r->url) >= sizeof base)
		return errf(err, errlen, "url '%s': expected https://HOST/PATH",
		    r->url);
	snprintf(base, sizeof base, "%.*s", (int)(slash - r->url), r->url);
	if ((size_t)snprintf(dir, sizeof dir, "%s/%s", root, OC_REGISTRY_DIR) >=
	    sizeof dir)
		return errf(err, errlen, "cache path too long");
	/* The CA and pin it was imported with, else its host's issuer's. */
	if (r->ca[0] != '\0' || r->has_pin) {
		if (r->ca[0] != '\0' && skkconf_path(tf->dir, r->ca, ca,
		    sizeof ca, err, errlen) == -1)
			return -1;
		tls.ca = ca;
		tls.pin = r->has_pin ? r->pin : NULL;
	} else
		sync_registry_tls(r->url, v, n, &tls);
	if ((k = trust_registry_key(tf, r, err, errlen)) != NULL &&
	    (f = fetch_new(base, NULL, NULL, err, errlen)) != NULL &&
	    fetch_set_tls(f, &tls, err, errlen) == 0 &&
	    fetch_get(f, slash + 1, &buf, &len, TL_SIZE_MAX, err, errlen) ==
	    FETCH_OK && trustlist_open(buf, len, k, (int64_t)time(NULL), &tl,
	    err, errlen) == 0 && offcache_write(dir, r->name, buf, len, err,
	    errlen) == 0) {
		sync_registry_diff(x, tf, r, &tl, &nnew);
		offcheck_fmt_time(tl.iat, at);
		fprintf(x->out, "registry %s: %zu issuers, as of %s%s\n",
		    r->name, tl.n, at, nnew > 0 ? " (some not in the trust "
		    "file: 'skk trust import' adds them)" : "");
		rc = 0;
	}
	trustlist_release(&tl);
	fetch_free(f);
	sign_key_free(k);
	free(buf);
	return rc;
}

/* Every registry with a URL; how many failed. */
static size_t
sync_registries(struct cmd_ctx *x, const char *root)
{
	struct trust_file	 tf;
	struct trust_issuer	*v = NULL;
	char			 path[PATH_MAX], why[SYNC_ERR_MAX];
	size_t			 i, n = 0, failed = 0;

	memset(&tf, 0, sizeof tf);
	trust_conf_path(&x->conf, path, sizeof path);
	if (trust_load(&tf, path, why, sizeof why) == -1 ||
	    trust_effective(&x->conf, &tf, &v, &n, why, sizeof why) == -1) {
		trust_release(&tf);
		fprintf(x->err, "skk: sync: %s\n", why);
		return 1;
	}
	for (i = 0; i < tf.nreg; i++) {
		if (tf.reg[i].url[0] == '\0')
			continue;
		if (sync_registry(x, &tf, &tf.reg[i], v, n, root, why,
		    sizeof why) == -1) {
			failed++;
			fprintf(x->err, "skk: sync: registry %s: %s (the "
			    "cached list is kept)\n", tf.reg[i].name, why);
		}
	}
	free(v);
	trust_release(&tf);
	return failed;
}

/* --- the command ------------------------------------------------------ */

/*
 * --mirror ISSUER=URL: the trusted issuer ISSUER (HOST[:PORT] or its
 * https:// URL) into *who, URL (http:// or https://, a path allowed:
 * what is signed is checked all the same) into *url. 0, or -1 with err.
 */
static int
sync_mirror_arg(const char *arg, const struct trust_issuer *v, size_t n,
    size_t *who, const char **url, char *err, size_t errlen)
{
	char		 iss[TRUST_URL_MAX], u[TRUST_URL_MAX], host[TRUST_HOST_MAX];
	const char	*eq;
	size_t		 i;

	if ((eq = strchr(arg, '=')) == NULL || eq == arg ||
	    (size_t)(eq - arg) >= sizeof iss - 8)
		return errf(err, errlen, "--mirror '%s': expected "
		    "ISSUER=URL", arg);
	*url = eq + 1;
	if (strncmp(*url, "https://", 8) != 0 &&
	    strncmp(*url, "http://", 7) != 0)
		return errf(err, errlen, "--mirror '%s': the URL must be "
		    "http:// or https://", arg);
	snprintf(iss, sizeof iss, "%s%.*s", strncmp(arg, "https://", 8) ==
	    0 ? "" : "https://", (int)(eq - arg), arg);
	if (trust_url_parse(iss, u, sizeof u, host, sizeof host, err,
	    errlen) == -1)
		return -1;
	for (i = 0; i < n; i++)
		if (qrpay_host_equal(v[i].host, host)) {
			*who = i;
			return 0;
		}
	return errf(err, errlen, "--mirror: %s is not a trusted issuer",
	    host);
}

static int
cmd_sync(struct cmd_ctx *x, struct cmd_args *a)
{
	struct trust_issuer	*v = NULL;
	struct sync_run		 s;
	char			 root[OFFCACHE_PATH_MAX], why[SYNC_ERR_MAX];
	const char		*mirror = NULL, *marg;
	size_t			 n = 0, i, failed = 0, who = 0;
	int			 rc;

	if ((rc = session_load_conf(x)) != 0)
		return rc;
	if (offcache_root(args_get(a, "--cache"), root, sizeof root, why,
	    sizeof why) == -1)
		return session_fail(x, EX_USAGE, "sync: %s", why);
	if (offcheck_trusted(&x->conf, NULL, &v, &n, why, sizeof why) == -1)
		return session_fail(x, EX_CONFIG, "%s", why);
	free(v);
	/* Registries first: an issuer one dropped is synced no more. */
	failed = sync_registries(x, root);
	if (offcheck_trusted(&x->conf, root, &v, &n, why, sizeof why) == -1)
		return session_fail(x, EX_CONFIG, "%s", why);
	if ((marg = args_get(a, "--mirror")) != NULL &&
	    sync_mirror_arg(marg, v, n, &who, &mirror, why, sizeof why) ==
	    -1) {
		free(v);
		return session_fail(x, EX_USAGE, "sync: %s", why);
	}
	if ((x->o = output_new(x->out, x->json)) == NULL) {
		free(v);
		return session_fail(x, EX_OSERR, "out of memory");
	}
	for (i = 0; i < n; i++) {
		memset(&s, 0, sizeof s);
		s.t = &v[i];
		s.mirror = mirror != NULL && i == who ? mirror : NULL;
		if (sync_issuer(&s, root, why, sizeof why) == -1) {
			failed++;
			sync_say(x, &s, why);
		} else
			sync_say(x, &s, NULL);
		sync_release(&s);
	}
	free(v);
	return session_end(x, failed > 0 ? EX_UNAVAILABLE : 0);
}
