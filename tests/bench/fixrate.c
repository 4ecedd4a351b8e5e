/* skkd — SPDX-License-Identifier: ISC */
/*
 * Benchmark client: an open-loop HTTPS load generator, for latency at a
 * fixed rate (tests/bench/nginx.sh). Request i is due at t0 + i / RATE
 * whether or not the server has answered the ones before, as phones
 * arrive on their own; its latency runs from that due time to the last
 * byte of its answer. A closed-loop tool (wrk, ab) waits for an answer
 * before sending the next request, so a slow server also slows the
 * requests that would have met the stall and the tail is understated
 * ("coordinated omission"); here a request that cannot start on time
 * (the generator behind, or at its connection cap) still counts from its
 * due time, and the lag between due and sent is reported apart, to show
 * whether the generator kept up.
 *
 * A share of the requests (-n, 0.8) opens a new TCP connection with a
 * full TLS 1.3 handshake (sessions are never offered, so never resumed)
 * and asks with "Connection: close"; the rest go over a small pool of
 * keep-alive connections, a new one opened when none is idle. Each
 * request asks for PREFIX plus a line picked at random from FILE (a
 * certificate number with dashes), or for the fixed path -u after the
 * same pick, so both servers face a client doing the same work. The
 * server's certificate is not checked unless -C names a CA file.
 *
 * Every latency of the measured window (after -w seconds of warm-up,
 * for -d seconds; -d 0 until SIGINT or SIGTERM) is kept and sorted:
 * percentiles are exact. One thread on epoll, non-blocking OpenSSL.
 *
 * Usage: fixrate -r RATE [-d SECS] [-w SECS] [-n NEW] [-k POOL]
 *	[-c MAXCONN] [-f FILE] [-p PREFIX] [-u PATH] [-C CAFILE] [-T TRACE]
 *	HOST PORT
 * Prints one line: rate R completed N errors E non2xx X p50 A p99 B
 * p99.9 C max D (ms) lag_p99 L lag_max M (ms) cpu P% resumed S new F;
 * cpu is this process's own CPU time over the window (100% = one core).
 * Writes "measuring" to stderr when the window opens. -T writes each
 * measured answer's due time (s, on the monotonic clock), latency (ms)
 * and whether it came over keep-alive to TRACE, to see when a tail grew.
 */

#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/timerfd.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <err.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#define FR_GRACE	10.0	/* seconds to wait for late answers */
#define FR_HEAD_MAX	8192	/* bytes of answer head kept */
#define FR_SPARE	1024	/* SSL objects kept for new connections */
/*
 * Events handled between two looks at the clock. A handshake's step
 * costs the client about half a millisecond of CPU, so a burst of them
 * would hold back requests falling due meanwhile; few per batch keep the
 * generator's own lag near one step.
 */
#define FR_BATCH	4

/* One connection's state; at most one request on it at a time. */
enum conn_state {
	CONN_CONNECT,	/* TCP connect under way */
	CONN_HANDSHAKE,	/* TLS handshake under way */
	CONN_WRITE,	/* the request going out */
	CONN_READ,	/* its answer coming in */
	CONN_IDLE,	/* keep-alive, waiting in the pool */
	CONN_DRAIN	/* answered; waiting for the server's close */
};

struct conn {
	int		 fd;
	SSL		*ssl;
	enum conn_state	 state;
	int		 keep;		/* a pool connection */
	uint32_t	 events;	/* what epoll watches */
	double		 due;		/* the request's due time */
	int		 measured;	/* due inside the window */
	char		 req[512];
	int		 reqlen;
	char		 head[FR_HEAD_MAX];
	size_t		 len;		/* bytes of head[] used */
	size_t		 headlen;	/* head with its blank line; 0 if unseen */
	long		 clen;		/* Content-Length; -1 if absent */
	size_t		 body;		/* body bytes seen */
	int		 status;
	struct conn	*next;		/* in the idle pool */
};

/* Latencies or lags in seconds, all of them. */
struct series {
	double	*v;
	size_t	 n, cap;
};

