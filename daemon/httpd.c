/* skkd — SPDX-License-Identifier: ISC */
/*
 * HTTP connections on the worker pool's loops (pool.c), where a
 * connection lives and dies on the loop that accepted it; TLS through
 * tls.c. Answers are computed at once, so pipelined requests
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
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>

#include "httpd.h"
#include "http.h"
#include "log.h"
#include "metrics.h"
#include "peers.h"
#include "pool.h"
#include "rate.h"
#include "skkd.h"
#include "tls.h"
#include "web.h"

#define HTTP_RBUF	(4 * HTTP_HEAD_MAX)	/* one read, shared per worker */
#define HTTP_OBUF_FLUSH	(64 * 1024)	/* send answers once this many wait */
#define HTTP_ADMIN_CONNS 64		/* metrics_listen's own allowance */

enum hlisten {
	HL_HTTPS = 0,
	HL_ADMIN,
	HL_MAX
};

/*
 * A worker's scratch space: a connection's bytes are read into rbuf and
 * its answers assembled in obuf, both reused by every connection of the
 * loop, so an idle connection holds no buffers at all.
 */
struct hworker {
	struct httpd		*h;
	struct event_base	*base;
	struct store_rd		*rd;
	struct evbuffer		*body;		/* an answer's body */
	char			 rbuf[HTTP_RBUF];
	char			*obuf;
	size_t			 olen, ocap;
	TAILQ_HEAD(, hconn)	 conns;
};

