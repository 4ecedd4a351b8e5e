/* skkd — SPDX-License-Identifier: ISC */
/*
 * Reading skkd.conf into struct conf. The syntax is proto/kv.c's; this file
 * knows the keys: a table says what each one is and where it goes, and a
 * handler per kind of value checks it. Every error names the file, the
 * line and the key, because the person reading it is editing that file.
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "cosig.h"
#include "hex.h"
#include "kv.h"

#define CONF_FILE_MAX	(1024 * 1024)	/* a config is never this big */

enum conf_kind {
	CONF_K_PATH,		/* char[CONF_PATH_MAX], made absolute */
	CONF_K_TEXT,		/* char[max + 1], 1..max bytes */
	CONF_K_HOST,		/* char[CONF_ADDR_MAX], host[:port] */
	CONF_K_LISTEN,		/* listen + listen_addr + listen_len */
	CONF_K_DIGITS,		/* char[max + 1], exactly max digits */
	CONF_K_UINT,		/* unsigned, min..max */
	CONF_K_SIZE,		/* size_t, min..max, K/M/G suffix */
	CONF_K_DURATION,	/* unsigned seconds, min..max, s/m/h/d */
	CONF_K_ADDR,		/* char[CONF_ADDR_MAX], host:port or "none" */
	CONF_K_WITNESS		/* repeatable: URL VERIFIER-KEY */
};

struct conf_key {
	const char		*name;
	enum conf_kind		 kind;
	size_t			 off;
	unsigned long long	 min;
	unsigned long long	 max;
	int			 required;
};