struct opts {
	const char	*host, *port, *file, *prefix, *fixed, *ca;
	double		 rate, secs, warm, new;
	int		 pool, maxconn;
};

static void	 fr_usage(void);
static void	 fr_opts(struct opts *, int, char **);
static void	 fr_paths(const char *);
static SSL_CTX	*fr_ctx(const char *);
static void	 fr_start(double, int);
static struct conn *fr_open(int);
static SSL	*fr_ssl(void);
static void	 fr_request(struct conn *, double, int);
static void	 fr_step(struct conn *);
static void	 fr_read(struct conn *);
static int	 fr_parse(struct conn *);
static int	 fr_done(struct conn *);
static void	 fr_fail(struct conn *);
static int	 fr_want(struct conn *, int);
static void	 fr_watch(struct conn *, uint32_t);
static void	 fr_close(struct conn *);
static void	 fr_add(struct series *, double);
static int	 fr_cmp(const void *, const void *);
static double	 fr_pct(struct series *, double);
static uint64_t	 fr_ceil(double);
static double	 fr_now(void);
static double	 fr_cpu(void);
static void	 fr_stop_cb(int);
static void	 fr_timer(int, double);
static void	 fr_report(double, double, double);

static struct opts	 o;
static SSL_CTX		*ctx;
static int		 ep;
static struct sockaddr_in sin_srv;
static char		**paths;
static size_t		 npaths;
static struct conn	*idle;		/* the keep-alive pool */
static int		 nidle, nopen, inflight, mflight;
static SSL		*spare[FR_SPARE];
static int		 nspare;
static double		 last_done;	/* of the last measured answer */
static FILE		*trace;		/* -T */
static struct series	 lat, lag;
static long		 errors, non2xx, resumed, completed;
static volatile sig_atomic_t stop;

static void
fr_usage(void)
{
	fprintf(stderr, "usage: fixrate -r RATE [-d SECS] [-w SECS] [-n NEW] "
	    "[-k POOL] [-c MAXCONN]\n\t[-f FILE] [-p PREFIX] [-u PATH] "
	    "[-C CAFILE] HOST PORT\n");
	exit(EX_USAGE);
}

static void
fr_opts(struct opts *op, int argc, char **argv)
{
	int	ch;

	op->secs = 10;
	op->warm = 1;
	op->new = 0.8;
	op->pool = 8;
	op->maxconn = 10000;
	op->prefix = "/api/v1/certificates/";
	while ((ch = getopt(argc, argv, "C:c:d:f:k:n:p:r:T:u:w:")) != -1) {
		switch (ch) {
		case 'C': op->ca = optarg; break;
		case 'c': op->maxconn = atoi(optarg); break;
		case 'd': op->secs = atof(optarg); break;
		case 'f': op->file = optarg; break;
		case 'k': op->pool = atoi(optarg); break;
		case 'n': op->new = atof(optarg); break;
		case 'p': op->prefix = optarg; break;
		case 'r': op->rate = atof(optarg); break;
		case 'T':
			if ((trace = fopen(optarg, "w")) == NULL)
				err(1, "%s", optarg);
			break;
		case 'u': op->fixed = optarg; break;
		case 'w': op->warm = atof(optarg); break;
		default: fr_usage();
		}
	}
	if (argc - optind != 2 || op->rate <= 0 || op->secs < 0 ||
	    op->warm < 0 || op->new < 0 || op->new > 1 || op->pool < 1 ||
	    op->maxconn < 1 || (op->file == NULL && op->fixed == NULL))
		fr_usage();
	op->host = argv[optind];
	op->port = argv[optind + 1];
}

