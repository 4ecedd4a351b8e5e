/* skkd — SPDX-License-Identifier: ISC */
/*
 * The command table and its handlers. Each handler parses its arguments
 * and checks them locally first (the same "field: reason" texts as the
 * daemon, from proto/cert.c), so a typing mistake costs no connection;
 * then it connects, sends one request (verify: many, pipelined) and hands
 * the answer to output.c.
 */

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "cohort.h"
#include "offline.h"
#include "record.h"
#include "scan.h"

struct cmd_opt {
	const char	 *name;		/* without "--"; every option has a value */
	const char	**value;
};

/* One VERIFY request in flight. */
struct cmd_batch {
	uint64_t	id;
	size_t		first;		/* index of its first query */
	size_t		n;
};

static int	cmd_help(struct cmd_ctx *, int, char **);
static int	cmd_verify(struct cmd_ctx *, int, char **);
static int	cmd_issue(struct cmd_ctx *, int, char **);
static int	cmd_suspend(struct cmd_ctx *, int, char **);
static int	cmd_revoke(struct cmd_ctx *, int, char **);
static int	cmd_reinstate(struct cmd_ctx *, int, char **);
static int	cmd_record_lpjk(struct cmd_ctx *, int, char **);
static int	cmd_renew(struct cmd_ctx *, int, char **);
static int	cmd_show(struct cmd_ctx *, int, char **);
static int	cmd_find_nik(struct cmd_ctx *, int, char **);
static int	cmd_keys(struct cmd_ctx *, int, char **);
static int	cmd_stats(struct cmd_ctx *, int, char **);
static int	cmd_qr(struct cmd_ctx *, int, char **);
static int	cmd_verify_qr(struct cmd_ctx *, int, char **);
static int	cmd_qrcheck_wanted(int, char **);
static int	cmd_call(struct cmd_ctx *, struct wire_msg *,
		    struct wire_msg **, const char *);
static int	cmd_issue_qr(struct cmd_ctx *, const struct wire_msg *,
		    const char *);

static const struct cmd cmd_list[] = {
	{ "help", cmd_help, "[COMMAND]",
	  "list the commands, or show how to use one", 0 },
	{ "verify", cmd_verify, "NUMBER|QR|- ... | NUMBER --name NAME | "
	  "--qr TEXT | --image FILE.png [--keys FILE] [--offline]",
	  "check certificates by number or QR text (- reads stdin)", 0 },
	{ "issue", cmd_issue, "--name NAME --nik NIK --job CODE --level N "
	  "[--job-title T] [--job-title-en T] [--event E] [--organiser O] "
	  "[--lpjk REGNO] [--number NUMBER] [--issued YYYY-MM-DD] "
	  "[--expires YYYY-MM-DD] [--idem KEY] [--qr-out DIR] | "
	  "--csv FILE [--out DIR] [--dry-run] [--no-qr]",
	  "issue a certificate, or a cohort from a CSV file", 1 },
	{ "suspend", cmd_suspend, "NUMBER --reason TEXT",
	  "suspend a certificate", 1 },
	{ "revoke", cmd_revoke, "NUMBER --reason TEXT",
	  "revoke a certificate (final)", 1 },
	{ "reinstate", cmd_reinstate, "NUMBER --reason TEXT",
	  "make a suspended certificate active again", 1 },
	{ "record-lpjk", cmd_record_lpjk, "NUMBER REGNO",
	  "record the LPJK registration number (pending -> active)", 1 },
	{ "renew", cmd_renew, "NUMBER [--issued D] [--expires D] [--event E] "
	  "[--organiser O] [--job CODE] [--level N] [--reason R]",
	  "issue the successor of a certificate", 1 },
	{ "show", cmd_show, "NUMBER",
	  "show a certificate's record and history", 1 },
	{ "find", cmd_find_nik, "--nik NIK",
	  "list the certificates of a holder", 1 },
	{ "keys", cmd_keys, "[--save FILE]",
	  "list the server's signing keys, or save them for offline checks",
	  0 },
	{ "stats", cmd_stats, "",
	  "show the server's counters", 0 },
	{ "qr", cmd_qr, "NUMBER -o FILE.png|FILE.svg [--size N] | NUMBER "
	  "--terminal",
	  "write a certificate's QR image, or draw it in the terminal", 1 },
};
#define CMD_N	(sizeof cmd_list / sizeof cmd_list[0])

int
cmd_fail(struct cmd_ctx *x, int status, const char *fmt, ...)
{
	va_list	ap;

	fputs("skk: ", x->err);
	va_start(ap, fmt);
	vfprintf(x->err, fmt, ap);
	va_end(ap);
	fputc('\n', x->err);
	return status;
}

static int
cmd_usage(struct cmd_ctx *x, const struct cmd *c)
{
	fprintf(x->err, "usage: skk [-c FILE] [--json] %s%s%s\n", c->name,
	    c->usage[0] != '\0' ? " " : "", c->usage);
	return EX_USAGE;
}

static int __attribute__((format(printf, 2, 3)))
cmd_usage_error(struct cmd_ctx *x, const char *fmt, ...)
{
	va_list	ap;

	fprintf(x->err, "skk: %s: ", x->cmd->name);
	va_start(ap, fmt);
	vfprintf(x->err, fmt, ap);
	va_end(ap);
	fputc('\n', x->err);
	return cmd_usage(x, x->cmd);
}

const struct cmd *
cmd_table(size_t *n)
{
	*n = CMD_N;
	return cmd_list;
}

const struct cmd *
cmd_find(const char *name)
{
	size_t	i;

	for (i = 0; i < CMD_N; i++) {
		if (strcmp(cmd_list[i].name, name) == 0)
			return &cmd_list[i];
	}
	return NULL;
}

/* Edit distance, to suggest a command for a typing mistake. */
static size_t
cmd_distance(const char *a, const char *b)
{
	size_t	la = strlen(a), lb = strlen(b), i, j, prev, cur, tmp;
	size_t	row[32];

	if (la >= 32 || lb >= 32)
		return SIZE_MAX;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			cur = prev + (a[i - 1] != b[j - 1]);
			if (row[j] + 1 < cur)
				cur = row[j] + 1;
			if (row[j - 1] + 1 < cur)
				cur = row[j - 1] + 1;
			tmp = row[j];
			row[j] = cur;
			prev = tmp;
		}
	}
	return row[lb];
}

static int
cmd_unknown(struct cmd_ctx *x, const char *name)
{
	size_t	i, best = SIZE_MAX, d, at = 0;

	for (i = 0; i < CMD_N; i++) {
		if ((d = cmd_distance(name, cmd_list[i].name)) < best) {
			best = d;
			at = i;
		}
	}
	if (best <= 2)
		return cmd_fail(x, EX_USAGE, "unknown command '%s': did you "
		    "mean '%s'? (see 'skk help')", name, cmd_list[at].name);
	return cmd_fail(x, EX_USAGE, "unknown command '%s' (see 'skk help')",
	    name);
}

/* --- arguments ------------------------------------------------------ */

static int
cmd_all_digits(const char *s, size_t len)
{
	size_t	i;

	if (strlen(s) != len)
		return 0;
	for (i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return 0;
	}
	return 1;
}

static const size_t cmd_groups[5] = { 5, 4, 1, 8, 4 };

