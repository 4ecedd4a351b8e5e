/* skkd — SPDX-License-Identifier: ISC */
/*
 * The trust commands. Each loads skk.conf and the trust file, changes
 * the file in memory and saves it only when everything checked out, so
 * a refused descriptor or list changes nothing.
 */

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <time.h>

#include "base64.h"
#include "cmd_trust.h"
#include "fetch.h"
#include "hex.h"
#include "issuer.h"
#include "offcheck.h"
#include "qrpay.h"
#include "session.h"
#include "trust.h"
#include "trustlist.h"

#define TRUST_DESC_PATH	"api/v1/issuer"

/* What one trust command works on. */
struct trust_run {
	struct cmd_ctx		*x;
	struct cmd_args		*a;
	struct trust_file	 tf;
	char			 path[PATH_MAX];	/* the trust file */
};

struct trust_sub {
	const char	*name;
	int		(*exec)(struct trust_run *);
	int		 npos;		/* positional arguments after it */
	const char	*opts[8];	/* the options it takes */
};

static int	trust_add(struct trust_run *);
static int	trust_list(struct trust_run *);
static int	trust_remove_cmd(struct trust_run *);
static int	trust_import(struct trust_run *);
static int	trust_exec(struct cmd_ctx *, struct cmd_args *);

static const struct trust_sub trust_subs[] = {
	{ "add", trust_add, 1,
	  { "--pin", "--ca", "--cert", "--key", "--name", "--server",
	    "--server-name", NULL } },
	{ "list", trust_list, 0, { NULL } },
	{ "remove", trust_remove_cmd, 1, { NULL } },
	{ "import", trust_import, 1,
	  { "--key", "--name", "--ca", "--pin", NULL } },
};

static const struct cmd_opt trust_opts[] = {
	{ "--pin", 0, NULL }, { "--ca", 0, NULL }, { "--cert", 0, NULL },
	{ "--key", 0, NULL }, { "--name", 0, NULL }, { "--server", 0, NULL },
	{ "--server-name", 0, NULL }, { NULL, 0, NULL }
};
const struct cmd_form trust_form = { { NULL }, trust_exec, trust_opts,
	1, 2, ARGS_PLAIN };

/* --- helpers ----------------------------------------------------------- */

/* A file option made absolute, so the trust file works from anywhere. */
static int
trust_opt_file(struct trust_run *r, const char *opt, char *out)
{
	const char	*v = args_get(r->a, opt);

	out[0] = '\0';
	if (v == NULL)
		return 0;
	if (realpath(v, out) == NULL)
		return session_fail(r->x, EX_NOINPUT, "%s: cannot open '%s': "
		    "%s", opt, v, strerror(errno));
	return 0;
}

static int
trust_save_or_fail(struct trust_run *r)
{
	char	why[TRUST_ERR_MAX];

	if (trust_save(&r->tf, why, sizeof why) == -1)
		return session_fail(r->x, EX_CANTCREAT, "%s", why);
	return 0;
}

/* --- add --------------------------------------------------------------- */

/* The descriptor at url, fetched with is's TLS settings, into *buf. */
static int
trust_fetch(struct trust_run *r, const struct trust_issuer *is,
    const char *url, const char *path, size_t max, uint8_t **buf,
    size_t *len)
{
	struct trust_issuer	 use = *is;
	struct fetch_tls	 t = { use.ca, use.has_pin ? use.pin : NULL,
	    use.cert, use.key };
	struct fetch		*f;
	char			 why[TRUST_ERR_MAX];
	enum fetch_result	 fr;

	if (trust_resolve(&r->tf, &use, why, sizeof why) == -1)
		return session_fail(r->x, EX_CONFIG, "%s", why);
	if ((f = fetch_new(url, NULL, NULL, why, sizeof why)) == NULL)
		return session_fail(r->x, EX_USAGE, "%s", why);
	if (fetch_set_tls(f, &t, why, sizeof why) == -1) {
		fetch_free(f);
		return session_fail(r->x, EX_CONFIG, "%s", why);
	}
	fr = fetch_get(f, path, buf, len, max, why, sizeof why);
	fetch_free(f);
	if (fr == FETCH_MISSING)
		return session_fail(r->x, EX_UNAVAILABLE, "%s%s", why,
		    strcmp(path, TRUST_DESC_PATH) == 0 ? ": no issuer "
		    "descriptor there (not an skkd issuer?)" : "");
	if (fr == FETCH_TLS)
		return session_fail(r->x, EX_PROTOCOL, "%s", why);
	if (fr != FETCH_OK)
		return session_fail(r->x, EX_UNAVAILABLE, "%s", why);
	return 0;
}

