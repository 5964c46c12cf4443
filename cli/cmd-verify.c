/* SPDX-License-Identifier: MIT */
/* kvmcpu verify: prove models on this host with the probe guest, one VM each. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "probe-print.h"

#define CMD "verify"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: kvmcpu verify (--all | --cpu SPEC...) [--hv SPEC] [--nested] [--strict]\n"
		"                     [--timeout MS] [--dev PATH] [--json]\n"
		"\n"
		"Runs the probe guest for every given model (--all: every model name and psABI\n"
		"level) on this host, one VM each, and compares what the guest saw with the\n"
		"resolved table. The host is calibrated once first (the host's own table, then\n"
		"inverted): bits it does not honour are reported as host-forced, not mismatches.\n"
		"\n"
		"  --all            every model name and x86-64 psABI level\n"
		"  --cpu SPEC       a CPU model spec; repeatable\n"
		"  --hv SPEC        Hyper-V enlightenments spec for every model\n"
		"  --nested         let the guests run their own hypervisor\n"
		"  --strict         also fail models whose host-forced bits differ from the table\n"
		"  --timeout MS     per guest run (default 2000)\n"
		"  --dev PATH       the KVM device (default /dev/kvm)\n"
		"  --json           machine-readable detail\n"
		"\n"
		"Exit status: 0 every model proven, 1 a model failed, 2 bad input, 3 no usable KVM\n"
		"or a guest failed to run.\n");
}

struct verify_opts {
	bool all, nested, strict, json;
	const char *hv, *dev;
	unsigned timeout_ms;
	const char **cpus;
	size_t ncpus;
};

struct outcome {
	const char *name;
	bool passed;
	unsigned forced, mismatch;
	char error[600];
	int exit_code;
	struct kvmcpu_probe_report *rep;
};

static int parse(int argc, char **argv, struct verify_opts *o)
{
	static const struct option longopts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "cpu", required_argument, NULL, 'c' },
		{ "hv", required_argument, NULL, 'H' },
		{ "nested", no_argument, NULL, 'n' },
		{ "strict", no_argument, NULL, 's' },
		{ "timeout", required_argument, NULL, 't' },
		{ "dev", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (c) {
		case 'a': o->all = true; break;
		case 'c': o->cpus[o->ncpus++] = optarg; break;
		case 'H': o->hv = optarg; break;
		case 'n': o->nested = true; break;
		case 's': o->strict = true; break;
		case 'd': o->dev = optarg; break;
		case 'j': o->json = true; break;
		case 'h': usage(stdout); return -1;
		case 't':
			if (!pp_parse_ms(optarg, &o->timeout_ms))
				return cli_usage(CMD, "--timeout '%s' is not a number of milliseconds "
						 "between 1 and 600000", optarg);
			break;
		default: return cli_usage(CMD, "unknown option");
		}
	}
	if (optind < argc)
		return cli_usage(CMD, "unexpected argument '%s'", argv[optind]);
	if (o->all == (o->ncpus > 0))
		return cli_usage(CMD, "give either --all or one or more --cpu SPEC");
	if (o->all) {
		o->ncpus = 0;
		for (size_t i = 0; i < kvmcpu_model_count(); i++)
			o->cpus[o->ncpus++] = kvmcpu_model_name(kvmcpu_model_at(i));
	}
	return 0;
}

static int resolve_spec(const char *cpu, const struct verify_opts *o,
			const struct kvmcpu_host *host, struct kvmcpu_result **res,
			struct kvmcpu_error *err)
{
	struct kvmcpu_config *cfg = NULL;
	int rc = kvmcpu_config_new(&cfg, err);
	if (!rc)
		rc = kvmcpu_config_set_cpu(cfg, cpu, err);
	if (!rc && o->hv)
		rc = kvmcpu_config_set_hv(cfg, o->hv, err);
	if (!rc) {
		kvmcpu_config_set_nested(cfg, o->nested);
		rc = kvmcpu_resolve(cfg, host, res, err);
	}
	kvmcpu_config_free(cfg);
	return rc;
}

static void prove(struct outcome *out, const struct verify_opts *o,
		  const struct kvmcpu_host *host, const struct kvmcpu_probe_calibration *cal)
{
	struct kvmcpu_error err;
	struct kvmcpu_result *res = NULL;
	kvmcpu_error_clear(&err);
	if (resolve_spec(out->name, o, host, &res, &err)) {
		snprintf(out->error, sizeof(out->error), "%s", err.message);
		out->exit_code = EXIT_USAGE;
		return;
	}
	struct kvmcpu_probe_opts po = { .sz = sizeof(po), .dev_path = o->dev,
					.timeout_ms = o->timeout_ms, .calibration = cal };
	int rc = kvmcpu_probe_run(res, &po, &out->rep, &err);
	kvmcpu_result_free(res);
	if (rc) {
		snprintf(out->error, sizeof(out->error), "%s", err.message);
		out->exit_code = EXIT_HOST;
		return;
	}
	out->forced = kvmcpu_probe_forced_bits(out->rep);
	out->mismatch = kvmcpu_probe_mismatch_bits(out->rep);
	out->passed = kvmcpu_probe_passed(out->rep, o->strict);
	out->exit_code = out->passed ? EXIT_OK : EXIT_NEGATIVE;
}

static void print_calibration(const struct kvmcpu_probe_calibration *cal)
{
	char names[1024];
	unsigned bits = 0;
	for (size_t i = 0; i < kvmcpu_probe_calibration_count(cal); i++)
		bits += (unsigned)__builtin_popcount(kvmcpu_probe_calibration_at(cal, i)->unhonoured);
	printf("Calibration: %u bits of this host do not follow the table (host-forced):\n", bits);
	for (size_t i = 0; i < kvmcpu_probe_calibration_count(cal); i++) {
		const struct kvmcpu_probe_cal_reg *c = kvmcpu_probe_calibration_at(cal, i);
		if (!c->unhonoured)
			continue;
		pp_bit_names(c->function, c->index, c->reg, c->unhonoured, names, sizeof(names));
		printf("  0x%08x.%x %s (0x%08x): %s\n", c->function, c->index,
		       cli_reg_name(c->reg), c->unhonoured, names);
	}
	printf("\n");
}

static void print_mismatches(const struct outcome *out)
{
	char names[512];
	for (size_t i = 0; i < kvmcpu_probe_row_count(out->rep); i++) {
		const struct kvmcpu_probe_row *row = kvmcpu_probe_row_at(out->rep, i);
		if (!row->mismatch)
			continue;
		pp_bit_names(row->function, row->index, row->reg, row->mismatch, names,
			     sizeof(names));
		printf("    0x%08x.%x %s: configured 0x%08x, seen 0x%08x (%s)\n", row->function,
		       row->index, cli_reg_name(row->reg), row->configured, row->seen, names);
	}
	for (size_t i = 0; i < kvmcpu_probe_msr_count(out->rep); i++) {
		const struct kvmcpu_probe_msr *m = kvmcpu_probe_msr_at(out->rep, i);
		if (m->planned && !m->refused && (!m->readable || m->value != m->expected))
			printf("    MSR 0x%x: planned 0x%llx, guest %s 0x%llx\n", m->index,
			       (unsigned long long)m->expected, m->readable ? "read" : "got #GP",
			       (unsigned long long)m->value);
	}
}

static void print_human(const struct outcome *v, size_t n, double ms, unsigned proven,
			unsigned with_forced)
{
	printf("%-34s %-8s %7s %9s\n", "MODEL", "RESULT", "FORCED", "MISMATCH");
	for (size_t i = 0; i < n; i++) {
		if (v[i].error[0]) {
			printf("%-34s %-8s %s\n", v[i].name, "ERROR", v[i].error);
			continue;
		}
		printf("%-34s %-8s %7u %9u\n", v[i].name, v[i].passed ? "proven" : "FAILED",
		       v[i].forced, v[i].mismatch);
		if (v[i].mismatch)
			print_mismatches(&v[i]);
	}
	printf("\nSummary: %u of %zu models proven, %zu failed; %u with host-forced bits "
	       "(reported, not failures); %.2f s (%.1f ms per model).\n", proven, n,
	       n - proven, with_forced, ms / 1e3, n ? ms / (double)n : 0.0);
}

static void print_json(const struct outcome *v, size_t n, const struct kvmcpu_probe_calibration *cal,
		       const struct verify_opts *o, double ms, unsigned proven)
{
	struct jw w;
	jw_init(&w, stdout);
	jw_obj_begin(&w);
	jw_kv_u64(&w, "models", n);
	jw_kv_u64(&w, "proven", proven);
	jw_kv_bool(&w, "strict", o->strict);
	jw_kv_u64(&w, "elapsed_ms", (uint64_t)(ms + 0.5));
	jw_key(&w, "host_forced");
	pp_json_calibration(&w, cal);
	jw_key(&w, "results");
	jw_arr_begin(&w);
	for (size_t i = 0; i < n; i++) {
		jw_obj_begin(&w);
		jw_kv_str(&w, "cpu", v[i].name);
		jw_kv_bool(&w, "passed", v[i].passed);
		jw_kv_str(&w, "error", v[i].error[0] ? v[i].error : NULL);
		jw_kv_u64(&w, "forced_bits", v[i].forced);
		jw_kv_u64(&w, "mismatch_bits", v[i].mismatch);
		jw_key(&w, "differences");
		jw_arr_begin(&w);
		for (size_t r = 0; r < kvmcpu_probe_row_count(v[i].rep); r++) {
			const struct kvmcpu_probe_row *row = kvmcpu_probe_row_at(v[i].rep, r);
			if (row->forced || row->mismatch)
				pp_json_row(&w, row);
		}
		jw_arr_end(&w);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_obj_end(&w);
	jw_end(&w);
}

/* One calibration for the whole sweep, from the host's own table. */
static int calibrate(const struct verify_opts *o, const struct kvmcpu_host *host,
		     struct kvmcpu_probe_calibration **cal)
{
	struct kvmcpu_error err;
	struct kvmcpu_result *base = NULL;
	kvmcpu_error_clear(&err);
	int rc = resolve_spec("host", o, host, &base, &err);
	if (rc)
		return cli_report(CMD, &err, EXIT_USAGE);
	struct kvmcpu_probe_opts po = { .sz = sizeof(po), .dev_path = o->dev,
					 .timeout_ms = o->timeout_ms };
	rc = kvmcpu_probe_calibrate(base, &po, cal, &err);
	kvmcpu_result_free(base);
	return rc ? cli_report(CMD, &err, EXIT_HOST) : EXIT_OK;
}

