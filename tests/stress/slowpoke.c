/* skkd — SPDX-License-Identifier: ISC */
/*
 * Stress helper: holds N connections to HOST:PORT that a server must
 * close by its deadlines, and reports when it did. Modes:
 *   tcp    connect and send nothing (descriptor floods)
 *   hs     send a real TLS ClientHello one byte a second
 *   idle   complete the TLS handshake, then send nothing
 *   head   complete TLS, then send an HTTP request head a byte a second
 *   frame  complete TLS, then send a companion frame a byte a second
 * Each connection's clock starts where the server's deadline does: at
 * connect (tcp, hs), at the end of the handshake (idle, frame), at the
 * first byte of the head (head). At most OPEN_AT_ONCE connections are
 * being opened at a time, so the server sees a crowd, not a burst.
 *
 * Prints "ready OPENED FAILED" once every connection is held or has
 * failed, then, when all are closed, LIMIT seconds later or on SIGTERM:
 *   MODE opened N failed F closed C open O min S median S max S
 * (close times in seconds, of the connections the server closed).
 * Usage: slowpoke [-t LIMIT] [-b SOURCE] MODE HOST PORT N
 * (-b: connect from that local address, e.g. 127.0.0.2, another client)
 */

#include <sys/resource.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/ssl.h>

#define OPEN_AT_ONCE	64	/* connects and handshakes in progress */
#define OPEN_LIMIT	10.0	/* seconds to connect and shake hands */
#define TICK_MS		50

enum mode { M_TCP, M_HS, M_IDLE, M_HEAD, M_FRAME };

enum sstate {
	S_NEW,		/* not started */
	S_CONNECTING,	/* TCP connect in progress */
	S_TLS,		/* handshake in progress */
	S_HOLD,		/* open, trickling or silent, clock running */
	S_CLOSED,	/* closed by the server */
	S_FAILED	/* could not be opened */
};

struct sconn {
	int		 fd;
	SSL		*ssl;
	enum sstate	 state;
	short		 want;		/* poll events */
	double		 start;		/* when opening began */
	double		 t0;		/* the deadline's start, 0 if not yet */
	double		 closed;	/* seconds after t0 */
	size_t		 sent;		/* bytes trickled */
};

static const char	*mode_names[] = { "tcp", "hs", "idle", "head",
			    "frame" };
static enum mode	 mode;
static struct sockaddr_in sin_peer;
static struct sockaddr_in sin_self;	/* family 0: the kernel chooses */
static SSL_CTX		*ctx;
static unsigned char	*hello;		/* the ClientHello, hs mode */
static size_t		 hello_len;
static volatile sig_atomic_t stop;

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
stop_cb(int sig)
{
	(void)sig;
	stop = 1;
}

/* A ClientHello as OpenSSL would send it, captured from a memory BIO. */
static int
hello_make(void)
{
	SSL		*ssl;
	BIO		*rb, *wb;
	char		*p;
	long		 n;

	if ((ssl = SSL_new(ctx)) == NULL)
		return -1;
	rb = BIO_new(BIO_s_mem());
	wb = BIO_new(BIO_s_mem());
	if (rb == NULL || wb == NULL) {
		BIO_free(rb);
		BIO_free(wb);
		SSL_free(ssl);
		return -1;
	}
	SSL_set_bio(ssl, rb, wb);
	SSL_set_tlsext_host_name(ssl, "localhost");
	SSL_set_connect_state(ssl);
	SSL_do_handshake(ssl);		/* wants to read the ServerHello */
	n = BIO_get_mem_data(wb, &p);
	if (n > 0 && (hello = malloc(n)) != NULL) {
		memcpy(hello, p, n);
		hello_len = n;
	}
	SSL_free(ssl);
	return hello_len > 0 ? 0 : -1;
}

/* The n-th byte of what a connection trickles; -1 when there is none. */
static int
trickle_byte(size_t n)
{
	static const char	head[] = "GET /api/v1/certificates/0 HTTP/1.1\r\n"
				    "Host: localhost\r\nUser-Agent: slowpoke\r\n"
				    "X-Slow: ";
	static const unsigned char frame[] = { 0, 0, 16, 0 };	/* 4 KiB */

	switch (mode) {
	case M_HS:
		return n < hello_len ? hello[n] : -1;
	case M_HEAD:
		/* The head never ends: its last header goes on and on. */
		return n < sizeof(head) - 1 ? head[n] : 'a';
	case M_FRAME:
		return n < sizeof(frame) ? frame[n] : 0xa0;
	default:
		return -1;
	}
}

