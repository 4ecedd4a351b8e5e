/* skkd — SPDX-License-Identifier: ISC */
/*
 * verify --offline: the rules are offcheck.c's; this file reads the
 * arguments, opens the cache and prints. The exit status is the worst
 * verdict, as online: NOT VALID over UNKNOWN over VALID.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cert.h"
#include "cmd_offline.h"
#include "offcache.h"

static int	cmd_verify_offline(struct cmd_ctx *, struct cmd_args *);

static const struct cmd_opt cmd_offline_opts[] = {
	{ "--offline", 1, NULL }, { "--cache", 0, NULL },
	{ "--max-age", 0, NULL }, { "--issuer", 0, NULL }, { NULL, 0, NULL }
};

const struct cmd_form cmd_verify_offline_form = { { "--offline" },
	cmd_verify_offline, cmd_offline_opts, 1, -1, ARGS_PLAIN };

int
cmd_offline_open(struct cmd_ctx *x, const char *cache, const char *max_age,
    struct offcheck *c)
{
	struct trust_issuer	*v = NULL;
	char			 root[OFFCACHE_PATH_MAX], why[1024];
	int64_t			 age = OC_MAX_AGE;
	size_t			 n = 0;
	int			 rc;

	if (max_age != NULL && offcheck_parse_age(max_age, &age) == -1)
		return args_usage_error(x, "--max-age: '%s' is not N[smhd] "
		    "(e.g. 24h), up to 3650d", max_age);
	if ((rc = session_load_conf(x)) != 0)
		return rc;
	if (offcache_root(cache, root, sizeof root, why, sizeof why) == -1)
		return session_fail(x, EX_USAGE, "verify: %s", why);
	if (offcheck_trusted(&x->conf, root, &v, &n, why, sizeof why) == -1)
		return session_fail(x, EX_CONFIG, "%s", why);
	rc = offcheck_init(c, v, n, root, offcheck_now(), age, why,
	    sizeof why);
	free(v);
	if (rc == -1)
		return session_fail(x, EX_OSERR, "%s", why);
	if ((x->o = output_new(x->out, x->json)) == NULL) {
		offcheck_release(c);
		return session_fail(x, EX_OSERR, "out of memory");
	}
	return 0;
}

/* NOT VALID outranks UNKNOWN, which outranks VALID. */
static int
cmd_offline_worse(int worst, unsigned v)
{
	if (v == VERDICT_NOT_VALID || (v == VERDICT_UNKNOWN &&
	    worst == VERDICT_VALID))
		return (int)v;
	return worst;
}

int
cmd_offline_qr(struct cmd_ctx *x, const char *text, const char *cache,
    const char *max_age)
{
	struct offcheck		c;
	struct oc_result	r;
	int			rc;

	if ((rc = cmd_offline_open(x, cache, max_age, &c)) != 0)
		return rc;
	offcheck_qr(&c, text, &r);
	output_cached(x->o, &r, text);
	offcheck_release(&c);
	return session_end(x, (int)r.verdict);
}

/* One item ("-": every line of stdin) checked and printed. */
struct cmd_offline_run {
	struct cmd_ctx		*x;
	const struct offcheck	*c;
	const char		*hint;
	int			 worst;
};

static int
cmd_offline_item(void *arg, const char *query)
{
	struct cmd_offline_run	*k = arg;
	struct oc_result	 r;

	offcheck_query(k->c, query, k->hint, &r);
	output_cached(k->x->o, &r, query);
	k->worst = cmd_offline_worse(k->worst, r.verdict);
	return 0;
}

static int
cmd_verify_offline(struct cmd_ctx *x, struct cmd_args *a)
{
	struct offcheck		c;
	struct cmd_offline_run	k = { x, &c, NULL, VERDICT_VALID };
	int			i, rc;

	k.hint = args_get(a, "--issuer");
	if ((rc = cmd_offline_open(x, args_get(a, "--cache"),
	    args_get(a, "--max-age"), &c)) != 0)
		return rc;
	for (i = 0; rc == 0 && i < a->npos; i++) {
		if (strcmp(a->pos[i], "-") == 0)
			rc = args_read_items(x, cmd_offline_item, &k);
		else
			cmd_offline_item(&k, a->pos[i]);
	}
	offcheck_release(&c);
	return rc != 0 ? rc : session_end(x, k.worst);
}
