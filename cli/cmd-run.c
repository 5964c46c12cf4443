/* SPDX-License-Identifier: MIT */
/* kvmcpu run: apply a spec to a real vCPU and show what the probe guest sees. */
#include <getopt.h>
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
		"Usage: kvmcpu run [--cpu SPEC] [--hv SPEC] [--nested] [--kvm PARAMS] [--strict]\n"
		"                  [--msr INDEX]... [--no-calibrate] [--timeout MS] [--dev PATH] [--json]\n"
		"\n"
		"Resolves the spec against this host, applies it to a fresh vCPU, runs the built-in\n"
		"probe guest and prints the CPUID table the guest saw beside the configured one.\n"
		"Calibration runs the guest again with the configured values inverted; bits that\n"
		"do not follow the table are reported as host-forced, apart from mismatches.\n"
		"\n"
		"  --cpu SPEC       CPU model spec (default: host)\n"
		"  --hv SPEC        Hyper-V enlightenments spec\n"
		"  --nested         let the guest run its own hypervisor\n"
		"  --kvm PARAMS     \"cpu=..,hv=..,nested_virt\" (the other options override it)\n"
		"  --strict         also fail when host-forced bits differ from the table\n"
		"  --msr INDEX      an MSR for the guest to read (#GP is caught); repeatable\n"
		"  --no-calibrate   skip the calibration run (every difference is a mismatch)\n"
		"  --timeout MS     stop a guest that has not finished after MS ms (default 2000)\n"
		"  --dev PATH       the KVM device (default /dev/kvm)\n"
		"  --json           machine-readable output\n"
		"\n"
		"Exit status: 0 every bit the host honours matches, 1 mismatch (or host-forced\n"
		"bits with --strict), 2 bad input, 3 no usable KVM or the guest failed.\n");
}

struct run_opts {
	const char *cpu, *hv, *kvm, *dev;
	bool nested, strict, json, calibrate;
	unsigned timeout_ms;
	uint32_t msrs[MAX_MSRS];
	size_t nmsrs;
};

static int parse(int argc, char **argv, struct run_opts *o)
{
	static const struct option longopts[] = {
		{ "cpu", required_argument, NULL, 'c' },
		{ "hv", required_argument, NULL, 'H' },
		{ "nested", no_argument, NULL, 'n' },
		{ "kvm", required_argument, NULL, 'k' },
		{ "strict", no_argument, NULL, 's' },
		{ "msr", required_argument, NULL, 'm' },
		{ "no-calibrate", no_argument, NULL, 'N' },
		{ "timeout", required_argument, NULL, 't' },
		{ "dev", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		char *end;
		switch (c) {
		case 'c': o->cpu = optarg; break;
		case 'H': o->hv = optarg; break;
		case 'n': o->nested = true; break;
		case 'k': o->kvm = optarg; break;
		case 's': o->strict = true; break;
		case 'N': o->calibrate = false; break;
		case 'd': o->dev = optarg; break;
		case 'j': o->json = true; break;
		case 'h': usage(stdout); return -EXIT_OK - 1;
		case 't':
			if (!pp_parse_ms(optarg, &o->timeout_ms))
				return cli_usage(CMD, "--timeout '%s' is not a number of milliseconds "
						 "between 1 and 600000", optarg);
			break;
		case 'm': {
			unsigned long long v = strtoull(optarg, &end, 0);
			if (!*optarg || *end || v > 0xffffffffull)
				return cli_usage(CMD, "--msr '%s' is not an MSR index", optarg);
			if (o->nmsrs == MAX_MSRS)
				return cli_usage(CMD, "at most %d --msr options", MAX_MSRS);
			o->msrs[o->nmsrs++] = (uint32_t)v;
			break;
		}
		default: return cli_usage(CMD, "unknown option");
		}
	}
	if (optind < argc)
		return cli_usage(CMD, "unexpected argument '%s'", argv[optind]);
	if (!o->cpu && !o->kvm)
		o->cpu = "host";
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

static void print_table(const struct kvmcpu_probe_report *rep)
{
	printf("%-12s  %-35s   %-35s  %s\n", "leaf.sub", "configured  eax      ebx      ecx      edx",
	       "seen by the guest", "");
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
	       "   marks per register: F host-forced, X mismatch)\n");
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
		pp_bit_names(row->function, row->index, row->reg, bits & row->seen, set, sizeof(set));
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
		       "host's value equals the configured one.\n", bits, regs);
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
			double ms, bool passed)
{
	printf("kvmcpu run: cpu=%s%s%s%s on %s (%s, kernel %s)\n", kvmcpu_config_cpu(cfg),
	       kvmcpu_config_hv(cfg) ? " hv=" : "",
	       kvmcpu_config_hv(cfg) ? kvmcpu_config_hv(cfg) : "",
	       kvmcpu_config_nested(cfg) ? " nested_virt" : "", kvmcpu_host_origin(host),
	       kvmcpu_host_module(host)[0] ? kvmcpu_host_module(host) : "kvm",
	       kvmcpu_host_kernel(host));
	printf("The probe guest executed %u CPUID instructions in %s (%.1f ms).\n\n",
	       kvmcpu_probe_cpuid_count(rep),
	       kvmcpu_probe_calibrated(rep) ? "3 VMs: the table, then calibration with the table "
					      "and with it inverted" : "1 VM, no calibration",
	       ms);
	print_table(rep);
	print_bits("Host-forced bits (the host does not honour the table here; the guest sees "
		   "the host's value):", rep, true);
	print_other_unhonoured(rep);
	print_bits("MISMATCHES (the host honours these bits, yet the guest saw another value):",
		   rep, false);
	print_rules(rep);
	print_msrs(rep);
	unsigned mism = kvmcpu_probe_mismatch_bits(rep), forced = kvmcpu_probe_forced_bits(rep);
	printf("\nVerdict: %s: ", passed ? "PASS" : "FAIL");
	if (mism)
		printf("%u bits the host honours differ from the table", mism);
	else
		printf("every bit the host honours matches the table");
	printf("; %u host-forced bit%s%s.\n", forced, forced == 1 ? "" : "s",
	       forced && o->strict ? " (--strict fails on them)" :
	       forced ? " reported (--strict would fail on them)" : "");
}

