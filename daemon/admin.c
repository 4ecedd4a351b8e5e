/* skkd — SPDX-License-Identifier: ISC */
/*
 * skkd's operator subcommands. They run as separate processes beside the
 * daemon: key and client changes are files the daemon re-reads on SIGHUP
 * (revocations also within a second), and backup and check open the LMDB
 * environment concurrently, which LMDB allows.
 */

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/x509.h>

#include "admin.h"
#include "conf.h"
#include "fsck.h"
#include "keys.h"
#include "pki.h"
#include "publish.h"
#include "resign.h"
#include "skkd.h"
#include "store.h"
#include "tlogsync.h"

struct admin_args {
	const char	*conf;
	const char	*opt_name;	/* --role, --compromised-at or --kid */
	const char	*opt;
	const char	*opt2;		/* the optional second option */
	const char	*pos[2];
	int		 npos;
};

struct admin_cmd {
	const char	*name;
	int		(*fn)(struct conf *, struct admin_args *);
	int		 npos;
	const char	*opt_name;	/* required */
	const char	*usage;
	const char	*opt2_name;	/* optional */
};

static int	admin_rotate_key(struct conf *, struct admin_args *);
static int	admin_retire_key(struct conf *, struct admin_args *);
static int	admin_add_client(struct conf *, struct admin_args *);
static int	admin_revoke_client(struct conf *, struct admin_args *);
static int	admin_backup(struct conf *, struct admin_args *);
static int	admin_check(struct conf *, struct admin_args *);
static int	admin_resign(struct conf *, struct admin_args *);
static int	admin_log_key(struct conf *, struct admin_args *);
static int	admin_publish(struct conf *, struct admin_args *);
static int	admin_log_keys(const struct conf *);
static struct store *admin_open_store(const struct conf *, char *, size_t);

static const struct admin_cmd admin_cmds[] = {
	{ "rotate-key", admin_rotate_key, 0, NULL, "", NULL },
	{ "retire-key", admin_retire_key, 1, "--compromised-at",
	    "KID --compromised-at TIME", NULL },
	{ "add-client", admin_add_client, 1, "--role",
	    "NAME --role admin|reader [--org ORGANISATION]", "--org" },
	{ "revoke-client", admin_revoke_client, 1, NULL, "SERIAL", NULL },
	{ "backup", admin_backup, 1, NULL, "DEST", NULL },
	{ "check", admin_check, 0, NULL, "", NULL },
	{ "resign", admin_resign, 0, "--kid", "--kid KID [-o FILE]", "-o" },
	{ "log-key", admin_log_key, 0, NULL, "", NULL },
	{ "publish", admin_publish, 1, NULL, "DIR", NULL },
};

static void
admin_usage(const struct admin_cmd *cmd)
{
	fprintf(stderr, "usage: skkd %s -c FILE%s%s\n", cmd->name,
	    cmd->usage[0] ? " " : "", cmd->usage);
	exit(EX_USAGE);
}

static void
admin_parse(const struct admin_cmd *cmd, int argc, char *argv[],
    struct admin_args *a)
{
	int	i;

	memset(a, 0, sizeof(*a));
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-c") == 0 && i + 1 < argc)
			a->conf = argv[++i];
		else if (cmd->opt_name != NULL &&
		    strcmp(argv[i], cmd->opt_name) == 0 && i + 1 < argc)
			a->opt = argv[++i];
		else if (cmd->opt2_name != NULL &&
		    strcmp(argv[i], cmd->opt2_name) == 0 && i + 1 < argc)
			a->opt2 = argv[++i];
		else if (argv[i][0] != '-' && a->npos < 2)
			a->pos[a->npos++] = argv[i];
		else
			admin_usage(cmd);
	}
	if (a->conf == NULL || a->npos != cmd->npos ||
	    (cmd->opt_name != NULL && a->opt == NULL))
		admin_usage(cmd);
}

int
admin_main(int argc, char *argv[])
{
	static struct conf	 c;
	const struct admin_cmd	*cmd = NULL;
	struct admin_args	 a;
	char			 err[512];
	size_t			 i;

	for (i = 0; i < sizeof(admin_cmds) / sizeof(admin_cmds[0]); i++)
		if (strcmp(argv[0], admin_cmds[i].name) == 0)
			cmd = &admin_cmds[i];
	if (cmd == NULL)
		return -1;
	admin_parse(cmd, argc, argv, &a);
	if (conf_load(a.conf, &c, err, sizeof(err)) == -1) {
		fprintf(stderr, "skkd: %s\n", err);
		return EX_CONFIG;
	}
	return cmd->fn(&c, &a);
}

