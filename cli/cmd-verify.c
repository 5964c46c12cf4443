/* SPDX-License-Identifier: MIT */
/* kvmcpu verify: prove models on this host with the probe guest, one VM each. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "probe-print.h"

#define CMD "verify"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: kvmcpu verify (--all | --cpu SPEC...) [--hv SPEC] [--nested] [--smp SPEC]\n"
		"                     [--strict] [--timeout MS] [--dev PATH] [--json]\n"
		"\n"
		"Runs the probe guest for every given model (--all: every model name and psABI\n"
		"level) on this host, one VM each, and compares what the guest saw with the\n"
		"resolved table. The host is calibrated once first (the host's own table, then\n"
		"inverted): bits it does not honour are reported as host-forced, not mismatches.\n"
		"Two answers per model: PROVEN, the guest saw exactly the table set; RUNNABLE,\n"
		"the table is the model unchanged (the host lacks none of its features). A\n"
		"proven model that is not runnable ran without the features listed.\n"
		"\n"
		"  --all            every model name and x86-64 psABI level\n"
		"  --cpu SPEC       a CPU model spec; repeatable\n"
		"  --hv SPEC        Hyper-V enlightenments spec for every model\n"
		"  --nested         let the guests run their own hypervisor; without --hv this\n"
		"                   implies hv=windows (with a warning); --hv none avoids it\n"
		"  --smp SPEC       the vCPU topology, passed on as smp=SPEC\n"
		"  --strict         also fail models whose host-forced bits differ from the table\n"
		"  --timeout MS     per guest run (default 2000)\n"
		"  --dev PATH       the KVM device (default /dev/kvm)\n"
		"  --json           machine-readable detail\n"
		"\n"
		"Exit status: 0 every model proven, 1 a model failed, 2 bad input (checked before\n"
		"any guest runs), 3 no usable KVM or a guest failed to run, 4 the output could not\n"
		"be written.\n");
}

struct verify_opts {
	struct cli_args a;
	bool all, strict;
	const char *dev;
	unsigned timeout_ms;
	const char **cpus;
	size_t ncpus;
	struct kvmcpu_config **cfgs; /* one per cpu, built before any guest runs */
};

struct outcome {
	const char *name;
	bool proven, runnable;
	unsigned forced, mismatch;
	char dropped[1024];
	char error[600];
	int exit_code;
	struct kvmcpu_probe_report *rep;
};

static int verify_option(void *ctx, int key, const char *arg)
{
	struct verify_opts *o = ctx;
	switch (key) {
	case 'a':
		o->all = true;
		return 0;
	case 's':
		o->strict = true;
		return 0;
	case 'd':
		o->dev = arg;
		return 0;
	case CLI_KEY_CPU:
		if (!*arg)
			return cli_usage(CMD, "--cpu needs a value, not ''");
		o->cpus[o->ncpus++] = arg;
		return 0;
	case 't':
		if (!pp_parse_ms(arg, &o->timeout_ms))
			return cli_usage(CMD,
					 "--timeout '%s' is not a number of milliseconds "
					 "between 1 and 600000",
					 arg);
		return 0;
	}
	return EXIT_USAGE;
}

/*
 * Every spec becomes a config before the host is touched: a misspelt model fails
 * at once, with its did-you-mean, not after the calibration.
 */
static int make_configs(struct verify_opts *o)
{
	o->cfgs = calloc(o->ncpus + 1, sizeof(*o->cfgs));
	if (!o->cfgs)
		return cli_usage(CMD, "out of memory");
	struct cli_args a = o->a;
	for (size_t i = 0; i <= o->ncpus; i++) {
		/* The last one is the host's own table, for the calibration. */
		a.cpu = i < o->ncpus ? o->cpus[i] : "host";
		int rc = cli_make_config(CMD, &a, &o->cfgs[i]);
		if (rc)
			return rc;
	}
	return 0;
}

static void free_configs(struct verify_opts *o)
{
	for (size_t i = 0; o->cfgs && i <= o->ncpus; i++)
		kvmcpu_config_free(o->cfgs[i]);
	free(o->cfgs);
}

