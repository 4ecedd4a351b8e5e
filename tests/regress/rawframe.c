/* skkd — SPDX-License-Identifier: ISC */
/*
 * Test client for frames skk would never send: it speaks the companion
 * protocol (PROTOCOL.md §3) over TLS 1.3 with the frames built by hand,
 * so a request can hold more items than max_batch or a header can claim
 * any length. After HELLO it runs each step given and prints one line per
 * answer: "ID error ERR ERRMSG" for an error, "ID hello role=ROLE",
 * "ID TYPE items=N verdict=V" (of the first item) otherwise, "closed"
 * when the server hangs up, "timeout" after 10 s of silence.
 *
 * Usage: rawframe [-c cert -k key] PORT CAFILE NUMBER STEP...
 * STEP: verify:N  a VERIFY of N items, each NUMBER;
 *       issue:N   an ISSUE of N empty items (needs an admin certificate);
 *       len:HEX   a bare 4-byte header of that length, and no body;
 *       renew-text a RENEW of NUMBER whose RECORD is text, not bytes;
 *       read      nothing sent, one more answer (or the close) read;
 *       qr:N      a VERIFY of N items, each {QR: NUMBER} (NUMBER is then
 *                 a QR text); qr:max, the most an anonymous caller may
 *                 send: HELLO's COUNT, and what fits WIRE_ANON_FRAME_MAX;
 *       part:HEX  a header of that length and all but the last byte of
 *                 its body, no answer awaited (a frame held open);
 *       hold:S    nothing sent or read for S seconds;
 *       for:S     the previous step again and again for S seconds, then
 *                 "for N requests E errors max MS" (slowest answer).
 */

#include <sys/socket.h>
#include <sys/time.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/ssl.h>

#include "wire.h"

#define RF_MAX_ANSWER	(64u * 1024 * 1024)

static int	 quiet;		/* for:S: answers are counted, not printed */
static int	 problems;	/* issue-idem: a batch's problems printed */
static uint64_t	 hello_count = WIRE_MAX_BATCH_DEFAULT;

static SSL	*rf_connect(int, const char *, const char *, const char *);
static int	 rf_send(SSL *, const uint8_t *, size_t);
static int	 rf_read(SSL *, uint8_t *, size_t);
static int	 rf_answer(SSL *);
static int	 rf_renew_text(SSL *, const char *, uint64_t);
static int	 rf_step(SSL *, const char *, const char *, uint64_t);

static SSL *
rf_connect(int port, const char *ca, const char *cert, const char *key)
{
	struct sockaddr_in	 sin;
	struct timeval		 tv = { 10, 0 };
	SSL_CTX			*ctx;
	SSL			*ssl;
	int			 fd;

	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL ||
	    SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) != 1 ||
	    SSL_CTX_load_verify_locations(ctx, ca, NULL) != 1)
		return NULL;
	if (cert != NULL && (SSL_CTX_use_certificate_chain_file(ctx,
	    cert) != 1 || SSL_CTX_use_PrivateKey_file(ctx, key,
	    SSL_FILETYPE_PEM) != 1))
		return NULL;
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == -1 ||
	    connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		return NULL;
	if ((ssl = SSL_new(ctx)) == NULL || SSL_set_fd(ssl, fd) != 1 ||
	    SSL_set_tlsext_host_name(ssl, "localhost") != 1 ||
	    SSL_set1_host(ssl, "localhost") != 1 || SSL_connect(ssl) != 1)
		return NULL;
	return ssl;
}

static int
rf_send(SSL *ssl, const uint8_t *p, size_t len)
{
	size_t	done;

	return SSL_write_ex(ssl, p, len, &done) == 1 ? 0 : -1;
}

/* 0 with len bytes, 1 on a clean close or reset, 2 on the timeout. */
static int
rf_read(SSL *ssl, uint8_t *p, size_t len)
{
	size_t	got;

	while (len > 0) {
		if (SSL_read_ex(ssl, p, len, &got) != 1) {
			if (SSL_get_error(ssl, 0) == SSL_ERROR_SYSCALL &&
			    (errno == EAGAIN || errno == EWOULDBLOCK))
				return 2;
			return 1;
		}
		p += got;
		len -= got;
	}
	return 0;
}

