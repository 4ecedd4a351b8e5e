/* skkd — SPDX-License-Identifier: ISC */
/*
 * The incremental update of a PAdES signature. From the file's last
 * trailer and cross-reference table we learn the catalog and the first
 * page; the update rewrites both (the catalog gains /AcroForm, the page
 * the signature's widget in /Annots), adds the form, the field and the
 * signature dictionary with a placeholder /Contents, and a table and
 * trailer pointing back (/Prev). The /ByteRange is then filled in, the
 * CMS made over those bytes and written into the placeholder in hex.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "errf.h"
#include "pades.h"

#define PADES_FILE_MAX	(1024u * 1024 * 1024)
#define PADES_BR_WIDTH	48	/* the /ByteRange array, padded */

/* A growing buffer: the file, then the update. */
struct pades_buf {
	char	*p;
	size_t	 len, size;
	int	 failed;
};

/* One signed attribute, DER. */
struct pades_der {
	unsigned char	*p;
	int		 n;
};

/* What the old file tells us. */
struct pades_pdf {
	size_t	 prev;		/* offset of its last xref table */
	unsigned size;		/* its /Size */
	unsigned root, info;	/* object numbers; info 0: none */
	unsigned page;		/* the first page */
};

static void __attribute__((format(printf, 2, 3)))
pades_printf(struct pades_buf *b, const char *fmt, ...)
{
	va_list	ap;
	int	n;
	char	*p;

	for (;;) {
		if (b->failed)
			return;
		va_start(ap, fmt);
		n = vsnprintf(b->p + b->len, b->size - b->len, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->failed = 1;
			return;
		}
		if ((size_t)n < b->size - b->len) {
			b->len += (size_t)n;
			return;
		}
		if ((p = realloc(b->p, b->size * 2 + (size_t)n)) == NULL) {
			b->failed = 1;
			return;
		}
		b->p = p;
		b->size = b->size * 2 + (size_t)n;
	}
}

static int
pades_read(const char *path, struct pades_buf *b, char *err, size_t errlen)
{
	FILE	*f;
	long	 n;

	if ((f = fopen(path, "rb")) == NULL)
		return errf(err, errlen, "cannot open '%s': %s", path,
		    strerror(errno));
	if (fseek(f, 0, SEEK_END) == -1 || (n = ftell(f)) < 0 ||
	    (size_t)n > PADES_FILE_MAX || fseek(f, 0, SEEK_SET) == -1) {
		fclose(f);
		return errf(err, errlen, "'%s': cannot size it", path);
	}
	b->size = (size_t)n + 4 * PADES_SIG_MAX + 4096;
	if ((b->p = malloc(b->size)) == NULL) {
		fclose(f);
		return errf(err, errlen, "out of memory");
	}
	b->len = fread(b->p, 1, (size_t)n, f);
	if (ferror(f) || b->len != (size_t)n) {
		fclose(f);
		return errf(err, errlen, "cannot read '%s'", path);
	}
	fclose(f);
	b->p[b->len] = '\0';
	return 0;
}

/* The last occurrence of s in p[0..len), or NULL. */
static const char *
pades_rfind(const char *p, size_t len, const char *s)
{
	size_t	n = strlen(s), i;

	for (i = len >= n ? len - n + 1 : 0; i > 0; i--)
		if (memcmp(p + i - 1, s, n) == 0)
			return p + i - 1;
	return NULL;
}

/* "/Key N" or "/Key N G R" within [p, end): N, or 0 when absent. */
static unsigned
pades_key(const char *p, const char *end, const char *key)
{
	const char	*k;
	size_t		 n = strlen(key);

	for (k = p; k + n < end; k++)
		if (memcmp(k, key, n) == 0 && (k[n] == ' ' || k[n] == '\n' ||
		    k[n] == '\r'))
			return (unsigned)strtoul(k + n, NULL, 10);
	return 0;
}

/* The offset of object num from the classic table at p->prev. */
static int
pades_offset(const struct pades_buf *b, const struct pades_pdf *p,
    unsigned num, size_t *off)
{
	const char	*s = b->p + p->prev, *end = b->p + b->len;
	unsigned long	 first, count;
	char		*e;

	if (strncmp(s, "xref", 4) != 0)
		return -1;
	s += 4;
	while (s < end) {
		first = strtoul(s, &e, 10);
		if (e == s)
			return -1;
		count = strtoul(e, &e, 10);
		while (*e == ' ' || *e == '\r' || *e == '\n')
			e++;
		if (num >= first && num < first + count) {
			s = e + (size_t)(num - first) * 20;
			if (s + 20 > end || s[17] != 'n')
				return -1;
			*off = strtoul(s, NULL, 10);
			return *off < b->len ? 0 : -1;
		}
		s = e + count * 20;
		if (strncmp(s, "trailer", 7) == 0)
			return -1;
	}
	return -1;
}

