/* skkd — SPDX-License-Identifier: ISC */
/*
 * The witness server: POST /add-checkpoint and GET /<origin hash>/
 * checkpoint over plain HTTP, one request at a time on one event loop,
 * so checking a log's old size and recording its new one cannot
 * interleave with another request for the same log. Every answer but
 * 200 changes nothing. Log lines go to stderr.
 */

#include <sys/types.h>

#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "cmd_witness.h"
#include "cosig.h"
#include "session.h"
#include "witness.h"
#include "wstate.h"

#define WITNESS_TIMEOUT	30		/* seconds for one request */
#define WITNESS_HASH	"/checkpoint"

struct witness_srv {
	struct wstate		 w;
	struct event_base	*base;
	FILE			*log;
};

static int	witness_exec(struct cmd_ctx *, struct cmd_args *);

static const struct cmd_opt witness_opts[] = {
	{ "--name", 0, NULL }, { "--listen", 0, NULL }, { NULL, 0, NULL }
};
const struct cmd_form witness_form = { { NULL }, witness_exec,
	witness_opts, 2, 2, ARGS_PLAIN };

static const char *
witness_reason(int code)
{
	switch (code) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 422: return "Unprocessable Entity";
	default: return "Internal Server Error";
	}
}

/* Answers code with body text and its content type. */
static void
witness_reply(struct evhttp_request *req, int code, const char *type,
    const char *body, size_t len)
{
	struct evbuffer	*b = evbuffer_new();

	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", type);
	if (b != NULL)
		evbuffer_add(b, body, len);
	evhttp_send_reply(req, code, witness_reason(code), b);
	if (b != NULL)
		evbuffer_free(b);
}

static void
witness_log(struct witness_srv *s, struct evhttp_request *req,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
witness_log(struct witness_srv *s, struct evhttp_request *req,
    const char *fmt, ...)
{
	struct evhttp_connection	*c = evhttp_request_get_connection(req);
	const char			*addr = "?";
	ev_uint16_t			 port = 0;
	va_list				 ap;

	if (c != NULL)
		evhttp_connection_get_peer(c, (char **)&addr, &port);
	fprintf(s->log, "skk witness: %s:%u: ", addr, port);
	va_start(ap, fmt);
	vfprintf(s->log, fmt, ap);
	va_end(ap);
	fputc('\n', s->log);
	fflush(s->log);
}

/* A refusal: the status, the reason as the body, a log line. */
static void
witness_refuse(struct witness_srv *s, struct evhttp_request *req, int code,
    const struct witness_log *l, const char *why)
{
	char	body[NOTE_ERR_MAX + 2];

	witness_log(s, req, "%d %s: %s", code, l != NULL ? l->origin : "-",
	    why);
	snprintf(body, sizeof(body), "%s\n", why);
	witness_reply(req, code, "text/plain; charset=utf-8", body,
	    strlen(body));
}

/* 200: cosign, keep the cosigned note durably, then answer the line. */
static void
witness_cosign(struct witness_srv *s, struct evhttp_request *req,
    struct witness_log *l, const struct note *nt,
    const struct checkpoint *cp)
{
	char		 line[NOTE_LINE_MAX + 32], err[NOTE_ERR_MAX];
	char		*keep;
	uint64_t	 was = l->size;
	int		 n;

	if (cosig_sign_line(&s->w.key, nt->text, nt->textlen,
	    (uint64_t)time(NULL), line, sizeof(line)) == -1) {
		witness_refuse(s, req, 500, l, "cannot cosign");
		return;
	}
	if ((keep = malloc(SKKCONF_FILE_MAX)) == NULL ||
	    (n = witness_cosigned(nt, l, line, keep, SKKCONF_FILE_MAX)) == -1) {
		free(keep);
		witness_refuse(s, req, keep == NULL ? 500 : 400, l, keep ==
		    NULL ? "out of memory" : "checkpoint too large to keep");
		return;
	}
	if (wstate_save(&s->w, l, cp, keep, (size_t)n, err,
	    sizeof(err)) == -1) {
		free(keep);
		witness_refuse(s, req, 500, l, err);
		return;
	}
	free(keep);
	witness_log(s, req, "200 %s: cosigned size %" PRIu64 " (was %"
	    PRIu64 ")", l->origin, cp->size, was);
	witness_reply(req, 200, "text/plain; charset=utf-8", line,
	    strlen(line));
}

static void
witness_add(struct witness_srv *s, struct evhttp_request *req)
{
	struct evbuffer		*in = evhttp_request_get_input_buffer(req);
	struct witness_req	 r;
	struct witness_log	*l = NULL;
	struct checkpoint	 cp;
	struct note		 nt;
	char			 err[NOTE_ERR_MAX], size[24];
	size_t			 len = evbuffer_get_length(in);
	const char		*body;
	int			 code;

	if ((body = (const char *)evbuffer_pullup(in, -1)) == NULL)
		body = "";
	if (witness_req_parse(body, len, &r, err, sizeof(err)) == -1)
		code = 400;
	else
		code = witness_decide(&r, s->w.log, s->w.nlog, &nt, &cp, &l,
		    err, sizeof(err));
	if (code == 200)
		witness_cosign(s, req, l, &nt, &cp);
	else if (code == 409) {
		witness_log(s, req, "409 %s: %s", l->origin, err);
		snprintf(size, sizeof(size), "%" PRIu64 "\n", l->size);
		witness_reply(req, 409, WITNESS_SIZE_TYPE, size,
		    strlen(size));
	} else
		witness_refuse(s, req, code, l, err);
}

/* GET /<hex SHA-256 of the origin>/checkpoint */
static void
witness_get(struct witness_srv *s, struct evhttp_request *req,
    const char *path)
{
	struct witness_log	*l;
	size_t			 n = strlen(path), i;

	if (n <= strlen(WITNESS_HASH) + 1 || strcmp(path + n -
	    strlen(WITNESS_HASH), WITNESS_HASH) != 0 ||
	    (l = wstate_by_hash(&s->w, path + 1, n - 1 -
	    strlen(WITNESS_HASH))) == NULL || l->size == 0) {
		witness_reply(req, 404, "text/plain; charset=utf-8",
		    "not found\n", 10);
		return;
	}
	i = (size_t)(l - s->w.log);
	witness_reply(req, 200, "text/plain; charset=utf-8", s->w.note[i],
	    s->w.notelen[i]);
}

static void
witness_http_cb(struct evhttp_request *req, void *arg)
{
	struct witness_srv	*s = arg;
	const char		*path;

	path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(req));
	if (path == NULL)
		path = "/";
	if (strcmp(path, "/add-checkpoint") == 0) {
		if (evhttp_request_get_command(req) == EVHTTP_REQ_POST)
			witness_add(s, req);
		else
			witness_refuse(s, req, 405, NULL, "POST only");
	} else if (evhttp_request_get_command(req) == EVHTTP_REQ_GET)
		witness_get(s, req, path);
	else
		witness_refuse(s, req, 405, NULL, "GET only");
}