/* Reads and prints one answer: 0, 1 for an ERROR, -1 when it is over. */
static int
rf_answer(SSL *ssl)
{
	const struct wire_msg	*p;
	struct wire_msg		*m;
	uint8_t			 hdr[WIRE_HDR_LEN], *buf;
	uint32_t		 len;
	uint64_t		 e = 0, v = 99;
	size_t			 i;
	char			 msg[256] = "", err[160];
	int			 rc;

	if ((rc = rf_read(ssl, hdr, sizeof(hdr))) != 0) {
		printf("%s\n", rc == 2 ? "timeout" : "closed");
		fflush(stdout);
		return -1;
	}
	if (wire_frame_len(hdr, RF_MAX_ANSWER, &len) == -1 ||
	    (buf = malloc(len)) == NULL || rf_read(ssl, buf, len) != 0) {
		printf("bad answer frame\n");
		return -1;
	}
	m = wire_decode(buf, len, err, sizeof(err));
	free(buf);
	if (m == NULL) {
		printf("undecodable answer: %s\n", err);
		return -1;
	}
	rc = wire_type(m) == WIRE_ERROR;
	if (quiet) {
		wire_msg_free(m);
		return rc;
	}
	if (wire_type(m) == WIRE_ERROR) {
		wire_get_uint(m, WK_ERR, &e);
		wire_get_str(m, WK_ERRMSG, msg, sizeof(msg));
		printf("%llu error %s %s\n", (unsigned long long)wire_id(m),
		    wire_err_name(e), msg);
		/* issue-idem: each problem, as "  item N: message". */
		for (i = 0; problems && i < wire_list_len(m, WK_ITEMS); i++) {
			p = wire_list_get(m, WK_ITEMS, i);
			if (wire_get_uint(p, WK_COUNT, &e) == 0 &&
			    wire_get_str(p, WK_ERRMSG, msg, sizeof(msg)) == 0)
				printf("  item %llu: %s\n",
				    (unsigned long long)e, msg);
		}
	} else if (wire_type(m) == WIRE_HELLO) {
		wire_get_str(m, WK_ROLE, msg, sizeof(msg));
		printf("%llu hello role=%s\n", (unsigned long long)wire_id(m),
		    msg);
		wire_get_uint(m, WK_COUNT, &hello_count);
	} else {
		if (wire_list_len(m, WK_ITEMS) > 0)
			wire_get_uint(wire_list_get(m, WK_ITEMS, 0), WK_VERDICT,
			    &v);
		printf("%llu %s items=%zu verdict=%llu\n",
		    (unsigned long long)wire_id(m), wire_type_name(wire_type(m)),
		    wire_list_len(m, WK_ITEMS), (unsigned long long)v);
	}
	fflush(stdout);
	wire_msg_free(m);
	return rc;
}

/* part:HEX: a frame held one byte short of its announced length. */
static int
rf_part(SSL *ssl, unsigned long v)
{
	uint8_t	hdr[WIRE_HDR_LEN], *body;
	int	rc;

	hdr[0] = v >> 24;
	hdr[1] = v >> 16;
	hdr[2] = v >> 8;
	hdr[3] = v;
	if (v == 0 || (body = calloc(1, v)) == NULL)
		return -1;
	/* A server that refuses at the header closes: that is no error. */
	if ((rc = rf_send(ssl, hdr, sizeof(hdr))) == 0)
		rf_send(ssl, body, v - 1);
	free(body);
	return rc;
}

/* qr:max: HELLO's COUNT, and no more than an anonymous frame holds. */
static size_t
rf_qr_max(const char *text)
{
	size_t	n = (WIRE_ANON_FRAME_MAX - 1024) / (strlen(text) + 8);

	return hello_count < n ? (size_t)hello_count : n;
}

static double
rf_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A RENEW whose RECORD is a text string: the wrong kind of value. */
static int
rf_renew_text(SSL *ssl, const char *number, uint64_t id)
{
	struct wire_msg	*m;
	uint8_t		*out;
	size_t		 outlen;
	int		 rc = -1;

	if ((m = wire_msg_new(WIRE_RENEW, id)) != NULL &&
	    wire_put_str(m, WK_NUMBER, number) == 0 &&
	    wire_put_str(m, WK_RECORD, "not a record") == 0 &&
	    wire_encode(m, &out, &outlen) == 0) {
		rc = rf_send(ssl, out, outlen);
		free(out);
	}
	wire_msg_free(m);
	return rc;
}

