/* skkd — SPDX-License-Identifier: ISC */
/*
 * Threads that no answer waits for: a cohort's signing, status list and
 * number map building, publishing, the start-up check of the log. They
 * run at a lower CPU priority (nice BG_NICE), so that when the CPUs are
 * busy the workers, whose answers phones wait for, go first; when the
 * CPUs are idle it costs nothing.
 */
#ifndef DAEMON_BGTHREAD_H
#define DAEMON_BGTHREAD_H

#define BG_NICE	10

/*
 * Lowers the calling thread's priority for good: an unprivileged thread
 * cannot raise it again, so only threads that end, or only ever do such
 * work, call it.
 */
void	bgthread_lower(void);

#endif