/* The descriptor checked: its own signature, its host, its dates. */
static int
trust_check_desc(struct trust_run *r, const struct trust_issuer *is,
    const uint8_t *buf, size_t len, struct issuer_desc *d)
{
	char	why[512], t[32];
	int	rc;

	if ((rc = issuer_desc_open(buf, len, NULL, d, why, sizeof why)) != 0)
		return session_fail(r->x, rc == -2 ? EX_SOFTWARE : EX_DATAERR,
		    "%s/%s: not a good issuer descriptor: %s", is->url,
		    TRUST_DESC_PATH, why);
	if (!qrpay_host_equal(d->host, is->host))
		return session_fail(r->x, EX_DATAERR, "%s: the descriptor "
		    "is for host '%s', not '%s'", is->url, d->host, is->host);
	if (d->exp != 0 && d->exp <= (int64_t)time(NULL)) {
		offcheck_fmt_time(d->exp, t);
		return session_fail(r->x, EX_DATAERR, "%s: the descriptor "
		    "expired at %s", is->url, t);
	}
	return 0;
}

/* add's --server HOST:PORT and --server-name NAME: the companion port. */
static int
trust_server_opts(struct trust_run *r, struct trust_issuer *is)
{
	const char	*server = args_get(r->a, "--server");
	const char	*sname = args_get(r->a, "--server-name");
	char		 host[TRUST_HOST_MAX], port[8], why[256];

	if (sname != NULL && server == NULL)
		return args_usage_error(r->x, "--server-name goes with "
		    "--server");
	if (server == NULL)
		return 0;
	if (strlen(server) >= sizeof is->server || (sname != NULL &&
	    strlen(sname) >= sizeof is->server_name))
		return args_usage_error(r->x, "--server: too long");
	if (skkconf_split_hostport(server, host, sizeof host, port,
	    sizeof port, why, sizeof why) == -1)
		return args_usage_error(r->x, "--server: %s", why);
	strcpy(is->server, server);
	strcpy(is->server_name, sname != NULL ? sname : "");
	return 0;
}

/*
 * The TLS options over what an earlier entry for the host had; client:
 * --cert and --key too (import's --key is the registry's).
 */
static int
trust_tls_opts(struct trust_run *r, struct trust_issuer *is, int client)
{
	const char	*pin = args_get(r->a, "--pin");
	char		 why[128], ca[PATH_MAX], cert[PATH_MAX], key[PATH_MAX];

	cert[0] = key[0] = '\0';
	if (client && (args_get(r->a, "--cert") == NULL) !=
	    (args_get(r->a, "--key") == NULL))
		return args_usage_error(r->x, "--cert and --key go together");
	if (pin != NULL) {
		if (trust_pin_parse(pin, is->pin, why, sizeof why) == -1)
			return args_usage_error(r->x, "--pin: %s", why);
		is->has_pin = 1;
	}
	if (trust_opt_file(r, "--ca", ca) != 0 || (client &&
	    (trust_opt_file(r, "--cert", cert) != 0 ||
	    trust_opt_file(r, "--key", key) != 0)))
		return EX_NOINPUT;
	if (ca[0] != '\0')
		strcpy(is->ca, ca);
	if (cert[0] != '\0') {
		strcpy(is->cert, cert);
		strcpy(is->key, key);
	}
	return client ? trust_server_opts(r, is) : 0;
}