static int parse(int argc, char **argv, struct verify_opts *o)
{
	static const struct cli_opt own[] = {
		{ "all", no_argument, 'a', false },
		{ "strict", no_argument, 's', false },
		{ "timeout", required_argument, 't', false },
		{ "dev", required_argument, 'd', false },
		{ 0 },
	};
	const struct cli_parser p = {
		.cmd = CMD,
		.shared = CLI_OPT_CPU | CLI_OPT_HV | CLI_OPT_NESTED | CLI_OPT_SMP | CLI_OPT_JSON |
			  CLI_OPT_HELP,
		.shared_repeatable = CLI_OPT_CPU,
		.own = own,
		.on_option = verify_option,
		.ctx = o,
		.usage = usage,
	};
	int rc = cli_parse(&p, argc, argv, &o->a, NULL);
	if (rc)
		return rc;
	if (o->dev && !*o->dev)
		return cli_usage(CMD, "--dev needs a path, not ''");
	if (o->all == (o->ncpus > 0))
		return cli_usage(CMD, "give either --all or one or more --cpu SPEC");
	if (o->all) {
		o->ncpus = 0;
		for (size_t i = 0; i < kvmcpu_model_count(); i++)
			o->cpus[o->ncpus++] = kvmcpu_model_name(kvmcpu_model_at(i));
	}
	return make_configs(o);
}

static void prove(struct outcome *out, const struct kvmcpu_config *cfg, const struct verify_opts *o,
		  const struct kvmcpu_host *host, const struct kvmcpu_probe_calibration *cal)
{
	struct kvmcpu_error err;
	struct kvmcpu_result *res = NULL;
	kvmcpu_error_clear(&err);
	if (kvmcpu_resolve(cfg, host, &res, &err)) {
		snprintf(out->error, sizeof(out->error), "%s", err.message);
		out->exit_code = cli_exit_for(err.code);
		return;
	}
	out->runnable = cli_dropped(res, out->dropped, sizeof(out->dropped)) == 0;
	struct kvmcpu_probe_opts po = { .sz = sizeof(po),
					.dev_path = o->dev,
					.timeout_ms = o->timeout_ms,
					.calibration = cal };
	int rc = kvmcpu_probe_run(res, &po, &out->rep, &err);
	kvmcpu_result_free(res);
	if (rc) {
		snprintf(out->error, sizeof(out->error), "%s", err.message);
		out->exit_code = EXIT_HOST;
		return;
	}
	out->forced = kvmcpu_probe_forced_bits(out->rep);
	out->mismatch = kvmcpu_probe_mismatch_bits(out->rep);
	out->proven = kvmcpu_probe_passed(out->rep, o->strict);
	out->exit_code = out->proven ? EXIT_OK : EXIT_NEGATIVE;
}

