/* SPDX-License-Identifier: MIT */
/* kvmcpu compare: which hosts run a CPU spec, and what the others lack. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: kvmcpu compare --cpu SPEC [--hv SPEC] [--nested] [--smp SPEC] [--kvm PARAMS]\n"
		"                      [--json] HOST... | --hosts DIR\n\n"
		"For every host recording, whether it runs the CPU (and Hyper-V) spec unchanged,\n"
		"or the model features and Hyper-V flags it lacks, with the reasons.\n\n"
		"  --cpu SPEC    the CPU spec (MODEL[+feature|+no_feature]...)\n"
		"  --hv SPEC     a Hyper-V spec (docs/hyperv-enlightenments.md)\n"
		"  --nested      the guest runs its own hypervisor (nested_virt)\n"
		"  --smp SPEC    the vCPU topology (smp=SPEC)\n"
		"  --kvm PARAMS  the whole parameter string (cpu=...,hv=...)\n"
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

static void json_host(struct kc_jw *w, const char *path, const struct kvmcpu_fit *fit)
{
	kc_jw_obj_begin(w);
	kc_jw_kv_str(w, "host", path);
	kc_jw_kv_bool(w, "runs", kvmcpu_fit_ok(fit));
	kc_jw_key(w, "missing");
	kc_jw_arr_begin(w);
	for (size_t i = 0; i < kvmcpu_fit_count(fit); i++)
		cli_json_diff(w, kvmcpu_fit_at(fit, i));
	kc_jw_arr_end(w);
	kc_jw_obj_end(w);
}

/* One host at a time: the verdict is printed before the next host is loaded. */
static int check_hosts(const struct kvmcpu_config *cfg, const struct kvmcpu_host_set *set,
		       struct kc_jw *w, struct tally *t)
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
	struct cli_cluster_args ca;
	int rc = cli_cluster_parse(
		"compare", CLI_OPT_CPU | CLI_OPT_HV | CLI_OPT_NESTED | CLI_OPT_SMP | CLI_OPT_KVM,
		false, usage, argc, argv, &ca);
	if (rc)
		return rc == CLI_HELP_SHOWN ? EXIT_OK : rc;
	bool json = ca.a.json;
	struct kvmcpu_config *cfg = NULL;
	struct kvmcpu_host_set *set = NULL;
	rc = !ca.a.cpu && !ca.a.kvm ? cli_usage("compare", "give --cpu SPEC")
				    : cli_make_config("compare", &ca.a, &cfg);
	if (!rc)
		rc = cli_host_set("compare", ca.paths, ca.npaths, ca.dirs, ca.ndirs, 1, &set);
	cli_cluster_args_free(&ca);
	if (rc) {
		kvmcpu_config_free(cfg);
		return rc;
	}
	struct tally t = { 0 };
	struct kc_jw w;
	if (json) {
		kc_jw_init(&w, stdout);
		kc_jw_obj_begin(&w);
		kc_jw_schema(&w, "compare", 1);
		kc_jw_kv_str(&w, "cpu", kvmcpu_config_cpu(cfg));
		kc_jw_kv_str(&w, "hv", kvmcpu_config_hv(cfg));
		kc_jw_kv_bool(&w, "nested", kvmcpu_config_nested(cfg));
		kc_jw_key(&w, "hosts");
		kc_jw_arr_begin(&w);
	}
	rc = check_hosts(cfg, set, json ? &w : NULL, &t);
	if (json && !rc) {
		kc_jw_arr_end(&w);
		kc_jw_kv_u64(&w, "host_count", t.hosts);
		kc_jw_kv_u64(&w, "failing", t.failing);
		kc_jw_kv_bool(&w, "runs_everywhere", t.failing == 0);
		kc_jw_obj_end(&w);
		kc_jw_end(&w);
	} else if (!rc) {
		printf("\n%s runs on %zu of %zu hosts\n", kvmcpu_config_cpu(cfg),
		       t.hosts - t.failing, t.hosts);
	}
	kvmcpu_host_set_free(set);
	kvmcpu_config_free(cfg);
	return rc ? rc : t.failing ? EXIT_NEGATIVE : EXIT_OK;
}
