/* skkd — SPDX-License-Identifier: ISC */
/*
 * Telling systemd how the daemon is doing (sd_notify): the only module
 * that calls libsystemd. Every call is a no-op outside systemd.
 */
#ifndef DAEMON_NOTIFY_H
#define DAEMON_NOTIFY_H

struct event_base;

void	notify_ready(const char *status);
void	notify_reloading(void);
void	notify_stopping(void);
void	notify_status(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
/*
 * When the unit sets WatchdogSec, sends WATCHDOG=1 from a timer on base
 * (a worker loop), so a hung loop stops the pings. 0, or -1 on error.
 */
int	notify_watchdog_start(struct event_base *base);
void	notify_watchdog_stop(void);

#endif
