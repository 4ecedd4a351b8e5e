/* skkd — SPDX-License-Identifier: ISC */
/*
 * The instance's own small PKI: a server CA that the client trusts, a
 * client CA whose certificates carry a role in their subject OU, and the
 * certificates they issue. ECDSA P-256 keys, SHA-256 signatures, X.509 v3,
 * random 128-bit serials. Keys are written 0600 and never overwritten.
 *
 * Every function returns 0, or -1 with a reason in err; on failure nothing
 * it was asked to create is left behind.
 */
#ifndef DAEMON_PKI_H
#define DAEMON_PKI_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/types.h>

#define PKI_ROLE_ADMIN		"admin"
#define PKI_ROLE_READER		"reader"
#define PKI_CA_DAYS		3650
#define PKI_SERVER_DAYS		730
#define PKI_CLIENT_DAYS		730
#define PKI_NAME_MAX		64	/* X.509 upper bound of a CN */

/* A self-signed CA with subject CN=cn, written to cert_path and key_path. */
int	pki_make_ca(const char *cn, const char *cert_path, const char *key_path,
	    char *err, size_t errlen);

/*
 * A server certificate for host (a DNS name or an IP address), issued by
 * the CA in ca_cert/ca_key. The SAN holds host; for "localhost" also
 * 127.0.0.1 and ::1.
 */
int	pki_issue_server(const char *ca_cert, const char *ca_key,
	    const char *host, const char *out_cert, const char *out_key,
	    char *err, size_t errlen);

/*
 * A client certificate with subject CN=name, OU=role (PKI_ROLE_ADMIN or
 * PKI_ROLE_READER), issued by the client CA in ca_cert/ca_key.
 */
int	pki_issue_client(const char *ca_cert, const char *ca_key,
	    const char *name, const char *role, const char *out_cert,
	    const char *out_key, char *err, size_t errlen);
/*
 * The same with O=org (1 to PKI_ORG_MAX bytes; NULL: none), the
 * organisation skkd records when the certificate checks a holder's.
 */
#define PKI_ORG_MAX	64
int	pki_issue_client_org(const char *ca_cert, const char *ca_key,
	    const char *name, const char *role, const char *org,
	    const char *out_cert, const char *out_key, char *err,
	    size_t errlen);

/* SHA-256 of the certificate's SubjectPublicKeyInfo (DER): the pin. */
int	pki_spki_sha256(const char *cert_path, uint8_t out[32], char *err,
	    size_t errlen);

/* PEM files; the caller frees the result (X509_free, EVP_PKEY_free). */
X509	*pki_read_cert(const char *path, char *err, size_t errlen);
EVP_PKEY *pki_read_key(const char *path, char *err, size_t errlen);

/* Create path, never replacing a file: certificates 0644, keys 0600. */
int	pki_write_cert(const char *path, X509 *, char *err, size_t errlen);
int	pki_write_key(const char *path, EVP_PKEY *, char *err, size_t errlen);

#endif
