/* skkd — SPDX-License-Identifier: ISC */
/*
 * skkd trust-list keygen and sign. The registry's private key is a PEM
 * file like the signing keys (keyfile.c: mode 0600, never overwritten);
 * a list is written whole through a temporary file and rename, so a
 * mistake in the text leaves no output and an old list stays as it was.
 */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "cert.h"
#include "errf.h"
#include "hex.h"
#include "keyfile.h"
#include "registry.h"
#include "trustlist.h"

struct registry_args {
	const char	*key;		/* --key */
	const char	*name;		/* --name */
	const char	*out;		/* -o */
	long		 days;		/* --days */
	const char	*pos;		/* FILE or IN.txt */
};

static int	registry_keygen(struct registry_args *);
static int	registry_sign(struct registry_args *);
static int	registry_fail(int, const char *, const char *);
static void	registry_usage(void) __attribute__((noreturn));
static int	registry_read(const char *, char **, size_t *, char *, size_t);
static int	registry_write(const char *, const uint8_t *, size_t, char *,
		    size_t);
static void	registry_default_name(const char *, char *, size_t);

static void
registry_usage(void)
{
	fprintf(stderr, "usage: skkd trust-list keygen FILE\n"
	    "       skkd trust-list sign --key FILE [--name REGISTRY] "
	    "[--days N] IN.txt -o OUT\n");
	exit(EX_USAGE);
}

static int
registry_fail(int status, const char *what, const char *err)
{
	fprintf(stderr, "skkd: trust-list %s: %s\n", what, err);
	return status;
}

static void
registry_parse(int argc, char *argv[], struct registry_args *a)
{
	char	*end;
	int	 i;

	memset(a, 0, sizeof(*a));
	a->days = REGISTRY_DAYS_DEFAULT;
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--key") == 0 && i + 1 < argc)
			a->key = argv[++i];
		else if (strcmp(argv[i], "--name") == 0 && i + 1 < argc)
			a->name = argv[++i];
		else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
			a->out = argv[++i];
		else if (strcmp(argv[i], "--days") == 0 && i + 1 < argc) {
			errno = 0;
			a->days = strtol(argv[++i], &end, 10);
			if (errno != 0 || *end != '\0' || a->days < 1 ||
			    a->days > REGISTRY_DAYS_MAX) {
				fprintf(stderr, "skkd: trust-list sign: "
				    "--days: expected 1 to %d\n",
				    REGISTRY_DAYS_MAX);
				exit(EX_USAGE);
			}
		} else if (argv[i][0] != '-' && a->pos == NULL)
			a->pos = argv[i];
		else
			registry_usage();
	}
	if (a->pos == NULL)
		registry_usage();
}

int
registry_main(int argc, char *argv[])
{
	struct registry_args	a;

	if (argc < 2)
		registry_usage();
	registry_parse(argc, argv, &a);
	if (strcmp(argv[1], "keygen") == 0 && a.key == NULL &&
	    a.name == NULL && a.out == NULL)
		return registry_keygen(&a);
	if (strcmp(argv[1], "sign") == 0 && a.key != NULL && a.out != NULL)
		return registry_sign(&a);
	registry_usage();
}

static int
registry_keygen(struct registry_args *a)
{
	struct sign_key	*k;
	char		 pub[PATH_MAX], err[PATH_MAX + 64];
	char		 kid[2 * SIGN_KID_LEN + 1];
	int		 rc = 0;

	if (snprintf(pub, sizeof(pub), "%s.pub", a->pos) >= (int)sizeof(pub))
		return registry_fail(EX_USAGE, "keygen", "path too long");
	if (access(pub, F_OK) == 0) {
		snprintf(err, sizeof(err), "'%s' exists; not overwriting a "
		    "key", pub);
		return registry_fail(EX_CANTCREAT, "keygen", err);
	}
	if ((k = sign_key_generate()) == NULL)
		return registry_fail(EX_SOFTWARE, "keygen", "cannot make a "
		    "key");
	if (keyfile_save_private(k, a->pos, err, sizeof(err)) == -1)
		rc = registry_fail(EX_CANTCREAT, "keygen", err);
	else if (keyfile_save_public(k, pub, err, sizeof(err)) == -1) {
		unlink(a->pos);
		rc = registry_fail(EX_CANTCREAT, "keygen", err);
	} else {
		hex_encode(sign_key_kid(k), SIGN_KID_LEN, kid);
		printf("made the registry key %s (mode 0600; keep it offline "
		    "and back it up)\nand its public half %s (kid %s): give "
		    "that to contractors, who run\n  skk trust import LIST "
		    "--key %s\n", a->pos, pub, kid, pub);
	}
	sign_key_free(k);
	return rc;
}

