/* skkd — SPDX-License-Identifier: ISC */
/*
 * The operator's subcommands of skkd (see skkd(8)): rotate-key,
 * retire-key, add-client, revoke-client, backup and check. Each reads
 * skkd.conf with -c and works beside a running daemon.
 */
#ifndef DAEMON_ADMIN_H
#define DAEMON_ADMIN_H

/* argv[0] is the subcommand; -1 when it is not one of ours. */
int	admin_main(int argc, char *argv[]);

#endif