#define F(field)	offsetof(struct conf, field)
static const struct conf_key conf_keys[] = {
	{ "listen",		CONF_K_LISTEN,	F(listen), 0, 0, 0 },
	{ "data_dir",		CONF_K_PATH,	F(data_dir), 0, 0, 0 },
	{ "signing_key",	CONF_K_PATH,	F(signing_key), 0, 0, 1 },
	{ "nik_secret",		CONF_K_PATH,	F(nik_secret), 0, 0, 1 },
	{ "log_key",		CONF_K_PATH,	F(log_key), 0, 0, 0 },
	{ "publish_dir",	CONF_K_PATH,	F(publish_dir), 0, 0, 0 },
	{ "trust_list",		CONF_K_PATH,	F(trust_list), 0, 0, 0 },
	{ "tls_cert",		CONF_K_PATH,	F(tls_cert), 0, 0, 1 },
	{ "tls_key",		CONF_K_PATH,	F(tls_key), 0, 0, 1 },
	{ "client_ca",		CONF_K_PATH,	F(client_ca), 0, 0, 1 },
	{ "public_host",	CONF_K_HOST,	F(public_host), 0, 0, 0 },
	{ "issuer_name",	CONF_K_TEXT,	F(issuer_name), 1,
	    CONF_TEXT_MAX, 0 },
	{ "issuer_licence",	CONF_K_TEXT,	F(issuer_licence), 1,
	    CONF_SHORT_MAX, 0 },
	{ "kbli",		CONF_K_DIGITS,	F(kbli), 0, CONF_KBLI_LEN, 0 },
	{ "kbji",		CONF_K_DIGITS,	F(kbji), 0, CONF_KBJI_LEN, 0 },
	{ "workers",		CONF_K_UINT,	F(workers), 0,
	    CONF_WORKERS_MAX, 0 },
	{ "map_size",		CONF_K_SIZE,	F(map_size), CONF_MAP_SIZE_MIN,
	    CONF_MAP_SIZE_MAX, 0 },
	{ "max_connections",	CONF_K_UINT,	F(max_connections), 1,
	    CONF_CONN_MAX, 0 },
	{ "max_frame",		CONF_K_SIZE,	F(max_frame), CONF_FRAME_MIN,
	    CONF_FRAME_MAX, 0 },
	{ "max_batch",		CONF_K_UINT,	F(max_batch), 1,
	    CONF_BATCH_MAX, 0 },
	{ "handshake_timeout",	CONF_K_UINT,	F(handshake_timeout), 1,
	    CONF_TIMEOUT_MAX, 0 },
	{ "idle_timeout",	CONF_K_UINT,	F(idle_timeout), 1,
	    CONF_TIMEOUT_MAX, 0 },
	{ "shutdown_timeout",	CONF_K_UINT,	F(shutdown_timeout), 1,
	    CONF_TIMEOUT_MAX, 0 },
	{ "revoked_clients",	CONF_K_PATH,	F(revoked_clients), 0, 0, 0 },
	{ "http_listen",	CONF_K_ADDR,	F(http_listen), 0, 0, 0 },
	{ "metrics_listen",	CONF_K_ADDR,	F(metrics_listen), 0, 0, 0 },
	{ "http_cert",		CONF_K_PATH,	F(http_cert), 0, 0, 0 },
	{ "http_key",		CONF_K_PATH,	F(http_key), 0, 0, 0 },
	{ "http_max_requests",	CONF_K_UINT,	F(http_max_requests), 1,
	    CONF_CONN_MAX, 0 },
	{ "http_max_connections", CONF_K_UINT,	F(http_max_connections), 1,
	    CONF_CONN_MAX, 0 },
	{ "http_rate",		CONF_K_UINT,	F(http_rate), 1,
	    CONF_CONN_MAX, 0 },
	{ "http_header_timeout", CONF_K_UINT,	F(http_header_timeout), 1,
	    CONF_TIMEOUT_MAX, 0 },
	{ "http_idle_timeout",	CONF_K_UINT,	F(http_idle_timeout), 1,
	    CONF_TIMEOUT_MAX, 0 },
	{ "max_connections_per_address", CONF_K_UINT,
	    F(max_connections_per_address), 1, CONF_CONN_MAX, 0 },
	{ "http_max_connections_per_address", CONF_K_UINT,
	    F(http_max_connections_per_address), 1, CONF_CONN_MAX, 0 },
	{ "hello_timeout",	CONF_K_UINT,	F(hello_timeout), 1,
	    CONF_TIMEOUT_MAX, 0 },
	{ "anonymous_max_batch", CONF_K_UINT,	F(anonymous_max_batch), 1,
	    CONF_BATCH_MAX, 0 },
	{ "anonymous_rate",	CONF_K_UINT,	F(anonymous_rate), 1,
	    CONF_BATCH_MAX, 0 },
	{ "check_log_days",	CONF_K_UINT,	F(check_log_days), 1,
	    CONF_CHECK_DAYS_MAX, 0 },
	{ "witness",		CONF_K_WITNESS,	F(witness), 0, 0, 0 },
	{ "witness_interval",	CONF_K_UINT,	F(witness_interval),
	    CONF_WITNESS_MIN_INTERVAL, CONF_TIMEOUT_MAX, 0 },
	{ "status_interval",	CONF_K_DURATION, F(status_interval), 1,
	    CONF_STATUS_INTERVAL_MAX, 0 },
	{ "status_validity",	CONF_K_DURATION, F(status_validity), 1,
	    CONF_STATUS_VALIDITY_MAX, 0 },
};
#undef F
#define CONF_NKEYS	(sizeof(conf_keys) / sizeof(conf_keys[0]))

/* What the kv callback needs while one file is parsed. */
struct conf_parse {
	struct conf	*c;
	const char	*dir;
	unsigned char	 seen[CONF_NKEYS];
};

static void	conf_set_defaults(struct conf *, const char *);
static int	conf_key_cb(const char *, const char *, void *, char *, size_t);
static int	conf_set_value(struct conf_parse *, const struct conf_key *,
		    const char *, char *, size_t);
static int	conf_set_path(const char *, const char *, char *, char *,
		    size_t);
static int	conf_set_text(const struct conf_key *, const char *, char *,
		    char *, size_t);
static int	conf_set_host(const char *, char *, char *, size_t);
static int	conf_set_addr(const char *, char *, char *, size_t);
static int	conf_set_witness(struct conf *, const char *, char *,
		    size_t);
