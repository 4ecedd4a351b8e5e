/* skkd — SPDX-License-Identifier: ISC */
/*
 * verify, show, find, keys and stats. verify sends every request before
 * it reads any answer, so a long list costs one round trip; each answer
 * goes through the host rule, then to output.c.
 */

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cert.h"
#include "cmd_read.h"
#include "offline.h"
#include "proof.h"
#include "qrpay.h"

#define CMD_UNPROVED	3	/* verify --proof: a proof failed */

/* One VERIFY request in flight. */
struct cmd_batch {
	uint64_t	id;
	size_t		first;		/* index of its first query */
	size_t		n;
};

struct cmd_queries {
	char		**v;
	size_t		  n;
	size_t		  size;
	const char	 *name;		/* --name: compared by the server */
	struct proof_keys *proof;	/* --proof: the keys, else NULL */
	int		  unproved;	/* items whose proof failed */
};

static int	cmd_verify(struct cmd_ctx *, struct cmd_args *);
static int	cmd_show(struct cmd_ctx *, struct cmd_args *);
static int	cmd_find_nik(struct cmd_ctx *, struct cmd_args *);
static int	cmd_keys(struct cmd_ctx *, struct cmd_args *);
static int	cmd_stats(struct cmd_ctx *, struct cmd_args *);

static const struct cmd_opt cmd_verify_opts[] = {
	{ "--name", 0, NULL }, { "--proof", 1, NULL },
	{ "--witnesses", 0, NULL }, { NULL, 0, NULL }
};
static const struct cmd_opt cmd_find_opts[] = {
	{ "--nik", 0, NULL }, { NULL, 0, NULL }
};
static const struct cmd_opt cmd_keys_opts[] = {
	{ "--save", 0, NULL }, { NULL, 0, NULL }
};

const struct cmd_form cmd_verify_form = { { NULL }, cmd_verify,
	cmd_verify_opts, 1, -1, ARGS_PLAIN };
const struct cmd_form cmd_show_form = { { NULL }, cmd_show, NULL, 1, 1,
	ARGS_PLAIN };
const struct cmd_form cmd_find_form = { { NULL }, cmd_find_nik, cmd_find_opts,
	0, 0, ARGS_PLAIN };
const struct cmd_form cmd_keys_form = { { NULL }, cmd_keys, cmd_keys_opts,
	0, 0, ARGS_PLAIN };
const struct cmd_form cmd_stats_form = { { NULL }, cmd_stats, NULL, 0, 0,
	ARGS_PLAIN };

/* --- verify ----------------------------------------------------------- */

static int
cmd_queries_add(struct cmd_queries *q, const char *s)
{
	char	**v;

	if (q->n == q->size) {
		q->size = q->size == 0 ? 64 : q->size * 2;
		if ((v = reallocarray(q->v, q->size, sizeof *v)) == NULL)
			return -1;
		q->v = v;
	}
	if ((q->v[q->n] = strdup(s)) == NULL)
		return -1;
	q->n++;
	return 0;
}

static void
cmd_queries_free(struct cmd_queries *q)
{
	size_t	i;

	for (i = 0; i < q->n; i++)
		free(q->v[i]);
	free(q->v);
}

static int
cmd_queries_add_cb(void *arg, const char *s)
{
	return cmd_queries_add(arg, s);
}

static int
cmd_put_query(struct wire_msg *m, const char *query, const char *name)
{
	struct wire_msg	*it;
	char		 number[CMD_LINE_MAX + 1];

	if ((it = wire_put_item(m, WK_ITEMS)) == NULL)
		return -1;
	if (name != NULL && wire_put_str(it, WK_NAME, name) == -1)
		return -1;
	if (qrpay_is_qr_text(query))
		return wire_put_str(it, WK_QR, query);
	cert_normalize_number(query, number, sizeof number);
	return wire_put_str(it, WK_NUMBER, number);
}

/* Sends the queries from b->first on as one request; b->n its size. */
static int
cmd_verify_send(struct cmd_ctx *x, const struct cmd_queries *q,
    struct cmd_batch *b)
{
	struct wire_msg	*m;
	size_t		 bytes = 0;