/* The lines of FILE, each a path's tail; kept for the whole run. */
static void
fr_paths(const char *file)
{
	FILE	*f;
	char	*line = NULL;
	size_t	 cap = 0, have = 0;
	ssize_t	 len;

	if ((f = fopen(file, "r")) == NULL)
		err(EX_NOINPUT, "cannot open '%s'", file);
	while ((len = getline(&line, &cap, f)) != -1) {
		line[strcspn(line, "\r\n")] = '\0';
		if (*line == '\0')
			continue;
		if (npaths == have) {
			have = have ? have * 2 : 1024;
			if ((paths = reallocarray(paths, have,
			    sizeof *paths)) == NULL)
				err(EX_OSERR, "out of memory");
		}
		if ((paths[npaths++] = strdup(line)) == NULL)
			err(EX_OSERR, "out of memory");
	}
	free(line);
	fclose(f);
	if (npaths == 0)
		errx(EX_DATAERR, "'%s': no lines", file);
}

/*
 * No session cache and no ticket kept: SSL_set_session is never called,
 * so every handshake is a full one (ECDHE and the server's signature).
 */
static SSL_CTX *
fr_ctx(const char *ca)
{
	SSL_CTX	*c;

	if ((c = SSL_CTX_new(TLS_client_method())) == NULL)
		errx(EX_SOFTWARE, "SSL_CTX_new failed");
	SSL_CTX_set_min_proto_version(c, TLS1_3_VERSION);
	SSL_CTX_set_session_cache_mode(c, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_options(c, SSL_OP_NO_TICKET);
	if (ca != NULL) {
		if (SSL_CTX_load_verify_locations(c, ca, NULL) != 1)
			errx(EX_NOINPUT, "cannot load CA file '%s'", ca);
		SSL_CTX_set_verify(c, SSL_VERIFY_PEER, NULL);
	} else
		SSL_CTX_set_verify(c, SSL_VERIFY_NONE, NULL);
	return c;
}

/* Starts the request due at DUE: a new connection or a pooled one. */
static void
fr_start(double due, int measured)
{
	struct conn	*c;
	int		 fresh;

	fresh = drand48() < o.new;
	if (!fresh && idle != NULL) {
		c = idle;
		idle = c->next;
		nidle--;
	} else if ((c = fr_open(!fresh)) == NULL) {
		if (measured)
			errors++;
		return;
	}
	if (measured) {
		fr_add(&lag, fr_now() - due);
		mflight++;
	}
	inflight++;
	fr_request(c, due, measured);
	if (c->state != CONN_CONNECT)
		fr_step(c);
}

/* A new non-blocking connection, its TCP connect begun. */
static struct conn *
fr_open(int keep)
{
	struct conn	*c;
	int		 one = 1;

	if ((c = calloc(1, sizeof *c)) == NULL)
		err(EX_OSERR, "out of memory");
	c->keep = keep;
	if ((c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0)) == -1) {
		free(c);
		return NULL;
	}
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if ((c->ssl = fr_ssl()) == NULL || SSL_set_fd(c->ssl, c->fd) != 1)
		errx(EX_SOFTWARE, "SSL_new failed");
	SSL_set_connect_state(c->ssl);
	nopen++;
	c->state = CONN_CONNECT;
	if (connect(c->fd, (struct sockaddr *)&sin_srv, sizeof sin_srv) == 0)
		c->state = CONN_HANDSHAKE;
	else if (errno != EINPROGRESS) {
		fr_close(c);
		return NULL;
	}
	fr_watch(c, EPOLLOUT);
	return c;
}

/*
 * An SSL object for a new connection. OpenSSL 3.0 spends about as much
 * CPU on SSL_new and SSL_free as on the handshake's own arithmetic, so
 * closed ones are cleared and used again, as wrk does; the session they
 * held is dropped, so the handshake stays a full one.
 */
static SSL *
fr_ssl(void)
{
	SSL	*s;

	if (nspare == 0)
		return SSL_new(ctx);
	s = spare[--nspare];
	SSL_set_session(s, NULL);
	return s;
}

