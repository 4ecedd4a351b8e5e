/* skkd — SPDX-License-Identifier: ISC */
/*
 * skkd publish. A reader of the store like any other: LMDB lets a second
 * process read while skkd writes, and one snapshot gives a checkpoint
 * and tiles that agree. A mirror that copies DIR after the run sees the
 * new tiles before the checkpoint that needs them.
 */

#include <sys/stat.h>

#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "bgthread.h"
#include "conf.h"
#include "keys.h"
#include "log.h"
#include "publish.h"
#include "skkd.h"
#include "statuspub.h"
#include "tlog.h"
#include "trustdoc.h"

struct pub {
	const char	*dir;
	uint8_t		*buf;		/* TLOG_TILE_MAX */
	unsigned long	 written, kept, lists;
	/* What the last publication was of: tree size, cosigned note. */
	uint64_t	 size;
	uint8_t		 cosigned[MERKLE_HASH_LEN];	/* SHA-256, or 0s */
	char		 err[PATH_MAX + 128];
};

/* mkdir -p of the directories above path (inside dir). */
static int
pub_mkdirs(struct pub *p, char *path)
{
	char	*s;

	for (s = path + strlen(p->dir) + 1; (s = strchr(s, '/')) != NULL;
	    s++) {
		*s = '\0';
		if (mkdir(path, 0755) == -1 && errno != EEXIST) {
			snprintf(p->err, sizeof(p->err), "'%s': %s", path,
			    strerror(errno));
			*s = '/';
			return -1;
		}
		*s = '/';
	}
	return 0;
}

/* rel under dir, through rel.tmp and rename; kept if full and there. */
static int
pub_file(struct pub *p, const char *rel, const void *data, size_t len,
    int immutable)
{
	char		path[PATH_MAX], tmp[PATH_MAX + 16];
	struct stat	st;
	int		fd, ok;

	if (snprintf(path, sizeof(path), "%s/%s", p->dir, rel) >=
	    (int)sizeof(path)) {
		snprintf(p->err, sizeof(p->err), "'%s/%s': path too long",
		    p->dir, rel);
		return -1;
	}
	if (immutable && stat(path, &st) == 0 && (size_t)st.st_size == len) {
		p->kept++;
		return 0;
	}
	if (pub_mkdirs(p, path) == -1)
		return -1;
	snprintf(tmp, sizeof(tmp), "%s.tmp%ld", path, (long)getpid());
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644)) == -1) {
		snprintf(p->err, sizeof(p->err), "'%s': %s", tmp,
		    strerror(errno));
		return -1;
	}
	ok = write(fd, data, len) == (ssize_t)len && fsync(fd) == 0;
	if (close(fd) != 0)
		ok = 0;
	if (!ok || rename(tmp, path) == -1) {
		snprintf(p->err, sizeof(p->err), "'%s': %s", path,
		    strerror(errno));
		unlink(tmp);
		return -1;
	}
	p->written++;
	return 0;
}

int
publish_file(const char *dir, const char *rel, const void *data, size_t len,
    char *err, size_t errlen)
{
	struct pub	p;

	memset(&p, 0, sizeof(p));
	p.dir = dir;
	if (pub_file(&p, rel, data, len, 0) == -1) {
		snprintf(err, errlen, "%s", p.err);
		return -1;
	}
	return 0;
}

int
publish_status_doc(const char *rel, const uint8_t *buf, size_t len,
    void *arg, char *err, size_t errlen)
{
	char	why[PATH_MAX + 128];

	if (publish_file(arg, rel, buf, len, why, sizeof(why)) == 0)
		return 0;
	snprintf(err, errlen, "publish_dir: %s", why);
	return -1;
}

/* statuspub_once's callback: a status list or number map. */
static int
pub_status_doc(const char *rel, const uint8_t *buf, size_t len, void *arg,
    char *err, size_t errlen)
{
	struct pub	*p = arg;

	if (pub_file(p, rel, buf, len, 0) == -1) {
		snprintf(err, errlen, "%s", p->err);
		return -1;
	}
	p->lists++;
	return 0;
}