static void
trust_show_desc(struct trust_run *r, const struct trust_issuer *is,
    const struct issuer_desc *d, int added, const char *oldkey)
{
	struct output	*o = r->x->o;
	char		 fpr[ISSUER_FPR_LEN + 1];

	if (issuer_fingerprint(d->log_key, fpr) == -1)
		fpr[0] = '\0';
	output_field_str(o, "url", "issuer", is->url);
	output_field_str(o, "name", "name", d->name);
	if (strcmp(is->name, d->name) != 0)
		output_field_str(o, "local_name", "shown as", is->name);
	output_field_str(o, "licence", "licence", d->licence[0] != '\0' ?
	    d->licence : "-");
	output_field_str(o, "host", "host", d->host);
	output_field_str(o, "log_key", "log key", d->log_key);
	output_field_int(o, "keys", "QR keys", (int64_t)d->nkeys);
	output_field_str(o, "fingerprint", "fingerprint", fpr);
	if (oldkey != NULL && strcmp(oldkey, d->log_key) != 0)
		output_field_str(o, "previous_log_key", "log key was", oldkey);
	output_field_str(o, "action", "trust", added ? "added" : "updated");
	output_field_str(o, "file", "trust file", r->path);
}

static int
trust_add(struct trust_run *r)
{
	struct trust_issuer	 is, *old;
	struct issuer_desc	*d;
	const char		*name = args_get(r->a, "--name");
	char			 why[TRUST_ERR_MAX], oldkey[sizeof is.log_key];
	uint8_t			*buf = NULL;
	size_t			 len;
	int			 rc, added;

	memset(&is, 0, sizeof is);
	oldkey[0] = '\0';
	if (trust_url_parse(r->a->pos[1], is.url, sizeof is.url, is.host,
	    sizeof is.host, why, sizeof why) == -1)
		return args_usage_error(r->x, "%s", why);
	if ((old = trust_find(&r->tf, is.host)) != NULL) {
		is = *old;	/* keep what was set, unless given again */
		strcpy(oldkey, old->log_key);
		is.registry[0] = '\0';
	}
	if ((rc = trust_tls_opts(r, &is, 1)) != 0)
		return rc;
	if ((rc = trust_fetch(r, &is, is.url, TRUST_DESC_PATH,
	    ISSUER_SIZE_MAX, &buf, &len)) != 0)
		return rc;
	if ((d = calloc(1, sizeof *d)) == NULL) {
		free(buf);
		return session_fail(r->x, EX_OSERR, "out of memory");
	}
	if ((rc = trust_check_desc(r, &is, buf, len, d)) == 0) {
		strcpy(is.log_key, d->log_key);
		snprintf(is.name, sizeof is.name, "%s", name != NULL ? name :
		    d->name);
		snprintf(is.licence, sizeof is.licence, "%s", d->licence);
		if ((added = trust_put(&r->tf, &is, why, sizeof why)) == -1)
			rc = session_fail(r->x, EX_DATAERR, "%s", why);
		else if ((rc = trust_save_or_fail(r)) == 0) {
			trust_show_desc(r, &is, d, added, old != NULL ?
			    oldkey : NULL);
			if (old != NULL && strcmp(oldkey, d->log_key) != 0)
				fprintf(r->x->err, "skk: warning: %s's log "
				    "key changed: make sure with the issuer "
				    "that this is expected\n", is.host);
		}
	}
	free(d);
	free(buf);
	return rc;
}

/* --- list and remove --------------------------------------------------- */