static int	conf_set_digits(const struct conf_key *, const char *, char *,
		    char *, size_t);
static int	conf_set_number(const struct conf_key *, const char *, void *,
		    char *, size_t);
static int	conf_check_required(const struct conf_parse *, const char *,
		    char *, size_t);
static void	conf_resolve_workers(struct conf *);
static int	conf_path_join(const char *, const char *, char *, size_t);
static int	conf_read_file(const char *, char **, size_t *, char *,
		    size_t);
static int	conf_split_hostport(const char *, char *, size_t, char *,
		    size_t);
static int	conf_parse_port(const char *, unsigned *);
static int	conf_resolve_host(const char *, unsigned,
		    struct sockaddr_storage *, socklen_t *);

int
conf_load(const char *path, struct conf *c, char *err, size_t errlen)
{
	char	 abs[CONF_PATH_MAX], dir[CONF_PATH_MAX], *slash, *buf;
	size_t	 len;
	int	 rc;

	if (conf_read_file(path, &buf, &len, err, errlen) == -1)
		return -1;
	if (realpath(path, abs) == NULL) {
		snprintf(err, errlen, "cannot open '%s': %s", path,
		    strerror(errno));
		free(buf);
		return -1;
	}
	memcpy(dir, abs, sizeof(dir));
	slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = '\0';	/* a file in "/" */
	else
		*slash = '\0';
	rc = conf_parse_buffer(buf, len, abs, dir, c, err, errlen);
	free(buf);
	return rc;
}

int
conf_parse_buffer(const char *buf, size_t len, const char *name,
    const char *dir, struct conf *c, char *err, size_t errlen)
{
	struct conf_parse	 p;
	char			 why[KV_VALUE_MAX + 256];

	conf_set_defaults(c, dir);
	snprintf(c->path, sizeof(c->path), "%s", name);
	memset(&p, 0, sizeof(p));
	p.c = c;
	p.dir = dir;
	if (kv_parse(buf, len, conf_key_cb, &p, why, sizeof(why)) == -1) {
		snprintf(err, errlen, "%s:%s", name, why);
		return -1;
	}
	if (conf_check_required(&p, name, err, errlen) == -1)
		return -1;
	if (c->status_validity < c->status_interval) {
		snprintf(err, errlen, "%s: status_validity: %u s is shorter "
		    "than status_interval (%u s): lists would lapse before "
		    "the next", name, c->status_validity, c->status_interval);
		return -1;
	}
	conf_resolve_workers(c);
	/* A public certificate for the pages may differ from the port's. */
	if (c->http_cert[0] == '\0')
		memcpy(c->http_cert, c->tls_cert, sizeof(c->http_cert));
	if (c->http_key[0] == '\0')
		memcpy(c->http_key, c->tls_key, sizeof(c->http_key));
	return 0;
}

/* The defaults are those skkd.conf(5) documents; keep the two in step. */
static void
conf_set_defaults(struct conf *c, const char *dir)
{
	char	 e[128];

	memset(c, 0, sizeof(*c));
	snprintf(c->dir, sizeof(c->dir), "%s", dir);
	snprintf(c->listen, sizeof(c->listen), "127.0.0.1:7443");
	conf_parse_hostport(c->listen, &c->listen_addr, &c->listen_len, e,
	    sizeof(e));
	if (conf_path_join(dir, "db", c->data_dir, sizeof(c->data_dir)) == -1)
		c->data_dir[0] = '\0';	/* dir too long: refused later */
	snprintf(c->public_host, sizeof(c->public_host), "localhost:8443");
	snprintf(c->issuer_name, sizeof(c->issuer_name),
	    "LSP Konstruksi Contoh");
	snprintf(c->issuer_licence, sizeof(c->issuer_licence),
	    "KEP.1234/BNSP/2024");
	snprintf(c->kbli, sizeof(c->kbli), "42101");
	snprintf(c->kbji, sizeof(c->kbji), "8342");
	c->workers = 0;
	c->map_size = (size_t)1024 << 20;
	c->max_connections = 1024;
	c->max_frame = (size_t)8 << 20;
	c->max_batch = 10000;
	c->handshake_timeout = 10;
	c->idle_timeout = 300;
	c->shutdown_timeout = 10;
	if (conf_path_join(dir, "tls/revoked-clients", c->revoked_clients,
	    sizeof(c->revoked_clients)) == -1)
		c->revoked_clients[0] = '\0';
	snprintf(c->http_listen, sizeof(c->http_listen), "127.0.0.1:8443");
	snprintf(c->metrics_listen, sizeof(c->metrics_listen),
	    "127.0.0.1:9100");
	c->http_max_requests = 1000;
	c->http_max_connections = 4096;
	c->http_rate = 50;
	c->http_header_timeout = 10;
	c->http_idle_timeout = 30;
	c->max_connections_per_address = 32;
	c->http_max_connections_per_address = 256;
	c->hello_timeout = 10;
	c->anonymous_max_batch = 100;
	c->anonymous_rate = 10;
	c->check_log_days = 365;
	c->witness_interval = CONF_WITNESS_MIN_INTERVAL;
	c->status_interval = 300;
	c->status_validity = 7 * 86400;
}