static void print_json(const struct kvmcpu_host *host, const struct kvmcpu_config *cfg,
		       const struct kvmcpu_probe_report *rep, bool strict, double ms, bool passed)
{
	struct jw w;
	jw_init(&w, stdout);
	jw_obj_begin(&w);
	jw_kv_str(&w, "cpu", kvmcpu_config_cpu(cfg));
	jw_kv_str(&w, "hv", kvmcpu_config_hv(cfg));
	jw_kv_bool(&w, "nested_virt", kvmcpu_config_nested(cfg));
	jw_kv_str(&w, "host", kvmcpu_host_origin(host));
	jw_kv_str(&w, "module", kvmcpu_host_module(host));
	jw_kv_bool(&w, "passed", passed);
	jw_kv_bool(&w, "strict", strict);
	jw_kv_bool(&w, "calibrated", kvmcpu_probe_calibrated(rep));
	jw_kv_u64(&w, "mismatch_bits", kvmcpu_probe_mismatch_bits(rep));
	jw_kv_u64(&w, "forced_bits", kvmcpu_probe_forced_bits(rep));
	jw_kv_u64(&w, "cpuid_count", kvmcpu_probe_cpuid_count(rep));
	jw_kv_u64(&w, "elapsed_ms", (uint64_t)(ms + 0.5));
	jw_key(&w, "registers");
	jw_arr_begin(&w);
	for (size_t i = 0; i < kvmcpu_probe_row_count(rep); i++)
		pp_json_row(&w, kvmcpu_probe_row_at(rep, i));
	jw_arr_end(&w);
	jw_key(&w, "msrs");
	jw_arr_begin(&w);
	for (size_t i = 0; i < kvmcpu_probe_msr_count(rep); i++) {
		const struct kvmcpu_probe_msr *m = kvmcpu_probe_msr_at(rep, i);
		jw_obj_begin(&w);
		jw_kv_u64(&w, "index", m->index);
		jw_kv_bool(&w, "readable", m->readable);
		jw_kv_u64(&w, "value", m->value);
		jw_kv_bool(&w, "planned", m->planned);
		jw_kv_bool(&w, "refused", m->refused);
		if (m->planned) {
			jw_kv_u64(&w, "expected", m->expected);
		}
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_obj_end(&w);
	jw_end(&w);
}

static int probe_and_print(const struct run_opts *o, const struct kvmcpu_host *host,
			   const struct kvmcpu_config *cfg)
{
	struct kvmcpu_error err;
	struct kvmcpu_result *res = NULL;
	kvmcpu_error_clear(&err);
	int rc = kvmcpu_resolve(cfg, host, &res, &err);
	if (rc)
		return cli_report(CMD, &err, EXIT_USAGE);
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
		.dev_path = o->dev, .timeout_ms = o->timeout_ms, .calibrate = o->calibrate,
		.msrs = msrs, .nmsrs = nmsrs,
	};
	struct kvmcpu_probe_report *rep = NULL;
	double t0 = cli_now_ms();
	rc = kvmcpu_probe_run(res, &po, &rep, &err);
	double ms = cli_now_ms() - t0;
	kvmcpu_result_free(res);
	if (rc)
		return cli_report(CMD, &err, EXIT_HOST);
	bool passed = kvmcpu_probe_passed(rep, o->strict);
	if (o->json)
		print_json(host, cfg, rep, o->strict, ms, passed);
	else
		print_human(o, host, cfg, rep, ms, passed);
	kvmcpu_probe_report_free(rep);
	return passed ? EXIT_OK : EXIT_NEGATIVE;
}

int cmd_run(int argc, char **argv)
{
	struct run_opts o = { .calibrate = true };
	int rc = parse(argc, argv, &o);
	if (rc == -EXIT_OK - 1)
		return EXIT_OK;
	if (rc)
		return rc;
	struct kvmcpu_config *cfg = NULL;
	rc = cli_make_config(CMD, o.kvm, o.cpu, o.hv, o.nested, &cfg);
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
