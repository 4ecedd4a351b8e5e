/* skkd — SPDX-License-Identifier: ISC */
/*
 * Offline verification. The keys file is written by "skk keys --save"
 * one key a line so an administrator can read, diff and mail it; the PEM
 * of skkd init is accepted too because it is what a fresh instance has.
 * The verdict rule (proto/PROTOCOL.md 1.6, skk(1)): what a signature
 * proves offline is certain (bad signature, unknown key, expired: NOT
 * VALID), what it cannot prove (that the certificate was not revoked
 * since) is UNKNOWN.
 */

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>

#include "cert.h"
#include "hex.h"
#include "offline.h"

#define OFFLINE_LINE_MAX	512
#define OFFLINE_HOST_MAX	256

/* A host as a keys file may hold it: no blanks, nothing unprintable. */
static int
offline_host_ok(const char *h)
{
	if (*h == '\0')
		return 0;
	for (; *h != '\0'; h++)
		if (!isgraph((unsigned char)*h))
			return 0;
	return 1;
}

int
offline_load_host(const char *path, char *host, size_t hostlen, char *err,
    size_t errlen)
{
	FILE	*f;
	char	 line[OFFLINE_LINE_MAX], *p;
	size_t	 lineno = 0, n;
	int	 found = 0;

	host[0] = '\0';
	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "cannot open '%s': %s", path,
		    strerror(errno));
		return -1;
	}
	while (found == 0 && fgets(line, sizeof line, f) != NULL) {
		lineno++;
		if (strncmp(line, "host ", 5) != 0)
			continue;
		for (p = line + 5; *p == ' '; p++)
			;
		n = strcspn(p, " \t\r\n");
		p[n] = '\0';
		if (!offline_host_ok(p) || n >= hostlen) {
			snprintf(err, errlen, "%s:%zu: host: expected "
			    "HOST[:PORT]", path, lineno);
			found = -1;
		} else {
			memcpy(host, p, n + 1);
			found = 1;
		}
	}
	fclose(f);
	return found;
}

void
offline_host_rule(struct offline_result *r, const char *text,
    const char *issuer_host)
{
	char	host[OFFLINE_HOST_MAX];
	int	rc;

	if (!r->signed_ok || issuer_host[0] == '\0' ||
	    (rc = qrpay_url_host(text, strlen(text), host, sizeof host)) == 0)
		return;
	if (rc == -1)
		snprintf(host, sizeof host, "(a host too long)");
	else if (qrpay_host_equal(host, issuer_host))
		return;
	r->verdict = VERDICT_NOT_VALID;
	r->reason = REASON_OTHER_SITE;
	snprintf(r->detail, sizeof r->detail, "the QR names '%.80s'; the "
	    "issuer whose key signed it is at '%.80s'", host, issuer_host);
}

static int
offline_unhex(const char *s, uint8_t *out, size_t len)
{
	return hex_decode(s, strlen(s), out, len) == (ssize_t)len ? 0 : -1;
}

/* "-" (open, 0) or YYYY-MM-DDTHH:MM:SSZ. */
static int
offline_time(const char *s, int64_t *t)
{
	struct tm	 tm;
	const char	*end;

	*t = 0;
	if (strcmp(s, "-") == 0)
		return 0;
	memset(&tm, 0, sizeof tm);
	if ((end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm)) == NULL ||
	    *end != '\0')
		return -1;
	*t = (int64_t)timegm(&tm);
	return 0;
}

static void
offline_fmt_time(int64_t t, char out[32])
{
	struct tm	tm;
	time_t		tt = (time_t)t;

	snprintf(out, 32, "-");
	if (t != 0 && gmtime_r(&tt, &tm) != NULL)
		strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/*
 * One "ed25519 KID KEY FROM TO [COMPROMISED]" line into kr; NULL, or the
 * reason. Files without the last column (older skk) still load.
 */
static const char *
offline_parse_line(char *line, struct keyring *kr)
{
	char		 alg[16], kidhex[64], keyhex[128], from[40], to[40];
	char		 comp[40] = "-", extra;
	uint8_t		 kid[SIGN_KID_LEN], pub[SIGN_PUB_LEN];
	int64_t		 tf, tt, tc;
	struct sign_key	*k;
	int		 n;

	n = sscanf(line, "%15s %63s %127s %39s %39s %39s %c", alg, kidhex,
	    keyhex, from, to, comp, &extra);
	if (n != 5 && n != 6)
		return "expected 'ed25519 KID KEY FROM TO [COMPROMISED]'";
	if (strcmp(alg, "ed25519") != 0)
		return "unknown algorithm";
	if (offline_unhex(kidhex, kid, sizeof kid) == -1 ||
	    offline_unhex(keyhex, pub, sizeof pub) == -1)
		return "kid or key is not hex of the right length";
	if (offline_time(from, &tf) == -1 || offline_time(to, &tt) == -1 ||
	    offline_time(comp, &tc) == -1)
		return "bad time (YYYY-MM-DDTHH:MM:SSZ or -)";
	if ((k = sign_key_from_public(pub)) == NULL)
		return "not an Ed25519 public key";
	if (memcmp(sign_key_kid(k), kid, sizeof kid) != 0) {
		sign_key_free(k);
		return "kid does not match the key";
	}
	if (keyring_add(kr, k, tf, tt) == -1)
		return "too many keys";
	kr->k[kr->n - 1].compromised_at = tc;
	return NULL;
}

static int
offline_load_text(FILE *f, const char *path, struct keyring *kr, char *err,
    size_t errlen)
{
	char		 line[OFFLINE_LINE_MAX], *p;
	const char	*why;
	size_t		 lineno = 0;

	while (fgets(line, sizeof line, f) != NULL) {
		lineno++;
		for (p = line; isspace((unsigned char)*p); p++)
			;
		if (*p == '\0' || *p == '#' || strncmp(p, "host ", 5) == 0)
			continue;
		if ((why = offline_parse_line(p, kr)) != NULL) {
			snprintf(err, errlen, "%s:%zu: %s", path, lineno, why);
			return -1;
		}
	}
	if (kr->n == 0) {
		snprintf(err, errlen, "%s: no keys", path);
		return -1;
	}
	return 0;
}

/* A PEM public key file (what skkd init writes as keys/signing.pub). */
static int
offline_load_pem(FILE *f, const char *path, struct keyring *kr, char *err,
    size_t errlen)
{
	struct sign_key	*k;
	char		 pem[4096];
	size_t		 n;

	rewind(f);
	n = fread(pem, 1, sizeof pem, f);
	if (ferror(f)) {
		snprintf(err, errlen, "cannot read '%s': %s", path,
		    strerror(errno));
		return -1;
	}
	if ((k = sign_key_from_pem(pem, n, 0, path, err, errlen)) == NULL)
		return -1;
	return keyring_add(kr, k, 0, 0);
}

int
offline_load_keys(const char *path, struct keyring *kr, char *err,
    size_t errlen)
{
	FILE		*f;
	char		 head[16] = "";
	int		 rc;

	keyring_init(kr);
	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "cannot open '%s': %s", path,
		    strerror(errno));
		return -1;
	}
	if (fgets(head, sizeof head, f) != NULL &&
	    strncmp(head, "-----BEGIN", 10) == 0) {
		rc = offline_load_pem(f, path, kr, err, errlen);
		fclose(f);
		return rc;
	}
	rewind(f);
	rc = offline_load_text(f, path, kr, err, errlen);
	fclose(f);
	if (rc == -1)
		keyring_release(kr);
	return rc;
}

