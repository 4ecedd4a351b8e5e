/* skkd — SPDX-License-Identifier: ISC */
/*
 * Reading and writing signing-key files (see keyfile.h): open, mode
 * checks, exclusive creation and fsync here; PEM in proto/sign.c.
 */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errf.h"
#include "keyfile.h"

#define KEYFILE_MAX	16384	/* a PEM key is a few hundred bytes */

/*
 * Opens path for reading; with private set, refuses a file that group or
 * others may read or write, before a byte of the key is read.
 */
int
keyfile_open(const char *path, int private, char *err, size_t errlen)
{
	struct stat	 st;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return errf(err, errlen, "cannot open '%s': %s", path,
		    strerror(errno));
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		return errf(err, errlen, "'%s': not a regular file", path);
	}
	if (private && (st.st_mode & 077) != 0) {
		close(fd);
		return errf(err, errlen, "'%s': mode %04o, expected 0600 "
		    "(private key %s by others)", path,
		    (unsigned)(st.st_mode & 07777),
		    (st.st_mode & 044) ? "readable" : "writable");
	}
	return fd;
}

/* Up to KEYFILE_MAX bytes of fd into buf; the count, or -1. */
static ssize_t
keyfile_read(int fd, char *buf)
{
	size_t	n = 0;
	ssize_t	r;

	while (n < KEYFILE_MAX) {
		r = read(fd, buf + n, KEYFILE_MAX - n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			return r == 0 ? (ssize_t)n : -1;
		n += (size_t)r;
	}
	return (ssize_t)n;
}

static struct sign_key *
keyfile_load(const char *path, int private, char *err, size_t errlen)
{
	struct sign_key	*k = NULL;
	char		*buf;
	ssize_t		 n;
	int		 fd;

	if ((fd = keyfile_open(path, private, err, errlen)) == -1)
		return NULL;
	if ((buf = malloc(KEYFILE_MAX)) == NULL) {
		errf(err, errlen, "'%s': %s", path, strerror(errno));
		close(fd);
		return NULL;
	}
	if ((n = keyfile_read(fd, buf)) == -1)
		errf(err, errlen, "'%s': %s", path, strerror(errno));
	else
		k = sign_key_from_pem(buf, (size_t)n, private, path, err,
		    errlen);
	close(fd);
	explicit_bzero(buf, KEYFILE_MAX);
	free(buf);
	return k;
}

struct sign_key *
keyfile_load_private(const char *path, char *err, size_t errlen)
{
	return keyfile_load(path, 1, err, errlen);
}

struct sign_key *
keyfile_load_public(const char *path, char *err, size_t errlen)
{
	return keyfile_load(path, 0, err, errlen);
}

/* All len bytes of p to fd, then to the disk; 0 or -1. */
static int
keyfile_write_all(int fd, const char *p, size_t len)
{
	ssize_t	r;

	while (len > 0) {
		if ((r = write(fd, p, len)) == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		len -= (size_t)r;
	}
	return fsync(fd);
}

/* Writes k as PEM to a file opened with flags; removes it on failure. */
static int
keyfile_write(const struct sign_key *k, int private, const char *path,
    int flags, mode_t mode, char *err, size_t errlen)
{
	char	*pem;
	size_t	 len = 0;
	int	 fd, ok;

	if ((fd = open(path, flags | O_WRONLY | O_CREAT | O_CLOEXEC,
	    mode)) == -1) {
		if (errno == EEXIST)
			return errf(err, errlen, "'%s' exists; not "
			    "overwriting a key", path);
		return errf(err, errlen, "cannot create '%s': %s", path,
		    strerror(errno));
	}
	pem = sign_key_to_pem(k, private, &len);
	ok = pem != NULL && keyfile_write_all(fd, pem, len) == 0;
	sign_pem_free(pem, len);
	if (close(fd) != 0)
		ok = 0;
	if (!ok) {
		unlink(path);
		return errf(err, errlen, "cannot write '%s'", path);
	}
	return 0;
}

int
keyfile_save_private(const struct sign_key *k, const char *path, char *err,
    size_t errlen)
{
	if (!sign_key_is_private(k))
		return errf(err, errlen, "'%s': no private key to save", path);
	return keyfile_write(k, 1, path, O_EXCL, 0600, err, errlen);
}

int
keyfile_save_public(const struct sign_key *k, const char *path, char *err,
    size_t errlen)
{
	return keyfile_write(k, 0, path, O_TRUNC, 0644, err, errlen);
}
