/* skkd — SPDX-License-Identifier: ISC */
/*
 * The companion port: TLS connections on the worker pool's loops
 * (libevent with bufferevent_openssl). A connection reads length-prefixed
 * frames, hands decoded requests to the port's handlers, and writes
 * answers; write requests make a round trip through the writer thread and
 * come back through the worker's wake event. Deadlines are absolute: the
 * handshake must finish within handshake_timeout, and a complete request
 * must arrive within idle_timeout of the previous one, however the bytes
 * trickle in.
 */

#include <sys/socket.h>
#include <sys/types.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>

#include "conn.h"
#include "log.h"
#include "metrics.h"
#include "peers.h"
#include "pool.h"
#include "rate.h"
#include "skkd.h"
#include "store.h"

#define CONN_MAX_INFLIGHT	64		/* write jobs per connection */
#define CONN_OUT_HIGH		(4u << 20)	/* stop reading above this */
#define CONN_FRAMES_PER_TURN	8		/* then let other connections run */
#define CONN_CLOSE_GRACE	5		/* seconds to flush a last answer */
#define REFUSED_WARN_EVERY	10		/* seconds between warnings */
#define CONN_BIG_INPUT		(1u << 20)	/* its buffers are worth a trim */
#define TRIM_DELAY_USEC		200000		/* batch the trims of a crowd */

enum conn_state {
	CONN_HANDSHAKE,		/* TLS handshake, under its absolute deadline */
	CONN_HELLO,		/* waiting for the client's HELLO */
	CONN_READY,		/* requests flow, pipelined */
	CONN_CLOSING,		/* flushing a last answer; reads are off */
	CONN_CLOSED		/* socket gone; memory kept for pending jobs */
};

/* The port's share of one worker loop. */
struct worker {
	struct conn_port	*port;
	struct event_base	*base;
	struct event		*wake;		/* writer results arrived */
	struct event		*trim;		/* give freed buffers back */
	time_t			 warned_addr;	/* last per-address refusal */
	pthread_mutex_t		 mtx;
	TAILQ_HEAD(, djob)	 done;		/* guarded by mtx */
	struct store_rd		*rd;
	TAILQ_HEAD(, conn)	 conns;
};

struct conn {
	struct worker		*w;
	struct bufferevent	*bev;
	SSL			*ssl;
	enum conn_state		 state;
	struct event		*timer;		/* handshake/idle/close deadline */
	struct event		*more;		/* frames left for the next turn */
	unsigned		 refs;		/* 1 while open + 1 per job */
	unsigned		 inflight;
	int			 big;		/* held a large input buffer */
	struct event		*slice;		/* conn_yield: the next turn */
	TAILQ_HEAD(, conn_turn)	 turns;		/* waiting, in order */
	char			 addr[64];
	uint8_t			 key[RATE_KEY_LEN];	/* rate.c's */
	int			 kept;		/* conn_keep_request */
	void			*stage;		/* stage.c: a batch being staged */
	void			(*stage_free)(void *);
	unsigned		 version;	/* of the HELLO; 0 before */
	TAILQ_ENTRY(conn)	 entry;
};

struct conn_port {
	struct pool		*pool;
	struct conn_handlers	 h;
	int			 fd;
	int			 set;		/* the pool's listening set */
	unsigned		 nworkers;
	struct worker		*workers;
	atomic_uint		 inflight;	/* jobs at the writer */
	struct peers		*peers;		/* connections per address */
};

void
conn_set_version(struct conn *c, unsigned v)
{
	c->version = v;
}

unsigned
conn_version(const struct conn *c)
{
	return c->version;
}

static void	conn_read_cb(struct bufferevent *, void *);
static void	conn_read_frames(struct conn *, struct bufferevent *);
static void	conn_write_cb(struct bufferevent *, void *);
static void	conn_event_cb(struct bufferevent *, short, void *);
static void	conn_timer_cb(evutil_socket_t, short, void *);
static void	conn_drain_wiped(struct evbuffer *, size_t);
static void	conn_more_cb(evutil_socket_t, short, void *);
static void	conn_close(struct conn *);
static void	conn_unref(struct conn *);
static void	conn_arm(struct conn *, unsigned);
static void	conn_flow(struct conn *);
static void	worker_wake_cb(evutil_socket_t, short, void *);
static void	conn_accept(void *, unsigned, unsigned, int,
		    struct sockaddr *, int);