/* An object's dictionary without its closing ">>": [*dp, *endp). */
static int
pades_dict(const struct pades_buf *b, const struct pades_pdf *p,
    unsigned num, const char **dp, const char **endp)
{
	const char	*o, *eo;
	size_t		 off;

	if (pades_offset(b, p, num, &off) == -1 ||
	    (o = strstr(b->p + off, "<<")) == NULL ||
	    (eo = strstr(o, "endobj")) == NULL ||
	    (eo = pades_rfind(o, (size_t)(eo - o), ">>")) == NULL)
		return -1;
	*dp = o + 2;
	*endp = eo;
	return 0;
}

static int
pades_parse(const struct pades_buf *b, struct pades_pdf *p, char *err,
    size_t errlen)
{
	const char	*s, *t, *d, *e;

	memset(p, 0, sizeof *p);
	if ((s = pades_rfind(b->p, b->len, "startxref")) == NULL ||
	    (t = pades_rfind(b->p, (size_t)(s - b->p), "trailer")) == NULL)
		return errf(err, errlen, "no trailer: not a PDF as cairo "
		    "writes it");
	p->prev = strtoul(s + 9, NULL, 10);
	p->size = pades_key(t, s, "/Size");
	p->root = pades_key(t, s, "/Root");
	p->info = pades_key(t, s, "/Info");
	if (p->prev >= b->len || p->size == 0 || p->root == 0 ||
	    pades_dict(b, p, p->root, &d, &e) == -1)
		return errf(err, errlen, "cannot find its catalog (a classic "
		    "cross-reference table is needed)");
	if (pades_rfind(d, (size_t)(e - d), "/AcroForm") != NULL)
		return errf(err, errlen, "it has a form already");
	if (pades_dict(b, p, pades_key(d, e, "/Pages"), &d, &e) == -1 ||
	    (s = pades_rfind(d, (size_t)(e - d), "/Kids")) == NULL ||
	    (s = memchr(s, '[', (size_t)(e - s))) == NULL ||
	    (p->page = (unsigned)strtoul(s + 1, NULL, 10)) == 0 ||
	    pades_dict(b, p, p->page, &d, &e) == -1)
		return errf(err, errlen, "cannot find its first page");
	if (pades_rfind(d, (size_t)(e - d), "/Annots") != NULL)
		return errf(err, errlen, "its first page has annotations "
		    "already");
	return 0;
}

/* Object num again: its old dictionary with extra before the ">>". */
static void
pades_rewrite(struct pades_buf *b, const struct pades_pdf *p, unsigned num,
    const char *extra, size_t *off)
{
	const char	*d, *e;
	char		*copy;

	*off = b->len;
	if (pades_dict(b, p, num, &d, &e) == -1 ||
	    (copy = strndup(d, (size_t)(e - d))) == NULL) {
		b->failed = 1;
		return;
	}
	pades_printf(b, "%u 0 obj\n<<%s%s>>\nendobj\n", num, copy, extra);
	free(copy);
}

/*
 * The update, appended to b; *sig_at gets the offset of the /ByteRange
 * placeholder, *hex_at that of the /Contents "<".
 */
static int
pades_update(struct pades_buf *b, const struct pades_pdf *p, size_t *br_at,
    size_t *hex_at)
{
	unsigned	 form = p->size, field = p->size + 1, sig = p->size + 2;
	size_t		 off[5], i, k;
	char		 extra[64], when[32];
	time_t		 now = time(NULL);
	struct tm	 tm;
	unsigned	 num[5];

	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "D:%Y%m%d%H%M%SZ", &tm);
	pades_printf(b, "\n");
	snprintf(extra, sizeof extra, " /AcroForm %u 0 R ", form);
	pades_rewrite(b, p, p->root, extra, &off[0]);
	snprintf(extra, sizeof extra, " /Annots [ %u 0 R ] ", field);
	pades_rewrite(b, p, p->page, extra, &off[1]);
	off[2] = b->len;
	pades_printf(b, "%u 0 obj\n<< /Fields [ %u 0 R ] /SigFlags 3 >>\n"
	    "endobj\n", form, field);
	off[3] = b->len;
	pades_printf(b, "%u 0 obj\n<< /Type /Annot /Subtype /Widget /FT /Sig "
	    "/T (Signature1) /Rect [ 0 0 0 0 ] /F 132 /P %u 0 R /V %u 0 R "
	    ">>\nendobj\n", field, p->page, sig);
	off[4] = b->len;
	pades_printf(b, "%u 0 obj\n<< /Type /Sig /Filter /Adobe.PPKLite "
	    "/SubFilter /ETSI.CAdES.detached /M (%s) /ByteRange ", sig, when);
	*br_at = b->len;
	pades_printf(b, "%*s /Contents ", PADES_BR_WIDTH, "");
	*hex_at = b->len;
	pades_printf(b, "<%0*d> >>\nendobj\n", 2 * PADES_SIG_MAX, 0);
	num[0] = p->root; num[1] = p->page; num[2] = form; num[3] = field;
	num[4] = sig;
	i = b->len;
	pades_printf(b, "xref\n");
	for (k = 0; k < 5; k++)
		pades_printf(b, "%u 1\n%010zu 00000 n \n", num[k], off[k]);
	pades_printf(b, "trailer\n<< /Size %u /Root %u 0 R", p->size + 3,
	    p->root);
	if (p->info != 0)
		pades_printf(b, " /Info %u 0 R", p->info);
	pades_printf(b, " /Prev %zu >>\nstartxref\n%zu\n%%%%EOF\n", p->prev, i);
	return b->failed ? -1 : 0;
}