static int
conf_key_cb(const char *key, const char *value, void *arg, char *err,
    size_t errlen)
{
	struct conf_parse	*p = arg;
	size_t			 i;

	for (i = 0; i < CONF_NKEYS; i++) {
		if (strcmp(conf_keys[i].name, key) != 0)
			continue;
		if (p->seen[i] && conf_keys[i].kind != CONF_K_WITNESS) {
			snprintf(err, errlen, "duplicate key '%s'", key);
			return -1;
		}
		p->seen[i] = 1;
		return conf_set_value(p, &conf_keys[i], value, err, errlen);
	}
	snprintf(err, errlen, "unknown key '%s'", key);
	return -1;
}

static int
conf_set_value(struct conf_parse *p, const struct conf_key *k,
    const char *value, char *err, size_t errlen)
{
	char	*field = (char *)p->c + k->off;
	char	 why[KV_VALUE_MAX + 128];
	int	 rc = -1;

	switch (k->kind) {
	case CONF_K_PATH:
		rc = conf_set_path(p->dir, value, field, why, sizeof(why));
		break;
	case CONF_K_TEXT:
		rc = conf_set_text(k, value, field, why, sizeof(why));
		break;
	case CONF_K_HOST:
		rc = conf_set_host(value, field, why, sizeof(why));
		break;
	case CONF_K_LISTEN:
		rc = conf_parse_hostport(value, &p->c->listen_addr,
		    &p->c->listen_len, why, sizeof(why));
		if (rc == 0)
			snprintf(p->c->listen, sizeof(p->c->listen), "%s",
			    value);
		break;
	case CONF_K_DIGITS:
		rc = conf_set_digits(k, value, field, why, sizeof(why));
		break;
	case CONF_K_UINT:
	case CONF_K_SIZE:
	case CONF_K_DURATION:
		rc = conf_set_number(k, value, field, why, sizeof(why));
		break;
	case CONF_K_ADDR:
		rc = conf_set_addr(value, field, why, sizeof(why));
		break;
	case CONF_K_WITNESS:
		rc = conf_set_witness(p->c, value, why, sizeof(why));
		break;
	}
	if (rc == -1)
		snprintf(err, errlen, "%s: %s", k->name, why);
	return rc;
}

static int
conf_set_path(const char *dir, const char *value, char *out, char *why,
    size_t whylen)
{
	if (value[0] == '\0') {
		snprintf(why, whylen, "empty path");
		return -1;
	}
	/* systemd's LoadCredential=: the files live where it says. */
	if (strncmp(value, "%credentials/", 13) == 0) {
		if ((dir = getenv("CREDENTIALS_DIRECTORY")) == NULL) {
			snprintf(why, whylen, "%%credentials/ used but "
			    "$CREDENTIALS_DIRECTORY is not set");
			return -1;
		}
		value += 13;
	}
	if (conf_path_join(dir, value, out, CONF_PATH_MAX) == -1) {
		snprintf(why, whylen, "path too long");
		return -1;
	}
	return 0;
}