static int
cmd_is_split_number(char *const *argv, int left)
{
	int	i;

	if (left < 5)
		return 0;
	for (i = 0; i < 5; i++) {
		if (!cmd_all_digits(argv[i], cmd_groups[i]))
			return 0;
	}
	return 1;
}

void
cmd_argv_free(char **v)
{
	char	**p;

	if (v == NULL)
		return;
	for (p = v; *p != NULL; p++)
		free(*p);
	free(v);
}

char **
cmd_join_numbers(int argc, char *const *argv, int *outc)
{
	char	**v;
	int	  i, n = 0;

	if ((v = calloc((size_t)argc + 1, sizeof *v)) == NULL)
		return NULL;
	for (i = 0; i < argc; n++) {
		if (cmd_is_split_number(argv + i, argc - i)) {
			if ((v[n] = malloc(CERT_NUMBER_LEN + 1)) != NULL)
				snprintf(v[n], CERT_NUMBER_LEN + 1,
				    "%s %s %s %s %s", argv[i], argv[i + 1],
				    argv[i + 2], argv[i + 3], argv[i + 4]);
			i += 5;
		} else
			v[n] = strdup(argv[i++]);
		if (v[n] == NULL) {
			cmd_argv_free(v);
			return NULL;
		}
	}
	*outc = n;
	return v;
}

FILE *
cmd_create_private(const char *path)
{
	FILE	*f;
	int	 fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) == -1)
		return NULL;
	/* An older file of the same name may have had a wider mode. */
	if (fchmod(fd, 0600) == -1 || (f = fdopen(fd, "wb")) == NULL) {
		close(fd);
		return NULL;
	}
	return f;
}

int
cmd_private_dir(struct cmd_ctx *x, const char *dir)
{
	struct stat	st;

	if (mkdir(dir, 0700) == 0)
		return 0;
	if (errno != EEXIST)
		return cmd_fail(x, EX_CANTCREAT, "cannot create '%s': %s",
		    dir, strerror(errno));
	if (stat(dir, &st) == -1 || !S_ISDIR(st.st_mode))
		return cmd_fail(x, EX_CANTCREAT, "'%s': not a directory", dir);
	/* The files are 0600 whatever the directory: their names show. */
	if (st.st_mode & 077)
		fprintf(x->err, "skk: warning: '%s' is mode %04o: others can "
		    "list the files written there (each is 0600); chmod 700 "
		    "it\n", dir, (unsigned)(st.st_mode & 07777));
	return 0;
}

/* The host a query names, or "" (a number, a bare payload). */
static void
cmd_query_host(const char *query, char *host, size_t hostlen)
{
	if (qrpay_url_host(query, strlen(query), host, hostlen) != 1)
		host[0] = '\0';
}

int
cmd_fetch_host(struct cmd_ctx *x, char *const *queries, size_t n)
{
	struct wire_msg	*m, *a;
	char		 host[sizeof x->host];
	size_t		 i;
	int		 rc;

	for (i = 0; i < n; i++) {
		cmd_query_host(queries[i], host, sizeof host);
		if (host[0] != '\0')
			break;
	}
	if (i == n)
		return 0;
	if ((m = net_request(x->net, WIRE_KEYS)) == NULL)
		return cmd_fail(x, EX_OSERR, "out of memory");
	if ((rc = cmd_call(x, m, &a, NULL)) != 0)
		return rc;
	/* A server from before HOST: the rule cannot be applied. */
	if (wire_get_str(a, WK_HOST, x->host, sizeof x->host) == -1)
		x->host[0] = '\0';
	wire_msg_free(a);
	return 0;
}

void
cmd_host_rule(const struct cmd_ctx *x, const char *query, uint64_t *verdict,
    uint64_t *code)
{
	char	host[sizeof x->host];

	/* Without a good signature there is no issuer to compare with. */
	if (*verdict == VERDICT_NOT_VALID && (*code == REASON_BAD_SIGNATURE ||
	    *code == REASON_UNKNOWN_KEY || *code == REASON_MALFORMED))
		return;
	cmd_query_host(query, host, sizeof host);
	if (host[0] == '\0' || x->host[0] == '\0' ||
	    qrpay_host_equal(host, x->host))
		return;
	*verdict = VERDICT_NOT_VALID;
	*code = REASON_OTHER_SITE;
}

/*
 * Options and positional arguments. Options take a value, as "--name
 * VALUE" or "--name=VALUE"; --json may appear anywhere; "--" ends the
 * options. Returns 0 and *npos, or EX_USAGE after saying why.
 */
static int
cmd_parse(struct cmd_ctx *x, int argc, char **argv,
    const struct cmd_opt *opts, char **pos, int minpos, int maxpos, int *npos)
{
	const struct cmd_opt	*o;
	const char		*a, *eq;
	size_t			 len;
	int			 i, n = 0, dashdash = 0;

	for (i = 0; i < argc; i++) {
		a = argv[i];
		if (dashdash || strncmp(a, "--", 2) != 0) {
			if (n == maxpos)
				return cmd_usage_error(x, "unexpected "
				    "argument '%s'", a);
			pos[n++] = argv[i];
			continue;
		}
		if (strcmp(a, "--") == 0) {
			dashdash = 1;
			continue;
		}
		if (strcmp(a, "--json") == 0) {
			x->json = 1;
			continue;
		}
		eq = strchr(a + 2, '=');
		len = eq != NULL ? (size_t)(eq - a - 2) : strlen(a + 2);
		for (o = opts; o != NULL && o->name != NULL; o++) {
			if (strlen(o->name) == len &&
			    strncmp(o->name, a + 2, len) == 0)
				break;
		}
		if (o == NULL || o->name == NULL)
			return cmd_usage_error(x, "unknown option '%s'", a);
		if (eq != NULL)
			*o->value = eq + 1;
		else if (i + 1 < argc)
			*o->value = argv[++i];
		else
			return cmd_usage_error(x, "option '--%s' needs a "
			    "value", o->name);
	}
	if (n < minpos)
		return cmd_usage_error(x, "missing argument");
	*npos = n;
	return 0;
}

/* A NUMBER argument: canonical form in out, or EX_DATAERR. */
static int
cmd_number_arg(struct cmd_ctx *x, const char *arg, char *out, size_t outlen)
{
	char	why[CERT_ERR_MAX];

	cert_normalize_number(arg, out, outlen);
	if (cert_check_number(out, why, sizeof why) == -1)
		return cmd_fail(x, EX_DATAERR, "%s: %s", x->cmd->name, why);
	return 0;
}

/* --- talking to the daemon ---------------------------------------- */

int
cmd_wire_exit(uint64_t e)
{
	switch (e) {
	case WERR_NOT_AUTHORISED:
		return EX_NOPERM;
	case WERR_INVALID:
	case WERR_NOT_FOUND:
	case WERR_CONFLICT:
	case WERR_TOO_BIG:
		return EX_DATAERR;
	case WERR_STORE_FULL:
	case WERR_BUSY:
		return EX_TEMPFAIL;
	case WERR_INTERNAL:
		return EX_SOFTWARE;
	default:		/* malformed, version, unknown type: our bug */
		return EX_PROTOCOL;
	}
}

