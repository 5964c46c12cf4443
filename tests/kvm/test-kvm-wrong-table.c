/* SPDX-License-Identifier: MIT */
/*
 * A deliberately wrong table must be caught: the vCPU gets a copy of the
 * result with bits flipped in registers the host honours, the comparison is
 * made against the real result, and the report must name exactly those bits
 * as mismatches (not as host-forced).
 */
#include "kvm-test.h"
#include "probe/probe-priv.h"
#include "result/result-priv.h"

static const struct kvmcpu_probe_row *find_row(const struct kvmcpu_probe_report *rep, uint32_t leaf,
					       uint32_t subleaf, enum kvmcpu_reg reg)
{
	for (size_t i = 0; i < kvmcpu_probe_row_count(rep); i++) {
		const struct kvmcpu_probe_row *row = kvmcpu_probe_row_at(rep, i);
		if (row->function == leaf && row->index == subleaf && row->reg == reg &&
		    row->in_table)
			return row;
	}
	return NULL;
}

/* Flips (leaf, subleaf, reg) bits @mask in a copy, runs it, compares against @r. */
static void expect_caught(const struct kvmcpu_result *r, uint32_t leaf, uint32_t subleaf,
			  enum kvmcpu_reg reg, uint32_t mask)
{
	struct kvmcpu_result *bad = malloc(sizeof(*bad));
	memcpy(bad, r, sizeof(*bad));
	struct kvmcpu_cpuid_entry *e = kc_result_get(bad, leaf, subleaf);
	CHECK(e != NULL);
	if (!e) {
		free(bad);
		return;
	}
	uint32_t *regs[4] = { &e->eax, &e->ebx, &e->ecx, &e->edx };
	*regs[reg] ^= mask;
	struct kvmcpu_probe_opts po = KVMCPU_PROBE_OPTS(.calibrate = true);
	struct kvmcpu_probe_report *rep = NULL;
	struct kvmcpu_error err;
	int rc = kc_probe_run_applied(r, bad->entries, bad->nentries, &po, &rep, &err);
	CHECK_EQ(rc, 0);
	if (!rc) {
		const struct kvmcpu_probe_row *row = find_row(rep, leaf, subleaf, reg);
		CHECK(row != NULL);
		if (row) {
			CHECK_EQ(row->mismatch, mask);
			CHECK_EQ(row->forced, 0);
		}
		CHECK_EQ(kvmcpu_probe_mismatch_bits(rep), (unsigned)__builtin_popcount(mask));
		CHECK(!kvmcpu_probe_passed(rep, false));
	}
	kvmcpu_probe_report_free(rep);
	free(bad); /* a shallow copy: the notices belong to @r */
}

int main(void)
{
	require_kvm();
	struct kvmcpu_host *host = live_host();
	struct kvmcpu_result *r = resolve_spec(host, "Skylake-Server-v1", NULL);

	/* The correct table passes (host-forced bits aside). */
	struct kvmcpu_probe_opts po = KVMCPU_PROBE_OPTS(.calibrate = true);
	struct kvmcpu_probe_report *rep = NULL;
	struct kvmcpu_error err;
	CHECK_EQ(kvmcpu_probe_run(r, &po, &rep, &err), 0);
	CHECK(kvmcpu_probe_passed(rep, false));
	kvmcpu_probe_report_free(rep);

	/* Stepping (leaf 1 EAX[3:0]), brand string, an extended feature bit (lahf_lm). */
	expect_caught(r, 0x1, 0, KVMCPU_EAX, 0x1);
	expect_caught(r, 0x80000002, 0, KVMCPU_EAX, 0xff);
	expect_caught(r, 0x80000001, 0, KVMCPU_ECX, 0x1);

	kvmcpu_result_free(r);
	kvmcpu_host_free(host);
	return check_finish("test-kvm-wrong-table");
}
