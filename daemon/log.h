/* skkd — SPDX-License-Identifier: ISC */
/*
 * Logging to stderr, one line per event (journald adds the time). Never
 * pass a NIK or key material. Thread-safe: each line is one write(2).
 */
#ifndef DAEMON_LOG_H
#define DAEMON_LOG_H

#include <stdarg.h>

void	log_init(int verbose);		/* 0 info, 1 debug */
void	log_warn(const char *, ...)	__attribute__((format(printf, 1, 2)));	/* appends strerror(errno) */
void	log_warnx(const char *, ...)	__attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...)	__attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...)	__attribute__((format(printf, 1, 2)));
void	fatal(const char *, ...)	__attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *, ...)	__attribute__((format(printf, 1, 2), noreturn));

#endif
