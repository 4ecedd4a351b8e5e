/* skkd — SPDX-License-Identifier: ISC */
/*
 * One TLS 1.3 connection to skkd. The socket is non-blocking and every
 * wait is a poll(2) with a deadline, so neither a silent server nor a
 * full socket can hang the client. Answers are framed as they arrive and
 * kept in a list until the request they answer asks for them.
 */

#include <sys/socket.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "errf.h"
#include "net.h"
#include "hex.h"
#include "sign.h"

#define NET_READ_CHUNK	(64 * 1024)

struct net_pending {
	struct wire_msg		*m;
	struct net_pending	*next;
};

struct net {
	int			 fd;
	SSL_CTX			*ctx;
	SSL			*ssl;
	char			 where[SKKCONF_SERVER_MAX];	/* for messages */
	uint64_t		 next_id;
	enum net_role		 role;
	char			 name[256];
	size_t			 max_batch;	/* items per request (HELLO) */

	uint8_t			*in;		/* bytes not yet framed */
	size_t			 inlen;
	size_t			 insize;
	struct net_pending	*head;
	struct net_pending	**tail;

	int			 status;	/* 0, or the first failure */
	char			 err[512];
};

static int __attribute__((format(printf, 3, 4)))
net_fail(struct net *n, int status, const char *fmt, ...)
{
	va_list	ap;

	if (n->status != 0)
		return -1;	/* the first failure is the one to report */
	n->status = status;
	va_start(ap, fmt);
	verrf(n->err, sizeof n->err, fmt, ap);
	va_end(ap);
	return -1;
}

/* The most useful line of OpenSSL's error queue, which is then emptied. */
static const char *
net_ssl_reason(void)
{
	static _Thread_local char buf[160];	/* crews ask in threads */
	unsigned long	e = ERR_peek_last_error();
	const char	*r = e != 0 ? ERR_reason_error_string(e) : NULL;

	snprintf(buf, sizeof buf, "%s", r != NULL ? r : "unknown error");
	ERR_clear_error();
	return buf;
}

static int64_t
net_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* 1 when ready (revents in *rev), 0 on timeout, -1 on error. */
static int
net_poll(int fd, short events, int64_t deadline, short *rev)
{
	struct pollfd	pfd = { fd, events, 0 };
	int64_t		left;
	int		r;

	for (;;) {
		left = deadline - net_now_ms();
		if (left < 0)
			left = 0;
		r = poll(&pfd, 1, (int)left);
		if (r == -1 && errno == EINTR)
			continue;
		if (r > 0 && rev != NULL)
			*rev = pfd.revents;
		return r;
	}
}

static int
net_tcp_one(const struct addrinfo *ai, int64_t deadline)
{
	socklen_t	len = sizeof(int);
	int		fd, e = 0, r;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, ai->ai_protocol);
	if (fd == -1)
		return -1;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
		return fd;
	if (errno == EINPROGRESS) {
		if ((r = net_poll(fd, POLLOUT, deadline, NULL)) == 0)
			e = ETIMEDOUT;
		else if (r == -1 ||
		    getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) == -1)
			e = errno;
		if (e == 0)
			return fd;
	} else
		e = errno;
	close(fd);
	errno = e;
	return -1;
}

static int
net_tcp(struct net *n, const struct skkconf *c, int64_t deadline)
{
	struct addrinfo	 hints, *res, *ai;
	int		 r, e = ECONNREFUSED;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((r = getaddrinfo(c->host, c->port, &hints, &res)) != 0)
		return net_fail(n, EX_NOHOST, "cannot resolve '%s': %s",
		    c->host, gai_strerror(r));
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if ((n->fd = net_tcp_one(ai, deadline)) != -1)
			break;
		e = errno;
	}
	freeaddrinfo(res);
	if (n->fd == -1)
		return net_fail(n, EX_UNAVAILABLE, "cannot connect to %s: %s",
		    c->server, strerror(e));
	return 0;
}

/* A private key others can read is refused, as the daemon does. */
static int
net_check_key_mode(struct net *n, const char *path)
{
	struct stat	st;

	if (stat(path, &st) == -1)
		return net_fail(n, EX_CONFIG, "cannot open '%s': %s", path,
		    strerror(errno));
	if (st.st_mode & 077)
		return net_fail(n, EX_CONFIG, "'%s': mode %04o, expected 0600",
		    path, (unsigned)(st.st_mode & 07777));
	return 0;
}