int
cmd_wire_error(const struct wire_msg *a, const char *name,
    const char *number, char *msg, size_t msglen)
{
	uint64_t	e = WERR_INTERNAL;
	char		text[512];

	wire_get_uint(a, WK_ERR, &e);
	if (wire_get_str(a, WK_ERRMSG, text, sizeof text) == -1 ||
	    text[0] == '\0')
		snprintf(text, sizeof text, "%s", wire_err_name(e));
	if (e == WERR_NOT_AUTHORISED)
		snprintf(msg, msglen, "not authorised: admin certificate "
		    "required");
	else if (e == WERR_NOT_FOUND && number != NULL)
		snprintf(msg, msglen, "no certificate '%s'", number);
	else
		snprintf(msg, msglen, "%s: %s", name, text);
	return cmd_wire_exit(e);
}

static int
cmd_net_fail(struct cmd_ctx *x)
{
	return cmd_fail(x, net_status(x->net), "%s", net_error(x->net));
}

static int
cmd_begin(struct cmd_ctx *x)
{
	return cmd_connect(x, x->cmd->needs_admin);
}

int
cmd_connect(struct cmd_ctx *x, int admin)
{
	const char	*path;
	char		 why[1024];
	int		 rc;

	if ((path = skkconf_find(x->config)) == NULL)
		return cmd_fail(x, EX_CONFIG,
		    "no configuration: use -c FILE or set SKK_CONFIG");
	if (skkconf_load(&x->conf, path, why, sizeof why) == -1)
		return cmd_fail(x, EX_CONFIG, "%s", why);
	if ((rc = net_open(&x->conf, &x->net, why, sizeof why)) != 0)
		return cmd_fail(x, rc, "%s", why);
	if (admin && net_role(x->net) != NET_ROLE_UNKNOWN &&
	    net_role(x->net) != NET_ROLE_ADMIN)
		return cmd_fail(x, EX_NOPERM,
		    "not authorised: admin certificate required");
	if ((x->o = output_new(x->out, x->json)) == NULL)
		return cmd_fail(x, EX_OSERR, "out of memory");
	return 0;
}

static int
cmd_end(struct cmd_ctx *x, int status)
{
	if (output_end(x->o) == -1 || fflush(x->out) == EOF ||
	    ferror(x->out))
		return cmd_fail(x, EX_IOERR, "cannot write the output");
	return status;
}

/* Checks an answer: 0, or the exit status after saying what went wrong. */
static int
cmd_answer(struct cmd_ctx *x, const struct wire_msg *a, enum wire_type type,
    const char *number)
{
	char	msg[640];
	int	rc;

	if (wire_type(a) == WIRE_ERROR) {
		rc = cmd_wire_error(a, x->cmd->name, number, msg, sizeof msg);
		return cmd_fail(x, rc, "%s", msg);
	}
	if (wire_type(a) != (uint64_t)type)
		return cmd_fail(x, EX_PROTOCOL, "unexpected %s answer to %s",
		    wire_type_name(wire_type(a)), wire_type_name(type));
	return 0;
}

/* Sends m (freeing it) and waits for its answer. */
static int
cmd_call(struct cmd_ctx *x, struct wire_msg *m, struct wire_msg **ap,
    const char *number)
{
	enum wire_type	 type = (enum wire_type)wire_type(m);
	uint64_t	 id = wire_id(m);
	struct wire_msg	*a;
	int		 rc;

	rc = net_send(x->net, m);
	wire_msg_free(m);
	if (rc == -1 || (a = net_recv(x->net, id)) == NULL)
		return cmd_net_fail(x);
	if ((rc = cmd_answer(x, a, type, number)) != 0) {
		wire_msg_free(a);
		return rc;
	}
	*ap = a;
	return 0;
}

static struct wire_msg *
cmd_request(struct cmd_ctx *x, enum wire_type type)
{
	return net_request(x->net, type);
}

static int
cmd_oom(struct cmd_ctx *x, struct wire_msg *m)
{
	wire_msg_free(m);
	return cmd_fail(x, EX_OSERR, "out of memory");
}

/* --- help ------------------------------------------------------------- */

static int
cmd_help(struct cmd_ctx *x, int argc, char **argv)
{
	const struct cmd	*c;
	size_t			 i;

	if (argc > 1)
		return cmd_usage(x, x->cmd);
	if (argc == 1) {
		if ((c = cmd_find(argv[0])) == NULL)
			return cmd_unknown(x, argv[0]);
		fprintf(x->out, "usage: skk [-c FILE] [--json] %s%s%s\n%s%s\n",
		    c->name, c->usage[0] != '\0' ? " " : "", c->usage,
		    c->summary, c->needs_admin ?
		    " (needs an admin certificate)" : "");
		return 0;
	}
	fprintf(x->out, "usage: skk [-c FILE] [--json] COMMAND [ARGS]\n"
	    "commands:\n");
	for (i = 0; i < CMD_N; i++)
		fprintf(x->out, "  %-12s %s\n", cmd_list[i].name,
		    cmd_list[i].summary);
	return 0;
}

/* --- verify ----------------------------------------------------------- */

struct cmd_queries {
	char		**v;
	size_t		  n;
	size_t		  size;
	const char	 *name;		/* --name: compared by the server */
};

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