static void
trust_show(struct trust_run *r, const struct trust_issuer *is)
{
	char			fpr[ISSUER_FPR_LEN + 1], pin[80], src[64];
	char			hex[65];
	struct output_kv	f[12];
	size_t			n = 0;

	if (issuer_fingerprint(is->log_key, fpr) == -1)
		fpr[0] = '\0';
	pin[0] = '\0';
	if (is->has_pin) {
		hex_encode(is->pin, sizeof is->pin, hex);
		snprintf(pin, sizeof pin, "sha256:%s", hex);
	}
	if (is->source == TRUST_SRC_CONF && is->line > 0)
		snprintf(src, sizeof src, "skk.conf, line %u", is->line);
	else if (is->source == TRUST_SRC_CONF)
		snprintf(src, sizeof src, "skk.conf");
	else
		snprintf(src, sizeof src, "line %u", is->line);
	f[n++] = (struct output_kv){ "url", "url", is->url };
	f[n++] = (struct output_kv){ "host", "host", is->host };
	f[n++] = (struct output_kv){ "name", "name", is->name };
	f[n++] = (struct output_kv){ "licence", "licence", is->licence };
	f[n++] = (struct output_kv){ "log_key", "log key", is->log_key };
	f[n++] = (struct output_kv){ "fingerprint", "fingerprint", fpr };
	f[n++] = (struct output_kv){ "pin", "pin", pin };
	f[n++] = (struct output_kv){ "ca", "ca", is->ca };
	f[n++] = (struct output_kv){ "cert", "cert", is->cert };
	f[n++] = (struct output_kv){ "registry", "registry", is->registry };
	f[n++] = (struct output_kv){ "server", "server", is->server };
	f[n++] = (struct output_kv){ "source", "from", src };
	output_record(r->x->o, f, n);
}

static int
trust_list(struct trust_run *r)
{
	struct trust_issuer	*v;
	char			 why[TRUST_ERR_MAX];
	size_t			 i, n;

	if (trust_effective(&r->x->conf, &r->tf, &v, &n, why,
	    sizeof why) == -1)
		return session_fail(r->x, EX_CONFIG, "%s", why);
	output_field_str(r->x->o, "file", "trust file", r->path);
	for (i = 0; i < n; i++)
		trust_show(r, &v[i]);
	free(v);
	return 0;
}

/* Whether h (a host or URL) names skk.conf's own server. */
static int
trust_is_own(struct trust_run *r, const char *h)
{
	struct trust_issuer	*v;
	char			 why[TRUST_ERR_MAX];
	size_t			 n;
	int			 own;

	if (strncasecmp(h, "https://", 8) == 0)
		h += 8;
	if (trust_effective(&r->x->conf, &r->tf, &v, &n, why,
	    sizeof why) == -1)
		return 0;
	own = qrpay_host_equal(h, v[0].host) ||
	    qrpay_host_equal(h, r->x->conf.server_name);
	free(v);
	return own;
}

static int
trust_remove_cmd(struct trust_run *r)
{
	const char	*h = r->a->pos[1];

	if (trust_remove(&r->tf, h) == -1) {
		if (trust_is_own(r, h))
			return session_fail(r->x, 1, "trust remove: '%s' is "
			    "skk.conf's own server, trusted through '%s'", h,
			    r->x->conf.path);
		return session_fail(r->x, 1, "trust remove: '%s' is not in "
		    "'%s'", h, r->path);
	}
	if (trust_save_or_fail(r) != 0)
		return EX_CANTCREAT;
	output_field_str(r->x->o, "removed", "removed", h);
	return 0;
}

/* --- import ------------------------------------------------------------ */

