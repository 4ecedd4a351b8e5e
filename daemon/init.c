/* skkd — SPDX-License-Identifier: ISC */
/*
 * `skkd init DIR`: everything an instance needs, made in one go so that a
 * first-time admin has a working daemon and client after one command. It
 * refuses to touch a directory that already holds an instance (keys are
 * irreplaceable), and on failure removes what it made, so a second try
 * starts clean.
 */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "sign.h"
#include "conf.h"
#include "pki.h"
#include "init.h"
#include "keyfile.h"
#include "hex.h"
#include "note.h"
#include "tlog.h"

#define INIT_EX_USAGE	64
#define INIT_EX_CANTCREAT 73

/* Every file init makes, in the order it makes them. */
enum init_file {
	F_SIGNING, F_SIGNING_PUB, F_NIK, F_LOG,
	F_CA_CRT, F_CA_KEY, F_SRV_CRT, F_SRV_KEY,
	F_CCA_CRT, F_CCA_KEY, F_ADM_CRT, F_ADM_KEY, F_REVOKED,
	F_SKKD_CONF, F_SKK_CONF,
	F_MAX
};
static const char *init_names[F_MAX] = {
	"keys/signing.pem", "keys/signing.pub", "keys/nik.secret",
	"keys/log.key",
	"tls/ca.crt", "tls/ca.key", "tls/server.crt", "tls/server.key",
	"tls/client-ca.crt", "tls/client-ca.key", "tls/admin.crt",
	"tls/admin.key", "tls/revoked-clients", "skkd.conf", "skk.conf"
};

struct init {
	const char	*dir;		/* as given */
	const char	*host;
	const char	*listen;
	const char	*http_listen;		/* "none" disables */
	const char	*metrics_listen;
	const char	*issuer;
	const char	*licence;
	const char	*kbli;
	const char	*kbji;
	int		 made_dir;	/* DIR did not exist before */
	char		 kid[2 * SIGN_KID_LEN + 1];
	char		 log_vkey[NOTE_KEY_MAX + 1];	/* for skk.conf */
	char		 path[F_MAX][PATH_MAX];
	char		 sub[2][PATH_MAX];	/* DIR/keys, DIR/tls */
};

static int	init_parse_args(struct init *, int, char *[]);
static int	init_usage(void);
static int	init_check_args(const struct init *);
static int	init_check_digits(const char *, const char *, size_t);
static int	init_check_host(const char *);
static int	init_check_listen(const char *, const char *);
static int	init_set_paths(struct init *);
static int	init_check_parent(const char *);
static int	init_check_free(const struct init *);
static int	init_create(struct init *, char *, size_t);
static int	init_mkdir(const char *, char *, size_t);
static int	init_signing_key(struct init *, char *, size_t);
static int	init_nik_secret(const struct init *, char *, size_t);
static int	init_log_key(struct init *, char *, size_t);
static int	init_revoked(const struct init *, char *, size_t);
static int	init_pki(const struct init *, char *, size_t);
static int	init_skkd_conf(const struct init *, char *, size_t);
static int	init_skk_conf(const struct init *, char *, size_t);
static FILE	*init_fopen(const char *, mode_t, char *, size_t);
static int	init_fclose(FILE *, const char *, char *, size_t);
static void	init_quote(FILE *, const char *);
static void	init_cleanup(const struct init *);
static void	init_summary(const struct init *);

static const struct option init_opts[] = {
	{ "host",	required_argument,	NULL, 'H' },
	{ "listen",	required_argument,	NULL, 'l' },
	{ "http-listen", required_argument,	NULL, 'W' },
	{ "metrics-listen", required_argument,	NULL, 'M' },
	{ "issuer",	required_argument,	NULL, 'i' },
	{ "licence",	required_argument,	NULL, 'L' },
	{ "kbli",	required_argument,	NULL, 'b' },
	{ "kbji",	required_argument,	NULL, 'j' },
	{ "help",	no_argument,		NULL, 'h' },
	{ NULL,		0,			NULL, 0 }
};