static int
net_load_file(struct net *n, const char *what, const char *path, int ok)
{
	if (access(path, R_OK) == -1)
		return net_fail(n, EX_CONFIG, "cannot open '%s': %s", path,
		    strerror(errno));
	if (ok != 1)
		return net_fail(n, EX_CONFIG, "cannot load %s '%s': %s", what,
		    path, net_ssl_reason());
	return 0;
}

static int
net_tls_ctx(struct net *n, const struct skkconf *c)
{
	SSL_CTX	*ctx;

	if (c->key[0] != '\0' && net_check_key_mode(n, c->key) == -1)
		return -1;
	if ((ctx = n->ctx = SSL_CTX_new(TLS_client_method())) == NULL)
		return net_fail(n, EX_SOFTWARE, "TLS: %s", net_ssl_reason());
	SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
	SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION);
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
	    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	/* A cut connection is caught by the framing: report it as closed. */
	SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
	/*
	 * The instance's CA and nothing else: never the system store,
	 * save for a trust file's issuer given without a CA (its HTTPS
	 * certificate is from the system's CAs: skkconf requires one).
	 */
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	if (c->ca[0] == '\0') {
		if (SSL_CTX_set_default_verify_paths(ctx) != 1)
			return net_fail(n, EX_CONFIG, "TLS: cannot load the "
			    "system's CAs");
	} else if (net_load_file(n, "CA", c->ca,
	    SSL_CTX_load_verify_locations(ctx, c->ca, NULL)) == -1)
		return -1;
	if (c->cert[0] == '\0')
		return 0;
	if (net_load_file(n, "certificate", c->cert,
	    SSL_CTX_use_certificate_chain_file(ctx, c->cert)) == -1 ||
	    net_load_file(n, "key", c->key,
	    SSL_CTX_use_PrivateKey_file(ctx, c->key, SSL_FILETYPE_PEM)) == -1)
		return -1;
	if (SSL_CTX_check_private_key(ctx) != 1)
		return net_fail(n, EX_CONFIG, "'%s' does not match '%s'",
		    c->key, c->cert);
	return 0;
}

static int
net_is_ip(const char *s)
{
	unsigned char	buf[16];

	return inet_pton(AF_INET, s, buf) == 1 ||
	    inet_pton(AF_INET6, s, buf) == 1;
}

static int
net_handshake_failed(struct net *n, int e)
{
	long	v = SSL_get_verify_result(n->ssl);

	if (v != X509_V_OK) {
		ERR_clear_error();
		return net_fail(n, EX_PROTOCOL, "server certificate not trusted "
		    "(certificate verify failed: %s)",
		    X509_verify_cert_error_string(v));
	}
	if (e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0)
		return net_fail(n, EX_PROTOCOL, "TLS handshake with %s failed: "
		    "%s", n->where, errno != 0 ? strerror(errno) :
		    "connection closed");
	return net_fail(n, EX_PROTOCOL, "TLS handshake with %s failed: %s",
	    n->where, net_ssl_reason());
}

static int
net_handshake(struct net *n, const struct skkconf *c, int64_t deadline)
{
	short	ev;
	int	r, e;

	if ((n->ssl = SSL_new(n->ctx)) == NULL || SSL_set_fd(n->ssl, n->fd) != 1)
		return net_fail(n, EX_SOFTWARE, "TLS: %s", net_ssl_reason());
	/* RFC 6066: no SNI for address literals; the name check still runs. */
	if (!net_is_ip(c->server_name))
		SSL_set_tlsext_host_name(n->ssl, c->server_name);
	if (SSL_set1_host(n->ssl, c->server_name) != 1)
		return net_fail(n, EX_CONFIG, "server_name: '%s': %s",
		    c->server_name, net_ssl_reason());
	for (;;) {
		errno = 0;
		if ((r = SSL_connect(n->ssl)) == 1)
			return 0;
		e = SSL_get_error(n->ssl, r);
		if (e == SSL_ERROR_WANT_READ)
			ev = POLLIN;
		else if (e == SSL_ERROR_WANT_WRITE)
			ev = POLLOUT;
		else
			return net_handshake_failed(n, e);
		if (net_poll(n->fd, ev, deadline, NULL) <= 0)
			return net_fail(n, EX_UNAVAILABLE,
			    "TLS handshake with %s timed out", n->where);
	}
}

