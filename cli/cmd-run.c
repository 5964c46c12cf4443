/* SPDX-License-Identifier: MIT */
/* kvmcpu run: apply a spec to a real vCPU and show what the probe guest sees. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "probe-print.h"

#define CMD "run"
#define MAX_MSRS 32

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: kvmcpu run [--cpu SPEC] [--hv SPEC] [--nested] [--smp SPEC] [--kvm PARAMS]\n"
		"                  [--strict] [--enforce] [--msr INDEX]... [--no-calibrate]\n"
		"                  [--timeout MS] [--dev PATH] [--json]\n"
		"\n"
		"Resolves the spec against this host, applies it to a fresh vCPU, runs the built-in\n"
		"probe guest and prints the CPUID table the guest saw beside the configured one.\n"
		"Calibration runs the guest again with the configured values inverted; bits that\n"
		"do not follow the table are reported as host-forced, apart from mismatches.\n"
		"\n"
		"  --cpu SPEC       CPU model spec (default: host)\n"
		"  --hv SPEC        Hyper-V enlightenments spec\n"
		"  --nested         let the guest run its own hypervisor; without --hv this\n"
		"                   implies hv=windows (with a warning); --hv none avoids it\n"
		"  --kvm PARAMS     \"cpu=..,hv=..,nested_virt\" (the other options add the parts\n"
		"                   it lacks; each part once)\n"
		"  --smp SPEC       the vCPU topology, passed on as smp=SPEC\n"
		"  --strict         also fail when host-forced bits differ from the table\n"
		"  --enforce        fail (exit 1) before running when the host lacks any feature\n"
		"                   of the model\n"
		"  --msr INDEX      an MSR for the guest to read (#GP is caught); repeatable\n"
		"  --no-calibrate   skip the calibration run (every difference is a mismatch)\n"
		"  --timeout MS     stop a guest that has not finished after MS ms (default 2000)\n"
		"  --dev PATH       the KVM device (default /dev/kvm)\n"
		"  --json           machine-readable output\n"
		"\n"
		"Verdict: PASS when the guest saw the table and no feature of the model was\n"
		"dropped; 'proven, NOT runnable unchanged' when features were dropped.\n"
		"\n"
		"Exit status: 0 every bit the host honours matches, 1 mismatch (or host-forced\n"
		"bits with --strict, or dropped features with --enforce, or a request this host\n"
		"cannot satisfy), 2 bad input, 3 no usable KVM or the guest failed, 4 the output\n"
		"could not be written.\n");
}

struct run_opts {
	struct cli_args a;
	const char *dev;
	bool strict, enforce, calibrate;
	unsigned timeout_ms;
	uint32_t msrs[MAX_MSRS];
	size_t nmsrs;
};

static int run_option(void *ctx, int key, const char *arg)
{
	struct run_opts *o = ctx;
	switch (key) {
	case 's':
		o->strict = true;
		return 0;
	case 'E':
		o->enforce = true;
		return 0;
	case 'N':
		o->calibrate = false;
		return 0;
	case 'd':
		o->dev = arg;
		return 0;
	case 't':
		if (!pp_parse_ms(arg, &o->timeout_ms))
			return cli_usage(CMD,
					 "--timeout '%s' is not a number of milliseconds "
					 "between 1 and 600000",
					 arg);
		return 0;
	case 'm': {
		uint64_t v;
		if (!cli_parse_number(arg, 0, UINT32_MAX, &v))
			return cli_usage(CMD, "--msr '%s' is not an MSR index", arg);
		if (o->nmsrs == MAX_MSRS)
			return cli_usage(CMD, "at most %d --msr options", MAX_MSRS);
		o->msrs[o->nmsrs++] = (uint32_t)v;
		return 0;
	}
	}
	return EXIT_USAGE;
}

static int parse(int argc, char **argv, struct run_opts *o)
{
	static const struct cli_opt own[] = {
		{ "strict", no_argument, 's', false },
		{ "enforce", no_argument, 'E', false },
		{ "msr", required_argument, 'm', true },
		{ "no-calibrate", no_argument, 'N', false },
		{ "timeout", required_argument, 't', false },
		{ "dev", required_argument, 'd', false },
		{ 0 },
	};
	const struct cli_parser p = {
		.cmd = CMD,
		.shared = CLI_OPT_CPU | CLI_OPT_HV | CLI_OPT_NESTED | CLI_OPT_SMP | CLI_OPT_KVM |
			  CLI_OPT_JSON | CLI_OPT_HELP,
		.own = own,
		.on_option = run_option,
		.ctx = o,
		.usage = usage,
	};
	int rc = cli_parse(&p, argc, argv, &o->a, NULL);
	if (rc)
		return rc;
	if (o->dev && !*o->dev)
		return cli_usage(CMD, "--dev needs a path, not ''");
	if (!o->a.cpu && !o->a.kvm)
		o->a.cpu = "host";
	return 0;
}

static const char *row_status(const struct kvmcpu_probe_row *const rows[4])
{
	uint32_t mismatch = 0, forced = 0, exempt = 0;
	for (int r = 0; r < 4; r++) {
		mismatch |= rows[r]->mismatch;
		forced |= rows[r]->forced;
		exempt |= (rows[r]->configured ^ rows[r]->seen) & rows[r]->ignored;
	}
	if (mismatch)
		return "MISMATCH";
	if (forced)
		return "host-forced";
	if (exempt)
		return "ok (rule)";
	return "ok";
}

/* The register labels sit over the columns of the rows below: 8 hex digits and a space each. */
static void print_table(const struct kvmcpu_probe_report *rep)
{
	printf("%-15s%-35s   %s\n", "", "configured", "seen by the guest");
	printf("%-15s%-9s%-9s%-9s%-8s   %-9s%-9s%-9s%-8s  %-4s %s\n", "leaf.subleaf", "eax", "ebx",
	       "ecx", "edx", "eax", "ebx", "ecx", "edx", "mark", "status");
	for (size_t i = 0; i + 3 < kvmcpu_probe_row_count(rep); i += 4) {
		const struct kvmcpu_probe_row *rows[4];
		for (int r = 0; r < 4; r++)
			rows[r] = kvmcpu_probe_row_at(rep, i + (size_t)r);
		char marks[5] = "    ";
		for (int r = 0; r < 4; r++)
			marks[r] = rows[r]->mismatch ? 'X' : rows[r]->forced ? 'F' : ' ';
		printf("%08x.%-3x%c  %08x %08x %08x %08x   %08x %08x %08x %08x  %s %s\n",
		       rows[0]->function, rows[0]->index, rows[0]->in_table ? ' ' : '*',
		       rows[0]->configured, rows[1]->configured, rows[2]->configured,
		       rows[3]->configured, rows[0]->seen, rows[1]->seen, rows[2]->seen,
		       rows[3]->seen, marks, row_status(rows));
	}
	printf("(* = past the table: a gap, a leaf beyond a range limit or the next subleaf;\n"
	       "   marks per register eax..edx: F host-forced, X mismatch)\n");
}

