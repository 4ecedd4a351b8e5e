/* skkd — SPDX-License-Identifier: ISC */
/* Error messages into caller-owned buffers; see failmsg.h. */

#include <stdio.h>

#include "failmsg.h"

int
vfailmsg(char *err, size_t errlen, const char *fmt, va_list ap)
{
	if (err != NULL && errlen > 0)
		vsnprintf(err, errlen, fmt, ap);
	return -1;
}

int
failmsg(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vfailmsg(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}
