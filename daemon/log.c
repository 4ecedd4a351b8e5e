/* skkd — SPDX-License-Identifier: ISC */
/*
 * Log lines go to stderr with a level prefix; under systemd the journal
 * timestamps them, so we do not.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

static int	log_verbose;

static void	log_vline(const char *, const char *, const char *, va_list)
		    __attribute__((format(printf, 2, 0)));

void
log_init(int verbose)
{
	log_verbose = verbose;
}

static void
log_vline(const char *level, const char *fmt, const char *suffix, va_list ap)
{
	char	line[1024];
	int	n, m;

	n = snprintf(line, sizeof(line), "skkd: %s", level);
	if (n < 0 || (size_t)n >= sizeof(line))
		return;
	m = vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	if (m < 0)
		return;
	n = (size_t)(n + m) >= sizeof(line) - 1 ? (int)sizeof(line) - 2 : n + m;
	if (suffix != NULL)
		n += snprintf(line + n, sizeof(line) - n, ": %s", suffix);
	if ((size_t)n >= sizeof(line) - 1)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	(void)write(STDERR_FILENO, line, n);
}

void
log_warn(const char *fmt, ...)
{
	va_list	ap;
	char	ebuf[128];
	int	saved = errno;

	va_start(ap, fmt);
	log_vline("warning: ", fmt, strerror_r(saved, ebuf, sizeof(ebuf)), ap);
	va_end(ap);
	errno = saved;
}

void
log_warnx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vline("warning: ", fmt, NULL, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vline("", fmt, NULL, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list	ap;

	if (!log_verbose)
		return;
	va_start(ap, fmt);
	log_vline("debug: ", fmt, NULL, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list	ap;
	char	ebuf[128];
	int	saved = errno;

	va_start(ap, fmt);
	log_vline("fatal: ", fmt, strerror_r(saved, ebuf, sizeof(ebuf)), ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vline("fatal: ", fmt, NULL, ap);
	va_end(ap);
	exit(1);
}
