/* skkd — SPDX-License-Identifier: ISC */
/*
 * Certificates for the instance's TLS: two CAs (server and client) and the
 * leaves they issue, made with OpenSSL's C API so that setting up needs no
 * openssl(1) and no configuration file. A leaf is built the same way for
 * both uses; only its name, extended key usage and SAN differ.
 */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "pki.h"

/* What makes one leaf different from another. */
struct pki_leaf {
	const char	*cn;
	const char	*ou;		/* NULL: none */
	const char	*o;		/* organisation; NULL: none */
	const char	*eku;		/* "serverAuth" or "clientAuth" */
	const char	*host;		/* server: the SAN; NULL for clients */
	int		 days;
};

static int	pki_issue(const char *, const char *, const struct pki_leaf *,
		    const char *, const char *, char *, size_t);
static X509	*pki_build_leaf(X509 *, EVP_PKEY *, EVP_PKEY *,
		    const struct pki_leaf *, char *, size_t);
static X509	*pki_cert_new(EVP_PKEY *, const char *, const char *,
		    const char *, X509 *,
		    int, char *, size_t);
static int	pki_set_serial(X509 *);
static int	pki_add_ext(X509 *, X509 *, int, const char *, char *, size_t);
static int	pki_add_san(X509 *, const char *, char *, size_t);
static int	pki_san_push(GENERAL_NAMES *, const char *);
static EVP_PKEY	*pki_key_new(char *, size_t);
static int	pki_sign(X509 *, EVP_PKEY *, char *, size_t);
static int	pki_write_pem(const char *, mode_t, X509 *, EVP_PKEY *, char *,
		    size_t);
static int	pki_save_pair(X509 *, EVP_PKEY *, const char *, const char *,
		    char *, size_t);
static void	pki_ssl_err(char *, size_t, const char *);

int
pki_make_ca(const char *cn, const char *cert_path, const char *key_path,
    char *err, size_t errlen)
{
	EVP_PKEY	*key;
	X509		*x = NULL;
	int		 rc = -1;

	if ((key = pki_key_new(err, errlen)) == NULL)
		return -1;
	if ((x = pki_cert_new(key, cn, NULL, NULL, NULL, PKI_CA_DAYS, err,
	    errlen)) == NULL)
		goto out;
	/* The subject key id first: the self-signed AKI is taken from it. */
	if (pki_add_ext(x, x, NID_basic_constraints, "critical,CA:TRUE", err,
	    errlen) == -1 ||
	    pki_add_ext(x, x, NID_key_usage, "critical,keyCertSign,cRLSign",
	    err, errlen) == -1 ||
	    pki_add_ext(x, x, NID_subject_key_identifier, "hash", err,
	    errlen) == -1 ||
	    pki_add_ext(x, x, NID_authority_key_identifier, "keyid:always",
	    err, errlen) == -1 ||
	    pki_sign(x, key, err, errlen) == -1)
		goto out;
	rc = pki_save_pair(x, key, cert_path, key_path, err, errlen);
out:
	X509_free(x);
	EVP_PKEY_free(key);
	return rc;
}

int
pki_issue_server(const char *ca_cert, const char *ca_key, const char *host,
    const char *out_cert, const char *out_key, char *err, size_t errlen)
{
	struct pki_leaf	 leaf;

	memset(&leaf, 0, sizeof(leaf));
	/* A CN is limited to 64 bytes; the SAN is what clients check. */
	leaf.cn = strlen(host) <= PKI_NAME_MAX ? host : "skkd";
	leaf.eku = "serverAuth";
	leaf.host = host;
	leaf.days = PKI_SERVER_DAYS;
	return pki_issue(ca_cert, ca_key, &leaf, out_cert, out_key, err,
	    errlen);
}

int
pki_issue_client(const char *ca_cert, const char *ca_key, const char *name,
    const char *role, const char *out_cert, const char *out_key, char *err,
    size_t errlen)
{
	return pki_issue_client_org(ca_cert, ca_key, name, role, NULL,
	    out_cert, out_key, err, errlen);
}

