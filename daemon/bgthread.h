/* skkd — SPDX-License-Identifier: ISC */
/*
 * Threads that no answer waits for: a cohort's signing, status list and
 * number map building, publishing, the start-up check of the log. When
 * the CPUs are busy the workers, whose answers phones wait for, go
 * first; when they are idle it costs nothing.
 *
 * Those that hold no lock a worker takes run under SCHED_IDLE
 * (bgthread_idle). Not a mere nice value: Linux places a waking thread
 * on a CPU that runs only SCHED_IDLE threads as if that CPU were idle,
 * whereas a niced thread kept its CPU while a worker woken next to the
 * phones' client waited behind it (4 ms a wake-up, 20-130 ms tails
 * while a cohort was signed). The price: while workers keep every CPU
 * busy (a crowd), a cohort's signing waits until they ease, and writes
 * behind it with it; nothing acknowledged is lost. Where SCHED_IDLE is
 * refused, nice BG_NICE.
 *
 * Those that take a lock a worker also takes (the status lists') only
 * lower their nice value (bgthread_lower): preempted with it held, a
 * SCHED_IDLE thread could wait long for a CPU while the worker waits
 * for it.
 */
#ifndef DAEMON_BGTHREAD_H
#define DAEMON_BGTHREAD_H

#define BG_NICE	10

/*
 * Lower the calling thread's priority for good: an unprivileged thread
 * cannot raise it again, so only threads that end, or only ever do such
 * work, call them.
 */
void	bgthread_lower(void);
void	bgthread_idle(void);

#endif
