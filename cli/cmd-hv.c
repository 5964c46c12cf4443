/* SPDX-License-Identifier: MIT */
#include <stdio.h>

#include "cli.h"

int cmd_hv(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "kvmcpu hv: not built yet\n");
	return EXIT_USAGE;
}
