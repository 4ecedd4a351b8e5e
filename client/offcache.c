/* skkd — SPDX-License-Identifier: ISC */
/*
 * The offline cache's files (see offcache.h). What is written here was
 * verified by sync; what is read here is verified again by its reader,
 * so a damaged or edited cache can cost an answer, never fake one.
 */

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errf.h"
#include "offcache.h"

int
offcache_root(const char *opt, char *out, size_t outlen, char *err,
    size_t errlen)
{
	const char	*xdg = getenv("XDG_CACHE_HOME"), *home;
	int		 n;

	if (opt != NULL && *opt != '\0')
		n = snprintf(out, outlen, "%s", opt);
	else if (xdg != NULL && *xdg == '/')
		n = snprintf(out, outlen, "%s/skk", xdg);
	else if ((home = getenv("HOME")) != NULL && *home != '\0')
		n = snprintf(out, outlen, "%s/.cache/skk", home);
	else
		return errf(err, errlen, "no HOME: give --cache DIR");
	if (n < 0 || (size_t)n >= outlen)
		return errf(err, errlen, "cache path too long");
	return 0;
}

int
offcache_issuer_dir(const char *root, const char *host, char *out,
    size_t outlen, char *err, size_t errlen)
{
	char	name[256];
	size_t	i;
	int	n;

	if (*host == '\0' || strlen(host) >= sizeof name)
		return errf(err, errlen, "'%s': not a host to cache", host);
	for (i = 0; host[i] != '\0'; i++) {
		name[i] = (char)tolower((unsigned char)host[i]);
		if (name[i] == ':')
			name[i] = '+';
		else if (strchr("abcdefghijklmnopqrstuvwxyz0123456789.-",
		    name[i]) == NULL || (i == 0 && name[i] == '.'))
			name[i] = '_';
	}
	name[i] = '\0';
	n = snprintf(out, outlen, "%s/%s", root, name);
	if (n < 0 || (size_t)n >= outlen)
		return errf(err, errlen, "cache path too long");
	return 0;
}

static int
offcache_path(const char *dir, const char *name, char *out, size_t outlen,
    char *err, size_t errlen)
{
	int	n = snprintf(out, outlen, "%s/%s", dir, name);

	if (n < 0 || (size_t)n >= outlen)
		return errf(err, errlen, "cache path too long");
	return 0;
}

int
offcache_read(const char *dir, const char *name, size_t max, uint8_t **buf,
    size_t *len, char *err, size_t errlen)
{
	char		 path[OFFCACHE_PATH_MAX];
	struct stat	 sb;
	ssize_t		 r;
	size_t		 got = 0;
	int		 fd;

	*buf = NULL;
	*len = 0;
	if (offcache_path(dir, name, path, sizeof path, err, errlen) == -1)
		return -1;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		if (errno == ENOENT)
			return 1;
		return errf(err, errlen, "cannot open '%s': %s", path,
		    strerror(errno));
	}
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode) ||
	    (uint64_t)sb.st_size > max) {
		close(fd);
		return errf(err, errlen, "'%s': not a file of at most %zu "
		    "bytes", path, max);
	}
	if ((*buf = malloc((size_t)sb.st_size + 1)) == NULL) {
		close(fd);
		return errf(err, errlen, "out of memory");
	}
	while (got < (size_t)sb.st_size && (r = read(fd, *buf + got,
	    (size_t)sb.st_size - got)) > 0)
		got += (size_t)r;
	close(fd);
	if (got != (size_t)sb.st_size) {
		free(*buf);
		*buf = NULL;
		return errf(err, errlen, "cannot read '%s'", path);
	}
	(*buf)[got] = '\0';
	*len = got;
	return 0;
}

/* mkdir -p of the directory part of path. */
static int
offcache_mkdirs(char *path, char *err, size_t errlen)
{
	char	*p;

	for (p = path + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(path, 0755) == -1 && errno != EEXIST) {
			errf(err, errlen, "cannot create '%s': %s", path,
			    strerror(errno));
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	return 0;
}

/* fsync of the directory holding path, so the rename is on disk. */
static void
offcache_sync_dir(const char *path)
{
	char	dir[OFFCACHE_PATH_MAX];
	char	*slash;
	int	 fd;

	snprintf(dir, sizeof dir, "%s", path);
	if ((slash = strrchr(dir, '/')) == NULL)
		return;
	*slash = '\0';
	if ((fd = open(dir[0] != '\0' ? dir : "/", O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1)
		return;
	(void)fsync(fd);
	close(fd);
}

int
offcache_write(const char *dir, const char *name, const void *buf,
    size_t len, char *err, size_t errlen)
{
	char		 path[OFFCACHE_PATH_MAX], tmp[OFFCACHE_PATH_MAX + 16];
	const uint8_t	*p = buf;
	size_t		 done = 0;
	ssize_t		 w;
	int		 fd, ok;

	if (offcache_path(dir, name, path, sizeof path, err, errlen) == -1 ||
	    offcache_mkdirs(path, err, errlen) == -1)
		return -1;
	snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid());
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
	    O_CLOEXEC, 0644)) == -1)
		return errf(err, errlen, "cannot create '%s': %s", tmp,
		    strerror(errno));
	while (done < len && (w = write(fd, p + done, len - done)) > 0)
		done += (size_t)w;
	ok = done == len && fsync(fd) == 0;
	if (close(fd) == -1 || !ok || rename(tmp, path) == -1) {
		errf(err, errlen, "cannot write '%s': %s", path,
		    strerror(errno));
		unlink(tmp);
		return -1;
	}
	offcache_sync_dir(path);
	return 0;
}

int
offcache_exists(const char *dir, const char *name)
{
	char		path[OFFCACHE_PATH_MAX];
	struct stat	sb;

	if (offcache_path(dir, name, path, sizeof path, NULL, 0) == -1)
		return 0;
	return lstat(path, &sb) == 0;
}

int
offcache_remove(const char *dir, const char *name, char *err, size_t errlen)
{
	char	path[OFFCACHE_PATH_MAX];

	if (offcache_path(dir, name, path, sizeof path, err, errlen) == -1)
		return -1;
	if (unlink(path) == -1 && errno != ENOENT)
		return errf(err, errlen, "cannot remove '%s': %s", path,
		    strerror(errno));
	return 0;
}

void
offcache_etag(const char *dir, const char *name,
    char etag[OFFCACHE_ETAG_MAX])
{
	char	 tname[OFFCACHE_PATH_MAX];
	uint8_t	*buf;
	size_t	 len, i;

	etag[0] = '\0';
	snprintf(tname, sizeof tname, "%s.etag", name);
	if (offcache_read(dir, tname, OFFCACHE_ETAG_MAX - 1, &buf, &len, NULL,
	    0) != 0)
		return;
	/* Only what can go back into a header line. */
	for (i = 0; i < len; i++)
		if (buf[i] < 0x21 || buf[i] > 0x7e)
			break;
	if (i == len)
		memcpy(etag, buf, len + 1);
	free(buf);
}

int
offcache_put_etag(const char *dir, const char *name, const char *etag,
    char *err, size_t errlen)
{
	char	tname[OFFCACHE_PATH_MAX];

	snprintf(tname, sizeof tname, "%s.etag", name);
	if (*etag == '\0')
		return offcache_remove(dir, tname, err, errlen);
	return offcache_write(dir, tname, etag, strlen(etag), err, errlen);
}
