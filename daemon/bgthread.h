/* skkd — SPDX-License-Identifier: ISC */
/*
 * Threads that no answer waits for: a cohort's signing, status list and
 * number map building, publishing, the start-up check of the log. They
 * run under SCHED_IDLE, so that when the CPUs are busy the workers, whose
 * answers phones wait for, go first; when the CPUs are idle it costs
 * nothing. Not a mere nice value: Linux places a waking thread on a CPU
 * that runs only SCHED_IDLE threads as if that CPU were idle, whereas a
 * niced thread kept its CPU while a worker woken next to the phones'
 * client waited behind it (4 ms a wake-up, 20-130 ms tails while a
 * cohort was signed). Where SCHED_IDLE is refused, nice BG_NICE.
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