static int
conf_set_text(const struct conf_key *k, const char *value, char *out,
    char *why, size_t whylen)
{
	size_t	 n = strlen(value);

	if (n < k->min) {
		snprintf(why, whylen, "empty value");
		return -1;
	}
	if (n > k->max) {
		snprintf(why, whylen, "longer than %llu bytes", k->max);
		return -1;
	}
	memcpy(out, value, n + 1);
	return 0;
}

/* An optional listener: checked now, bound later; "" or "none" is off. */
static int
conf_set_addr(const char *value, char *out, char *why, size_t whylen)
{
	struct sockaddr_storage	ss;
	socklen_t		len;

	if (value[0] == '\0' || strcmp(value, "none") == 0) {
		out[0] = '\0';
		return 0;
	}
	if (strlen(value) >= CONF_ADDR_MAX) {
		snprintf(why, whylen, "too long");
		return -1;
	}
	if (conf_parse_hostport(value, &ss, &len, why, whylen) == -1)
		return -1;
	memcpy(out, value, strlen(value) + 1);
	return 0;
}

/* Goes into URLs printed in QR codes: letters, digits, '.', '-', a port. */
static int
conf_set_host(const char *value, char *out, char *why, size_t whylen)
{
	const char	*colon;
	size_t		 n = strlen(value), i;
	unsigned	 port;

	colon = strrchr(value, ':');
	for (i = 0; i < n && value + i != colon; i++) {
		if (strchr("abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-", value[i]) == NULL)
			break;
	}
	if (n == 0 || n >= CONF_ADDR_MAX || i == 0 ||
	    (colon == NULL && i != n) || (colon != NULL &&
	    (value + i != colon || conf_parse_port(colon + 1, &port) == -1 ||
	    port == 0))) {
		snprintf(why, whylen, "expected host[:port], not '%s'", value);
		return -1;
	}
	memcpy(out, value, n + 1);
	return 0;
}

/* "URL VERIFIER-KEY": an http(s) submission prefix and a witness key. */
static int
conf_set_witness(struct conf *c, const char *value, char *why, size_t whylen)
{
	struct conf_witness	*w;
	struct note_key		 k;
	size_t			 n = strcspn(value, " \t");
	const char		*key = value + n;

	if (c->nwitness == CONF_WITNESS_MAX) {
		snprintf(why, whylen, "more than %d witnesses", CONF_WITNESS_MAX);
		return -1;
	}
	key += strspn(key, " \t");
	if (n == 0 || *key == '\0') {
		snprintf(why, whylen, "expected URL VERIFIER-KEY");
		return -1;
	}
	w = &c->witness[c->nwitness];
	while (n > 0 && value[n - 1] == '/')
		n--;
	if ((strncmp(value, "http://", 7) != 0 &&
	    strncmp(value, "https://", 8) != 0) || n >= sizeof(w->url) ||
	    n <= 8) {
		snprintf(why, whylen, "expected an http:// or https:// URL, "
		    "not '%.*s'", (int)strcspn(value, " \t"), value);
		return -1;
	}
	if (strlen(key) >= sizeof(w->vkey) ||
	    cosig_vkey_parse(key, &k, why, whylen) == -1) {
		if (strlen(key) >= sizeof(w->vkey))
			snprintf(why, whylen, "verifier key too long");
		return -1;
	}
	note_key_release(&k);
	memcpy(w->url, value, n);
	w->url[n] = '\0';
	snprintf(w->vkey, sizeof(w->vkey), "%s", key);
	c->nwitness++;
	return 0;
}

static int
conf_set_digits(const struct conf_key *k, const char *value, char *out,
    char *why, size_t whylen)
{
	size_t	 i;

	for (i = 0; value[i] >= '0' && value[i] <= '9'; i++)
		;
	if (i != k->max || value[i] != '\0') {
		snprintf(why, whylen, "expected %llu digits", k->max);
		return -1;
	}
	memcpy(out, value, i + 1);
	return 0;
}

