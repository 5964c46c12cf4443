/* SPDX-License-Identifier: MIT */
/*
 * Every model name and psABI level proven through the probe guest on this
 * host. Host-forced bits come from calibration only: each model's forced bits
 * must be bits the calibration saw not following the table, and nothing the
 * host honours may differ.
 */
#include <string.h>

#include "kvm-test.h"

static uint32_t cal_unhonoured(const struct kvmcpu_probe_calibration *cal, uint32_t leaf,
			       uint32_t subleaf, enum kvmcpu_reg reg)
{
	for (size_t i = 0; i < kvmcpu_probe_calibration_count(cal); i++) {
		const struct kvmcpu_probe_cal_reg *c = kvmcpu_probe_calibration_at(cal, i);
		if (c->function == leaf && c->index == subleaf && c->reg == reg)
			return c->unhonoured;
	}
	return 0;
}

static unsigned calibration_bits(const struct kvmcpu_probe_calibration *cal)
{
	unsigned bits = 0;
	for (size_t i = 0; i < kvmcpu_probe_calibration_count(cal); i++)
		bits += (unsigned)__builtin_popcount(
			kvmcpu_probe_calibration_at(cal, i)->unhonoured);
	return bits;
}

static void check_model(const struct kvmcpu_host *host, const char *name,
			const struct kvmcpu_probe_calibration *cal, unsigned *forced_models)
{
	struct kvmcpu_result *r = resolve_spec(host, name, NULL);
	struct kvmcpu_probe_opts po = KVMCPU_PROBE_OPTS(.calibration = cal);
	struct kvmcpu_probe_report *rep = NULL;
	struct kvmcpu_error err;
	int rc = kvmcpu_probe_run(r, &po, &rep, &err);
	CHECK_EQ(rc, 0);
	if (rc) {
		fprintf(stderr, "%s: %s\n", name, err.message);
		kvmcpu_result_free(r);
		return;
	}
	if (!kvmcpu_probe_passed(rep, false))
		fprintf(stderr, "%s: %u mismatching bits\n", name, kvmcpu_probe_mismatch_bits(rep));
	CHECK(kvmcpu_probe_passed(rep, false));
	CHECK(kvmcpu_probe_calibrated(rep));
	/* Every table entry was executed by the guest (plus the sweeps past the table). */
	size_t n;
	kvmcpu_result_cpuid(r, &n);
	CHECK(kvmcpu_probe_cpuid_count(rep) > n);
	for (size_t i = 0; i < kvmcpu_probe_row_count(rep); i++) {
		const struct kvmcpu_probe_row *row = kvmcpu_probe_row_at(rep, i);
		uint32_t allowed = cal_unhonoured(cal, row->function, row->index, row->reg);
		if (row->forced && !row->in_table)
			continue; /* redirected to the highest basic leaf: checked there */
		CHECK_EQ(row->forced & ~allowed, 0);
	}
	*forced_models += kvmcpu_probe_forced_bits(rep) > 0;
	kvmcpu_probe_report_free(rep);
	kvmcpu_result_free(r);
}

/*
 * Two independent calibrations must agree: the host's own table inverted (the
 * sweep's) and a model's own table inverted. A bit the sweep calls host-forced
 * must be one the model's own calibration also saw not following its table.
 */
static void cross_check(const struct kvmcpu_host *host, const char *name,
			const struct kvmcpu_probe_calibration *cal)
{
	struct kvmcpu_result *r = resolve_spec(host, name, NULL);
	struct kvmcpu_probe_opts own = KVMCPU_PROBE_OPTS(.calibrate = true);
	struct kvmcpu_probe_opts shared = KVMCPU_PROBE_OPTS(.calibration = cal);
	struct kvmcpu_probe_report *a = NULL, *b = NULL;
	struct kvmcpu_error err;
	CHECK_EQ(kvmcpu_probe_run(r, &own, &a, &err), 0);
	CHECK_EQ(kvmcpu_probe_run(r, &shared, &b, &err), 0);
	if (a && b) {
		CHECK(kvmcpu_probe_passed(a, false));
		for (size_t i = 0; i < kvmcpu_probe_row_count(b); i++) {
			const struct kvmcpu_probe_row *rb = kvmcpu_probe_row_at(b, i);
			for (size_t k = 0; k < kvmcpu_probe_row_count(a); k++) {
				const struct kvmcpu_probe_row *ra = kvmcpu_probe_row_at(a, k);
				if (ra->function != rb->function || ra->index != rb->index ||
				    ra->reg != rb->reg || !rb->in_table)
					continue;
				if (rb->forced & ~ra->unhonoured)
					fprintf(stderr,
						"%s 0x%x.%u reg %d: forced 0x%x, own calibration 0x%x\n",
						name, rb->function, rb->index, (int)rb->reg,
						rb->forced, ra->unhonoured);
				CHECK_EQ(rb->forced & ~ra->unhonoured, 0);
			}
		}
	}
	kvmcpu_probe_report_free(a);
	kvmcpu_probe_report_free(b);
	kvmcpu_result_free(r);
}

/*
 * On KVM-PVM the calibration must find what was measured there by hand with a
 * probe guest: leaf 1 ECX follows the table for cx16 (13), x2apic (21) and
 * tsc-deadline (24) while the SIMD bits, e.g. sse4.2 (20) and popcnt (23),
 * stay at the host's values. Other hosts have other answers; this one is known.
 */
static void check_known_pvm_facts(const struct kvmcpu_host *host,
				  const struct kvmcpu_probe_calibration *cal)
{
	if (strcmp(kvmcpu_host_module(host), "kvm_pvm"))
		return;
	uint32_t ecx = cal_unhonoured(cal, 1, 0, KVMCPU_ECX);
	CHECK_EQ(ecx & ((1u << 13) | (1u << 21) | (1u << 24)), 0);
	CHECK_EQ(ecx & ((1u << 20) | (1u << 23)), (1u << 20) | (1u << 23));
	printf("kvm_pvm: leaf 1 ECX unhonoured 0x%08x\n", ecx);
}

int main(void)
{
	require_kvm();
	struct kvmcpu_host *host = live_host();
	struct kvmcpu_result *base = resolve_spec(host, "host", NULL);
	struct kvmcpu_probe_calibration *cal = NULL;
	struct kvmcpu_error err;
	int rc = kvmcpu_probe_calibrate(base, NULL, &cal, &err);
	CHECK_EQ(rc, 0);
	if (rc) {
		fprintf(stderr, "calibration: %s\n", err.message);
		return 1;
	}
	printf("calibration: %u host-forced bits on this host\n", calibration_bits(cal));
	unsigned forced_models = 0;
	size_t count = kvmcpu_model_count();
	CHECK(count >= 150);
	for (size_t i = 0; i < count; i++)
		check_model(host, kvmcpu_model_name(kvmcpu_model_at(i)), cal, &forced_models);
	printf("%zu models proven, %u with host-forced bits\n", count, forced_models);
	static const char *const sample[] = { "x86-64-v2", "Skylake-Server-v4", "EPYC-Rome",
					      "SapphireRapids", "qemu64" };
	for (size_t i = 0; i < sizeof(sample) / sizeof(sample[0]); i++)
		cross_check(host, sample[i], cal);
	check_known_pvm_facts(host, cal);
	kvmcpu_probe_calibration_free(cal);
	kvmcpu_result_free(base);
	kvmcpu_host_free(host);
	return check_finish("test-kvm-models");
}