/* The status lists and number maps, signed with the log key. */
static int
pub_status(struct pub *p, const struct conf *c, struct store_rd *rd)
{
	struct tlog	*l;
	char		 err[PATH_MAX];
	int		 rc;

	if ((l = tlog_load(c->log_key, c->public_host, err,
	    sizeof(err))) == NULL) {
		snprintf(p->err, sizeof(p->err), "log_key: %s", err);
		return -1;
	}
	rc = statuspub_once(rd, l, c, pub_status_doc, p, err, sizeof(err));
	if (rc == -1)
		snprintf(p->err, sizeof(p->err), "status lists: %s", err);
	tlog_free(l);
	return rc;
}

static int
pub_tile(struct pub *p, const struct tlog_view *v, const struct tile *tl)
{
	char	rel[TILE_PATH_MAX];
	size_t	len;

	if (tile_path(tl, rel, sizeof(rel)) == -1 ||
	    tlog_view_tile(v, tl, p->buf, &len) != STORE_OK) {
		snprintf(p->err, sizeof(p->err), "cannot read tile %d/%llu",
		    tl->level, (unsigned long long)tl->index);
		return -1;
	}
	return pub_file(p, rel, p->buf, len, tl->width == TILE_WIDTH);
}

/* Every tile of one level (TILE_ENTRIES: the bundles) of n leaves. */
static int
pub_level(struct pub *p, const struct tlog_view *v, int level, uint64_t n)
{
	struct tile	tl;
	uint64_t	i;

	tl.level = level;
	tl.width = TILE_WIDTH;
	for (i = 0; i < n / TILE_WIDTH; i++) {
		tl.index = i;
		if (pub_tile(p, v, &tl) == -1)
			return -1;
	}
	if (n % TILE_WIDTH == 0)
		return 0;
	tl.index = n / TILE_WIDTH;
	tl.width = n % TILE_WIDTH;
	return pub_tile(p, v, &tl);
}

/* checkpoint.cosigned, if a witness cosigned, then checkpoint. */
static int
pub_checkpoints(struct pub *p, const struct tlog_view *v)
{
	char	*buf = (char *)p->buf;
	size_t	 len;
	int	 rc;

	rc = tlog_view_cosigned(v, buf, TLOG_TILE_MAX, &len);
	if (rc == STORE_OK)
		rc = pub_file(p, "checkpoint.cosigned", buf, len, 0) == -1 ?
		    STORE_ERROR : tlog_view_served(v, buf, TLOG_TILE_MAX, &len);
	else if (rc == STORE_NOTFOUND)
		rc = tlog_view_served(v, buf, TLOG_TILE_MAX, &len);
	if (rc != STORE_OK) {
		if (p->err[0] == '\0')
			snprintf(p->err, sizeof(p->err), "cannot read the "
			    "checkpoint");
		return -1;
	}
	return pub_file(p, "checkpoint", buf, len, 0);
}

/* The SHA-256 of the cosigned note, zeros when there is none. */
static void
pub_cosigned_hash(struct pub *p, const struct tlog_view *v,
    uint8_t h[MERKLE_HASH_LEN])
{
	size_t	len;

	memset(h, 0, MERKLE_HASH_LEN);
	if (tlog_view_cosigned(v, (char *)p->buf, TLOG_TILE_MAX, &len) ==
	    STORE_OK)
		sign_sha256(p->buf, len, h);
}

