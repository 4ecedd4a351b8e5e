/* skkd — SPDX-License-Identifier: ISC */
/*
 * Parsing a command's arguments against the form it declares (args.h).
 * Options take a value, as "--opt VALUE" or "--opt=VALUE", unless they
 * are flags; --json may appear anywhere; "--" ends the options.
 */

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "args.h"
#include "cert.h"

int
args_usage(struct cmd_ctx *x, const struct cmd *c)
{
	fprintf(x->err, "usage: skk [-c FILE] [--json] %s%s%s\n", c->name,
	    c->usage[0] != '\0' ? " " : "", c->usage);
	return EX_USAGE;
}

int
args_usage_error(struct cmd_ctx *x, const char *fmt, ...)
{
	va_list	ap;

	fprintf(x->err, "skk: %s: ", x->cmd->name);
	va_start(ap, fmt);
	vfprintf(x->err, fmt, ap);
	va_end(ap);
	fputc('\n', x->err);
	return args_usage(x, x->cmd);
}

int
args_read_items(struct cmd_ctx *x, int (*add)(void *, const char *),
    void *arg)
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
			rc = session_fail(x, EX_DATAERR, "stdin:%zu: line too "
			    "long", lineno);
		else if (add(arg, p) == -1)
			rc = session_fail(x, EX_OSERR, "out of memory");
	}
	free(line);
	if (rc == 0 && ferror(x->in))
		rc = session_fail(x, EX_IOERR, "cannot read stdin");
	return rc;
}

int
args_number(struct cmd_ctx *x, const char *arg, char *out, size_t outlen)
{
	char	why[CERT_ERR_MAX];

	cert_normalize_number(arg, out, outlen);
	if (cert_check_number(out, why, sizeof why) == -1)
		return session_fail(x, EX_DATAERR, "%s: %s", x->cmd->name, why);
	return 0;
}

/* Whether option name ("--csv") is in argv before any "--". */
static int
args_given(int argc, char **argv, const char *name)
{
	size_t	len = strlen(name);
	int	i;

	for (i = 0; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strncmp(argv[i], name, len) == 0 &&
		    (argv[i][len] == '\0' || argv[i][len] == '='))
			return 1;
	}
	return 0;
}

const struct cmd_form *
args_form(const struct cmd *c, int argc, char **argv)
{
	const struct cmd_form	*f;
	size_t			 i, k;

	for (i = 0; i < sizeof c->forms / sizeof c->forms[0]; i++) {
		if ((f = c->forms[i]) == NULL)
			break;
		if (f->when[0] == NULL)
			return f;
		for (k = 0; k < sizeof f->when / sizeof f->when[0] &&
		    f->when[k] != NULL; k++)
			if (args_given(argc, argv, f->when[k]))
				return f;
	}
	return NULL;
}

const char *
args_get(const struct cmd_args *a, const char *name)
{
	const struct cmd_opt	*o;
	int			 i;

	for (o = a->form->opts, i = 0; o != NULL && o->name != NULL; o++, i++)
		if (strcmp(o->name, name) == 0)
			return a->val[i];
	return NULL;
}

/* The value option "--opt" or "--opt=..." at s; its index or -1. */
static int
args_find(const struct cmd_opt *opts, const char *s, size_t len, int flag)
{
	int	i;

	for (i = 0; opts != NULL && opts[i].name != NULL && i < ARGS_MAX;
	    i++) {
		if (opts[i].flag == flag && strlen(opts[i].name) == len &&
		    strncmp(opts[i].name, s, len) == 0)
			return i;
	}
	return -1;
}

/*
 * Short spellings become the long ones, and flags before any "--" are
 * taken out of v, leaving options with values and positional arguments.
 */
static void
args_flags(const struct cmd_opt *opts, int *argc, char **v,
    struct cmd_args *a)
{
	int	i, j, k, dashdash = 0;