int
init_main(int argc, char *argv[])
{
	struct init	*in;
	char		 err[PATH_MAX + 256];
	int		 rc;

	if ((in = calloc(1, sizeof(*in))) == NULL) {
		fprintf(stderr, "skkd init: out of memory\n");
		return 1;
	}
	if ((rc = init_parse_args(in, argc, argv)) != 0 ||
	    (rc = init_set_paths(in)) != 0 ||
	    (rc = init_check_free(in)) != 0)
		goto out;
	if (init_create(in, err, sizeof(err)) == -1) {
		fprintf(stderr, "skkd init: %s\n", err);
		init_cleanup(in);
		rc = INIT_EX_CANTCREAT;
		goto out;
	}
	init_summary(in);
out:
	free(in);
	return rc;
}

static int
init_parse_args(struct init *in, int argc, char *argv[])
{
	int	 ch;

	in->host = "localhost";
	in->listen = "127.0.0.1:7443";
	in->http_listen = "127.0.0.1:8443";
	in->metrics_listen = "127.0.0.1:9100";
	in->issuer = "LSP Konstruksi (contoh)";
	in->licence = "BNSP-LSP-0000";
	in->kbli = "42101";
	in->kbji = "8342";
	optind = 0;	/* glibc: start afresh, main may have used getopt */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":h", init_opts, NULL)) != -1) {
		switch (ch) {
		case 'H': in->host = optarg; break;
		case 'l': in->listen = optarg; break;
		case 'W': in->http_listen = optarg; break;
		case 'M': in->metrics_listen = optarg; break;
		case 'i': in->issuer = optarg; break;
		case 'L': in->licence = optarg; break;
		case 'b': in->kbli = optarg; break;
		case 'j': in->kbji = optarg; break;
		case 'h': return init_usage();
		case ':':
			fprintf(stderr, "skkd init: option '%s' needs a value\n",
			    argv[optind - 1]);
			return init_usage();
		default:
			fprintf(stderr, "skkd init: unknown option '%s'\n",
			    argv[optind - 1]);
			return init_usage();
		}
	}
	if (argc - optind != 1)
		return init_usage();
	in->dir = argv[optind];
	return init_check_args(in);
}

static int
init_usage(void)
{
	fprintf(stderr, "usage: skkd init DIR [--host NAME] "
	    "[--listen ADDR:PORT] [--issuer NAME]\n"
	    "                 [--licence L] [--kbli N] [--kbji N]\n"
	    "                 [--http-listen ADDR:PORT|none] "
	    "[--metrics-listen ADDR:PORT|none]\n");
	return INIT_EX_USAGE;
}

static int
init_check_args(const struct init *in)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;
	char			 err[512];
	size_t			 n;

	if (init_check_digits("kbli", in->kbli, CONF_KBLI_LEN) == -1 ||
	    init_check_digits("kbji", in->kbji, CONF_KBJI_LEN) == -1 ||
	    init_check_host(in->host) == -1)
		return INIT_EX_USAGE;
	if (conf_parse_hostport(in->listen, &ss, &sslen, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "skkd init: --listen: %s\n", err);
		return INIT_EX_USAGE;
	}
	if (init_check_listen("--http-listen", in->http_listen) == -1 ||
	    init_check_listen("--metrics-listen", in->metrics_listen) == -1)
		return INIT_EX_USAGE;
	n = strlen(in->issuer);
	if (n == 0 || n > CONF_TEXT_MAX || strpbrk(in->issuer, "\r\n\t")) {
		fprintf(stderr, "skkd init: --issuer: expected 1 to %d bytes "
		    "on one line\n", CONF_TEXT_MAX);
		return INIT_EX_USAGE;
	}
	n = strlen(in->licence);
	if (n == 0 || n > CONF_SHORT_MAX || strpbrk(in->licence, "\r\n\t")) {
		fprintf(stderr, "skkd init: --licence: expected 1 to %d bytes "
		    "on one line\n", CONF_SHORT_MAX);
		return INIT_EX_USAGE;
	}
	return 0;
}

static int
init_check_digits(const char *what, const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; s[i] >= '0' && s[i] <= '9'; i++)
		;
	if (i != n || s[i] != '\0') {
		fprintf(stderr, "skkd init: --%s: expected %zu digits, not "
		    "'%s'\n", what, n, s);
		return -1;
	}
	return 0;
}

