/* skkd — SPDX-License-Identifier: ISC */
/*
 * skk's commands: the table, argument handling and one handler per
 * command. main.c only calls cmd_main; everything here can be driven from
 * the unit tests with FILE streams in place of stdin, stdout and stderr.
 */
#ifndef CLIENT_CMD_H
#define CLIENT_CMD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cert.h"
#include "net.h"
#include "output.h"
#include "skkconf.h"

#define CMD_BATCH_ITEMS	WIRE_MAX_BATCH_DEFAULT	/* per VERIFY request */
#define CMD_LINE_MAX	4096			/* one stdin item */

struct cmd;

/* What one run of skk works with. */
struct cmd_ctx {
	const char		*config;	/* -c FILE, or NULL */
	int			 json;
	FILE			*in;		/* for "verify -" */
	FILE			*out;
	FILE			*err;
	const struct cmd	*cmd;		/* the command running */
	struct skkconf		 conf;
	struct net		*net;		/* once connected */
	struct output		*o;		/* once connected */
	char			 host[256];	/* the server's public host */
};

struct cmd {
	const char	*name;
	int		(*fn)(struct cmd_ctx *, int argc, char **argv);
	const char	*usage;		/* after "skk NAME " */
	const char	*summary;
	int		 needs_admin;
};

/*
 * The whole program but main(): global options, the command, its exit
 * status (sysexits.h; verify: 0 valid, 1 not valid, 2 unknown).
 */
int		 cmd_main(int argc, char **argv, FILE *in, FILE *out,
		    FILE *err);

const struct cmd *cmd_find(const char *name);	/* NULL if unknown */
const struct cmd *cmd_table(size_t *n);

/*
 * Joins every run of five arguments shaped like the groups of a
 * certificate number (5, 4, 1, 8 and 4 digits) into one argument, since
 * an unquoted number arrives split by the shell. Returns a new
 * NULL-terminated vector of copies and its length in *outc, or NULL on
 * allocation failure; free it with cmd_argv_free.
 */
char		**cmd_join_numbers(int argc, char *const *argv, int *outc);
void		 cmd_argv_free(char **);

/*
 * Output files hold personal data: cmd_create_private opens path for
 * writing, mode 0600 (also when it existed), NULL with errno on failure;
 * cmd_private_dir creates dir 0700, or takes an existing one with a
 * warning if others may list it (0 or the exit status, said on stderr).
 */
FILE		*cmd_create_private(const char *path);
int		 cmd_private_dir(struct cmd_ctx *, const char *dir);

/*
 * The host rule (PROTOCOL.md 1.5) for queries answered by the server:
 * cmd_fetch_host asks for the server's public host (KEYS) when one of
 * the n queries is a URL naming a host; cmd_host_rule then turns the
 * verdict on a query whose host is another into NOT VALID, "points to
 * another site", unless the signature itself failed.
 */
int		 cmd_fetch_host(struct cmd_ctx *, char *const *queries,
		    size_t n);
void		 cmd_host_rule(const struct cmd_ctx *, const char *query,
		    uint64_t *verdict, uint64_t *code);

/*
 * The exit status for a wire error code, and the message for an ERROR
 * answer to command name about number (may be NULL).
 */
int		 cmd_wire_exit(uint64_t err);
int		 cmd_wire_error(const struct wire_msg *answer, const char *name,
		    const char *number, char *msg, size_t msglen);

/*
 * Loads the configuration, connects, says hello and, when admin is set,
 * checks the role; then sets up x->o. 0, or the exit status after a
 * message.
 */
int		 cmd_connect(struct cmd_ctx *, int admin);
/* Prints "skk: MESSAGE" on the context's error stream; returns status. */
int		 cmd_fail(struct cmd_ctx *, int status, const char *fmt, ...)
		    __attribute__((format(printf, 3, 4)));

#endif
