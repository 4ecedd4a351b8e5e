/* skkd — SPDX-License-Identifier: ISC */
/*
 * What every command shares: the context of one run of skk, its error
 * line, the connection to skkd (connect, call, wire errors, the end of
 * the output) and the files written with personal data. Command files,
 * cohort.c and crew.c call down into this file; it calls none of them.
 */
#ifndef CLIENT_SESSION_H
#define CLIENT_SESSION_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "net.h"
#include "output.h"
#include "skkconf.h"

struct cmd_form;	/* args.h */

/* One entry of the command table (cmd.c). */
struct cmd {
	const char		*name;
	const struct cmd_form	*forms[4];	/* the first that applies */
	const char		*usage;		/* after "skk NAME " */
	const char		*summary;
	int			 needs_admin;
};

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

/* Prints "skk: MESSAGE" on the context's error stream; returns status. */
int		 session_fail(struct cmd_ctx *, int status, const char *fmt,
		    ...) __attribute__((format(printf, 3, 4)));
/* "out of memory" after freeing m (may be NULL); EX_OSERR. */
int		 session_oom(struct cmd_ctx *, struct wire_msg *m);
/* The connection's failure said; its status. */
int		 session_net_fail(struct cmd_ctx *);

/*
 * Loads the configuration, connects, says hello and, when admin is set,
 * checks the role; then sets up x->o. 0, or the exit status after a
 * message. session_begin does so with the running command's needs.
 */
int		 session_connect(struct cmd_ctx *, int admin);
/* Only loads the configuration (for commands that do not connect). */
int		 session_load_conf(struct cmd_ctx *);
int		 session_begin(struct cmd_ctx *);
/* Writes the output out; status, or EX_IOERR after saying so. */
int		 session_end(struct cmd_ctx *, int status);

/* A new request on the connection; NULL when out of memory. */
struct wire_msg	*session_request(struct cmd_ctx *, enum wire_type);
/*
 * Checks an answer to a request of type: 0, or the exit status after
 * saying what went wrong (number, may be NULL, names NOT_FOUND).
 */
int		 session_answer(struct cmd_ctx *, const struct wire_msg *a,
		    enum wire_type type, const char *number);
/*
 * Sends m (freeing it) and waits for its answer: 0 and *ap (the caller
 * frees it), or the exit status after a message.
 */
int		 session_call(struct cmd_ctx *, struct wire_msg *m,
		    struct wire_msg **ap, const char *number);
/*
 * The simple commands in one: calls with m, hands the answer to print
 * and ends the output; out of memory when m is NULL or built is not set
 * (filling m failed). Frees m. The exit status.
 */
int		 session_print(struct cmd_ctx *, struct wire_msg *m, int built,
		    const char *number,
		    void (*print)(struct output *, const struct wire_msg *));

/*
 * The exit status for a wire error code, and the message for an ERROR
 * answer to command name about number (may be NULL).
 */
int		 session_wire_exit(uint64_t err);
int		 session_wire_error(const struct wire_msg *answer,
		    const char *name, const char *number, char *msg,
		    size_t msglen);

/*
 * The host rule (PROTOCOL.md 1.5) for queries answered by the server:
 * session_fetch_host asks for the server's public host (KEYS) when one
 * of the n queries is a URL naming a host; session_host_rule then turns
 * the verdict on a query whose host is another into NOT VALID, "points
 * to another site", unless the signature itself failed.
 */
int		 session_fetch_host(struct cmd_ctx *, char *const *queries,
		    size_t n);
void		 session_host_rule(const struct cmd_ctx *, const char *query,
		    uint64_t *verdict, uint64_t *code);

/*
 * Output files hold personal data: session_create_private opens path
 * for writing, mode 0600 (also when it existed), NULL with errno on
 * failure; session_private_dir creates dir 0700, or takes an existing
 * one with a warning if others may list it (0 or the exit status, said
 * on stderr).
 */
FILE		*session_create_private(const char *path);
/* Writes len bytes of b to path that way; 0 or the exit status. */
int		 session_write_private(struct cmd_ctx *, const char *path,
		    const uint8_t *b, size_t len);
int		 session_private_dir(struct cmd_ctx *, const char *dir);

#endif