/* ":PORT" of the pages, for public_host; 8443 when they are off. */
static const char *
init_http_port(const char *addr)
{
	const char	*p = strrchr(addr, ':');

	return p != NULL && strcmp(addr, "none") != 0 ? p : ":8443";
}

static int
init_check_listen(const char *what, const char *addr)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;
	char			 err[512];

	if (strcmp(addr, "none") == 0 ||
	    conf_parse_hostport(addr, &ss, &sslen, err, sizeof(err)) == 0)
		return 0;
	fprintf(stderr, "skkd init: %s: %s\n", what, err);
	return -1;
}

/* Ends up in a certificate SAN, a config value and QR URLs. */
static int
init_check_host(const char *host)
{
	size_t	 n = strlen(host);

	if (n == 0 || n > 253 || strspn(host, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") != n ||
	    host[0] == '.' || host[0] == '-') {
		fprintf(stderr, "skkd init: --host: expected a DNS name or an "
		    "IPv4 address, not '%s'\n", host);
		return -1;
	}
	return 0;
}

static int
init_set_paths(struct init *in)
{
	int	 i, w;

	for (i = 0; i < F_MAX; i++) {
		w = snprintf(in->path[i], PATH_MAX, "%s/%s", in->dir,
		    init_names[i]);
		if (w < 0 || w >= PATH_MAX) {
			fprintf(stderr, "skkd init: '%s': path too long\n",
			    in->dir);
			return INIT_EX_USAGE;
		}
	}
	snprintf(in->sub[0], PATH_MAX, "%s/keys", in->dir);
	snprintf(in->sub[1], PATH_MAX, "%s/tls", in->dir);
	return 0;
}

/* DIR is made, but not its parents: a missing one is named at once. */
static int
init_check_parent(const char *dir)
{
	char		 parent[PATH_MAX];
	const char	*why;
	struct stat	 st;
	size_t		 n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		n--;
	while (n > 0 && dir[n - 1] != '/')
		n--;
	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (n == 0)
		return 0;		/* the working directory */
	snprintf(parent, sizeof(parent), "%.*s", (int)n, dir);
	if (stat(parent, &st) == -1 && (errno == ENOENT || errno == ENOTDIR))
		why = "does not exist";
	else if (stat(parent, &st) == 0 && !S_ISDIR(st.st_mode))
		why = "is not a directory";
	else
		return 0;	/* there, or mkdir will say what is wrong */
	fprintf(stderr, "skkd init: cannot create '%s': its parent '%s' %s\n",
	    dir, parent, why);
	return -1;
}

/*
 * Any one of these means someone's instance (or a half of one) is there;
 * init then stops before changing anything, and cleanup after a failure
 * can never remove a file it did not make.
 */
static int
init_check_free(const struct init *in)
{
	const char	*taken[] = { in->path[F_SKKD_CONF], in->path[F_SKK_CONF],
			    in->sub[0], in->sub[1] };
	struct stat	 st;
	size_t		 i;

	if (stat(in->dir, &st) == -1 && errno == ENOENT &&
	    init_check_parent(in->dir) == -1)
		return INIT_EX_CANTCREAT;
	if (stat(in->dir, &st) == 0 && !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "skkd init: '%s' is not a directory\n",
		    in->dir);
		return INIT_EX_CANTCREAT;
	}
	for (i = 0; i < sizeof(taken) / sizeof(taken[0]); i++) {
		if (lstat(taken[i], &st) == 0 || errno != ENOENT) {
			fprintf(stderr, "skkd init: '%s' already holds an "
			    "instance; refusing to overwrite\n", in->dir);
			return INIT_EX_CANTCREAT;
		}
	}
	return 0;
}

static int
init_create(struct init *in, char *err, size_t errlen)
{
	if (mkdir(in->dir, 0700) == 0)
		in->made_dir = 1;
	else if (errno != EEXIST) {
		snprintf(err, errlen, "cannot create '%s': %s", in->dir,
		    strerror(errno));
		return -1;
	}
	if (in->made_dir && chmod(in->dir, 0700) == -1) {
		snprintf(err, errlen, "'%s': %s", in->dir, strerror(errno));
		return -1;
	}
	if (init_mkdir(in->sub[0], err, errlen) == -1 ||
	    init_mkdir(in->sub[1], err, errlen) == -1 ||
	    init_signing_key(in, err, errlen) == -1 ||
	    init_nik_secret(in, err, errlen) == -1 ||
	    init_log_key(in, err, errlen) == -1 ||
	    init_pki(in, err, errlen) == -1 ||
	    init_skkd_conf(in, err, errlen) == -1 ||
	    init_skk_conf(in, err, errlen) == -1)
		return -1;
	return 0;
}

