/* skkd — SPDX-License-Identifier: ISC */
/* Background threads' priority: see bgthread.h. */

#include <sys/resource.h>
#include <sys/syscall.h>

#include <errno.h>
#include <pthread.h>
#include <sched.h>
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

void
bgthread_idle(void)
{
	struct sched_param	sp = { .sched_priority = 0 };
	int			rc;

	if ((rc = pthread_setschedparam(pthread_self(), SCHED_IDLE,
	    &sp)) == 0)
		return;
	log_debug("SCHED_IDLE: %s", strerror(rc));
	bgthread_lower();
}
