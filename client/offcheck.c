/* skkd — SPDX-License-Identifier: ISC */
/*
 * Offline verdicts from the cache of skk sync (see offcheck.h). The
 * cache is read once per run and every document in it is verified
 * again with the log key the user trusts, so a crew of thousands costs
 * one signature check per list and then a binary search per number.
 */

#include <dirent.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "errf.h"
#include "hex.h"
#include "note.h"
#include "offcache.h"
#include "offcheck.h"

/* --- which issuers ---------------------------------------------------- */

void
offcheck_own_host(const struct skkconf *conf, char *out, size_t outlen)
{
	struct trust_file	 none;
	struct trust_issuer	*v;
	size_t			 n;

	memset(&none, 0, sizeof none);
	snprintf(out, outlen, "%s", conf->server_name);
	if (trust_effective(conf, &none, &v, &n, NULL, 0) == 0) {
		snprintf(out, outlen, "%s", v[0].host);
		free(v);
	}
}

int
offcheck_listed(const struct trustlist *tl, const char *host)
{
	char	url[TRUST_URL_MAX], h[TRUST_HOST_MAX];
	size_t	i;

	for (i = 0; i < tl->n; i++)
		if (trust_url_parse(tl->v[i].url, url, sizeof url, h, sizeof h,
		    NULL, 0) == 0 && qrpay_host_equal(h, host))
			return 1;
	return 0;
}

/* Drops v's issuers of registry r that its cached list does not name. */
static void
oc_registry_prune(const struct trust_file *tf, const struct trust_registry *r,
    const char *root, struct trust_issuer *v, size_t *n)
{
	struct trustlist	 tl;
	struct sign_key		*k;
	char			 dir[OFFCACHE_PATH_MAX];
	uint8_t			*buf;
	size_t			 len, i;

	trustlist_init(&tl);
	snprintf(dir, sizeof dir, "%s/%s", root, OC_REGISTRY_DIR);
	if (offcache_read(dir, r->name, TL_SIZE_MAX, &buf, &len, NULL, 0) != 0)
		return;
	/* A list that does not verify prunes nothing: sync said so. */
	if ((k = trust_registry_key(tf, r, NULL, 0)) != NULL &&
	    trustlist_open(buf, len, k, 0, &tl, NULL, 0) == 0) {
		for (i = 1; i < *n; )
			if (strcmp(v[i].registry, r->name) == 0 &&
			    !offcheck_listed(&tl, v[i].host))
				memmove(&v[i], &v[i + 1], (--*n - i) * sizeof *v);
			else
				i++;
	}
	trustlist_release(&tl);
	sign_key_free(k);
	free(buf);
}

int
offcheck_trusted(const struct skkconf *conf, const char *root,
    struct trust_issuer **v, size_t *n, char *err, size_t errlen)
{
	struct trust_file	tf;
	char			path[PATH_MAX];
	size_t			i;
	int			rc;

	memset(&tf, 0, sizeof tf);
	trust_conf_path(conf, path, sizeof path);
	if (trust_load(&tf, path, err, errlen) == -1)
		return -1;
	rc = trust_effective(conf, &tf, v, n, err, errlen);
	for (i = 0; rc == 0 && root != NULL && i < tf.nreg; i++)
		oc_registry_prune(&tf, &tf.reg[i], root, *v, n);
	trust_release(&tf);
	return rc;
}

/* --- times ------------------------------------------------------------ */

int64_t
offcheck_now(void)
{
	const char	*s = getenv("SKK_NOW");
	char		*end;
	long long	 v;

	if (s != NULL && *s >= '0' && *s <= '9') {
		v = strtoll(s, &end, 10);
		if (*end == '\0' && v > 0)
			return (int64_t)v;
	}
	return (int64_t)time(NULL);
}