/* chmod too: the umask must not loosen or tighten the layout's modes. */
static int
init_mkdir(const char *path, char *err, size_t errlen)
{
	if (mkdir(path, 0700) == -1 || chmod(path, 0700) == -1) {
		snprintf(err, errlen, "cannot create '%s': %s", path,
		    strerror(errno));
		return -1;
	}
	return 0;
}

static int
init_signing_key(struct init *in, char *err, size_t errlen)
{
	struct sign_key	*k;
	int		 rc = -1;

	if ((k = sign_key_generate()) == NULL) {
		snprintf(err, errlen, "cannot generate the signing key");
		return -1;
	}
	if (keyfile_save_private(k, in->path[F_SIGNING], err, errlen) == 0 &&
	    keyfile_save_public(k, in->path[F_SIGNING_PUB], err,
	    errlen) == 0) {
		if (chmod(in->path[F_SIGNING_PUB], 0644) == -1)
			snprintf(err, errlen, "'%s': %s",
			    in->path[F_SIGNING_PUB], strerror(errno));
		else
			rc = 0;
	}
	hex_encode(sign_key_kid(k), SIGN_KID_LEN, in->kid);
	sign_key_free(k);
	return rc;
}

static int
init_nik_secret(const struct init *in, char *err, size_t errlen)
{
	uint8_t	 secret[32];
	char	 hex[2 * sizeof(secret) + 1];
	FILE	*f;
	int	 rc;

	if (RAND_bytes(secret, sizeof(secret)) != 1) {
		snprintf(err, errlen, "no random bytes for the NIK secret");
		return -1;
	}
	hex_encode(secret, sizeof(secret), hex);
	explicit_bzero(secret, sizeof(secret));
	if ((f = init_fopen(in->path[F_NIK], 0600, err, errlen)) == NULL) {
		explicit_bzero(hex, sizeof(hex));
		return -1;
	}
	fprintf(f, "%s\n", hex);
	explicit_bzero(hex, sizeof(hex));
	rc = init_fclose(f, in->path[F_NIK], err, errlen);
	return rc;
}

/* The log's own Ed25519 key, named by its origin (PROTOCOL.md §4.3). */
static int
init_log_key(struct init *in, char *err, size_t errlen)
{
	char	host[CONF_ADDR_MAX];

	snprintf(host, sizeof(host), "%s%s", in->host,
	    init_http_port(in->http_listen));
	return tlog_keygen(in->path[F_LOG], host, in->log_vkey,
	    sizeof(in->log_vkey), err, errlen);
}

static int
init_pki(const struct init *in, char *err, size_t errlen)
{
	const char	(*p)[PATH_MAX] = in->path;

	if (pki_make_ca("skkd server CA", p[F_CA_CRT], p[F_CA_KEY], err,
	    errlen) == -1 ||
	    pki_issue_server(p[F_CA_CRT], p[F_CA_KEY], in->host, p[F_SRV_CRT],
	    p[F_SRV_KEY], err, errlen) == -1 ||
	    pki_make_ca("skkd client CA", p[F_CCA_CRT], p[F_CCA_KEY], err,
	    errlen) == -1 ||
	    pki_issue_client(p[F_CCA_CRT], p[F_CCA_KEY], "admin",
	    PKI_ROLE_ADMIN, p[F_ADM_CRT], p[F_ADM_KEY], err, errlen) == -1)
		return -1;
	return init_revoked(in, err, errlen);
}

/* Empty but present: skkd refuses to start without it (fail closed). */
static int
init_revoked(const struct init *in, char *err, size_t errlen)
{
	FILE	*f;

	if ((f = init_fopen(in->path[F_REVOKED], 0644, err, errlen)) == NULL)
		return -1;
	fprintf(f, "# Serials (hex) of revoked client certificates, one a "
	    "line;\n# appended by `skkd revoke-client`. skkd refuses to "
	    "start without this file.\n");
	return init_fclose(f, in->path[F_REVOKED], err, errlen);
}