/* One item per line; blank lines and '#' comments are skipped. */
static int
cmd_read_items(struct cmd_ctx *x, struct cmd_queries *q)
{
	char	*line = NULL, *p;
	size_t	 size = 0, lineno = 0, len;
	ssize_t	 r;
	int	 rc = 0;

	while (rc == 0 && (r = getline(&line, &size, x->in)) != -1) {
		lineno++;
		len = (size_t)r;
		while (len > 0 && isspace((unsigned char)line[len - 1]))
			line[--len] = '\0';
		for (p = line; isspace((unsigned char)*p); p++)
			;
		if (*p == '\0' || *p == '#')
			continue;
		if (len > CMD_LINE_MAX)
			rc = cmd_fail(x, EX_DATAERR, "stdin:%zu: line too long",
			    lineno);
		else if (cmd_queries_add(q, p) == -1)
			rc = cmd_fail(x, EX_OSERR, "out of memory");
	}
	free(line);
	if (rc == 0 && ferror(x->in))
		rc = cmd_fail(x, EX_IOERR, "cannot read stdin");
	return rc;
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

/* Sends the queries from first on as one request; *n gets its size. */
static int
cmd_verify_send(struct cmd_ctx *x, const struct cmd_queries *q,
    struct cmd_batch *b)
{
	struct wire_msg	*m;
	size_t		 bytes = 0;

	if ((m = cmd_request(x, WIRE_VERIFY)) == NULL)
		return cmd_oom(x, NULL);
	b->id = wire_id(m);
	for (b->n = 0; b->first + b->n < q->n &&
	    b->n < net_max_batch(x->net) && bytes < net_max_bytes(x->net);
	    b->n++) {
		if (cmd_put_query(m, q->v[b->first + b->n], q->name) == -1)
			return cmd_oom(x, m);
		bytes += strlen(q->v[b->first + b->n]) + 8;
	}
	if (net_send(x->net, m) == -1) {
		wire_msg_free(m);
		return cmd_net_fail(x);
	}
	wire_msg_free(m);
	return 0;
}

/* Prints one batch's answers; *worst gets the worst verdict seen. */
static int
cmd_verify_recv(struct cmd_ctx *x, const struct cmd_queries *q,
    const struct cmd_batch *b, int *worst)
{
	const struct wire_msg	*it;
	struct wire_msg		*a;
	uint64_t		 verdict, code;
	size_t			 i;
	int			 rc, v;

	if ((a = net_recv(x->net, b->id)) == NULL)
		return cmd_net_fail(x);
	if ((rc = cmd_answer(x, a, WIRE_VERIFY, NULL)) == 0 &&
	    wire_list_len(a, WK_ITEMS) != b->n)
		rc = cmd_fail(x, EX_PROTOCOL, "server answered %zu items for "
		    "%zu", wire_list_len(a, WK_ITEMS), b->n);
	for (i = 0; rc == 0 && i < b->n; i++) {
		it = wire_list_get(a, WK_ITEMS, i);
		verdict = VERDICT_UNKNOWN;
		code = REASON_UNAVAILABLE;
		wire_get_uint(it, WK_VERDICT, &verdict);
		wire_get_uint(it, WK_CODE, &code);
		cmd_host_rule(x, q->v[b->first + i], &verdict, &code);
		v = output_verify_as(x->o, it, q->v[b->first + i], verdict,
		    code);
		/* NOT VALID outranks UNKNOWN, which outranks VALID. */
		if (v == VERDICT_NOT_VALID ||
		    (v == VERDICT_UNKNOWN && *worst == VERDICT_VALID))
			*worst = v;
	}
	wire_msg_free(a);
	return rc;
}

static int
cmd_verify_run(struct cmd_ctx *x, const struct cmd_queries *q)
{
	struct cmd_batch	*b;
	size_t			 nb = 0, i, next = 0;
	int			 rc = 0, worst = VERDICT_VALID;

	if ((rc = cmd_fetch_host(x, q->v, q->n)) != 0)
		return rc;
	if ((b = calloc(q->n, sizeof *b)) == NULL)
		return cmd_fail(x, EX_OSERR, "out of memory");
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
	return cmd_end(x, worst);
}

/* --name: one certificate, and a name the server can compare. */
static int
cmd_verify_name(struct cmd_ctx *x, const struct cmd_queries *q)
{
	if (q->name == NULL)
		return 0;
	if (q->n != 1)
		return cmd_fail(x, EX_USAGE, "verify: --name compares the "
		    "holder of one certificate, not %zu", q->n);
	/* Spaces and case are the server's to forgive; only the size. */
	if (q->name[0] == '\0' || strlen(q->name) > CERT_NAME_MAX)
		return cmd_fail(x, EX_DATAERR, "verify: --name: 1 to %d "
		    "bytes", CERT_NAME_MAX);
	return 0;
}

static int
cmd_verify(struct cmd_ctx *x, int argc, char **argv)
{
	struct cmd_queries	  q = { NULL, 0, 0, NULL };
	const struct cmd_opt	  opts[] = { { "name", &q.name },
				    { NULL, NULL } };
	char			**pos = NULL;
	int			  npos, i, rc;

	if (cohort_wanted(argc, argv))
		return cohort_verify(x, argc, argv);
	if (cmd_qrcheck_wanted(argc, argv))
		return cmd_verify_qr(x, argc, argv);
	if ((pos = calloc((size_t)argc + 1, sizeof *pos)) == NULL)
		return cmd_fail(x, EX_OSERR, "out of memory");
	rc = cmd_parse(x, argc, argv, opts, pos, 1, argc, &npos);
	for (i = 0; rc == 0 && i < npos; i++) {
		if (strcmp(pos[i], "-") == 0)
			rc = cmd_read_items(x, &q);
		else if (cmd_queries_add(&q, pos[i]) == -1)
			rc = cmd_fail(x, EX_OSERR, "out of memory");
	}
	free(pos);
	if (rc == 0 && q.n == 0)
		rc = cmd_fail(x, EX_DATAERR, "verify: nothing to verify");
	if (rc == 0)
		rc = cmd_verify_name(x, &q);
	if (rc == 0 && (rc = cmd_begin(x)) == 0)
		rc = cmd_verify_run(x, &q);
	cmd_queries_free(&q);
	return rc;
}

/* --- issue and renew -------------------------------------------------- */

/* Options shared by issue and renew, as given. */
struct cmd_fields {
	const char	*name, *nik, *job, *level, *title, *title_en;
	const char	*event, *organiser, *lpjk, *number, *issued, *expires;
	const char	*idem, *reason, *qr_out;
};

static int
cmd_copy_text(char *dst, size_t dstlen, const char *field, const char *v,
    size_t max, char *why, size_t whylen)
{
	if (v == NULL)
		return 0;
	if (cert_check_text(field, v, max, why, whylen) == -1)
		return -1;
	snprintf(dst, dstlen, "%s", v);
	return 0;
}

static int
cmd_date(const char *field, const char *v, int32_t *days, char *why,
    size_t whylen)
{
	if (v == NULL)
		return 0;
	if (date_parse(v, days) == -1) {
		snprintf(why, whylen, "%s: '%s' is not a date (YYYY-MM-DD)",
		    field, v);
		return -1;
	}
	return 0;
}

static int
cmd_level(const char *v, uint8_t *out, char *why, size_t whylen)
{
	if (v == NULL)
		return 0;
	if (strlen(v) != 1 || v[0] < '1' || v[0] > '9') {
		snprintf(why, whylen, "level: '%s' is not a jenjang from 1 to 9",
		    v);
		return -1;
	}
	*out = (uint8_t)(v[0] - '0');
	return 0;
}

/*
 * Fills c from the options given, checking each the way the daemon will.
 * 0, or -1 with "field: reason" in why.
 */
static int
cmd_fill_cert(const struct cmd_fields *f, struct cert *c, char *why,
    size_t whylen)
{
	char	number[64];

	if ((f->name != NULL && cert_check_name(f->name, why, whylen) == -1) ||
	    (f->nik != NULL && cert_check_nik(f->nik, why, whylen) == -1) ||
	    (f->job != NULL && cert_check_job_code(f->job, why, whylen) == -1) ||
	    cmd_level(f->level, &c->jenjang, why, whylen) == -1 ||
	    cmd_copy_text(c->job_title_id, sizeof c->job_title_id, "job_title",
	    f->title, CERT_TEXT_MAX, why, whylen) == -1 ||
	    cmd_copy_text(c->job_title_en, sizeof c->job_title_en,
	    "job_title_en", f->title_en, CERT_TEXT_MAX, why, whylen) == -1 ||
	    cmd_copy_text(c->event, sizeof c->event, "event", f->event,
	    CERT_TEXT_MAX, why, whylen) == -1 ||
	    cmd_copy_text(c->organiser, sizeof c->organiser, "organiser",
	    f->organiser, CERT_TEXT_MAX, why, whylen) == -1 ||
	    cmd_copy_text(c->lpjk_regno, sizeof c->lpjk_regno, "lpjk",
	    f->lpjk, CERT_SHORT_MAX, why, whylen) == -1 ||
	    cmd_date("issued", f->issued, &c->issued, why, whylen) == -1 ||
	    cmd_date("expires", f->expires, &c->expires, why, whylen) == -1)
		return -1;
	if (c->issued != 0 && c->expires != 0 && c->expires < c->issued) {
		snprintf(why, whylen, "expires: before the issue date");
		return -1;
	}
	if (f->number != NULL) {
		cert_normalize_number(f->number, number, sizeof number);
		if (cert_check_number(number, why, whylen) == -1)
			return -1;
		snprintf(c->number, sizeof c->number, "%.*s",
		    CERT_NUMBER_LEN, number);
	}
	if (f->name != NULL)
		snprintf(c->name, sizeof c->name, "%s", f->name);
	if (f->job != NULL)
		snprintf(c->job_code, sizeof c->job_code, "%s", f->job);
	return 0;
}

static int
cmd_put_record(struct wire_msg *m, const struct cert *c)
{
	uint8_t	*buf;
	size_t	 len;
	int	 rc;

	if (record_encode(c, &buf, &len) == -1)
		return -1;
	rc = wire_put_bytes(m, WK_RECORD, buf, len);
	free(buf);
	return rc;
}

static int
cmd_issue_send(struct cmd_ctx *x, const struct cmd_fields *f,
    const struct cert *c)
{
	struct wire_msg	*m, *it, *a;
	int		 rc;

	if ((rc = cmd_begin(x)) != 0)
		return rc;
	if ((m = cmd_request(x, WIRE_ISSUE)) == NULL ||
	    (it = wire_put_item(m, WK_ITEMS)) == NULL ||
	    cmd_put_record(it, c) == -1 ||
	    wire_put_str(it, WK_NIK, f->nik) == -1 ||
	    (f->idem != NULL && wire_put_str(it, WK_IDEM, f->idem) == -1))
		return cmd_oom(x, m);
	if ((rc = cmd_call(x, m, &a, NULL)) != 0)
		return rc;
	if (wire_list_len(a, WK_ITEMS) != 1)
		rc = cmd_fail(x, EX_PROTOCOL, "issue: server answered %zu "
		    "items for 1", wire_list_len(a, WK_ITEMS));
	else {
		output_issue(x->o, wire_list_get(a, WK_ITEMS, 0));
		if (f->qr_out != NULL)
			rc = cmd_issue_qr(x, wire_list_get(a, WK_ITEMS, 0),
			    f->qr_out);
	}
	wire_msg_free(a);
	return rc != 0 ? rc : cmd_end(x, 0);
}

static int
cmd_issue(struct cmd_ctx *x, int argc, char **argv)
{
	struct cmd_fields	 f;
	struct cert		*c;
	char			 why[CERT_ERR_MAX + 64];
	int			 npos, rc;
	const struct cmd_opt	 opts[] = {
		{ "name", &f.name }, { "nik", &f.nik }, { "job", &f.job },
		{ "level", &f.level }, { "job-title", &f.title },
		{ "job-title-en", &f.title_en }, { "event", &f.event },
		{ "organiser", &f.organiser }, { "lpjk", &f.lpjk },
		{ "number", &f.number }, { "issued", &f.issued },
		{ "expires", &f.expires }, { "idem", &f.idem },
		{ "qr-out", &f.qr_out }, { NULL, NULL }
	};

	if (cohort_wanted(argc, argv))
		return cohort_issue(x, argc, argv);
	memset(&f, 0, sizeof f);
	if ((rc = cmd_parse(x, argc, argv, opts, NULL, 0, 0, &npos)) != 0)
		return rc;
	if (f.name == NULL || f.nik == NULL || f.job == NULL || f.level == NULL)
		return cmd_usage_error(x, "--name, --nik, --job and --level "
		    "are required");
	if (f.idem != NULL && cert_check_text("idem", f.idem, CERT_SHORT_MAX,
	    why, sizeof why) == -1)
		return cmd_fail(x, EX_DATAERR, "issue: %s", why);
	if ((c = calloc(1, sizeof *c)) == NULL)
		return cmd_fail(x, EX_OSERR, "out of memory");
	if (cmd_fill_cert(&f, c, why, sizeof why) == -1)
		rc = cmd_fail(x, EX_DATAERR, "issue: %s", why);
	else
		rc = cmd_issue_send(x, &f, c);
	free(c);
	return rc;
}

static int
cmd_renew_send(struct cmd_ctx *x, const char *number,
    const struct cmd_fields *f, const struct cert *c, int overrides)
{
	struct wire_msg	*m, *a;
	int		 rc;

	if ((rc = cmd_begin(x)) != 0)
		return rc;
	if ((m = cmd_request(x, WIRE_RENEW)) == NULL ||
	    wire_put_str(m, WK_NUMBER, number) == -1 ||
	    (overrides && cmd_put_record(m, c) == -1) ||
	    (f->reason != NULL && wire_put_str(m, WK_REASON, f->reason) == -1))
		return cmd_oom(x, m);
	if ((rc = cmd_call(x, m, &a, number)) != 0)
		return rc;
	output_renew(x->o, a);
	wire_msg_free(a);
	return cmd_end(x, 0);
}

static int
cmd_renew(struct cmd_ctx *x, int argc, char **argv)
{
	struct cmd_fields	 f;
	struct cert		*c;
	char			*pos[1], number[64], why[CERT_ERR_MAX + 64];
	int			 npos, rc, overrides;
	const struct cmd_opt	 opts[] = {
		{ "issued", &f.issued }, { "expires", &f.expires },
		{ "event", &f.event }, { "organiser", &f.organiser },
		{ "job", &f.job }, { "level", &f.level },
		{ "reason", &f.reason }, { NULL, NULL }
	};

	memset(&f, 0, sizeof f);
	if ((rc = cmd_parse(x, argc, argv, opts, pos, 1, 1, &npos)) != 0 ||
	    (rc = cmd_number_arg(x, pos[0], number, sizeof number)) != 0)
		return rc;
	if (f.reason != NULL && cert_check_text("reason", f.reason,
	    CERT_TEXT_MAX, why, sizeof why) == -1)
		return cmd_fail(x, EX_DATAERR, "renew: %s", why);
	overrides = f.issued || f.expires || f.event || f.organiser || f.job ||
	    f.level;
	if ((c = calloc(1, sizeof *c)) == NULL)
		return cmd_fail(x, EX_OSERR, "out of memory");
	if (cmd_fill_cert(&f, c, why, sizeof why) == -1)
		rc = cmd_fail(x, EX_DATAERR, "renew: %s", why);
	else
		rc = cmd_renew_send(x, number, &f, c, overrides);
	free(c);
	return rc;
}

/* --- status changes --------------------------------------------------- */

static int
cmd_set_status(struct cmd_ctx *x, int argc, char **argv, unsigned target)
{
	const char		*reason = NULL;
	char			*pos[1], number[64], why[CERT_ERR_MAX];
	struct wire_msg		*m, *a;
	int			 npos, rc;
	const struct cmd_opt	 opts[] = { { "reason", &reason },
				    { NULL, NULL } };

	if ((rc = cmd_parse(x, argc, argv, opts, pos, 1, 1, &npos)) != 0 ||
	    (rc = cmd_number_arg(x, pos[0], number, sizeof number)) != 0)
		return rc;
	if (reason == NULL)
		return cmd_usage_error(x, "--reason is required");
	if (reason[0] == '\0' || cert_check_text("reason", reason,
	    CERT_TEXT_MAX, why, sizeof why) == -1)
		return cmd_fail(x, EX_DATAERR, "%s: %s", x->cmd->name,
		    reason[0] == '\0' ? "reason: empty" : why);
	if ((rc = cmd_begin(x)) != 0)
		return rc;
	if ((m = cmd_request(x, WIRE_SET_STATUS)) == NULL ||
	    wire_put_str(m, WK_NUMBER, number) == -1 ||
	    wire_put_uint(m, WK_STATUS, target) == -1 ||
	    wire_put_str(m, WK_REASON, reason) == -1)
		return cmd_oom(x, m);
	if ((rc = cmd_call(x, m, &a, number)) != 0)
		return rc;
	output_status(x->o, a);
	wire_msg_free(a);
	return cmd_end(x, 0);
}

static int
cmd_suspend(struct cmd_ctx *x, int argc, char **argv)
{
	return cmd_set_status(x, argc, argv, CERT_SUSPENDED);
}

static int
cmd_revoke(struct cmd_ctx *x, int argc, char **argv)
{
	return cmd_set_status(x, argc, argv, CERT_REVOKED);
}

static int
cmd_reinstate(struct cmd_ctx *x, int argc, char **argv)
{
	return cmd_set_status(x, argc, argv, CERT_ACTIVE);
}

static int
cmd_record_lpjk(struct cmd_ctx *x, int argc, char **argv)
{
	char		*pos[2], number[64], why[CERT_ERR_MAX];
	struct wire_msg	*m, *a;
	int		 npos, rc;

	if ((rc = cmd_parse(x, argc, argv, NULL, pos, 2, 2, &npos)) != 0 ||
	    (rc = cmd_number_arg(x, pos[0], number, sizeof number)) != 0)
		return rc;
	if (pos[1][0] == '\0' || cert_check_text("lpjk", pos[1],
	    CERT_SHORT_MAX, why, sizeof why) == -1)
		return cmd_fail(x, EX_DATAERR, "record-lpjk: %s",
		    pos[1][0] == '\0' ? "lpjk: empty" : why);
	if ((rc = cmd_begin(x)) != 0)
		return rc;
	if ((m = cmd_request(x, WIRE_RECORD_LPJK)) == NULL ||
	    wire_put_str(m, WK_NUMBER, number) == -1 ||
	    wire_put_str(m, WK_LPJK, pos[1]) == -1)
		return cmd_oom(x, m);
	if ((rc = cmd_call(x, m, &a, number)) != 0)
		return rc;
	output_status(x->o, a);
	wire_msg_free(a);
	return cmd_end(x, 0);
}

/* --- reading ---------------------------------------------------------- */

static int
cmd_show(struct cmd_ctx *x, int argc, char **argv)
{
	char		*pos[1], number[64], why[256];
	struct wire_msg	*m, *a;
	int		 npos, rc;

	if ((rc = cmd_parse(x, argc, argv, NULL, pos, 1, 1, &npos)) != 0 ||
	    (rc = cmd_number_arg(x, pos[0], number, sizeof number)) != 0 ||
	    (rc = cmd_begin(x)) != 0)
		return rc;
	if ((m = cmd_request(x, WIRE_SHOW)) == NULL ||
	    wire_put_str(m, WK_NUMBER, number) == -1)
		return cmd_oom(x, m);
	if ((rc = cmd_call(x, m, &a, number)) != 0)
		return rc;
	if (output_show(x->o, a, why, sizeof why) == -1)
		rc = cmd_fail(x, EX_PROTOCOL, "show: %s", why);
	wire_msg_free(a);
	return rc != 0 ? rc : cmd_end(x, 0);
}

static int
cmd_find_nik(struct cmd_ctx *x, int argc, char **argv)
{
	const char		*nik = NULL;
	char			 why[CERT_ERR_MAX];
	struct wire_msg		*m, *a;
	int			 npos, rc;
	const struct cmd_opt	 opts[] = { { "nik", &nik }, { NULL, NULL } };

	if ((rc = cmd_parse(x, argc, argv, opts, NULL, 0, 0, &npos)) != 0)
		return rc;
	if (nik == NULL)
		return cmd_usage_error(x, "--nik is required");
	if (cert_check_nik(nik, why, sizeof why) == -1)
		return cmd_fail(x, EX_DATAERR, "find: %s", why);
	if ((rc = cmd_begin(x)) != 0)
		return rc;
	if ((m = cmd_request(x, WIRE_FIND)) == NULL ||
	    wire_put_str(m, WK_NIK, nik) == -1)
		return cmd_oom(x, m);
	if ((rc = cmd_call(x, m, &a, NULL)) != 0)
		return rc;
	output_find(x->o, a);
	wire_msg_free(a);
	return cmd_end(x, 0);
}

/* keys and stats: an empty request, a list answer. */
static int
cmd_simple(struct cmd_ctx *x, int argc, char **argv, enum wire_type type,
    void (*print)(struct output *, const struct wire_msg *))
{
	struct wire_msg	*m, *a;
	int		 npos, rc;

	if ((rc = cmd_parse(x, argc, argv, NULL, NULL, 0, 0, &npos)) != 0 ||
	    (rc = cmd_begin(x)) != 0)
		return rc;
	if ((m = cmd_request(x, type)) == NULL)
		return cmd_oom(x, m);
	if ((rc = cmd_call(x, m, &a, NULL)) != 0)
		return rc;
	print(x->o, a);
	wire_msg_free(a);
	return cmd_end(x, 0);
}

static int
cmd_keys(struct cmd_ctx *x, int argc, char **argv)
{
	const char		*save = NULL;
	char			 why[PATH_MAX + 128];
	struct wire_msg		*m, *a;
	int			 npos, rc;
	const struct cmd_opt	 opts[] = { { "save", &save },
				    { NULL, NULL } };

	if ((rc = cmd_parse(x, argc, argv, opts, NULL, 0, 0, &npos)) != 0)
		return rc;
	if (save == NULL)
		return cmd_simple(x, argc, argv, WIRE_KEYS, output_keys);
	if ((rc = cmd_begin(x)) != 0)
		return rc;
	if ((m = cmd_request(x, WIRE_KEYS)) == NULL)
		return cmd_oom(x, m);
	if ((rc = cmd_call(x, m, &a, NULL)) != 0)
		return rc;
	if (offline_save_keys(save, a, why, sizeof why) == -1)
		rc = cmd_fail(x, EX_CANTCREAT, "keys: %s", why);
	else
		output_keys(x->o, a);
	wire_msg_free(a);
	return rc != 0 ? rc : cmd_end(x, 0);
}

static int
cmd_stats(struct cmd_ctx *x, int argc, char **argv)
{
	return cmd_simple(x, argc, argv, WIRE_STATS, output_stats);
}

/* --- QR images -------------------------------------------------------- */

/* Asks for number's QR image; *ap gets the answer (NUMBER, URL, IMAGE). */
static int
cmd_qr_fetch(struct cmd_ctx *x, const char *number, const char *format,
    unsigned size, struct wire_msg **ap)
{
	struct wire_msg	*m;

	if ((m = cmd_request(x, WIRE_QR)) == NULL ||
	    wire_put_str(m, WK_NUMBER, number) == -1 ||
	    wire_put_str(m, WK_FORMAT, format) == -1 ||
	    (size != 0 && wire_put_uint(m, WK_SIZE, size) == -1))
		return cmd_oom(x, m);
	return cmd_call(x, m, ap, number);
}

static int
cmd_qr_write(struct cmd_ctx *x, const struct wire_msg *a, const char *path)
{
	const uint8_t	*img;
	size_t		 len;
	FILE		*f;
	int		 bad;

	if (wire_get_bytes(a, WK_IMAGE, &img, &len) == -1 || len == 0)
		return cmd_fail(x, EX_PROTOCOL, "qr: the server sent no image");
	if ((f = cmd_create_private(path)) == NULL)
		return cmd_fail(x, EX_CANTCREAT, "cannot create '%s': %s",
		    path, strerror(errno));
	bad = fwrite(img, 1, len, f) != len;
	if (fclose(f) == EOF || bad)
		return cmd_fail(x, EX_IOERR, "cannot write '%s': %s", path,
		    strerror(errno));
	return 0;
}

/*
 * Half blocks, two rows of modules a line. Light modules are drawn, as
 * qrencode -t UTF8 does: terminals are mostly light text on dark.
 */
static void
cmd_qr_draw(FILE *out, const struct scan_image *img)
{
	static const char *const cells[4] = { " ", "\u2584", "\u2580",
					      "\u2588" };
	unsigned	 x, y;
	int		 top, bottom;

	for (y = 0; y < img->height; y += 2) {
		for (x = 0; x < img->width; x++) {
			top = img->pix[y * img->width + x] >= 128;
			bottom = y + 1 < img->height &&
			    img->pix[(y + 1) * img->width + x] >= 128;
			fputs(cells[top * 2 + bottom], out);
		}
		fputc('\n', out);
	}
}

static int
cmd_qr_terminal(struct cmd_ctx *x, const struct wire_msg *a)
{
	struct scan_image	 img;
	const uint8_t		*png;
	size_t			 len;
	char			 why[256];

	if (wire_get_bytes(a, WK_IMAGE, &png, &len) == -1 ||
	    scan_png_read(png, len, "image", &img, why, sizeof why) == -1)
		return cmd_fail(x, EX_PROTOCOL, "qr: the server sent a bad "
		    "image");
	cmd_qr_draw(x->out, &img);
	scan_image_release(&img);
	return 0;
}

/*
 * Removes the flag (an option without a value) from v before any "--";
 * returns "" when it was there, NULL when not.
 */
static const char *
cmd_take_flag(int *argc, char **v, const char *flag)
{
	const char	*found = NULL;
	int		 i, j;

	for (i = j = 0; i < *argc; i++) {
		if (strcmp(v[i], "--") == 0) {
			while (i < *argc)
				v[j++] = v[i++];
			break;
		}
		if (strcmp(v[i], flag) == 0)
			found = "";
		else
			v[j++] = v[i];
	}
	*argc = j;
	v[j] = NULL;
	return found;
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
		return cmd_usage_error(x, "give one of -o FILE and --terminal");
	if (out != NULL && (*format = cmd_qr_format(out)) == NULL)
		return cmd_usage_error(x, "'%s': the file name must end in "
		    ".png or .svg", out);
	if (size == NULL)
		return 0;
	v = strtol(size, &end, 10);
	if (*end != '\0' || v < 1 || v > 40 || term != NULL ||
	    strcmp(*format, "png") != 0)
		return cmd_usage_error(x, "--size is 1 to 40 pixels per "
		    "module, for a PNG");
	*n = (unsigned)v;
	return 0;
}

static int
cmd_qr(struct cmd_ctx *x, int argc, char **argv)
{
	const char		*out = NULL, *size = NULL, *term = NULL;
	const char		*format = "png";
	char			*pos[1], number[64], url[QRPAY_URL_MAX];
	char			**v;
	struct wire_msg		*a;
	unsigned		 n = 0;
	int			 npos, rc, i;
	const struct cmd_opt	 opts[] = { { "output", &out },
		{ "size", &size }, { NULL, NULL } };

	/* -o is the one short option: spelt out for cmd_parse. */
	if ((v = calloc((size_t)argc + 1, sizeof *v)) == NULL)
		return cmd_fail(x, EX_OSERR, "out of memory");
	for (i = 0; i < argc; i++)
		v[i] = strcmp(argv[i], "-o") == 0 ? "--output" : argv[i];
	term = cmd_take_flag(&argc, v, "--terminal");
	rc = cmd_parse(x, argc, v, opts, pos, 1, 1, &npos);
	free(v);
	if (rc != 0 || (rc = cmd_qr_args(x, out, size, term, &format,
	    &n)) != 0 || (rc = cmd_number_arg(x, pos[0], number,
	    sizeof number)) != 0 || (rc = cmd_begin(x)) != 0)
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
	return rc != 0 ? rc : cmd_end(x, 0);
}

/* issue --qr-out DIR: DIR/<number, blanks as _>.png */
static int
cmd_issue_qr(struct cmd_ctx *x, const struct wire_msg *it, const char *dir)
{
	struct wire_msg	*a;
	char		 number[64], path[PATH_MAX], *p;
	int		 rc;

	if (wire_get_str(it, WK_NUMBER, number, sizeof number) == -1)
		return cmd_fail(x, EX_PROTOCOL, "issue: no number in the "
		    "answer");
	/* It becomes a file name: a rogue server's "../x" must not. */
	if (cert_check_number(number, NULL, 0) == -1)
		return cmd_fail(x, EX_PROTOCOL, "issue: the server sent a "
		    "malformed number '%s'", number);
	if ((rc = cmd_private_dir(x, dir)) != 0)
		return rc;
	if (snprintf(path, sizeof path, "%s/%s.png", dir, number) >=
	    (int)sizeof path)
		return cmd_fail(x, EX_USAGE, "issue: '%s': path too long", dir);
	for (p = path + strlen(dir) + 1; *p != '\0'; p++)
		if (*p == ' ')
			*p = '_';
	if ((rc = cmd_qr_fetch(x, number, "png", 0, &a)) != 0)
		return rc;
	rc = cmd_qr_write(x, a, path);
	wire_msg_free(a);
	if (rc == 0 && !x->json)
		fprintf(x->out, "qr image: %s\n", path);
	return rc;
}

/* --- verifying a QR offline ------------------------------------------- */

struct cmd_qrcheck {
	const char	*qr, *image, *keys, *offline;
	char		 text[QRPAY_URL_MAX + 1];
	char		 host[256];	/* of the keys file, or "" */
	struct keyring	 kr;
	int		 has_conf;
};

/* verify --qr/--image: a single QR checked here, then by the server. */
static int
cmd_qrcheck_wanted(int argc, char **argv)
{
	int	i;

	for (i = 0; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "--qr") == 0 ||
		    strncmp(argv[i], "--qr=", 5) == 0 ||
		    strcmp(argv[i], "--image") == 0 ||
		    strncmp(argv[i], "--image=", 8) == 0)
			return 1;
	}
	return 0;
}