static void
conn_fail(struct sconn *c)
{
	SSL_free(c->ssl);
	c->ssl = NULL;
	if (c->fd != -1)
		close(c->fd);
	c->fd = -1;
	c->state = S_FAILED;
}

/* The server closed it: the time is what this test is about. */
static void
conn_closed(struct sconn *c, double t)
{
	c->closed = t - c->t0;
	SSL_free(c->ssl);
	c->ssl = NULL;
	close(c->fd);
	c->fd = -1;
	c->state = S_CLOSED;
}

static void
conn_hold(struct sconn *c, double t)
{
	c->state = S_HOLD;
	c->want = POLLIN;
	if (mode != M_HEAD)
		c->t0 = t;
}

static void
conn_start(struct sconn *c, double t)
{
	int	on = 1;

	c->start = t;
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (c->fd == -1) {
		c->state = S_FAILED;
		return;
	}
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	if (sin_self.sin_family != 0 && bind(c->fd,
	    (struct sockaddr *)&sin_self, sizeof(sin_self)) == -1) {
		conn_fail(c);
		return;
	}
	c->state = S_CONNECTING;
	c->want = POLLOUT;
	if (connect(c->fd, (struct sockaddr *)&sin_peer,
	    sizeof(sin_peer)) == -1 && errno != EINPROGRESS)
		conn_fail(c);
}

static void
conn_handshake(struct sconn *c, double t)
{
	int	rc;

	if ((rc = SSL_connect(c->ssl)) == 1) {
		conn_hold(c, t);
		return;
	}
	switch (SSL_get_error(c->ssl, rc)) {
	case SSL_ERROR_WANT_READ:
		c->want = POLLIN;
		break;
	case SSL_ERROR_WANT_WRITE:
		c->want = POLLOUT;
		break;
	default:
		conn_fail(c);
	}
}

static void
conn_connected(struct sconn *c, double t)
{
	int		err = 0;
	socklen_t	len = sizeof(err);

	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1 ||
	    err != 0) {
		conn_fail(c);
		return;
	}
	if (mode == M_TCP || mode == M_HS) {
		conn_hold(c, t);
		return;
	}
	if ((c->ssl = SSL_new(ctx)) == NULL || SSL_set_fd(c->ssl, c->fd) != 1) {
		conn_fail(c);
		return;
	}
	SSL_set_connect_state(c->ssl);
	c->state = S_TLS;
	conn_handshake(c, t);
}

/* Input on a held connection: data is drained, EOF or an error is the
 * server closing it. */
static void
conn_input(struct sconn *c, double t)
{
	char	buf[4096];
	ssize_t	n;

	while ((n = recv(c->fd, buf, sizeof(buf), 0)) > 0)
		;
	if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
		conn_closed(c, t);
}

/* The next byte of the trickle, when it is due. */
static void
conn_trickle(struct sconn *c, double t)
{
	unsigned char	b;
	int		v, rc;

	if ((v = trickle_byte(c->sent)) == -1)
		return;
	if (c->t0 != 0 && t < c->t0 + c->sent)
		return;
	b = (unsigned char)v;
	if (mode == M_HS)
		rc = send(c->fd, &b, 1, MSG_NOSIGNAL) == 1 ? 1 :
		    (errno == EAGAIN ? 0 : -1);
	else if ((rc = SSL_write(c->ssl, &b, 1)) <= 0)
		rc = SSL_get_error(c->ssl, rc) == SSL_ERROR_WANT_WRITE ? 0 : -1;
	if (rc == -1) {
		conn_closed(c, t);
		return;
	}
	if (rc == 1) {
		if (c->t0 == 0)
			c->t0 = t;
		c->sent++;
	}
}

static void
conn_step(struct sconn *c, short revents, double t)
{
	switch (c->state) {
	case S_CONNECTING:
		if (revents != 0)
			conn_connected(c, t);
		else if (t - c->start > OPEN_LIMIT)
			conn_fail(c);
		break;
	case S_TLS:
		if (revents != 0)
			conn_handshake(c, t);
		else if (t - c->start > OPEN_LIMIT)
			conn_fail(c);
		break;
	case S_HOLD:
		if (revents != 0)
			conn_input(c, t);
		if (c->state == S_HOLD)
			conn_trickle(c, t);
		break;
	default:
		break;
	}
}