static void print_bits(const char *title, const struct kvmcpu_probe_report *rep, bool forced)
{
	bool any = false;
	char set[512], clear[512];
	for (size_t i = 0; i < kvmcpu_probe_row_count(rep); i++) {
		const struct kvmcpu_probe_row *row = kvmcpu_probe_row_at(rep, i);
		uint32_t bits = forced ? row->forced : row->mismatch;
		if (!bits)
			continue;
		if (!any)
			printf("\n%s\n", title);
		any = true;
		pp_bit_names(row->function, row->index, row->reg, bits & row->seen, set,
			     sizeof(set));
		pp_bit_names(row->function, row->index, row->reg, bits & ~row->seen, clear,
			     sizeof(clear));
		printf("  0x%08x.%x %s:", row->function, row->index, cli_reg_name(row->reg));
		if (set[0])
			printf(" guest sees set: %s;", set);
		if (clear[0])
			printf(" guest sees clear: %s;", clear);
		printf("\n");
	}
}

static void print_other_unhonoured(const struct kvmcpu_probe_report *rep)
{
	unsigned bits = 0, regs = 0;
	for (size_t i = 0; i < kvmcpu_probe_row_count(rep); i++) {
		const struct kvmcpu_probe_row *row = kvmcpu_probe_row_at(rep, i);
		uint32_t other = row->unhonoured & ~row->forced;
		if (other) {
			bits += (unsigned)__builtin_popcount(other);
			regs++;
		}
	}
	if (bits)
		printf("\n%u more bits in %u registers do not follow the table either, but the "
		       "host's value equals the configured one.\n",
		       bits, regs);
}