/* Builds and sends one step's frame; -1 on a bad step or a failed write. */
static int
rf_step(SSL *ssl, const char *step, const char *number, uint64_t id)
{
	struct wire_msg	*m, *it;
	uint8_t		*out, hdr[WIRE_HDR_LEN];
	size_t		 outlen, i, n;
	unsigned long	 v;
	int		 rc = 0, issue, qr, idem;

	if (strcmp(step, "read") == 0 || strncmp(step, "hold:", 5) == 0)
		return 0;
	if (strncmp(step, "part:", 5) == 0)
		return rf_part(ssl, strtoul(step + 5, NULL, 16));
	if (strncmp(step, "len:", 4) == 0) {
		v = strtoul(step + 4, NULL, 16);
		hdr[0] = v >> 24;
		hdr[1] = v >> 16;
		hdr[2] = v >> 8;
		hdr[3] = v;
		return rf_send(ssl, hdr, sizeof(hdr));
	}
	if (strcmp(step, "renew-text") == 0)
		return rf_renew_text(ssl, number, id);
	/* issue-idem:N: N items all with the same idempotency key. */
	idem = problems = strncmp(step, "issue-idem:", 11) == 0;
	issue = idem || strncmp(step, "issue:", 6) == 0;
	qr = strncmp(step, "qr:", 3) == 0;
	if (!issue && !qr && strncmp(step, "verify:", 7) != 0)
		return -1;
	n = strtoul(strchr(step, ':') + 1, NULL, 10);
	if (qr && strcmp(step, "qr:max") == 0)
		n = rf_qr_max(number);
	if ((m = wire_msg_new(issue ? WIRE_ISSUE : WIRE_VERIFY, id)) == NULL)
		return -1;
	for (i = 0; i < n && rc == 0; i++) {
		if ((it = wire_put_item(m, WK_ITEMS)) == NULL)
			rc = -1;
		else if (issue)
			rc = wire_put_bytes(it, WK_RECORD, (const uint8_t *)"",
			    0) | wire_put_str(it, WK_NIK, "3171000000000000") |
			    (idem ? wire_put_str(it, WK_IDEM, "rawframe:1") : 0);
		else if (qr)
			rc = wire_put_str(it, WK_QR, number);
		else
			rc = wire_put_str(it, WK_NUMBER, number);
	}
	if (rc == 0 && (rc = wire_encode(m, &out, &outlen)) == 0) {
		rc = rf_send(ssl, out, outlen);
		free(out);
	}
	wire_msg_free(m);
	return rc;
}

/* for:S: step again and again, each answer awaited, for S seconds. */
static int
rf_for(SSL *ssl, const char *step, const char *number, double secs)
{
	double		t0 = rf_now(), t, slowest = 0;
	unsigned	n = 0, errs = 0;
	uint64_t	id = 1000;
	int		rc = 0;

	quiet = 1;
	while ((t = rf_now()) - t0 < secs) {
		if (rf_step(ssl, step, number, id++) == -1 ||
		    (rc = rf_answer(ssl)) == -1)
			break;
		errs += rc;
		n++;
		if (rf_now() - t > slowest)
			slowest = rf_now() - t;
	}
	quiet = 0;
	printf("for %u requests %u errors max %.0f ms\n", n, errs,
	    slowest * 1000);
	fflush(stdout);
	return rc == -1 ? -1 : 0;
}

int
main(int argc, char **argv)
{
	struct wire_msg	*hello;
	const char	*cert = NULL, *key = NULL;
	uint8_t		*out;
	size_t		 outlen;
	SSL		*ssl;
	int		 ch, i;

	while ((ch = getopt(argc, argv, "c:k:")) != -1) {
		if (ch == 'c')
			cert = optarg;
		else if (ch == 'k')
			key = optarg;
		else
			return 2;
	}
	argc -= optind;
	argv += optind;
	signal(SIGPIPE, SIG_IGN);
	if (argc < 4 || (cert == NULL) != (key == NULL)) {
		fprintf(stderr, "usage: rawframe [-c cert -k key] PORT CAFILE "
		    "NUMBER STEP...\n");
		return 2;
	}
	if ((ssl = rf_connect(atoi(argv[0]), argv[1], cert, key)) == NULL) {
		fprintf(stderr, "rawframe: cannot connect to port %s\n",
		    argv[0]);
		return 1;
	}
	if ((hello = wire_msg_new(WIRE_HELLO, 1)) == NULL ||
	    wire_put_uint(hello, WK_VERSION, WIRE_VERSION) == -1 ||
	    wire_encode(hello, &out, &outlen) == -1 ||
	    rf_send(ssl, out, outlen) == -1 || rf_answer(ssl) == -1)
		return 1;
	for (i = 3; i < argc; i++) {
		if (strncmp(argv[i], "for:", 4) == 0) {
			if (i == 3 || rf_for(ssl, argv[i - 1], argv[2],
			    atof(argv[i] + 4)) == -1)
				return 1;
			continue;
		}
		if (rf_step(ssl, argv[i], argv[2], i - 1) == -1) {
			printf("cannot send step '%s'\n", argv[i]);
			return 1;
		}
		if (strncmp(argv[i], "hold:", 5) == 0)
			sleep(atoi(argv[i] + 5));
		if (strncmp(argv[i], "part:", 5) == 0 ||
		    strncmp(argv[i], "hold:", 5) == 0)
			continue;
		if (rf_answer(ssl) == -1)
			return 0;
	}
	return 0;
}