	if ((m = session_request(x, WIRE_VERIFY)) == NULL)
		return session_oom(x, NULL);
	b->id = wire_id(m);
	if (q->proof != NULL && wire_put_uint(m, WK_PROOF, 1) == -1)
		return session_oom(x, m);
	for (b->n = 0; b->first + b->n < q->n &&
	    b->n < net_max_batch(x->net) && bytes < net_max_bytes(x->net);
	    b->n++) {
		if (cmd_put_query(m, q->v[b->first + b->n], q->name) == -1)
			return session_oom(x, m);
		bytes += strlen(q->v[b->first + b->n]) + 8;
	}
	if (net_send(x->net, m) == -1) {
		wire_msg_free(m);
		return session_net_fail(x);
	}
	wire_msg_free(m);
	return 0;
}

/* --proof: checks and prints the item's log proof. */
static void
cmd_verify_proof(struct cmd_ctx *x, struct cmd_queries *q,
    const struct wire_msg *it, const char *query)
{
	struct logproof		p;
	struct logproof_result	r;
	char			err[LOGPROOF_ERR_MAX];
	char			number[CERT_NUMBER_LEN + 1];

	if (proof_check_item(q->proof, it, query, &p, &r, err,
	    sizeof(err)) == 0) {
		output_proof(x->o, &p, &r, NULL);
		return;
	}
	q->unproved++;
	output_proof(x->o, NULL, NULL, err);
	if (wire_get_str(it, WK_NUMBER, number, sizeof(number)) == -1)
		snprintf(number, sizeof(number), "%s", "?");
	fprintf(x->err, "skk: verify --proof: %s: %s\n", number, err);
}

/* Prints one batch's answers; *worst gets the worst verdict seen. */
static int
cmd_verify_recv(struct cmd_ctx *x, struct cmd_queries *q,
    const struct cmd_batch *b, int *worst)
{
	const struct wire_msg	*it;
	struct wire_msg		*a;
	uint64_t		 verdict, code;
	size_t			 i;
	int			 rc, v;

	if ((a = net_recv(x->net, b->id)) == NULL)
		return session_net_fail(x);
	if ((rc = session_answer(x, a, WIRE_VERIFY, NULL)) == 0 &&
	    wire_list_len(a, WK_ITEMS) != b->n)
		rc = session_fail(x, EX_PROTOCOL, "server answered %zu items "
		    "for %zu", wire_list_len(a, WK_ITEMS), b->n);
	for (i = 0; rc == 0 && i < b->n; i++) {
		it = wire_list_get(a, WK_ITEMS, i);
		verdict = VERDICT_UNKNOWN;
		code = REASON_UNAVAILABLE;
		wire_get_uint(it, WK_VERDICT, &verdict);
		wire_get_uint(it, WK_CODE, &code);
		session_host_rule(x, q->v[b->first + i], &verdict, &code);
		v = output_verify_as(x->o, it, q->v[b->first + i], verdict,
		    code);
		if (q->proof != NULL)
			cmd_verify_proof(x, q, it, q->v[b->first + i]);
		/* NOT VALID outranks UNKNOWN, which outranks VALID. */
		if (v == VERDICT_NOT_VALID ||
		    (v == VERDICT_UNKNOWN && *worst == VERDICT_VALID))
			*worst = v;
	}
	wire_msg_free(a);
	return rc;
}

static int
cmd_verify_run(struct cmd_ctx *x, struct cmd_queries *q)
{
	struct cmd_batch	*b;
	size_t			 nb = 0, i, next = 0;
	int			 rc = 0, worst = VERDICT_VALID;

	if ((rc = session_fetch_host(x, q->v, q->n)) != 0)
		return rc;
	if ((b = calloc(q->n, sizeof *b)) == NULL)
		return session_fail(x, EX_OSERR, "out of memory");
	/* All requests first, then all answers: one round trip in all. */
	while (rc == 0 && next < q->n) {
		b[nb].first = next;
		if ((rc = cmd_verify_send(x, q, &b[nb])) == 0)
			next += b[nb++].n;
	}
	for (i = 0; rc == 0 && i < nb; i++)
		rc = cmd_verify_recv(x, q, &b[i], &worst);
	free(b);
	if (rc != 0)
		return rc;
	/* A proof that does not check outranks every verdict. */
	return session_end(x, q->unproved ? CMD_UNPROVED : worst);
}

/* --name: one certificate, and a name the server can compare. */
static int
cmd_verify_name(struct cmd_ctx *x, const struct cmd_queries *q)
{
	if (q->name == NULL)
		return 0;
	if (q->n != 1)
		return session_fail(x, EX_USAGE, "verify: --name compares the "
		    "holder of one certificate, not %zu", q->n);
	/* Spaces and case are the server's to forgive; only the size. */
	if (q->name[0] == '\0' || strlen(q->name) > CERT_NAME_MAX)
		return session_fail(x, EX_DATAERR, "verify: --name: 1 to %d "
		    "bytes", CERT_NAME_MAX);
	return 0;
}

