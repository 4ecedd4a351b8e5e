/* skkd — SPDX-License-Identifier: ISC */
/*
 * The companion port and its connections, on the worker pool's loops
 * (pool.h). The port owns its listening socket and its connections; a
 * connection hands each decoded request to the handlers the port was
 * given (dispatch.c's, passed in by main.c, so this module never calls
 * up) and sends their answers. Write jobs go to the writer thread and
 * come back to the loop that sent them.
 */
#ifndef DAEMON_CONN_H
#define DAEMON_CONN_H

#include <stdint.h>
#include <sys/queue.h>

#include "tls.h"
#include "wire.h"
#include "writer.h"

struct conn;
struct conn_port;
struct pool;

/*
 * A write request on its way through the writer thread. finish runs on
 * the connection's loop after the commit; the connection may have closed
 * meanwhile (conn_alive() says), but its memory stays until then.
 */
struct djob {
	struct wjob		 wj;
	struct conn		*conn;
	uint64_t		 id;		/* request id to answer */
	void			(*finish)(struct djob *);
	TAILQ_ENTRY(djob)	 entry;
};

/*
 * The request handlers: hello answers the HELLO (-1 when the connection
 * must close); request handles each later one. Both own msg.
 */
struct conn_handlers {
	int	(*hello)(struct conn *, struct wire_msg *msg);
	void	(*request)(struct conn *, struct wire_msg *msg);
};

/*
 * Binds listen (clear error if the port is taken) and accepts on every
 * loop of the pool, before pool_run. NULL with a reason in err.
 */
struct conn_port *conn_port_new(struct pool *, const struct conn_handlers *,
		    char *err, size_t errlen);
/*
 * Graceful stop, before pool_stop: no new connections; waits up to
 * timeout seconds for the jobs at the writer to be answered. 0, or -1
 * when some were still pending.
 */
int		 conn_port_drain(struct conn_port *, unsigned timeout);
/* After pool_stop and writer_stop, before pool_free; NULL is a no-op. */
void		 conn_port_free(struct conn_port *);

/* Encodes, queues and frees msg. */
void		 conn_reply(struct conn *, struct wire_msg *msg);
void		 conn_reply_error(struct conn *, uint64_t id, enum wire_err,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* The peer's role, decided afresh from its certificate. */
void		 conn_peer(struct conn *, struct tls_peer *);
struct store_rd	*conn_reader(struct conn *);
/* The peer's address as rate.c keys it (RATE_KEY_LEN bytes). */
const uint8_t	*conn_addr_key(const struct conn *);
/*
 * A handler answering in later turns (conn_yield) keeps the request it
 * was given, to free with wire_msg_free; the dispatcher asks
 * conn_request_kept (which forgets it) before freeing one.
 */
struct wire_msg	*conn_keep_request(struct conn *, const struct wire_msg *);
int		 conn_request_kept(struct conn *);
/*
 * One opaque object a handler keeps between requests on a connection (a
 * batch being staged); stage_free runs on it when the connection closes.
 */
void		*conn_stage(struct conn *);
void		 conn_set_stage(struct conn *, void *stage,
		    void (*stage_free)(void *));
int		 conn_alive(const struct conn *);
/* Hands job to the writer; the connection is held until finish runs. */
void		 conn_submit(struct conn *, struct djob *);
/* The protocol version its HELLO agreed (PROTOCOL.md §3.6); 0 before. */
void		 conn_set_version(struct conn *, unsigned);
unsigned	 conn_version(const struct conn *);
/*
 * A turn waiting on a connection, kept in the object of whoever yields
 * (so that yielding cannot fail): several may wait at once, a chunk
 * being read and the answers of batches committed meanwhile.
 */
struct conn_turn {
	TAILQ_ENTRY(conn_turn)	 entry;
	void			(*fn)(struct conn *, void *);
	void			*arg;
};
/*
 * Calls fn(c, arg) on the connection's loop once the loop has polled for
 * I/O again, so that other connections are served meanwhile; turns
 * waiting on one connection run one a loop pass, in order. While any
 * waits, no further request of c is handled (answers keep their order)
 * and c stays in memory; fn must check conn_alive and only free arg when
 * the connection has closed. t is the caller's until fn runs.
 */
void		 conn_yield(struct conn *, struct conn_turn *t,
		    void (*fn)(struct conn *, void *), void *arg);
/* Ends the connection after what is queued has been sent. */
void		 conn_fail(struct conn *, enum wire_err, const char *why);

#endif