/* The registry's public key from a PEM file, as base64 of its 32 bytes. */
static int
trust_import_key(struct trust_run *r, struct sign_key **k, char *b64,
    size_t b64len)
{
	const char	*path = args_get(r->a, "--key");
	char		 why[TRUST_ERR_MAX], *pem;
	size_t		 len;

	if (path == NULL)
		return args_usage_error(r->x, "import needs --key "
		    "REGISTRY.pub");
	if ((pem = skkconf_read(path, &len, why, sizeof why)) == NULL)
		return session_fail(r->x, EX_NOINPUT, "--key: %s", why);
	*k = sign_key_from_pem(pem, len, 0, path, why, sizeof why);
	free(pem);
	if (*k == NULL)
		return session_fail(r->x, EX_DATAERR, "--key: %s", why);
	if (base64_encode(sign_key_public(*k), SIGN_PUB_LEN, b64,
	    b64len) == -1)
		return session_fail(r->x, EX_SOFTWARE, "base64");
	return 0;
}

/* The signed list: a file, or an https:// URL fetched. */
static int
trust_import_read(struct trust_run *r, const char *src,
    struct trust_issuer *tls, uint8_t **buf, size_t *len)
{
	char			 base[TRUST_URL_MAX + 64];
	const char		*slash;
	FILE			*f;
	size_t			 n;
	int			 rc;

	if (strncmp(src, "https://", 8) == 0) {
		if ((rc = trust_tls_opts(r, tls, 0)) != 0)
			return rc;
		if ((slash = strrchr(src + 8, '/')) == NULL ||
		    (size_t)(slash - src) >= sizeof base || slash[1] == '\0')
			return args_usage_error(r->x, "'%s': expected "
			    "https://HOST[:PORT]/PATH", src);
		snprintf(base, sizeof base, "%.*s", (int)(slash - src), src);
		return trust_fetch(r, tls, base, slash + 1, TL_SIZE_MAX, buf,
		    len);
	}
	if (args_get(r->a, "--ca") != NULL || args_get(r->a, "--pin") != NULL)
		return args_usage_error(r->x, "--ca and --pin are for a list "
		    "fetched from an https:// URL");
	if ((f = fopen(src, "r")) == NULL)
		return session_fail(r->x, EX_NOINPUT, "cannot open '%s': %s",
		    src, strerror(errno));
	if ((*buf = malloc(TL_SIZE_MAX + 1)) == NULL) {
		fclose(f);
		return session_fail(r->x, EX_OSERR, "out of memory");
	}
	n = fread(*buf, 1, TL_SIZE_MAX + 1, f);
	rc = ferror(f);
	fclose(f);
	if (rc)
		return session_fail(r->x, EX_IOERR, "cannot read '%s'", src);
	if (n > TL_SIZE_MAX)
		return session_fail(r->x, EX_DATAERR, "'%s': larger than %d "
		    "bytes", src, TL_SIZE_MAX);
	*len = n;
	return 0;
}

/* A registry's name as a word of the trust file: other bytes become '-'. */
static void
trust_registry_name(const char *given, const char *listed, char *out,
    size_t outlen)
{
	size_t	i;

	snprintf(out, outlen, "%.*s", (int)outlen - 1,
	    given != NULL ? given : listed);
	for (i = 0; out[i] != '\0'; i++)
		if (!(out[i] >= 'a' && out[i] <= 'z') &&
		    !(out[i] >= 'A' && out[i] <= 'Z') &&
		    !(out[i] >= '0' && out[i] <= '9') &&
		    strchr("-_.", out[i]) == NULL)
			out[i] = '-';
	if (out[0] == '\0')
		snprintf(out, outlen, "registry");
}

