/* skkd — SPDX-License-Identifier: ISC */
/*
 * Listeners, worker event loops and companion-protocol connections.
 * Each worker thread runs one event loop that owns its connections; write
 * jobs go to the writer thread and come back to the loop that sent them.
 */
#ifndef DAEMON_SERVER_H
#define DAEMON_SERVER_H

#include <stdint.h>
#include <sys/queue.h>

#include "tls.h"
#include "wire.h"
#include "writer.h"

struct conn;
struct server;

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

/* Binds the listener (clear error if the port is taken); 0 or -1. */
struct server	*server_new(char *err, size_t errlen);
/* Runs the workers until server_stop(); returns when they have exited. */
void		 server_run(struct server *);
void		 server_stop(struct server *);	/* any thread */
/*
 * Graceful stop, before server_stop: no new connections; waits up to
 * timeout seconds for the jobs at the writer to be answered. 0, or -1
 * when some were still pending.
 */
int		 server_drain(struct server *, unsigned timeout);
void		 server_free(struct server *);

/*
 * For other listeners (HTTPS, metrics) that run on the same worker loops:
 * the number of workers, worker i's event base and its LMDB reader (use
 * them only from that worker's thread). Valid between server_new and
 * server_free; listeners must be added before server_run.
 */
unsigned	 server_nworkers(const struct server *);
struct event_base *server_base(const struct server *, unsigned i);
struct store_rd	*server_reader(const struct server *, unsigned i);

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
 * One opaque object a handler keeps between requests on a connection (a
 * batch being staged); stage_free runs on it when the connection closes.
 */
void		*conn_stage(struct conn *);
void		 conn_set_stage(struct conn *, void *stage,
		    void (*stage_free)(void *));
int		 conn_alive(const struct conn *);
/* Hands job to the writer; the connection is held until finish runs. */
void		 conn_submit(struct conn *, struct djob *);
/*
 * Calls fn(c, arg) on the connection's loop once the loop has polled for
 * I/O again, so that other connections are served meanwhile. Until fn
 * returns without yielding again, no further request of c is handled
 * (answers keep their order) and c stays in memory; fn must check
 * conn_alive and only free arg when the connection has closed.
 */
void		 conn_yield(struct conn *, void (*fn)(struct conn *, void *),
		    void *arg);
/* Ends the connection after what is queued has been sent. */
void		 conn_fail(struct conn *, enum wire_err, const char *why);

#endif