int
pki_issue_client_org(const char *ca_cert, const char *ca_key,
    const char *name, const char *role, const char *org,
    const char *out_cert, const char *out_key, char *err, size_t errlen)
{
	struct pki_leaf	 leaf;

	if (strcmp(role, PKI_ROLE_ADMIN) != 0 &&
	    strcmp(role, PKI_ROLE_READER) != 0) {
		snprintf(err, errlen, "bad role '%s' (admin or reader)", role);
		return -1;
	}
	if (name[0] == '\0' || strlen(name) > PKI_NAME_MAX) {
		snprintf(err, errlen, "client name must be 1 to %d bytes",
		    PKI_NAME_MAX);
		return -1;
	}
	memset(&leaf, 0, sizeof(leaf));
	if (org != NULL && (org[0] == '\0' || strlen(org) > PKI_ORG_MAX)) {
		snprintf(err, errlen, "organisation must be 1 to %d bytes",
		    PKI_ORG_MAX);
		return -1;
	}
	leaf.cn = name;
	leaf.ou = role;
	leaf.o = org;
	leaf.eku = "clientAuth";
	leaf.days = PKI_CLIENT_DAYS;
	return pki_issue(ca_cert, ca_key, &leaf, out_cert, out_key, err,
	    errlen);
}

static int
pki_issue(const char *ca_cert, const char *ca_key, const struct pki_leaf *leaf,
    const char *out_cert, const char *out_key, char *err, size_t errlen)
{
	X509		*ca = NULL, *x = NULL;
	EVP_PKEY	*cakey = NULL, *key = NULL;
	int		 rc = -1;

	if ((ca = pki_read_cert(ca_cert, err, errlen)) == NULL ||
	    (cakey = pki_read_key(ca_key, err, errlen)) == NULL)
		goto out;
	if (X509_check_private_key(ca, cakey) != 1) {
		ERR_clear_error();
		snprintf(err, errlen, "'%s' is not the key of '%s'", ca_key,
		    ca_cert);
		goto out;
	}
	if ((key = pki_key_new(err, errlen)) == NULL ||
	    (x = pki_build_leaf(ca, cakey, key, leaf, err, errlen)) == NULL)
		goto out;
	rc = pki_save_pair(x, key, out_cert, out_key, err, errlen);
out:
	X509_free(x);
	EVP_PKEY_free(key);
	EVP_PKEY_free(cakey);
	X509_free(ca);
	return rc;
}

static X509 *
pki_build_leaf(X509 *ca, EVP_PKEY *cakey, EVP_PKEY *key,
    const struct pki_leaf *leaf, char *err, size_t errlen)
{
	X509	*x;

	if ((x = pki_cert_new(key, leaf->cn, leaf->ou, leaf->o, ca, leaf->days, err,
	    errlen)) == NULL)
		return NULL;
	if (pki_add_ext(x, ca, NID_basic_constraints, "critical,CA:FALSE",
	    err, errlen) == -1 ||
	    pki_add_ext(x, ca, NID_key_usage, "critical,digitalSignature", err,
	    errlen) == -1 ||
	    pki_add_ext(x, ca, NID_ext_key_usage, leaf->eku, err,
	    errlen) == -1 ||
	    pki_add_ext(x, ca, NID_subject_key_identifier, "hash", err,
	    errlen) == -1 ||
	    pki_add_ext(x, ca, NID_authority_key_identifier, "keyid:always",
	    err, errlen) == -1 ||
	    (leaf->host != NULL && pki_add_san(x, leaf->host, err,
	    errlen) == -1) ||
	    pki_sign(x, cakey, err, errlen) == -1) {
		X509_free(x);
		return NULL;
	}
	return x;
}

/* Subject, issuer, key, serial and validity; extensions come after. */
static X509 *
pki_cert_new(EVP_PKEY *key, const char *cn, const char *ou, const char *o,
    X509 *issuer,
    int days, char *err, size_t errlen)
{
	X509		*x;
	X509_NAME	*name;

	if ((x = X509_new()) == NULL)
		goto fail;
	name = X509_get_subject_name(x);
	if (X509_set_version(x, X509_VERSION_3) != 1 ||
	    pki_set_serial(x) == -1 ||
	    X509_gmtime_adj(X509_getm_notBefore(x), -300) == NULL ||
	    X509_time_adj_ex(X509_getm_notAfter(x), days, 0, NULL) == NULL ||
	    X509_set_pubkey(x, key) != 1 ||
	    (o != NULL && X509_NAME_add_entry_by_txt(name, "O",
	    MBSTRING_UTF8, (const unsigned char *)o, -1, -1, 0) != 1) ||
	    (ou != NULL && X509_NAME_add_entry_by_txt(name, "OU",
	    MBSTRING_UTF8, (const unsigned char *)ou, -1, -1, 0) != 1) ||
	    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
	    (const unsigned char *)cn, -1, -1, 0) != 1 ||
	    X509_set_issuer_name(x, issuer != NULL ?
	    X509_get_subject_name(issuer) : name) != 1)
		goto fail;
	return x;
