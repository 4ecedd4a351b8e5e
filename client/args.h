/* skkd — SPDX-License-Identifier: ISC */
/*
 * A command's arguments: each form of a command declares its options
 * and how many positional arguments it takes, and args_parse reads argv
 * against that before the form's handler runs, so handlers only look
 * values up. Also the usage lines and the NUMBER argument.
 */
#ifndef CLIENT_ARGS_H
#define CLIENT_ARGS_H

#include <stddef.h>

#include "session.h"

#define ARGS_MAX	16	/* options of one form */
#define CMD_LINE_MAX	4096	/* one query: argument or stdin line */

enum args_style {
	ARGS_PLAIN,	/* --opt VALUE, --opt=VALUE, flags, --json, "--" */
	ARGS_CSV,	/* the --csv forms: anything else is refused */
	ARGS_RAW	/* not parsed: pos is argv as it came */
};

/* One option, spelt as typed: "--reason". */
struct cmd_opt {
	const char	*name;		/* NULL ends a list */
	int		 flag;		/* takes no value */
	const char	*alias;		/* a short spelling ("-o"), or NULL */
};

struct cmd_args;

/* One form of a command: its options, arguments and handler. */
struct cmd_form {
	const char		*when[3];	/* chosen by; none: always */
	int			(*exec)(struct cmd_ctx *, struct cmd_args *);
	const struct cmd_opt	*opts;		/* up to ARGS_MAX, or NULL */
	int			 minpos;
	int			 maxpos;	/* -1: no limit */
	enum args_style		 style;
};

/* What args_parse found; values point into argv. */
struct cmd_args {
	const struct cmd_form	 *form;
	const char		 *val[ARGS_MAX];	/* by option */
	char			**pos;
	int			  npos;
};

/*
 * The form of c that argv asks for: the first whose when-options appear
 * before any "--" (as "--opt" or "--opt=..."), or else the one without.
 */
const struct cmd_form	*args_form(const struct cmd *c, int argc,
			    char **argv);
/*
 * Reads argv against form f into a: 0, or the exit status after saying
 * why (usage errors print the command's usage). --json sets x->json.
 * args_release frees what a holds (a may be partly filled).
 */
int			 args_parse(struct cmd_ctx *, const struct cmd_form *f,
			    int argc, char **argv, struct cmd_args *a);
void			 args_release(struct cmd_args *);
/* The value of option name ("--reason"), "" for a flag given, or NULL. */
const char		*args_get(const struct cmd_args *, const char *name);

/* "usage: skk ..." for c on the error stream; EX_USAGE. */
int			 args_usage(struct cmd_ctx *, const struct cmd *c);
/* "skk: COMMAND: MESSAGE" and the running command's usage; EX_USAGE. */
int			 args_usage_error(struct cmd_ctx *, const char *fmt,
			    ...) __attribute__((format(printf, 2, 3)));
/*
 * The items of "-": one per line of x->in, blanks around trimmed, blank
 * lines and '#' comments skipped, each handed to add (which returns -1
 * when out of memory). 0, or the exit status after saying why.
 */
int			 args_read_items(struct cmd_ctx *,
			    int (*add)(void *, const char *), void *arg);
/* A NUMBER argument: canonical form in out, or EX_DATAERR said. */
int			 args_number(struct cmd_ctx *, const char *arg,
			    char *out, size_t outlen);

#endif
