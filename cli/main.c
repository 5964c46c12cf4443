/* SPDX-License-Identifier: MIT */
/* kvmcpu: the command-line front of libkvmcpu. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

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
	{ "matrix", cmd_matrix, "draw models x hosts as an SVG or HTML picture" },
	{ "nfd", cmd_nfd, "write a Node Feature Discovery feature file for this host" },
	/* Hidden (no summary): the names the shell completion scripts offer. */
	{ "complete", cmd_complete, NULL },
	{ "export", cmd_export,
	  "write the resolved CPU as QEMU, libvirt, Firecracker, Proxmox or OpenVMM config" },
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: kvmcpu [--version] [--help] <command> [options]\n\nCommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (commands[i].summary)
			fprintf(f, "  %-13s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nRun 'kvmcpu <command> --help' (or 'kvmcpu help <command>') for a command's\n"
		   "options; see kvmcpu(1).\n"
		   "Exit status: 0 success, 1 a negative answer or a request this host cannot\n"
		   "satisfy, 2 bad input, 3 the host failed, 4 the output could not be written.\n");
}

/* Edit distance of two short words, for the did-you-mean of a mistyped command. */
static size_t distance(const char *a, const char *b)
{
	size_t lb = strlen(b), row[32];
	if (lb >= sizeof(row) / sizeof(row[0]))
		return (size_t)-1;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; a[i - 1]; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

static const struct cli_command *find_command(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(name, commands[i].name))
			return &commands[i];
	return NULL;
}

static int unknown_command(const char *name)
{
	char tame[256];
	fprintf(stderr, "kvmcpu: unknown command '%s'\n", cli_tame(name, tame, sizeof(tame)));
	const char *best = NULL;
	size_t best_d = 3; /* two edits at most: a swap, a missing or an extra letter */
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		size_t d = strlen(name) < 32 ? distance(name, commands[i].name) : (size_t)-1;
		if (d < best_d) {
			best_d = d;
			best = commands[i].name;
		}
	}
	if (best)
		fprintf(stderr, "  hint: did you mean 'kvmcpu %s'?\n", best);
	fprintf(stderr, "Run 'kvmcpu --help' for the list of commands.\n");
	return EXIT_USAGE;
}

/* An answer that did not reach its reader (a full disk, a closed pipe) is a failure. */
static int finish(const char *cmd, int rc)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return rc;
	fprintf(stderr, "kvmcpu %s: cannot write the output: %s\n", cmd, strerror(errno));
	return EXIT_OUTPUT;
}

int main(int argc, char **argv)
{
	/* A closed stdout would let the next open() take descriptor 1: refuse at once. */
	if (fcntl(STDOUT_FILENO, F_GETFD) < 0) {
		fprintf(stderr, "kvmcpu: standard output is closed; nothing could be written\n");
		return EXIT_OUTPUT;
	}
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	const char *name = argv[1];
	if (!strcmp(name, "help") && argc == 3) {
		/* "kvmcpu help models" is "kvmcpu models --help". */
		const struct cli_command *c = find_command(argv[2]);
		if (!c)
			return unknown_command(argv[2]);
		char help[] = "--help";
		char *help_argv[] = { argv[2], help, NULL };
		return finish(argv[2], c->run(2, help_argv));
	}
	if (!strcmp(name, "--help") || !strcmp(name, "-h") || !strcmp(name, "help")) {
		if (argc > 2)
			return cli_usage("help", "give one command: kvmcpu help COMMAND");
		usage(stdout);
		return finish("help", EXIT_OK);
	}
	if (!strcmp(name, "--version") || !strcmp(name, "-V")) {
		printf("kvmcpu %s\n", kvmcpu_version());
		return finish("--version", EXIT_OK);
	}
	const struct cli_command *c = find_command(name);
	if (c)
		return finish(name, c->run(argc - 1, argv + 1));
	return unknown_command(name);
}