static int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
summary(struct sconn *cs, int n)
{
	double	*v;
	int	 i, k = 0, failed = 0, open = 0;

	if ((v = calloc(n + 1, sizeof(*v))) == NULL)
		exit(1);
	for (i = 0; i < n; i++) {
		if (cs[i].state == S_CLOSED)
			v[k++] = cs[i].closed;
		else if (cs[i].state == S_FAILED || cs[i].state == S_NEW)
			failed++;
		else
			open++;
	}
	qsort(v, k, sizeof(*v), cmp_double);
	printf("%s opened %d failed %d closed %d open %d min %.2f "
	    "median %.2f max %.2f\n", mode_names[mode], n - failed, failed, k,
	    open, k ? v[0] : -1, k ? v[(k - 1) / 2] : -1, k ? v[k - 1] : -1);
	free(v);
}

/* One turn: start connections up to OPEN_AT_ONCE, poll, step each. */
static int
turn(struct sconn *cs, struct pollfd *pfd, int n)
{
	double	t = now();
	int	i, opening = 0, live = 0;

	for (i = 0; i < n; i++) {
		if (cs[i].state == S_CONNECTING || cs[i].state == S_TLS)
			opening++;
		else if (cs[i].state == S_NEW && opening < OPEN_AT_ONCE) {
			conn_start(&cs[i], t);
			opening += cs[i].state == S_CONNECTING;
		}
		pfd[i].fd = cs[i].fd;
		pfd[i].events = cs[i].fd != -1 ? cs[i].want : 0;
		pfd[i].revents = 0;
	}
	if (poll(pfd, n, TICK_MS) == -1 && errno != EINTR)
		return -1;
	t = now();
	for (i = 0; i < n; i++) {
		conn_step(&cs[i], pfd[i].revents, t);
		live += cs[i].state < S_CLOSED;
	}
	return live;
}

static int
setup(const char *host, const char *port)
{
	struct rlimit		rl;
	struct sigaction	sa;

	memset(&sin_peer, 0, sizeof(sin_peer));
	sin_peer.sin_family = AF_INET;
	sin_peer.sin_port = htons(atoi(port));
	if (inet_pton(AF_INET, host, &sin_peer.sin_addr) != 1)
		return -1;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = stop_cb;	/* no SA_RESTART: poll returns */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL)
		return -1;
	return mode == M_HS ? hello_make() : 0;
}

int
main(int argc, char **argv)
{
	struct sconn	*cs;
	struct pollfd	*pfd;
	double		 limit = 120, end = 0;
	int		 i, n, ch, live, ready = 0, failed;

	while ((ch = getopt(argc, argv, "b:t:")) != -1)
		if (ch == 't')
			limit = atof(optarg);
		else if (ch == 'b') {
			sin_self.sin_family = AF_INET;
			if (inet_pton(AF_INET, optarg, &sin_self.sin_addr) != 1)
				return 2;
		}
	argc -= optind;
	argv += optind;
	for (i = 0; argc == 4 && i < (int)(sizeof(mode_names) /
	    sizeof(*mode_names)); i++)
		if (strcmp(argv[0], mode_names[i]) == 0)
			break;
	if (argc != 4 || i == sizeof(mode_names) / sizeof(*mode_names) ||
	    (n = atoi(argv[3])) <= 0) {
		fprintf(stderr, "usage: slowpoke [-t limit] [-b source] tcp|hs|idle|head|"
		    "frame host port n\n");
		return 2;
	}
	mode = i;
	if (setup(argv[1], argv[2]) == -1) {
		fprintf(stderr, "slowpoke: cannot set up\n");
		return 1;
	}
	cs = calloc(n, sizeof(*cs));
	pfd = calloc(n, sizeof(*pfd));
	if (cs == NULL || pfd == NULL) {
		free(cs);
		free(pfd);
		return 1;
	}
	for (i = 0; i < n; i++)
		cs[i].fd = -1;
	while (!stop && (live = turn(cs, pfd, n)) > 0) {
		for (i = failed = 0; !ready && i < n; i++) {
			if (cs[i].state < S_HOLD)
				break;
			failed += cs[i].state == S_FAILED;
		}
		if (!ready && i == n) {
			ready = 1;
			end = now() + limit;
			printf("ready %d %d\n", n - failed, failed);
			fflush(stdout);
		}
		if (ready && now() > end)
			break;
	}
	summary(cs, n);
	for (i = 0; i < n; i++)
		SSL_free(cs[i].ssl);	/* the sockets close at exit */
	free(pfd);
	free(cs);
	return 0;
}
