/* skkd — SPDX-License-Identifier: ISC */
/*
 * daemon/init.c and daemon/pki.c: `skkd init` run into a temporary
 * directory, then every file checked from the outside: modes, the
 * certificate chains (verified with OpenSSL, not by reading our own
 * code back), key/certificate pairs, the configs it wrote, refusal to
 * overwrite, usage errors and cleanup after a failure.
 */

#include <sys/resource.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "conf.h"
#include "init.h"
#include "keyfile.h"
#include "kv.h"
#include "pki.h"
#include "sign.h"

struct fixture {
	char	 base[PATH_MAX];
	char	 dir[PATH_MAX + 8];	/* base/inst */
	char	 out[8192];		/* stdout of the last run */
	char	 errout[8192];		/* its stderr */
};

/* Mode each file of the layout must have. */
static const struct {
	const char	*name;
	unsigned	 mode;
} layout[] = {
	{ "", 0700 }, { "keys", 0700 }, { "tls", 0700 },
	{ "skkd.conf", 0644 }, { "skk.conf", 0600 },
	{ "keys/signing.pem", 0600 }, { "keys/signing.pub", 0644 },
	{ "keys/nik.secret", 0600 },
	{ "tls/ca.crt", 0644 }, { "tls/ca.key", 0600 },
	{ "tls/server.crt", 0644 }, { "tls/server.key", 0600 },
	{ "tls/client-ca.crt", 0644 }, { "tls/client-ca.key", 0600 },
	{ "tls/admin.crt", 0644 }, { "tls/admin.key", 0600 },
	{ "tls/revoked-clients", 0644 },
};
#define NLAYOUT	(sizeof(layout) / sizeof(layout[0]))

static int
setup(void **state)
{
	struct fixture	*f = calloc(1, sizeof(*f));
	char		 tmpl[] = "/tmp/test_init.XXXXXX";

	if (f == NULL || mkdtemp(tmpl) == NULL)
		return -1;
	snprintf(f->base, sizeof(f->base), "%s", tmpl);
	snprintf(f->dir, sizeof(f->dir), "%s/inst", tmpl);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;
	char		 cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->base);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static void
slurp(const char *path, char *buf, size_t len)
{
	FILE	*fp = fopen(path, "r");
	size_t	 n;

	assert_non_null(fp);
	n = fread(buf, 1, len - 1, fp);
	buf[n] = '\0';
	fclose(fp);
}