	for (i = 0; opts != NULL && opts[i].name != NULL; i++)
		for (k = 0; opts[i].alias != NULL && k < *argc; k++)
			if (strcmp(v[k], opts[i].alias) == 0)
				v[k] = (char *)opts[i].name;
	for (i = j = 0; i < *argc; i++) {
		if (strcmp(v[i], "--") == 0)
			dashdash = 1;
		if (!dashdash && (k = args_find(opts, v[i], strlen(v[i]),
		    1)) != -1)
			a->val[k] = "";
		else
			v[j++] = v[i];
	}
	*argc = j;
	v[j] = NULL;
}

/* One "--opt[=VALUE]" at argv[*i]: 0, or EX_USAGE said. */
static int
args_option(struct cmd_ctx *x, struct cmd_args *a, int argc, char **argv,
    int *i)
{
	const char	*s = argv[*i], *eq = strchr(s, '=');
	size_t		 len = eq != NULL ? (size_t)(eq - s) : strlen(s);
	int		 k;

	if (strcmp(s, "--json") == 0) {
		x->json = 1;
		return 0;
	}
	if ((k = args_find(a->form->opts, s, len, 0)) == -1)
		return args_usage_error(x, "unknown option '%s'", s);
	if (eq != NULL)
		a->val[k] = eq + 1;
	else if (*i + 1 < argc)
		a->val[k] = argv[++*i];
	else
		return args_usage_error(x, "option '%s' needs a value",
		    a->form->opts[k].name);
	return 0;
}

static int
args_plain(struct cmd_ctx *x, int argc, char **argv, struct cmd_args *a)
{
	const struct cmd_form	*f = a->form;
	int			 i, rc, dashdash = 0;

	for (i = 0; i < argc; i++) {
		if (dashdash || strncmp(argv[i], "--", 2) != 0) {
			if (a->npos == f->maxpos)
				return args_usage_error(x, "unexpected "
				    "argument '%s'", argv[i]);
			a->pos[a->npos++] = argv[i];
		} else if (strcmp(argv[i], "--") == 0)
			dashdash = 1;
		else if ((rc = args_option(x, a, argc, argv, &i)) != 0)
			return rc;
	}
	if (a->npos < f->minpos)
		return args_usage_error(x, "missing argument");
	return 0;
}

/* The --csv forms: known options and flags, nothing else. */
static int
args_csv(struct cmd_ctx *x, int argc, char **argv, struct cmd_args *a)
{
	const struct cmd_opt	*opts = a->form->opts;
	const char		*eq;
	int			 i, k;

	for (i = 0; i < argc; i++) {
		eq = strchr(argv[i], '=');
		if (eq != NULL && (k = args_find(opts, argv[i],
		    (size_t)(eq - argv[i]), 0)) != -1)
			a->val[k] = eq + 1;
		else if ((k = args_find(opts, argv[i], strlen(argv[i]),
		    0)) != -1 && i + 1 < argc)
			a->val[k] = argv[++i];
		else if ((k = args_find(opts, argv[i], strlen(argv[i]),
		    1)) != -1)
			a->val[k] = "";
		else if (strcmp(argv[i], "--json") == 0)
			x->json = 1;
		else
			return session_fail(x, EX_USAGE, "%s: unexpected "
			    "argument '%s' with --csv", x->cmd->name, argv[i]);
	}
	return 0;
}

int
args_parse(struct cmd_ctx *x, const struct cmd_form *f, int argc,
    char **argv, struct cmd_args *a)
{
	char	**v;
	int	  rc;

	memset(a, 0, sizeof *a);
	a->form = f;
	if (f->style == ARGS_RAW) {
		a->pos = argv;
		a->npos = argc;
		return 0;
	}
	if (f->style == ARGS_CSV)
		return args_csv(x, argc, argv, a);
	if ((v = calloc((size_t)argc + 1, sizeof *v)) == NULL ||
	    (a->pos = calloc((size_t)argc + 1, sizeof *a->pos)) == NULL) {
		free(v);
		return session_fail(x, EX_OSERR, "out of memory");
	}
	memcpy(v, argv, (size_t)argc * sizeof *v);
	args_flags(f->opts, &argc, v, a);
	rc = args_plain(x, argc, v, a);
	free(v);
	return rc;
}

void
args_release(struct cmd_args *a)
{
	if (a->form != NULL && a->form->style != ARGS_RAW)
		free(a->pos);
}