static int
cmd_verify(struct cmd_ctx *x, struct cmd_args *a)
{
	struct cmd_queries	q = { NULL, 0, 0, NULL, NULL, 0 };
	struct proof_keys	pk;
	int			i, rc = 0;

	q.name = args_get(a, "--name");
	if (args_get(a, "--witnesses") != NULL && args_get(a, "--proof") ==
	    NULL)
		return session_fail(x, EX_USAGE, "verify: --witnesses needs "
		    "--proof");
	for (i = 0; rc == 0 && i < a->npos; i++) {
		if (strcmp(a->pos[i], "-") == 0)
			rc = args_read_items(x, cmd_queries_add_cb, &q);
		else if (cmd_queries_add(&q, a->pos[i]) == -1)
			rc = session_fail(x, EX_OSERR, "out of memory");
	}
	if (rc == 0 && q.n == 0)
		rc = session_fail(x, EX_DATAERR, "verify: nothing to verify");
	if (rc == 0)
		rc = cmd_verify_name(x, &q);
	if (rc == 0 && (rc = session_begin(x)) == 0) {
		if (args_get(a, "--proof") != NULL &&
		    (rc = proof_keys_load(x, args_get(a, "--witnesses"),
		    &pk)) == 0)
			q.proof = &pk;
		if (rc == 0)
			rc = cmd_verify_run(x, &q);
		if (q.proof != NULL)
			proof_keys_free(&pk);
	}
	cmd_queries_free(&q);
	return rc;
}

/* --- one certificate, one holder, the server -------------------------- */

static int
cmd_show(struct cmd_ctx *x, struct cmd_args *args)
{
	char		 number[64], why[256];
	struct wire_msg	*m, *a;
	int		 rc;

	if ((rc = args_number(x, args->pos[0], number, sizeof number)) != 0 ||
	    (rc = session_begin(x)) != 0)
		return rc;
	if ((m = session_request(x, WIRE_SHOW)) == NULL ||
	    wire_put_str(m, WK_NUMBER, number) == -1)
		return session_oom(x, m);
	if ((rc = session_call(x, m, &a, number)) != 0)
		return rc;
	if (output_show(x->o, a, why, sizeof why) == -1)
		rc = session_fail(x, EX_PROTOCOL, "show: %s", why);
	wire_msg_free(a);
	return rc != 0 ? rc : session_end(x, 0);
}

static int
cmd_find_nik(struct cmd_ctx *x, struct cmd_args *a)
{
	const char	*nik = args_get(a, "--nik");
	char		 why[CERT_ERR_MAX];
	struct wire_msg	*m;
	int		 rc;

	if (nik == NULL)
		return args_usage_error(x, "--nik is required");
	if (cert_check_nik(nik, why, sizeof why) == -1)
		return session_fail(x, EX_DATAERR, "find: %s", why);
	if ((rc = session_begin(x)) != 0)
		return rc;
	m = session_request(x, WIRE_FIND);
	return session_print(x, m, m != NULL &&
	    wire_put_str(m, WK_NIK, nik) == 0, NULL, output_find);
}

static int
cmd_keys_save(struct cmd_ctx *x, const char *save)
{
	char		 why[PATH_MAX + 128];
	struct wire_msg	*m, *a;
	int		 rc;

	if ((m = session_request(x, WIRE_KEYS)) == NULL)
		return session_oom(x, m);
	if ((rc = session_call(x, m, &a, NULL)) != 0)
		return rc;
	if (offline_save_keys(save, a, why, sizeof why) == -1)
		rc = session_fail(x, EX_CANTCREAT, "keys: %s", why);
	else
		output_keys(x->o, a);
	wire_msg_free(a);
	return rc != 0 ? rc : session_end(x, 0);
}

static int
cmd_keys(struct cmd_ctx *x, struct cmd_args *a)
{
	const char	*save = args_get(a, "--save");
	int		 rc;

	if ((rc = session_begin(x)) != 0)
		return rc;
	if (save != NULL)
		return cmd_keys_save(x, save);
	return session_print(x, session_request(x, WIRE_KEYS), 1, NULL,
	    output_keys);
}

static int
cmd_stats(struct cmd_ctx *x, struct cmd_args *a)
{
	int	rc;

	if ((rc = session_begin(x)) != 0)
		return rc;
	return session_print(x, session_request(x, WIRE_STATS), 1, NULL,
	    output_stats);
}
