/* SPDX-License-Identifier: MIT */
/* kvmcpu models: every model, and whether the host runs it. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: kvmcpu models [--host FILE] [--runnable] [--json]\n\n"
		"Lists every CPU model with its vendor, family/model/stepping, its x86-64 psABI\n"
		"level (PSABI) and the level it gives on this host (PSABI HERE), and whether the\n"
		"host can run it (or which of the model's features it lacks).\n\n"
		"  --host FILE  a recorded host (JSON or text); default: this machine's /dev/kvm\n"
		"  --runnable   list only the models the host runs\n"
		"  --json       one JSON array of objects\n"
		"  -h, --help   this text\n\n"
		"Exit status: 0 when at least one model runs, 1 when none does, 2 bad input,\n"
		"3 when /dev/kvm cannot be used, 4 when the output could not be written.\n");
}

struct row {
	const struct kvmcpu_model *m;
	const char *psabi_here; /* the level the guest meets on this host */
	bool runnable;
	char missing[2048];
};

/*
 * A feature is missing when resolving the model drops it: the model's definition
 * and the rules every model gets on KVM (kvmclock and friends, x2apic), as
 * 'kvmcpu cpuid' lists them. On a raw CPUID dump the host layer has already
 * added what KVM itself offers (docs/host-format.md), so nothing is judged twice.
 */
static int check_model(const struct kvmcpu_host *host, struct row *row)
{
	struct kvmcpu_error err;
	struct kvmcpu_config *cfg = NULL;
	struct kvmcpu_result *r = NULL;
	kvmcpu_error_clear(&err);
	row->missing[0] = '\0';
	row->runnable = false;
	row->psabi_here = "";
	if (kvmcpu_config_new(&cfg, &err) ||
	    kvmcpu_config_set_cpu(cfg, kvmcpu_model_name(row->m), &err) ||
	    kvmcpu_resolve(cfg, host, &r, &err)) {
		kvmcpu_config_free(cfg);
		snprintf(row->missing, sizeof(row->missing), "%s", err.message);
		return -1;
	}
	size_t used = 0;
	for (size_t i = 0; i < kvmcpu_result_notice_count(r); i++) {
		const struct kvmcpu_notice *n = kvmcpu_result_notice_at(r, i);
		if (n->kind != KVMCPU_NOTICE_DROPPED)
			continue;
		size_t len = strlen(n->subject);
		if (used + len + 2 > sizeof(row->missing))
			continue;
		if (used)
			row->missing[used++] = ' ';
		memcpy(row->missing + used, n->subject, len + 1);
		used += len;
	}
	row->runnable = used == 0;
	row->psabi_here = kvmcpu_result_psabi(r);
	kvmcpu_result_free(r);
	kvmcpu_config_free(cfg);
	return 0;
}

static void print_json(struct row *rows, size_t n)
{
	struct kc_jw w;
	kc_jw_init(&w, stdout);
	kc_jw_obj_begin(&w);
	kc_jw_schema(&w, "models", 1);
	kc_jw_key(&w, "models");
	kc_jw_arr_begin(&w);
	for (size_t i = 0; i < n; i++) {
		const struct kvmcpu_model *m = rows[i].m;
		kc_jw_obj_begin(&w);
		cli_json_model_identity(&w, m, m);
		kc_jw_kv_str(&w, "psabi_on_host", *rows[i].psabi_here ? rows[i].psabi_here : NULL);
		kc_jw_kv_bool(&w, "runnable", rows[i].runnable);
		kc_jw_key(&w, "missing");
		kc_jw_arr_begin_line(&w);
		char *save = NULL;
		for (char *t = strtok_r(rows[i].missing, " ", &save); t;
		     t = strtok_r(NULL, " ", &save))
			kc_jw_str(&w, t);
		kc_jw_arr_end(&w);
		kc_jw_obj_end(&w);
	}
	kc_jw_arr_end(&w);
	kc_jw_obj_end(&w);
	kc_jw_end(&w);
}

/* The width of the last column: "missing:" lists wrap there, under their first feature. */
#define MISSING_WIDTH 64

static void display_name(const struct kvmcpu_model *m, char *buf, size_t len)
{
	if (kvmcpu_model_alias_of(m))
		snprintf(buf, len, "%s -> %s", kvmcpu_model_name(m), kvmcpu_model_alias_of(m));
	else
		snprintf(buf, len, "%s", kvmcpu_model_name(m));
}

