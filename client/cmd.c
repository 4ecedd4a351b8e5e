/* skkd — SPDX-License-Identifier: ISC */
/*
 * The command table and the run of one command: global options, numbers
 * the shell split put back together, the command found (or a near name
 * suggested), the form its arguments ask for parsed by args.c, and its
 * handler called. Handlers live by family: cmd_write.c, cmd_read.c,
 * cmd_qr.c, cohort.c (issue --csv), crew.c (verify --csv), lpjk.c
 * (record-lpjk --csv), print.c, correct.c, audit.c and cmd_witness.c.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "args.h"
#include "audit.h"
#include "cert.h"
#include "cmd.h"
#include "cmd_offline.h"
#include "cmd_qr.h"
#include "cmd_read.h"
#include "cmd_trust.h"
#include "cmd_witness.h"
#include "cmd_write.h"
#include "cohort.h"
#include "correct.h"
#include "crew.h"
#include "holder.h"
#include "lpjk.h"
#include "sync.h"
#include "print.h"

static int	cmd_help(struct cmd_ctx *, struct cmd_args *);

static const struct cmd_form cmd_help_form = { { NULL }, cmd_help, NULL,
	0, -1, ARGS_RAW };

static const struct cmd cmd_list[] = {
	{ "help", { &cmd_help_form }, "[COMMAND]",
	  "list the commands, or show how to use one", 0 },
	{ "verify", { &crew_verify_form, &cmd_verify_qr_form,
	  &cmd_verify_offline_form, &cmd_verify_form },
	  "NUMBER|QR|- ... | NUMBER --name NAME | "
	  "--qr TEXT | --image FILE.png [--keys FILE] [--offline] | "
	  "--offline [--cache DIR] [--max-age N[smhd]] [--issuer HOST] "
	  "NUMBER|QR|- ...",
	  "check certificates by number or QR text (- reads stdin)", 0 },
	{ "issue", { &cohort_issue_form, &cmd_issue_form },
	  "--name NAME --nik NIK --job CODE --level N "
	  "[--job-title T] [--job-title-en T] [--event E] [--organiser O] "
	  "[--lpjk REGNO] [--number NUMBER] [--issued YYYY-MM-DD] "
	  "[--expires YYYY-MM-DD] [--idem KEY] [--qr-out DIR] | "
	  "--csv FILE [--out DIR] [--dry-run] [--no-qr] [--pdf DIR [--card]]",
	  "issue a certificate, or a cohort from a CSV file", 1 },
	{ "suspend", { &cmd_suspend_form }, "NUMBER --reason TEXT",
	  "suspend a certificate", 1 },
	{ "revoke", { &cmd_revoke_form }, "NUMBER --reason TEXT",
	  "revoke a certificate (final)", 1 },
	{ "reinstate", { &cmd_reinstate_form }, "NUMBER --reason TEXT",
	  "make a suspended certificate active again", 1 },
	{ "record-lpjk", { &lpjk_csv_form, &cmd_record_lpjk_form },
	  "NUMBER REGNO | --csv FILE",
	  "record LPJK registration numbers (pending -> active)", 1 },
	{ "renew", { &cmd_renew_form }, "NUMBER [--issued D] [--expires D] "
	  "[--event E] [--organiser O] [--job CODE] [--level N] [--reason R]",
	  "issue the successor of a certificate", 1 },
	{ "correct", { &correct_ask_form, &correct_form }, "NUMBER "
	  "--name NAME [--job-title T] [--job-title-en T] --reason R "
	  "[--request-date D] | --request NUMBER --reason R "
	  "[--request-date D]",
	  "issue a corrected certificate, or record a correction request", 1 },
	{ "corrections", { &corrections_form }, "",
	  "list correction requests and their age (limit 3x24 hours)", 1 },
	{ "holder-report", { &holder_form }, "--nik NIK -o FILE.json|FILE.pdf",
	  "write a holder's signed record: certificates, events, checks",
	  1 },
	{ "show", { &cmd_show_form }, "NUMBER",
	  "show a certificate's record and history", 1 },
	{ "find", { &cmd_find_form }, "--nik NIK",
	  "list the certificates of a holder", 1 },
	{ "keys", { &cmd_keys_form }, "[--save FILE]",
	  "list the server's signing keys, or save them for offline checks",
	  0 },
	{ "stats", { &cmd_stats_form }, "",
	  "show the server's counters", 0 },
	{ "sync", { &sync_form }, "[--cache DIR] [--mirror ISSUER=URL]",
	  "fetch every trusted issuer's signed status for verify --offline",
	  0 },
	{ "audit", { &cmd_audit_form }, "URL|DIR [--state FILE] "
	  "[--log-key KEY]",
	  "check an issuer's transparency log and report its issuance", 0 },
	{ "qr", { &cmd_qr_form }, "NUMBER -o FILE.png|FILE.svg [--size N] | "
	  "NUMBER --terminal",
	  "write a certificate's QR image, or draw it in the terminal", 1 },
	{ "trust", { &trust_form }, "add https://HOST[:PORT] [--pin sha256:HEX] "
	  "[--ca FILE] [--cert FILE --key FILE] [--name TEXT] | list | "
	  "remove HOST|URL | import FILE|URL --key REGISTRY.pub "
	  "[--name NAME]",
	  "manage the issuers (LSPs) this client trusts", 0 },
	{ "print", { &print_csv_form, &print_form }, "NUMBER -o FILE.pdf "
	  "[--card] [--blank-serial S] | --csv issued.csv -o FILE.pdf "
	  "[--card] [--blank-serial S]",
	  "print certificates as PDF pages (A4, or ID-1 cards), every QR "
	  "read back", 1 },
	{ "void-blank", { &print_void_form }, "SERIAL --reason TEXT",
	  "record a spoiled blank form", 1 },
	{ "witness", { &witness_form }, "init DIR --name NAME "
	  "[--listen HOST:PORT] | serve FILE",
	  "make or run a transparency-log witness (c2sp.org/tlog-witness)",
	  0 },
};
#define CMD_N	(sizeof cmd_list / sizeof cmd_list[0])

static const struct cmd *
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
		return session_fail(x, EX_USAGE, "unknown command '%s': did "
		    "you mean '%s'? (see 'skk help')", name, cmd_list[at].name);
	return session_fail(x, EX_USAGE, "unknown command '%s' (see 'skk "
	    "help')", name);
}

/* --- split numbers ---------------------------------------------------- */

