/* skkd — SPDX-License-Identifier: ISC */
/*
 * skkd.conf: every setting of the daemon, read once at start-up. Paths are
 * made absolute against the directory of the file, so the daemon never
 * depends on its working directory. See skkd.conf(5).
 */
#ifndef DAEMON_CONF_H
#define DAEMON_CONF_H

#include <sys/socket.h>

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#define CONF_PATH_MAX	PATH_MAX
#define CONF_ADDR_MAX	256	/* listen, public_host */
#define CONF_TEXT_MAX	120	/* issuer_name (CERT_TEXT_MAX) */
#define CONF_SHORT_MAX	40	/* issuer_licence (CERT_SHORT_MAX) */
#define CONF_KBLI_LEN	5
#define CONF_KBJI_LEN	4

/* Limits enforced on the numeric settings. */
#define CONF_WORKERS_MAX	256
#define CONF_MAP_SIZE_MIN	(1ULL << 20)	/* 1M */
#define CONF_MAP_SIZE_MAX	(1ULL << 40)	/* 1T */
#define CONF_CONN_MAX		1000000
#define CONF_FRAME_MIN		1024
#define CONF_FRAME_MAX		(1ULL << 30)	/* 1G: fits the 4-byte header */
#define CONF_BATCH_MAX		1000000
#define CONF_CHECK_DAYS_MAX	3650
#define CONF_TIMEOUT_MAX	86400		/* seconds */
#define CONF_WITNESS_MAX	8	/* witness lines */
#define CONF_WITNESS_MIN_INTERVAL 60	/* seconds: at most once a minute */
#define CONF_STATUS_INTERVAL_MAX	86400	/* seconds: status lists' ttl */
#define CONF_STATUS_VALIDITY_MAX	(366 * 86400)
#define CONF_URL_MAX		512
#define CONF_VKEY_MAX		256	/* a note verifier key string */

/* A witness the daemon submits its checkpoints to (c2sp.org/tlog-witness). */
struct conf_witness {
	char			url[CONF_URL_MAX];	/* submission prefix */
	char			vkey[CONF_VKEY_MAX];	/* type 0x04, checked */
};

struct conf {
	char			path[CONF_PATH_MAX];	/* the file, absolute */
	char			dir[CONF_PATH_MAX];	/* its directory */

	char			listen[CONF_ADDR_MAX];	/* as written */
	struct sockaddr_storage	listen_addr;		/* parsed */
	socklen_t		listen_len;

	/* Absolute, normalised paths. */
	char			data_dir[CONF_PATH_MAX];
	char			signing_key[CONF_PATH_MAX];
	char			nik_secret[CONF_PATH_MAX];
	char			log_key[CONF_PATH_MAX];	/* "" if unset */
	char			publish_dir[CONF_PATH_MAX];	/* "": off */
	char			trust_list[CONF_PATH_MAX];	/* "": none */
	char			tls_cert[CONF_PATH_MAX];
	char			tls_key[CONF_PATH_MAX];
	char			client_ca[CONF_PATH_MAX];

	char			public_host[CONF_ADDR_MAX];	/* host[:port] */
	char			issuer_name[CONF_TEXT_MAX + 1];
	char			issuer_licence[CONF_SHORT_MAX + 1];
	char			kbli[CONF_KBLI_LEN + 1];	/* digits, as text */
	char			kbji[CONF_KBJI_LEN + 1];

	unsigned		workers;	/* never 0 after conf_load */
	size_t			map_size;	/* bytes */
	unsigned		max_connections;
	size_t			max_frame;	/* bytes */
	unsigned		max_batch;
	unsigned		handshake_timeout;	/* seconds, absolute */
	unsigned		idle_timeout;		/* seconds */
	unsigned		shutdown_timeout;	/* seconds to drain */
	char			revoked_clients[CONF_PATH_MAX];	/* serials */

	/* HTTPS pages and /metrics; "" when disabled ("none"). */
	char			http_listen[CONF_ADDR_MAX];
	char			metrics_listen[CONF_ADDR_MAX];
	char			http_cert[CONF_PATH_MAX];	/* default tls_cert */
	char			http_key[CONF_PATH_MAX];	/* default tls_key */
	unsigned		http_max_requests;	/* per connection */
	unsigned		http_max_connections;
	unsigned		http_rate;	/* per second per address */
	unsigned		http_header_timeout;	/* seconds, absolute */
	unsigned		http_idle_timeout;	/* seconds */

	/* One address cannot take every place (IPv6: per /64). */
	unsigned		max_connections_per_address;
	unsigned		http_max_connections_per_address;
	unsigned		hello_timeout;	/* seconds after the handshake */
	/* Callers without a client certificate on the companion port. */
	unsigned		anonymous_max_batch;	/* items per VERIFY */
	unsigned		anonymous_rate;	/* verifications/s per address */
	/* Reader check records kept this long, then counted per month. */
	unsigned		check_log_days;

	/* Witnesses, in the order of the file; none by default. */
	struct conf_witness	witness[CONF_WITNESS_MAX];
	size_t			nwitness;
	unsigned		witness_interval;	/* seconds */

	/* Status lists: made at least every interval, valid for validity. */
	unsigned		status_interval;	/* seconds, also the ttl */
	unsigned		status_validity;	/* seconds, exp - iat */
};

/*
 * Fills c with the defaults, then the settings of the file at path.
 * signing_key, nik_secret, tls_cert, tls_key and client_ca are required.
 * 0, or -1 with "PATH:LINE: reason" (or "PATH: reason") in err.
 */
int	conf_load(const char *path, struct conf *c, char *err, size_t errlen);

/*
 * Parses a configuration held in memory, as if read from a file in the
 * directory dir (absolute); name is used in messages. Same result as
 * conf_load, without the file I/O.
 */
int	conf_parse_buffer(const char *buf, size_t len, const char *name,
	    const char *dir, struct conf *c, char *err, size_t errlen);

/*
 * "host:port" or "[v6]:port" with a numeric address, or "localhost:port",
 * into a socket address. 0, or -1 with a reason in err.
 */
int	conf_parse_hostport(const char *text, struct sockaddr_storage *ss,
	    socklen_t *sslen, char *err, size_t errlen);

/*
 * The NIK secret: 64 hex digits and an optional newline, in a file that
 * group and others cannot read or write. 0, or -1 with a reason in err.
 */
int	conf_read_secret(const char *path, uint8_t out[32], char *err,
	    size_t errlen);

#endif