static int
net_check_pin(struct net *n, const struct skkconf *c)
{
	X509		*peer;
	unsigned char	*der = NULL;
	uint8_t		 md[32];
	char		 hex[65];
	int		 len, r;

	if (!c->has_pin)
		return 0;
	if ((peer = SSL_get0_peer_certificate(n->ssl)) == NULL)
		return net_fail(n, EX_PROTOCOL, "server sent no certificate");
	len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(peer), &der);
	if (len <= 0)
		return net_fail(n, EX_SOFTWARE, "TLS: %s", net_ssl_reason());
	r = sign_sha256(der, (size_t)len, md);
	OPENSSL_free(der);
	if (r == -1)
		return net_fail(n, EX_SOFTWARE, "cannot hash the server key");
	if (memcmp(md, c->pin, sizeof md) != 0) {
		hex_encode(md, sizeof md, hex);
		return net_fail(n, EX_PROTOCOL, "server key does not match pin "
		    "(server has sha256:%s)", hex);
	}
	return 0;
}

static void
net_append(struct net *n, struct wire_msg *m)
{
	struct net_pending	*p;

	if ((p = malloc(sizeof *p)) == NULL) {
		wire_msg_free(m);
		net_fail(n, EX_SOFTWARE, "out of memory");
		return;
	}
	p->m = m;
	p->next = NULL;
	*n->tail = p;
	n->tail = &p->next;
}

/* Cuts every complete frame out of the input buffer. */
static int
net_parse(struct net *n)
{
	struct wire_msg	*m;
	size_t		 off = 0;
	uint32_t	 len;
	char		 why[256];

	while (n->inlen - off >= WIRE_HDR_LEN) {
		if (wire_frame_len(n->in + off, NET_MAX_FRAME, &len) == -1)
			return net_fail(n, EX_PROTOCOL, "bad frame from server: "
			    "length 0 or over %u MiB", NET_MAX_FRAME >> 20);
		if (n->inlen - off - WIRE_HDR_LEN < len)
			break;
		m = wire_decode(n->in + off + WIRE_HDR_LEN, len, why,
		    sizeof why);
		if (m == NULL)
			return net_fail(n, EX_PROTOCOL,
			    "malformed answer from server: %s", why);
		net_append(n, m);
		off += WIRE_HDR_LEN + len;
	}
	memmove(n->in, n->in + off, n->inlen - off);
	n->inlen -= off;
	return n->status != 0 ? -1 : 0;
}

static int
net_grow(struct net *n)
{
	size_t	 want;
	uint8_t	*p;

	if (n->insize - n->inlen >= NET_READ_CHUNK)
		return 0;
	want = n->insize == 0 ? 2 * NET_READ_CHUNK : n->insize * 2;
	if (want > NET_MAX_FRAME + WIRE_HDR_LEN + NET_READ_CHUNK)
		want = NET_MAX_FRAME + WIRE_HDR_LEN + NET_READ_CHUNK;
	if ((p = realloc(n->in, want)) == NULL)
		return net_fail(n, EX_SOFTWARE, "out of memory");
	n->in = p;
	n->insize = want;
	return 0;
}

static int
net_read_failed(struct net *n, int e)
{
	if (e == SSL_ERROR_ZERO_RETURN ||
	    (e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0 && errno == 0))
		return net_fail(n, EX_UNAVAILABLE,
		    "connection closed by %s", n->where);
	if (e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0)
		return net_fail(n, EX_UNAVAILABLE, "read from %s: %s",
		    n->where, strerror(errno));
	return net_fail(n, EX_PROTOCOL, "TLS failure: %s", net_ssl_reason());
}

/*
 * Reads what the server sent and frames it. With wait, blocks until some
 * bytes come (or the read timeout); without, returns 0 at once when there
 * are none. 1 after reading, 0 for nothing, -1 on failure.
 */