static void print_rules(const struct kvmcpu_probe_report *rep)
{
	bool any = false;
	for (size_t i = 0; i < kvmcpu_probe_row_count(rep); i++) {
		const struct kvmcpu_probe_row *row = kvmcpu_probe_row_at(rep, i);
		uint32_t d = (row->configured ^ row->seen) & row->ignored;
		if (!d)
			continue;
		if (!any)
			printf("\nDifferences exempt by a comparison rule (values KVM sets at run time):\n");
		any = true;
		printf("  0x%08x.%x %s: %s (0x%08x)\n", row->function, row->index,
		       cli_reg_name(row->reg), row->rule, d);
	}
}

static void print_msrs(const struct kvmcpu_probe_report *rep)
{
	if (!kvmcpu_probe_msr_count(rep))
		return;
	printf("\nMSRs read by the guest:\n");
	for (size_t i = 0; i < kvmcpu_probe_msr_count(rep); i++) {
		const struct kvmcpu_probe_msr *m = kvmcpu_probe_msr_at(rep, i);
		printf("  0x%08x  ", m->index);
		if (m->readable)
			printf("0x%016llx", (unsigned long long)m->value);
		else
			printf("#GP (not accessible)");
		if (m->planned && m->refused)
			printf("  planned 0x%llx: refused by KVM_SET_MSRS (host-forced)",
			       (unsigned long long)m->expected);
		else if (m->planned)
			printf("  planned 0x%llx: %s", (unsigned long long)m->expected,
			       m->readable && m->value == m->expected ? "ok" : "MISMATCH");
		printf("\n");
	}
}

static void print_human(const struct run_opts *o, const struct kvmcpu_host *host,
			const struct kvmcpu_config *cfg, const struct kvmcpu_probe_report *rep,
			double ms, bool passed, const char *dropped, size_t ndropped)
{
	char t[3][1024];
	printf("kvmcpu run: cpu=%s%s%s%s on %s (%s, kernel %s)\n", kvmcpu_config_cpu(cfg),
	       kvmcpu_config_hv(cfg) ? " hv=" : "",
	       kvmcpu_config_hv(cfg) ? kvmcpu_config_hv(cfg) : "",
	       kvmcpu_config_nested(cfg) ? " nested_virt" : "",
	       cli_tame(kvmcpu_host_origin(host), t[0], sizeof(t[0])),
	       cli_tame(kvmcpu_host_module(host)[0] ? kvmcpu_host_module(host) : "kvm", t[1],
			sizeof(t[1])),
	       cli_tame(kvmcpu_host_kernel(host), t[2], sizeof(t[2])));
	printf("The probe guest executed %u CPUID instructions in %s (%.1f ms).\n\n",
	       kvmcpu_probe_cpuid_count(rep),
	       kvmcpu_probe_calibrated(rep) ? "3 VMs: the table, then calibration with the table "
					      "and with it inverted"
					    : "1 VM, no calibration",
	       ms);
	print_table(rep);
	print_bits("Host-forced bits (the host does not honour the table here; the guest sees "
		   "the host's value):",
		   rep, true);
	print_other_unhonoured(rep);
	print_bits("MISMATCHES (the host honours these bits, yet the guest saw another value):",
		   rep, false);
	print_rules(rep);
	print_msrs(rep);
	unsigned mism = kvmcpu_probe_mismatch_bits(rep), forced = kvmcpu_probe_forced_bits(rep);
	/*
	 * Two answers, never merged: "proven" (the guest saw the table) and "runnable"
	 * (the table is the model unchanged). PASS needs both.
	 */
	printf("\nVerdict: %s: ", !passed    ? "FAIL"
				  : ndropped ? "proven, NOT runnable unchanged"
					     : "PASS");
	if (mism)
		printf("%u bits the host honours differ from the table", mism);
	else
		printf("the guest saw the table (every bit the host honours matches)");
	printf("; %u host-forced bit%s%s.\n", forced, forced == 1 ? "" : "s",
	       forced && o->strict ? " (--strict fails on them)"
	       : forced		   ? " reported (--strict would fail on them)"
				   : "");
	if (ndropped)
		printf("This host lacks %zu feature%s of %s, so the guest ran without them: %s\n"
		       "(--enforce refuses such a model; 'kvmcpu models --runnable' lists those that "
		       "run unchanged.)\n",
		       ndropped, ndropped == 1 ? "" : "s", kvmcpu_config_cpu(cfg), dropped);
	else if (passed)
		printf("The model runs on this host unchanged: no feature of it was dropped.\n");
}

