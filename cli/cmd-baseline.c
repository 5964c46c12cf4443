/* SPDX-License-Identifier: MIT */
/* kvmcpu baseline: what a cluster should configure, proven on every host. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: kvmcpu baseline [--hv SPEC] [--nested] [--json] HOST... | --hosts DIR\n\n"
		"The CPU a whole cluster can give its guests, from host recordings:\n"
		"  model      the newest named model that runs unchanged on every host\n"
		"  spec       a base model and the fewest +feature/+no_feature modifiers that\n"
		"             expose every feature all hosts share\n"
		"  psabi      the highest x86-64 psABI level every host runs\n"
		"  phys-bits  the smallest physical address width (pin it in the VMM)\n"
		"  hv         with --hv (or --nested): the Hyper-V flags every host supports,\n"
		"             pinned as an explicit spec\n"
		"  ladder     each newer model, with the hosts and features that rule it out\n"
		"Hosts of different vendors get a vendor-neutral answer, and a note says why.\n"
		"Every answer is resolved on every host before it is printed: it must drop\n"
		"nothing, and all hosts must give the same guest table.\n\n"
		"  --hv SPEC     the guests' Hyper-V spec (docs/hyperv-enlightenments.md)\n"
		"  --nested      the guests run their own hypervisor (nested_virt)\n"
		"  --hosts DIR   every *.json and *.txt recording in DIR (repeatable)\n"
		"  --json        one JSON object\n"
		"  -h, --help    this text\n\n"
		"Exit status: 0 answered and proven, 1 no model runs everywhere or the proof\n"
		"failed, 2 bad input.\n");
}

/* Streams the set through @step, one host in memory at a time. */
static int each_host(const struct kvmcpu_host_set *set, struct kvmcpu_baseline *b,
		     int (*step)(struct kvmcpu_baseline *, const struct kvmcpu_host *,
				 struct kvmcpu_error *))
{
	for (size_t i = 0; i < kvmcpu_host_set_count(set); i++) {
		struct kvmcpu_host *host;
		int rc = cli_host_set_load("baseline", set, i, &host);
		if (rc)
			return rc;
		struct kvmcpu_error err;
		kvmcpu_error_clear(&err);
		rc = step(b, host, &err);
		kvmcpu_host_free(host);
		/* A host that cannot give the guests' Hyper-V spec or nesting is a "no". */
		if (rc)
			return cli_report("baseline", &err,
					  err.code == -EOPNOTSUPP /* Linux's ENOTSUP */
						  ? EXIT_NEGATIVE
						  : cli_exit_for(err.code));
	}
	return EXIT_OK;
}

/* Each item of a @sep-separated list as a JSON string. */
static void json_list(struct kc_jw *w, const char *list, char sep)
{
	kc_jw_arr_begin_line(w);
	while (*list) {
		const char *end = strchr(list, sep);
		size_t len = end ? (size_t)(end - list) : strlen(list);
		char item[512];
		snprintf(item, sizeof(item), "%.*s", (int)len, list);
		kc_jw_str(w, item);
		list += len + (end != NULL);
	}
	kc_jw_arr_end(w);
}

static void print_ladder_text(const struct kvmcpu_baseline *b)
{
	if (!kvmcpu_baseline_rung_count(b))
		return;
	printf("\nladder (newer models, and what rules each out):\n");
	for (size_t i = 0; i < kvmcpu_baseline_rung_count(b); i++) {
		const struct kvmcpu_rung *r = kvmcpu_baseline_rung_at(b, i);
		printf("  %-26s %zu host%s (", r->model, r->nhosts, r->nhosts == 1 ? "" : "s");
		for (const char *h = r->hosts; *h; h++)
			putchar(*h == '\n' ? ' ' : *h);
		printf("%s): %s\n", r->nhosts > 3 ? " ..." : "", r->features);
	}
}

static void print_text(const struct kvmcpu_baseline *b)
{
	const char *vendor = kvmcpu_baseline_vendor(b);
	printf("hosts      %zu (%s)\n", kvmcpu_baseline_host_count(b),
	       *vendor ? vendor : "mixed vendors");
	printf("model      %s\nspec       %s\npsabi      %s\nphys-bits  %u\n",
	       kvmcpu_baseline_model(b), kvmcpu_baseline_spec(b),
	       *kvmcpu_baseline_psabi(b) ? kvmcpu_baseline_psabi(b) : "-",
	       kvmcpu_baseline_phys_bits(b));
	if (kvmcpu_baseline_hv(b))
		printf("hv         %s\n", kvmcpu_baseline_hv(b));
	printf("proof      resolved on all %zu hosts: nothing dropped, the same guest table\n",
	       kvmcpu_baseline_host_count(b));
	for (size_t i = 0; i < kvmcpu_baseline_note_count(b); i++)
		printf("note: %s\n", kvmcpu_baseline_note_at(b, i));
	print_ladder_text(b);
}

