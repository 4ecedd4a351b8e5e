/* skkd — SPDX-License-Identifier: ISC */
/*
 * The plumbing every command stands on: the error line, connecting with
 * skk.conf, one request and its answer, the wire's error codes as exit
 * statuses and messages, the host rule, and private output files.
 */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "cert.h"
#include "qrpay.h"
#include "session.h"

int
session_fail(struct cmd_ctx *x, int status, const char *fmt, ...)
{
	va_list	ap;

	fputs("skk: ", x->err);
	va_start(ap, fmt);
	vfprintf(x->err, fmt, ap);
	va_end(ap);
	fputc('\n', x->err);
	return status;
}

int
session_oom(struct cmd_ctx *x, struct wire_msg *m)
{
	wire_msg_free(m);
	return session_fail(x, EX_OSERR, "out of memory");
}

int
session_net_fail(struct cmd_ctx *x)
{
	return session_fail(x, net_status(x->net), "%s", net_error(x->net));
}

/* --- connecting ------------------------------------------------------- */

int
session_load_conf(struct cmd_ctx *x)
{
	const char	*path;
	char		 why[1024];

	if ((path = skkconf_find(x->config)) == NULL)
		return session_fail(x, EX_CONFIG,
		    "no configuration: use -c FILE or set SKK_CONFIG");
	if (skkconf_load(&x->conf, path, why, sizeof why) == -1)
		return session_fail(x, EX_CONFIG, "%s", why);
	return 0;
}

int
session_connect(struct cmd_ctx *x, int admin)
{
	char		 why[1024];
	int		 rc;

	if ((rc = session_load_conf(x)) != 0)
		return rc;
	if ((rc = net_open(&x->conf, &x->net, why, sizeof why)) != 0)
		return session_fail(x, rc, "%s", why);
	if (admin && net_role(x->net) != NET_ROLE_UNKNOWN &&
	    net_role(x->net) != NET_ROLE_ADMIN)
		return session_fail(x, EX_NOPERM,
		    "not authorised: admin certificate required");
	if ((x->o = output_new(x->out, x->json)) == NULL)
		return session_fail(x, EX_OSERR, "out of memory");
	return 0;
}

int
session_begin(struct cmd_ctx *x)
{
	return session_connect(x, x->cmd->needs_admin);
}

int
session_end(struct cmd_ctx *x, int status)
{
	if (output_end(x->o) == -1 || fflush(x->out) == EOF ||
	    ferror(x->out))
		return session_fail(x, EX_IOERR, "cannot write the output");
	return status;
}

/* --- requests --------------------------------------------------------- */

struct wire_msg *
session_request(struct cmd_ctx *x, enum wire_type type)
{
	return net_request(x->net, type);
}

int
session_answer(struct cmd_ctx *x, const struct wire_msg *a,
    enum wire_type type, const char *number)
{
	char	msg[640];
	int	rc;

	if (wire_type(a) == WIRE_ERROR) {
		rc = session_wire_error(a, x->cmd->name, number, msg,
		    sizeof msg);
		return session_fail(x, rc, "%s", msg);
	}
	if (wire_type(a) != (uint64_t)type)
		return session_fail(x, EX_PROTOCOL, "unexpected %s answer to "
		    "%s", wire_type_name(wire_type(a)), wire_type_name(type));
	return 0;
}

int
session_call(struct cmd_ctx *x, struct wire_msg *m, struct wire_msg **ap,
    const char *number)
{
	enum wire_type	 type = (enum wire_type)wire_type(m);
	uint64_t	 id = wire_id(m);
	struct wire_msg	*a;
	int		 rc;

	rc = net_send(x->net, m);
	wire_msg_free(m);
	if (rc == -1 || (a = net_recv(x->net, id)) == NULL)
		return session_net_fail(x);
	if ((rc = session_answer(x, a, type, number)) != 0) {
		wire_msg_free(a);
		return rc;
	}
	*ap = a;
	return 0;
}

