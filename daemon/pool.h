/* skkd — SPDX-License-Identifier: ISC */
/*
 * The worker pool, shared by both ports (companion TLS in conn.c, HTTPS
 * and metrics in httpd.c): one thread per worker, each running its own
 * event loop with its own LMDB reader. A listening socket is dup'd into
 * every loop, so a connection lives and dies on the loop that accepted
 * it. The pool owns the threads, loops, readers and per-loop listeners;
 * each port owns its listening sockets and its connections.
 */
#ifndef DAEMON_POOL_H
#define DAEMON_POOL_H

#include <stddef.h>

#include <sys/socket.h>

/*
 * Event priorities of a worker loop: everything runs at the default
 * (POOL_PRIOS / 2); slices of long requests run at POOL_PRIO_SLICE, only
 * in a turn where nothing else is ready.
 */
#define POOL_PRIOS		3
#define POOL_PRIO_SLICE		2
#define POOL_SET_MAX		2	/* sockets in one listening set */

struct pool;
struct event_base;
struct store_rd;

/*
 * A connection accepted on worker i's loop from socket number which of
 * its set (as given to pool_listen); fd is the callee's from now on.
 */
typedef void	pool_accept_fn(void *arg, unsigned i, unsigned which, int fd,
		    struct sockaddr *, int salen);

/* nworkers loops, not yet running. NULL with a reason in err. */
struct pool	*pool_new(unsigned nworkers, char *err, size_t errlen);
/*
 * A listening socket on text ("ADDR:PORT"); the caller owns it. -1 with
 * "listen ADDR:PORT: why" in err.
 */
int		 pool_bind(const char *text, char *err, size_t errlen);
/*
 * Accepts on every loop from fds[0..n-1] (-1 entries are skipped), which
 * stay the caller's and must outlive the pool's loops. Out of
 * descriptors, a loop pauses the whole set for a moment instead of
 * spinning, warning as "what: ..." at most every few seconds. Before
 * pool_run. Returns the set's number, or -1 with err.
 */
int		 pool_listen(struct pool *, const char *what, const int *fds,
		    unsigned n, pool_accept_fn *, void *arg, char *err,
		    size_t errlen);
/* Any thread: every loop stops accepting on the set from its next turn. */
void		 pool_close_set(struct pool *, int set);
/* Starts the threads; pool_stop returns once they have exited. */
void		 pool_run(struct pool *);
void		 pool_stop(struct pool *);	/* any thread */
/* After pool_stop and after the ports have closed their connections. */
void		 pool_free(struct pool *);

/*
 * Worker i's event base and LMDB reader: use them only from that
 * worker's thread (or before pool_run / after pool_stop).
 */
unsigned	 pool_nworkers(const struct pool *);
struct event_base *pool_base(const struct pool *, unsigned i);
struct store_rd	*pool_reader(const struct pool *, unsigned i);

#endif
