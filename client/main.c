/* skkd — SPDX-License-Identifier: ISC */
/*
 * skk, the companion client of skkd: verify certificates, and with an
 * admin certificate issue and manage them. See skk(1). Everything but
 * main() starts at cmd_main (cmd.c) so that the unit tests can run it.
 */

#include <stdio.h>

#include "cmd.h"

int
main(int argc, char **argv)
{
	return cmd_main(argc, argv, stdin, stdout, stderr);
}
