/* skkd — SPDX-License-Identifier: ISC */
/*
 * The companion port's TLS context and the client-certificate roles.
 * The handshake accepts any client certificate (the verify callback only
 * records the outcome) so that a client with a foreign certificate is
 * told "not authorised" when it writes instead of failing to connect.
 */

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "log.h"
#include "tls.h"

#define TLS_OLD_MAX	64

static int	tls_verify_cb(int, X509_STORE_CTX *);
static int	tls_use_key(SSL_CTX *, const char *, const char *, char *,
		    size_t);
static void	tls_ssl_error(char *, size_t, const char *, const char *);

/* Contexts replaced by tls_ctx_reload, freed with the last one. */
static SSL_CTX		*old_ctx[TLS_OLD_MAX];
static size_t		 nold;

static struct {
	pthread_mutex_t	 lock;
	char		 path[PATH_MAX];
	time_t		 checked;	/* last stat, unix seconds */
	struct timespec	 mtime;
	off_t		 size;
	char		**serials;	/* upper-case hex */
	size_t		 n;
	int		 failing;	/* the file could not be read */
} revoked = { .lock = PTHREAD_MUTEX_INITIALIZER };

static int
tls_verify_cb(int ok, X509_STORE_CTX *store)
{
	/* The result stays in the session; tls_peer_get() reads it. */
	return 1;
}

static void
tls_ssl_error(char *err, size_t errlen, const char *what, const char *path)
{
	char	buf[160];

	ERR_error_string_n(ERR_get_error(), buf, sizeof(buf));
	snprintf(err, errlen, "%s '%s': %s", what, path, buf);
	ERR_clear_error();
}

/*
 * Opens the key once and checks the mode of that descriptor, so the file
 * whose mode is checked is the file whose key is used.
 */
static int
tls_use_key(SSL_CTX *ctx, const char *what, const char *path, char *err,
    size_t errlen)
{
	struct stat	 st;
	EVP_PKEY	*pkey;
	FILE		*f;
	int		 fd, rc = -1;

	/* O_NONBLOCK: opening a FIFO must not wait for a writer. */
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%s '%s': %s", what, path,
		    strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s '%s': not a regular file", what,
		    path);
		close(fd);
		return -1;
	}
	if (st.st_mode & 077) {
		snprintf(err, errlen, "%s '%s': mode %04o, expected 0600",
		    what, path, (unsigned)(st.st_mode & 07777));
		close(fd);
		return -1;
	}
	if ((f = fdopen(fd, "r")) == NULL) {
		snprintf(err, errlen, "%s '%s': %s", what, path,
		    strerror(errno));
		close(fd);
		return -1;
	}
	if ((pkey = PEM_read_PrivateKey(f, NULL, NULL, NULL)) == NULL)
		tls_ssl_error(err, errlen, what, path);
	else {
		if (SSL_CTX_use_PrivateKey(ctx, pkey) != 1 ||
		    SSL_CTX_check_private_key(ctx) != 1)
			tls_ssl_error(err, errlen, what, path);
		else
			rc = 0;
		EVP_PKEY_free(pkey);
	}
	fclose(f);
	return rc;
}

SSL_CTX *
tls_server_ctx(const char *cert, const char *key, const char *client_ca,
    char *err, size_t errlen)
{
	SSL_CTX			*ctx;
	STACK_OF(X509_NAME)	*names;

	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL) {
		snprintf(err, errlen, "cannot create TLS context");
		return NULL;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
	SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION);
	/* Requests carry NIKs: wipe the plaintext once it is read. */
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION |
	    SSL_OP_CLEANSE_PLAINTEXT);
	/* The chain is the file's: no chain built per handshake. */
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_NO_AUTO_CHAIN);
	if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1) {
		tls_ssl_error(err, errlen, "tls_cert", cert);
		goto fail;
	}
	if (tls_use_key(ctx, "tls_key", key, err, errlen) == -1)
		goto fail;
	if (SSL_CTX_load_verify_locations(ctx, client_ca, NULL) != 1 ||
	    (names = SSL_load_client_CA_file(client_ca)) == NULL) {
		tls_ssl_error(err, errlen, "client_ca", client_ca);
		goto fail;
	}
	SSL_CTX_set_client_CA_list(ctx, names);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_CLIENT_ONCE,
	    tls_verify_cb);
	SSL_CTX_set_session_id_context(ctx, (const unsigned char *)"skkd", 4);
	SSL_CTX_set_num_tickets(ctx, 2);
	return ctx;
fail:
	SSL_CTX_free(ctx);
	return NULL;
}