static int
pub_all(struct pub *p, const struct tlog_view *v)
{
	uint64_t	n;
	int		level;

	if (v->ckptlen == 0) {
		snprintf(p->err, sizeof(p->err), "the store has no "
		    "checkpoint yet: start skkd once");
		return -1;
	}
	if (pub_level(p, v, TILE_ENTRIES, v->ckpt_size) == -1)
		return -1;
	for (level = 0; level <= TILE_LEVEL_MAX; level++) {
		n = level * TILE_HEIGHT >= 64 ? 0 :
		    v->ckpt_size >> (level * TILE_HEIGHT);
		if (n == 0)
			break;
		if (pub_level(p, v, level, n) == -1)
			return -1;
	}
	return pub_checkpoints(p, v);
}

struct publisher {
	struct store	*s;
	char		*dir;
	pthread_t	 thread;
	pthread_mutex_t	 lock;
	pthread_cond_t	 cond;
	int		 stopping;	/* under lock */
};

/*
 * Once a second: a new checkpoint, or new cosignatures, are published
 * whole.
 */
static void *
publisher_main(void *arg)
{
	struct publisher	*pb = arg;
	struct store_rd		*rd;
	struct tlog_view	 v;
	struct pub		 p;
	struct timespec		 ts;
	uint8_t			 h[MERKLE_HASH_LEN];

	bgthread_idle();

	memset(&p, 0, sizeof(p));
	p.size = UINT64_MAX;
	if ((rd = store_rd_new(pb->s)) == NULL ||
	    (p.buf = malloc(TLOG_TILE_MAX)) == NULL) {
		log_warnx("publish_dir: out of memory; not publishing");
		store_rd_free(rd);
		return NULL;
	}
	pthread_mutex_lock(&pb->lock);
	while (!pb->stopping) {
		pthread_mutex_unlock(&pb->lock);
		if (tlog_view_begin(rd, &v) == STORE_OK) {
			pub_cosigned_hash(&p, &v, h);
			if (v.ckptlen != 0 && (v.ckpt_size != p.size ||
			    memcmp(h, p.cosigned, sizeof(h)) != 0)) {
				p.dir = pb->dir;
				p.err[0] = '\0';
				if (pub_all(&p, &v) == -1)
					log_warnx("publish_dir: %s", p.err);
				else {
					p.size = v.ckpt_size;
					memcpy(p.cosigned, h, sizeof(h));
				}
			}
			tlog_view_end(&v);
		}
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec++;
		pthread_mutex_lock(&pb->lock);
		if (!pb->stopping)
			pthread_cond_timedwait(&pb->cond, &pb->lock, &ts);
	}
	pthread_mutex_unlock(&pb->lock);
	free(p.buf);
	store_rd_free(rd);
	return NULL;
}

struct publisher *
publisher_start(struct store *s, const char *dir, char *err, size_t errlen)
{
	struct publisher	*pb;
	int			 rc;

	if (mkdir(dir, 0755) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "publish_dir '%s': %s", dir,
		    strerror(errno));
		return NULL;
	}
	if ((pb = calloc(1, sizeof(*pb))) == NULL ||
	    (pb->dir = strdup(dir)) == NULL) {
		free(pb);
		snprintf(err, errlen, "publish_dir: out of memory");
		return NULL;
	}
	pb->s = s;
	pthread_mutex_init(&pb->lock, NULL);
	pthread_cond_init(&pb->cond, NULL);
	if ((rc = pthread_create(&pb->thread, NULL, publisher_main,
	    pb)) != 0) {
		snprintf(err, errlen, "publish_dir: cannot start a thread: "
		    "%s", strerror(rc));
		pthread_cond_destroy(&pb->cond);
		pthread_mutex_destroy(&pb->lock);
		free(pb->dir);
		free(pb);
		return NULL;
	}
	return pb;
}

void
publisher_stop(struct publisher *pb)
{
	if (pb == NULL)
		return;
	pthread_mutex_lock(&pb->lock);
	pb->stopping = 1;
	pthread_cond_signal(&pb->cond);
	pthread_mutex_unlock(&pb->lock);
	pthread_join(pb->thread, NULL);
	pthread_cond_destroy(&pb->cond);
	pthread_mutex_destroy(&pb->lock);
	free(pb->dir);
	free(pb);
}