/* "missing: a b c ..." from column @col on, wrapped under its first feature. */
static void print_missing(const char *missing, int col)
{
	const int indent = col + (int)strlen("missing: ");
	int at = indent;
	printf("missing:");
	for (const char *p = missing; *p;) {
		size_t n = strcspn(p, " ");
		if (at > indent && at + 1 + (int)n > col + MISSING_WIDTH) {
			printf("\n%*s", indent - 1, "");
			at = indent - 1;
		}
		printf(" %.*s", (int)n, p);
		at += 1 + (int)n;
		p += n;
		p += *p == ' ';
	}
	printf("\n");
}

static void print_table(const struct row *rows, size_t n, size_t total,
			const struct kvmcpu_host *host, bool recorded)
{
	size_t ok = 0;
	int width = (int)strlen("MODEL");
	char name[128], tame[1024];
	for (size_t i = 0; i < n; i++) {
		display_name(rows[i].m, name, sizeof(name));
		if ((int)strlen(name) > width)
			width = (int)strlen(name);
	}
	char where[1100];
	/* The column says whose host it is: a recording is not this machine. */
	snprintf(where, sizeof(where), recorded ? "ON HOST %s" : "ON THIS HOST",
		 cli_tame(kvmcpu_host_origin(host), tame, sizeof(tame)));
	printf("%-*s %-12s %6s %5s %4s  %-13s %-13s %s\n", width, "MODEL", "VENDOR", "FAMILY",
	       "MODEL", "STEP", "PSABI", "PSABI HERE", where);
	const int col = width + 1 + 12 + 1 + 6 + 1 + 5 + 1 + 4 + 2 + 13 + 1 + 13 + 1;
	for (size_t i = 0; i < n; i++) {
		const struct kvmcpu_model *m = rows[i].m;
		display_name(m, name, sizeof(name));
		const char *own = kvmcpu_model_psabi(m), *here = rows[i].psabi_here;
		printf("%-*s %-12s %6u %5u %4u  %-13s %-13s ", width, name, kvmcpu_model_vendor(m),
		       kvmcpu_model_family(m), kvmcpu_model_model(m), kvmcpu_model_stepping(m),
		       *own ? own : "-", *here ? here : "-");
		if (rows[i].runnable)
			printf("runnable\n");
		else
			print_missing(rows[i].missing, col);
		ok += rows[i].runnable;
	}
	printf("\n%zu of %zu models runnable on %s\n", ok, total, tame);
}

static int models_option(void *ctx, int key, const char *arg)
{
	(void)arg;
	if (key == 'r')
		*(bool *)ctx = true;
	return 0;
}

int cmd_models(int argc, char **argv)
{
	static const struct cli_opt own[] = { { "runnable", no_argument, 'r', false }, { 0 } };
	bool only_runnable = false;
	struct cli_args a;
	const struct cli_parser p = { .cmd = "models",
				      .shared = CLI_OPT_HOST | CLI_OPT_JSON | CLI_OPT_HELP,
				      .own = own,
				      .on_option = models_option,
				      .ctx = &only_runnable,
				      .usage = usage };
	int rc = cli_parse(&p, argc, argv, &a, NULL);
	if (rc)
		return rc == CLI_HELP_SHOWN ? EXIT_OK : rc;
	const char *host_path = a.host;
	bool json = a.json;
	struct kvmcpu_host *host;
	rc = cli_open_host("models", host_path, &host);
	if (rc)
		return rc;
	size_t n = kvmcpu_model_count(), runnable = 0;
	struct row *rows = calloc(n, sizeof(*rows));
	if (!rows) {
		kvmcpu_host_free(host);
		fprintf(stderr, "kvmcpu models: out of memory\n");
		return EXIT_HOST;
	}
	size_t shown = 0;
	for (size_t i = 0; i < n; i++) {
		rows[shown].m = kvmcpu_model_at(i);
		check_model(host, &rows[shown]);
		runnable += rows[shown].runnable;
		if (rows[shown].runnable || !only_runnable)
			shown++;
	}
	if (json)
		print_json(rows, shown);
	else
		print_table(rows, shown, n, host, host_path != NULL);
	free(rows);
	kvmcpu_host_free(host);
	return runnable ? EXIT_OK : EXIT_NEGATIVE;
}
