/* skkd — SPDX-License-Identifier: ISC */
/*
 * The client's side of the companion protocol: one blocking TLS 1.3
 * connection to skkd, the HELLO exchange, and framed requests matched to
 * their answers by id, so that many requests can be in flight at once.
 * The only client module that calls OpenSSL's SSL_* functions.
 */
#ifndef CLIENT_NET_H
#define CLIENT_NET_H

#include <stddef.h>
#include <stdint.h>

#include "skkconf.h"
#include "wire.h"

#define NET_CONNECT_TIMEOUT	10		/* seconds: TCP + TLS, absolute */
#define NET_READ_TIMEOUT	120		/* seconds without any byte */
#define NET_MAX_FRAME		(64u * 1024 * 1024)	/* from the server */

enum net_role {
	NET_ROLE_UNKNOWN = 0,	/* the server did not say */
	NET_ROLE_NONE,		/* no usable client certificate */
	NET_ROLE_READER,
	NET_ROLE_ADMIN
};

struct net;

/*
 * Connects to c->server, checks the server certificate against c->ca only
 * (and c->pin when set), presents c->cert if set, and exchanges HELLO.
 * Returns 0 and *np, or a sysexits status with a one-line reason in err:
 * EX_CONFIG (files), EX_NOHOST, EX_UNAVAILABLE (connect), EX_PROTOCOL
 * (TLS, trust, pin, version).
 */
int		 net_open(const struct skkconf *c, struct net **np, char *err,
		    size_t errlen);
void		 net_close(struct net *);	/* NULL is a no-op */

enum net_role	 net_role(const struct net *);
/* Items one request may hold: the daemon's max_batch, at most 10,000. */
size_t		 net_max_batch(const struct net *);
/*
 * Bytes of query text one request may carry: 4 MiB, or what fits the
 * daemon's WIRE_ANON_FRAME_MAX when it saw no client certificate.
 */
size_t		 net_max_bytes(const struct net *);
const char	*net_server_name(const struct net *);	/* HELLO NAME */

/* A new request with the connection's next id; the caller frees it. */
struct wire_msg	*net_request(struct net *, enum wire_type);

/*
 * Sends one request. While the socket is full, answers already arriving
 * are buffered, so a long pipeline cannot deadlock. 0, or -1 (see
 * net_error).
 */
int		 net_send(struct net *, const struct wire_msg *);

/*
 * The answer to request id, waiting for it if needed; answers to other
 * ids are kept for later calls. An ERROR with id 0 (about the connection)
 * is returned to whichever call is waiting. The caller frees the answer.
 * NULL on a broken connection, a timeout or a bad frame (see net_error).
 */
struct wire_msg	*net_recv(struct net *, uint64_t id);

/* After a failure: the reason and its sysexits status. */
const char	*net_error(const struct net *);
int		 net_status(const struct net *);

#endif
