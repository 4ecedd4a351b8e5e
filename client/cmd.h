/* skkd — SPDX-License-Identifier: ISC */
/*
 * skk's command table and the run of one command. main.c only calls
 * cmd_main; everything can be driven from the unit tests with FILE
 * streams in place of stdin, stdout and stderr. The commands themselves
 * live in cmd_write.c, cmd_read.c, cmd_qr.c, cohort.c and crew.c, on
 * top of args.c (arguments) and session.c (the connection).
 */
#ifndef CLIENT_CMD_H
#define CLIENT_CMD_H

#include <stdio.h>

#include "session.h"

/*
 * The whole program but main(): global options, the command, its exit
 * status (sysexits.h; verify: 0 valid, 1 not valid, 2 unknown).
 */
int		 cmd_main(int argc, char **argv, FILE *in, FILE *out,
		    FILE *err);

/*
 * Joins every run of five arguments shaped like the groups of a
 * certificate number (5, 4, 1, 8 and 4 digits) into one argument, since
 * an unquoted number arrives split by the shell. Returns a new
 * NULL-terminated vector of copies and its length in *outc, or NULL on
 * allocation failure; free it with cmd_argv_free.
 */
char		**cmd_join_numbers(int argc, char *const *argv, int *outc);
void		 cmd_argv_free(char **);

#endif