static void print_json(const struct kvmcpu_host *host, const struct kvmcpu_config *cfg,
		       const struct kvmcpu_probe_report *rep, bool strict, double ms, bool passed,
		       const struct kvmcpu_result *res)
{
	struct kc_jw w;
	kc_jw_init(&w, stdout);
	kc_jw_obj_begin(&w);
	kc_jw_schema(&w, "run", 1);
	kc_jw_kv_str(&w, "cpu", kvmcpu_config_cpu(cfg));
	kc_jw_kv_str(&w, "hv", kvmcpu_config_hv(cfg));
	kc_jw_kv_bool(&w, "nested_virt", kvmcpu_config_nested(cfg));
	kc_jw_kv_str(&w, "host", kvmcpu_host_origin(host));
	kc_jw_kv_str(&w, "module", kvmcpu_host_module(host));
	kc_jw_kv_bool(&w, "passed", passed);
	char names[2048];
	kc_jw_kv_bool(&w, "runnable", cli_dropped(res, names, sizeof(names)) == 0);
	kc_jw_key(&w, "dropped");
	kc_jw_arr_begin_line(&w);
	for (size_t i = 0; i < kvmcpu_result_notice_count(res); i++)
		if (kvmcpu_result_notice_at(res, i)->kind == KVMCPU_NOTICE_DROPPED)
			kc_jw_str(&w, kvmcpu_result_notice_at(res, i)->subject);
	kc_jw_arr_end(&w);
	kc_jw_kv_bool(&w, "strict", strict);
	kc_jw_kv_bool(&w, "calibrated", kvmcpu_probe_calibrated(rep));
	kc_jw_kv_u64(&w, "mismatch_bits", kvmcpu_probe_mismatch_bits(rep));
	kc_jw_kv_u64(&w, "forced_bits", kvmcpu_probe_forced_bits(rep));
	kc_jw_kv_u64(&w, "cpuid_count", kvmcpu_probe_cpuid_count(rep));
	kc_jw_kv_u64(&w, "elapsed_ms", (uint64_t)(ms + 0.5));
	kc_jw_key(&w, "registers");
	kc_jw_arr_begin(&w);
	for (size_t i = 0; i < kvmcpu_probe_row_count(rep); i++)
		pp_json_row(&w, kvmcpu_probe_row_at(rep, i));
	kc_jw_arr_end(&w);
	kc_jw_key(&w, "msrs");
	kc_jw_arr_begin(&w);
	for (size_t i = 0; i < kvmcpu_probe_msr_count(rep); i++) {
		const struct kvmcpu_probe_msr *m = kvmcpu_probe_msr_at(rep, i);
		kc_jw_obj_begin(&w);
		kc_jw_kv_u64(&w, "index", m->index);
		kc_jw_kv_bool(&w, "readable", m->readable);
		/* A read that faulted has no value: whatever the register held is not one. */
		kc_jw_key(&w, "value");
		m->readable ? kc_jw_hex64(&w, m->value) : kc_jw_null(&w);
		kc_jw_kv_bool(&w, "planned", m->planned);
		kc_jw_kv_bool(&w, "refused", m->refused);
		if (m->planned) {
			kc_jw_kv_hex64(&w, "expected", m->expected);
		}
		kc_jw_obj_end(&w);
	}
	kc_jw_arr_end(&w);
	kc_jw_obj_end(&w);
	kc_jw_end(&w);
}