static int
admin_fail(int status, const char *what, const char *err)
{
	fprintf(stderr, "skkd: %s%s%s\n", what, what[0] ? ": " : "", err);
	return status;
}

/* Keys. */

static int
admin_rotate_key(struct conf *c, struct admin_args *a)
{
	char	kid[2 * SIGN_KID_LEN + 1], err[512];

	if (keys_rotate(c, kid, err, sizeof(err)) == -1)
		return admin_fail(EX_CANTCREAT, "rotate-key", err);
	printf("new signing key %s is active for new certificates;\n"
	    "send SIGHUP to skkd (systemctl reload skkd) to use it\n", kid);
	return admin_log_keys(c);
}

/* A time people read: ISO 8601 UTC, never unix seconds. */
static void
admin_time(int64_t t, char out[32])
{
	struct tm	tm;
	time_t		tt = (time_t)t;

	if (t == 0 || gmtime_r(&tt, &tm) == NULL ||
	    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, 32, "(no date)");
}

static int
admin_retire_key(struct conf *c, struct admin_args *a)
{
	int64_t	at;
	char	err[512], day[32];

	if (keys_parse_time(a->opt, &at) == -1)
		return admin_fail(EX_USAGE, "--compromised-at", "expected "
		    "YYYY-MM-DD[THH:MM[:SS]][Z] (UTC) or unix seconds");
	if (keys_retire(c, a->pos[0], at, err, sizeof(err)) == -1)
		return admin_fail(EX_DATAERR, "retire-key", err);
	admin_time(at, day);
	printf("key %s retired, compromised at %s: no payload it signed is "
	    "trusted any more;\ncards issued with it stay valid online until "
	    "re-signed: send SIGHUP to skkd\n(systemctl reload skkd), then "
	    "run skkd resign -c FILE --kid %s\n", a->pos[0], day, a->pos[0]);
	return admin_log_keys(c);
}

/*
 * The log's entries for the key files just changed. Without a store yet
 * skkd writes them at its first start.
 */
static int
admin_log_keys(const struct conf *c)
{
	static struct skkd	 sk;
	struct tlog		*l = NULL;
	struct store		*s = NULL;
	char			 err[512];
	int			 rc = 0;

	if (access(c->data_dir, F_OK) == -1)
		return 0;
	memcpy(&sk.conf, c, sizeof(*c));
	if (keys_load(&sk, err, sizeof(err)) == -1)
		rc = admin_fail(EX_CONFIG, "keys", err);
	else if (c->log_key[0] == '\0')
		rc = admin_fail(EX_CONFIG, "log_key", "not set: the key change "
		    "is not in the log (see skkd log-key)");
	else if ((l = tlog_load(c->log_key, c->public_host, err,
	    sizeof(err))) == NULL)
		rc = admin_fail(EX_CONFIG, "log_key", err);
	else if ((s = admin_open_store(c, err, sizeof(err))) == NULL)
		rc = admin_fail(EX_UNAVAILABLE, "data_dir", err);
	else if (tlog_sync(s, l, &sk.keyring, sk.signkey, time(NULL), err,
	    sizeof(err)) != STORE_OK)
		rc = admin_fail(EX_IOERR, "log", err);
	else
		printf("the transparency log records the change\n");
	store_close(s);
	tlog_free(l);
	keys_release(&sk);
	return rc;
}

/* A log key for an instance made before skkd had a log. */
static int
admin_log_key(struct conf *c, struct admin_args *a)
{
	char	path[CONF_PATH_MAX + 32], vkey[NOTE_KEY_MAX + 1], err[512];

	if (c->log_key[0] != '\0')
		return admin_fail(EX_USAGE, "log-key", "skkd.conf already "
		    "names a log_key");
	snprintf(path, sizeof(path), "%s/keys/log.key", c->dir);
	if (tlog_keygen(path, c->public_host, vkey, sizeof(vkey), err,
	    sizeof(err)) == -1)
		return admin_fail(EX_CANTCREAT, "log-key", err);
	printf("made the log key %s (mode 0600; back it up)\n"
	    "add to skkd.conf:\n  log_key = keys/log.key\n"
	    "add to every skk.conf that should check this log:\n"
	    "  log_key = %s\n", path, vkey);
	return 0;
}