/* The configuration (optional with --keys --offline) and the keys. */
static int
cmd_qrcheck_keys(struct cmd_ctx *x, struct cmd_qrcheck *k)
{
	const char	*path, *keys = k->keys;
	char		 why[PATH_MAX + 256];

	if ((path = skkconf_find(x->config)) != NULL) {
		if (skkconf_load(&x->conf, path, why, sizeof why) == -1)
			return cmd_fail(x, EX_CONFIG, "%s", why);
		k->has_conf = 1;
		if (keys == NULL && x->conf.public_key[0] != '\0')
			keys = x->conf.public_key;
	}
	if (keys == NULL)
		return cmd_fail(x, EX_CONFIG, "verify: no keys: use --keys "
		    "FILE (from 'skk keys --save') or public_key in skk.conf");
	if (offline_load_keys(keys, &k->kr, why, sizeof why) == -1 ||
	    offline_load_host(keys, k->host, sizeof k->host, why,
	    sizeof why) == -1)
		return cmd_fail(x, EX_CONFIG, "verify: %s", why);
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

/* The server's verdict, which wins; r is what was found here. */
static int
cmd_qrcheck_online(struct cmd_ctx *x, struct cmd_qrcheck *k,
    const struct offline_result *r)
{
	struct wire_msg		*m, *a, *it;
	const struct wire_msg	*ans;
	char			*text = k->text;
	char			 note[512], at[32];
	uint64_t		 verdict = VERDICT_UNKNOWN;
	uint64_t		 code = REASON_UNAVAILABLE;
	int			 rc, v;

	if ((rc = cmd_fetch_host(x, &text, 1)) != 0)
		return rc;
	if ((m = cmd_request(x, WIRE_VERIFY)) == NULL ||
	    (it = wire_put_item(m, WK_ITEMS)) == NULL ||
	    wire_put_str(it, WK_QR, k->text) == -1)
		return cmd_oom(x, m);
	if ((rc = cmd_call(x, m, &a, NULL)) != 0)
		return rc;
	if (wire_list_len(a, WK_ITEMS) != 1) {
		wire_msg_free(a);
		return cmd_fail(x, EX_PROTOCOL, "verify: server answered %zu "
		    "items for 1", wire_list_len(a, WK_ITEMS));
	}
	ans = wire_list_get(a, WK_ITEMS, 0);
	wire_get_uint(ans, WK_VERDICT, &verdict);
	wire_get_uint(ans, WK_CODE, &code);
	cmd_host_rule(x, k->text, &verdict, &code);
	v = output_verify_as(x->o, ans, k->text, verdict, code);
	wire_msg_free(a);
	cmd_now(at);
	if (r->signed_ok)
		snprintf(note, sizeof note, "(signature and expiry checked "
		    "offline; status confirmed by the server at %s)", at);
	else
		snprintf(note, sizeof note, "(offline check: %s; verdict "
		    "confirmed by the server at %s%s)",
		    cert_reason_name(r->reason), at, v == VERDICT_VALID &&
		    r->reason != REASON_KEY_COMPROMISED ?
		    "; the keys file may be out of date: 'skk keys --save'" :
		    "");
	output_checked(x->o, "online", note);
	return cmd_end(x, v);
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
	return cmd_end(x, (int)r->verdict);
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
		return cmd_fail(x, EX_OSERR, "out of memory");
	if (k->offline != NULL || !k->has_conf)
		return cmd_qrcheck_offline(x, &r, k->text, NULL);
	if (net_open(&x->conf, &x->net, why, sizeof why) != 0)
		return cmd_qrcheck_offline(x, &r, k->text, why);
	return cmd_qrcheck_online(x, k, &r);
}

static int
cmd_verify_qr(struct cmd_ctx *x, int argc, char **argv)
{
	struct cmd_qrcheck	*k;
	char			 why[PATH_MAX + 128], **v;
	int			 npos, rc;

	if ((k = calloc(1, sizeof *k)) == NULL ||
	    (v = calloc((size_t)argc + 1, sizeof *v)) == NULL) {
		free(k);
		return cmd_fail(x, EX_OSERR, "out of memory");
	}
	keyring_init(&k->kr);
	memcpy(v, argv, (size_t)argc * sizeof *v);
	k->offline = cmd_take_flag(&argc, v, "--offline");
	{
		const struct cmd_opt	opts[] = { { "qr", &k->qr },
			{ "image", &k->image }, { "keys", &k->keys },
			{ NULL, NULL } };

		rc = cmd_parse(x, argc, v, opts, NULL, 0, 0, &npos);
	}
	free(v);
	if (rc == 0 && k->qr != NULL && k->image != NULL)
		rc = cmd_usage_error(x, "give one of --qr and --image");
	else if (rc == 0 && k->image != NULL)
		rc = scan_file(k->image, k->text, sizeof k->text, why,
		    sizeof why) == -1 ? cmd_fail(x, EX_DATAERR, "verify: %s",
		    why) : 0;
	else if (rc == 0 && snprintf(k->text, sizeof k->text, "%s", k->qr) >=
	    (int)sizeof k->text)
		rc = cmd_fail(x, EX_DATAERR, "verify: the QR text is too long");
	if (rc == 0)
		rc = cmd_qrcheck_run(x, k);
	keyring_release(&k->kr);
	free(k);
	return rc;
}

/* --- the program ------------------------------------------------------ */

static int
cmd_main_usage(struct cmd_ctx *x)
{
	fprintf(x->err, "usage: skk [-c FILE] [--json] COMMAND [ARGS]\n"
	    "       skk help [COMMAND]\n");
	return EX_USAGE;
}

/* Global options; returns the index of the command or -1. */
static int
cmd_globals(struct cmd_ctx *x, int argc, char **argv, int *help)
{
	int	i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--json") == 0)
			x->json = 1;
		else if (strcmp(argv[i], "-c") == 0 && i + 1 < argc)
			x->config = argv[++i];
		else if (strncmp(argv[i], "-c", 2) == 0 && argv[i][2] != '\0')
			x->config = argv[i] + 2;
		else if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0)
			*help = 1;
		else if (strcmp(argv[i], "--") == 0)
			return i + 1;
		else {
			cmd_fail(x, EX_USAGE, strcmp(argv[i], "-c") == 0 ?
			    "option '%s' needs a FILE" : "unknown option '%s'",
			    argv[i]);
			return -1;
		}
	}
	return i;
}