/*
 * The issuer descriptor, signed now with the keys of c, and the trust
 * list c names, as served at /api/v1/issuer and /trust-list.
 */
static int
pub_trust(struct pub *p, const struct conf *c)
{
	static struct skkd	 sk;
	struct tlog		*l = NULL;
	uint8_t			*buf = NULL;
	size_t			 len;
	char			 dates[256];
	int			 rc = -1;

	memcpy(&sk.conf, c, sizeof(*c));
	if (keys_load(&sk, p->err, sizeof(p->err)) == -1)
		;
	else if (c->log_key[0] == '\0')
		snprintf(p->err, sizeof(p->err), "log_key: not set in "
		    "skkd.conf: the issuer descriptor needs it");
	else if ((l = tlog_load(c->log_key, c->public_host, p->err,
	    sizeof(p->err))) != NULL && trustdoc_issuer_make(c, &sk.keyring,
	    l, time(NULL), c->status_validity, &buf, &len, p->err,
	    sizeof(p->err)) == 0)
		rc = pub_file(p, "api/v1/issuer", buf, len, 0);
	free(buf);
	buf = NULL;
	tlog_free(l);
	keys_release(&sk);
	if (rc == 0 && c->trust_list[0] != '\0') {
		if ((rc = trustdoc_read_list(c->trust_list, time(NULL), &buf,
		    &len, dates, sizeof(dates), p->err, sizeof(p->err))) == 0)
			rc = pub_file(p, "trust-list", buf, len, 0);
		if (rc == 0 && dates[0] != '\0')
			fprintf(stderr, "skkd: publish: warning: trust_list "
			    "'%s' is %s\n", c->trust_list, dates);
		free(buf);
	}
	return rc;
}

int
publish_run(const struct conf *c, const char *dir)
{
	struct store_opts	 o;
	struct store		*s;
	struct store_rd		*rd = NULL;
	struct tlog_view	 v;
	struct pub		 p;
	int			 rc = EX_UNAVAILABLE;

	memset(&p, 0, sizeof(p));
	p.dir = dir;
	if (mkdir(dir, 0755) == -1 && errno != EEXIST) {
		fprintf(stderr, "skkd: publish: '%s': %s\n", dir,
		    strerror(errno));
		return EX_CANTCREAT;
	}
	memset(&o, 0, sizeof(o));
	o.dir = c->data_dir;
	o.map_size = c->map_size;
	o.max_readers = c->workers + 16;
	if (access(c->data_dir, F_OK) == -1) {
		fprintf(stderr, "skkd: publish: '%s': %s\n", c->data_dir,
		    strerror(errno));
		return EX_UNAVAILABLE;
	}
	if ((s = store_open(&o, p.err, sizeof(p.err))) == NULL ||
	    (rd = store_rd_new(s)) == NULL ||
	    (p.buf = malloc(TLOG_TILE_MAX)) == NULL ||
	    tlog_view_begin(rd, &v) != STORE_OK) {
		if (p.err[0] == '\0')
			snprintf(p.err, sizeof(p.err), "cannot read the log");
	} else {
		rc = pub_all(&p, &v) == -1 || pub_trust(&p, c) == -1 ?
		    EX_IOERR : 0;
		tlog_view_end(&v);
		if (rc == 0 && pub_status(&p, c, rd) == -1)
			rc = EX_IOERR;
		if (rc == 0)
			printf("published %llu entries to %s: %lu files "
			    "written (%lu status lists and number maps), %lu "
			    "full tiles already there\n",
			    (unsigned long long)v.ckpt_size, dir, p.written,
			    p.lists, p.kept);
	}
	if (rc != 0)
		fprintf(stderr, "skkd: publish: %s\n", p.err);
	free(p.buf);
	store_rd_free(rd);
	store_close(s);
	return rc;
}