static int
admin_publish(struct conf *c, struct admin_args *a)
{
	return publish_run(c, a->pos[0]);
}

/* The reprints: reprint-KID.csv in the instance directory by default. */
static int
admin_resign(struct conf *c, struct admin_args *a)
{
	char	path[CONF_PATH_MAX + 64];

	if (a->opt2 != NULL)
		snprintf(path, sizeof(path), "%s", a->opt2);
	else
		snprintf(path, sizeof(path), "%s/reprint-%s.csv", c->dir,
		    a->opt);
	return resign_run(c, a->opt, path);
}

/* Clients. */

/* The CA key beside client_ca: "x.crt" -> "x.key". */
static int
admin_ca_key(const struct conf *c, char *out, size_t len)
{
	size_t	n = strlen(c->client_ca);

	if (n < 4 || strcmp(c->client_ca + n - 4, ".crt") != 0 || n >= len)
		return -1;
	memcpy(out, c->client_ca, n - 4);
	memcpy(out + n - 4, ".key", 5);
	return 0;
}

static int
admin_serial(const char *path, char *out, size_t len)
{
	X509	*x;
	BIGNUM	*bn;
	char	*hex = NULL, err[256];

	if ((x = pki_read_cert(path, err, sizeof(err))) == NULL)
		return -1;
	if ((bn = ASN1_INTEGER_to_BN(X509_get_serialNumber(x), NULL)) != NULL)
		hex = BN_bn2hex(bn);
	if (hex != NULL)
		snprintf(out, len, "%s", hex);
	OPENSSL_free(hex);
	BN_free(bn);
	X509_free(x);
	return hex != NULL ? 0 : -1;
}

static int
admin_name_ok(const char *name)
{
	const char	*p;

	if (name[0] == '\0' || name[0] == '.' || strlen(name) > PKI_NAME_MAX)
		return 0;
	for (p = name; *p; p++)
		if (!(*p >= 'a' && *p <= 'z') && !(*p >= 'A' && *p <= 'Z') &&
		    !(*p >= '0' && *p <= '9') && strchr("-_.", *p) == NULL)
			return 0;
	return 1;
}

static void
admin_print_snippet(const struct conf *c, const char *crt, const char *key,
    const char *serial)
{
	uint8_t	pin[32];
	char	host[CONF_ADDR_MAX], err[256], *p;
	int	i;

	snprintf(host, sizeof(host), "%s", c->public_host);
	if ((p = strrchr(host, ':')) != NULL && strchr(host, ']') == NULL)
		*p = '\0';
	printf("# client certificate serial %s\n"
	    "# skk.conf for this client (copy the files with it):\n"
	    "server = %s\nserver_name = %s\nca = %s/tls/ca.crt\n"
	    "cert = %s\nkey = %s\n", serial, c->listen, host, c->dir, crt, key);
	if (pki_spki_sha256(c->tls_cert, pin, err, sizeof(err)) == 0) {
		printf("pin = sha256:");
		for (i = 0; i < 32; i++)
			printf("%02x", pin[i]);
		printf("\n");
	}
}