fail:
	pki_ssl_err(err, errlen, "cannot make a certificate");
	X509_free(x);
	return NULL;
}

/* RFC 5280: positive, at most 20 bytes; 128 random bits need no registry. */
static int
pki_set_serial(X509 *x)
{
	unsigned char	 b[16];
	BIGNUM		*bn;
	int		 rc = -1;

	if (RAND_bytes(b, sizeof(b)) != 1)
		return -1;
	b[0] &= 0x7f;
	b[0] |= 0x40;	/* never zero, always 16 bytes */
	if ((bn = BN_bin2bn(b, sizeof(b), NULL)) == NULL)
		return -1;
	if (BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) != NULL)
		rc = 0;
	BN_free(bn);
	return rc;
}

static int
pki_add_ext(X509 *x, X509 *issuer, int nid, const char *value, char *err,
    size_t errlen)
{
	X509V3_CTX	 ctx;
	X509_EXTENSION	*ext;
	int		 ok;

	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	if ((ext = X509V3_EXT_nconf_nid(NULL, &ctx, nid, value)) == NULL) {
		pki_ssl_err(err, errlen, value);
		return -1;
	}
	ok = X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	if (ok != 1) {
		pki_ssl_err(err, errlen, value);
		return -1;
	}
	return 0;
}

/*
 * Built name by name rather than from "DNS:..." text, so that a host
 * holding a comma cannot smuggle in a second name.
 */
static int
pki_add_san(X509 *x, const char *host, char *err, size_t errlen)
{
	GENERAL_NAMES	*gens;
	int		 ok;

	if ((gens = sk_GENERAL_NAME_new_null()) == NULL)
		goto fail;
	if (pki_san_push(gens, host) == -1 ||
	    (strcmp(host, "localhost") == 0 &&
	    (pki_san_push(gens, "127.0.0.1") == -1 ||
	    pki_san_push(gens, "::1") == -1)))
		goto fail;
	ok = X509_add1_ext_i2d(x, NID_subject_alt_name, gens, 0,
	    X509V3_ADD_DEFAULT);
	GENERAL_NAMES_free(gens);
	if (ok != 1) {
		pki_ssl_err(err, errlen, "subjectAltName");
		return -1;
	}
	return 0;
fail:
	GENERAL_NAMES_free(gens);
	pki_ssl_err(err, errlen, "subjectAltName");
	return -1;
}

/* An IP address literal becomes an iPAddress name, anything else a dNSName. */
static int
pki_san_push(GENERAL_NAMES *gens, const char *name)
{
	GENERAL_NAME		*gen;
	ASN1_OCTET_STRING	*ip;
	ASN1_IA5STRING		*dns;

	if ((gen = GENERAL_NAME_new()) == NULL)
		return -1;
	if ((ip = a2i_IPADDRESS(name)) != NULL)
		GENERAL_NAME_set0_value(gen, GEN_IPADD, ip);
	else {
		ERR_clear_error();
		if ((dns = ASN1_IA5STRING_new()) == NULL ||
		    ASN1_STRING_set(dns, name, -1) != 1) {
			ASN1_IA5STRING_free(dns);
			GENERAL_NAME_free(gen);
			return -1;
		}
		GENERAL_NAME_set0_value(gen, GEN_DNS, dns);
	}
	if (sk_GENERAL_NAME_push(gens, gen) <= 0) {
		GENERAL_NAME_free(gen);
		return -1;
	}
	return 0;
}

