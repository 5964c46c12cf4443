/* SPDX-License-Identifier: MIT */
/* kvmcpu compare: which hosts run a CPU spec, and what the others lack. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

static void usage(FILE *f)
{
	fprintf(f, "Usage: kvmcpu compare --cpu SPEC [--hv SPEC] [--nested] [--json]\n"
		   "                      HOST... | --hosts DIR\n\n"
		   "For every host recording, whether it runs the CPU (and Hyper-V) spec unchanged,\n"
		   "or the model features and Hyper-V flags it lacks, with the reasons.\n\n"
		   "  --cpu SPEC    the CPU spec (MODEL[+feature|+no_feature]...)\n"
		   "  --hv SPEC     a Hyper-V spec (docs/hyperv-enlightenments.md)\n"
		   "  --nested      the guest runs its own hypervisor (nested_virt)\n"
		   "  --hosts DIR   every *.json and *.txt recording in DIR (repeatable)\n"
		   "  --json        one JSON object\n"
		   "  -h, --help    this text\n\n"
		   "Exit status: 0 when every host runs it, 1 when any does not, 2 bad input.\n");
}

struct tally {
	size_t hosts, failing;
};

static void print_host(const char *path, const struct kvmcpu_fit *fit)
{
	if (kvmcpu_fit_ok(fit)) {
		printf("%s: runs it\n", path);
		return;
	}
	printf("%s: does not run it (%zu missing)\n", path, kvmcpu_fit_count(fit));
	for (size_t i = 0; i < kvmcpu_fit_count(fit); i++)
		cli_print_diff(stdout, kvmcpu_fit_at(fit, i), "  ");
}

static void json_host(struct jw *w, const char *path, const struct kvmcpu_fit *fit)
{
	jw_obj_begin(w);
	jw_kv_str(w, "host", path);
	jw_kv_bool(w, "runs", kvmcpu_fit_ok(fit));
	jw_key(w, "missing");
	jw_arr_begin(w);
	for (size_t i = 0; i < kvmcpu_fit_count(fit); i++)
		cli_json_diff(w, kvmcpu_fit_at(fit, i));
	jw_arr_end(w);
	jw_obj_end(w);
}

/* One host at a time: the verdict is printed before the next host is loaded. */
static int check_hosts(const struct kvmcpu_config *cfg, const struct kvmcpu_host_set *set,
		       struct jw *w, struct tally *t)
{
	for (size_t i = 0; i < kvmcpu_host_set_count(set); i++) {
		struct kvmcpu_host *host;
		int rc = cli_host_set_load("compare", set, i, &host);
		if (rc)
			return rc;
		struct kvmcpu_error err;
		struct kvmcpu_fit *fit;
		kvmcpu_error_clear(&err);
		rc = kvmcpu_fit_check(cfg, host, &fit, &err);
		kvmcpu_host_free(host);
		if (rc)
			return cli_report("compare", &err, cli_exit_for(err.code));
		const char *path = kvmcpu_host_set_path(set, i);
		if (w)
			json_host(w, path, fit);
		else
			print_host(path, fit);
		t->hosts++;
		t->failing += !kvmcpu_fit_ok(fit);
		kvmcpu_fit_free(fit);
	}
	return EXIT_OK;
}

int cmd_compare(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cpu", required_argument, NULL, 'c' },
		{ "hv", required_argument, NULL, 'v' },
		{ "nested", no_argument, NULL, 'n' },
		{ "hosts", required_argument, NULL, 'D' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *cpu = NULL, *hv = NULL;
	bool nested = false, json = false;
	char **dirs = calloc((size_t)argc + 1, sizeof(*dirs));
	int ndirs = 0, c;
	if (!dirs)
		return EXIT_HOST;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'c': cpu = optarg; break;
		case 'v': hv = optarg; break;
		case 'n': nested = true; break;
		case 'D': dirs[ndirs++] = optarg; break;
		case 'j': json = true; break;
		case 'h':
			free(dirs);
			usage(stdout);
			return EXIT_OK;
		default:
			free(dirs);
			return cli_usage("compare", "unknown option");
		}
	}
	struct kvmcpu_config *cfg = NULL;
	struct kvmcpu_host_set *set = NULL;
	int rc = !cpu ? cli_usage("compare", "give --cpu SPEC")
		      : cli_make_config("compare", NULL, cpu, hv, nested, &cfg);
	if (!rc)
		rc = cli_host_set("compare", argv + optind, argc - optind, dirs, ndirs, 1, &set);
	free(dirs);
	if (rc) {
		kvmcpu_config_free(cfg);
		return rc;
	}
	struct tally t = { 0 };
	struct jw w;
	if (json) {
		jw_init(&w, stdout);
		jw_obj_begin(&w);
		jw_kv_str(&w, "cpu", kvmcpu_config_cpu(cfg));
		jw_kv_str(&w, "hv", kvmcpu_config_hv(cfg));
		jw_kv_bool(&w, "nested", kvmcpu_config_nested(cfg));
		jw_key(&w, "hosts");
		jw_arr_begin(&w);
	}
	rc = check_hosts(cfg, set, json ? &w : NULL, &t);
	if (json && !rc) {
		jw_arr_end(&w);
		jw_kv_u64(&w, "host_count", t.hosts);
		jw_kv_u64(&w, "failing", t.failing);
		jw_kv_bool(&w, "runs_everywhere", t.failing == 0);
		jw_obj_end(&w);
		jw_end(&w);
	} else if (!rc) {
		printf("\n%s runs on %zu of %zu hosts\n", kvmcpu_config_cpu(cfg), t.hosts - t.failing,
		       t.hosts);
	}
	kvmcpu_host_set_free(set);
	kvmcpu_config_free(cfg);
	return rc ? rc : t.failing ? EXIT_NEGATIVE : EXIT_OK;
}