static void print_calibration(const struct kvmcpu_probe_calibration *cal)
{
	char names[1024];
	unsigned bits = 0;
	for (size_t i = 0; i < kvmcpu_probe_calibration_count(cal); i++)
		bits += (unsigned)__builtin_popcount(
			kvmcpu_probe_calibration_at(cal, i)->unhonoured);
	printf("Calibration: %u bits of this host do not follow the table (host-forced):\n", bits);
	for (size_t i = 0; i < kvmcpu_probe_calibration_count(cal); i++) {
		const struct kvmcpu_probe_cal_reg *c = kvmcpu_probe_calibration_at(cal, i);
		if (!c->unhonoured)
			continue;
		pp_bit_names(c->function, c->index, c->reg, c->unhonoured, names, sizeof(names));
		printf("  0x%08x.%x %s (0x%08x): %s\n", c->function, c->index, cli_reg_name(c->reg),
		       c->unhonoured, names);
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
			unsigned runnable, unsigned with_forced)
{
	char tame[sizeof(v->error) * 4];
	printf("%-34s %-8s %-9s %7s %9s  %s\n", "MODEL", "PROVEN", "RUNNABLE", "FORCED", "MISMATCH",
	       "DROPPED (features of the model this host lacks)");
	for (size_t i = 0; i < n; i++) {
		if (v[i].error[0]) {
			printf("%-34s %-8s %s\n", v[i].name, "ERROR",
			       cli_tame(v[i].error, tame, sizeof(tame)));
			continue;
		}
		printf("%-34s %-8s %-9s %7u %9u  %s\n", v[i].name,
		       v[i].proven ? "proven" : "FAILED", v[i].runnable ? "yes" : "no", v[i].forced,
		       v[i].mismatch, v[i].runnable ? "-" : v[i].dropped);
		if (v[i].mismatch)
			print_mismatches(&v[i]);
	}
	printf("\nSummary: %u of %zu proven (the guest saw exactly the table set); %u of %zu runnable "
	       "here unchanged (no feature dropped); %zu failed; %u with host-forced bits "
	       "(reported, not failures); %.2f s (%.1f ms per model).\n",
	       proven, n, runnable, n, n - proven, with_forced, ms / 1e3, n ? ms / (double)n : 0.0);
	if (runnable < n)
		printf("Proven is not runnable: a proven model that is not runnable ran without the "
		       "features listed under DROPPED.\n");
}

static void print_json(const struct outcome *v, size_t n,
		       const struct kvmcpu_probe_calibration *cal, const struct verify_opts *o,
		       double ms, unsigned proven, unsigned runnable)
{
	struct kc_jw w;
	kc_jw_init(&w, stdout);
	kc_jw_obj_begin(&w);
	kc_jw_schema(&w, "verify", 1);
	kc_jw_kv_u64(&w, "models", n);
	kc_jw_kv_u64(&w, "proven", proven);
	kc_jw_kv_u64(&w, "runnable", runnable);
	kc_jw_kv_bool(&w, "strict", o->strict);
	kc_jw_kv_u64(&w, "elapsed_ms", (uint64_t)(ms + 0.5));
	kc_jw_key(&w, "host_forced");
	pp_json_calibration(&w, cal);
	kc_jw_key(&w, "results");
	kc_jw_arr_begin(&w);
	for (size_t i = 0; i < n; i++) {
		kc_jw_obj_begin(&w);
		kc_jw_kv_str(&w, "cpu", v[i].name);
		kc_jw_kv_bool(&w, "passed", v[i].proven);
		kc_jw_kv_bool(&w, "proven", v[i].proven);
		kc_jw_kv_bool(&w, "runnable", !v[i].error[0] && v[i].runnable);
		kc_jw_key(&w, "dropped");
		kc_jw_word_list(&w, v[i].dropped);
		kc_jw_kv_str(&w, "error", v[i].error[0] ? v[i].error : NULL);
		kc_jw_kv_u64(&w, "forced_bits", v[i].forced);
		kc_jw_kv_u64(&w, "mismatch_bits", v[i].mismatch);
		kc_jw_key(&w, "differences");
		kc_jw_arr_begin(&w);
		for (size_t r = 0; v[i].rep && r < kvmcpu_probe_row_count(v[i].rep); r++) {
			const struct kvmcpu_probe_row *row = kvmcpu_probe_row_at(v[i].rep, r);
			if (row->forced || row->mismatch)
				pp_json_row(&w, row);
		}
		kc_jw_arr_end(&w);
		kc_jw_obj_end(&w);
	}
	kc_jw_arr_end(&w);
	kc_jw_obj_end(&w);
	kc_jw_end(&w);
}

/* One calibration for the whole sweep, from the host's own table. */
static int calibrate(const struct verify_opts *o, const struct kvmcpu_host *host,
		     struct kvmcpu_probe_calibration **cal)
{
	struct kvmcpu_error err;
	struct kvmcpu_result *base = NULL;
	kvmcpu_error_clear(&err);
	int rc = kvmcpu_resolve(o->cfgs[o->ncpus], host, &base, &err);
	if (rc)
		return cli_report(CMD, &err, cli_exit_for(err.code));
	/* nested_virt without hv= implies hv=windows for every model: say so once. */
	for (size_t i = 0; i < kvmcpu_result_notice_count(base); i++)
		if (kvmcpu_result_notice_at(base, i)->kind == KVMCPU_NOTICE_WARNING &&
		    !strcmp(kvmcpu_result_notice_at(base, i)->subject, "hv"))
			fprintf(stderr, "warning: hv: %s\n",
				kvmcpu_result_notice_at(base, i)->reason);
	struct kvmcpu_probe_opts po = { .sz = sizeof(po),
					.dev_path = o->dev,
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
	unsigned proven = 0, runnable = 0, with_forced = 0;
	for (size_t i = 0; i < o->ncpus; i++) {
		v[i].name = o->cpus[i];
		prove(&v[i], o->cfgs[i], o, host, cal);
		proven += v[i].proven;
		runnable += !v[i].error[0] && v[i].runnable;
		with_forced += v[i].forced > 0;
		if (v[i].exit_code > rc)
			rc = v[i].exit_code;
	}
	double ms = cli_now_ms() - t0;
	if (o->a.json) {
		print_json(v, o->ncpus, cal, o, ms, proven, runnable);
	} else {
		print_calibration(cal);
		print_human(v, o->ncpus, ms, proven, runnable, with_forced);
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
	if (!rc) {
		struct kvmcpu_host *host = NULL;
		rc = pp_open_live(CMD, o.dev, &host);
		if (!rc)
			rc = sweep(&o, host);
		kvmcpu_host_free(host);
	}
	free_configs(&o);
	free(o.cpus);
	return rc == CLI_HELP_SHOWN ? EXIT_OK : rc;
}
