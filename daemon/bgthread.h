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
 * The number maps' thread too: it takes the status lists' lock, which
 * the workers take to serve them, but only to swap a pointer, and a
 * number map that waits for a crowd to ease harms nobody.
 *
 * The status lists' thread and the check records' sorter only lower
 * their nice value (bgthread_lower): a revocation must reach the lists
 * within seconds, and check records must be flushed before their table
 * fills, however busy the workers are.
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