/* Every issuer of tl into the file as registry reg's; the new count. */
static int
trust_import_put(struct trust_run *r, const struct trustlist *tl,
    const char *reg, size_t *nnew)
{
	struct trust_issuer	 is, *old;
	char			 why[TRUST_ERR_MAX], host[TRUST_HOST_MAX];
	size_t			 i;
	int			 rc;

	*nnew = 0;
	for (i = 0; i < tl->n; i++) {
		memset(&is, 0, sizeof is);
		if (trust_url_parse(tl->v[i].url, is.url, sizeof is.url, host,
		    sizeof host, why, sizeof why) == -1)
			return session_fail(r->x, EX_DATAERR, "issuer %zu: %s",
			    i + 1, why);
		if ((old = trust_find(&r->tf, host)) != NULL)
			is = *old;	/* keeps a pin, CA or reader cert */
		snprintf(is.log_key, sizeof is.log_key, "%s",
		    tl->v[i].log_key);
		snprintf(is.name, sizeof is.name, "%s", tl->v[i].name);
		if (tl->v[i].licence[0] != '\0' || old == NULL)
			snprintf(is.licence, sizeof is.licence, "%s",
			    tl->v[i].licence);
		snprintf(is.registry, sizeof is.registry, "%s", reg);
		if ((rc = trust_put(&r->tf, &is, why, sizeof why)) == -1)
			return session_fail(r->x, EX_DATAERR, "issuer %zu "
			    "(%s): %s", i + 1, tl->v[i].url, why);
		*nnew += (size_t)rc;
	}
	return 0;
}

/* Issuers of reg the new list no longer names; how many went. */
static size_t
trust_import_prune(struct trust_run *r, const struct trustlist *tl,
    const char *reg)
{
	char	url[TRUST_URL_MAX], host[TRUST_HOST_MAX], why[128];
	size_t	i, k, gone = 0;
	int	listed;

	for (i = 0; i < r->tf.niss; ) {
		if (strcmp(r->tf.iss[i].registry, reg) != 0) {
			i++;
			continue;
		}
		for (k = 0, listed = 0; k < tl->n && !listed; k++)
			listed = trust_url_parse(tl->v[k].url, url, sizeof url,
			    host, sizeof host, why, sizeof why) == 0 &&
			    qrpay_host_equal(host, r->tf.iss[i].host);
		if (listed)
			i++;
		else {
			fprintf(r->x->err, "skk: %s is no longer on %s's "
			    "list: removed\n", r->tf.iss[i].host, reg);
			snprintf(host, sizeof host, "%s", r->tf.iss[i].host);
			trust_remove(&r->tf, host);
			gone++;
		}
	}
	return gone;
}

static void
trust_import_json(struct trust_run *r, const char *reg, size_t n,
    size_t nnew, size_t gone)
{
	output_field_str(r->x->o, "registry", "registry", reg);
	output_field_int(r->x->o, "imported", "imported", (int64_t)n);
	output_field_int(r->x->o, "new", "new", (int64_t)nnew);
	output_field_int(r->x->o, "removed", "removed", (int64_t)gone);
}

static int
trust_import_list(struct trust_run *r, const uint8_t *buf, size_t len,
    const struct sign_key *k, const char *b64,
    const struct trust_issuer *tls)
{
	struct trustlist	tl;
	struct trust_registry	reg;
	const char		*src = r->a->pos[1];
	char			why[TRUST_ERR_MAX];
	size_t			nnew = 0, gone;
	int			rc;

	if ((rc = trustlist_open(buf, len, k, (int64_t)time(NULL), &tl, why,
	    sizeof why)) != 0) {
		trustlist_release(&tl);
		return session_fail(r->x, rc == -2 ? EX_SOFTWARE : EX_DATAERR,
		    "trust import: '%s' refused, nothing changed: %s", src,
		    why);
	}
	memset(&reg, 0, sizeof reg);
	trust_registry_name(args_get(r->a, "--name"), tl.registry, reg.name,
	    sizeof reg.name);
	snprintf(reg.key, sizeof reg.key, "%s", b64);
	if (strncmp(src, "https://", 8) == 0) {
		/* how to fetch it again */
		snprintf(reg.url, sizeof reg.url, "%s", src);
		memcpy(reg.ca, tls->ca, sizeof reg.ca);
		reg.has_pin = tls->has_pin;
		memcpy(reg.pin, tls->pin, sizeof reg.pin);
	}
	if (trust_put_registry(&r->tf, &reg, why, sizeof why) == -1)
		rc = session_fail(r->x, EX_DATAERR, "%s", why);
	else if ((rc = trust_import_put(r, &tl, reg.name, &nnew)) == 0) {
		gone = trust_import_prune(r, &tl, reg.name);
		if ((rc = trust_save_or_fail(r)) == 0) {
			if (!r->x->json)
				fprintf(r->x->out, "%zu issuers imported (%zu "
				    "new) from registry %s\n", tl.n, nnew,
				    reg.name);
			else
				trust_import_json(r, reg.name, tl.n, nnew,
				    gone);
		}
	}
	trustlist_release(&tl);
	return rc;
}