static int
conf_set_number(const struct conf_key *k, const char *value, void *out,
    char *why, size_t whylen)
{
	unsigned long long	 v;
	int			 rc;

	if (k->kind == CONF_K_SIZE)
		rc = kv_size(value, k->max, &v, why, whylen);
	else if (k->kind == CONF_K_DURATION)
		rc = kv_duration(value, k->max, &v, why, whylen);
	else
		rc = kv_uint(value, k->max, &v, why, whylen);
	if (rc == -1)
		return -1;
	if (v < k->min) {
		snprintf(why, whylen, "%s is under the minimum %llu", value,
		    k->min);
		return -1;
	}
	if (k->kind == CONF_K_SIZE)
		*(size_t *)out = (size_t)v;
	else
		*(unsigned *)out = (unsigned)v;
	return 0;
}

static int
conf_check_required(const struct conf_parse *p, const char *name, char *err,
    size_t errlen)
{
	size_t	 i;

	for (i = 0; i < CONF_NKEYS; i++) {
		if (conf_keys[i].required && !p->seen[i]) {
			snprintf(err, errlen, "%s: missing '%s'", name,
			    conf_keys[i].name);
			return -1;
		}
	}
	if (p->c->data_dir[0] == '\0') {
		snprintf(err, errlen, "%s: data_dir: path too long", name);
		return -1;
	}
	return 0;
}

static void
conf_resolve_workers(struct conf *c)
{
	long	 n;

	if (c->workers != 0)
		return;
	n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		n = 1;
	if (n > CONF_WORKERS_MAX)
		n = CONF_WORKERS_MAX;
	c->workers = (unsigned)n;
}

/*
 * dir/rel (or rel alone when absolute) with "." and ".." taken out and
 * slashes collapsed. Textual: the file need not exist yet (data_dir).
 */
static int
conf_path_join(const char *dir, const char *rel, char *out, size_t outlen)
{
	char	 tmp[CONF_PATH_MAX * 2 + 2], *seg, *save;
	size_t	 n = 0, seglen;
	int	 w;

	if (rel[0] == '/')
		w = snprintf(tmp, sizeof(tmp), "%s", rel);
	else
		w = snprintf(tmp, sizeof(tmp), "%s/%s", dir, rel);
	if (w < 0 || (size_t)w >= sizeof(tmp) || outlen < 2)
		return -1;
	for (seg = strtok_r(tmp, "/", &save); seg != NULL;
	    seg = strtok_r(NULL, "/", &save)) {
		if (strcmp(seg, ".") == 0)
			continue;
		if (strcmp(seg, "..") == 0) {
			while (n > 0 && out[--n] != '/')
				;
			continue;
		}
		seglen = strlen(seg);
		if (n + 1 + seglen >= outlen)
			return -1;
		out[n++] = '/';
		memcpy(out + n, seg, seglen);
		n += seglen;
	}
	if (n == 0)
		out[n++] = '/';
	out[n] = '\0';
	return 0;
}

static int
conf_read_file(const char *path, char **bufp, size_t *lenp, char *err,
    size_t errlen)
{
	struct stat	 st;
	char		*buf;
	ssize_t		 r;
	size_t		 len = 0;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "cannot open '%s': %s", path,
		    strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > CONF_FILE_MAX) {
		snprintf(err, errlen, "'%s': not a regular file of at most "
		    "%d bytes", path, CONF_FILE_MAX);
		close(fd);
		return -1;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		snprintf(err, errlen, "'%s': out of memory", path);
		close(fd);
		return -1;
	}
	while (len < (size_t)st.st_size &&
	    (r = read(fd, buf + len, (size_t)st.st_size - len)) != 0) {
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			snprintf(err, errlen, "cannot read '%s': %s", path,
			    strerror(errno));
			free(buf);
			close(fd);
			return -1;
		}
		len += (size_t)r;
	}
	close(fd);
	*bufp = buf;
	*lenp = len;
	return 0;
}

