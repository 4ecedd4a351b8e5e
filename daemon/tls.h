/* skkd — SPDX-License-Identifier: ISC */
/*
 * TLS for both ports: the only daemon module that calls OpenSSL's SSL
 * layer (contexts, sessions, raw I/O; conn.c hands its sessions to
 * bufferevent_openssl). Clients without a certificate may verify; the
 * role comes from a certificate signed by the instance's client CA.
 */
#ifndef DAEMON_TLS_H
#define DAEMON_TLS_H

#include <stddef.h>

#include <openssl/ssl.h>

enum tls_role {
	ROLE_NONE = 0,		/* anyone: may verify */
	ROLE_READER,
	ROLE_ADMIN		/* may write */
};

struct tls_peer {
	enum tls_role	role;
	char		subject[121];	/* one-line subject (CERT_TEXT_MAX) */
	char		serial[41];	/* hex (CERT_SHORT_MAX) */
	char		org[65];	/* subject O, "" none */
	char		why[128];	/* why the role is NONE, if a cert was shown */
};

/*
 * Builds the server context: TLS 1.3 only, certificate chain and key
 * (refused unless 0600), client certificates requested and checked
 * against client_ca, session tickets on. NULL with a reason in err.
 */
SSL_CTX		*tls_server_ctx(const char *cert, const char *key,
		    const char *client_ca, char *err, size_t errlen);
/* Frees ctx and every context tls_ctx_reload replaced. */
void		 tls_ctx_free(SSL_CTX *);
/*
 * SIGHUP: builds a new context from the files and swaps it into *slot
 * for new connections (existing ones keep theirs). On error *slot is
 * unchanged and err says why.
 */
int		 tls_ctx_reload(SSL_CTX **slot, const char *cert,
		    const char *key, const char *client_ca, char *err,
		    size_t errlen);
/* The same for the HTTPS context. */
int		 tls_https_reload(SSL_CTX **slot, const char *cert,
		    const char *key, char *err, size_t errlen);

/*
 * Revoked client certificates: a file of hex serials, one a line. The
 * file is looked at (stat) at most once a second and re-read when it
 * changed, so a revocation reaches even resumed sessions promptly.
 * A file that cannot be read fails closed: tls_revoked_set (start-up)
 * and tls_revoked_reload (SIGHUP) return -1 with err, and the serials
 * already known stay revoked.
 */
int		 tls_revoked_set(const char *path, char *err, size_t errlen);
int		 tls_revoked_reload(char *err, size_t errlen);
int		 tls_revoked(const char *serial);
void		 tls_revoked_free(void);

/*
 * The HTTPS context: TLS 1.2 and 1.3 with the Mozilla "intermediate"
 * ciphers, no client certificates, session tickets on. Key refused
 * unless 0600. NULL with a reason in err.
 */
SSL_CTX		*tls_https_ctx(const char *cert, const char *key, char *err,
		    size_t errlen);

/*
 * The peer's role, decided afresh on each call from the certificate kept
 * in the session (resumed sessions included): chain verified against the
 * client CA, within its validity now, OU naming the role.
 */
void		 tls_peer_get(SSL *, struct tls_peer *);
const char	*tls_role_name(enum tls_role);

/*
 * Sessions on accepted sockets. tls_accept makes the server side of a
 * session on fd (-1: a bufferevent sets it); NULL out of memory.
 * tls_close sends close_notify first when notify is set (best effort,
 * never waits), then frees.
 */
SSL		*tls_accept(SSL_CTX *, int fd);
void		 tls_close(SSL *, int notify);
/* OpenSSL's reason for error e, if it has one: 0, or -1 (a bare
 * socket error). */
int		 tls_error_text(unsigned long e, char *buf, size_t len);

/*
 * Raw I/O on a non-blocking socket (the HTTPS port drives its sockets
 * itself): what a step came to. TLS_IO_ERR means the session failed and
 * must end without close_notify.
 */
enum tls_io {
	TLS_IO_OK,
	TLS_IO_WANT_READ,
	TLS_IO_WANT_WRITE,
	TLS_IO_EOF,
	TLS_IO_ERR
};

enum tls_io	 tls_handshake(SSL *);
enum tls_io	 tls_read(SSL *, char *buf, size_t len, size_t *got);
enum tls_io	 tls_write(SSL *, const char *buf, size_t len, size_t *put);
/* Records already decrypted that raise no event on the socket. */
int		 tls_pending(SSL *);

#endif
