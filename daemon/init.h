/* skkd — SPDX-License-Identifier: ISC */
/*
 * `skkd init DIR`: creates a ready instance — signing key, NIK secret,
 * TLS PKI, skkd.conf and the admin's skk.conf — and never overwrites one.
 */
#ifndef DAEMON_INIT_H
#define DAEMON_INIT_H

/*
 * argv[0] is "init". Returns an exit status: 0, 64 (usage), 73 (cannot
 * create) or 1; errors go to stderr as "skkd init: ...", the summary to
 * stdout.
 */
int	init_main(int argc, char *argv[]);

#endif