static int
pades_ossl(char *err, size_t errlen, const char *what)
{
	char	buf[256];

	ERR_error_string_n(ERR_get_error(), buf, sizeof buf);
	ERR_clear_error();
	return errf(err, errlen, "%s: %s", what, buf);
}

/* The signer, its chain and key from PEM files. */
static int
pades_load(const char *cert, const char *key, X509 **x, STACK_OF(X509) **ch,
    EVP_PKEY **k, char *err, size_t errlen)
{
	FILE	*f;
	X509	*c;

	if ((f = fopen(cert, "r")) == NULL)
		return errf(err, errlen, "cannot open '%s': %s", cert,
		    strerror(errno));
	*x = PEM_read_X509(f, NULL, NULL, NULL);
	*ch = sk_X509_new_null();
	while (*ch != NULL && (c = PEM_read_X509(f, NULL, NULL, NULL)) != NULL)
		sk_X509_push(*ch, c);
	ERR_clear_error();
	fclose(f);
	if (*x == NULL)
		return errf(err, errlen, "'%s': no PEM certificate", cert);
	if ((f = fopen(key, "r")) == NULL)
		return errf(err, errlen, "cannot open '%s': %s", key,
		    strerror(errno));
	*k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	if (*k == NULL)
		return pades_ossl(err, errlen, "pdf_sign_key");
	if (X509_check_private_key(*x, *k) != 1)
		return errf(err, errlen, "'%s' is not the key of '%s'", key,
		    cert);
	return 0;
}

/* DER SET OF order: as octet strings, the shorter padded with zeros. */
static int
pades_der_cmp(const void *a, const void *b)
{
	const struct pades_der	*x = a, *y = b;
	int	n = x->n < y->n ? x->n : y->n, c;

	if ((c = memcmp(x->p, y->p, (size_t)n)) != 0)
		return c;
	return (x->n > y->n) - (x->n < y->n);
}

/*
 * PAdES baseline wants the signing time in /M only, never as a signed
 * attribute, which OpenSSL 3.0's CMS adds when it signs: take it out and
 * sign the remaining attributes (DER, a SET OF) again.
 */
static int
pades_resign(CMS_SignerInfo *si, EVP_PKEY *k, char *err, size_t errlen)
{
	struct pades_der a[16];
	EVP_MD_CTX	*ctx = NULL;
	unsigned char	*der = NULL, *sig = NULL, *q;
	size_t		 len = 0, siglen = 0;
	int		 i, n, rc = -1;

	if ((i = CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime,
	    -1)) >= 0)
		X509_ATTRIBUTE_free(CMS_signed_delete_attr(si, i));
	if ((n = CMS_signed_get_attr_count(si)) <= 0 || n > 16)
		return errf(err, errlen, "unexpected signed attributes");
	memset(a, 0, sizeof a);
	for (i = 0; i < n; i++) {
		a[i].p = NULL;
		if ((a[i].n = i2d_X509_ATTRIBUTE(CMS_signed_get_attr(si, i),
		    &a[i].p)) <= 0)
			goto out;
		len += (size_t)a[i].n;
	}
	qsort(a, (size_t)n, sizeof a[0], pades_der_cmp);
	if (len > 0xffff || (der = malloc(len + 4)) == NULL)
		goto out;
	q = der;
	*q++ = 0x31;		/* SET OF, the shortest length form */
	if (len >= 0x100) {
		*q++ = 0x82;
		*q++ = (unsigned char)(len >> 8);
	} else if (len >= 0x80)
		*q++ = 0x81;
	*q++ = (unsigned char)len;
	for (i = 0; i < n; q += a[i].n, i++)
		memcpy(q, a[i].p, (size_t)a[i].n);
	len = (size_t)(q - der);
	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, k) != 1 ||
	    EVP_DigestSign(ctx, NULL, &siglen, der, len) != 1 ||
	    (sig = malloc(siglen)) == NULL ||
	    EVP_DigestSign(ctx, sig, &siglen, der, len) != 1 ||
	    ASN1_STRING_set(CMS_SignerInfo_get0_signature(si), sig,
	    (int)siglen) != 1)
		goto out;
	rc = 0;
