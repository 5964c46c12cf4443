/* SPDX-License-Identifier: MIT */
/* kvmcpu: the command-line front of libkvmcpu. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const struct cli_command commands[] = {
	{ "models", cmd_models, "list every CPU model and whether this host can run it" },
	{ "model", cmd_model, "show one model's definition" },
	{ "cpuid", cmd_cpuid, "resolve a CPU (and Hyper-V) spec into the guest CPUID table" },
	{ "host", cmd_host, "print this host's fingerprint" },
	{ "hv", cmd_hv, "list the Hyper-V enlightenments and what the host supports" },
	{ "run", cmd_run, "apply a spec to a real vCPU and show what a probe guest sees" },
	{ "verify", cmd_verify, "prove models on this host with the probe guest" },
	{ "compare", cmd_compare, "which hosts run a CPU spec, and what the others lack" },
	{ "baseline", cmd_baseline, "the richest CPU every host of a cluster runs, proven" },
	{ "migrate-check", cmd_migrate_check, "would a guest see the same CPU on another host" },
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: kvmcpu [--version] [--help] <command> [options]\n\nCommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-13s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nRun 'kvmcpu <command> --help' for a command's options; see kvmcpu(1).\n"
		   "Exit status: 0 success, 1 negative answer, 2 bad input, 3 host failure.\n");
}

/* An answer that did not reach its reader (a full disk, a closed pipe) is a failure. */
static int finish(const char *cmd, int rc)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return rc;
	fprintf(stderr, "kvmcpu %s: cannot write the output: %s\n", cmd, strerror(errno));
	return rc ? rc : EXIT_HOST;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	const char *name = argv[1];
	if (!strcmp(name, "--help") || !strcmp(name, "-h") || !strcmp(name, "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(name, "--version") || !strcmp(name, "-V")) {
		printf("kvmcpu %s\n", kvmcpu_version());
		return EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(name, commands[i].name))
			return finish(name, commands[i].run(argc - 1, argv + 1));
	fprintf(stderr, "kvmcpu: unknown command '%s'\n", name);
	usage(stderr);
	return EXIT_USAGE;
}
