/* skkd — SPDX-License-Identifier: ISC */
/*
 * QR images and QR checks. The offline verdict rules are offline.c's;
 * this file decides what to ask and what to say about how it was
 * checked.
 */

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <time.h>

#include "cert.h"
#include "cmd_offline.h"
#include "cmd_qr.h"
#include "offline.h"
#include "qrpay.h"
#include "qrterm.h"
#include "scan.h"

struct cmd_qrcheck {
	const char	*qr, *image, *keys, *offline, *cache, *max_age;
	char		 text[QRPAY_URL_MAX + 1];
	char		 host[256];	/* of the keys file, or "" */
	struct keyring	 kr;
	int		 has_conf;
};

static int	cmd_qr(struct cmd_ctx *, struct cmd_args *);
static int	cmd_verify_qr(struct cmd_ctx *, struct cmd_args *);

static const struct cmd_opt cmd_qr_opts[] = {
	{ "--output", 0, "-o" }, { "--size", 0, NULL },
	{ "--terminal", 1, NULL }, { NULL, 0, NULL }
};
static const struct cmd_opt cmd_verify_qr_opts[] = {
	{ "--qr", 0, NULL }, { "--image", 0, NULL }, { "--keys", 0, NULL },
	{ "--offline", 1, NULL }, { "--cache", 0, NULL },
	{ "--max-age", 0, NULL }, { NULL, 0, NULL }
};

const struct cmd_form cmd_qr_form = { { NULL }, cmd_qr, cmd_qr_opts, 1, 1,
	ARGS_PLAIN };
const struct cmd_form cmd_verify_qr_form = { { "--qr", "--image" },
	cmd_verify_qr, cmd_verify_qr_opts, 0, 0, ARGS_PLAIN };

/* --- images ----------------------------------------------------------- */

int
cmd_qr_fetch(struct cmd_ctx *x, const char *number, const char *format,
    unsigned size, struct wire_msg **ap)
{
	struct wire_msg	*m;

	if ((m = session_request(x, WIRE_QR)) == NULL ||
	    wire_put_str(m, WK_NUMBER, number) == -1 ||
	    wire_put_str(m, WK_FORMAT, format) == -1 ||
	    (size != 0 && wire_put_uint(m, WK_SIZE, size) == -1))
		return session_oom(x, m);
	return session_call(x, m, ap, number);
}

int
cmd_qr_write(struct cmd_ctx *x, const struct wire_msg *a, const char *path)
{
	const uint8_t	*img;
	size_t		 len;

	if (wire_get_bytes(a, WK_IMAGE, &img, &len) == -1 || len == 0)
		return session_fail(x, EX_PROTOCOL, "qr: the server sent no "
		    "image");
	return session_write_private(x, path, img, len);
}

int
cmd_qr_path(char *path, size_t len, const char *dir, const char *number)
{
	size_t	n = (size_t)snprintf(path, len, "%s/%s.png", dir, number);
	size_t	k;

	for (k = strlen(dir) + 1; k < strlen(path); k++)
		if (path[k] == ' ')
			path[k] = '_';
	return n >= len ? -1 : 0;
}

static int
cmd_qr_terminal(struct cmd_ctx *x, const struct wire_msg *a)
{
	const uint8_t	*png;
	size_t		 len;

	if (wire_get_bytes(a, WK_IMAGE, &png, &len) == -1 ||
	    qrterm_draw(x->out, png, len) == -1)
		return session_fail(x, EX_PROTOCOL, "qr: the server sent a bad "
		    "image");
	return 0;
}

/* "png" or "svg" from the file name's extension; NULL for others. */
static const char *
cmd_qr_format(const char *path)
{
	const char	*dot = strrchr(path, '.');

	if (dot != NULL && strcasecmp(dot, ".png") == 0)
		return "png";
	if (dot != NULL && strcasecmp(dot, ".svg") == 0)
		return "svg";
	return NULL;
}

/* The QR arguments checked: format and size; 0 or EX_USAGE. */
static int
cmd_qr_args(struct cmd_ctx *x, const char *out, const char *size,
    const char *term, const char **format, unsigned *n)
{
	char	*end;
	long	 v;

	if ((out == NULL) == (term == NULL))
		return args_usage_error(x, "give one of -o FILE and "
		    "--terminal");
	if (out != NULL && (*format = cmd_qr_format(out)) == NULL)
		return args_usage_error(x, "'%s': the file name must end in "
		    ".png or .svg", out);
	if (size == NULL)
		return 0;
	v = strtol(size, &end, 10);
	if (*end != '\0' || v < 1 || v > 40 || term != NULL ||
	    strcmp(*format, "png") != 0)
		return args_usage_error(x, "--size is 1 to 40 pixels per "
		    "module, for a PNG");
	*n = (unsigned)v;
	return 0;
}

