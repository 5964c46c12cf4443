/* SPDX-License-Identifier: MIT */
/*
 * kvmcpu complete: the names shell completion offers (completion/kvmcpu.bash and
 * completion/_kvmcpu), one a line, from the library's own tables so that they never
 * fall behind. A hidden command: it is for the completion scripts, not for people.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static void usage(FILE *f)
{
	fprintf(f, "Usage: kvmcpu complete models|features|hv|hv-presets\n\n"
		   "Prints one name a line, for shell completion:\n"
		   "  models      every CPU model name, with host and max\n"
		   "  features    every feature name a CPU spec takes after '+' (or '+no_')\n"
		   "  hv          every Hyper-V flag a Hyper-V spec takes, with kvm_leaves\n"
		   "  hv-presets  the presets a Hyper-V spec may start with\n");
}

static void models(void)
{
	puts("host");
	puts("max");
	for (size_t i = 0; i < kvmcpu_model_count(); i++)
		puts(kvmcpu_model_name(kvmcpu_model_at(i)));
}

static void features(void)
{
	for (size_t i = 0; i < kvmcpu_feature_count(); i++)
		puts(kvmcpu_feature_at(i)->name);
}

static void hv_flags(void)
{
	for (size_t i = 0; i < kvmcpu_hv_flag_count(); i++)
		puts(kvmcpu_hv_flag_name(kvmcpu_hv_flag_at(i)));
	puts("kvm_leaves"); /* not a Hyper-V flag, but a token of the same spec */
}

static void hv_presets(void)
{
	for (size_t i = 0; i < kvmcpu_hv_preset_count(); i++)
		puts(kvmcpu_hv_preset_name(i));
}

int cmd_complete(int argc, char **argv)
{
	static const struct {
		const char *what;
		void (*print)(void);
	} lists[] = {
		{ "models", models },
		{ "features", features },
		{ "hv", hv_flags },
		{ "hv-presets", hv_presets },
	};
	struct cli_args a;
	int first;
	const struct cli_parser p = {
		.cmd = "complete", .shared = CLI_OPT_HELP, .usage = usage, .max_positional = 1
	};
	int rc = cli_parse(&p, argc, argv, &a, &first);
	if (rc)
		return rc == CLI_HELP_SHOWN ? EXIT_OK : rc;
	if (first >= argc)
		return cli_usage("complete", "say which names: models, features, hv or hv-presets");
	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		if (!strcmp(argv[first], lists[i].what)) {
			lists[i].print();
			return EXIT_OK;
		}
	}
	char tame[128];
	return cli_usage("complete", "unknown list '%s': models, features, hv or hv-presets",
			 cli_tame(argv[first], tame, sizeof(tame)));
}
