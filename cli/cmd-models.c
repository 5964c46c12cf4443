/* SPDX-License-Identifier: MIT */
/* kvmcpu models: every model, and whether the host runs it. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void usage(FILE *f)
{
	fprintf(f, "Usage: kvmcpu models [--host FILE] [--runnable] [--json]\n\n"
		   "Lists every CPU model with its vendor, family/model/stepping, its x86-64 psABI\n"
		   "level and the level it gives on this host (PSABI/HERE), and whether the host\n"
		   "can run it (or which of the model's features it lacks).\n\n"
		   "  --host FILE  a recorded host (JSON or text); default: this machine's /dev/kvm\n"
		   "  --runnable   list only the models the host runs\n"
		   "  --json       one JSON array of objects\n"
		   "  -h, --help   this text\n\n"
		   "Exit status: 0 when at least one model runs, 1 when none does, 2 bad input,\n"
		   "3 when /dev/kvm cannot be used.\n");
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
	struct jw w;
	jw_init(&w, stdout);
	jw_arr_begin(&w);
	for (size_t i = 0; i < n; i++) {
		const struct kvmcpu_model *m = rows[i].m;
		jw_obj_begin(&w);
		cli_json_model_identity(&w, m, m);
		jw_kv_str(&w, "psabi_on_host", *rows[i].psabi_here ? rows[i].psabi_here : NULL);
		jw_kv_bool(&w, "runnable", rows[i].runnable);
		jw_key(&w, "missing");
		jw_arr_begin_line(&w);
		char *save = NULL;
		for (char *t = strtok_r(rows[i].missing, " ", &save); t; t = strtok_r(NULL, " ", &save))
			jw_str(&w, t);
		jw_arr_end(&w);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_end(&w);
}

/* "x86-64-v2-AES" -> "v2-AES"; "" -> "-". */
static const char *short_level(const char *level)
{
	if (!*level)
		return "-";
	return strncmp(level, "x86-64-", 7) ? level : level + 7;
}

static void print_table(const struct row *rows, size_t n, size_t total,
			const struct kvmcpu_host *host)
{
	size_t ok = 0;
	printf("%-34s %-12s %6s %5s %4s  %-11s %s\n", "MODEL", "VENDOR", "FAMILY", "MODEL", "STEP",
	       "PSABI/HERE", "ON THIS HOST");
	for (size_t i = 0; i < n; i++) {
		const struct kvmcpu_model *m = rows[i].m;
		char name[64];
		if (kvmcpu_model_alias_of(m))
			snprintf(name, sizeof(name), "%s -> %s", kvmcpu_model_name(m),
				 kvmcpu_model_alias_of(m));
		else
			snprintf(name, sizeof(name), "%s", kvmcpu_model_name(m));
		char levels[32];
		snprintf(levels, sizeof(levels), "%s/%s", short_level(kvmcpu_model_psabi(m)),
			 short_level(rows[i].psabi_here));
		printf("%-34s %-12s %6u %5u %4u  %-11s %s%s\n", name, kvmcpu_model_vendor(m),
		       kvmcpu_model_family(m), kvmcpu_model_model(m), kvmcpu_model_stepping(m), levels,
		       rows[i].runnable ? "runnable" : "missing: ", rows[i].runnable ? "" : rows[i].missing);
		ok += rows[i].runnable;
	}
	printf("\n%zu of %zu models runnable on %s\n", ok, total, kvmcpu_host_origin(host));
}

int cmd_models(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "host", required_argument, NULL, 'H' },
		{ "json", no_argument, NULL, 'j' },
		{ "runnable", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *host_path = NULL;
	bool json = false, only_runnable = false;
	int c;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'H':
			host_path = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'r':
			only_runnable = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			return cli_usage("models", "unknown option");
		}
	}
	if (optind < argc)
		return cli_usage("models", "unexpected argument '%s'", argv[optind]);
	struct kvmcpu_host *host;
	int rc = cli_open_host("models", host_path, &host);
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
		print_table(rows, shown, n, host);
	free(rows);
	kvmcpu_host_free(host);
	return runnable ? EXIT_OK : EXIT_NEGATIVE;
}