/* Puts the next request on C; it goes out once C is connected. */
static void
fr_request(struct conn *c, double due, int measured)
{
	const char	*tail = "";

	if (npaths > 0)
		tail = paths[lrand48() % npaths];
	c->due = due;
	c->measured = measured;
	c->len = c->headlen = c->body = 0;
	c->clen = -1;
	c->status = 0;
	if (o.fixed != NULL)
		c->reqlen = snprintf(c->req, sizeof c->req, "GET %s HTTP/1.1\r\n"
		    "Host: %s:%s\r\n%s\r\n", o.fixed, o.host, o.port,
		    c->keep ? "" : "Connection: close\r\n");
	else
		c->reqlen = snprintf(c->req, sizeof c->req, "GET %s%s HTTP/1.1"
		    "\r\nHost: %s:%s\r\n%s\r\n", o.prefix, tail, o.host, o.port,
		    c->keep ? "" : "Connection: close\r\n");
	if (c->reqlen < 0 || (size_t)c->reqlen >= sizeof c->req)
		errx(EX_DATAERR, "path too long: '%s'", tail);
	if (c->state == CONN_IDLE)
		c->state = CONN_WRITE;
}

/* Advances C as far as it goes without waiting. */
static void
fr_step(struct conn *c)
{
	int	e = 0, r;

	switch (c->state) {
	case CONN_CONNECT:
		if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &e,
		    &(socklen_t){ sizeof e }) == -1 || e != 0) {
			fr_fail(c);
			return;
		}
		c->state = CONN_HANDSHAKE;
		/* FALLTHROUGH */
	case CONN_HANDSHAKE:
		if ((r = SSL_connect(c->ssl)) != 1) {
			if (fr_want(c, r) == -1)
				fr_fail(c);
			return;
		}
		if (SSL_session_reused(c->ssl))
			resumed++;
		c->state = CONN_WRITE;
		/* FALLTHROUGH */
	case CONN_WRITE:
		/* A retried SSL_write must repeat the same arguments. */
		if ((r = SSL_write(c->ssl, c->req, c->reqlen)) <= 0) {
			if (fr_want(c, r) == -1)
				fr_fail(c);
			return;
		}
		c->state = CONN_READ;
		/* FALLTHROUGH */
	case CONN_READ:
	case CONN_IDLE:
	case CONN_DRAIN:
		fr_read(c);
		return;
	}
}

/*
 * Reads what has come. An idle or draining connection only waits for
 * the server's close (TLS 1.3 session tickets also arrive here and are
 * dropped). C may be closed and freed on return.
 */
static void
fr_read(struct conn *c)
{
	char	buf[16384];
	int	r;

	for (;;) {
		if ((r = SSL_read(c->ssl, buf, sizeof buf)) <= 0) {
			if (fr_want(c, r) == 0)
				return;
			if (c->state != CONN_READ)
				fr_close(c);
			else if (c->headlen > 0 && c->clen == -1) {
				if (fr_done(c) == 0)	/* the close ends it */
					fr_close(c);
			} else
				fr_fail(c);
			return;
		}
		if (c->state == CONN_IDLE) {	/* nothing was asked */
			fr_close(c);
			return;
		}
		if (c->state == CONN_DRAIN)
			continue;
		if (c->headlen == 0) {
			if (c->len + r > sizeof c->head) {
				fr_fail(c);
				return;
			}
			memcpy(c->head + c->len, buf, r);
			c->len += r;
			if (fr_parse(c) == -1) {
				fr_fail(c);
				return;
			}
		} else
			c->body += r;
		if (c->headlen > 0 && c->clen >= 0 &&
		    c->body >= (size_t)c->clen &&
		    (fr_done(c) == -1 || c->state == CONN_IDLE))
			return;
	}
}

/* Status and Content-Length once the whole head is in; -1 if garbled. */
static int
fr_parse(struct conn *c)
{
	char	*end, *p;

	if ((end = memmem(c->head, c->len, "\r\n\r\n", 4)) == NULL)
		return 0;
	*end = '\0';
	c->headlen = end + 4 - c->head;
	c->body = c->len - c->headlen;
	if (strncmp(c->head, "HTTP/1.", 7) != 0 || c->len < 12)
		return -1;
	c->status = atoi(c->head + 9);
	for (p = strstr(c->head, "\r\n"); p != NULL; p = strstr(p + 2, "\r\n"))
		if (strncasecmp(p + 2, "Content-Length:", 15) == 0)
			c->clen = strtol(p + 17, NULL, 10);
	return 0;
}

