/* SPDX-License-Identifier: MIT */
#ifndef KVMCPU_PROBE_H
#define KVMCPU_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "model.h"
#include "result.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The live proof: a small guest built into the library runs on a real vCPU
 * to which a result was applied, executes CPUID for every entry of the table
 * and for leaves past its limits, optionally reads MSRs (with #GP caught), and
 * the report compares what it saw with what was configured.
 *
 * Some hosts do not honour every value of KVM_SET_CPUID2. Calibration runs the
 * guest again with the configured values inverted; bits that do not follow the
 * table are "host-forced" and are reported apart from mismatches.
 */
struct kvmcpu_probe_report;
struct kvmcpu_probe_calibration;

struct kvmcpu_probe_opts {
	const char *dev_path;   /* NULL: "/dev/kvm" */
	unsigned timeout_ms;    /* per guest run; 0: 2000 */
	bool calibrate;         /* run the inverted table too (ignored with @calibration) */
	/* A calibration shared by many runs (kvmcpu_probe_calibrate), or NULL. */
	const struct kvmcpu_probe_calibration *calibration;
	const uint32_t *msrs;   /* MSRs the guest reads, with #GP caught */
	size_t nmsrs;
};

/**
 * Creates a VM, applies @r to its vCPU 0, runs the probe guest and compares.
 * A guest that loops, faults or exits unexpectedly is stopped after the
 * timeout and reported as an error (-ETIMEDOUT, -EIO), never hangs. @opts may
 * be NULL. The caller frees *out with kvmcpu_probe_report_free().
 * @return 0 on success (whatever the verdict), negative errno on failure
 */
KVMCPU_API int kvmcpu_probe_run(const struct kvmcpu_result *r,
				const struct kvmcpu_probe_opts *opts,
				struct kvmcpu_probe_report **out, struct kvmcpu_error *err);
KVMCPU_API void kvmcpu_probe_report_free(struct kvmcpu_probe_report *rep);

/**
 * Calibrates the host once for many runs: applies @base and @base inverted
 * (every register bit the comparison does not exempt) and records, per
 * register, the bits that do not follow the table. Free with
 * kvmcpu_probe_calibration_free().
 * @return 0 on success, negative errno on failure
 */
KVMCPU_API int kvmcpu_probe_calibrate(const struct kvmcpu_result *base,
				      const struct kvmcpu_probe_opts *opts,
				      struct kvmcpu_probe_calibration **out,
				      struct kvmcpu_error *err);
KVMCPU_API void kvmcpu_probe_calibration_free(struct kvmcpu_probe_calibration *cal);

/** One calibrated register: bits flipped (@tested) and those that did not follow. */
struct kvmcpu_probe_cal_reg {
	uint32_t function;
	uint32_t index;
	enum kvmcpu_reg reg;
	uint32_t tested;
	uint32_t unhonoured;
};
KVMCPU_API size_t kvmcpu_probe_calibration_count(const struct kvmcpu_probe_calibration *cal);
KVMCPU_API const struct kvmcpu_probe_cal_reg *
kvmcpu_probe_calibration_at(const struct kvmcpu_probe_calibration *cal, size_t i);

/** One compared register. Masks are bit masks of that register. */
struct kvmcpu_probe_row {
	uint32_t function;
	uint32_t index;
	enum kvmcpu_reg reg;
	bool in_table;        /* false: a leaf/subleaf past the table (expected per KVM's rule) */
	uint32_t configured;  /* what the guest should see */
	uint32_t seen;        /* what the guest saw */
	uint32_t ignored;     /* bits a comparison rule exempts (see @rule) */
	uint32_t tested;      /* bits calibration flipped */
	uint32_t unhonoured;  /* tested bits that did not follow the table */
	uint32_t forced;      /* differing bits the host does not honour */
	uint32_t mismatch;    /* differing bits the host honours (or that were not calibrated) */
	const char *rule;     /* the comparison rule applied to this register, "" when none */
};
KVMCPU_API size_t kvmcpu_probe_row_count(const struct kvmcpu_probe_report *rep);
KVMCPU_API const struct kvmcpu_probe_row *kvmcpu_probe_row_at(const struct kvmcpu_probe_report *rep,
							      size_t i);

/** An MSR the guest read: @readable false when RDMSR raised #GP. */
struct kvmcpu_probe_msr {
	uint32_t index;
	bool readable;
	uint64_t value;
	bool planned;       /* the result's MSR plan sets it (KVM_SET_MSRS) */
	/*
	 * Host-forced: KVM_SET_MSRS refused the planned value, or the CPUID bit
	 * that gives the guest the MSR is one the host does not honour.
	 */
	bool refused;
	uint64_t expected;  /* the planned value (the vCPU index for per-vCPU MSRs) */
};
KVMCPU_API size_t kvmcpu_probe_msr_count(const struct kvmcpu_probe_report *rep);
KVMCPU_API const struct kvmcpu_probe_msr *kvmcpu_probe_msr_at(const struct kvmcpu_probe_report *rep,
							      size_t i);

/**
 * Totals over all rows: differing bits the host honours (plus differing bits
 * of planned MSRs), host-forced bits.
 */
KVMCPU_API unsigned kvmcpu_probe_mismatch_bits(const struct kvmcpu_probe_report *rep);
KVMCPU_API unsigned kvmcpu_probe_forced_bits(const struct kvmcpu_probe_report *rep);
/** True when calibration information was available for the comparison. */
KVMCPU_API bool kvmcpu_probe_calibrated(const struct kvmcpu_probe_report *rep);
/** Guest CPUID instructions executed (all runs of this report). */
KVMCPU_API unsigned kvmcpu_probe_cpuid_count(const struct kvmcpu_probe_report *rep);
/**
 * The verdict: true when no honoured bit differs (and, with @strict, no
 * host-forced bit differs either).
 */
KVMCPU_API bool kvmcpu_probe_passed(const struct kvmcpu_probe_report *rep, bool strict);

/**
 * The bare cost floor: creates a VM and a vCPU and runs @ncpuid CPUID
 * instructions in the probe guest, with no table applied and nothing
 * compared (for benchmarks).
 * @return 0 on success, negative errno on failure
 */
KVMCPU_API int kvmcpu_probe_floor(const char *dev_path, unsigned ncpuid,
				  struct kvmcpu_error *err);

#ifdef __cplusplus
}
#endif
#endif