int
conf_parse_hostport(const char *text, struct sockaddr_storage *ss,
    socklen_t *sslen, char *err, size_t errlen)
{
	char		 host[CONF_ADDR_MAX], port[16];
	unsigned	 portno;

	if (conf_split_hostport(text, host, sizeof(host), port,
	    sizeof(port)) == -1 || conf_parse_port(port, &portno) == -1 ||
	    conf_resolve_host(host, portno, ss, sslen) == -1) {
		snprintf(err, errlen, "bad address '%s' (expected a numeric "
		    "host:port, [v6]:port or localhost:port)", text);
		return -1;
	}
	return 0;
}

static int
conf_split_hostport(const char *text, char *host, size_t hostlen, char *port,
    size_t portlen)
{
	const char	*colon, *h = text;
	size_t		 n;

	if (text[0] == '[') {
		if ((colon = strchr(text, ']')) == NULL || colon[1] != ':')
			return -1;
		h = text + 1;
		n = (size_t)(colon - h);
		colon++;
	} else {
		if ((colon = strrchr(text, ':')) == NULL)
			return -1;
		n = (size_t)(colon - text);
		if (memchr(text, ':', n) != NULL)
			return -1;	/* a bare IPv6 address needs [] */
	}
	if (n == 0 || n >= hostlen || strlen(colon + 1) >= portlen)
		return -1;
	memcpy(host, h, n);
	host[n] = '\0';
	strcpy(port, colon + 1);
	return 0;
}

static int
conf_parse_port(const char *s, unsigned *out)
{
	unsigned long long	 v;
	char			 e[64];

	if (kv_uint(s, 65535, &v, e, sizeof(e)) == -1)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* Numeric only, so start-up never waits on DNS; "localhost" is local. */
static int
conf_resolve_host(const char *host, unsigned port, struct sockaddr_storage *ss,
    socklen_t *sslen)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)ss;
	struct addrinfo		 hints, *res;
	int			 family;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		*sslen = sizeof(*sin);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		*sslen = sizeof(*sin6);
		return 0;
	}
	if (strcmp(host, "localhost") != 0)
		return -1;
	/* Prefer IPv4 so the address does not depend on /etc/hosts order. */
	for (family = AF_INET; ; family = AF_INET6) {
		memset(&hints, 0, sizeof(hints));
		hints.ai_family = family;
		hints.ai_socktype = SOCK_STREAM;
		if (getaddrinfo(host, NULL, &hints, &res) == 0) {
			memcpy(ss, res->ai_addr, res->ai_addrlen);
			*sslen = res->ai_addrlen;
			freeaddrinfo(res);
			if (family == AF_INET)
				sin->sin_port = htons((uint16_t)port);
			else
				sin6->sin6_port = htons((uint16_t)port);
			return 0;
		}
		if (family == AF_INET6)
			return -1;
	}
}

int
conf_read_secret(const char *path, uint8_t out[32], char *err, size_t errlen)
{
	struct stat	 st;
	char		 buf[132];
	ssize_t		 r;
	size_t		 len;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "cannot open '%s': %s", path,
		    strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "'%s': not a regular file", path);
		close(fd);
		return -1;
	}
	if ((st.st_mode & 077) != 0) {
		snprintf(err, errlen, "'%s': mode %04o, expected 0600", path,
		    (unsigned)(st.st_mode & 07777));
		close(fd);
		return -1;
	}
	do
		r = read(fd, buf, sizeof(buf));
	while (r == -1 && errno == EINTR);
	close(fd);
	if (r == -1) {
		snprintf(err, errlen, "cannot read '%s': %s", path,
		    strerror(errno));
		return -1;
	}
	len = (size_t)r;
	if (len > 0 && buf[len - 1] == '\n')
		len--;
	if (hex_decode(buf, len, out, 32) != 32) {
		explicit_bzero(buf, sizeof(buf));
		snprintf(err, errlen, "'%s': expected 64 hex digits", path);
		return -1;
	}
	explicit_bzero(buf, sizeof(buf));
	return 0;
}

