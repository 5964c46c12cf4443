/* SPDX-License-Identifier: MIT */
/* kvmcpu host diff: every difference between two host recordings. */
#include <stdio.h>

#include "cli.h"

static void usage(FILE *f)
{
	fprintf(f, "Usage: kvmcpu host diff [--json] A B\n\n"
		   "Every difference between two host recordings, grouped: CPUID features by\n"
		   "name, other CPUID fields, Hyper-V, capabilities, feature MSRs, the TSC\n"
		   "frequency, and vendor/kernel/module.\n\n"
		   "  --json        one JSON object\n"
		   "  -h, --help    this text\n\n"
		   "Exit status: 0 when they are the same, 1 when they differ, 2 bad input.\n");
}

static void print_text(const struct kvmcpu_diff_list *l, const char *a, const char *b)
{
	static const enum kvmcpu_diff_kind order[] = {
		KVMCPU_DIFF_FEATURE, KVMCPU_DIFF_CPUID, KVMCPU_DIFF_ADDRESS, KVMCPU_DIFF_HYPERV,
		KVMCPU_DIFF_CAP,     KVMCPU_DIFF_MSR,	KVMCPU_DIFF_TIME,    KVMCPU_DIFF_HOST,
	};
	printf("a: %s\nb: %s\n", a, b);
	for (size_t k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
		bool header = false;
		for (size_t i = 0; i < kvmcpu_diff_list_count(l); i++) {
			const struct kvmcpu_diff *d = kvmcpu_diff_list_at(l, i);
			if (d->kind != order[k])
				continue;
			if (!header)
				printf("\n%s:\n", kvmcpu_diff_kind_name(order[k]));
			header = true;
			printf("  %-34s a: %-18s b: %s\n", d->subject, *d->a ? d->a : "-",
			       *d->b ? d->b : "-");
		}
	}
	printf("\n%zu difference%s\n", kvmcpu_diff_list_count(l),
	       kvmcpu_diff_list_count(l) == 1 ? "" : "s");
}

int cmd_host_diff(int argc, char **argv)
{
	struct cli_cluster_args ca;
	int rc = cli_cluster_parse("host diff", 0, false, usage, argc, argv, &ca);
	if (rc)
		return rc == CLI_HELP_SHOWN ? EXIT_OK : rc;
	bool json = ca.a.json;
	int npaths = ca.npaths, ndirs = ca.ndirs;
	char **paths = ca.paths;
	cli_cluster_args_free(&ca);
	if (npaths != 2 || ndirs)
		return cli_usage("host diff", "give two host recordings, A and B");
	struct kvmcpu_host_set *set;
	rc = cli_host_set("host diff", paths, 2, NULL, 0, 2, &set);
	if (rc)
		return rc;
	struct kvmcpu_host *a = NULL, *b = NULL;
	rc = cli_host_set_load("host diff", set, 0, &a);
	if (!rc)
		rc = cli_host_set_load("host diff", set, 1, &b);
	struct kvmcpu_diff_list *l = NULL;
	struct kvmcpu_error err;
	kvmcpu_error_clear(&err);
	if (!rc && kvmcpu_host_diff(a, b, &l, &err))
		rc = cli_report("host diff", &err, EXIT_HOST);
	if (!rc && json) {
		struct kc_jw w;
		kc_jw_init(&w, stdout);
		kc_jw_obj_begin(&w);
		kc_jw_schema(&w, "host-diff", 1);
		kc_jw_kv_str(&w, "a", kvmcpu_host_set_path(set, 0));
		kc_jw_kv_str(&w, "b", kvmcpu_host_set_path(set, 1));
		kc_jw_kv_bool(&w, "same", kvmcpu_diff_list_count(l) == 0);
		kc_jw_key(&w, "differences");
		kc_jw_arr_begin(&w);
		for (size_t i = 0; i < kvmcpu_diff_list_count(l); i++)
			cli_json_diff(&w, kvmcpu_diff_list_at(l, i));
		kc_jw_arr_end(&w);
		kc_jw_obj_end(&w);
		kc_jw_end(&w);
	} else if (!rc) {
		print_text(l, kvmcpu_host_set_path(set, 0), kvmcpu_host_set_path(set, 1));
	}
	if (!rc && kvmcpu_diff_list_count(l))
		rc = EXIT_NEGATIVE;
	kvmcpu_diff_list_free(l);
	kvmcpu_host_free(a);
	kvmcpu_host_free(b);
	kvmcpu_host_set_free(set);
	return rc;
}