static int
admin_add_client(struct conf *c, struct admin_args *a)
{
	char	dir[CONF_PATH_MAX + 16], crt[CONF_PATH_MAX + 96];
	char	key[CONF_PATH_MAX + 96], cakey[CONF_PATH_MAX], err[512];
	char	serial[64];
	const char *name = a->pos[0];

	if (strcmp(a->opt, PKI_ROLE_ADMIN) != 0 &&
	    strcmp(a->opt, PKI_ROLE_READER) != 0)
		return admin_fail(EX_USAGE, "--role", "expected admin or reader");
	if (!admin_name_ok(name))
		return admin_fail(EX_USAGE, name, "a name is 1-64 letters, "
		    "digits, '-', '_' or '.'");
	if (a->opt2 != NULL && (a->opt2[0] == '\0' ||
	    strlen(a->opt2) > PKI_ORG_MAX))
		return admin_fail(EX_USAGE, "--org", "an organisation is 1-64 "
		    "bytes");
	if (admin_ca_key(c, cakey, sizeof(cakey)) == -1)
		return admin_fail(EX_CONFIG, "client_ca", "expected a .crt "
		    "file with its .key beside it");
	snprintf(dir, sizeof(dir), "%s/tls/clients", c->dir);
	if (mkdir(dir, 0700) == -1 && errno != EEXIST)
		return admin_fail(EX_CANTCREAT, dir, strerror(errno));
	snprintf(crt, sizeof(crt), "%s/%s.crt", dir, name);
	snprintf(key, sizeof(key), "%s/%s.key", dir, name);
	if (pki_issue_client_org(c->client_ca, cakey, name, a->opt, a->opt2,
	    crt, key, err, sizeof(err)) == -1)
		return admin_fail(EX_CANTCREAT, "add-client", err);
	if (admin_serial(crt, serial, sizeof(serial)) == -1)
		snprintf(serial, sizeof(serial), "?");
	admin_print_snippet(c, crt, key, serial);
	return 0;
}

static int
admin_revoke_client(struct conf *c, struct admin_args *a)
{
	const char	*s = a->pos[0];
	FILE		*f;
	size_t		 i;

	for (i = 0; s[i] != '\0'; i++)
		if (!strchr("0123456789abcdefABCDEF", s[i]))
			break;
	if (i == 0 || s[i] != '\0' || i > 40)
		return admin_fail(EX_USAGE, s, "expected the serial in hex");
	if ((f = fopen(c->revoked_clients, "a")) == NULL)
		return admin_fail(EX_CANTCREAT, c->revoked_clients,
		    strerror(errno));
	fprintf(f, "%s\n", s);
	if (fflush(f) != 0 || fsync(fileno(f)) != 0 || fclose(f) != 0)
		return admin_fail(EX_IOERR, c->revoked_clients,
		    strerror(errno));
	printf("client %s revoked: skkd refuses it within a second\n", s);
	return 0;
}

/* Store. */

static struct store *
admin_open_store(const struct conf *c, char *err, size_t errlen)
{
	struct store_opts	o;
	struct stat		st;

	if (stat(c->data_dir, &st) == -1) {
		snprintf(err, errlen, "%s", strerror(errno));
		return NULL;
	}
	memset(&o, 0, sizeof(o));
	o.dir = c->data_dir;
	o.map_size = c->map_size;
	o.max_readers = c->workers + 16;
	return store_open(&o, err, errlen);
}

static int
admin_backup(struct conf *c, struct admin_args *a)
{
	struct store	*s;
	char		 err[512];
	int		 rc;

	if ((s = admin_open_store(c, err, sizeof(err))) == NULL)
		return admin_fail(EX_UNAVAILABLE, "data_dir", err);
	rc = store_backup(s, a->pos[0], err, sizeof(err));
	store_close(s);
	if (rc != STORE_OK)
		return admin_fail(EX_CANTCREAT, "backup", err);
	printf("backup written to %s\n", a->pos[0]);
	return 0;
}

static int
admin_check(struct conf *c, struct admin_args *a)
{
	static struct skkd	 sk;
	struct fsck_counts	 ck;
	struct store		*s;
	char			 err[512];
	int			 rc;

	memcpy(&sk.conf, c, sizeof(*c));
	if (keys_load(&sk, err, sizeof(err)) == -1)
		return admin_fail(EX_CONFIG, "keys", err);
	if ((s = admin_open_store(c, err, sizeof(err))) == NULL)
		return admin_fail(EX_UNAVAILABLE, "data_dir", err);
	rc = fsck_run(s, &sk.keyring, c->public_host, time(NULL), 0, &ck,
	    err, sizeof(err));
	store_close(s);
	if (rc == -1) {
		keys_release(&sk);
		return admin_fail(EX_UNAVAILABLE, "data_dir", err);
	}
	printf("certificates %lu\nsignatures_ok %lu\nsigned_by_compromised_key "
	    "%lu\nnik_index_ok %lu\nevents %lu\nkeys %zu\nproblems %lu\n",
	    ck.certs, ck.sigs, ck.retired, ck.niks, ck.events, sk.keyring.n,
	    ck.problems);
	keys_release(&sk);
	return ck.problems == 0 ? 0 : 1;
}