static int probe_and_print(const struct run_opts *o, const struct kvmcpu_host *host,
			   const struct kvmcpu_config *cfg)
{
	struct kvmcpu_error err;
	struct kvmcpu_result *res = NULL;
	kvmcpu_error_clear(&err);
	int rc = kvmcpu_resolve(cfg, host, &res, &err);
	if (rc)
		return cli_report(CMD, &err, cli_exit_for(err.code));
	/* nested_virt without hv= implies hv=windows: the result says so (subject "hv"). */
	for (size_t i = 0; i < kvmcpu_result_notice_count(res); i++)
		if (kvmcpu_result_notice_at(res, i)->kind == KVMCPU_NOTICE_WARNING &&
		    !strcmp(kvmcpu_result_notice_at(res, i)->subject, "hv"))
			fprintf(stderr, "warning: hv: %s\n",
				kvmcpu_result_notice_at(res, i)->reason);
	if (o->enforce && (rc = cli_enforce(CMD, res))) {
		kvmcpu_result_free(res);
		return rc;
	}
	/*
	 * With Hyper-V, the guest also tries the synthetic MSRs (TLFS 2.4.x):
	 * GUEST_OS_ID, HYPERCALL, VP_INDEX, TIME_REF_COUNT, TSC and APIC frequency.
	 */
	static const uint32_t hv_msrs[] = { 0x40000000, 0x40000001, 0x40000002,
					    0x40000020, 0x40000022, 0x40000023 };
	uint32_t msrs[MAX_MSRS + sizeof(hv_msrs) / sizeof(hv_msrs[0])];
	size_t nmsrs = o->nmsrs;
	memcpy(msrs, o->msrs, o->nmsrs * sizeof(msrs[0]));
	if (kvmcpu_config_hv(cfg))
		for (size_t i = 0; i < sizeof(hv_msrs) / sizeof(hv_msrs[0]); i++)
			msrs[nmsrs++] = hv_msrs[i];
	struct kvmcpu_probe_opts po = {
		.sz = sizeof(po),
		.dev_path = o->dev,
		.timeout_ms = o->timeout_ms,
		.calibrate = o->calibrate,
		.msrs = msrs,
		.nmsrs = nmsrs,
	};
	struct kvmcpu_probe_report *rep = NULL;
	double t0 = cli_now_ms();
	rc = kvmcpu_probe_run(res, &po, &rep, &err);
	double ms = cli_now_ms() - t0;
	if (rc) {
		kvmcpu_result_free(res);
		return cli_report(CMD, &err, EXIT_HOST);
	}
	bool passed = kvmcpu_probe_passed(rep, o->strict);
	char dropped[2048];
	size_t ndropped = cli_dropped(res, dropped, sizeof(dropped));
	if (o->a.json)
		print_json(host, cfg, rep, o->strict, ms, passed, res);
	else
		print_human(o, host, cfg, rep, ms, passed, dropped, ndropped);
	kvmcpu_result_free(res);
	kvmcpu_probe_report_free(rep);
	return passed ? EXIT_OK : EXIT_NEGATIVE;
}

int cmd_run(int argc, char **argv)
{
	struct run_opts o = { .calibrate = true };
	int rc = parse(argc, argv, &o);
	if (rc)
		return rc == CLI_HELP_SHOWN ? EXIT_OK : rc;
	struct kvmcpu_config *cfg = NULL;
	rc = cli_make_config(CMD, &o.a, &cfg);
	if (rc)
		return rc;
	struct kvmcpu_host *host = NULL;
	rc = pp_open_live(CMD, o.dev, &host);
	if (!rc)
		rc = probe_and_print(&o, host, cfg);
	kvmcpu_host_free(host);
	kvmcpu_config_free(cfg);
	return rc;
}
