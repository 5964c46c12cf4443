/* SPDX-License-Identifier: MIT */
/* kvmcpu migrate-check: would a guest see the same CPU after moving between hosts. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: kvmcpu migrate-check --cpu SPEC [--hv SPEC] [--nested] [--smp SPEC]\n"
		"                            [--kvm PARAMS] [--json]\n"
		"                            --from A --to B | HOST... | --hosts DIR\n\n"
		"Resolves the spec on both hosts and compares what the guest sees: the complete\n"
		"CPUID table (features by name), the Hyper-V leaves (by flag), the MSR values\n"
		"and the vCPU capability plan, and timekeeping (invtsc or the Hyper-V frequency\n"
		"MSRs between hosts of different TSC rates). With HOST... every ordered pair\n"
		"is checked. Each difference comes with its reason and the fix; fields that\n"
		"describe the machine (caches, topology) are notes.\n\n"
		"  --cpu SPEC    the guest's CPU spec\n"
		"  --hv SPEC     the guest's Hyper-V spec\n"
		"  --nested      the guest runs its own hypervisor (nested_virt)\n"
		"  --smp SPEC    the vCPU topology (smp=SPEC): every vCPU's table is compared\n"
		"  --kvm PARAMS  the whole parameter string (cpu=...,hv=...)\n"
		"  --from A      the source host recording\n"
		"  --to B        the target host recording\n"
		"  --hosts DIR   every *.json and *.txt recording in DIR (repeatable)\n"
		"  --json        one JSON object\n"
		"  -h, --help    this text\n\n"
		"Exit status: 0 safe, 1 a difference the guest would notice, 2 bad input.\n");
}

struct pair_out {
	struct kc_jw *w;
	size_t pairs, unsafe;
};

static void report_pair(struct pair_out *o, const char *a, const char *b,
			const struct kvmcpu_diff_list *l)
{
	size_t blocking = kvmcpu_diff_list_blocking(l);
	o->pairs++;
	o->unsafe += blocking > 0;
	if (o->w) {
		kc_jw_obj_begin(o->w);
		kc_jw_kv_str(o->w, "from", a);
		kc_jw_kv_str(o->w, "to", b);
		kc_jw_kv_bool(o->w, "safe", blocking == 0);
		kc_jw_key(o->w, "differences");
		kc_jw_arr_begin(o->w);
		for (size_t i = 0; i < kvmcpu_diff_list_count(l); i++)
			cli_json_diff(o->w, kvmcpu_diff_list_at(l, i));
		kc_jw_arr_end(o->w);
		kc_jw_obj_end(o->w);
		return;
	}
	if (blocking)
		printf("%s -> %s: NOT safe, %zu difference%s\n", a, b, blocking,
		       blocking == 1 ? "" : "s");
	else
		printf("%s -> %s: safe\n", a, b);
	for (size_t i = 0; i < kvmcpu_diff_list_count(l); i++)
		cli_print_diff(stdout, kvmcpu_diff_list_at(l, i), "  ");
}

static int check_pair(const struct kvmcpu_config *cfg, const struct kvmcpu_host *a,
		      const struct kvmcpu_host *b, struct pair_out *o)
{
	struct kvmcpu_error err;
	struct kvmcpu_diff_list *l;
	kvmcpu_error_clear(&err);
	if (kvmcpu_migration_check(cfg, a, b, &l, &err))
		return cli_report("migrate-check", &err, cli_exit_for(err.code));
	report_pair(o, kvmcpu_host_origin(a), kvmcpu_host_origin(b), l);
	kvmcpu_diff_list_free(l);
	return EXIT_OK;
}

/* Every ordered pair; the hosts are loaded once (pairs grow with the square anyway). */
static int check_all(const struct kvmcpu_config *cfg, const struct kvmcpu_host_set *set,
		     struct pair_out *o)
{
	size_t n = kvmcpu_host_set_count(set);
	struct kvmcpu_host **hosts = calloc(n, sizeof(*hosts));
	int rc = hosts ? EXIT_OK : EXIT_HOST;
	for (size_t i = 0; i < n && !rc; i++)
		rc = cli_host_set_load("migrate-check", set, i, &hosts[i]);
	for (size_t i = 0; i < n && !rc; i++)
		for (size_t j = 0; j < n && !rc; j++)
			if (i != j)
				rc = check_pair(cfg, hosts[i], hosts[j], o);
	for (size_t i = 0; hosts && i < n; i++)
		kvmcpu_host_free(hosts[i]);
	free(hosts);
	return rc;
}

int cmd_migrate_check(int argc, char **argv)
{
	struct cli_cluster_args ca;
	int rc = cli_cluster_parse("migrate-check",
				   CLI_OPT_CPU | CLI_OPT_HV | CLI_OPT_NESTED | CLI_OPT_SMP |
					   CLI_OPT_KVM,
				   true, usage, argc, argv, &ca);
	if (rc)
		return rc == CLI_HELP_SHOWN ? EXIT_OK : rc;
	bool json = ca.a.json, pair = ca.from || ca.to;
	if (!ca.a.cpu && !ca.a.kvm)
		rc = cli_usage("migrate-check", "give --cpu SPEC");
	else if (pair && (!ca.from || !ca.to))
		rc = cli_usage("migrate-check", "give both --from A and --to B");
	else if (pair && (ca.npaths || ca.ndirs))
		rc = cli_usage("migrate-check", "give --from/--to or HOST.../--hosts, not both");
	struct kvmcpu_config *cfg = NULL;
	struct kvmcpu_host_set *set = NULL;
	if (!rc)
		rc = cli_make_config("migrate-check", &ca.a, &cfg);
	char *both[2] = { (char *)ca.from, (char *)ca.to };
	if (!rc)
		rc = pair ? cli_host_set("migrate-check", both, 2, NULL, 0, 2, &set)
			  : cli_host_set("migrate-check", ca.paths, ca.npaths, ca.dirs, ca.ndirs, 2,
					 &set);
	cli_cluster_args_free(&ca);
	struct pair_out o = { 0 };
	struct kc_jw w;
	if (!rc && json) {
		kc_jw_init(&w, stdout);
		kc_jw_obj_begin(&w);
		kc_jw_schema(&w, "migrate-check", 1);
		kc_jw_kv_str(&w, "cpu", kvmcpu_config_cpu(cfg));
		kc_jw_kv_str(&w, "hv", kvmcpu_config_hv(cfg));
		kc_jw_kv_bool(&w, "nested", kvmcpu_config_nested(cfg));
		kc_jw_key(&w, "pairs");
		kc_jw_arr_begin(&w);
		o.w = &w;
	}
	if (!rc && pair) {
		struct kvmcpu_host *a = NULL, *b = NULL;
		rc = cli_host_set_load("migrate-check", set, 0, &a);
		if (!rc)
			rc = cli_host_set_load("migrate-check", set, 1, &b);
		if (!rc)
			rc = check_pair(cfg, a, b, &o);
		kvmcpu_host_free(a);
		kvmcpu_host_free(b);
	} else if (!rc) {
		rc = check_all(cfg, set, &o);
	}
	if (!rc && json) {
		kc_jw_arr_end(&w);
		kc_jw_kv_bool(&w, "safe", o.unsafe == 0);
		kc_jw_obj_end(&w);
		kc_jw_end(&w);
	} else if (!rc && o.pairs > 1) {
		printf("\n%zu of %zu moves safe\n", o.pairs - o.unsafe, o.pairs);
	}
	kvmcpu_host_set_free(set);
	kvmcpu_config_free(cfg);
	return rc ? rc : o.unsafe ? EXIT_NEGATIVE : EXIT_OK;
}