static int
trust_import(struct trust_run *r)
{
	struct trust_issuer	 tls;
	struct sign_key		*k = NULL;
	char			 b64[64];
	uint8_t			*buf = NULL;
	size_t			 len;
	int			 rc;

	memset(&tls, 0, sizeof tls);
	if ((rc = trust_import_key(r, &k, b64, sizeof b64)) == 0 &&
	    (rc = trust_import_read(r, r->a->pos[1], &tls, &buf, &len)) == 0)
		rc = trust_import_list(r, buf, len, k, b64, &tls);
	free(buf);
	sign_key_free(k);
	return rc;
}

/* --- the command ------------------------------------------------------- */

static int
trust_check_opts(struct trust_run *r, const struct trust_sub *s)
{
	const struct cmd_opt	*o;
	size_t			 i;
	int			 ok;

	if (r->a->npos != 1 + s->npos)
		return args_usage_error(r->x, r->a->npos < 1 + s->npos ?
		    "trust %s: missing argument" : "trust %s: unexpected "
		    "argument", s->name);
	for (o = trust_opts; o->name != NULL; o++) {
		if (args_get(r->a, o->name) == NULL)
			continue;
		for (i = 0, ok = 0; s->opts[i] != NULL && !ok; i++)
			ok = strcmp(s->opts[i], o->name) == 0;
		if (!ok)
			return args_usage_error(r->x, "trust %s does not take "
			    "%s", s->name, o->name);
	}
	return 0;
}

static int
trust_begin(struct trust_run *r)
{
	const char	*conf;
	char		 why[TRUST_ERR_MAX];

	if ((conf = skkconf_find(r->x->config)) == NULL)
		return session_fail(r->x, EX_CONFIG,
		    "no configuration: use -c FILE or set SKK_CONFIG");
	if (skkconf_load(&r->x->conf, conf, why, sizeof why) == -1)
		return session_fail(r->x, EX_CONFIG, "%s", why);
	trust_conf_path(&r->x->conf, r->path, sizeof r->path);
	if (trust_load(&r->tf, r->path, why, sizeof why) == -1)
		return session_fail(r->x, EX_CONFIG, "%s", why);
	if ((r->x->o = output_new(r->x->out, r->x->json)) == NULL)
		return session_fail(r->x, EX_OSERR, "out of memory");
	return 0;
}

static int
trust_exec(struct cmd_ctx *x, struct cmd_args *a)
{
	struct trust_run	 r;
	const struct trust_sub	*s = NULL;
	size_t			 i;
	int			 rc;

	for (i = 0; i < sizeof trust_subs / sizeof trust_subs[0]; i++)
		if (strcmp(a->pos[0], trust_subs[i].name) == 0)
			s = &trust_subs[i];
	if (s == NULL)
		return args_usage_error(x, "unknown trust command '%s'",
		    a->pos[0]);
	memset(&r, 0, sizeof r);
	r.x = x;
	r.a = a;
	if ((rc = trust_check_opts(&r, s)) == 0 &&
	    (rc = trust_begin(&r)) == 0 && (rc = s->exec(&r)) == 0)
		rc = session_end(x, 0);
	trust_release(&r.tf);
	return rc;
}