struct httpd {
	SSL_CTX		**ctx;		/* swapped by SIGHUP */
	int		 fd[HL_MAX];
	unsigned	 nw;
	struct hworker	*w;
	/* Shared by the workers, so an address's limit does not depend on
	 * which loop its connections land on. */
	struct rate	*rate;
	atomic_ullong	 admin_conns;
	struct peers	*peers;		/* HTTPS connections per address */
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

/*
 * The socket is driven directly (OpenSSL on a non-blocking descriptor):
 * one read and one write per request, and no change to what the loop
 * watches unless the client stops taking its answers.
 */
struct hconn {
	struct hworker		*w;
	enum hlisten		 kind;
	enum hconn_state	 state;
	int			 fd;
	SSL			*ssl;		/* NULL on the admin listener */
	struct event		*rev;		/* persistent read */
	struct event		*wev;		/* only while answers wait */
	struct event		*timer;
	uint64_t		 deadline;	/* usec, monotonic */
	uint64_t		 timer_at;	/* when the timer fires, 0 if not */
	unsigned		 nreq;
	int			 reading;	/* rev is added */
	int			 failed;	/* no close_notify */
	int			 peer_eof;	/* the client sent all it will */
	char			*in;		/* bytes read, not yet handled */
	size_t			 inlen;
	char			*out;		/* answers the socket did not take */
	size_t			 outoff, outlen;
	uint8_t			 key[RATE_KEY_LEN];	/* for the rate */
	char			 addr[INET6_ADDRSTRLEN + 8];
	TAILQ_ENTRY(hconn)	 entry;
};

static void	hconn_accept(void *, unsigned, unsigned, int,
		    struct sockaddr *, int);
static void	hconn_io_cb(evutil_socket_t, short, void *);
static void	hconn_timer_cb(evutil_socket_t, short, void *);
static void	hconn_run(struct hconn *);
static void	hconn_answer(struct hconn *, const struct http_req *);
static void	hconn_close(struct hconn *);

static uint64_t
httpd_usec(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int
httpd_worker_init(struct httpd *h, struct hworker *w, struct pool *pool,
    unsigned i, char *err, size_t errlen)
{
	w->h = h;
	w->base = pool_base(pool, i);
	w->rd = pool_reader(pool, i);
	TAILQ_INIT(&w->conns);
	if ((w->body = evbuffer_new()) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

struct httpd *
httpd_start(struct pool *pool, SSL_CTX **ctx, char *err, size_t errlen)
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
	h->fd[HL_HTTPS] = h->fd[HL_ADMIN] = -1;
	if ((h->rate = rate_new()) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	h->nw = pool_nworkers(pool);
	if ((h->peers = peers_new(c->http_max_connections)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if ((c->http_listen[0] && (h->fd[HL_HTTPS] = pool_bind(c->http_listen,
	    err, errlen)) == -1) || (c->metrics_listen[0] &&
	    (h->fd[HL_ADMIN] = pool_bind(c->metrics_listen, err,
	    errlen)) == -1))
		goto fail;
	if ((h->w = calloc(h->nw, sizeof(*h->w))) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	for (i = 0; i < h->nw; i++)
		if (httpd_worker_init(h, &h->w[i], pool, i, err, errlen) == -1)
			goto fail;
	if (pool_listen(pool, "https accept", h->fd, HL_MAX, hconn_accept, h,
	    err, errlen) == -1)
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
		while ((c = TAILQ_FIRST(&h->w[i].conns)) != NULL)
			hconn_close(c);
		if (h->w[i].body != NULL)
			evbuffer_free(h->w[i].body);
		free(h->w[i].obuf);
	}
	for (k = 0; k < HL_MAX; k++)
		if (h->fd[k] != -1)
			close(h->fd[k]);
	free(h->w);
	peers_free(h->peers);
	rate_free(h->rate);
	free(h);
}

/*
 * Rate limit: a token bucket per address (rate.c: IPv6 by /64),
 * http_rate/s, burst 2x.
 */

static void
httpd_addr_key(const struct sockaddr *sa, uint8_t key[RATE_KEY_LEN],
    char *out, size_t outlen)
{
	const struct sockaddr_in	*sin = (const void *)sa;
	const struct sockaddr_in6	*sin6 = (const void *)sa;

	rate_addr_key(sa, key);
	if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &sin6->sin6_addr, out, outlen);
	else if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &sin->sin_addr, out, outlen);
	else
		snprintf(out, outlen, "?");
}

/* 0 if the address may make a request now, else seconds to wait. */
static unsigned
httpd_rate_take(struct httpd *h, const uint8_t key[RATE_KEY_LEN])
{
	double	rate = skkd->conf.http_rate;

	return rate_take(h->rate, key, rate, 2 * rate, 1, rate_now());
}

/* Connections. */

static void
hconn_timer_set(struct hconn *c, uint64_t now)
{
	uint64_t	d = c->deadline > now ? c->deadline - now : 0;
	struct timeval	tv = { (time_t)(d / 1000000), (suseconds_t)(d % 1000000) };

	c->timer_at = c->deadline;
	evtimer_add(c->timer, &tv);
}

/*
 * The deadline lives in the connection and the timer only ever moves
 * earlier: the idle deadline pushed later after every answer costs
 * nothing until the old one fires (hconn_timer_cb then waits on).
 */
static void
hconn_arm(struct hconn *c, unsigned seconds)
{
	uint64_t	now = httpd_usec();

	c->deadline = now + (uint64_t)seconds * 1000000;
	if (c->timer_at == 0 || c->timer_at > c->deadline)
		hconn_timer_set(c, now);
}

/* Watches what the connection waits for: while answers wait to be sent
 * it does not read (the client must take them first). */
static void
hconn_watch(struct hconn *c, int want_write)
{
	if (want_write) {
		if (c->reading) {
			event_del(c->rev);
			c->reading = 0;
		}
		if (!event_pending(c->wev, EV_WRITE, NULL))
			event_add(c->wev, NULL);
		return;
	}
	if (event_pending(c->wev, EV_WRITE, NULL))
		event_del(c->wev);
	if (!c->reading) {
		event_add(c->rev, NULL);
		c->reading = 1;
	}
}

static struct hconn *
hconn_new(struct hworker *w, enum hlisten kind, evutil_socket_t fd)
{
	struct hconn	*c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->w = w;
	c->kind = kind;
	c->fd = fd;
	if ((c->rev = event_new(w->base, fd, EV_READ | EV_PERSIST, hconn_io_cb,
	    c)) == NULL || (c->wev = event_new(w->base, fd,
	    EV_WRITE | EV_PERSIST, hconn_io_cb, c)) == NULL ||
	    (c->timer = evtimer_new(w->base, hconn_timer_cb, c)) == NULL)
		goto fail;
	if (kind == HL_HTTPS) {
		c->ssl = tls_accept(__atomic_load_n(w->h->ctx, __ATOMIC_ACQUIRE),
		    fd);
		if (c->ssl == NULL)
			goto fail;
	}
	return c;
fail:
	if (c->rev != NULL)
		event_free(c->rev);
	if (c->wev != NULL)
		event_free(c->wev);
	if (c->timer != NULL)
		event_free(c->timer);
	free(c);
	return NULL;
}

/*
 * Each listener counts its own connections, so a crowd on the public
 * pages can neither shut the companion port nor blind the metrics.
 */
static atomic_ullong *
httpd_count(struct httpd *h, enum hlisten kind)
{
	return kind == HL_HTTPS ? &skkd->stats.http_connections :
	    &h->admin_conns;
}

static int
httpd_conn_take(struct httpd *h, enum hlisten kind)
{
	unsigned long long	max = kind == HL_HTTPS ?
	    skkd->conf.http_max_connections : HTTP_ADMIN_CONNS;

	if (atomic_fetch_add(httpd_count(h, kind), 1) < max)
		return 0;
	atomic_fetch_sub(httpd_count(h, kind), 1);
	if (kind == HL_HTTPS)
		atomic_fetch_add(&skkd->stats.http_refused, 1);
	return -1;
}

/*
 * One address's share of the HTTPS places, taken before any TLS work so
 * that a crowd from one address costs an accept and a close each. The
 * metrics listener (an admin's address) is not counted.
 */
static int
httpd_addr_take(struct httpd *h, enum hlisten kind, const struct sockaddr *sa,
    uint8_t key[PEERS_KEY_LEN])
{
	rate_addr_key(sa, key);
	if (kind != HL_HTTPS || peers_take(h->peers, key,
	    skkd->conf.http_max_connections_per_address) == 0)
		return 0;
	atomic_fetch_sub(httpd_count(h, kind), 1);
	atomic_fetch_add(&skkd->stats.http_refused_addr, 1);
	return -1;
}

static void
hconn_accept(void *arg, unsigned i, unsigned which, int fd,
    struct sockaddr *sa, int salen)
{
	struct hworker	*w = &((struct httpd *)arg)->w[i];
	struct hconn	*c = NULL;
	enum hlisten	 kind = which == HL_ADMIN ? HL_ADMIN : HL_HTTPS;
	uint8_t		 key[PEERS_KEY_LEN];
	int		 on = 1;

	if (httpd_conn_take(w->h, kind) == -1 ||
	    httpd_addr_take(w->h, kind, sa, key) == -1) {
		close(fd);
		return;
	}
	if ((c = hconn_new(w, kind, fd)) == NULL) {
		if (kind == HL_HTTPS)
			peers_put(w->h->peers, key);
		atomic_fetch_sub(httpd_count(w->h, kind), 1);
		close(fd);
		return;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	httpd_addr_key(sa, c->key, c->addr, sizeof(c->addr));
	TAILQ_INSERT_TAIL(&w->conns, c, entry);
	hconn_watch(c, 0);
	if (kind == HL_ADMIN) {
		c->state = HC_IDLE;
		hconn_arm(c, skkd->conf.http_idle_timeout);
	} else {
		c->state = HC_HANDSHAKE;
		hconn_arm(c, skkd->conf.handshake_timeout);
	}
}

/* The one way a connection ends. A TLS connection that ended well says
 * so (close_notify) first; one that failed must not. */
static void
hconn_close(struct hconn *c)
{
	char	junk[2048];
	int	i;

	TAILQ_REMOVE(&c->w->conns, c, entry);
	event_free(c->rev);
	event_free(c->wev);
	event_free(c->timer);
	tls_close(c->ssl, c->state != HC_HANDSHAKE && !c->failed);
	/*
	 * Bytes the client sent that were never read would make close()
	 * reset the connection, and a reset can destroy the last answer
	 * before the client reads it: take what has arrived first.
	 */
	if (!c->failed)
		for (i = 0; i < 8 && read(c->fd, junk, sizeof(junk)) > 0; i++)
			continue;
	close(c->fd);
	free(c->in);
	free(c->out);
	if (c->kind == HL_HTTPS)
		peers_put(c->w->h->peers, c->key);
	atomic_fetch_sub(httpd_count(c->w->h, c->kind), 1);
	free(c);
}

static void
hconn_timer_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct hconn	*c = arg;
	uint64_t	 now = httpd_usec();

	c->timer_at = 0;
	if (now < c->deadline) {	/* moved later since it was set */
		hconn_timer_set(c, now);
		return;
	}
	if (c->state == HC_HANDSHAKE)
		metrics_handshake(0);
	else if (c->state == HC_HEAD)
		log_debug("%s: http request head deadline passed", c->addr);
	hconn_close(c);
}

/* A failed session must not send close_notify. */
static enum tls_io
hconn_tls(struct hconn *c, enum tls_io rc)
{
	if (rc == TLS_IO_ERR)
		c->failed = 1;
	return rc;
}

/* The plain admin listener and TLS, behind one pair of calls. */
static enum tls_io
hconn_recv(struct hconn *c, char *buf, size_t len, size_t *got)
{
	ssize_t	n;

	*got = 0;
	if (c->ssl != NULL)
		return hconn_tls(c, tls_read(c->ssl, buf, len, got));
	if ((n = read(c->fd, buf, len)) > 0) {
		*got = (size_t)n;
		return TLS_IO_OK;
	}
	if (n == 0)
		return TLS_IO_EOF;
	return errno == EAGAIN || errno == EINTR ? TLS_IO_WANT_READ :
	    TLS_IO_ERR;
}

static enum tls_io
hconn_send(struct hconn *c, const char *buf, size_t len, size_t *put)
{
	ssize_t	n;

	*put = 0;
	if (c->ssl != NULL)
		return hconn_tls(c, tls_write(c->ssl, buf, len, put));
	if ((n = send(c->fd, buf, len, MSG_NOSIGNAL)) >= 0) {
		*put = (size_t)n;
		return TLS_IO_OK;
	}
	return errno == EAGAIN || errno == EINTR ? TLS_IO_WANT_WRITE :
	    TLS_IO_ERR;
}

/* Sends the answers waiting in the connection; TLS_IO_OK once all are gone. */
static enum tls_io
hconn_flush(struct hconn *c)
{
	enum tls_io	rc;
	size_t		n;

	while (c->outoff < c->outlen) {
		if ((rc = hconn_send(c, c->out + c->outoff,
		    c->outlen - c->outoff, &n)) != TLS_IO_OK)
			return rc;
		c->outoff += n;
	}
	free(c->out);
	c->out = NULL;
	c->outoff = c->outlen = 0;
	return TLS_IO_OK;
}

/*
 * Sends the answers assembled in the worker's buffer, usually in one
 * write; what the socket does not take now waits in the connection, in
 * order after anything already waiting. -1 if the connection failed.
 */
static int
hconn_push(struct hconn *c)
{
	struct hworker	*w = c->w;
	enum tls_io	 rc = TLS_IO_OK;
	size_t		 off = 0, n;
	char		*p;

	if (w->olen == 0)
		return 0;
	if (c->outlen == 0)
		while (off < w->olen && (rc = hconn_send(c, w->obuf + off,
		    w->olen - off, &n)) == TLS_IO_OK)
			off += n;
	if (rc == TLS_IO_ERR || rc == TLS_IO_EOF) {
		w->olen = 0;
		c->failed = 1;
		return -1;
	}
	if (off < w->olen) {
		if ((p = realloc(c->out, c->outlen + w->olen - off)) == NULL) {
			w->olen = 0;
			c->failed = 1;
			return -1;
		}
		memcpy(p + c->outlen, w->obuf + off, w->olen - off);
		c->out = p;
		c->outlen += w->olen - off;
	}
	w->olen = 0;
	return 0;
}

/* Room for n more bytes of answers in the worker's buffer. */
static int
hworker_reserve(struct hworker *w, size_t n)
{
	size_t	cap = w->ocap ? w->ocap : 16384;
	char	*p;

	if (w->olen + n <= w->ocap)
		return 0;
	while (cap < w->olen + n)
		cap *= 2;
	if ((p = realloc(w->obuf, cap)) == NULL)
		return -1;
	w->obuf = p;
	w->ocap = cap;
	return 0;
}

/*
 * Answers the complete heads at the start of buf, in order, and returns
 * the bytes they took. Stops early when the connection closes after an
 * answer, or when answers pile up faster than the client takes them.
 */
static size_t
hconn_heads(struct hconn *c, const char *buf, size_t len)
{
	struct http_req	 req;
	enum http_parse	 rc;
	size_t		 off = 0, n, used;

	while (off < len && (c->state == HC_IDLE || c->state == HC_HEAD)) {
		if (c->outlen > 0)
			break;		/* the client is not reading */
		n = len - off;
		if (n > HTTP_HEAD_MAX)
			n = HTTP_HEAD_MAX;
		if ((rc = http_parse_head(buf + off, n, &req, &used)) ==
		    HTTP_MORE)
			break;
		off += rc == HTTP_DONE ? used : n;
		hconn_answer(c, &req);
		if (c->failed || (c->w->olen >= HTTP_OBUF_FLUSH &&
		    hconn_push(c) == -1))
			return len;
	}
	return off;
}

/*
 * Reads what the client sent, answers every complete head and sends the
 * answers. Bytes of an unfinished head wait in the connection (at most
 * one buffer's worth: a head is never longer than HTTP_HEAD_MAX).
 */
static void
hconn_read(struct hconn *c)
{
	struct hworker	*w = c->w;
	enum tls_io	 rc;
	size_t		 len, got, used;

again:
	len = c->inlen;
	if (len > 0) {
		memcpy(w->rbuf, c->in, len);
		free(c->in);
		c->in = NULL;
		c->inlen = 0;
	}
	rc = c->peer_eof ? TLS_IO_EOF : TLS_IO_OK;
	got = 0;
	if (len < sizeof(w->rbuf) && !c->peer_eof) {
		rc = hconn_recv(c, w->rbuf + len, sizeof(w->rbuf) - len, &got);
		len += got;
	}
	used = hconn_heads(c, w->rbuf, len);
	/* A full buffer always holds a head or a refusal; never wait on. */
	if (used == 0 && len == sizeof(w->rbuf))
		c->failed = 1;
	if (used < len && c->state != HC_CLOSING) {
		if ((c->in = malloc(len - used)) == NULL)
			c->failed = 1;
		else {
			memcpy(c->in, w->rbuf + used, len - used);
			c->inlen = len - used;
		}
		/* The first bytes of a head start its deadline. */
		if (c->state == HC_IDLE) {
			c->state = HC_HEAD;
			hconn_arm(c, skkd->conf.http_header_timeout);
		}
	}
	if (c->failed || hconn_push(c) == -1 || rc == TLS_IO_ERR) {
		hconn_close(c);
		return;
	}
	if (rc == TLS_IO_EOF) {
		/*
		 * A client that half-closes after its requests still gets
		 * every answer: those waiting to be sent, then those to
		 * requests still unread behind them (hconn_run comes back
		 * here after each flush). Nothing waits: all is answered.
		 */
		c->peer_eof = 1;
		if (c->outlen == 0) {
			hconn_close(c);
			return;
		}
	}
	if (c->outlen > 0 || rc == TLS_IO_WANT_WRITE) {
		hconn_watch(c, 1);
		return;
	}
	if (c->state == HC_CLOSING) {
		hconn_close(c);
		return;
	}
	hconn_watch(c, 0);
	/* Records OpenSSL already holds raise no event: take them now. */
	if (got > 0 && c->ssl != NULL && tls_pending(c->ssl))
		goto again;
}

/*
 * Everything a connection can do now: finish its handshake, send what
 * waits, then read and answer. Called whenever its socket is ready.
 */
static void
hconn_run(struct hconn *c)
{
	enum tls_io	rc;

	if (c->state == HC_HANDSHAKE) {
		if ((rc = hconn_tls(c, tls_handshake(c->ssl))) != TLS_IO_OK) {
			if (rc == TLS_IO_WANT_READ || rc == TLS_IO_WANT_WRITE) {
				hconn_watch(c, rc == TLS_IO_WANT_WRITE);
				return;
			}
			metrics_handshake(0);
			hconn_close(c);
			return;
		}
		metrics_handshake(1);
		c->state = HC_IDLE;
		hconn_arm(c, skkd->conf.http_idle_timeout);
	}
	if (c->outlen > 0) {
		if ((rc = hconn_flush(c)) == TLS_IO_WANT_WRITE ||
		    (rc == TLS_IO_WANT_READ && !c->peer_eof)) {
			hconn_watch(c, rc == TLS_IO_WANT_WRITE);
			return;
		}
		if (rc != TLS_IO_OK || c->state == HC_CLOSING) {
			hconn_close(c);
			return;
		}
	}
	hconn_read(c);
}

static void
hconn_io_cb(evutil_socket_t fd, short ev, void *arg)
{
	hconn_run(arg);
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

static char *
hconn_cpy(char *p, const char *s)
{
	size_t	n = strlen(s);

	memcpy(p, s, n);
	return p + n;
}

/*
 * The head of an answer, into the worker's buffer; -1 out of memory.
 * Copied piece by piece rather than formatted: it is on every answer's
 * path and only its status and length vary.
 */
static int
hconn_headers(struct hconn *c, const struct web_resp *r, size_t bodylen,
    int keep)
{
	struct hworker	*w = c->w;
	const char	*cache = r->cache ? r->cache : "no-store";
	const char	*csp = r->csp ? r->csp : web_csp();
	char		 num[48], *p;
	size_t		 need;

	need = 512 + WEB_ETAG_MAX + strlen(r->ctype) + strlen(cache) +
	    strlen(csp) + (r->allow ? strlen(r->allow) : 0) +
	    (r->location ? strlen(r->location) : 0);
	if (hworker_reserve(w, need) == -1)
		return -1;
	p = w->obuf + w->olen;
	snprintf(num, sizeof(num), "HTTP/1.1 %d ", r->status);
	p = hconn_cpy(p, num);
	p = hconn_cpy(p, http_status_text(r->status));
	p = hconn_cpy(p, "\r\nDate: ");
	p = hconn_cpy(p, hconn_date());
	p = hconn_cpy(p, "\r\nContent-Type: ");
	p = hconn_cpy(p, r->ctype);
	/* A 304's length would be the 200's, which it does not carry. */
	if (r->status != 304) {
		snprintf(num, sizeof(num), "\r\nContent-Length: %zu",
		    bodylen);
		p = hconn_cpy(p, num);
	}
	p = hconn_cpy(p, "\r\nCache-Control: ");
	p = hconn_cpy(p, cache);
	p = hconn_cpy(p, keep ? "\r\nConnection: keep-alive\r\n" :
	    "\r\nConnection: close\r\n");
	if (c->kind == HL_HTTPS)
		p = hconn_cpy(p,
		    "Strict-Transport-Security: max-age=31536000\r\n");
	p = hconn_cpy(p, "Content-Security-Policy: ");
	p = hconn_cpy(p, csp);
	p = hconn_cpy(p, "\r\nX-Content-Type-Options: nosniff\r\n"
	    "Referrer-Policy: no-referrer\r\nX-Frame-Options: DENY\r\n");
	if (r->cors)
		p = hconn_cpy(p, "Access-Control-Allow-Origin: *\r\n");
	if (r->etag[0] != '\0') {
		p = hconn_cpy(p, "ETag: ");
		p = hconn_cpy(p, r->etag);
		p = hconn_cpy(p, "\r\n");
	}
	if (r->location != NULL) {
		p = hconn_cpy(p, "Location: ");
		p = hconn_cpy(p, r->location);
		p = hconn_cpy(p, "\r\n");
	}
	if (r->allow != NULL) {
		p = hconn_cpy(p, "Allow: ");
		p = hconn_cpy(p, r->allow);
		p = hconn_cpy(p, "\r\n");
	} else if (r->retry_after) {
		snprintf(num, sizeof(num), "Retry-After: %u\r\n",
		    r->retry_after);
		p = hconn_cpy(p, num);
	}
	p = hconn_cpy(p, "\r\n");
	w->olen = (size_t)(p - w->obuf);
	return 0;
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
	if (r->status == 200 && r->etag[0] != '\0' && req->inm[0] != '\0' &&
	    http_etag_match(req->inm, r->etag)) {
		r->status = 304;
		evbuffer_drain(r->body, evbuffer_get_length(r->body));
	}
}

/* One answer, appended to the worker's buffer. */
static void
hconn_answer(struct hconn *c, const struct http_req *req)
{
	struct hworker	*w = c->w;
	struct web_resp	 r;
	uint64_t	 t0 = httpd_usec();
	size_t		 len, olen0 = w->olen;
	int		 keep;

	memset(&r, 0, sizeof(r));
	r.verdict = -1;
	r.ep = MEP_HTTP_OTHER;
	r.body = w->body;
	c->nreq++;
	hconn_route(c, req, &r);
	/* A client told to slow down is also told to reconnect later. */
	keep = req->status == 0 && r.status != 429 && req->keep_alive &&
	    c->nreq < skkd->conf.http_max_requests;
	len = evbuffer_get_length(w->body);
	if (hconn_headers(c, &r, len, keep) == -1 ||
	    (req->method != HTTP_HEAD && (hworker_reserve(w, len) == -1 ||
	    evbuffer_remove(w->body, w->obuf + w->olen, len) != (int)len))) {
		/* Out of memory: nothing more can be said on this one. */
		evbuffer_drain(w->body, evbuffer_get_length(w->body));
		w->olen = olen0;
		c->failed = 1;
		return;
	}
	if (req->method != HTTP_HEAD)
		w->olen += len;
	evbuffer_drain(w->body, evbuffer_get_length(w->body));
	metrics_request(r.ep, r.verdict, httpd_usec() - t0);
	if (keep) {
		c->state = HC_IDLE;
		hconn_arm(c, skkd->conf.http_idle_timeout);
	} else {
		c->state = HC_CLOSING;
		/* A slow reader still gets the idle deadline to take it. */
		hconn_arm(c, skkd->conf.http_idle_timeout);
	}
}