/*
 * Mozilla "intermediate" (v5.7) for TLS 1.2 and, in its order, 1.3. Unlike
 * Mozilla, the server's order decides (testssl.sh rates "no server cipher
 * order" a finding), with ChaCha20 first for a client that puts it first,
 * as phones without AES instructions do.
 */
#define TLS_HTTPS_CIPHERS \
	"ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:" \
	"ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:" \
	"ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305"
#define TLS_HTTPS_SUITES \
	"TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:" \
	"TLS_CHACHA20_POLY1305_SHA256"

SSL_CTX *
tls_https_ctx(const char *cert, const char *key, char *err, size_t errlen)
{
	SSL_CTX	*ctx;

	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL) {
		snprintf(err, errlen, "cannot create TLS context");
		return NULL;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION |
	    SSL_OP_IGNORE_UNEXPECTED_EOF | SSL_OP_CIPHER_SERVER_PREFERENCE |
	    SSL_OP_PRIORITIZE_CHACHA);
	/* httpd.c drives the socket itself: whole requests in one read,
	 * answers written as they come, buffers released while idle. The
	 * chain is the file's: OpenSSL would otherwise build one from its
	 * store on every full handshake. */
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS |
	    SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
	    SSL_MODE_NO_AUTO_CHAIN);
	SSL_CTX_set_read_ahead(ctx, 1);
	/*
	 * TLS 1.3 in Mozilla's intermediate order too (OpenSSL's own puts
	 * AES-256 with SHA-384 first): a full handshake's key schedule and
	 * transcript then hash with SHA-256, which the CPUs do in hardware.
	 */
	if (SSL_CTX_set_cipher_list(ctx, TLS_HTTPS_CIPHERS) != 1 ||
	    SSL_CTX_set_ciphersuites(ctx, TLS_HTTPS_SUITES) != 1) {
		tls_ssl_error(err, errlen, "http ciphers", "intermediate");
		goto fail;
	}
	if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1) {
		tls_ssl_error(err, errlen, "http_cert", cert);
		goto fail;
	}
	if (tls_use_key(ctx, "http_key", key, err, errlen) == -1)
		goto fail;
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	SSL_CTX_set_session_id_context(ctx, (const unsigned char *)"skkd-www",
	    8);
	/*
	 * One ticket after a full handshake (OpenSSL's default is two):
	 * a phone that scans a card comes back once, if at all, and each
	 * ticket is a session copied, encrypted and sent.
	 */
	SSL_CTX_set_num_tickets(ctx, 1);
	return ctx;
fail:
	SSL_CTX_free(ctx);
	return NULL;
}

void
tls_ctx_free(SSL_CTX *ctx)
{
	size_t	i;

	SSL_CTX_free(ctx);
	for (i = 0; i < nold; i++)
		SSL_CTX_free(old_ctx[i]);
	nold = 0;
}

/* Puts ctx (or, when NULL, nothing: err is set) in *slot for new connections. */
static int
tls_swap(SSL_CTX **slot, SSL_CTX *ctx, char *err, size_t errlen)
{
	if (ctx == NULL)
		return -1;
	if (nold == TLS_OLD_MAX) {
		SSL_CTX_free(ctx);
		snprintf(err, errlen, "too many reloads; restart skkd");
		return -1;
	}
	/* A worker may be in SSL_new with the old one: keep it. */
	old_ctx[nold++] = __atomic_exchange_n(slot, ctx, __ATOMIC_ACQ_REL);
	return 0;
}

int
tls_ctx_reload(SSL_CTX **slot, const char *cert, const char *key,
    const char *client_ca, char *err, size_t errlen)
{
	return tls_swap(slot, tls_server_ctx(cert, key, client_ca, err, errlen),
	    err, errlen);
}

int
tls_https_reload(SSL_CTX **slot, const char *cert, const char *key,
    char *err, size_t errlen)
{
	return tls_swap(slot, tls_https_ctx(cert, key, err, errlen), err,
	    errlen);
}

/*
 * Revoked client certificates. A configured file that is missing or
 * unreadable never means "nothing is revoked": start-up refuses it, and
 * later the list in hand is kept (and the log says why) until the file
 * can be read again.
 */

static int
revoked_add(char ***v, size_t *cnt, const char *serial)
{
	char	**nv;

	if ((nv = reallocarray(*v, *cnt + 1, sizeof(**v))) == NULL)
		return -1;
	*v = nv;
	if ((nv[*cnt] = strdup(serial)) == NULL)
		return -1;
	(*cnt)++;
	return 0;
}