/* init_main with stdout and stderr caught in f->out and f->errout. */
static int
run(struct fixture *f, char **argv)
{
	char	 po[PATH_MAX + 16], pe[PATH_MAX + 16];
	int	 argc = 0, rc, so, se, fo, fe;

	while (argv[argc] != NULL)
		argc++;
	snprintf(po, sizeof(po), "%s/out", f->base);
	snprintf(pe, sizeof(pe), "%s/err", f->base);
	fflush(stdout);
	fflush(stderr);
	so = dup(1);
	se = dup(2);
	fo = open(po, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	fe = open(pe, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(so != -1 && se != -1 && fo != -1 && fe != -1);
	dup2(fo, 1);
	dup2(fe, 2);
	rc = init_main(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(so, 1);
	dup2(se, 2);
	close(so);
	close(se);
	close(fo);
	close(fe);
	slurp(po, f->out, sizeof(f->out));
	slurp(pe, f->errout, sizeof(f->errout));
	return rc;
}

static int
run_default(struct fixture *f)
{
	char	*argv[] = { "init", f->dir, NULL };

	return run(f, argv);
}

static const char *
path_of(const struct fixture *f, const char *name)
{
	static char	 p[PATH_MAX * 2];

	snprintf(p, sizeof(p), "%s/%s", f->dir, name);
	return p;
}

static X509 *
cert_of(const struct fixture *f, const char *name)
{
	char	 err[512];
	X509	*x = pki_read_cert(path_of(f, name), err, sizeof(err));

	assert_non_null(x);
	return x;
}

/* X509_verify_cert against one trusted CA file; 1 when it verifies. */
static int
verifies(const struct fixture *f, const char *leaf, const char *ca,
    int purpose)
{
	X509_STORE	*store = X509_STORE_new();
	X509_STORE_CTX	*ctx = X509_STORE_CTX_new();
	X509		*x = cert_of(f, leaf), *cax = cert_of(f, ca);
	int		 ok;

	assert_int_equal(X509_STORE_add_cert(store, cax), 1);
	assert_int_equal(X509_STORE_CTX_init(ctx, store, x, NULL), 1);
	assert_int_equal(X509_STORE_CTX_set_purpose(ctx, purpose), 1);
	ok = X509_verify_cert(ctx);
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	X509_free(x);
	X509_free(cax);
	return ok;
}

static void
name_entry(X509 *x, int nid, char *buf, int len)
{
	buf[0] = '\0';
	assert_true(X509_NAME_get_text_by_NID(X509_get_subject_name(x), nid,
	    buf, len) > 0);
}

static void
test_layout(void **state)
{
	struct fixture	*f = *state;
	struct stat	 st;
	size_t		 i;

	assert_int_equal(run_default(f), 0);
	for (i = 0; i < NLAYOUT; i++) {
		assert_int_equal(stat(path_of(f, layout[i].name), &st), 0);
		if (st.st_mode & 07777 & ~layout[i].mode)
			fail_msg("%s: mode %04o, expected %04o",
			    layout[i].name, st.st_mode & 07777,
			    layout[i].mode);
		assert_int_equal(st.st_mode & 07777, layout[i].mode);
	}
	/* The daemon makes db/ at first start; init must not. */
	assert_int_equal(stat(path_of(f, "db"), &st), -1);
	assert_non_null(strstr(f->out, "skkd -c "));
	assert_non_null(strstr(f->out, "/inst/skkd.conf"));
	assert_non_null(strstr(f->out, "/inst/skk.conf verify NUMBER"));
	assert_string_equal(f->errout, "");
}

static void
test_chains(void **state)
{
	struct fixture	*f = *state;
	X509		*x;

	assert_int_equal(run_default(f), 0);
	assert_int_equal(verifies(f, "tls/server.crt", "tls/ca.crt",
	    X509_PURPOSE_SSL_SERVER), 1);
	assert_int_equal(verifies(f, "tls/server.crt", "tls/client-ca.crt",
	    X509_PURPOSE_SSL_SERVER), 0);
	assert_int_equal(verifies(f, "tls/admin.crt", "tls/client-ca.crt",
	    X509_PURPOSE_SSL_CLIENT), 1);
	assert_int_equal(verifies(f, "tls/admin.crt", "tls/ca.crt",
	    X509_PURPOSE_SSL_CLIENT), 0);
	/* Each leaf is good for its own use only. */
	assert_int_equal(verifies(f, "tls/admin.crt", "tls/client-ca.crt",
	    X509_PURPOSE_SSL_SERVER), 0);
	assert_int_equal(verifies(f, "tls/server.crt", "tls/ca.crt",
	    X509_PURPOSE_SSL_CLIENT), 0);

	x = cert_of(f, "tls/server.crt");
	assert_int_equal(X509_check_host(x, "localhost", 0, 0, NULL), 1);
	assert_int_equal(X509_check_ip_asc(x, "127.0.0.1", 0), 1);
	assert_int_equal(X509_check_ip_asc(x, "::1", 0), 1);
	assert_int_equal(X509_check_host(x, "example.com", 0, 0, NULL), 0);
	assert_int_equal(X509_get_version(x), X509_VERSION_3);
	assert_int_equal(X509_check_ca(x), 0);
	X509_free(x);
	x = cert_of(f, "tls/ca.crt");
	assert_true(X509_check_ca(x) > 0);
	X509_free(x);
	x = cert_of(f, "tls/client-ca.crt");
	assert_true(X509_check_ca(x) > 0);
	X509_free(x);
}

static void
test_subjects_and_keys(void **state)
{
	struct fixture	*f = *state;
	const char	*pairs[][2] = {
		{ "tls/ca.crt", "tls/ca.key" },
		{ "tls/server.crt", "tls/server.key" },
		{ "tls/client-ca.crt", "tls/client-ca.key" },
		{ "tls/admin.crt", "tls/admin.key" },
	};
	const ASN1_INTEGER *serial;
	X509		*x, *other;
	EVP_PKEY	*k;
	char		 buf[128], err[512];
	size_t		 i;

	assert_int_equal(run_default(f), 0);
	x = cert_of(f, "tls/admin.crt");
	name_entry(x, NID_organizationalUnitName, buf, sizeof(buf));
	assert_string_equal(buf, "admin");
	name_entry(x, NID_commonName, buf, sizeof(buf));
	assert_string_equal(buf, "admin");
	X509_free(x);

	for (i = 0; i < 4; i++) {
		x = cert_of(f, pairs[i][0]);
		k = pki_read_key(path_of(f, pairs[i][1]), err, sizeof(err));
		assert_non_null(k);
		assert_int_equal(X509_check_private_key(x, k), 1);
		assert_int_equal(EVP_PKEY_get_base_id(k), EVP_PKEY_EC);
		assert_int_equal(EVP_PKEY_get_bits(k), 256);
		assert_int_equal(X509_get_signature_nid(x),
		    NID_ecdsa_with_SHA256);
		serial = X509_get0_serialNumber(x);
		assert_int_equal(ASN1_STRING_length(serial), 16);
		assert_int_equal(ASN1_STRING_type(serial), V_ASN1_INTEGER);	/* positive */
		/* A key fits its own certificate only. */
		other = cert_of(f, pairs[(i + 1) % 4][0]);
		assert_int_equal(X509_check_private_key(other, k), 0);
		X509_free(other);
		EVP_PKEY_free(k);
		X509_free(x);
	}
}

/* Collects skk.conf's settings for test_configs. */
struct skk {
	char	 server[256], server_name[256], ca[256], pin[256];
};

static int
skk_cb(const char *key, const char *value, void *arg, char *err,
    size_t errlen)
{
	struct skk	*s = arg;

	if (strcmp(key, "server") == 0)
		snprintf(s->server, sizeof(s->server), "%s", value);
	else if (strcmp(key, "server_name") == 0)
		snprintf(s->server_name, sizeof(s->server_name), "%s", value);
	else if (strcmp(key, "ca") == 0)
		snprintf(s->ca, sizeof(s->ca), "%s", value);
	else if (strcmp(key, "pin") == 0)
		snprintf(s->pin, sizeof(s->pin), "%s", value);
	return 0;
}

static void
read_skk(const struct fixture *f, struct skk *s)
{
	char	 buf[4096], err[512];

	memset(s, 0, sizeof(*s));
	slurp(path_of(f, "skk.conf"), buf, sizeof(buf));
	assert_int_equal(kv_parse(buf, strlen(buf), skk_cb, s, err,
	    sizeof(err)), 0);
}

/* The pin computed here from the certificate, not by pki.c. */
static void
expect_pin(const struct fixture *f, const char *pin)
{
	X509		*x = cert_of(f, "tls/server.crt");
	unsigned char	*der = NULL, md[32];
	unsigned int	 mdlen;
	char		 want[80];
	int		 len, i;

	len = i2d_PUBKEY(X509_get0_pubkey(x), &der);
	assert_true(len > 0);
	assert_int_equal(EVP_Digest(der, (size_t)len, md, &mdlen,
	    EVP_sha256(), NULL), 1);
	strcpy(want, "sha256:");
	for (i = 0; i < 32; i++)
		snprintf(want + 7 + 2 * i, 3, "%02x", md[i]);
	assert_string_equal(pin, want);
	OPENSSL_free(der);
	X509_free(x);
}

static void
test_configs(void **state)
{
	struct fixture	*f = *state;
	struct conf	*c = malloc(sizeof(*c));
	struct sign_key	*k;
	struct skk	 s;
	uint8_t		 secret[32];
	char		 err[1024], kid[17], want[64];
	const char	*paths[6];
	int		 i;

	assert_non_null(c);
	assert_int_equal(run_default(f), 0);
	assert_int_equal(conf_load(path_of(f, "skkd.conf"), c, err,
	    sizeof(err)), 0);
	paths[0] = c->signing_key;
	paths[1] = c->nik_secret;
	paths[2] = c->tls_cert;
	paths[3] = c->tls_key;
	paths[4] = c->client_ca;
	paths[5] = NULL;
	for (i = 0; paths[i] != NULL; i++)
		assert_int_equal(access(paths[i], R_OK), 0);
	assert_non_null(strstr(c->tls_cert, "/inst/tls/server.crt"));
	assert_non_null(strstr(c->client_ca, "/inst/tls/client-ca.crt"));
	assert_non_null(strstr(c->data_dir, "/inst/db"));
	assert_string_equal(c->listen, "127.0.0.1:7443");
	assert_string_equal(c->issuer_name, "LSP Konstruksi (contoh)");
	assert_string_equal(c->issuer_licence, "BNSP-LSP-0000");
	assert_string_equal(c->kbli, "42101");
	assert_string_equal(c->kbji, "8342");
	assert_string_equal(c->public_host, "localhost:8443");
	assert_int_equal(conf_read_secret(c->nik_secret, secret, err,
	    sizeof(err)), 0);

	k = keyfile_load_private(c->signing_key, err, sizeof(err));
	if (k == NULL)
		fail_msg("%s", err);
	assert_true(sign_key_is_private(k));
	for (i = 0; i < SIGN_KID_LEN; i++)
		snprintf(kid + 2 * i, 3, "%02x", sign_key_kid(k)[i]);
	snprintf(want, sizeof(want), "kid %s", kid);
	assert_non_null(strstr(f->out, want));
	sign_key_free(k);
	k = keyfile_load_public(path_of(f, "keys/signing.pub"), err,
	    sizeof(err));
	assert_non_null(k);
	sign_key_free(k);

	read_skk(f, &s);
	assert_string_equal(s.server, "127.0.0.1:7443");
	assert_string_equal(s.server_name, "localhost");
	assert_string_equal(s.ca, "tls/ca.crt");
	expect_pin(f, s.pin);
	free(c);
}

static void
test_options(void **state)
{
	struct fixture	*f = *state;
	struct conf	*c = malloc(sizeof(*c));
	struct skk	 s;
	char		 err[1024];
	X509		*x;
	char		*argv[] = { "init", "--host", "skk.example.id",
			    "--listen", "0.0.0.0:9000", "--issuer",
			    "LSP \"Maju\" \\ Jaya", "--licence", "KEP.9/2025",
			    "--kbli", "01111", f->dir, "--kbji", "7233", NULL };

	assert_non_null(c);
	assert_int_equal(run(f, argv), 0);
	assert_int_equal(conf_load(path_of(f, "skkd.conf"), c, err,
	    sizeof(err)), 0);
	assert_string_equal(c->listen, "0.0.0.0:9000");
	assert_string_equal(c->issuer_name, "LSP \"Maju\" \\ Jaya");
	assert_string_equal(c->issuer_licence, "KEP.9/2025");
	assert_string_equal(c->kbli, "01111");
	assert_string_equal(c->kbji, "7233");
	assert_string_equal(c->public_host, "skk.example.id:8443");
	read_skk(f, &s);
	assert_string_equal(s.server, "127.0.0.1:9000");
	assert_string_equal(s.server_name, "skk.example.id");
	expect_pin(f, s.pin);

	x = cert_of(f, "tls/server.crt");
	assert_int_equal(X509_check_host(x, "skk.example.id", 0, 0, NULL), 1);
	assert_int_equal(X509_check_host(x, "localhost", 0, 0, NULL), 0);
	assert_int_equal(X509_check_ip_asc(x, "127.0.0.1", 0), 0);
	X509_free(x);
	free(c);
}

static void
test_refuses_existing(void **state)
{
	struct fixture	*f = *state;
	struct stat	 before[NLAYOUT], after;
	char		 want[PATH_MAX + 128];
	size_t		 i;

	assert_int_equal(run_default(f), 0);
	for (i = 0; i < NLAYOUT; i++)
		assert_int_equal(stat(path_of(f, layout[i].name),
		    &before[i]), 0);
	sleep(1);	/* so that a rewrite would show in the mtime */
	assert_int_equal(run_default(f), 73);
	snprintf(want, sizeof(want), "skkd init: '%s' already holds an "
	    "instance; refusing to overwrite\n", f->dir);
	assert_string_equal(f->errout, want);
	assert_string_equal(f->out, "");
	for (i = 0; i < NLAYOUT; i++) {
		assert_int_equal(stat(path_of(f, layout[i].name), &after), 0);
		assert_true(after.st_ino == before[i].st_ino);
		assert_true(after.st_size == before[i].st_size);
		assert_true(after.st_mtim.tv_sec == before[i].st_mtim.tv_sec);
		assert_true(after.st_mtim.tv_nsec ==
		    before[i].st_mtim.tv_nsec);
	}
	/* Half an instance (keys/ only) is refused as well. */
	assert_int_equal(unlink(path_of(f, "skkd.conf")), 0);
	assert_int_equal(run_default(f), 73);
	assert_int_equal(stat(path_of(f, "skkd.conf"), &after), -1);
}

/* Exit 64, msg on stderr, the usage line only for a malformed command. */
static void
expect_usage(struct fixture *f, char **argv, const char *msg, int usage)
{
	struct stat	 st;

	assert_int_equal(run(f, argv), 64);
	if (msg != NULL)
		assert_non_null(strstr(f->errout, msg));
	assert_int_equal(strstr(f->errout, "usage: skkd init DIR") != NULL,
	    usage);
	assert_int_equal(stat(f->dir, &st), -1);	/* nothing made */
}

static void
test_usage(void **state)
{
	struct fixture	*f = *state;
	char		*a1[] = { "init", "--kbli", "123", f->dir, NULL };
	char		*a2[] = { "init", f->dir, "--kbji", "12345", NULL };
	char		*a3[] = { "init", NULL };
	char		*a4[] = { "init", f->dir, "extra", NULL };
	char		*a5[] = { "init", "--bogus", f->dir, NULL };
	char		*a6[] = { "init", f->dir, "--listen", "nowhere", NULL };
	char		*a7[] = { "init", "--host", "a,IP:1.2.3.4", f->dir,
			    NULL };
	char		*a8[] = { "init", f->dir, "--kbli", NULL };
	char		*a9[] = { "init", "--issuer", "", f->dir, NULL };

	assert_int_equal(run(f, a1), 64);
	assert_string_equal(f->errout, "skkd init: --kbli: expected 5 digits, "
	    "not '123'\n");
	expect_usage(f, a2, "skkd init: --kbji: expected 4 digits", 0);
	expect_usage(f, a3, NULL, 1);
	expect_usage(f, a4, NULL, 1);
	expect_usage(f, a5, "skkd init: unknown option '--bogus'", 1);
	expect_usage(f, a6, "skkd init: --listen: bad address 'nowhere'", 0);
	expect_usage(f, a7, "skkd init: --host: expected a DNS name", 0);
	expect_usage(f, a8, "skkd init: option '--kbli' needs a value", 1);
	expect_usage(f, a9, "skkd init: --issuer: expected 1 to 120", 0);
}

/*
 * A failure midway (here: a file size limit that skkd.conf, written near
 * the end, exceeds) must leave nothing behind.
 */
static void
test_cleanup_on_failure(void **state)
{
	struct fixture	*f = *state;
	struct rlimit	 old, lim;
	struct stat	 st;
	void		(*oldsig)(int);
	int		 rc;

	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = 1024;
	oldsig = signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	rc = run_default(f);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, oldsig);
	assert_int_equal(rc, 73);
	assert_non_null(strstr(f->errout, "skkd init: cannot write '"));
	assert_non_null(strstr(f->errout, "skkd.conf'"));
	assert_non_null(strstr(f->errout, "removed what was made"));
	assert_int_equal(stat(f->dir, &st), -1);
	/* And a second try then works. */
	assert_int_equal(run_default(f), 0);
}

/* pki.c on its own: reader certificates, bad roles, no overwriting. */
static void
test_pki_client(void **state)
{
	struct fixture	*f = *state;
	char		 err[1024], buf[128];
	char		 crt[PATH_MAX * 2], key[PATH_MAX * 2];
	char		 cacrt[PATH_MAX * 2], cakey[PATH_MAX * 2];
	X509		*x;

	assert_int_equal(run_default(f), 0);
	snprintf(cacrt, sizeof(cacrt), "%s", path_of(f, "tls/client-ca.crt"));
	snprintf(cakey, sizeof(cakey), "%s", path_of(f, "tls/client-ca.key"));
	snprintf(crt, sizeof(crt), "%s", path_of(f, "tls/site.crt"));
	snprintf(key, sizeof(key), "%s", path_of(f, "tls/site.key"));
	assert_int_equal(pki_issue_client(cacrt, cakey, "site-office",
	    PKI_ROLE_READER, crt, key, err, sizeof(err)), 0);
	assert_int_equal(verifies(f, "tls/site.crt", "tls/client-ca.crt",
	    X509_PURPOSE_SSL_CLIENT), 1);
	x = cert_of(f, "tls/site.crt");
	name_entry(x, NID_organizationalUnitName, buf, sizeof(buf));
	assert_string_equal(buf, "reader");
	name_entry(x, NID_commonName, buf, sizeof(buf));
	assert_string_equal(buf, "site-office");
	X509_free(x);

	assert_int_equal(pki_issue_client(cacrt, cakey, "x", "root", crt, key,
	    err, sizeof(err)), -1);
	assert_string_equal(err, "bad role 'root' (admin or reader)");
	assert_int_equal(pki_issue_client(cacrt, cakey, "again",
	    PKI_ROLE_READER, crt, path_of(f, "tls/other.key"), err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "File exists"));
	assert_int_equal(access(path_of(f, "tls/other.key"), F_OK), -1);
	/* The server CA's key does not belong to the client CA. */
	snprintf(cakey, sizeof(cakey), "%s", path_of(f, "tls/ca.key"));
	snprintf(crt, sizeof(crt), "%s", path_of(f, "y.crt"));
	snprintf(key, sizeof(key), "%s", path_of(f, "y.key"));
	assert_int_equal(pki_issue_client(cacrt, cakey, "y", PKI_ROLE_ADMIN,
	    crt, key, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "is not the key of"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_layout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_chains, setup, teardown),
		cmocka_unit_test_setup_teardown(test_subjects_and_keys, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_configs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_options, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refuses_existing, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_usage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cleanup_on_failure, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_pki_client, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