static EVP_PKEY *
pki_key_new(char *err, size_t errlen)
{
	EVP_PKEY	*key;

	if ((key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256")) == NULL)
		pki_ssl_err(err, errlen, "cannot generate a P-256 key");
	return key;
}

static int
pki_sign(X509 *x, EVP_PKEY *key, char *err, size_t errlen)
{
	if (X509_sign(x, key, EVP_sha256()) <= 0) {
		pki_ssl_err(err, errlen, "cannot sign the certificate");
		return -1;
	}
	return 0;
}

/* Key first: a certificate without its key would be useless. */
static int
pki_save_pair(X509 *x, EVP_PKEY *key, const char *cert_path,
    const char *key_path, char *err, size_t errlen)
{
	if (pki_write_key(key_path, key, err, errlen) == -1)
		return -1;
	if (pki_write_cert(cert_path, x, err, errlen) == -1) {
		unlink(key_path);
		return -1;
	}
	return 0;
}

int
pki_write_cert(const char *path, X509 *x, char *err, size_t errlen)
{
	return pki_write_pem(path, 0644, x, NULL, err, errlen);
}

int
pki_write_key(const char *path, EVP_PKEY *key, char *err, size_t errlen)
{
	return pki_write_pem(path, 0600, NULL, key, err, errlen);
}

/*
 * O_EXCL: an existing key is never replaced. fchmod because the umask
 * could otherwise make a certificate unreadable to the client.
 */
static int
pki_write_pem(const char *path, mode_t mode, X509 *x, EVP_PKEY *key,
    char *err, size_t errlen)
{
	FILE	*f;
	int	 fd, ok;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd == -1) {
		snprintf(err, errlen, "cannot create '%s': %s", path,
		    strerror(errno));
		return -1;
	}
	if (fchmod(fd, mode) == -1 || (f = fdopen(fd, "w")) == NULL) {
		snprintf(err, errlen, "cannot create '%s': %s", path,
		    strerror(errno));
		close(fd);
		unlink(path);
		return -1;
	}
	errno = 0;
	if (x != NULL)
		ok = PEM_write_X509(f, x);
	else
		ok = PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL);
	ok = ok == 1 && fflush(f) == 0 && fsync(fileno(f)) == 0;
	if (fclose(f) != 0)
		ok = 0;
	if (!ok) {
		snprintf(err, errlen, "cannot write '%s': %s", path,
		    errno != 0 ? strerror(errno) : "PEM encoding failed");
		ERR_clear_error();
		unlink(path);
		return -1;
	}
	return 0;
}

X509 *
pki_read_cert(const char *path, char *err, size_t errlen)
{
	FILE	*f;
	X509	*x;

	if ((f = fopen(path, "re")) == NULL) {
		snprintf(err, errlen, "cannot open '%s': %s", path,
		    strerror(errno));
		return NULL;
	}
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	if (x == NULL) {
		ERR_clear_error();
		snprintf(err, errlen, "'%s': not a PEM certificate", path);
	}
	return x;
}

/* An empty passphrase callback: an encrypted key is an error, not a prompt. */
static int
pki_no_passphrase_cb(char *buf, int size, int rwflag, void *arg)
{
	return -1;
}

EVP_PKEY *
pki_read_key(const char *path, char *err, size_t errlen)
{
	FILE		*f;
	EVP_PKEY	*key;

	if ((f = fopen(path, "re")) == NULL) {
		snprintf(err, errlen, "cannot open '%s': %s", path,
		    strerror(errno));
		return NULL;
	}
	key = PEM_read_PrivateKey(f, NULL, pki_no_passphrase_cb, NULL);
	fclose(f);
	if (key == NULL) {
		ERR_clear_error();
		snprintf(err, errlen, "'%s': not an unencrypted PEM private key",
		    path);
	}
	return key;
}

int
pki_spki_sha256(const char *cert_path, uint8_t out[32], char *err,
    size_t errlen)
{
	X509		*x;
	unsigned char	*der = NULL;
	unsigned int	 mdlen = 0;
	int		 len, rc = -1;

	if ((x = pki_read_cert(cert_path, err, errlen)) == NULL)
		return -1;
	len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &der);
	if (len > 0 && EVP_Digest(der, (size_t)len, out, &mdlen,
	    EVP_sha256(), NULL) == 1 && mdlen == 32)
		rc = 0;
	else
		pki_ssl_err(err, errlen, "cannot hash the public key");
	OPENSSL_free(der);
	X509_free(x);
	return rc;
}

/* "what: reason" from OpenSSL's queue, which is emptied. */
static void
pki_ssl_err(char *err, size_t errlen, const char *what)
{
	unsigned long	 e = ERR_peek_last_error();
	const char	*r = e != 0 ? ERR_reason_error_string(e) : NULL;

	snprintf(err, errlen, "%s: %s", what, r != NULL ? r : "failed");
	ERR_clear_error();
}