static int
init_skkd_conf(const struct init *in, char *err, size_t errlen)
{
	FILE	*f;

	if ((f = init_fopen(in->path[F_SKKD_CONF], 0644, err, errlen)) == NULL)
		return -1;
	fprintf(f,
	    "# skkd.conf: made by `skkd init`; see skkd.conf(5).\n"
	    "# Relative paths are relative to the directory of this file.\n"
	    "\n"
	    "# Companion protocol (TLS 1.3): address to listen on;\n"
	    "# [::1]:7443 for IPv6.\n"
	    "listen = %s\n"
	    "# LMDB store, created 0700 at the first start.\n"
	    "data_dir = db\n"
	    "# Ed25519 key signing the QR codes (kid %s). Back it up;\n"
	    "# it must stay mode 0600.\n"
	    "signing_key = keys/signing.pem\n"
	    "# Key of the NIK index (HMAC-SHA256); without it no certificate\n"
	    "# can be found by NIK. Back it up; mode 0600.\n"
	    "nik_secret = keys/nik.secret\n"
	    "# Ed25519 key signing the transparency log's checkpoints;\n"
	    "# not the QR key. Back it up; mode 0600.\n"
	    "log_key = keys/log.key\n"
	    "# The server's certificate and key, issued by tls/ca.crt.\n"
	    "tls_cert = tls/server.crt\n"
	    "tls_key = tls/server.key\n"
	    "# CA of client certificates; their subject OU is the role\n"
	    "# (admin or reader).\n"
	    "client_ca = tls/client-ca.crt\n"
	    "# Serials of revoked client certificates; must exist.\n"
	    "revoked_clients = tls/revoked-clients\n"
	    "# host[:port] in the QR URLs (HTTPS://HOST/V/...).\n"
	    "public_host = %s%s\n", in->listen, in->kid, in->host,
	    init_http_port(in->http_listen));
	fprintf(f, "# Verification pages and JSON API (HTTPS), and /metrics\n"
	    "# (plain HTTP: keep it on loopback); \"none\" turns one off.\n"
	    "http_listen = %s\nmetrics_listen = %s\n"
	    "# A public certificate for the pages (default: tls_cert).\n"
	    "#http_cert = tls/server.crt\n#http_key = tls/server.key\n",
	    in->http_listen, in->metrics_listen);
	fprintf(f, "# The issuing body (LSP) named on every certificate.\n"
	    "issuer_name = ");
	init_quote(f, in->issuer);
	fprintf(f, "\nissuer_licence = ");
	init_quote(f, in->licence);
	fprintf(f, "\n"
	    "# Default KBLI (5 digits) and KBJI (4 digits) of new numbers.\n"
	    "kbli = %s\n"
	    "kbji = %s\n"
	    "# Event-loop threads; 0 = one per core.\n"
	    "workers = 0\n"
	    "# Largest size of the store; suffixes K, M, G.\n"
	    "map_size = 1024M\n"
	    "# Limits: open connections (companion port, HTTPS pages),\n"
	    "# bytes per frame, items per batch.\n"
	    "max_connections = 1024\n"
	    "http_max_connections = 4096\n"
	    "max_frame = 8M\n"
	    "max_batch = 10000\n"
	    "# Seconds to finish the TLS handshake (absolute), and of\n"
	    "# silence before an idle connection is closed.\n"
	    "handshake_timeout = 10\n"
	    "idle_timeout = 300\n", in->kbli, in->kbji);
	return init_fclose(f, in->path[F_SKKD_CONF], err, errlen);
}