static int
cmd_run(struct cmd_ctx *x, int argc, char **argv)
{
	char	**v;
	int	  n, rc;

	/* Numbers split by the shell are put back together first. */
	if ((v = cmd_join_numbers(argc, argv, &n)) == NULL)
		return cmd_fail(x, EX_OSERR, "out of memory");
	rc = x->cmd->fn(x, n, v);
	cmd_argv_free(v);
	return rc;
}

int
cmd_main(int argc, char **argv, FILE *in, FILE *out, FILE *err)
{
	struct cmd_ctx	*x;
	int		 i, rc, help = 0;

	if ((x = calloc(1, sizeof *x)) == NULL) {
		fprintf(err, "skk: out of memory\n");
		return EX_OSERR;
	}
	x->in = in;
	x->out = out;
	x->err = err;
	if ((i = cmd_globals(x, argc, argv, &help)) == -1)
		rc = cmd_main_usage(x);
	else if (help) {	/* "skk -h [COMMAND]" */
		x->cmd = cmd_find("help");
		rc = cmd_help(x, i < argc ? 1 : 0, argv + i);
	} else if (i >= argc)
		rc = cmd_main_usage(x);
	else if ((x->cmd = cmd_find(argv[i])) == NULL)
		rc = cmd_unknown(x, argv[i]);
	else
		rc = cmd_run(x, argc - i - 1, argv + i + 1);
	output_free(x->o);
	net_close(x->net);
	free(x);
	return rc;
}
