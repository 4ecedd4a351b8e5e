/* skkd — SPDX-License-Identifier: ISC */
/*
 * The `key = value` configuration syntax shared by skkd.conf and skk.conf:
 * one setting per line, '#' starts a comment, blank lines ignored, values
 * optionally in double quotes (then '#' is literal and \" \\ escape).
 * Parses a buffer; reading the file is the caller's job.
 */
#ifndef PROTO_KV_H
#define PROTO_KV_H

#include <stddef.h>

#define KV_KEY_MAX	64
#define KV_VALUE_MAX	1024

/*
 * Called once per setting with NUL-terminated key and value. Returns 0 to
 * go on, or -1 after writing a reason (without the line number) to err.
 */
typedef int	(*kv_fn)(const char *key, const char *value, void *arg,
		    char *err, size_t errlen);

/*
 * Total over any bytes. On the first bad line or callback refusal writes
 * "LINE: reason" to err and returns -1; 0 when every line was accepted.
 */
int	kv_parse(const char *buf, size_t len, kv_fn, void *arg, char *err,
	    size_t errlen);

/* Helpers for callbacks: 0 or -1 with a reason in err. */
int	kv_uint(const char *value, unsigned long long max,
	    unsigned long long *out, char *err, size_t errlen);
/* Sizes with an optional K, M or G suffix (powers of 1024). */
int	kv_size(const char *value, unsigned long long max,
	    unsigned long long *out, char *err, size_t errlen);
/* Durations in seconds with an optional s, m, h or d suffix ("7d"). */
int	kv_duration(const char *value, unsigned long long max,
	    unsigned long long *out, char *err, size_t errlen);

#endif