static int
net_fill(struct net *n, int wait)
{
	int64_t	deadline = net_now_ms() + NET_READ_TIMEOUT * 1000;
	short	ev;
	int	r, e;

	if (net_grow(n) == -1)
		return -1;
	for (;;) {
		errno = 0;
		r = SSL_read(n->ssl, n->in + n->inlen, (int)(n->insize - n->inlen));
		if (r > 0) {
			n->inlen += (size_t)r;
			return net_parse(n) == -1 ? -1 : 1;
		}
		e = SSL_get_error(n->ssl, r);
		if (e == SSL_ERROR_WANT_READ)
			ev = POLLIN;
		else if (e == SSL_ERROR_WANT_WRITE)
			ev = POLLOUT;
		else
			return net_read_failed(n, e);
		if (!wait)
			return 0;
		if (net_poll(n->fd, ev, deadline, NULL) <= 0)
			return net_fail(n, EX_UNAVAILABLE,
			    "no answer from %s within %d s", n->where,
			    NET_READ_TIMEOUT);
	}
}

static int
net_write(struct net *n, const uint8_t *buf, size_t len)
{
	int64_t	deadline = net_now_ms() + NET_READ_TIMEOUT * 1000;
	size_t	off = 0, chunk;
	short	ev, rev;
	int	r, e;

	while (off < len) {
		chunk = len - off > (1u << 30) ? (1u << 30) : len - off;
		errno = 0;
		if ((r = SSL_write(n->ssl, buf + off, (int)chunk)) > 0) {
			off += (size_t)r;
			deadline = net_now_ms() + NET_READ_TIMEOUT * 1000;
			continue;
		}
		e = SSL_get_error(n->ssl, r);
		if (e == SSL_ERROR_WANT_WRITE)
			ev = POLLOUT | POLLIN;
		else if (e == SSL_ERROR_WANT_READ)
			ev = POLLIN;
		else if (e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0)
			return net_fail(n, EX_UNAVAILABLE, "write to %s: %s",
			    n->where, errno != 0 ? strerror(errno) :
			    "connection closed");
		else
			return net_fail(n, EX_PROTOCOL, "TLS failure: %s",
			    net_ssl_reason());
		if (net_poll(n->fd, ev, deadline, &rev) <= 0)
			return net_fail(n, EX_UNAVAILABLE,
			    "%s accepts no data", n->where);
		/* Take in answers while the server waits for us to read. */
		if ((rev & (POLLIN | POLLHUP | POLLERR)) && e == SSL_ERROR_WANT_WRITE &&
		    net_fill(n, 0) == -1)
			return -1;
	}
	return 0;
}

struct wire_msg *
net_request(struct net *n, enum wire_type type)
{
	return wire_msg_new(type, ++n->next_id);
}

int
net_send(struct net *n, const struct wire_msg *m)
{
	uint8_t	*buf;
	size_t	 len;
	int	 r;

	if (n->status != 0)
		return -1;
	if (wire_encode(m, &buf, &len) == -1)
		return net_fail(n, EX_SOFTWARE, "cannot encode %s request",
		    wire_type_name(wire_type(m)));
	r = net_write(n, buf, len);
	explicit_bzero(buf, len);	/* ISSUE and FIND frames carry NIKs */
	free(buf);
	return r;
}

static struct wire_msg *
net_take(struct net *n, uint64_t id)
{
	struct net_pending	**pp, *p;
	struct wire_msg		 *m;

	for (pp = &n->head; (p = *pp) != NULL; pp = &p->next) {
		if (wire_id(p->m) != id && !(wire_id(p->m) == 0 &&
		    wire_type(p->m) == WIRE_ERROR))
			continue;
		*pp = p->next;
		if (n->tail == &p->next)
			n->tail = pp;
		m = p->m;
		free(p);
		return m;
	}
	return NULL;
}

struct wire_msg *
net_recv(struct net *n, uint64_t id)
{
	struct wire_msg	*m;

	for (;;) {
		if ((m = net_take(n, id)) != NULL)
			return m;
		if (n->status != 0 || net_fill(n, 1) == -1)
			return NULL;
	}
}

static enum net_role
net_role_parse(const char *s)
{
	if (strcmp(s, "admin") == 0)
		return NET_ROLE_ADMIN;
	if (strcmp(s, "reader") == 0)
		return NET_ROLE_READER;
	return NET_ROLE_NONE;
}