static int
cmd_qr(struct cmd_ctx *x, struct cmd_args *args)
{
	const char	*out = args_get(args, "--output");
	const char	*term = args_get(args, "--terminal");
	const char	*format = "png";
	char		 number[64], url[QRPAY_URL_MAX];
	struct wire_msg	*a;
	unsigned	 n = 0;
	int		 rc;

	if ((rc = cmd_qr_args(x, out, args_get(args, "--size"), term,
	    &format, &n)) != 0 || (rc = args_number(x, args->pos[0], number,
	    sizeof number)) != 0 || (rc = session_begin(x)) != 0)
		return rc;
	if (term != NULL)
		n = 1;	/* one pixel a module: the grid itself */
	if ((rc = cmd_qr_fetch(x, number, format, n, &a)) != 0)
		return rc;
	rc = term != NULL ? cmd_qr_terminal(x, a) : cmd_qr_write(x, a, out);
	if (rc == 0 && term == NULL) {
		if (wire_get_str(a, WK_URL, url, sizeof url) == -1)
			url[0] = '\0';
		output_qr(x->o, number, url, out);
	}
	wire_msg_free(a);
	return rc != 0 ? rc : session_end(x, 0);
}

/* --- verifying a QR offline ------------------------------------------- */

/* The configuration (optional with --keys --offline) and the keys. */
static int
cmd_qrcheck_keys(struct cmd_ctx *x, struct cmd_qrcheck *k)
{
	const char	*path, *keys = k->keys;
	char		 why[PATH_MAX + 256];

	if ((path = skkconf_find(x->config)) != NULL) {
		if (skkconf_load(&x->conf, path, why, sizeof why) == -1)
			return session_fail(x, EX_CONFIG, "%s", why);
		k->has_conf = 1;
		if (keys == NULL && x->conf.public_key[0] != '\0')
			keys = x->conf.public_key;
	}
	if (keys == NULL)
		return session_fail(x, EX_CONFIG, "verify: no keys: use --keys "
		    "FILE (from 'skk keys --save') or public_key in skk.conf");
	if (offline_load_keys(keys, &k->kr, why, sizeof why) == -1 ||
	    offline_load_host(keys, k->host, sizeof k->host, why,
	    sizeof why) == -1)
		return session_fail(x, EX_CONFIG, "verify: %s", why);
	return 0;
}