static void
witness_signal_cb(evutil_socket_t fd, short what, void *arg)
{
	struct witness_srv	*s = arg;

	fprintf(s->log, "skk witness: signal %d, exiting\n", (int)fd);
	event_base_loopbreak(s->base);
}

/* The event loop until SIGTERM or SIGINT; the exit status. */
static int
witness_run(struct cmd_ctx *x, struct witness_srv *s)
{
	struct evhttp	*http;
	struct event	*sig[2] = { NULL, NULL };
	int		 rc = EX_OSERR;

	if ((s->base = event_base_new()) == NULL ||
	    (http = evhttp_new(s->base)) == NULL)
		return session_fail(x, EX_OSERR, "out of memory");
	evhttp_set_max_body_size(http, WITNESS_BODY_MAX);
	evhttp_set_max_headers_size(http, 16384);
	evhttp_set_timeout(http, WITNESS_TIMEOUT);
	evhttp_set_allowed_methods(http, EVHTTP_REQ_GET | EVHTTP_REQ_POST);
	evhttp_set_gencb(http, witness_http_cb, s);
	sig[0] = evsignal_new(s->base, SIGTERM, witness_signal_cb, s);
	sig[1] = evsignal_new(s->base, SIGINT, witness_signal_cb, s);
	if (evhttp_bind_socket(http, s->w.host, (ev_uint16_t)atoi(
	    s->w.port)) == -1)
		rc = session_fail(x, EX_UNAVAILABLE, "cannot listen on %s "
		    "port %s", s->w.host, s->w.port);
	else if (sig[0] == NULL || sig[1] == NULL ||
	    event_add(sig[0], NULL) == -1 || event_add(sig[1], NULL) == -1)
		rc = session_fail(x, EX_OSERR, "cannot catch signals");
	else {
		fprintf(s->log, "skk witness: listening on %s port %s for "
		    "%zu log(s)\n", s->w.host, s->w.port, s->w.nlog);
		fflush(s->log);
		rc = event_base_dispatch(s->base) == -1 ? EX_OSERR : 0;
	}
	event_free(sig[0]);
	event_free(sig[1]);
	evhttp_free(http);
	event_base_free(s->base);
	return rc;
}

static int
witness_serve(struct cmd_ctx *x, const char *conf)
{
	struct witness_srv	*s;
	char			 err[512];
	int			 rc;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return session_fail(x, EX_OSERR, "out of memory");
	s->log = x->err;
	if (wstate_load(&s->w, conf, err, sizeof(err)) == -1)
		rc = session_fail(x, EX_CONFIG, "%s", err);
	else
		rc = witness_run(x, s);
	wstate_release(&s->w);
	free(s);
	return rc;
}

static int
witness_init(struct cmd_ctx *x, const char *dir, struct cmd_args *a)
{
	const char	*name = args_get(a, "--name");
	const char	*listen = args_get(a, "--listen");
	char		 vkey[NOTE_KEY_MAX], err[512];

	if (name == NULL)
		return args_usage_error(x, "init needs --name NAME");
	if (wstate_create(dir, name, listen != NULL ? listen :
	    "127.0.0.1:7380", vkey, sizeof(vkey), err, sizeof(err)) == -1)
		return session_fail(x, EX_CANTCREAT, "%s", err);
	fprintf(x->out, "%s\n", vkey);
	return 0;
}

static int
witness_exec(struct cmd_ctx *x, struct cmd_args *a)
{
	if (strcmp(a->pos[0], "serve") == 0)
		return witness_serve(x, a->pos[1]);
	if (strcmp(a->pos[0], "init") == 0)
		return witness_init(x, a->pos[1], a);
	return args_usage_error(x, "unknown witness command '%s'",
	    a->pos[0]);
}