static int
net_hello_answer(struct net *n, const struct wire_msg *a)
{
	uint64_t	v = 0;
	char		msg[256] = "";
	char		role[32];

	if (wire_type(a) == WIRE_ERROR) {
		wire_get_uint(a, WK_ERR, &v);
		wire_get_str(a, WK_ERRMSG, msg, sizeof msg);
		return net_fail(n, v == WERR_NOT_AUTHORISED ? EX_NOPERM :
		    EX_PROTOCOL, "server refused HELLO: %s", msg[0] != '\0' ?
		    msg : wire_err_name(v));
	}
	if (wire_type(a) != WIRE_HELLO)
		return net_fail(n, EX_PROTOCOL, "unexpected %s answer to HELLO",
		    wire_type_name(wire_type(a)));
	if (wire_get_uint(a, WK_VERSION, &v) == -1 || v != WIRE_VERSION)
		return net_fail(n, EX_PROTOCOL, "server speaks protocol version "
		    "%llu, expected %d", (unsigned long long)v, WIRE_VERSION);
	wire_get_str(a, WK_NAME, n->name, sizeof n->name);
	if (wire_get_str(a, WK_ROLE, role, sizeof role) == 0)
		n->role = net_role_parse(role);
	/* The daemon's max_batch; older daemons did not say. */
	n->max_batch = WIRE_MAX_BATCH_DEFAULT;
	if (wire_get_uint(a, WK_COUNT, &v) == 0 && v > 0 &&
	    v < WIRE_MAX_BATCH_DEFAULT)
		n->max_batch = (size_t)v;
	return 0;
}

static int
net_hello(struct net *n)
{
	struct wire_msg	*m, *a;
	uint64_t	 id;
	int		 r;

	if ((m = net_request(n, WIRE_HELLO)) == NULL ||
	    wire_put_uint(m, WK_VERSION, WIRE_VERSION) == -1) {
		wire_msg_free(m);
		return net_fail(n, EX_SOFTWARE, "out of memory");
	}
	id = wire_id(m);
	r = net_send(n, m);
	wire_msg_free(m);
	if (r == -1 || (a = net_recv(n, id)) == NULL)
		return -1;
	r = net_hello_answer(n, a);
	wire_msg_free(a);
	return r;
}

int
net_open(const struct skkconf *c, struct net **np, char *err, size_t errlen)
{
	struct net	*n;
	int64_t		 deadline = net_now_ms() + NET_CONNECT_TIMEOUT * 1000;
	int		 status;

	*np = NULL;
	if ((n = calloc(1, sizeof *n)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return EX_OSERR;
	}
	n->fd = -1;
	n->tail = &n->head;
	snprintf(n->where, sizeof n->where, "%s", c->server);
	/* A server that goes away must give an error, not kill us. */
	signal(SIGPIPE, SIG_IGN);
	if (net_tls_ctx(n, c) == -1 || net_tcp(n, c, deadline) == -1 ||
	    net_handshake(n, c, deadline) == -1 || net_check_pin(n, c) == -1 ||
	    net_hello(n) == -1) {
		snprintf(err, errlen, "%s", n->err);
		status = n->status;
		net_close(n);
		return status;
	}
	*np = n;
	return 0;
}

void
net_close(struct net *n)
{
	struct net_pending	*p;

	if (n == NULL)
		return;
	if (n->ssl != NULL) {
		if (n->status == 0)
			SSL_shutdown(n->ssl);	/* best effort, no waiting */
		SSL_free(n->ssl);
	}
	SSL_CTX_free(n->ctx);
	if (n->fd != -1)
		close(n->fd);
	while ((p = n->head) != NULL) {
		n->head = p->next;
		wire_msg_free(p->m);
		free(p);
	}
	free(n->in);
	ERR_clear_error();
	free(n);
}

enum net_role
net_role(const struct net *n)
{
	return n->role;
}

/* The rest of an anonymous frame (envelope, keys) stays under 4 KiB. */
size_t
net_max_bytes(const struct net *n)
{
	return n->role == NET_ROLE_NONE ? WIRE_ANON_FRAME_MAX - 4096 :
	    4u * 1024 * 1024;
}

size_t
net_max_batch(const struct net *n)
{
	return n->max_batch ? n->max_batch : WIRE_MAX_BATCH_DEFAULT;
}

const char *
net_server_name(const struct net *n)
{
	return n->name;
}

const char *
net_error(const struct net *n)
{
	return n->err;
}

int
net_status(const struct net *n)
{
	return n->status;
}
