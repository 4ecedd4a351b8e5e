/* skkd — SPDX-License-Identifier: ISC */
/*
 * client/trust.c: the trust file of `skk trust`. Every field read back,
 * each mistake refused with its file, line and field, a file written
 * and read again unchanged (comments included), entries added, replaced
 * and removed, the atomic save (mode, no temporary left, the old file
 * kept when writing fails), skk.conf's own server in the effective list
 * and the registry keys.
 */

#include <sys/stat.h>

#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "base64.h"
#include "note.h"
#include "sign.h"
#include "skkconf.h"
#include "trust.h"

struct fixture {
	char	dir[PATH_MAX];
	char	file[PATH_MAX + 32];
	char	vkey[2][NOTE_KEY_MAX + 1];	/* two log keys */
	char	err[TRUST_ERR_MAX];
};

/* A verifier key for a log named name, from a fixed seed. */
static void
make_vkey(const char *name, uint8_t fill, char *out, size_t outlen)
{
	uint8_t		seed[SIGN_SEED_LEN];
	struct note_key	k;
	char		why[NOTE_ERR_MAX];

	memset(seed, fill, sizeof seed);
	assert_int_equal(note_key_init(&k, name, sign_key_from_seed(seed),
	    why, sizeof why), 0);
	assert_int_equal(note_vkey_format(&k, out, outlen), 0);
	note_key_release(&k);
}