static void	worker_refused_addr(struct worker *, const struct sockaddr *);
static void	worker_trim_cb(evutil_socket_t, short, void *);
static void	conn_slice_cb(evutil_socket_t, short, void *);
static void	job_done_cb(struct wjob *);

/* The port. */

static int
worker_init(struct worker *w, struct conn_port *port, unsigned i,
    char *err, size_t errlen)
{
	w->port = port;
	w->base = pool_base(port->pool, i);
	w->rd = pool_reader(port->pool, i);
	TAILQ_INIT(&w->done);
	TAILQ_INIT(&w->conns);
	pthread_mutex_init(&w->mtx, NULL);
	if ((w->wake = event_new(w->base, -1, 0, worker_wake_cb, w)) == NULL ||
	    (w->trim = evtimer_new(w->base, worker_trim_cb, w)) == NULL) {
		snprintf(err, errlen, "cannot set up a worker: %s",
		    strerror(errno));
		return -1;
	}
	return 0;
}

struct conn_port *
conn_port_new(struct pool *pool, const struct conn_handlers *h, char *err,
    size_t errlen)
{
	struct conn_port	*port;
	unsigned		 i;

	if ((port = calloc(1, sizeof(*port))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	port->pool = pool;
	port->h = *h;
	port->nworkers = pool_nworkers(pool);
	port->fd = -1;
	if ((port->peers = peers_new(skkd->conf.max_connections)) == NULL ||
	    (port->workers = calloc(port->nworkers,
	    sizeof(*port->workers))) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if ((port->fd = pool_bind(skkd->conf.listen, err, errlen)) == -1)
		goto fail;
	for (i = 0; i < port->nworkers; i++)
		if (worker_init(&port->workers[i], port, i, err, errlen) == -1)
			goto fail;
	if ((port->set = pool_listen(pool, "accept", &port->fd, 1,
	    conn_accept, port, err, errlen)) == -1)
		goto fail;
	return port;
fail:
	conn_port_free(port);
	return NULL;
}

static void
worker_release(struct worker *w)
{
	struct conn	*c;

	if (w->port == NULL)
		return;		/* never set up */
	while ((c = TAILQ_FIRST(&w->conns)) != NULL)
		conn_close(c);
	/* The writer has stopped: finish what came back (nobody to answer). */
	worker_wake_cb(-1, 0, w);
	if (w->wake != NULL)
		event_free(w->wake);
	if (w->trim != NULL)
		event_free(w->trim);
	w->trim = NULL;
	pthread_mutex_destroy(&w->mtx);
}

void
conn_port_free(struct conn_port *port)
{
	unsigned	i;

	if (port == NULL)
		return;
	for (i = 0; port->workers != NULL && i < port->nworkers; i++)
		worker_release(&port->workers[i]);
	free(port->workers);
	if (port->fd != -1)
		close(port->fd);
	peers_free(port->peers);
	free(port);
}

/* Accepting. */

static void
conn_format_addr(const struct sockaddr *sa, char *out, size_t len)
{
	const struct sockaddr_in	*sin = (const void *)sa;
	const struct sockaddr_in6	*sin6 = (const void *)sa;
	char				 host[INET6_ADDRSTRLEN];

	if (sa->sa_family == AF_INET6) {
		inet_ntop(AF_INET6, &sin6->sin6_addr, host, sizeof(host));
		snprintf(out, len, "[%s]:%u", host, ntohs(sin6->sin6_port));
	} else if (sa->sa_family == AF_INET) {
		inet_ntop(AF_INET, &sin->sin_addr, host, sizeof(host));
		snprintf(out, len, "%s:%u", host, ntohs(sin->sin_port));
	} else
		snprintf(out, len, "?");
}

static void
conn_accept(void *arg, unsigned i, unsigned which, int fd,
    struct sockaddr *sa, int salen)
{
	struct worker	*w = &((struct conn_port *)arg)->workers[i];
	struct conn	*c;
	uint8_t		 key[PEERS_KEY_LEN];
	int		 on = 1;

	if (atomic_fetch_add(&skkd->stats.connections, 1) >=
	    skkd->conf.max_connections) {
		atomic_fetch_sub(&skkd->stats.connections, 1);
		atomic_fetch_add(&skkd->stats.refused, 1);
		close(fd);
		return;
	}
	/* Before any TLS work: a crowd from one address costs a close. */
	rate_addr_key(sa, key);
	if (peers_take(w->port->peers, key,
	    skkd->conf.max_connections_per_address) == -1) {
		atomic_fetch_sub(&skkd->stats.connections, 1);
		atomic_fetch_add(&skkd->stats.refused_addr, 1);
		close(fd);
		worker_refused_addr(w, sa);
		return;
	}
	atomic_fetch_add(&skkd->stats.accepted, 1);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	if ((c = calloc(1, sizeof(*c))) == NULL)
		goto fail;
	memcpy(c->key, key, sizeof(key));
	c->w = w;
	c->refs = 1;
	TAILQ_INIT(&c->turns);
	c->state = CONN_HANDSHAKE;
	conn_format_addr(sa, c->addr, sizeof(c->addr));
	/* SIGHUP may swap the context; old ones live until exit. */
	if ((c->ssl = tls_accept(__atomic_load_n(&skkd->ssl_ctx,
	    __ATOMIC_ACQUIRE), -1)) == NULL)
		goto fail;
	c->bev = bufferevent_openssl_socket_new(w->base, fd, c->ssl,
	    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE |
	    BEV_OPT_DEFER_CALLBACKS);
	if (c->bev == NULL)
		goto fail;
	bufferevent_openssl_set_allow_dirty_shutdown(c->bev, 1);
	if ((c->timer = evtimer_new(w->base, conn_timer_cb, c)) == NULL ||
	    (c->more = event_new(w->base, -1, 0, conn_more_cb, c)) == NULL ||
	    (c->slice = evtimer_new(w->base, conn_slice_cb, c)) == NULL ||
	    event_priority_set(c->slice, POOL_PRIO_SLICE) == -1) {
		if (c->timer != NULL)
			event_free(c->timer);
		if (c->more != NULL)
			event_free(c->more);
		if (c->slice != NULL)
			event_free(c->slice);
		bufferevent_free(c->bev);
		free(c);
		peers_put(w->port->peers, key);
		atomic_fetch_sub(&skkd->stats.connections, 1);
		return;
	}
	TAILQ_INSERT_TAIL(&w->conns, c, entry);
	bufferevent_setcb(c->bev, conn_read_cb, conn_write_cb, conn_event_cb, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	conn_arm(c, skkd->conf.handshake_timeout);
	return;
fail:
	log_warnx("%s: cannot set up a connection", c ? c->addr : "?");
	if (c != NULL)
		tls_close(c->ssl, 0);
	free(c);
	close(fd);
	peers_put(w->port->peers, key);
	atomic_fetch_sub(&skkd->stats.connections, 1);
}

/* Says, at most every REFUSED_WARN_EVERY seconds, who is being refused. */
static void
worker_refused_addr(struct worker *w, const struct sockaddr *sa)
{
	time_t	now = time(NULL);
	char	addr[64];

	if (now - w->warned_addr < REFUSED_WARN_EVERY)
		return;
	w->warned_addr = now;
	conn_format_addr(sa, addr, sizeof(addr));
	log_info("%s: refused: max_connections_per_address (%u) reached",
	    addr, skkd->conf.max_connections_per_address);
}

/* A connection that held megabytes has gone: return them to the system. */
static void
worker_trim_cb(evutil_socket_t fd, short ev, void *arg)
{
	malloc_trim(0);
}

/* Connections. */

static void
conn_arm(struct conn *c, unsigned seconds)
{
	struct timeval	tv = { seconds, 0 };

	evtimer_add(c->timer, &tv);
}

static void
conn_timer_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct conn	*c = arg;

	switch (c->state) {
	case CONN_HANDSHAKE:
		metrics_handshake(0);
		log_debug("%s: handshake deadline passed", c->addr);
		break;
	case CONN_HELLO:
		log_debug("%s: HELLO deadline passed", c->addr);
		break;
	case CONN_READY:
		if (c->inflight > 0 || !TAILQ_EMPTY(&c->turns)) {
			/* A commit is on its way: wait for it. */
			conn_arm(c, 1);
			return;
		}
		log_debug("%s: idle deadline passed", c->addr);
		break;
	default:
		break;
	}
	conn_close(c);
}

static void
conn_event_cb(struct bufferevent *bev, short events, void *arg)
{
	struct conn	*c = arg;
	unsigned long	 e;
	char		 buf[160];

	if (events & BEV_EVENT_CONNECTED) {
		metrics_handshake(1);
		c->state = CONN_HELLO;
		/* HELLO comes first and at once; idle_timeout if shorter. */
		conn_arm(c, skkd->conf.hello_timeout < skkd->conf.idle_timeout ?
		    skkd->conf.hello_timeout : skkd->conf.idle_timeout);
		return;
	}
	if (c->state == CONN_HANDSHAKE)
		metrics_handshake(0);
	if (events & BEV_EVENT_ERROR) {
		/* Only OpenSSL's own reasons; a bare socket error has none. */
		while ((e = bufferevent_get_openssl_error(bev)) != 0)
			if (tls_error_text(e, buf, sizeof(buf)) == 0)
				log_info("%s: TLS error: %s", c->addr, buf);
	}
	conn_close(c);
}

/* Processes every complete frame in the input buffer. */
static void
conn_read_cb(struct bufferevent *bev, void *arg)
{
	struct conn	*c = arg;

	c->refs++;	/* a handler may close the connection */
	conn_read_frames(c, bev);
	conn_unref(c);
}

/*
 * The length of the frame whose header is hdr, within the limit of this
 * peer: max_frame, or WIRE_ANON_FRAME_MAX without a client certificate
 * (the role is asked only of a frame longer than that). -1 when the
 * connection has been failed.
 */
static int
conn_frame_len(struct conn *c, const uint8_t hdr[WIRE_HDR_LEN],
    uint32_t *len)
{
	struct tls_peer	 p;
	size_t		 max = skkd->conf.max_frame;
	int		 anon = 0;
	char		 err[200];

	*len = (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 |
	    (uint32_t)hdr[2] << 8 | hdr[3];
	if (*len > WIRE_ANON_FRAME_MAX && max > WIRE_ANON_FRAME_MAX) {
		conn_peer(c, &p);
		if ((anon = p.role == ROLE_NONE))
			max = WIRE_ANON_FRAME_MAX;
	}
	if (*len != 0 && *len <= max)
		return 0;
	atomic_fetch_add(&skkd->stats.bad_frames, 1);
	if (*len == 0) {
		conn_fail(c, WERR_MALFORMED, "empty frame (length 0)");
		return -1;
	}
	snprintf(err, sizeof(err), "frame length %u refused (limit %zu bytes%s)",
	    (unsigned)*len, max, anon ? " without a client certificate" : "");
	conn_fail(c, WERR_TOO_BIG, err);
	return -1;
}

static void
conn_read_frames(struct conn *c, struct bufferevent *bev)
{
	struct evbuffer	*in = bufferevent_get_input(bev);
	struct wire_msg	*msg;
	uint8_t		 hdr[WIRE_HDR_LEN];
	uint32_t	 len;
	char		 err[160];
	unsigned	 turn = 0;

	while (c->state == CONN_HELLO || c->state == CONN_READY) {
		/* Take turns with the loop's other connections. */
		if (turn++ == CONN_FRAMES_PER_TURN) {
			event_active(c->more, EV_READ, 0);
			return;
		}
		/* A request answered in slices holds the next ones back. */
		if (!TAILQ_EMPTY(&c->turns) ||
		    c->inflight >= CONN_MAX_INFLIGHT ||
		    evbuffer_get_length(bufferevent_get_output(bev)) >
		    CONN_OUT_HIGH) {
			bufferevent_disable(bev, EV_READ);
			return;
		}
		if (evbuffer_copyout(in, hdr, sizeof(hdr)) < (ssize_t)sizeof(hdr))
			return;
		if (conn_frame_len(c, hdr, &len) == -1)
			return;
		if (len >= CONN_BIG_INPUT)
			c->big = 1;
		if (evbuffer_get_length(in) < WIRE_HDR_LEN + (size_t)len)
			return;
		evbuffer_drain(in, WIRE_HDR_LEN);
		msg = wire_decode(evbuffer_pullup(in, len), len, err,
		    sizeof(err));
		conn_drain_wiped(in, len);
		if (msg == NULL) {
			atomic_fetch_add(&skkd->stats.bad_frames, 1);
			conn_fail(c, WERR_MALFORMED, err);
			return;
		}
		conn_arm(c, skkd->conf.idle_timeout);
		atomic_fetch_add(&skkd->stats.requests, 1);
		if (c->state == CONN_HELLO) {
			if (c->w->port->h.hello(c, msg) == 0)
				c->state = CONN_READY;
		} else
			c->w->port->h.request(c, msg);
	}
}

/*
 * Drains a frame after wiping its bytes: a chain that stays in use keeps
 * drained bytes until they are overwritten, and frames carry NIKs.
 */
static void
conn_drain_wiped(struct evbuffer *in, size_t len)
{
	struct evbuffer_iovec	 v[8];
	int			 i, n;

	while (len > 0 && (n = evbuffer_peek(in, (ev_ssize_t)len, NULL, v,
	    8)) > 0) {
		for (i = 0; i < n && i < 8 && len > 0; i++) {
			if (v[i].iov_len > len)
				v[i].iov_len = len;
			explicit_bzero(v[i].iov_base, v[i].iov_len);
			evbuffer_drain(in, v[i].iov_len);
			len -= v[i].iov_len;
		}
	}
	evbuffer_drain(in, len);
}

static void
conn_more_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct conn	*c = arg;

	conn_read_cb(c->bev, c);
}

static void
conn_write_cb(struct bufferevent *bev, void *arg)
{
	struct conn	*c = arg;

	if (c->state == CONN_CLOSING) {
		if (evbuffer_get_length(bufferevent_get_output(bev)) == 0)
			conn_close(c);
		return;
	}
	conn_flow(c);
}

/* Resumes reading once the reasons to pause have gone. */
static void
conn_flow(struct conn *c)
{
	if (c->state != CONN_HELLO && c->state != CONN_READY)
		return;
	if (!TAILQ_EMPTY(&c->turns) || c->inflight >= CONN_MAX_INFLIGHT ||
	    evbuffer_get_length(bufferevent_get_output(c->bev)) > CONN_OUT_HIGH)
		return;
	if (!(bufferevent_get_enabled(c->bev) & EV_READ)) {
		bufferevent_enable(c->bev, EV_READ);
		/* Frames may already be buffered: read them next turn. */
		event_active(c->more, EV_READ, 0);
	}
}

/* The one close path. */
static void
conn_close(struct conn *c)
{
	if (c->state == CONN_CLOSED)
		return;
	c->state = CONN_CLOSED;
	TAILQ_REMOVE(&c->w->conns, c, entry);
	peers_put(c->w->port->peers, c->key);
	event_free(c->timer);
	c->timer = NULL;
	event_free(c->more);
	c->more = NULL;
	bufferevent_free(c->bev);	/* frees the SSL and closes the socket */
	c->bev = NULL;
	c->ssl = NULL;
	if (c->stage != NULL && c->stage_free != NULL)
		c->stage_free(c->stage);
	c->stage = NULL;
	atomic_fetch_sub(&skkd->stats.connections, 1);
	/*
	 * The megabytes a large frame took are free now but stay in this
	 * thread's malloc arena; trim soon, once for a whole crowd.
	 */
	if (c->big && c->w->trim != NULL &&
	    !evtimer_pending(c->w->trim, NULL)) {
		struct timeval	tv = { 0, TRIM_DELAY_USEC };

		evtimer_add(c->w->trim, &tv);
	}
	conn_unref(c);
}

static void
conn_unref(struct conn *c)
{
	if (--c->refs > 0)
		return;
	/* A pending slice holds a reference: it has run by now. */
	if (c->slice != NULL)
		event_free(c->slice);
	free(c);
}

/* Slices: long requests share the loop with every other connection. */

/* A zero timeout runs after the loop has polled for I/O again. */
static const struct timeval	conn_turn_tv = { 0, 0 };

void
conn_yield(struct conn *c, struct conn_turn *t,
    void (*fn)(struct conn *, void *), void *arg)
{
	t->fn = fn;
	t->arg = arg;
	TAILQ_INSERT_TAIL(&c->turns, t, entry);
	c->refs++;		/* one a turn */
	evtimer_add(c->slice, &conn_turn_tv);
}

static void
conn_slice_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct conn		*c = arg;
	struct conn_turn	*t;

	if ((t = TAILQ_FIRST(&c->turns)) == NULL)
		return;
	TAILQ_REMOVE(&c->turns, t, entry);
	t->fn(c, t->arg);	/* may free t, or yield it again */
	if (!TAILQ_EMPTY(&c->turns))
		evtimer_add(c->slice, &conn_turn_tv);
	else if (conn_alive(c)) {
		if (!(bufferevent_get_enabled(c->bev) & EV_READ))
			conn_flow(c);
		else
			event_active(c->more, EV_READ, 0);	/* held back */
	}
	conn_unref(c);
}

int
conn_alive(const struct conn *c)
{
	return c->state == CONN_HELLO || c->state == CONN_READY;
}

void
conn_fail(struct conn *c, enum wire_err code, const char *why)
{
	if (!conn_alive(c))
		return;
	log_info("%s: closing: %s", c->addr, why);
	conn_reply_error(c, 0, code, "%s", why);
	c->state = CONN_CLOSING;
	bufferevent_disable(c->bev, EV_READ);
	conn_arm(c, CONN_CLOSE_GRACE);
	if (evbuffer_get_length(bufferevent_get_output(c->bev)) == 0)
		conn_close(c);
}

void
conn_reply(struct conn *c, struct wire_msg *msg)
{
	uint8_t	*buf;
	size_t	 len;

	if (c->bev != NULL && c->state != CONN_CLOSED &&
	    wire_encode(msg, &buf, &len) == 0) {
		bufferevent_write(c->bev, buf, len);
		free(buf);
	}
	wire_msg_free(msg);
}

void
conn_reply_error(struct conn *c, uint64_t id, enum wire_err code,
    const char *fmt, ...)
{
	struct wire_msg	*m;
	va_list		 ap;
	char		 text[512];

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if ((m = wire_msg_new(WIRE_ERROR, id)) == NULL)
		return;
	if (wire_put_uint(m, WK_ERR, code) == -1 ||
	    wire_put_str(m, WK_ERRMSG, text) == -1) {
		wire_msg_free(m);
		return;
	}
	conn_reply(c, m);
}

void
conn_peer(struct conn *c, struct tls_peer *p)
{
	tls_peer_get(c->ssl, p);
}

struct store_rd *
conn_reader(struct conn *c)
{
	return c->w->rd;
}

const uint8_t *
conn_addr_key(const struct conn *c)
{
	return c->key;
}

void *
conn_stage(struct conn *c)
{
	return c->stage;
}

struct wire_msg *
conn_keep_request(struct conn *c, const struct wire_msg *msg)
{
	c->kept = 1;
	return (struct wire_msg *)msg;
}

int
conn_request_kept(struct conn *c)
{
	int	kept = c->kept;

	c->kept = 0;
	return kept;
}

void
conn_set_stage(struct conn *c, void *stage, void (*stage_free)(void *))
{
	c->stage = stage;
	c->stage_free = stage_free;
}

/* Writer round trips. */

void
conn_submit(struct conn *c, struct djob *j)
{
	j->conn = c;
	j->wj.done = job_done_cb;
	j->wj.arg = j;
	c->refs++;
	c->inflight++;
	atomic_fetch_add(&c->w->port->inflight, 1);
	writer_submit(skkd->writer, &j->wj);
}

/* On the writer thread: hand the job back to its loop. */
static void
job_done_cb(struct wjob *wj)
{
	struct djob	*j = wj->arg;
	struct worker	*w = j->conn->w;

	pthread_mutex_lock(&w->mtx);
	TAILQ_INSERT_TAIL(&w->done, j, entry);
	pthread_mutex_unlock(&w->mtx);
	event_active(w->wake, EV_READ, 0);
}

static void
worker_wake_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct worker		*w = arg;
	TAILQ_HEAD(, djob)	 q;
	struct djob		*j;
	struct conn		*c;

	TAILQ_INIT(&q);
	pthread_mutex_lock(&w->mtx);
	TAILQ_CONCAT(&q, &w->done, entry);
	pthread_mutex_unlock(&w->mtx);
	while ((j = TAILQ_FIRST(&q)) != NULL) {
		TAILQ_REMOVE(&q, j, entry);
		c = j->conn;
		c->inflight--;
		j->finish(j);	/* answers if alive, frees j */
		conn_flow(c);
		conn_unref(c);
		atomic_fetch_sub(&w->port->inflight, 1);
	}
}

int
conn_port_drain(struct conn_port *port, unsigned timeout)
{
	struct timespec	pause = { 0, 20 * 1000 * 1000 };
	unsigned	i, n = timeout * 50;

	pool_close_set(port->pool, port->set);
	for (i = 0; i < n && atomic_load(&port->inflight) != 0; i++)
		nanosleep(&pause, NULL);
	if (atomic_load(&port->inflight) != 0)
		return -1;
	/*
	 * Clients hang up once answered: give the last answers up to 2 s
	 * to be read, but do not wait on idle connections longer.
	 */
	for (i = 0; i < 100 && atomic_load(&skkd->stats.connections) != 0; i++)
		nanosleep(&pause, NULL);
	return 0;
}
