/* skkd — SPDX-License-Identifier: ISC */
/*
 * The "char *err, size_t errlen" convention: a function that fails writes
 * one line saying why into the caller's buffer (none when err is NULL or
 * errlen 0) and returns -1. errf() is that write, shared by every module.
 */
#ifndef PROTO_ERRF_H
#define PROTO_ERRF_H

#include <stdarg.h>
#include <stddef.h>

/* Formats into err (truncating); always returns -1: "return errf(...)". */
int	errf(char *err, size_t errlen, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
int	verrf(char *err, size_t errlen, const char *fmt, va_list ap)
	    __attribute__((format(printf, 3, 0)));

#endif