/* The answer is complete: its latency counts from the due time. -1 when
 * C was closed (the pool is full). */
static int
fr_done(struct conn *c)
{
	double	now = fr_now();

	inflight--;
	if (c->measured) {
		fr_add(&lat, now - c->due);
		if (trace != NULL)
			fprintf(trace, "%.6f %.3f %d\n", c->due,
			    (now - c->due) * 1e3, c->keep);
		completed++;
		mflight--;
		last_done = now;
		if (c->status < 200 || c->status > 299)
			non2xx++;
	}
	if (!c->keep) {
		c->state = CONN_DRAIN;
		fr_watch(c, EPOLLIN);
	} else if (nidle < o.pool) {
		c->state = CONN_IDLE;
		c->next = idle;
		idle = c;
		nidle++;
		fr_watch(c, EPOLLIN);
	} else {
		fr_close(c);
		return -1;
	}
	return 0;
}

static void
fr_fail(struct conn *c)
{
	inflight--;
	if (c->measured) {
		errors++;
		mflight--;
	}
	fr_close(c);
}

/* After an SSL call returned R: 0 and the right watch if it must wait. */
static int
fr_want(struct conn *c, int r)
{
	switch (SSL_get_error(c->ssl, r)) {
	case SSL_ERROR_WANT_READ:
		fr_watch(c, EPOLLIN);
		return 0;
	case SSL_ERROR_WANT_WRITE:
		fr_watch(c, EPOLLOUT);
		return 0;
	default:
		ERR_clear_error();
		return -1;
	}
}

static void
fr_watch(struct conn *c, uint32_t events)
{
	struct epoll_event	ev = { .events = events, .data.ptr = c };

	if (c->events == events)
		return;
	if (epoll_ctl(ep, c->events == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD,
	    c->fd, &ev) == -1)
		err(EX_OSERR, "epoll_ctl");
	c->events = events;
}

/* The one close path; an idle connection leaves the pool first. */
static void
fr_close(struct conn *c)
{
	struct conn	**pp;

	if (c->state == CONN_IDLE) {
		for (pp = &idle; *pp != NULL; pp = &(*pp)->next)
			if (*pp == c) {
				*pp = c->next;
				nidle--;
				break;
			}
	}
	if (nspare < FR_SPARE && SSL_clear(c->ssl) == 1)
		spare[nspare++] = c->ssl;
	else
		SSL_free(c->ssl);
	close(c->fd);
	nopen--;
	free(c);
}

static void
fr_add(struct series *s, double v)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 65536;
		if ((s->v = reallocarray(s->v, s->cap, sizeof *s->v)) == NULL)
			err(EX_OSERR, "out of memory");
	}
	s->v[s->n++] = v;
}

static int
fr_cmp(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The Q quantile of a sorted series, in ms: the ceil(Q n)-th value. */
static double
fr_pct(struct series *s, double q)
{
	size_t	i;

	if (s->n == 0)
		return 0;
	i = (size_t)fr_ceil(q * s->n);
	return s->v[i > 0 ? i - 1 : 0] * 1e3;
}

/* Without libm: V is never negative here. */
static uint64_t
fr_ceil(double v)
{
	uint64_t	i = (uint64_t)v;

	return i < v ? i + 1 : i;
}

static double
fr_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* This process's CPU seconds, user and system. */
static double
fr_cpu(void)
{
	struct rusage	ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static void
fr_stop_cb(int sig)
{
	stop = 1;
}

/* Arms the timer for the absolute monotonic time AT, once per time. */
static void
fr_timer(int tfd, double at)
{
	static double		armed;
	struct itimerspec	its = { 0 };

	if (at == armed)
		return;
	armed = at;
	its.it_value.tv_sec = (time_t)at;
	its.it_value.tv_nsec = (long)((at - its.it_value.tv_sec) * 1e9);
	if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0)
		its.it_value.tv_nsec = 1;	/* zero would disarm it */
	if (timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its, NULL) == -1)
		err(EX_OSERR, "timerfd_settime");
}