/* The registry's name by default: the key file's name less ".key"/".pem". */
static void
registry_default_name(const char *path, char *out, size_t outlen)
{
	const char	*b = strrchr(path, '/');
	size_t		 n;

	b = b != NULL ? b + 1 : path;
	n = strlen(b);
	if (n > 4 && (strcmp(b + n - 4, ".key") == 0 ||
	    strcmp(b + n - 4, ".pem") == 0))
		n -= 4;
	snprintf(out, outlen, "%.*s", (int)n, b);
}

static int
registry_read(const char *path, char **buf, size_t *len, char *err,
    size_t errlen)
{
	struct stat	st;
	ssize_t		n = 0;
	int		fd;

	*buf = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return errf(err, errlen, "cannot open '%s': %s", path,
		    strerror(errno));
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > TL_TEXT_MAX ||
	    (*buf = malloc(st.st_size + 1)) == NULL ||
	    (n = read(fd, *buf, st.st_size + 1)) != st.st_size) {
		close(fd);
		free(*buf);
		*buf = NULL;
		return errf(err, errlen, "'%s': %s", path, n == -1 ?
		    strerror(errno) : "not a regular file of at most 4 MiB");
	}
	close(fd);
	*len = (size_t)n;
	return 0;
}

static int
registry_write(const char *path, const uint8_t *buf, size_t len, char *err,
    size_t errlen)
{
	char	tmp[PATH_MAX];
	int	fd, ok;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp%ld", path, (long)getpid()) >=
	    (int)sizeof(tmp))
		return errf(err, errlen, "'%s': path too long", path);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0644)) == -1)
		return errf(err, errlen, "cannot create '%s': %s", tmp,
		    strerror(errno));
	ok = write(fd, buf, len) == (ssize_t)len && fsync(fd) == 0;
	if (close(fd) != 0)
		ok = 0;
	if (!ok || rename(tmp, path) == -1) {
		errf(err, errlen, "cannot write '%s': %s", path,
		    strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

static int
registry_sign(struct registry_args *a)
{
	struct trustlist	 tl;
	struct sign_key		*k;
	uint8_t			*out = NULL;
	size_t			 len = 0, outlen;
	char			*text, err[768], why[512], until[21];
	int			 rc = 0;

	if ((k = keyfile_load_private(a->key, err, sizeof(err))) == NULL)
		return registry_fail(EX_CONFIG, "sign", err);
	trustlist_init(&tl);
	if (registry_read(a->pos, &text, &len, err, sizeof(err)) == -1) {
		sign_key_free(k);
		return registry_fail(EX_NOINPUT, "sign", err);
	}
	if (a->name != NULL)
		snprintf(tl.registry, sizeof(tl.registry), "%s", a->name);
	else
		registry_default_name(a->key, tl.registry,
		    sizeof(tl.registry));
	tl.iat = time(NULL);
	tl.exp = tl.iat + a->days * 86400;
	if (trustlist_parse_text(text, len, &tl, why, sizeof(why)) == -1) {
		snprintf(err, sizeof(err), "'%s': %s", a->pos, why);
		rc = registry_fail(EX_DATAERR, "sign", err);
	} else if (tl.n == 0) {
		snprintf(err, sizeof(err), "'%s': no issuers in it", a->pos);
		rc = registry_fail(EX_DATAERR, "sign", err);
	} else if (trustlist_make(k, &tl, &out, &outlen, why,
	    sizeof(why)) == -1) {
		rc = registry_fail(EX_DATAERR, "sign", why);
	} else if (registry_write(a->out, out, outlen, err,
	    sizeof(err)) == -1) {
		rc = registry_fail(EX_CANTCREAT, "sign", err);
	} else {
		time_format(tl.exp, until);
		printf("signed %zu issuer%s for %s, valid until %s: %s\n",
		    tl.n, tl.n == 1 ? "" : "s", tl.registry, until, a->out);
	}
	free(out);
	free(text);
	trustlist_release(&tl);
	sign_key_free(k);
	return rc;
}