static int
offline_write_key(FILE *f, const struct wire_msg *it)
{
	const uint8_t	*kid, *key;
	size_t		 kidlen, keylen, i;
	int64_t		 from = 0, to = 0, comp = 0;
	char		 tf[32], tt[32], tc[32];

	if (wire_get_bytes(it, WK_KID, &kid, &kidlen) == -1 ||
	    wire_get_bytes(it, WK_KEY, &key, &keylen) == -1 ||
	    kidlen != SIGN_KID_LEN || keylen != SIGN_PUB_LEN)
		return -1;
	wire_get_int(it, WK_FROM, &from);
	wire_get_int(it, WK_TO, &to);
	wire_get_int(it, WK_TIME, &comp);
	offline_fmt_time(from, tf);
	offline_fmt_time(to, tt);
	offline_fmt_time(comp, tc);
	fputs("ed25519 ", f);
	for (i = 0; i < kidlen; i++)
		fprintf(f, "%02x", kid[i]);
	fputc(' ', f);
	for (i = 0; i < keylen; i++)
		fprintf(f, "%02x", key[i]);
	fprintf(f, " %s %s %s\n", tf, tt, tc);
	return 0;
}

int
offline_save_keys(const char *path, const struct wire_msg *a, char *err,
    size_t errlen)
{
	FILE	*f;
	char	 host[OFFLINE_HOST_MAX];
	size_t	 i, n = wire_list_len(a, WK_ITEMS);
	int	 bad = 0;

	if (n == 0) {
		snprintf(err, errlen, "the server sent no keys");
		return -1;
	}
	if ((f = fopen(path, "w")) == NULL) {
		snprintf(err, errlen, "cannot create '%s': %s", path,
		    strerror(errno));
		return -1;
	}
	fprintf(f, "# skk keys: the QR signing keys of an skkd instance, for "
	    "skk verify --keys\n");
	if (wire_get_str(a, WK_HOST, host, sizeof host) == 0 &&
	    offline_host_ok(host))
		fprintf(f, "# the only host its QR URLs may name\nhost %s\n",
		    host);
	fprintf(f, "# algorithm kid public-key valid-from valid-to "
	    "compromised-at (UTC, - = open/never)\n");
	for (i = 0; i < n && !bad; i++)
		bad = offline_write_key(f, wire_list_get(a, WK_ITEMS, i));
	if (bad || fchmod(fileno(f), 0644) == -1 || fclose(f) == EOF) {
		if (!bad)
			snprintf(err, errlen, "cannot write '%s': %s", path,
			    strerror(errno));
		else {
			fclose(f);
			snprintf(err, errlen, "the server sent a malformed "
			    "key");
		}
		return -1;
	}
	return 0;
}

void
offline_verify(const struct keyring *kr, const char *text, int64_t now,
    struct offline_result *r)
{
	memset(r, 0, sizeof(*r));
	r->err = qrpay_verify(text, strlen(text), kr, now, &r->claims,
	    r->detail, sizeof r->detail);
	r->signed_ok = r->err == QRPAY_OK || r->err == QRPAY_EXPIRED ||
	    r->err == QRPAY_NOT_YET_VALID;
	if (r->err == QRPAY_OK) {
		r->verdict = VERDICT_UNKNOWN;
		r->reason = REASON_STALE;
	} else if (r->err == QRPAY_KEY_COMPROMISED) {
		/*
		 * Anyone may hold the key now, so the claims prove nothing;
		 * but genuine cards carry it too: only the server can tell.
		 */
		memset(&r->claims, 0, sizeof(r->claims));
		r->verdict = VERDICT_UNKNOWN;
		r->reason = REASON_KEY_COMPROMISED;
	} else {
		r->verdict = r->err == QRPAY_INTERNAL ? VERDICT_UNKNOWN :
		    VERDICT_NOT_VALID;
		r->reason = qrpay_reason(r->err);
	}
}