static void
revoked_free_list(char **v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* The serials of path into *out; -1 with err if it cannot all be read. */
static int
revoked_read(const char *path, char ***out, size_t *n, char *err,
    size_t errlen)
{
	FILE	*f;
	char	 line[128], *p, *e, **v = NULL;
	size_t	 cnt = 0;
	int	 bad = 0;

	*out = NULL;
	*n = 0;
	if ((f = fopen(path, "re")) == NULL) {
		snprintf(err, errlen, "revoked_clients '%s': %s%s", path,
		    strerror(errno), errno == ENOENT ? " (an empty file "
		    "revokes nothing; a missing one is refused)" : "");
		return -1;
	}
	while (!bad && fgets(line, sizeof(line), f) != NULL) {
		for (p = line; isspace((unsigned char)*p); p++)
			;
		for (e = p; isxdigit((unsigned char)*e); e++)
			*e = toupper((unsigned char)*e);
		*e = '\0';
		if (*p != '\0' && revoked_add(&v, &cnt, p) == -1)
			bad = ENOMEM;
	}
	if (!bad && ferror(f))
		bad = errno != 0 ? errno : EIO;
	fclose(f);
	if (bad) {
		snprintf(err, errlen, "revoked_clients '%s': %s", path,
		    strerror(bad));
		revoked_free_list(v, cnt);
		return -1;
	}
	*out = v;
	*n = cnt;
	return 0;
}

static void
revoked_free(void)
{
	revoked_free_list(revoked.serials, revoked.n);
	revoked.serials = NULL;
	revoked.n = 0;
}

/*
 * Under the lock; force ignores the once-a-second limit and the file's
 * unchanged stat. -1 with err when the file cannot be read: the list in
 * hand stays.
 */
static int
revoked_refresh(int force, char *err, size_t errlen)
{
	struct stat	 st;
	time_t		 now = time(NULL);
	char		**v;
	size_t		 n;

	if (revoked.path[0] == '\0' || (!force && now == revoked.checked))
		return 0;
	revoked.checked = now;
	if (stat(revoked.path, &st) == -1)
		return revoked_read(revoked.path, &v, &n, err, errlen);
	if (!force && st.st_mtim.tv_sec == revoked.mtime.tv_sec &&
	    st.st_mtim.tv_nsec == revoked.mtime.tv_nsec &&
	    st.st_size == revoked.size)
		return 0;
	if (revoked_read(revoked.path, &v, &n, err, errlen) == -1)
		return -1;
	revoked_free();
	revoked.serials = v;
	revoked.n = n;
	revoked.mtime = st.st_mtim;
	revoked.size = st.st_size;
	return 0;
}

int
tls_revoked_set(const char *path, char *err, size_t errlen)
{
	int	rc;

	pthread_mutex_lock(&revoked.lock);
	snprintf(revoked.path, sizeof(revoked.path), "%s", path);
	rc = revoked_refresh(1, err, errlen);
	pthread_mutex_unlock(&revoked.lock);
	return rc;
}

int
tls_revoked_reload(char *err, size_t errlen)
{
	int	rc;

	pthread_mutex_lock(&revoked.lock);
	rc = revoked_refresh(1, err, errlen);
	revoked.failing = rc == -1;
	pthread_mutex_unlock(&revoked.lock);
	return rc;
}

int
tls_revoked(const char *serial)
{
	char	err[PATH_MAX + 64];
	size_t	i;
	int	found = 0;

	pthread_mutex_lock(&revoked.lock);
	if (revoked_refresh(0, err, sizeof(err)) == -1) {
		if (!revoked.failing)	/* once, not once a second */
			log_warnx("keeping the %zu revoked client "
			    "certificates known: %s", revoked.n, err);
		revoked.failing = 1;
	} else
		revoked.failing = 0;
	for (i = 0; i < revoked.n && !found; i++)
		found = strcasecmp(revoked.serials[i], serial) == 0;
	pthread_mutex_unlock(&revoked.lock);
	return found;
}

void
tls_revoked_free(void)
{
	pthread_mutex_lock(&revoked.lock);
	revoked_free();
	pthread_mutex_unlock(&revoked.lock);
}

const char *
tls_role_name(enum tls_role role)
{
	switch (role) {
	case ROLE_ADMIN:
		return "admin";
	case ROLE_READER:
		return "reader";
	default:
		return "anyone";
	}
}

static enum tls_role
tls_role_of(X509 *x)
{
	X509_NAME	*name = X509_get_subject_name(x);
	char		 ou[32];

	if (X509_NAME_get_text_by_NID(name, NID_organizationalUnitName, ou,
	    sizeof(ou)) <= 0)
		return ROLE_NONE;
	if (strcmp(ou, "admin") == 0)
		return ROLE_ADMIN;
	if (strcmp(ou, "reader") == 0)
		return ROLE_READER;
	return ROLE_NONE;
}

static void
tls_peer_names(X509 *x, struct tls_peer *p)
{
	ASN1_INTEGER	*sn = X509_get_serialNumber(x);
	BIGNUM		*bn;
	char		*hex;

	X509_NAME_oneline(X509_get_subject_name(x), p->subject,
	    sizeof(p->subject));
	if (X509_NAME_get_text_by_NID(X509_get_subject_name(x),
	    NID_organizationName, p->org, sizeof(p->org)) <= 0)
		p->org[0] = '\0';
	if ((bn = ASN1_INTEGER_to_BN(sn, NULL)) != NULL &&
	    (hex = BN_bn2hex(bn)) != NULL) {
		snprintf(p->serial, sizeof(p->serial), "%s", hex);
		OPENSSL_free(hex);
	}
	BN_free(bn);
}

void
tls_peer_get(SSL *ssl, struct tls_peer *p)
{
	X509	*x;
	long	 vr;

	memset(p, 0, sizeof(*p));
	p->role = ROLE_NONE;
	if ((x = SSL_get0_peer_certificate(ssl)) == NULL) {
		snprintf(p->why, sizeof(p->why), "no client certificate");
		return;
	}
	tls_peer_names(x, p);
	if ((vr = SSL_get_verify_result(ssl)) != X509_V_OK) {
		snprintf(p->why, sizeof(p->why),
		    "client certificate not trusted (%s)",
		    X509_verify_cert_error_string(vr));
		return;
	}
	/* The session may be older than the certificate's expiry. */
	if (X509_cmp_current_time(X509_get0_notAfter(x)) <= 0 ||
	    X509_cmp_current_time(X509_get0_notBefore(x)) >= 0) {
		snprintf(p->why, sizeof(p->why),
		    "client certificate outside its validity");
		return;
	}
	if (tls_revoked(p->serial)) {
		snprintf(p->why, sizeof(p->why),
		    "client certificate %s revoked", p->serial);
		return;
	}
	if ((p->role = tls_role_of(x)) == ROLE_NONE)
		snprintf(p->why, sizeof(p->why),
		    "client certificate names no role");
}

/* Sessions on accepted sockets. */

SSL *
tls_accept(SSL_CTX *ctx, int fd)
{
	SSL	*ssl;

	if ((ssl = SSL_new(ctx)) == NULL)
		return NULL;
	if (fd != -1 && SSL_set_fd(ssl, fd) != 1) {
		SSL_free(ssl);
		return NULL;
	}
	SSL_set_accept_state(ssl);
	return ssl;
}

void
tls_close(SSL *ssl, int notify)
{
	if (ssl == NULL)
		return;
	if (notify)
		SSL_shutdown(ssl);
	SSL_free(ssl);
	ERR_clear_error();
}

int
tls_error_text(unsigned long e, char *buf, size_t len)
{
	if (ERR_GET_LIB(e) == 0)
		return -1;
	ERR_error_string_n(e, buf, len);
	return 0;
}

static enum tls_io
tls_io_why(SSL *ssl, int r)
{
	switch (SSL_get_error(ssl, r)) {
	case SSL_ERROR_WANT_READ:
		return TLS_IO_WANT_READ;
	case SSL_ERROR_WANT_WRITE:
		return TLS_IO_WANT_WRITE;
	case SSL_ERROR_ZERO_RETURN:
		return TLS_IO_EOF;
	case SSL_ERROR_SYSCALL:
		if (errno == EAGAIN || errno == EINTR)
			return TLS_IO_WANT_READ;
		/* FALLTHROUGH */
	default:
		return TLS_IO_ERR;
	}
}

enum tls_io
tls_handshake(SSL *ssl)
{
	int	r;

	ERR_clear_error();
	if ((r = SSL_do_handshake(ssl)) == 1)
		return TLS_IO_OK;
	return tls_io_why(ssl, r);
}

enum tls_io
tls_read(SSL *ssl, char *buf, size_t len, size_t *got)
{
	int	r;

	*got = 0;
	ERR_clear_error();
	if ((r = SSL_read(ssl, buf, len > INT_MAX ? INT_MAX : (int)len)) > 0) {
		*got = (size_t)r;
		return TLS_IO_OK;
	}
	return tls_io_why(ssl, r);
}

enum tls_io
tls_write(SSL *ssl, const char *buf, size_t len, size_t *put)
{
	int	r;

	*put = 0;
	ERR_clear_error();
	if ((r = SSL_write(ssl, buf, len > INT_MAX ? INT_MAX : (int)len)) >
	    0) {
		*put = (size_t)r;
		return TLS_IO_OK;
	}
	return tls_io_why(ssl, r);
}

int
tls_pending(SSL *ssl)
{
	return SSL_has_pending(ssl);
}
