/* skkd — SPDX-License-Identifier: ISC */
/*
 * Worker threads and their event loops, and the listeners both ports
 * accept on. Each listening socket is dup'd into every loop, and the
 * kernel hands each new connection to one of them; from then on only
 * that loop touches it. Running out of descriptors pauses accepting on
 * that loop for a moment instead of spinning on the ready socket.
 */

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/listener.h>
#include <event2/thread.h>

#include "conf.h"
#include "log.h"
#include "pool.h"
#include "store.h"
#include "skkd.h"

#define POOL_SETS		4	/* listening sets: one per port */
#define ACCEPT_PAUSE_USEC	250000	/* out of descriptors: retry */
#define ACCEPT_WARN_EVERY	10	/* seconds between warnings */

/* One listening set as a port gave it. */
struct pset {
	const char		*what;
	pool_accept_fn		*fn;
	void			*arg;
};

/* That set on one loop. */
struct plisten {
	struct pworker		*w;
	const struct pset	*set;
	struct evconnlistener	*l[POOL_SET_MAX];
	struct event		*resume;	/* re-enable after EMFILE */
	time_t			 warned;	/* last EMFILE warning */
};

struct pworker {
	unsigned		 i;
	pthread_t		 thread;
	struct event_base	*base;
	struct store_rd		*rd;
	struct plisten		 ls[POOL_SETS];
};

struct pool {
	unsigned		 n;
	struct pworker		*w;
	struct pset		 sets[POOL_SETS];
	unsigned		 nsets;
};

static void	pool_accept_cb(struct evconnlistener *, evutil_socket_t,
		    struct sockaddr *, int, void *);
static void	pool_accept_error_cb(struct evconnlistener *, void *);
static void	pool_resume_cb(evutil_socket_t, short, void *);