void
offcheck_fmt_time(int64_t t, char out[32])
{
	struct tm	tm;
	time_t		tt = (time_t)t;

	snprintf(out, 32, "-");
	if (gmtime_r(&tt, &tm) != NULL)
		strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void
offcheck_fmt_age(int64_t s, char *out, size_t outlen)
{
	if (s >= 2 * 86400 && s % 86400 == 0)
		snprintf(out, outlen, "%" PRId64 "d", s / 86400);
	else if (s > 0 && s % 3600 == 0)
		snprintf(out, outlen, "%" PRId64 "h", s / 3600);
	else if (s > 0 && s % 60 == 0)
		snprintf(out, outlen, "%" PRId64 "m", s / 60);
	else
		snprintf(out, outlen, "%" PRId64 "s", s);
}

int
offcheck_parse_age(const char *s, int64_t *out)
{
	char		*end;
	unsigned long	 v;
	int64_t		 unit = 1;

	if (*s < '0' || *s > '9')
		return -1;
	v = strtoul(s, &end, 10);
	if (*end != '\0') {
		if (end[1] != '\0')
			return -1;
		switch (*end) {
		case 's': unit = 1; break;
		case 'm': unit = 60; break;
		case 'h': unit = 3600; break;
		case 'd': unit = 86400; break;
		default: return -1;
		}
	}
	/* Ten years is plenty; it also keeps the product in range. */
	if (v == 0 || v > 3650UL * 86400 || (int64_t)v * unit >
	    (int64_t)3650 * 86400)
		return -1;
	*out = (int64_t)v * unit;
	return 0;
}

/* --- loading one issuer ----------------------------------------------- */

/* Verifies document n of o's lists (maps: number maps) and keeps it. */
static int
oc_add(struct oc_issuer *o, int maps, uint32_t n, const uint8_t *buf,
    size_t len, const struct sign_key *key, char *e, size_t elen)
{
	void	*p;

	if (maps) {
		if ((p = reallocarray(o->maps, n + 1, sizeof *o->maps)) == NULL)
			return errf(e, elen, "out of memory");
		o->maps = p;
		if (sl_numbers_open(buf, len, key, o->desc->host, n,
		    &o->maps[n], e, elen) != 0)
			return -1;
		o->nmaps = n + 1;
		return 0;
	}
	if ((p = reallocarray(o->lists, n + 1, sizeof *o->lists)) == NULL)
		return errf(e, elen, "out of memory");
	o->lists = p;
	if (sl_open(buf, len, key, o->desc->host, n, &o->lists[n], e,
	    elen) != 0)
		return -1;
	o->nlists = n + 1;
	return 0;
}

/* Reads and verifies status/<n> (maps: numbers/<n>) for every n there is. */
static int
oc_load_lists(struct oc_issuer *o, const char *dir,
    const struct sign_key *key, int maps, char *why, size_t whylen)
{
	char		 name[32], e[256];
	uint8_t		*buf;
	size_t		 len;
	uint32_t	 n;
	int		 rc = 0;

	for (n = 0; rc == 0 && n < SL_MAX_LISTS; n++) {
		snprintf(name, sizeof name, "%s/%u", maps ? "numbers" :
		    "status", n);
		if ((rc = offcache_read(dir, name, maps ? SL_NUMBERS_MAX :
		    SL_TOKEN_MAX, &buf, &len, e, sizeof e)) == 1)
			return 0;
		if (rc == -1)
			return errf(why, whylen, "%s", e);
		rc = oc_add(o, maps, n, buf, len, key, e, sizeof e);
		free(buf);
		if (rc != 0)
			return errf(why, whylen, "cached %s refused: %s", name,
			    e);
	}
	return 0;
}

/* The oldest iat and the earliest exp over everything loaded. */
static void
oc_span(struct oc_issuer *o)
{
	size_t	i;

	o->as_of = 0;
	o->exp = o->desc->exp;
	for (i = 0; i < o->nlists; i++) {
		if (o->as_of == 0 || o->lists[i].h.iat < o->as_of)
			o->as_of = o->lists[i].h.iat;
		if (o->lists[i].h.exp < o->exp)
			o->exp = o->lists[i].h.exp;
	}
	for (i = 0; i < o->nmaps; i++) {
		if (o->as_of == 0 || o->maps[i].h.iat < o->as_of)
			o->as_of = o->maps[i].h.iat;
		if (o->maps[i].h.exp < o->exp)
			o->exp = o->maps[i].h.exp;
	}
}

/* The descriptor, its keys, then the lists and maps; -1 with why. */
static int
oc_load_files(struct oc_issuer *o, const char *dir,
    const struct sign_key *key, char *why, size_t whylen)
{
	char	 e[256];
	uint8_t	*buf;
	size_t	 len;
	int	 rc;

	if ((rc = offcache_read(dir, "issuer", ISSUER_SIZE_MAX, &buf, &len,
	    e, sizeof e)) == 1)
		return errf(why, whylen, "not synced yet: run 'skk sync'");
	if (rc == -1)
		return errf(why, whylen, "%s", e);
	if ((o->desc = calloc(1, sizeof *o->desc)) == NULL) {
		free(buf);
		return errf(why, whylen, "out of memory");
	}
	rc = issuer_desc_open(buf, len, key, o->desc, e, sizeof e);
	free(buf);
	if (rc != 0)
		return errf(why, whylen, "cached issuer descriptor refused: "
		    "%s", e);
	if (!qrpay_host_equal(o->desc->host, o->host))
		return errf(why, whylen, "the cached descriptor is of host "
		    "'%s'", o->desc->host);
	/* Names the trust file does not give, from the signed document. */
	if (o->name[0] == '\0' || strcmp(o->name, o->host) == 0)
		snprintf(o->name, sizeof o->name, "%s", o->desc->name);
	if (o->licence[0] == '\0')
		snprintf(o->licence, sizeof o->licence, "%s",
		    o->desc->licence);
	if (issuer_keyring(o->desc, &o->kr, e, sizeof e) == -1)
		return errf(why, whylen, "issuer keys: %s", e);
	if (oc_load_lists(o, dir, key, 0, why, whylen) == -1 ||
	    oc_load_lists(o, dir, key, 1, why, whylen) == -1)
		return -1;
	oc_span(o);
	return 0;
}

/*
 * An untrusted issuer's cached files, checked for consistency only: the
 * descriptor against the log key it names, the number maps against that.
 */
static int
oc_load_other(struct oc_issuer *o, const char *dir)
{
	struct note_key	 log;
	char		 e[256];
	uint8_t		*buf;
	size_t		 len;
	int		 rc;

	memset(o, 0, sizeof *o);
	keyring_init(&o->kr);
	memset(&log, 0, sizeof log);
	if (offcache_read(dir, "issuer", ISSUER_SIZE_MAX, &buf, &len, e,
	    sizeof e) != 0)
		return -1;
	if ((o->desc = calloc(1, sizeof *o->desc)) == NULL) {
		free(buf);
		return -1;
	}
	rc = issuer_desc_open(buf, len, NULL, o->desc, e, sizeof e);
	free(buf);
	if (rc != 0 || note_vkey_parse(o->desc->log_key, &log, e,
	    sizeof e) == -1)
		return -1;
	snprintf(o->host, sizeof o->host, "%s", o->desc->host);
	snprintf(o->name, sizeof o->name, "%s", o->desc->name);
	rc = oc_load_lists(o, dir, log.key, 1, o->why, sizeof o->why);
	note_key_release(&log);
	return rc;
}

static void	oc_unload(struct oc_issuer *);

/* Every issuer directory under root that no trusted issuer has. */
static int
oc_load_others(struct offcheck *c, const char *root)
{
	char		 dir[OFFCACHE_PATH_MAX], mine[OFFCACHE_PATH_MAX];
	struct dirent	*d;
	DIR		*dp;
	void		*p;
	size_t		 i;
	int		 taken;

	if ((dp = opendir(root)) == NULL)
		return 0;
	while ((d = readdir(dp)) != NULL) {
		if (d->d_name[0] == '.' || d->d_name[0] == '+' ||
		    (size_t)snprintf(dir, sizeof dir, "%s/%s", root,
		    d->d_name) >= sizeof dir)
			continue;
		for (i = 0, taken = 0; i < c->n && !taken; i++)
			taken = offcache_issuer_dir(root, c->v[i].host, mine,
			    sizeof mine, NULL, 0) == 0 && strcmp(mine, dir) == 0;
		if (taken)
			continue;
		if ((p = reallocarray(c->others, c->nothers + 1,
		    sizeof *c->others)) == NULL) {
			closedir(dp);
			return -1;
		}
		c->others = p;
		if (oc_load_other(&c->others[c->nothers], dir) == 0)
			c->nothers++;
		else
			oc_unload(&c->others[c->nothers]);
	}
	closedir(dp);
	return 0;
}

static void
oc_load(struct oc_issuer *o, const struct trust_issuer *t, const char *root)
{
	struct note_key	 log;
	char		 dir[OFFCACHE_PATH_MAX], e[256];

	memset(o, 0, sizeof *o);
	keyring_init(&o->kr);
	snprintf(o->host, sizeof o->host, "%s", t->host);
	snprintf(o->url, sizeof o->url, "%s", t->url);
	snprintf(o->name, sizeof o->name, "%s", t->name);
	snprintf(o->licence, sizeof o->licence, "%s", t->licence);
	memset(&log, 0, sizeof log);
	if (t->log_key[0] == '\0') {
		errf(o->why, sizeof o->why, "no log_key to check its "
		    "documents with");
		return;
	}
	if (note_vkey_parse(t->log_key, &log, e, sizeof e) == -1) {
		errf(o->why, sizeof o->why, "log_key: %s", e);
		return;
	}
	if (offcache_issuer_dir(root, t->host, dir, sizeof dir, o->why,
	    sizeof o->why) == 0 && oc_load_files(o, dir, log.key, o->why,
	    sizeof o->why) == 0)
		o->usable = 1;
	note_key_release(&log);
}

static void
oc_unload(struct oc_issuer *o)
{
	size_t	i;

	for (i = 0; i < o->nlists; i++)
		sl_list_release(&o->lists[i]);
	for (i = 0; i < o->nmaps; i++)
		sl_numbers_release(&o->maps[i]);
	free(o->lists);
	free(o->maps);
	free(o->desc);
	keyring_release(&o->kr);
}

int
offcheck_init(struct offcheck *c, const struct trust_issuer *is, size_t n,
    const char *root, int64_t now, int64_t max_age, char *err,
    size_t errlen)
{
	size_t	i;

	memset(c, 0, sizeof *c);
	c->now = now;
	c->max_age = max_age;
	if (n > 0 && (c->v = calloc(n, sizeof *c->v)) == NULL)
		return errf(err, errlen, "out of memory");
	for (i = 0; i < n; i++)
		oc_load(&c->v[i], &is[i], root);
	c->n = n;
	if (oc_load_others(c, root) == -1)
		return errf(err, errlen, "out of memory");
	return 0;
}

void
offcheck_release(struct offcheck *c)
{
	size_t	i;

	for (i = 0; i < c->n; i++)
		oc_unload(&c->v[i]);
	for (i = 0; i < c->nothers; i++)
		oc_unload(&c->others[i]);
	free(c->v);
	free(c->others);
	memset(c, 0, sizeof *c);
}

/* --- freshness -------------------------------------------------------- */

static int
oc_head_fresh(const struct offcheck *c, const struct sl_head *h)
{
	return c->now - h->iat <= c->max_age && c->now < h->exp;
}

int
offcheck_fresh(const struct offcheck *c, const struct oc_issuer *o)
{
	return o->usable && o->nlists > 0 && c->now - o->as_of <=
	    c->max_age && c->now < o->exp;
}

/* --- answers ---------------------------------------------------------- */

static void
oc_set(struct oc_result *r, unsigned verdict, const char *reason,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
oc_set(struct oc_result *r, unsigned verdict, const char *reason,
    const char *fmt, ...)
{
	va_list	ap;

	r->verdict = verdict;
	r->reason = reason;
	va_start(ap, fmt);
	vsnprintf(r->detail, sizeof r->detail, fmt, ap);
	va_end(ap);
}

static void
oc_reason(struct oc_result *r, unsigned verdict, enum cert_reason reason,
    const char *detail)
{
	oc_set(r, verdict, cert_reason_name(reason), "%s", detail);
}

static void
oc_init(struct oc_result *r)
{
	memset(r, 0, sizeof *r);
	r->verdict = VERDICT_UNKNOWN;
	r->reason = cert_reason_name(REASON_UNAVAILABLE);
}

/* UNKNOWN because h (the list or map used) is too old; 1 if so. */
static int
oc_stale(const struct offcheck *c, const struct sl_head *h,
    struct oc_result *r)
{
	char	age[32], at[32], ex[32];

	if (oc_head_fresh(c, h))
		return 0;
	offcheck_fmt_age(c->max_age, age, sizeof age);
	offcheck_fmt_time(h->iat, at);
	offcheck_fmt_time(h->exp, ex);
	if (c->now >= h->exp)
		oc_set(r, VERDICT_UNKNOWN, cert_reason_name(REASON_STALE),
		    "status older than its expiry (as of %s, expired %s): run "
		    "'skk sync'", at, ex);
	else
		oc_set(r, VERDICT_UNKNOWN, cert_reason_name(REASON_STALE),
		    "status older than %s (as of %s): run 'skk sync'", age,
		    at);
	return 1;
}

/* Status entries as verdicts, as the daemon answers them online. */
static const struct {
	unsigned		value;
	unsigned		verdict;
	enum cert_reason	reason;
} oc_entries[] = {
	{ SL_VALID, VERDICT_VALID, REASON_OK },
	{ SL_REVOKED, VERDICT_NOT_VALID, REASON_REVOKED },
	{ SL_SUSPENDED, VERDICT_NOT_VALID, REASON_SUSPENDED },
	{ SL_REPLACED, VERDICT_NOT_VALID, REASON_REPLACED },
	{ SL_PENDING, VERDICT_NOT_VALID, REASON_PENDING },
	{ SL_EXPIRED, VERDICT_NOT_VALID, REASON_EXPIRED }
};

/* The entry of idx at o; map is the number map it came through, or NULL. */
static void
oc_status(const struct offcheck *c, const struct oc_issuer *o, uint64_t idx,
    const struct sl_head *map, struct oc_result *r)
{
	const struct sl_list	*l;
	uint64_t		 n = idx >> SL_SHIFT;
	char			 at[32];
	unsigned		 v;
	size_t			 i;

	r->issuer = o;
	if (n >= o->nlists) {
		oc_set(r, VERDICT_UNKNOWN, cert_reason_name(REASON_STALE),
		    "no cached status list holds index %" PRIu64 " (issued "
		    "after the last sync?): run 'skk sync'", idx);
		return;
	}
	l = &o->lists[n];
	if (oc_stale(c, &l->h, r) || (map != NULL && oc_stale(c, map, r)))
		return;
	r->as_of = map != NULL && map->iat < l->h.iat ? map->iat : l->h.iat;
	offcheck_fmt_time(r->as_of, at);
	v = sl_list_get(l, idx);
	for (i = 0; i < sizeof oc_entries / sizeof oc_entries[0]; i++)
		if (oc_entries[i].value == v) {
			oc_set(r, oc_entries[i].verdict,
			    cert_reason_name(oc_entries[i].reason), "%s as of "
			    "%s", sl_status_name(v), at);
			return;
		}
	r->as_of = 0;
	if (v == SL_NONE)
		oc_set(r, VERDICT_UNKNOWN, cert_reason_name(REASON_STALE),
		    "index %" PRIu64 " is not in the status list as of %s "
		    "(issued after it?): run 'skk sync'", idx, at);
	else
		oc_set(r, VERDICT_UNKNOWN, cert_reason_name(REASON_UNAVAILABLE),
		    "status value %u is not one skk knows", v);
}

/* Looks digits up in o's number maps: 0 with *idx and *map, or -1. */
static int
oc_find(const struct oc_issuer *o, const char *number, uint32_t *idx,
    const struct sl_head **map)
{
	size_t	i;

	for (i = 0; i < o->nmaps; i++)
		if (sl_numbers_find(&o->maps[i], number, idx) == 0) {
			*map = &o->maps[i].h;
			return 0;
		}
	return -1;
}

/* Does o answer to hint, its host or its licence? */
static int
oc_named(const struct oc_issuer *o, const char *hint)
{
	const char	*h = hint;

	if (strncasecmp(h, "https://", 8) == 0)
		h += 8;
	if (qrpay_host_equal(o->host, h))
		return 1;
	if (o->licence[0] != '\0' && strcmp(o->licence, hint) == 0)
		return 1;
	return o->desc != NULL && o->desc->licence[0] != '\0' &&
	    strcmp(o->desc->licence, hint) == 0;
}

/* What a number no asked issuer knows means. */
static void
oc_nobody(const struct offcheck *c, const char *hint, size_t asked,
    const struct oc_issuer *gap, struct oc_result *r)
{
	const struct sl_head	*map;
	char			 at[32];
	uint32_t		 idx;
	size_t			 i;

	if (gap != NULL) {
		oc_set(r, VERDICT_UNKNOWN, cert_reason_name(gap->usable ?
		    REASON_STALE : REASON_UNAVAILABLE), "not in the cached "
		    "number maps, but the status of %s is %s", gap->host,
		    gap->usable ? "stale: run 'skk sync'" : gap->why);
		return;
	}
	for (i = 0; hint == NULL && i < c->nothers; i++)
		if (oc_find(&c->others[i], r->number, &idx, &map) == 0) {
			oc_set(r, VERDICT_UNKNOWN, OC_ISSUER_NOT_TRUSTED,
			    "known to %s (%s), which is not a trusted issuer",
			    c->others[i].host, c->others[i].name);
			return;
		}
	for (i = 0; i < c->n; i++)
		if ((hint == NULL || oc_named(&c->v[i], hint)) &&
		    (r->as_of == 0 || c->v[i].as_of < r->as_of))
			r->as_of = c->v[i].as_of;
	offcheck_fmt_time(r->as_of, at);
	oc_set(r, VERDICT_NOT_VALID, cert_reason_name(REASON_UNKNOWN_NUMBER),
	    "no trusted issuer knows it (%zu asked, as of %s)", asked, at);
}

void
offcheck_number(const struct offcheck *c, const char *number,
    const char *hint, struct oc_result *r)
{
	const struct oc_issuer	*hit = NULL, *gap = NULL;
	const struct sl_head	*map = NULL, *m;
	uint32_t		 idx = 0, i2;
	size_t			 i, hits = 0, asked = 0;

	oc_init(r);
	if (hint != NULL && *hint == '\0')
		hint = NULL;
	if (cert_normalize_number(number, r->number, sizeof r->number) ==
	    -1) {
		r->number[0] = '\0';
		oc_reason(r, VERDICT_NOT_VALID, REASON_MALFORMED,
		    "not a certificate number");
		return;
	}
	for (i = 0; i < c->n; i++) {
		if (hint != NULL && !oc_named(&c->v[i], hint))
			continue;
		asked++;
		if (c->v[i].usable && oc_find(&c->v[i], r->number, &i2,
		    &m) == 0) {
			if (hits++ == 0) {
				hit = &c->v[i];
				idx = i2;
				map = m;
			}
		} else if (gap == NULL && !offcheck_fresh(c, &c->v[i]))
			gap = &c->v[i];
	}
	if (asked == 0)
		oc_set(r, VERDICT_UNKNOWN, OC_ISSUER_NOT_TRUSTED, "no trusted "
		    "issuer has the host or licence '%.100s'", hint);
	else if (hits > 1)
		oc_set(r, VERDICT_UNKNOWN, OC_AMBIGUOUS, "ambiguous: known to "
		    "%zu issuers (give the issuer, or scan the QR)", hits);
	else if (hits == 1)
		oc_status(c, hit, idx, map, r);
	else
		oc_nobody(c, hint, asked, gap, r);
}

/* --- QR --------------------------------------------------------------- */

/* The trusted issuer whose keys hold kid, other than not; or NULL. */
static const struct oc_issuer *
oc_by_kid(const struct offcheck *c, const uint8_t *kid,
    const struct oc_issuer *not)
{
	size_t	i;

	for (i = 0; i < c->n; i++)
		if (&c->v[i] != not && c->v[i].usable &&
		    keyring_find(&c->v[i].kr, kid) != NULL)
			return &c->v[i];
	return NULL;
}

/* The key id and unverified claims of a QR; -1 if unreadable. */
static int
oc_peek(const char *text, struct qr_claims *cl)
{
	uint8_t	cose[QRPAY_MAX_BYTES];
	size_t	len;

	if (qrpay_bytes(text, strlen(text), cose, &len) != QRPAY_OK)
		return -1;
	return qrpay_decode(cose, len, cl, NULL, 0) == QRPAY_OK ? 0 : -1;
}

/* Signed by a key o's descriptor does not list: forged, or too new. */
static void
oc_unknown_kid(const struct offcheck *c, const struct oc_issuer *o,
    const char *text, struct oc_result *r)
{
	const struct oc_issuer	*a;
	struct qr_claims	 cl, sc;
	char			 kid[2 * SIGN_KID_LEN + 1], at[32], d[64];

	memset(&cl, 0, sizeof cl);
	if (oc_peek(text, &cl) == -1) {
		oc_reason(r, VERDICT_NOT_VALID, REASON_MALFORMED, "unreadable");
		return;
	}
	hex_encode(cl.kid, SIGN_KID_LEN, kid);
	if ((a = oc_by_kid(c, cl.kid, o)) != NULL &&
	    qrpay_signed(qrpay_verify(text, strlen(text), &a->kr, c->now,
	    &sc, d, sizeof d))) {
		oc_set(r, VERDICT_NOT_VALID, cert_reason_name(REASON_OTHER_SITE),
		    "signed by the key %s of %s (%s); the QR names %s", kid,
		    a->name, a->host, o->host);
		return;
	}
	/* A key made since the descriptor was cached: only sync can tell. */
	if (cl.iat + 86400 > o->desc->iat && cl.iat <= c->now) {
		offcheck_fmt_time(o->desc->iat, at);
		oc_set(r, VERDICT_UNKNOWN, cert_reason_name(REASON_STALE),
		    "signed by key %s, which %s's cached keys (as of %s) do "
		    "not list: run 'skk sync'", kid, o->host, at);
		return;
	}
	oc_set(r, VERDICT_NOT_VALID, cert_reason_name(REASON_UNKNOWN_KEY),
	    "signed by key %s, which %s never had: forged", kid, o->host);
}

/* A good signature: the status through the index or the number map. */
static void
oc_qr_status(const struct offcheck *c, const struct oc_issuer *o,
    struct oc_result *r)
{
	const struct sl_head	*map = NULL;
	uint32_t		 idx;
	char			 at[32];

	if (c->now >= o->desc->exp) {
		offcheck_fmt_time(o->desc->exp, at);
		oc_set(r, VERDICT_UNKNOWN, cert_reason_name(REASON_STALE),
		    "%s's cached keys expired %s: run 'skk sync'", o->host,
		    at);
		return;
	}
	if (r->claims.has_status_idx) {
		oc_status(c, o, r->claims.status_idx, NULL, r);
		return;
	}
	/* A card printed before status indices. */
	if (oc_find(o, r->claims.number, &idx, &map) == 0) {
		oc_status(c, o, idx, map, r);
		return;
	}
	r->issuer = o;
	oc_set(r, VERDICT_UNKNOWN, cert_reason_name(REASON_STALE), "not in "
	    "%s's cached number maps (issued after the last sync?): run 'skk "
	    "sync'", o->host);
}

/* The issuer a QR names by its host, or by its key when bare. */
static const struct oc_issuer *
oc_qr_issuer(const struct offcheck *c, const char *text, struct oc_result *r)
{
	struct qr_claims	 cl;
	char			 host[TRUST_HOST_MAX];
	size_t			 i;
	int			 rc;

	rc = qrpay_url_host(text, strlen(text), host, sizeof host);
	if (rc == 1) {
		for (i = 0; i < c->n; i++)
			if (qrpay_host_equal(c->v[i].host, host))
				return &c->v[i];
		oc_set(r, VERDICT_UNKNOWN, OC_ISSUER_NOT_TRUSTED, "the QR "
		    "names %.100s, which is not a trusted issuer ('skk trust "
		    "add')", host);
		return NULL;
	}
	if (rc == -1) {
		oc_set(r, VERDICT_UNKNOWN, OC_ISSUER_NOT_TRUSTED, "the QR "
		    "names a host too long to be a trusted issuer's");
		return NULL;
	}
	memset(&cl, 0, sizeof cl);
	if (oc_peek(text, &cl) == -1) {
		oc_reason(r, VERDICT_NOT_VALID, REASON_MALFORMED,
		    "not a signed QR payload");
		return NULL;
	}
	for (i = 0; i < c->n; i++)
		if (c->v[i].usable && keyring_find(&c->v[i].kr, cl.kid) != NULL)
			return &c->v[i];
	oc_set(r, VERDICT_UNKNOWN, OC_ISSUER_NOT_TRUSTED, "a payload without "
	    "a host, signed by no trusted issuer's key");
	return NULL;
}

void
offcheck_qr(const struct offcheck *c, const char *text, struct oc_result *r)
{
	const struct oc_issuer	*o;
	enum qrpay_err		 e;

	oc_init(r);
	if ((o = oc_qr_issuer(c, text, r)) == NULL)
		return;
	r->issuer = o;
	if (!o->usable) {
		oc_set(r, VERDICT_UNKNOWN, cert_reason_name(REASON_UNAVAILABLE),
		    "%s: %s", o->host, o->why);
		return;
	}
	e = qrpay_verify(text, strlen(text), &o->kr, c->now, &r->claims,
	    r->detail, sizeof r->detail);
	if ((r->has_claims = qrpay_signed(e)) != 0)
		snprintf(r->number, sizeof r->number, "%s", r->claims.number);
	switch (e) {
	case QRPAY_OK:
		oc_qr_status(c, o, r);
		break;
	case QRPAY_UNKNOWN_KID:
		oc_unknown_kid(c, o, text, r);
		break;
	case QRPAY_KEY_COMPROMISED:
		/* Genuine cards carry the key too: only online can tell. */
		r->has_claims = 0;
		r->reason = cert_reason_name(REASON_KEY_COMPROMISED);
		r->verdict = VERDICT_UNKNOWN;
		break;
	case QRPAY_INTERNAL:
		r->reason = cert_reason_name(REASON_UNAVAILABLE);
		r->verdict = VERDICT_UNKNOWN;
		break;
	default:
		/* What the signature proves needs no status. */
		r->reason = cert_reason_name(qrpay_reason(e));
		r->verdict = VERDICT_NOT_VALID;
		break;
	}
}

void
offcheck_query(const struct offcheck *c, const char *query, const char *hint,
    struct oc_result *r)
{
	if (qrpay_is_qr_text(query))
		offcheck_qr(c, query, r);
	else
		offcheck_number(c, query, hint, r);
}