static void
fr_report(double w0, double w1, double cpu)
{
	double	span = last_done > w0 ? last_done - w0 : w1 - w0;

	if (lat.n > 0)
		qsort(lat.v, lat.n, sizeof *lat.v, fr_cmp);
	if (lag.n > 0)
		qsort(lag.v, lag.n, sizeof *lag.v, fr_cmp);
	printf("rate %.0f completed %ld errors %ld non2xx %ld p50 %.2f "
	    "p99 %.2f p99.9 %.2f max %.2f lag_p99 %.2f lag_max %.2f "
	    "cpu %.0f%% resumed %ld new %.2f\n",
	    span > 0 ? completed / span : 0, completed, errors, non2xx,
	    fr_pct(&lat, 0.5), fr_pct(&lat, 0.99), fr_pct(&lat, 0.999),
	    fr_pct(&lat, 1), fr_pct(&lag, 0.99), fr_pct(&lag, 1),
	    w1 > w0 ? 100 * cpu / (w1 - w0) : 0, resumed, o.new);
}

int
main(int argc, char **argv)
{
	struct epoll_event	 evs[FR_BATCH], ev = { .events = EPOLLIN };
	struct sigaction	 sa;
	uint64_t		 next = 0, first, last, junk;
	double			 t0, now, w0 = 0, w1 = 0, cpu0 = 0, cpu = 0;
	double			 grace = 0;
	int			 tfd, n, i;

	fr_opts(&o, argc, argv);
	if (o.file != NULL)
		fr_paths(o.file);
	sin_srv.sin_family = AF_INET;
	sin_srv.sin_port = htons(atoi(o.port));
	if (inet_pton(AF_INET, o.host, &sin_srv.sin_addr) != 1)
		errx(EX_USAGE, "'%s': not an IPv4 address", o.host);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = fr_stop_cb;	/* no SA_RESTART: epoll_wait returns */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	ctx = fr_ctx(o.ca);
	if ((ep = epoll_create1(0)) == -1 ||
	    (tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK)) == -1 ||
	    epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &ev) == -1)	/* data.ptr NULL */
		err(EX_OSERR, "epoll");
	srand48(getpid() ^ (long)fr_now());
	first = fr_ceil(o.warm * o.rate);
	last = o.secs > 0 ? fr_ceil((o.warm + o.secs) * o.rate) :
	    UINT64_MAX;
	t0 = fr_now() + 0.001;
	for (;;) {
		now = fr_now();
		if (stop && next < last)
			last = next > first ? next : first;
		while (next < last && t0 + next / o.rate <= now &&
		    nopen < o.maxconn) {
			if (next == first) {
				w0 = now;
				cpu0 = fr_cpu();
				fprintf(stderr, "measuring\n");
			}
			fr_start(t0 + next / o.rate, next >= first);
			next++;
		}
		if (next >= last && grace == 0) {
			w1 = now;
			cpu = fr_cpu() - cpu0;
			grace = now + FR_GRACE;
		}
		if (grace > 0 && (inflight == 0 || now > grace))
			break;
		if (next < last && nopen < o.maxconn)
			fr_timer(tfd, t0 + next / o.rate);
		if ((n = epoll_wait(ep, evs, FR_BATCH, 100)) == -1 && errno != EINTR)
			err(EX_OSERR, "epoll_wait");
		for (i = 0; i < n; i++) {
			if (evs[i].data.ptr == NULL)
				(void)!read(tfd, &junk, sizeof junk);
			else
				fr_step(evs[i].data.ptr);
		}
	}
	errors += mflight;	/* no answer within the grace time */
	fr_report(w0, w1, cpu);
	return completed == 0 && errors > 0 ? EX_UNAVAILABLE : 0;
}