out:
	if (rc == -1)
		pades_ossl(err, errlen, "cannot sign the attributes");
	for (i = 0; i < 16; i++)
		OPENSSL_free(a[i].p);
	EVP_MD_CTX_free(ctx);
	free(der);
	free(sig);
	return rc;
}

/* The CMS over the signed range, in hex over the placeholder. */
static int
pades_cms(struct pades_buf *b, size_t hex_at, const char *cert,
    const char *key, char *err, size_t errlen)
{
	X509		*x = NULL;
	STACK_OF(X509)	*ch = NULL;
	EVP_PKEY	*k = NULL;
	BIO		*in = NULL;
	CMS_ContentInfo	*cms = NULL;
	unsigned char	*der = NULL, *d;
	size_t		 end = hex_at + 2 * PADES_SIG_MAX + 2, i;
	int		 n = -1, rc = -1;

	if (pades_load(cert, key, &x, &ch, &k, err, errlen) == -1)
		goto out;
	if ((d = malloc(b->len)) == NULL) {
		errf(err, errlen, "out of memory");
		goto out;
	}
	memcpy(d, b->p, hex_at);
	memcpy(d + hex_at, b->p + end, b->len - end);
	in = BIO_new_mem_buf(d, (int)(b->len - (end - hex_at)));
	cms = in == NULL ? NULL : CMS_sign(x, k, ch, in, CMS_DETACHED |
	    CMS_BINARY | CMS_NOSMIMECAP | CMS_CADES);
	free(d);
	if (cms == NULL) {
		pades_ossl(err, errlen, "cannot sign");
		goto out;
	}
	if (pades_resign(sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms),
	    0), k, err, errlen) == -1)
		goto out;
	if ((n = i2d_CMS_ContentInfo(cms, &der)) <= 0) {
		pades_ossl(err, errlen, "cannot sign");
		goto out;
	}
	if ((size_t)n > PADES_SIG_MAX) {
		errf(err, errlen, "the signature is %d bytes, over %d", n,
		    PADES_SIG_MAX);
		goto out;
	}
	for (i = 0; i < (size_t)n; i++) {
		b->p[hex_at + 1 + 2 * i] = "0123456789abcdef"[der[i] >> 4];
		b->p[hex_at + 2 + 2 * i] = "0123456789abcdef"[der[i] & 15];
	}
	rc = 0;
out:
	OPENSSL_free(der);
	CMS_ContentInfo_free(cms);
	BIO_free(in);
	EVP_PKEY_free(k);
	sk_X509_pop_free(ch, X509_free);
	X509_free(x);
	return rc;
}

static int
pades_write(const char *path, const struct pades_buf *b, char *err,
    size_t errlen)
{
	FILE	*f;
	int	 bad;

	/* The file is the caller's private one: keep its mode. */
	if ((f = fopen(path, "r+b")) == NULL)
		return errf(err, errlen, "cannot write '%s': %s", path,
		    strerror(errno));
	bad = fwrite(b->p, 1, b->len, f) != b->len;
	if (fclose(f) == EOF || bad)
		return errf(err, errlen, "cannot write '%s': %s", path,
		    strerror(errno));
	return 0;
}

int
pades_sign(const char *path, const char *cert, const char *key, char *err,
    size_t errlen)
{
	struct pades_buf	b = { NULL, 0, 0, 0 };
	struct pades_pdf	p;
	size_t			br_at, hex_at, end;
	char			br[2 * PADES_BR_WIDTH];
	int			n;
	int			rc = -1;

	if (pades_read(path, &b, err, errlen) == -1 ||
	    pades_parse(&b, &p, err, errlen) == -1)
		goto out;
	if (pades_update(&b, &p, &br_at, &hex_at) == -1) {
		errf(err, errlen, "out of memory");
		goto out;
	}
	end = hex_at + 2 * PADES_SIG_MAX + 2;
	n = snprintf(br, sizeof br, "[ 0 %zu %zu %zu ]", hex_at, end,
	    b.len - end);
	if (n < 0 || n > PADES_BR_WIDTH) {
		errf(err, errlen, "the file is too large to sign");
		goto out;
	}
	memcpy(b.p + br_at, br, (size_t)n);
	if (pades_cms(&b, hex_at, cert, key, err, errlen) == 0)
		rc = pades_write(path, &b, err, errlen);
out:
	free(b.p);
	return rc;
}
