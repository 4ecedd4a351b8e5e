/* skkd — SPDX-License-Identifier: ISC */
/*
 * HTTP connections on the worker loops. Each listening socket is dup'd
 * into every worker, like the companion port, so a connection lives and
 * dies on one loop. Answers are computed at once, so pipelined requests
 * are answered in order simply by handling them in order. Deadlines are
 * absolute: a slow client cannot keep a head open by trickling bytes.
 */

#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "httpd.h"
#include "http.h"
#include "log.h"
#include "metrics.h"
#include "server.h"
#include "skkd.h"
#include "web.h"

#define HTTP_RATE_SLOTS	4096		/* client addresses tracked */
#define HTTP_OUT_HIGH	(256 * 1024)	/* stop reading above this */

enum hlisten {
	HL_HTTPS = 0,
	HL_ADMIN,
	HL_MAX
};

/* A token bucket for one client address. */
struct hrate {
	uint8_t		key[16];
	double		tokens;
	uint64_t	last;		/* usec, monotonic */
};

struct hworker {
	struct httpd		*h;
	struct event_base	*base;
	struct store_rd		*rd;
	struct evconnlistener	*l[HL_MAX];
	struct event		*resume;	/* re-enable accepting after EMFILE */
	TAILQ_HEAD(, hconn)	 conns;
};

struct httpd {
	SSL_CTX		**ctx;		/* swapped by SIGHUP */
	int		 fd[HL_MAX];
	unsigned	 nw;
	struct hworker	*w;
	/* Shared by the workers, so an address's limit does not depend on
	 * which loop its connections land on. */
	pthread_mutex_t	 rate_mtx;
	struct hrate	 rate[HTTP_RATE_SLOTS];
};

/*
 * A connection's life: HANDSHAKE (TLS, handshake deadline) -> IDLE (no
 * request begun, idle deadline) -> HEAD (bytes of a head arrived: head
 * deadline, never extended) -> answered -> IDLE again, or CLOSING (the
 * last answer is being sent; reading has stopped).
 */
enum hconn_state {
	HC_HANDSHAKE,
	HC_IDLE,
	HC_HEAD,
	HC_CLOSING
};

struct hconn {
	struct hworker		*w;
	enum hlisten		 kind;
	enum hconn_state	 state;
	struct bufferevent	*bev;
	struct event		*timer;
	unsigned		 nreq;
	uint8_t			 key[16];	/* the address, for the rate */
	char			 addr[INET6_ADDRSTRLEN + 8];
	TAILQ_ENTRY(hconn)	 entry;
};

static void	hconn_accept_cb(struct evconnlistener *, evutil_socket_t,
		    struct sockaddr *, int, void *);
static void	hconn_read_cb(struct bufferevent *, void *);
static void	hconn_write_cb(struct bufferevent *, void *);
static void	hconn_event_cb(struct bufferevent *, short, void *);
static void	hconn_timer_cb(evutil_socket_t, short, void *);
static void	hconn_process(struct hconn *);
static void	hconn_answer(struct hconn *, const struct http_req *);
static void	hworker_accept_error_cb(struct evconnlistener *, void *);
static void	hworker_resume_cb(evutil_socket_t, short, void *);
static void	hconn_close(struct hconn *);