static void
cmd_now(char out[32])
{
	time_t		now = time(NULL);
	struct tm	tm;

	gmtime_r(&now, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* How the server's verdict v relates to what was found here. */
static void
cmd_qrcheck_note(const struct offline_result *r, int v, char *note,
    size_t notelen)
{
	char	at[32];

	cmd_now(at);
	if (r->signed_ok)
		snprintf(note, notelen, "(signature and expiry checked "
		    "offline; status confirmed by the server at %s)", at);
	else
		snprintf(note, notelen, "(offline check: %s; verdict "
		    "confirmed by the server at %s%s)",
		    cert_reason_name(r->reason), at, v == VERDICT_VALID &&
		    r->reason != REASON_KEY_COMPROMISED ?
		    "; the keys file may be out of date: 'skk keys --save'" :
		    "");
}

/* The server's verdict, which wins; r is what was found here. */
static int
cmd_qrcheck_online(struct cmd_ctx *x, struct cmd_qrcheck *k,
    const struct offline_result *r)
{
	struct wire_msg		*m, *a, *it;
	const struct wire_msg	*ans;
	char			*text = k->text;
	char			 note[512];
	uint64_t		 verdict = VERDICT_UNKNOWN;
	uint64_t		 code = REASON_UNAVAILABLE;
	int			 rc, v;

	if ((rc = session_fetch_host(x, &text, 1)) != 0)
		return rc;
	if ((m = session_request(x, WIRE_VERIFY)) == NULL ||
	    (it = wire_put_item(m, WK_ITEMS)) == NULL ||
	    wire_put_str(it, WK_QR, k->text) == -1)
		return session_oom(x, m);
	if ((rc = session_call(x, m, &a, NULL)) != 0)
		return rc;
	if (wire_list_len(a, WK_ITEMS) != 1) {
		wire_msg_free(a);
		return session_fail(x, EX_PROTOCOL, "verify: server answered "
		    "%zu items for 1", wire_list_len(a, WK_ITEMS));
	}
	ans = wire_list_get(a, WK_ITEMS, 0);
	wire_get_uint(ans, WK_VERDICT, &verdict);
	wire_get_uint(ans, WK_CODE, &code);
	session_host_rule(x, k->text, &verdict, &code);
	v = output_verify_as(x->o, ans, k->text, verdict, code);
	wire_msg_free(a);
	cmd_qrcheck_note(r, v, note, sizeof note);
	output_checked(x->o, "online", note);
	return session_end(x, v);
}

static int
cmd_qrcheck_offline(struct cmd_ctx *x, const struct offline_result *r,
    const char *text, const char *why)
{
	char	note[768];

	output_offline(x->o, r, text);
	if (r->reason == REASON_KEY_COMPROMISED)
		snprintf(note, sizeof note, "signing key compromised: check "
		    "online (%s%s)", why == NULL ? "offline" :
		    "server not reachable: ", why == NULL ? "" : why);
	else if (r->verdict == VERDICT_UNKNOWN)
		snprintf(note, sizeof note, "VALID signature; status not "
		    "checked (%s%s): suspension or revocation cannot be seen",
		    why == NULL ? "offline" : "server not reachable: ",
		    why == NULL ? "" : why);
	else if (r->reason == REASON_OTHER_SITE)
		snprintf(note, sizeof note, "(checked offline: the QR does "
		    "not point to the site of the issuer whose key signed "
		    "it)");
	else
		snprintf(note, sizeof note, "(checked offline: a signature "
		    "or date fault is certain without the server)");
	output_checked(x->o, "offline", note);
	return session_end(x, (int)r->verdict);
}

static int
cmd_qrcheck_run(struct cmd_ctx *x, struct cmd_qrcheck *k)
{
	struct offline_result	 r;
	char			 why[512];
	int			 rc;

	if ((rc = cmd_qrcheck_keys(x, k)) != 0)
		return rc;
	offline_verify(&k->kr, k->text, (int64_t)time(NULL), &r);
	offline_host_rule(&r, k->text, k->host);
	if ((x->o = output_new(x->out, x->json)) == NULL)
		return session_fail(x, EX_OSERR, "out of memory");
	if (k->offline != NULL || !k->has_conf)
		return cmd_qrcheck_offline(x, &r, k->text, NULL);
	if (net_open(&x->conf, &x->net, why, sizeof why) != 0)
		return cmd_qrcheck_offline(x, &r, k->text, why);
	return cmd_qrcheck_online(x, k, &r);
}

/* The QR text from --qr or from the photo --image; 0 or the status. */
static int
cmd_qrcheck_text(struct cmd_ctx *x, struct cmd_qrcheck *k)
{
	char	why[PATH_MAX + 128];

	if (k->qr != NULL && k->image != NULL)
		return args_usage_error(x, "give one of --qr and --image");
	if (k->image != NULL)
		return scan_file(k->image, k->text, sizeof k->text, why,
		    sizeof why) == -1 ? session_fail(x, EX_DATAERR,
		    "verify: %s", why) : 0;
	if (snprintf(k->text, sizeof k->text, "%s", k->qr) >=
	    (int)sizeof k->text)
		return session_fail(x, EX_DATAERR, "verify: the QR text is "
		    "too long");
	return 0;
}

static int
cmd_verify_qr(struct cmd_ctx *x, struct cmd_args *a)
{
	struct cmd_qrcheck	*k;
	int			 rc;

	if ((k = calloc(1, sizeof *k)) == NULL)
		return session_fail(x, EX_OSERR, "out of memory");
	keyring_init(&k->kr);
	k->qr = args_get(a, "--qr");
	k->image = args_get(a, "--image");
	k->keys = args_get(a, "--keys");
	k->offline = args_get(a, "--offline");
	k->cache = args_get(a, "--cache");
	k->max_age = args_get(a, "--max-age");
	if ((k->cache != NULL || k->max_age != NULL) && (k->offline == NULL ||
	    k->keys != NULL))
		rc = args_usage_error(x, "--cache and --max-age go with "
		    "--offline, without --keys");
	else if ((rc = cmd_qrcheck_text(x, k)) == 0) {
		/* --keys: the signature alone; else the cache of skk sync. */
		if (k->offline != NULL && k->keys == NULL)
			rc = cmd_offline_qr(x, k->text, k->cache, k->max_age);
		else
			rc = cmd_qrcheck_run(x, k);
	}
	keyring_release(&k->kr);
	free(k);
	return rc;
}
