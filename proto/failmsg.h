/* skkd — SPDX-License-Identifier: ISC */
/*
 * The error message of a refused input, for the log modules (merkle,
 * tile, note, checkpoint, logentry): printf into a caller's buffer.
 */
#ifndef PROTO_FAILMSG_H
#define PROTO_FAILMSG_H

#include <stdarg.h>
#include <stddef.h>

/* Formats into err (nothing when errlen is 0); always returns -1. */
int	failmsg(char *err, size_t errlen, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
int	vfailmsg(char *err, size_t errlen, const char *fmt, va_list ap)
	    __attribute__((format(printf, 3, 0)));

#endif