struct pool *
pool_new(unsigned nworkers, char *err, size_t errlen)
{
	struct pool	*p;
	unsigned	 i;

	if (evthread_use_pthreads() == -1) {
		snprintf(err, errlen, "libevent without thread support");
		return NULL;
	}
	if ((p = calloc(1, sizeof(*p))) == NULL ||
	    (p->w = calloc(nworkers, sizeof(*p->w))) == NULL) {
		free(p);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	p->n = nworkers;
	for (i = 0; i < nworkers; i++) {
		p->w[i].i = i;
		if ((p->w[i].base = event_base_new()) == NULL ||
		    event_base_priority_init(p->w[i].base, POOL_PRIOS) == -1 ||
		    (p->w[i].rd = store_rd_new(skkd->store)) == NULL) {
			snprintf(err, errlen, "cannot set up a worker: %s",
			    strerror(errno));
			pool_free(p);
			return NULL;
		}
	}
	return p;
}

int
pool_bind(const char *text, char *err, size_t errlen)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len;
	char			 why[256];
	int			 fd, on = 1;

	if (conf_parse_hostport(text, &ss, &len, why, sizeof(why)) == -1) {
		snprintf(err, errlen, "listen %s: %s", text, why);
		return -1;
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (fd == -1) {
		snprintf(err, errlen, "listen %s: %s", text, strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (bind(fd, (struct sockaddr *)&ss, len) == -1 ||
	    listen(fd, 1024) == -1) {
		snprintf(err, errlen, "listen %s: %s", text, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static int
pool_listen_one(struct plisten *pl, unsigned k, int lfd, char *err,
    size_t errlen)
{
	int	fd;

	if ((fd = dup(lfd)) == -1) {
		snprintf(err, errlen, "dup: %s", strerror(errno));
		return -1;
	}
	/* Backlog 0: the socket already listens with 1024; -1 would make
	 * libevent listen() again with 128. */
	pl->l[k] = evconnlistener_new(pl->w->base, pool_accept_cb, pl,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 0, fd);
	if (pl->l[k] == NULL) {
		close(fd);
		snprintf(err, errlen, "cannot listen: %s", strerror(errno));
		return -1;
	}
	evconnlistener_set_error_cb(pl->l[k], pool_accept_error_cb);
	return 0;
}

int
pool_listen(struct pool *p, const char *what, const int *fds, unsigned n,
    pool_accept_fn *fn, void *arg, char *err, size_t errlen)
{
	struct plisten	*pl;
	unsigned	 i, k, s = p->nsets;

	if (s == POOL_SETS || n > POOL_SET_MAX) {
		snprintf(err, errlen, "too many listeners");
		return -1;
	}
	p->sets[s].what = what;
	p->sets[s].fn = fn;
	p->sets[s].arg = arg;
	p->nsets++;
	for (i = 0; i < p->n; i++) {
		pl = &p->w[i].ls[s];
		pl->w = &p->w[i];
		pl->set = &p->sets[s];
		if ((pl->resume = evtimer_new(pl->w->base, pool_resume_cb,
		    pl)) == NULL) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		for (k = 0; k < n; k++)
			if (fds[k] != -1 &&
			    pool_listen_one(pl, k, fds[k], err, errlen) == -1)
				return -1;
	}
	return (int)s;
}

static void
pool_accept_cb(struct evconnlistener *l, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct plisten	*pl = arg;
	unsigned	 k;

	for (k = 0; k < POOL_SET_MAX - 1 && pl->l[k] != l; k++)
		continue;
	pl->set->fn(pl->set->arg, pl->w->i, k, fd, sa, salen);
}

static void
pool_set_enable(struct plisten *pl, int on)
{
	unsigned	k;

	for (k = 0; k < POOL_SET_MAX; k++) {
		if (pl->l[k] == NULL)
			continue;
		if (on)
			evconnlistener_enable(pl->l[k]);
		else
			evconnlistener_disable(pl->l[k]);
	}
}

/*
 * Out of descriptors: pause the set instead of spinning. The pause is
 * short so that service resumes soon after descriptors are freed; the
 * warning is rate-limited since it repeats at each retry.
 */
static void
pool_accept_error_cb(struct evconnlistener *l, void *arg)
{
	struct plisten	*pl = arg;
	struct timeval	 tv = { 0, ACCEPT_PAUSE_USEC };
	time_t		 now = time(NULL);

	if (now - pl->warned >= ACCEPT_WARN_EVERY) {
		log_warn("%s", pl->set->what);
		pl->warned = now;
	}
	pool_set_enable(pl, 0);
	evtimer_add(pl->resume, &tv);
}

static void
pool_resume_cb(evutil_socket_t fd, short ev, void *arg)
{
	pool_set_enable(arg, 1);
}

/* On the worker's own loop: no new connections on this set from now. */
static void
pool_close_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct plisten	*pl = arg;

	pool_set_enable(pl, 0);
	if (pl->resume != NULL)
		event_del(pl->resume);
}

void
pool_close_set(struct pool *p, int set)
{
	unsigned	i;

	for (i = 0; i < p->n; i++)
		event_base_once(p->w[i].base, -1, EV_TIMEOUT, pool_close_cb,
		    &p->w[i].ls[set], NULL);
}

static void *
pool_main(void *arg)
{
	struct pworker	*w = arg;

	event_base_dispatch(w->base);
	return NULL;
}

void
pool_run(struct pool *p)
{
	unsigned	i;

	for (i = 0; i < p->n; i++)
		if (pthread_create(&p->w[i].thread, NULL, pool_main,
		    &p->w[i]) != 0)
			fatal("pthread_create");
}

void
pool_stop(struct pool *p)
{
	unsigned	i;

	for (i = 0; i < p->n; i++)
		event_base_loopbreak(p->w[i].base);
	for (i = 0; i < p->n; i++)
		pthread_join(p->w[i].thread, NULL);
}

static void
pool_release(struct pworker *w)
{
	struct plisten	*pl;
	unsigned	 s, k;

	/*
	 * Pointers are cleared as they are freed: the loop runs below, and
	 * a pool_close_cb still pending there looks at them.
	 */
	for (s = 0; s < POOL_SETS; s++) {
		pl = &w->ls[s];
		for (k = 0; k < POOL_SET_MAX; k++) {
			if (pl->l[k] != NULL)
				evconnlistener_free(pl->l[k]);
			pl->l[k] = NULL;
		}
		if (pl->resume != NULL)
			event_free(pl->resume);
		pl->resume = NULL;
	}
	store_rd_free(w->rd);
	/*
	 * A closed bufferevent with deferred callbacks still pending holds a
	 * reference until they run; run them so it is freed.
	 */
	if (w->base != NULL) {
		event_base_loop(w->base, EVLOOP_NONBLOCK);
		event_base_loop(w->base, EVLOOP_NONBLOCK);
		event_base_free(w->base);
	}
}

void
pool_free(struct pool *p)
{
	unsigned	i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n; i++)
		pool_release(&p->w[i]);
	free(p->w);
	free(p);
}

unsigned
pool_nworkers(const struct pool *p)
{
	return p->n;
}

struct event_base *
pool_base(const struct pool *p, unsigned i)
{
	return p->w[i].base;
}

struct store_rd *
pool_reader(const struct pool *p, unsigned i)
{
	return p->w[i].rd;
}
