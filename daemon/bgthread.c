/* skkd — SPDX-License-Identifier: ISC */
/* Background threads' priority: see bgthread.h. */

#include <sys/resource.h>
#include <sys/syscall.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "bgthread.h"
#include "log.h"

void
bgthread_lower(void)
{
	/* On Linux a thread's nice value is its own, set through its id. */
	if (setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), BG_NICE) ==
	    -1)
		log_debug("setpriority: %s", strerror(errno));
}