static int
setup(void **state)
{
	struct fixture	*f = calloc(1, sizeof *f);
	char		 tmpl[] = "/tmp/test_trustfile.XXXXXX";

	if (f == NULL || mkdtemp(tmpl) == NULL ||
	    realpath(tmpl, f->dir) == NULL)
		return -1;
	snprintf(f->file, sizeof f->file, "%s/trusted-issuers", f->dir);
	make_vkey("lsp-a.example", 1, f->vkey[0], sizeof f->vkey[0]);
	make_vkey("lsp-b.example", 2, f->vkey[1], sizeof f->vkey[1]);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;
	char		 cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static void
write_file(const char *path, const char *text)
{
	FILE	*fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

static char *
read_all(const char *path)
{
	FILE	*fp = fopen(path, "r");
	char	*buf = calloc(1, 65536);

	assert_non_null(fp);
	assert_non_null(buf);
	fread(buf, 1, 65535, fp);
	fclose(fp);
	return buf;
}

/* text must parse; the reason shown when not. */
static void
parse_ok(struct fixture *f, struct trust_file *tf, const char *text,
    size_t len)
{
	if (trust_parse(tf, text, len, f->file, f->err, sizeof f->err) != 0)
		fail_msg("refused: %s", f->err);
}

/* The two-issuer file of most tests, one line per entry. */
static char *
sample(const struct fixture *f)
{
	char	*s;

	assert_int_equal(asprintf(&s,
	    "# issuers this contractor believes\n"
	    "\n"
	    "issuer https://LSP-A.example:8443/ log_key=%s name=\"LSP A \\\"Bina\\\"\""
	    " licence=BNSP-123 pin=sha256:%s ca=tls/a-ca.crt"
	    " cert=/etc/skk/reader.crt key=reader.key"
	    " server=lsp-a.example:7443 server_name=skkd.lsp-a.example\n"
	    "  # imported from the registry\n"
	    "registry lpjk AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
	    " url=https://registry.example/trust-list ca=reg-ca.crt"
	    " pin=sha256:%s\n"
	    "issuer https://lsp-b.example:443 log_key=%s name=\"LSP B\""
	    " registry=lpjk\n", f->vkey[0],
	    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
	    "ff112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
	    f->vkey[1]) > 0, 1);
	return s;
}

static void
test_fields(void **state)
{
	struct fixture		*f = *state;
	struct trust_file	 tf;
	const struct trust_issuer *a, *b;
	char			*s = sample(f);

	parse_ok(f, &tf, s, strlen(s));
	assert_int_equal(tf.niss, 2);
	assert_int_equal(tf.nreg, 1);
	a = &tf.iss[0];
	b = &tf.iss[1];
	assert_string_equal(a->url, "https://lsp-a.example:8443");
	assert_string_equal(a->host, "lsp-a.example:8443");
	assert_string_equal(a->log_key, f->vkey[0]);
	assert_string_equal(a->name, "LSP A \"Bina\"");
	assert_string_equal(a->licence, "BNSP-123");
	assert_int_equal(a->has_pin, 1);
	assert_int_equal(a->pin[0], 0x00);
	assert_int_equal(a->pin[1], 0x11);
	assert_int_equal(a->pin[31], 0xff);
	assert_string_equal(a->ca, "tls/a-ca.crt");	/* as written */
	assert_string_equal(a->cert, "/etc/skk/reader.crt");
	assert_string_equal(a->key, "reader.key");
	assert_string_equal(a->registry, "");
	assert_string_equal(a->server, "lsp-a.example:7443");
	assert_string_equal(a->server_name, "skkd.lsp-a.example");
	assert_int_equal(a->line, 3);
	assert_int_equal(a->source, TRUST_SRC_FILE);
	/* ":443" is HTTPS's own port: left out, as in QR URLs */
	assert_string_equal(b->url, "https://lsp-b.example");
	assert_string_equal(b->host, "lsp-b.example");
	assert_string_equal(b->registry, "lpjk");
	assert_string_equal(b->server, "");
	assert_string_equal(b->server_name, "");
	assert_int_equal(b->has_pin, 0);
	assert_int_equal(b->line, 6);
	assert_string_equal(tf.reg[0].name, "lpjk");
	assert_string_equal(tf.reg[0].key,
	    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
	assert_string_equal(tf.reg[0].url,
	    "https://registry.example/trust-list");
	assert_string_equal(tf.reg[0].ca, "reg-ca.crt");
	assert_int_equal(tf.reg[0].has_pin, 1);
	assert_int_equal(tf.reg[0].pin[0], 0xff);
	assert_int_equal(tf.reg[0].line, 5);

	/* found by host, URL, any case, with or without ":443" */
	assert_ptr_equal(trust_find(&tf, "LSP-A.example:8443"), a);
	assert_ptr_equal(trust_find(&tf, "https://lsp-b.example/"), b);
	assert_ptr_equal(trust_find(&tf, "lsp-b.example:443"), b);
	assert_null(trust_find(&tf, "lsp-a.example"));
	assert_null(trust_find(&tf, "lsp-c.example"));
	trust_release(&tf);
	free(s);
}

/* text must be refused with exactly "FILE:want". */
static void
refused(struct fixture *f, const char *text, const char *want)
{
	struct trust_file	tf;
	char			exp[TRUST_ERR_MAX + 64];

	memset(&tf, 0, sizeof tf);
	assert_int_equal(trust_parse(&tf, text, strlen(text), f->file,
	    f->err, sizeof f->err), -1);
	snprintf(exp, sizeof exp, "%s:%s", f->file, want);
	if (strcmp(f->err, exp) != 0)
		fail_msg("for:\n%s\nwanted: %s\ngot:    %s", text, exp, f->err);
	assert_int_equal(tf.niss, 0);
	assert_null(tf.iss);
	trust_release(&tf);
}

static void
test_errors(void **state)
{
	struct fixture	*f = *state;
	char		 buf[2048];
	const char	*k = f->vkey[0];

#define BAD(want, ...) do {						\
	snprintf(buf, sizeof buf, __VA_ARGS__);				\
	refused(f, buf, want);						\
} while (0)
	BAD("2: 'isuer': expected 'issuer', 'registry' or a # comment",
	    "# x\nisuer https://a.example log_key=%s name=A\n", k);
	BAD("1: url: missing", "issuer\n");
	BAD("1: url: 'http://a.example': expected https://HOST[:PORT]",
	    "issuer http://a.example log_key=%s name=A\n", k);
	BAD("1: url: 'https://a.example/x': expected https://HOST[:PORT] "
	    "without a path", "issuer https://a.example/x log_key=%s name=A\n",
	    k);
	BAD("1: url: 'https://a.example:70000': expected "
	    "https://HOST[:PORT] with a host name and a port 1-65535",
	    "issuer https://a.example:70000 log_key=%s name=A\n", k);
	BAD("3: log_key: missing",
	    "\n\nissuer https://a.example name=A\n");
	BAD("1: name: missing", "issuer https://a.example log_key=%s\n", k);
	BAD("1: name: empty",
	    "issuer https://a.example log_key=%s name=\"\"\n", k);
	BAD("1: unknown field 'colour'",
	    "issuer https://a.example log_key=%s name=A colour=red\n", k);
	BAD("1: name: given twice",
	    "issuer https://a.example log_key=%s name=A name=B\n", k);
	BAD("1: name: unterminated quote",
	    "issuer https://a.example log_key=%s name=\"A B\n", k);
	BAD("1: 'stray': expected FIELD=VALUE",
	    "issuer https://a.example log_key=%s name=A stray\n", k);
	BAD("1: pin: expected sha256:<64 hex digits> or sha256//<base64>",
	    "issuer https://a.example log_key=%s name=A pin=sha256:00ff\n", k);
	BAD("1: key: missing (cert and key go together)",
	    "issuer https://a.example log_key=%s name=A cert=r.crt\n", k);
	BAD("1: server_name: without server", "issuer https://a.example "
	    "log_key=%s name=A server_name=a.example\n", k);
	BAD("1: server_name: expected a host name", "issuer https://a.example "
	    "log_key=%s name=A server=a.example:7443 server_name=a/b\n", k);
	BAD("1: server: given twice", "issuer https://a.example log_key=%s "
	    "name=A server=a.example:1 server=a.example:2\n", k);
	BAD("2: url: 'a.example' already on line 1",
	    "issuer https://a.example log_key=%s name=A\n"
	    "issuer https://A.example:443/ log_key=%s name=B\n", k, k);
	BAD("1: registry: no 'registry lpjk' line",
	    "issuer https://a.example log_key=%s name=A registry=lpjk\n", k);
	BAD("1: key: missing", "registry lpjk\n");
	BAD("2: name: registry 'r' given twice",
	    "registry r k1.pem\nregistry r k2.pem\n");
	BAD("1: name: expected letters, digits, '-', '_' and '.'",
	    "registry l/p k.pem\n");
	BAD("1: url: expected an https:// URL",
	    "registry r k.pem url=ftp://x\n");
	BAD("1: ca: given twice", "registry r k.pem ca=a ca=b\n");
	BAD("1: unknown field 'colour'", "registry r k.pem colour=red\n");
	BAD("1: 'extra': unexpected", "registry r k.pem extra\n");
	BAD("1: pin: expected sha256:<64 hex digits> or sha256//<base64>",
	    "registry r k.pem pin=x\n");
#undef BAD
}

/* The log key message goes on with the note parser's reason. */
static void
test_log_key_reason(void **state)
{
	struct fixture		*f = *state;
	struct trust_file	 tf;
	const char		*s = "issuer https://a.example "
	    "log_key=a+00000000+AAAA name=A\n";

	assert_int_equal(trust_parse(&tf, s, strlen(s), f->file, f->err,
	    sizeof f->err), -1);
	assert_non_null(strstr(f->err, ":1: log_key: expected a verifier "
	    "key NAME+ID+KEY: "));
	assert_true(strlen(strstr(f->err, "KEY: ")) > 5);
}

static void
test_round_trip(void **state)
{
	struct fixture		*f = *state;
	struct trust_file	 tf, tf2;
	char			*s = sample(f), *out, *out2;
	size_t			 len, len2, i;

	parse_ok(f, &tf, s, strlen(s));
	assert_non_null(out = trust_format(&tf, &len));
	/* comments where they were; entries canonical */
	assert_non_null(strstr(out, "# issuers this contractor believes\n"
	    "\nissuer https://lsp-a.example:8443 log_key="));
	assert_non_null(strstr(out, "\n  # imported from the registry\n"
	    "registry lpjk "));
	assert_non_null(strstr(out, "name=\"LSP A \\\"Bina\\\"\""));
	assert_non_null(strstr(out, "pin=sha256:0011223344"));
	assert_non_null(strstr(out, " server=lsp-a.example:7443"
	    " server_name=skkd.lsp-a.example\n"));
	parse_ok(f, &tf2, out, len);
	assert_int_equal(tf2.niss, tf.niss);
	assert_int_equal(tf2.nreg, tf.nreg);
	for (i = 0; i < tf.niss; i++)
		assert_memory_equal(&tf.iss[i], &tf2.iss[i], sizeof tf.iss[i]);
	assert_memory_equal(&tf.reg[0], &tf2.reg[0], sizeof tf.reg[0]);
	/* a second pass changes nothing */
	assert_non_null(out2 = trust_format(&tf2, &len2));
	assert_int_equal(len, len2);
	assert_memory_equal(out, out2, len);
	/* the base64 spelling of a pin is the same pin */
	trust_release(&tf2);
	free(out2);
	free(out);
	trust_release(&tf);
	free(s);
}

static void
test_pin_forms(void **state)
{
	uint8_t	a[32], b[32];
	char	err[128], b64[64], text[80];

	(void)state;
	for (size_t i = 0; i < 32; i++)
		a[i] = (uint8_t)(i * 7);
	assert_int_equal(base64_encode(a, 32, b64, sizeof b64), 0);
	snprintf(text, sizeof text, "sha256//%s", b64);
	assert_int_equal(trust_pin_parse(text, b, err, sizeof err), 0);
	assert_memory_equal(a, b, 32);
	assert_int_equal(trust_pin_parse("sha256//AAAA", b, err, sizeof err),
	    -1);
	assert_int_equal(trust_pin_parse("md5:00", b, err, sizeof err), -1);
}

static void
test_urls(void **state)
{
	char	url[TRUST_URL_MAX], host[TRUST_HOST_MAX], err[256];

	(void)state;
	assert_int_equal(trust_url_parse("HTTPS://Lsp.Example:8443", url,
	    sizeof url, host, sizeof host, err, sizeof err), 0);
	assert_string_equal(url, "https://lsp.example:8443");
	assert_string_equal(host, "lsp.example:8443");
	assert_int_equal(trust_url_parse("https://[::1]:9443/", url,
	    sizeof url, host, sizeof host, err, sizeof err), 0);
	assert_string_equal(host, "[::1]:9443");
	assert_int_equal(trust_url_parse("https://127.0.0.1", url, sizeof url,
	    host, sizeof host, err, sizeof err), 0);
	assert_string_equal(url, "https://127.0.0.1");
	assert_int_equal(trust_url_parse("https://u@a.example", url,
	    sizeof url, host, sizeof host, err, sizeof err), -1);
	assert_int_equal(trust_url_parse("https://", url, sizeof url, host,
	    sizeof host, err, sizeof err), -1);
	assert_int_equal(trust_url_parse("https://a.example:", url,
	    sizeof url, host, sizeof host, err, sizeof err), -1);
	assert_int_equal(trust_url_parse("https://a.example:08443", url,
	    sizeof url, host, sizeof host, err, sizeof err), -1);
	assert_int_equal(trust_url_parse("https://a b", url, sizeof url, host,
	    sizeof host, err, sizeof err), -1);
}

static void
issuer(struct trust_issuer *is, const char *url, const char *vkey,
    const char *name)
{
	memset(is, 0, sizeof *is);
	snprintf(is->url, sizeof is->url, "%s", url);
	snprintf(is->log_key, sizeof is->log_key, "%s", vkey);
	snprintf(is->name, sizeof is->name, "%s", name);
}

static void
test_put_remove(void **state)
{
	struct fixture		*f = *state;
	struct trust_file	 tf;
	struct trust_issuer	 is;
	struct trust_registry	 r;
	char			*s = sample(f), *out;
	size_t			 len;

	parse_ok(f, &tf, s, strlen(s));
	/* a new issuer goes at the end */
	issuer(&is, "https://LSP-C.example:9443/", f->vkey[1], "LSP C");
	assert_int_equal(trust_put(&tf, &is, f->err, sizeof f->err), 1);
	assert_int_equal(tf.niss, 3);
	assert_string_equal(tf.iss[2].host, "lsp-c.example:9443");
	/* the same host again replaces it, in its place */
	issuer(&is, "https://lsp-a.example:8443", f->vkey[1], "LSP A baru");
	assert_int_equal(trust_put(&tf, &is, f->err, sizeof f->err), 0);
	assert_int_equal(tf.niss, 3);
	assert_string_equal(tf.iss[0].name, "LSP A baru");
	assert_string_equal(tf.iss[0].log_key, f->vkey[1]);
	assert_int_equal(tf.iss[0].has_pin, 0);
	/* checked as the parser checks */
	issuer(&is, "https://lsp-d.example", "nonsense", "D");
	assert_int_equal(trust_put(&tf, &is, f->err, sizeof f->err), -1);
	assert_string_equal(f->err, "log_key: expected a verifier key "
	    "NAME+ID+KEY: key: expected name+id+key");
	issuer(&is, "http://lsp-d.example", f->vkey[0], "D");
	assert_int_equal(trust_put(&tf, &is, f->err, sizeof f->err), -1);
	assert_int_equal(tf.niss, 3);
	/* registries by name */
	memset(&r, 0, sizeof r);
	strcpy(r.name, "lpjk");
	strcpy(r.key, "lpjk.pub");
	assert_int_equal(trust_put_registry(&tf, &r, f->err, sizeof f->err),
	    0);
	strcpy(r.name, "bnsp");
	assert_int_equal(trust_put_registry(&tf, &r, f->err, sizeof f->err),
	    1);
	assert_int_equal(tf.nreg, 2);

	assert_int_equal(trust_remove(&tf, "https://lsp-b.example"), 0);
	assert_int_equal(trust_remove(&tf, "lsp-b.example"), -1);
	assert_int_equal(tf.niss, 2);
	assert_non_null(out = trust_format(&tf, &len));
	assert_null(strstr(out, "issuer https://lsp-b.example"));
	assert_non_null(strstr(out, "  # imported from the registry\n"
	    "registry lpjk lpjk.pub\n"
	    "registry bnsp lpjk.pub\n"
	    "issuer https://lsp-c.example:9443 "));
	assert_int_equal(strncmp(out, "# issuers this contractor believes\n"
	    "\nissuer https://lsp-a.example:8443 log_key=", 63), 0);
	free(out);
	trust_release(&tf);
	free(s);
}

static void
test_save(void **state)
{
	struct fixture		*f = *state;
	struct trust_file	 tf, back;
	struct trust_issuer	 is;
	struct stat		 st;
	char			 tmp[PATH_MAX + 64], *before, *after;
	mode_t			 old;

	/* a missing file is an empty list that save creates */
	assert_int_equal(trust_load(&tf, f->file, f->err, sizeof f->err), 0);
	assert_int_equal(tf.niss, 0);
	issuer(&is, "https://lsp-a.example:8443", f->vkey[0], "LSP A");
	assert_int_equal(trust_put(&tf, &is, f->err, sizeof f->err), 1);
	old = umask(077);
	assert_int_equal(trust_save(&tf, f->err, sizeof f->err), 0);
	umask(old);
	assert_int_equal(stat(f->file, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	snprintf(tmp, sizeof tmp, "%s.tmp", f->file);
	assert_int_equal(access(tmp, F_OK), -1);
	assert_int_equal(trust_load(&back, f->file, f->err, sizeof f->err),
	    0);
	assert_int_equal(back.niss, 1);
	assert_string_equal(back.iss[0].name, "LSP A");
	assert_int_equal(back.iss[0].line, 1);
	trust_release(&back);

	/* when the new file cannot be written, the old one stays whole */
	before = read_all(f->file);
	issuer(&is, "https://lsp-b.example", f->vkey[1], "LSP B");
	assert_int_equal(trust_put(&tf, &is, f->err, sizeof f->err), 1);
	assert_int_equal(mkdir(tmp, 0755), 0);
	assert_int_equal(trust_save(&tf, f->err, sizeof f->err), -1);
	assert_non_null(strstr(f->err, "cannot create '"));
	after = read_all(f->file);
	assert_string_equal(before, after);
	assert_int_equal(rmdir(tmp), 0);
	assert_int_equal(trust_save(&tf, f->err, sizeof f->err), 0);
	free(after);
	after = read_all(f->file);
	assert_non_null(strstr(after, "issuer https://lsp-b.example "));
	free(before);
	free(after);
	trust_release(&tf);

	/* a bad file is an error with its line, not an empty list */
	write_file(f->file, "# ok\nissuer https://x.example\n");
	assert_int_equal(trust_load(&tf, f->file, f->err, sizeof f->err), -1);
	snprintf(tmp, sizeof tmp, "%s:2: log_key: missing", f->file);
	assert_string_equal(f->err, tmp);
}

static void
test_effective(void **state)
{
	struct fixture		*f = *state;
	struct trust_file	 tf;
	struct trust_issuer	*v;
	struct skkconf		 c;
	char			 conf[1024], path[PATH_MAX + 64], *s;
	size_t			 n;

	snprintf(conf, sizeof conf, "server = 127.0.0.1:7443\n"
	    "server_name = lsp-a.example\nca = tls/ca.crt\n"
	    "log_key = %s\n", f->vkey[0]);
	snprintf(path, sizeof path, "%s/skk.conf", f->dir);
	assert_int_equal(skkconf_parse(&c, conf, strlen(conf), path, f->dir,
	    f->err, sizeof f->err), 0);
	trust_conf_path(&c, path, sizeof path);
	assert_string_equal(path, f->file);

	/* no file: the own server alone */
	memset(&tf, 0, sizeof tf);
	assert_int_equal(trust_effective(&c, &tf, &v, &n, f->err,
	    sizeof f->err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].source, TRUST_SRC_CONF);
	assert_string_equal(v[0].host, "lsp-a.example");	/* server_name */
	assert_string_equal(v[0].log_key, f->vkey[0]);
	assert_string_equal(v[0].ca, c.ca);
	free(v);

	/* the file's entry with the same log key gives the public host */
	s = sample(f);
	parse_ok(f, &tf, s, strlen(s));
	assert_int_equal(trust_effective(&c, &tf, &v, &n, f->err,
	    sizeof f->err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].source, TRUST_SRC_CONF);
	assert_string_equal(v[0].host, "lsp-a.example:8443");
	assert_string_equal(v[0].name, "LSP A \"Bina\"");
	assert_int_equal(v[1].source, TRUST_SRC_FILE);
	assert_string_equal(v[1].host, "lsp-b.example");
	free(v);

	/* another log key: both, paths relative to the trust file */
	c.log_key[0] = '\0';
	assert_int_equal(trust_effective(&c, &tf, &v, &n, f->err,
	    sizeof f->err), 0);
	assert_int_equal(n, 3);
	assert_string_equal(v[0].host, "lsp-a.example");
	snprintf(path, sizeof path, "%s/tls/a-ca.crt", f->dir);
	assert_string_equal(v[1].ca, path);
	assert_string_equal(v[1].cert, "/etc/skk/reader.crt");
	snprintf(path, sizeof path, "%s/reader.key", f->dir);
	assert_string_equal(v[1].key, path);
	free(v);
	trust_release(&tf);
	free(s);

	/* a log key named "HOST/log" names the public host, port included */
	make_vkey("lsp-z.example:9443/log", 3, c.log_key, sizeof c.log_key);
	memset(&tf, 0, sizeof tf);
	assert_int_equal(trust_effective(&c, &tf, &v, &n, f->err,
	    sizeof f->err), 0);
	assert_string_equal(v[0].host, "lsp-z.example:9443");
	assert_string_equal(v[0].url, "https://lsp-z.example:9443");
	free(v);

	/* trust = FILE in skk.conf, relative to skk.conf */
	snprintf(conf, sizeof conf, "server = 127.0.0.1:7443\n"
	    "ca = tls/ca.crt\ntrust = lists/mine\n");
	snprintf(path, sizeof path, "%s/skk.conf", f->dir);
	assert_int_equal(skkconf_parse(&c, conf, strlen(conf), path, f->dir,
	    f->err, sizeof f->err), 0);
	trust_conf_path(&c, path, sizeof path);
	assert_int_equal(strncmp(path, f->dir, strlen(f->dir)), 0);
	assert_string_equal(path + strlen(f->dir), "/lists/mine");
}

static void
test_registry_key(void **state)
{
	struct fixture		*f = *state;
	struct trust_file	 tf;
	struct trust_registry	 r;
	struct sign_key		*gen, *k;
	char			*pem, path[PATH_MAX + 32];
	size_t			 len;
	FILE			*fp;

	assert_non_null(gen = sign_key_generate());
	memset(&tf, 0, sizeof tf);
	snprintf(tf.path, sizeof tf.path, "%.4000s", f->file);
	snprintf(tf.dir, sizeof tf.dir, "%.4000s", f->dir);
	memset(&r, 0, sizeof r);
	strcpy(r.name, "lpjk");
	assert_int_equal(base64_encode(sign_key_public(gen), SIGN_PUB_LEN,
	    r.key, sizeof r.key), 0);
	assert_non_null(k = trust_registry_key(&tf, &r, f->err,
	    sizeof f->err));
	assert_memory_equal(sign_key_public(k), sign_key_public(gen),
	    SIGN_PUB_LEN);
	sign_key_free(k);

	/* a PEM file relative to the trust file */
	assert_non_null(pem = sign_key_to_pem(gen, 0, &len));
	snprintf(path, sizeof path, "%s/lpjk.pub", f->dir);
	assert_non_null(fp = fopen(path, "w"));
	fwrite(pem, 1, len, fp);
	fclose(fp);
	sign_pem_free(pem, len);
	strcpy(r.key, "lpjk.pub");
	assert_non_null(k = trust_registry_key(&tf, &r, f->err,
	    sizeof f->err));
	assert_memory_equal(sign_key_public(k), sign_key_public(gen),
	    SIGN_PUB_LEN);
	sign_key_free(k);
	strcpy(r.key, "absent.pub");
	assert_null(trust_registry_key(&tf, &r, f->err, sizeof f->err));
	assert_non_null(strstr(f->err, "absent.pub"));
	sign_key_free(gen);
}

/*
 * Bytes changed, cut and doubled at random in a good file: every
 * result parses or names a line of the file, and what parses is
 * written back as text that reads the same and formats identically.
 */
static void
test_mutations(void **state)
{
	struct fixture		*f = *state;
	struct trust_file	 tf, tf2;
	char			*s = sample(f), *m, *out, *out2, prefix[TRUST_ERR_MAX];
	size_t			 n = strlen(s), len, len2, mlen, i, k;
	unsigned		 seed = 14, ok = 0;
	static const char	 bytes[] = "\"\\= \t\n#:/\r\001\377az09+";

	snprintf(prefix, sizeof prefix, "%s:", f->file);
	assert_non_null(m = malloc(2 * n + 1));
	for (i = 0; i < 3000; i++) {
		memcpy(m, s, n);
		mlen = n;
		for (k = 0; k < 1 + i % 4; k++) {
			size_t	at = (size_t)rand_r(&seed) % mlen;

			switch (rand_r(&seed) % 3) {
			case 0:
				m[at] = bytes[(size_t)rand_r(&seed) %
				    (sizeof bytes - 1)];
				break;
			case 1:
				mlen = at;	/* cut */
				break;
			default:
				if (mlen + 8 < 2 * n) {	/* a run doubled */
					memmove(m + at + 8, m + at, mlen - at);
					mlen += 8;
				}
			}
			if (mlen == 0)
				break;
		}
		if (trust_parse(&tf, m, mlen, f->file, f->err,
		    sizeof f->err) == -1) {
			assert_int_equal(strncmp(f->err, prefix,
			    strlen(prefix)), 0);
			assert_int_equal(tf.niss, 0);
			continue;
		}
		ok++;
		assert_non_null(out = trust_format(&tf, &len));
		parse_ok(f, &tf2, out, len);
		assert_int_equal(tf2.niss, tf.niss);
		assert_int_equal(tf2.nreg, tf.nreg);
		assert_non_null(out2 = trust_format(&tf2, &len2));
		assert_int_equal(len, len2);
		assert_memory_equal(out, out2, len);
		free(out);
		free(out2);
		trust_release(&tf2);
		trust_release(&tf);
	}
	assert_true(ok > 100);	/* the good ones were exercised too */
	free(m);
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_log_key_reason, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_round_trip, setup,
		    teardown),
		cmocka_unit_test(test_pin_forms),
		cmocka_unit_test(test_urls),
		cmocka_unit_test_setup_teardown(test_put_remove, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_save, setup, teardown),
		cmocka_unit_test_setup_teardown(test_effective, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_registry_key, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_mutations, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
