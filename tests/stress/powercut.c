/* skkd — SPDX-License-Identifier: ISC */

/*
 * An LD_PRELOAD shim that models what survives a power cut. A SIGKILL
 * alone proves little: whatever reached the page cache survives it,
 * synced or not. So every time the store's data file is made durable
 * (fsync, fdatasync, or a write on a descriptor opened O_SYNC/O_DSYNC,
 * which LMDB uses for its meta pages) the file is copied to
 * DATA.mdb.disk. After a kill, the harness puts the .disk copy back:
 * the store as a disk would hold it had the machine lost power at that
 * instant. With MDB_NOSYNC no sync happens, the copy stays old, and
 * acknowledged records are lost: the control that shows the harness
 * detects loss.
 */

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#define PC_MAXFD	1024

static pthread_mutex_t	pc_lock = PTHREAD_MUTEX_INITIALIZER;
static char		pc_path[PC_MAXFD][PATH_MAX];	/* tracked fds */
static int		pc_sync[PC_MAXFD];		/* opened O_DSYNC */
static __thread int	pc_busy;	/* our own opens are not tracked */

static int
pc_tracked(int fd)
{
	return fd >= 0 && fd < PC_MAXFD && pc_path[fd][0] != '\0';
}

/* Copies the data file to PATH.disk through a temporary and a rename,
 * so a kill during the copy leaves the previous durable state. */
static void
pc_snapshot(int fd)
{
	char	tmp[PATH_MAX + 16], dst[PATH_MAX + 16], buf[65536];
	off_t	off = 0;
	ssize_t	n;
	int	in, out;

	pthread_mutex_lock(&pc_lock);
	pc_busy = 1;
	/* LMDB's meta descriptor is write-only: read through a new one. */
	if ((in = open(pc_path[fd], O_RDONLY)) == -1)
		goto done;
	snprintf(tmp, sizeof tmp, "%s.disk.tmp", pc_path[fd]);
	snprintf(dst, sizeof dst, "%s.disk", pc_path[fd]);
	if ((out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1) {
		close(in);
		goto done;
	}
	while ((n = pread(in, buf, sizeof buf, off)) > 0) {
		if (write(out, buf, (size_t)n) != n)
			break;
		off += n;
	}
	close(in);
	close(out);
	rename(tmp, dst);
done:
	pc_busy = 0;
	pthread_mutex_unlock(&pc_lock);
}

static void
pc_track(int fd, const char *path, int flags)
{
	size_t	len = strlen(path);

	if (pc_busy || fd < 0 || fd >= PC_MAXFD || len < 8 ||
	    strcmp(path + len - 8, "data.mdb") != 0 || len >= PATH_MAX)
		return;
	memcpy(pc_path[fd], path, len + 1);
	pc_sync[fd] = (flags & (O_DSYNC | O_SYNC)) != 0;
	pc_snapshot(fd);	/* what is there at open is on disk */
}

static void *
pc_real(const char *name)
{
	return dlsym(RTLD_NEXT, name);
}

int	open(const char *, int, ...);
int	open64(const char *, int, ...);

int
open(const char *path, int flags, ...)
{
	static int	(*real)(const char *, int, ...);
	va_list		ap;
	mode_t		mode;
	int		fd;

	va_start(ap, flags);
	mode = va_arg(ap, mode_t);
	va_end(ap);
	if (real == NULL)
		real = pc_real("open");
	fd = real(path, flags, mode);
	pc_track(fd, path, flags);
	return fd;
}

int
open64(const char *path, int flags, ...)
{
	static int	(*real)(const char *, int, ...);
	va_list		ap;
	mode_t		mode;
	int		fd;

	va_start(ap, flags);
	mode = va_arg(ap, mode_t);
	va_end(ap);
	if (real == NULL)
		real = pc_real("open64");
	fd = real(path, flags, mode);
	pc_track(fd, path, flags);
	return fd;
}

int
close(int fd)
{
	static int	(*real)(int);

	if (real == NULL)
		real = pc_real("close");
	if (fd >= 0 && fd < PC_MAXFD)
		pc_path[fd][0] = '\0';
	return real(fd);
}

int
fsync(int fd)
{
	static int	(*real)(int);
	int		rc;

	if (real == NULL)
		real = pc_real("fsync");
	if ((rc = real(fd)) == 0 && pc_tracked(fd))
		pc_snapshot(fd);
	return rc;
}

int
fdatasync(int fd)
{
	static int	(*real)(int);
	int		rc;

	if (real == NULL)
		real = pc_real("fdatasync");
	if ((rc = real(fd)) == 0 && pc_tracked(fd))
		pc_snapshot(fd);
	return rc;
}

ssize_t
pwrite(int fd, const void *buf, size_t len, off_t off)
{
	static ssize_t	(*real)(int, const void *, size_t, off_t);
	ssize_t		n;

	if (real == NULL)
		real = pc_real("pwrite");
	n = real(fd, buf, len, off);
	if (n > 0 && pc_tracked(fd) && pc_sync[fd])
		pc_snapshot(fd);
	return n;
}

ssize_t
pwrite64(int fd, const void *buf, size_t len, off_t off)
{
	static ssize_t	(*real)(int, const void *, size_t, off_t);
	ssize_t		n;

	if (real == NULL)
		real = pc_real("pwrite64");
	n = real(fd, buf, len, off);
	if (n > 0 && pc_tracked(fd) && pc_sync[fd])
		pc_snapshot(fd);
	return n;
}

ssize_t
write(int fd, const void *buf, size_t len)
{
	static ssize_t	(*real)(int, const void *, size_t);
	ssize_t		n;

	if (real == NULL)
		real = pc_real("write");
	n = real(fd, buf, len);
	if (n > 0 && pc_tracked(fd) && pc_sync[fd])
		pc_snapshot(fd);
	return n;
}

ssize_t
writev(int fd, const struct iovec *iov, int cnt)
{
	static ssize_t	(*real)(int, const struct iovec *, int);
	ssize_t		n;

	if (real == NULL)
		real = pc_real("writev");
	n = real(fd, iov, cnt);
	if (n > 0 && pc_tracked(fd) && pc_sync[fd])
		pc_snapshot(fd);
	return n;
}