static void print_json(const struct kvmcpu_baseline *b, bool proven)
{
	struct kc_jw w;
	kc_jw_init(&w, stdout);
	kc_jw_obj_begin(&w);
	kc_jw_schema(&w, "baseline", 1);
	kc_jw_kv_u64(&w, "host_count", kvmcpu_baseline_host_count(b));
	const char *vendor = kvmcpu_baseline_vendor(b);
	kc_jw_kv_str(&w, "vendor", *vendor ? vendor : NULL);
	kc_jw_kv_bool(&w, "vendor_neutral", !*vendor);
	kc_jw_kv_str(&w, "model", *kvmcpu_baseline_model(b) ? kvmcpu_baseline_model(b) : NULL);
	kc_jw_kv_str(&w, "spec", *kvmcpu_baseline_spec(b) ? kvmcpu_baseline_spec(b) : NULL);
	kc_jw_kv_str(&w, "psabi", *kvmcpu_baseline_psabi(b) ? kvmcpu_baseline_psabi(b) : NULL);
	kc_jw_kv_u64(&w, "phys_bits", kvmcpu_baseline_phys_bits(b));
	kc_jw_kv_str(&w, "hv", kvmcpu_baseline_hv(b));
	kc_jw_kv_bool(&w, "proven", proven);
	kc_jw_key(&w, "notes");
	kc_jw_arr_begin(&w);
	for (size_t i = 0; i < kvmcpu_baseline_note_count(b); i++)
		kc_jw_str(&w, kvmcpu_baseline_note_at(b, i));
	kc_jw_arr_end(&w);
	kc_jw_key(&w, "ladder");
	kc_jw_arr_begin(&w);
	for (size_t i = 0; i < kvmcpu_baseline_rung_count(b); i++) {
		const struct kvmcpu_rung *r = kvmcpu_baseline_rung_at(b, i);
		kc_jw_obj_begin(&w);
		kc_jw_kv_str(&w, "model", r->model);
		kc_jw_kv_u64(&w, "host_count", r->nhosts);
		kc_jw_key(&w, "hosts");
		json_list(&w, r->hosts, '\n');
		kc_jw_key(&w, "features");
		json_list(&w, r->features, ' ');
		kc_jw_obj_end(&w);
	}
	kc_jw_arr_end(&w);
	kc_jw_obj_end(&w);
	kc_jw_end(&w);
}

static int run_baseline(const struct kvmcpu_config *cfg, const struct kvmcpu_host_set *set,
			bool json)
{
	struct kvmcpu_error err;
	struct kvmcpu_baseline *b;
	kvmcpu_error_clear(&err);
	if (kvmcpu_baseline_new(cfg, &b, &err))
		return cli_report("baseline", &err, cli_exit_for(err.code));
	int rc = each_host(set, b, kvmcpu_baseline_add);
	if (!rc && kvmcpu_baseline_solve(b, &err)) {
		/* No model at all: the ladder is the answer. */
		rc = cli_report("baseline", &err, err.code == -ENOENT ? EXIT_NEGATIVE : EXIT_USAGE);
		if (rc == EXIT_NEGATIVE)
			json ? print_json(b, false) : print_ladder_text(b);
	} else if (!rc) {
		/* The copies kept while adding spare a second parse; without them, read again. */
		int r = kvmcpu_baseline_prove_all(b, &err);
		if (r == -ENODATA)
			rc = each_host(set, b, kvmcpu_baseline_prove);
		else if (r)
			rc = cli_report("baseline", &err, cli_exit_for(r));
		if (!rc && kvmcpu_baseline_proven(b, &err))
			rc = cli_report("baseline", &err, EXIT_NEGATIVE);
		else if (!rc)
			json ? print_json(b, true) : print_text(b);
	}
	kvmcpu_baseline_free(b);
	return rc;
}

int cmd_baseline(int argc, char **argv)
{
	struct cli_cluster_args ca;
	int rc = cli_cluster_parse("baseline", CLI_OPT_HV | CLI_OPT_NESTED, false, usage, argc,
				   argv, &ca);
	if (rc)
		return rc == CLI_HELP_SHOWN ? EXIT_OK : rc;
	struct kvmcpu_config *cfg = NULL;
	struct kvmcpu_host_set *set = NULL;
	rc = cli_make_config("baseline", &ca.a, &cfg);
	if (!rc)
		rc = cli_host_set("baseline", ca.paths, ca.npaths, ca.dirs, ca.ndirs, 1, &set);
	if (!rc)
		rc = run_baseline(cfg, set, ca.a.json);
	cli_cluster_args_free(&ca);
	kvmcpu_host_set_free(set);
	kvmcpu_config_free(cfg);
	return rc;
}