/* The client connects where the daemon listens; a wildcard means here. */
static int
init_skk_conf(const struct init *in, char *err, size_t errlen)
{
	uint8_t		 pin[32];
	char		 hex[65];
	const char	*port, *server = in->listen;
	char		 local[CONF_ADDR_MAX];
	FILE		*f;

	if (pki_spki_sha256(in->path[F_SRV_CRT], pin, err, errlen) == -1)
		return -1;
	hex_encode(pin, sizeof(pin), hex);
	port = strrchr(in->listen, ':');
	if (strncmp(in->listen, "0.0.0.0:", 8) == 0) {
		snprintf(local, sizeof(local), "127.0.0.1%s", port);
		server = local;
	} else if (strncmp(in->listen, "[::]:", 5) == 0) {
		snprintf(local, sizeof(local), "[::1]%s", port);
		server = local;
	}
	if ((f = init_fopen(in->path[F_SKK_CONF], 0600, err, errlen)) == NULL)
		return -1;
	fprintf(f,
	    "# skk.conf: the admin's client settings, made by `skkd init`;\n"
	    "# see skk(1). It names the admin key, so keep it mode 0600.\n"
	    "\n"
	    "server = %s\n"
	    "# The name checked against the server certificate.\n"
	    "server_name = %s\n"
	    "# The only CA trusted for the server.\n"
	    "ca = tls/ca.crt\n"
	    "# The admin client certificate (OU=admin) and its key.\n"
	    "cert = tls/admin.crt\n"
	    "key = tls/admin.key\n"
	    "# SHA-256 of the server certificate's public key.\n"
	    "pin = sha256:%s\n"
	    "# The issuer's public key, for offline QR checks.\n"
	    "public_key = keys/signing.pub\n"
	    "# The verifier key of the issuer's transparency log.\n"
	    "log_key = %s\n", server, in->host, hex, in->log_vkey);
	return init_fclose(f, in->path[F_SKK_CONF], err, errlen);
}

static FILE *
init_fopen(const char *path, mode_t mode, char *err, size_t errlen)
{
	FILE	*f;
	int	 fd;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd == -1 || fchmod(fd, mode) == -1 ||
	    (f = fdopen(fd, "w")) == NULL) {
		snprintf(err, errlen, "cannot create '%s': %s", path,
		    strerror(errno));
		if (fd != -1) {
			close(fd);
			unlink(path);
		}
		return NULL;
	}
	return f;
}

static int
init_fclose(FILE *f, const char *path, char *err, size_t errlen)
{
	int	 ok;

	ok = fflush(f) == 0 && !ferror(f) && fsync(fileno(f)) == 0;
	if (fclose(f) != 0)
		ok = 0;
	if (!ok) {
		snprintf(err, errlen, "cannot write '%s': %s", path,
		    strerror(errno));
		unlink(path);
		return -1;
	}
	return 0;
}

/* The kv syntax: double quotes, with \" and \\ the only escapes. */
static void
init_quote(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* Only init's own files: init_check_free proved none was there before. */
static void
init_cleanup(const struct init *in)
{
	int	 i, left = 0;

	for (i = F_MAX - 1; i >= 0; i--) {
		if (unlink(in->path[i]) == -1 && errno != ENOENT)
			left = 1;
	}
	if (rmdir(in->sub[1]) == -1 && errno != ENOENT)
		left = 1;
	if (rmdir(in->sub[0]) == -1 && errno != ENOENT)
		left = 1;
	if (in->made_dir && rmdir(in->dir) == -1 && errno != ENOENT)
		left = 1;
	if (left)
		fprintf(stderr, "skkd init: could not remove everything "
		    "made in '%s'; remove it by hand before trying again\n",
		    in->dir);
	else
		fprintf(stderr, "skkd init: removed what was made; nothing "
		    "is left in '%s'\n", in->dir);
}

static void
init_summary(const struct init *in)
{
	printf("skkd init: created the instance in '%s'\n"
	    "  skkd.conf         daemon configuration\n"
	    "  skk.conf          admin client configuration (pinned to the "
	    "server key)\n"
	    "  keys/signing.pem  Ed25519 signing key, kid %s (back it up)\n"
	    "  keys/nik.secret   NIK index secret (back it up)\n"
	    "  keys/log.key      transparency log key (back it up)\n"
	    "  tls/              server CA, server certificate for '%s',\n"
	    "                    client CA, admin client certificate\n"
	    "next:\n"
	    "  skkd -c %s/skkd.conf\n"
	    "  skk -c %s/skk.conf verify NUMBER\n",
	    in->dir, in->kid, in->host, in->dir, in->dir);
}