static int sweep(const struct verify_opts *o, const struct kvmcpu_host *host)
{
	struct kvmcpu_probe_calibration *cal = NULL;
	double t0 = cli_now_ms();
	int rc = calibrate(o, host, &cal);
	if (rc)
		return rc;
	struct outcome *v = calloc(o->ncpus ? o->ncpus : 1, sizeof(*v));
	if (!v) {
		kvmcpu_probe_calibration_free(cal);
		return EXIT_HOST;
	}
	unsigned proven = 0, with_forced = 0;
	for (size_t i = 0; i < o->ncpus; i++) {
		v[i].name = o->cpus[i];
		prove(&v[i], o, host, cal);
		proven += v[i].passed;
		with_forced += v[i].forced > 0;
		if (v[i].exit_code > rc)
			rc = v[i].exit_code;
	}
	double ms = cli_now_ms() - t0;
	if (o->json) {
		print_json(v, o->ncpus, cal, o, ms, proven);
	} else {
		print_calibration(cal);
		print_human(v, o->ncpus, ms, proven, with_forced);
	}
	for (size_t i = 0; i < o->ncpus; i++)
		kvmcpu_probe_report_free(v[i].rep);
	free(v);
	kvmcpu_probe_calibration_free(cal);
	return rc;
}

int cmd_verify(int argc, char **argv)
{
	struct verify_opts o = { .cpus = calloc((size_t)argc + kvmcpu_model_count() + 1,
						 sizeof(char *)) };
	if (!o.cpus)
		return EXIT_HOST;
	int rc = parse(argc, argv, &o);
	if (rc) {
		free(o.cpus);
		return rc < 0 ? EXIT_OK : rc;
	}
	struct kvmcpu_host *host = NULL;
	rc = pp_open_live(CMD, o.dev, &host);
	if (!rc)
		rc = sweep(&o, host);
	kvmcpu_host_free(host);
	free(o.cpus);
	return rc;
}
