/* SPDX-License-Identifier: MIT */
/* Internal probe interfaces: one guest run, and the comparison. */
#ifndef KC_PROBE_PRIV_H
#define KC_PROBE_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kvmcpu/probe.h"
#include "probe/guest-abi.h"

#define KC_PROBE_DEFAULT_TIMEOUT_MS 2000u

/* Per register of the calibrated table: the bits flipped and those that did not follow. */
struct kvmcpu_probe_calibration {
	struct kvmcpu_probe_cal_reg *v;
	size_t n;
};

/* The comparison: one row per register the guest read, one entry per MSR. */
struct kvmcpu_probe_report {
	struct kvmcpu_probe_row *rows;
	size_t nrows;
	struct kvmcpu_probe_msr *msrs;
	size_t nmsrs;
	unsigned mismatch_bits, forced_bits, ncpuid;
	bool calibrated;
};

/* One guest run: a fresh VM, the table applied to vCPU 0, the requests answered. */
struct kc_probe_once {
	const char *dev_path;
	unsigned timeout_ms;
	const struct kvmcpu_result *plan; /* caps and MSRs; NULL: none */
	const struct kvmcpu_cpuid_entry *table; /* NULL: no KVM_SET_CPUID2 at all */
	size_t ntable;
	struct kc_probe_req *reqs; /* in: kind/a/b; out: status/out */
	size_t nreqs;
	uint64_t refused_msrs; /* out: plan MSRs KVM_SET_MSRS refused */
};
int kc_probe_once(struct kc_probe_once *run, struct kvmcpu_error *err);

/*
 * kvmcpu_probe_run() with a different table applied than the one compared
 * against (@applied replaces the result's table for KVM_SET_CPUID2 only).
 * Tests use it to prove that a wrong table is caught.
 */
int kc_probe_run_applied(const struct kvmcpu_result *r, const struct kvmcpu_cpuid_entry *applied,
			 size_t napplied, const struct kvmcpu_probe_opts *opts,
			 struct kvmcpu_probe_report **out, struct kvmcpu_error *err);

/*
 * The bare cost floor, for benchmarks: creates a VM and a vCPU and runs
 * @ncpuid CPUID instructions in the probe guest, with no table applied and
 * nothing compared.
 */
int kc_probe_floor(const char *dev_path, unsigned ncpuid, struct kvmcpu_error *err);

#endif