int
session_print(struct cmd_ctx *x, struct wire_msg *m, int built,
    const char *number, void (*print)(struct output *,
    const struct wire_msg *))
{
	struct wire_msg	*a;
	int		 rc;

	if (!built || m == NULL)
		return session_oom(x, m);
	if ((rc = session_call(x, m, &a, number)) != 0)
		return rc;
	print(x->o, a);
	wire_msg_free(a);
	return session_end(x, 0);
}

/* --- wire errors ------------------------------------------------------ */

int
session_wire_exit(uint64_t e)
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
session_wire_error(const struct wire_msg *a, const char *name,
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
	return session_wire_exit(e);
}

/* --- the host rule ---------------------------------------------------- */

/* The host a query names, or "" (a number, a bare payload). */
static void
session_query_host(const char *query, char *host, size_t hostlen)
{
	if (qrpay_url_host(query, strlen(query), host, hostlen) != 1)
		host[0] = '\0';
}

int
session_fetch_host(struct cmd_ctx *x, char *const *queries, size_t n)
{
	struct wire_msg	*m, *a;
	char		 host[sizeof x->host];
	size_t		 i;
	int		 rc;

	for (i = 0; i < n; i++) {
		session_query_host(queries[i], host, sizeof host);
		if (host[0] != '\0')
			break;
	}
	if (i == n)
		return 0;
	if ((m = session_request(x, WIRE_KEYS)) == NULL)
		return session_fail(x, EX_OSERR, "out of memory");
	if ((rc = session_call(x, m, &a, NULL)) != 0)
		return rc;
	/* A server from before HOST: the rule cannot be applied. */
	if (wire_get_str(a, WK_HOST, x->host, sizeof x->host) == -1)
		x->host[0] = '\0';
	wire_msg_free(a);
	return 0;
}

void
session_host_rule(const struct cmd_ctx *x, const char *query,
    uint64_t *verdict, uint64_t *code)
{
	char	host[sizeof x->host];

	/* Without a good signature there is no issuer to compare with. */
	if (*verdict == VERDICT_NOT_VALID && (*code == REASON_BAD_SIGNATURE ||
	    *code == REASON_UNKNOWN_KEY || *code == REASON_MALFORMED))
		return;
	session_query_host(query, host, sizeof host);
	if (host[0] == '\0' || x->host[0] == '\0' ||
	    qrpay_host_equal(host, x->host))
		return;
	*verdict = VERDICT_NOT_VALID;
	*code = REASON_OTHER_SITE;
}

/* --- private files ---------------------------------------------------- */

FILE *
session_create_private(const char *path)
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
session_write_private(struct cmd_ctx *x, const char *path, const uint8_t *b,
    size_t len)
{
	FILE	*f;
	int	 bad;

	if ((f = session_create_private(path)) == NULL)
		return session_fail(x, EX_CANTCREAT, "cannot create '%s': %s",
		    path, strerror(errno));
	bad = fwrite(b, 1, len, f) != len;
	if (fclose(f) == EOF || bad)
		return session_fail(x, EX_IOERR, "cannot write '%s': %s", path,
		    strerror(errno));
	return 0;
}

int
session_private_dir(struct cmd_ctx *x, const char *dir)
{
	struct stat	st;

	if (mkdir(dir, 0700) == 0)
		return 0;
	if (errno != EEXIST)
		return session_fail(x, EX_CANTCREAT, "cannot create '%s': %s",
		    dir, strerror(errno));
	if (stat(dir, &st) == -1 || !S_ISDIR(st.st_mode))
		return session_fail(x, EX_CANTCREAT, "'%s': not a directory",
		    dir);
	/* The files are 0600 whatever the directory: their names show. */
	if (st.st_mode & 077)
		fprintf(x->err, "skk: warning: '%s' is mode %04o: others can "
		    "list the files written there (each is 0600); chmod 700 "
		    "it\n", dir, (unsigned)(st.st_mode & 07777));
	return 0;
}