static const size_t cmd_groups[5] = { 5, 4, 1, 8, 4 };

static int
cmd_is_split_number(char *const *argv, int left)
{
	int	i;

	if (left < 5)
		return 0;
	for (i = 0; i < 5; i++) {
		if (strlen(argv[i]) != cmd_groups[i] ||
		    strspn(argv[i], "0123456789") != cmd_groups[i])
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

/* --- help ------------------------------------------------------------- */

static int
cmd_help_show(struct cmd_ctx *x, int argc, char **argv)
{
	const struct cmd	*c;
	size_t			 i;

	if (argc > 1)
		return args_usage(x, x->cmd);
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

static int
cmd_help(struct cmd_ctx *x, struct cmd_args *a)
{
	return cmd_help_show(x, a->npos, a->pos);
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
			session_fail(x, EX_USAGE, strcmp(argv[i], "-c") == 0 ?
			    "option '%s' needs a FILE" : "unknown option '%s'",
			    argv[i]);
			return -1;
		}
	}
	return i;
}

/* The form argv asks for, its arguments parsed, its handler called. */
static int
cmd_exec(struct cmd_ctx *x, int argc, char **argv)
{
	const struct cmd_form	*f;
	struct cmd_args		 a;
	int			 rc;

	if ((f = args_form(x->cmd, argc, argv)) == NULL)
		return args_usage(x, x->cmd);
	if ((rc = args_parse(x, f, argc, argv, &a)) == 0)
		rc = f->exec(x, &a);
	args_release(&a);
	return rc;
}

static int
cmd_run(struct cmd_ctx *x, int argc, char **argv)
{
	char	**v;
	int	  n, rc;

	/* Numbers split by the shell are put back together first. */
	if ((v = cmd_join_numbers(argc, argv, &n)) == NULL)
		return session_fail(x, EX_OSERR, "out of memory");
	rc = cmd_exec(x, n, v);
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
		rc = cmd_help_show(x, i < argc ? 1 : 0, argv + i);
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