static uint64_t
httpd_usec(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int
httpd_bind(const char *text, char *err, size_t errlen)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len;
	char			 why[256];
	int			 fd, on = 1;

	if (conf_parse_hostport(text, &ss, &len, why, sizeof(why)) == -1) {
		snprintf(err, errlen, "listen %s: %s", text, why);
		return -1;
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (fd == -1) {
		snprintf(err, errlen, "listen %s: %s", text, strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (bind(fd, (struct sockaddr *)&ss, len) == -1 ||
	    listen(fd, 1024) == -1) {
		snprintf(err, errlen, "listen %s: %s", text, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static int
httpd_worker_init(struct httpd *h, struct hworker *w, struct server *srv,
    unsigned i, char *err, size_t errlen)
{
	int	k, fd;

	w->h = h;
	w->base = server_base(srv, i);
	w->rd = server_reader(srv, i);
	TAILQ_INIT(&w->conns);
	if ((w->resume = evtimer_new(w->base, hworker_resume_cb, w)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (k = 0; k < HL_MAX; k++) {
		if (h->fd[k] == -1)
			continue;
		if ((fd = dup(h->fd[k])) == -1) {
			snprintf(err, errlen, "dup: %s", strerror(errno));
			return -1;
		}
		w->l[k] = evconnlistener_new(w->base, hconn_accept_cb, w,
		    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, -1, fd);
		if (w->l[k] == NULL) {
			close(fd);
			snprintf(err, errlen, "cannot listen: %s",
			    strerror(errno));
			return -1;
		}
		evconnlistener_set_error_cb(w->l[k], hworker_accept_error_cb);
	}
	return 0;
}

/* Out of descriptors: pause this worker's accepting for a second. */
static void
hworker_accept_error_cb(struct evconnlistener *l, void *arg)
{
	struct hworker	*w = arg;
	struct timeval	 tv = { 1, 0 };
	int		 k;

	log_warn("https accept");
	for (k = 0; k < HL_MAX; k++)
		if (w->l[k] != NULL)
			evconnlistener_disable(w->l[k]);
	evtimer_add(w->resume, &tv);
}

static void
hworker_resume_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct hworker	*w = arg;
	int		 k;

	for (k = 0; k < HL_MAX; k++)
		if (w->l[k] != NULL)
			evconnlistener_enable(w->l[k]);
}

struct httpd *
httpd_start(struct server *srv, SSL_CTX **ctx, char *err, size_t errlen)
{
	const struct conf	*c = &skkd->conf;
	struct httpd		*h;
	unsigned		 i;

	if (web_init(err, errlen) == -1)
		return NULL;
	if ((h = calloc(1, sizeof(*h))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	h->ctx = ctx;
	pthread_mutex_init(&h->rate_mtx, NULL);
	h->fd[HL_HTTPS] = h->fd[HL_ADMIN] = -1;
	h->nw = server_nworkers(srv);
	if ((c->http_listen[0] && (h->fd[HL_HTTPS] = httpd_bind(c->http_listen,
	    err, errlen)) == -1) || (c->metrics_listen[0] &&
	    (h->fd[HL_ADMIN] = httpd_bind(c->metrics_listen, err,
	    errlen)) == -1))
		goto fail;
	if ((h->w = calloc(h->nw, sizeof(*h->w))) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	for (i = 0; i < h->nw; i++)
		if (httpd_worker_init(h, &h->w[i], srv, i, err, errlen) == -1)
			goto fail;
	return h;
fail:
	httpd_free(h);
	return NULL;
}

void
httpd_free(struct httpd *h)
{
	struct hconn	*c;
	unsigned	 i;
	int		 k;

	if (h == NULL)
		return;
	for (i = 0; h->w != NULL && i < h->nw; i++) {
		for (k = 0; k < HL_MAX; k++)
			if (h->w[i].l[k] != NULL)
				evconnlistener_free(h->w[i].l[k]);
		if (h->w[i].resume != NULL)
			event_free(h->w[i].resume);
		while ((c = TAILQ_FIRST(&h->w[i].conns)) != NULL)
			hconn_close(c);
	}
	for (k = 0; k < HL_MAX; k++)
		if (h->fd[k] != -1)
			close(h->fd[k]);
	free(h->w);
	pthread_mutex_destroy(&h->rate_mtx);
	free(h);
}

/*
 * Rate limit: a token bucket per address, http_rate/s, burst 2x. A new
 * address evicts whoever hashed to its slot: the table stays small and
 * an evicted address only gets a fresh bucket.
 */

static void
httpd_addr_key(const struct sockaddr *sa, uint8_t key[16], char *out,
    size_t outlen)
{
	const struct sockaddr_in	*sin = (const void *)sa;
	const struct sockaddr_in6	*sin6 = (const void *)sa;

	memset(key, 0, 16);
	if (sa->sa_family == AF_INET6) {
		memcpy(key, &sin6->sin6_addr, 16);
		inet_ntop(AF_INET6, &sin6->sin6_addr, out, outlen);
	} else if (sa->sa_family == AF_INET) {
		memcpy(key + 12, &sin->sin_addr, 4);
		inet_ntop(AF_INET, &sin->sin_addr, out, outlen);
	} else
		snprintf(out, outlen, "?");
}

/* 0 if the address may make a request now, else seconds to wait. */
static unsigned
httpd_rate_take(struct httpd *h, const uint8_t key[16])
{
	struct hrate	*r;
	double		 rate = skkd->conf.http_rate, burst = 2 * rate;
	uint64_t	 now = httpd_usec(), hash = 1469598103934665603ULL;
	unsigned	 wait = 0;
	int		 i;

	for (i = 0; i < 16; i++)
		hash = (hash ^ key[i]) * 1099511628211ULL;
	pthread_mutex_lock(&h->rate_mtx);
	r = &h->rate[hash % HTTP_RATE_SLOTS];
	if (memcmp(r->key, key, 16) != 0 || r->last == 0) {
		memcpy(r->key, key, 16);
		r->tokens = burst;
		r->last = now;
	}
	r->tokens += (double)(now - r->last) * rate / 1e6;
	if (r->tokens > burst)
		r->tokens = burst;
	r->last = now;
	if (r->tokens >= 1)
		r->tokens -= 1;
	else
		wait = (unsigned)((1 - r->tokens) / rate) + 1;
	pthread_mutex_unlock(&h->rate_mtx);
	return wait;
}

/* Connections. */

static void
hconn_arm(struct hconn *c, unsigned seconds)
{
	struct timeval	tv = { seconds, 0 };

	evtimer_add(c->timer, &tv);
}

static struct bufferevent *
hconn_bev(struct hworker *w, enum hlisten kind, evutil_socket_t fd)
{
	struct bufferevent	*bev;
	SSL			*ssl;

	if (kind == HL_ADMIN)
		return bufferevent_socket_new(w->base, fd,
		    BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
	if ((ssl = SSL_new(__atomic_load_n(w->h->ctx, __ATOMIC_ACQUIRE))) ==
	    NULL)
		return NULL;
	bev = bufferevent_openssl_socket_new(w->base, fd, ssl,
	    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE |
	    BEV_OPT_DEFER_CALLBACKS);
	if (bev == NULL) {
		SSL_free(ssl);
		return NULL;
	}
	bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	return bev;
}

static void
hconn_accept_cb(struct evconnlistener *l, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct hworker	*w = arg;
	struct hconn	*c;
	int		 on = 1;

	if (atomic_fetch_add(&skkd->stats.connections, 1) >=
	    skkd->conf.max_connections || (c = calloc(1, sizeof(*c))) == NULL) {
		atomic_fetch_sub(&skkd->stats.connections, 1);
		atomic_fetch_add(&skkd->stats.refused, 1);
		close(fd);
		return;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	c->w = w;
	c->kind = l == w->l[HL_ADMIN] ? HL_ADMIN : HL_HTTPS;
	httpd_addr_key(sa, c->key, c->addr, sizeof(c->addr));
	if ((c->timer = evtimer_new(w->base, hconn_timer_cb, c)) == NULL ||
	    (c->bev = hconn_bev(w, c->kind, fd)) == NULL) {
		if (c->timer != NULL)
			event_free(c->timer);
		free(c);
		close(fd);
		atomic_fetch_sub(&skkd->stats.connections, 1);
		return;
	}
	TAILQ_INSERT_TAIL(&w->conns, c, entry);
	bufferevent_setcb(c->bev, hconn_read_cb, hconn_write_cb,
	    hconn_event_cb, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	if (c->kind == HL_ADMIN) {
		c->state = HC_IDLE;
		hconn_arm(c, skkd->conf.http_idle_timeout);
	} else {
		c->state = HC_HANDSHAKE;
		hconn_arm(c, skkd->conf.handshake_timeout);
	}
}

/* The one way a connection ends. */
static void
hconn_close(struct hconn *c)
{
	TAILQ_REMOVE(&c->w->conns, c, entry);
	event_free(c->timer);
	bufferevent_free(c->bev);	/* frees the SSL too */
	free(c);
	atomic_fetch_sub(&skkd->stats.connections, 1);
}

static void
hconn_timer_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct hconn	*c = arg;

	if (c->state == HC_HANDSHAKE)
		metrics_handshake(0);
	else if (c->state == HC_HEAD)
		log_debug("%s: http request head deadline passed", c->addr);
	hconn_close(c);
}

static void
hconn_event_cb(struct bufferevent *bev, short events, void *arg)
{
	struct hconn	*c = arg;

	if (events & BEV_EVENT_CONNECTED) {
		metrics_handshake(1);
		c->state = HC_IDLE;
		hconn_arm(c, skkd->conf.http_idle_timeout);
		return;
	}
	if (c->state == HC_HANDSHAKE)
		metrics_handshake(0);
	/* A client that half-closes after its request still gets the answer. */
	if ((events & BEV_EVENT_EOF) && c->state != HC_HANDSHAKE &&
	    evbuffer_get_length(bufferevent_get_output(bev)) > 0) {
		c->state = HC_CLOSING;
		bufferevent_disable(bev, EV_READ);
		return;
	}
	hconn_close(c);
}

static void
hconn_read_cb(struct bufferevent *bev, void *arg)
{
	hconn_process(arg);
}

/* Sent: close after the last answer, or resume reading. */
static void
hconn_write_cb(struct bufferevent *bev, void *arg)
{
	struct hconn	*c = arg;

	if (evbuffer_get_length(bufferevent_get_output(bev)) != 0)
		return;
	if (c->state == HC_CLOSING) {
		hconn_close(c);
		return;
	}
	if (!(bufferevent_get_enabled(bev) & EV_READ)) {
		bufferevent_enable(bev, EV_READ);
		hconn_process(c);
	}
}

/* Every complete head in the input, in order. */
static void
hconn_process(struct hconn *c)
{
	struct evbuffer	*in = bufferevent_get_input(c->bev);
	struct http_req	 req;
	enum http_parse	 rc;
	size_t		 len, used;
	const char	*buf;

	while (c->state == HC_IDLE || c->state == HC_HEAD) {
		if (evbuffer_get_length(bufferevent_get_output(c->bev)) >
		    HTTP_OUT_HIGH) {
			bufferevent_disable(c->bev, EV_READ);
			return;
		}
		if ((len = evbuffer_get_length(in)) == 0)
			return;
		if (c->state == HC_IDLE) {
			c->state = HC_HEAD;
			hconn_arm(c, skkd->conf.http_header_timeout);
		}
		if (len > HTTP_HEAD_MAX)
			len = HTTP_HEAD_MAX;
		buf = (const char *)evbuffer_pullup(in, len);
		rc = http_parse_head(buf, len, &req, &used);
		if (rc == HTTP_MORE)
			return;
		evbuffer_drain(in, rc == HTTP_DONE ? used : len);
		hconn_answer(c, &req);
	}
	if (c->state == HC_CLOSING)
		evbuffer_drain(in, evbuffer_get_length(in));
}

/* The Date header, formatted once a second per thread, not per answer. */
static const char *
hconn_date(void)
{
	static _Thread_local time_t	last;
	static _Thread_local char	date[40];
	struct tm			tm;
	time_t				now = time(NULL);

	if (now != last) {
		gmtime_r(&now, &tm);
		strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
		last = now;
	}
	return date;
}

static void
hconn_headers(struct hconn *c, const struct web_resp *r, int keep)
{
	struct evbuffer	*out = bufferevent_get_output(c->bev);

	/* One format call: the head is on every answer's path. */
	evbuffer_add_printf(out, "HTTP/1.1 %d %s\r\nDate: %s\r\n"
	    "Content-Type: %s\r\nContent-Length: %zu\r\n"
	    "Cache-Control: %s\r\nConnection: %s\r\n%s"
	    "Content-Security-Policy: %s\r\n"
	    "X-Content-Type-Options: nosniff\r\n"
	    "Referrer-Policy: no-referrer\r\nX-Frame-Options: DENY\r\n",
	    r->status, http_status_text(r->status), hconn_date(), r->ctype,
	    evbuffer_get_length(r->body), r->cache ? r->cache : "no-store",
	    keep ? "keep-alive" : "close", c->kind == HL_HTTPS ?
	    "Strict-Transport-Security: max-age=31536000\r\n" : "",
	    web_csp());
	if (r->allow != NULL)
		evbuffer_add_printf(out, "Allow: %s\r\n", r->allow);
	if (r->retry_after)
		evbuffer_add_printf(out, "Retry-After: %u\r\n",
		    r->retry_after);
	evbuffer_add(out, "\r\n", 2);
}

static void
hconn_route(struct hconn *c, const struct http_req *req, struct web_resp *r)
{
	unsigned	wait;

	if (req->status != 0) {
		log_debug("%s: http %d: %s", c->addr, req->status, req->why);
		web_error(req->status, req->why, req->want_json, r);
		if (req->status == 405)
			r->allow = "GET, HEAD";
	} else if (c->kind == HL_ADMIN)
		web_admin(req, c->w->rd, r);
	else if ((wait = httpd_rate_take(c->w->h, c->key)) != 0) {
		web_error(429, "too many requests from your address",
		    req->want_json, r);
		r->retry_after = wait;
	} else
		web_handle(req, c->w->rd, r);
}

static void
hconn_answer(struct hconn *c, const struct http_req *req)
{
	struct web_resp	 r;
	uint64_t	 t0 = httpd_usec();
	int		 keep;

	memset(&r, 0, sizeof(r));
	r.verdict = -1;
	r.ep = MEP_HTTP_OTHER;
	if ((r.body = evbuffer_new()) == NULL) {
		/* The caller's loop still holds c: close from the timer. */
		struct timeval	now = { 0, 0 };

		c->state = HC_CLOSING;
		bufferevent_disable(c->bev, EV_READ);
		evtimer_add(c->timer, &now);
		return;
	}
	c->nreq++;
	hconn_route(c, req, &r);
	keep = req->status == 0 && req->keep_alive &&
	    c->nreq < skkd->conf.http_max_requests;
	hconn_headers(c, &r, keep);
	if (req->method != HTTP_HEAD)
		evbuffer_add_buffer(bufferevent_get_output(c->bev), r.body);
	evbuffer_free(r.body);
	metrics_request(r.ep, r.verdict, httpd_usec() - t0);
	if (keep) {
		c->state = HC_IDLE;
		hconn_arm(c, skkd->conf.http_idle_timeout);
	} else {
		c->state = HC_CLOSING;
		bufferevent_disable(c->bev, EV_READ);
		/* A slow reader still gets the idle deadline to take it. */
		hconn_arm(c, skkd->conf.http_idle_timeout);
	}
}
