/* SPDX-License-Identifier: MIT */
#ifndef KVMCPU_PROBE_H
#define KVMCPU_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "cpuid.h"
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

/**
 * struct kvmcpu_probe_opts - how to probe
 * @sz: sizeof(struct kvmcpu_probe_opts) as the caller was compiled; set it
 *      first. A newer library reads only the fields the caller knows; fields
 *      it does not know must be zero.
 * @dev_path: the KVM device; NULL means "/dev/kvm"
 * @timeout_ms: the bound on each guest run; 0 means 2000
 * @calibrate: also run the inverted table (ignored with @calibration)
 * @calibration: a calibration shared by many runs (kvmcpu_probe_calibrate()), or NULL
 * @msrs: MSRs the guest reads besides the plan's, with #GP caught; may be NULL
 * @nmsrs: the number of @msrs
 *
 * Initialise with KVMCPU_PROBE_OPTS(.calibrate = true, ...) so @sz is right.
 */
struct kvmcpu_probe_opts {
	size_t sz;
	const char *dev_path;
	unsigned timeout_ms;
	bool calibrate;
	const struct kvmcpu_probe_calibration *calibration;
	const uint32_t *msrs;
	size_t nmsrs;
};

/* A struct kvmcpu_probe_opts compound literal with @sz set and the given fields. */
#define KVMCPU_PROBE_OPTS(...)                                                                     \
	((struct kvmcpu_probe_opts){ .sz = sizeof(struct kvmcpu_probe_opts), __VA_ARGS__ })

/**
 * kvmcpu_probe_run() - prove a result on a real vCPU
 * @r: the result to prove
 * @opts: options, or NULL for the defaults
 * @out: receives the report, or NULL on failure
 * @err: error record, or NULL
 *
 * Creates a VM, applies @r to its vCPU 0, runs the probe guest and compares
 * what it saw with @r. A guest that loops, faults or exits unexpectedly is
 * stopped after the timeout and reported as an error; the call never hangs.
 * While it runs, the calling thread blocks one real-time signal (SIGRTMAX-3)
 * outside KVM_RUN; no signal disposition of the process is changed.
 *
 * Return: 0 on success, whatever the verdict (kvmcpu_probe_passed());
 * -EINVAL when @r or @out is NULL or @opts->sz is too small or followed by
 * non-zero fields this library does not know; -ETIMEDOUT when the guest did
 * not finish in time; -EIO when it faulted or stopped unexpectedly; the
 * errors of kvmcpu_vm_new_for() and kvmcpu_result_apply(); -ENOMEM. The
 * caller frees *@out with kvmcpu_probe_report_free().
 * Thread safety: reads @r; any thread, concurrently with other probes (each
 * creates its own VM).
 */
KVMCPU_API int kvmcpu_probe_run(const struct kvmcpu_result *r, const struct kvmcpu_probe_opts *opts,
				struct kvmcpu_probe_report **out, struct kvmcpu_error *err);

/**
 * kvmcpu_probe_report_free() - free a report
 * @rep: the report; NULL does nothing
 *
 * Thread safety: no other thread may use @rep during or after the call.
 */
KVMCPU_API void kvmcpu_probe_report_free(struct kvmcpu_probe_report *rep);

/**
 * kvmcpu_probe_calibrate() - learn once which bits this host does not honour
 * @base: the result whose table is calibrated
 * @opts: options (dev_path, timeout_ms), or NULL
 * @out: receives the calibration, or NULL on failure
 * @err: error record, or NULL
 *
 * Applies @base and @base inverted (every register bit the comparison does
 * not exempt) and records, per register, the bits that do not follow the
 * table. Pass it to many kvmcpu_probe_run() calls through @opts->calibration.
 *
 * Return: 0 on success; -EINVAL when @base or @out is NULL or @opts is
 * invalid; otherwise as kvmcpu_probe_run(). The caller frees *@out with
 * kvmcpu_probe_calibration_free().
 * Thread safety: reads @base; any thread.
 */
KVMCPU_API int kvmcpu_probe_calibrate(const struct kvmcpu_result *base,
				      const struct kvmcpu_probe_opts *opts,
				      struct kvmcpu_probe_calibration **out,
				      struct kvmcpu_error *err);

/**
 * kvmcpu_probe_calibration_free() - free a calibration
 * @cal: the calibration; NULL does nothing
 *
 * Thread safety: no other thread may use @cal during or after the call.
 */
KVMCPU_API void kvmcpu_probe_calibration_free(struct kvmcpu_probe_calibration *cal);

/**
 * struct kvmcpu_probe_cal_reg - one calibrated register
 * @function: the leaf
 * @index: the subleaf
 * @reg: the register
 * @tested: the bits calibration flipped
 * @unhonoured: the tested bits that did not follow the table
 */
struct kvmcpu_probe_cal_reg {
	uint32_t function;
	uint32_t index;
	enum kvmcpu_reg reg;
	uint32_t tested;
	uint32_t unhonoured;
};

/**
 * kvmcpu_probe_calibration_count() - the number of calibrated registers
 * @cal: the calibration
 *
 * Return: the count, 0 when @cal is NULL.
 * Thread safety: reads @cal; any thread.
 */
KVMCPU_API size_t kvmcpu_probe_calibration_count(const struct kvmcpu_probe_calibration *cal);

/**
 * kvmcpu_probe_calibration_at() - one calibrated register, in table order
 * @cal: the calibration
 * @i: 0 <= @i < kvmcpu_probe_calibration_count()
 *
 * Return: the register, valid until kvmcpu_probe_calibration_free(); NULL
 * when @cal is NULL or @i is out of range.
 * Thread safety: reads @cal; any thread.
 */
KVMCPU_API const struct kvmcpu_probe_cal_reg *kvmcpu_probe_calibration_at(
	const struct kvmcpu_probe_calibration *cal, size_t i);

/**
 * struct kvmcpu_probe_row - one compared register (masks are bit masks of that register)
 * @function: the leaf the guest asked
 * @index: the subleaf the guest asked
 * @reg: the register
 * @in_table: false for a leaf/subleaf past the table (expected per KVM's rule)
 * @configured: what the guest should see
 * @seen: what the guest saw
 * @ignored: bits a comparison rule exempts (see @rule)
 * @tested: bits calibration flipped
 * @unhonoured: tested bits that did not follow the table
 * @forced: differing bits the host does not honour
 * @mismatch: differing bits the host honours (or that were not calibrated)
 * @rule: the comparison rule applied to this register, "" when none; static
 */
struct kvmcpu_probe_row {
	uint32_t function;
	uint32_t index;
	enum kvmcpu_reg reg;
	bool in_table;
	uint32_t configured;
	uint32_t seen;
	uint32_t ignored;
	uint32_t tested;
	uint32_t unhonoured;
	uint32_t forced;
	uint32_t mismatch;
	const char *rule;
};

/**
 * kvmcpu_probe_row_count() - the number of compared registers
 * @rep: the report
 *
 * Return: the count, 0 when @rep is NULL.
 * Thread safety: reads @rep; any thread.
 */
KVMCPU_API size_t kvmcpu_probe_row_count(const struct kvmcpu_probe_report *rep);

/**
 * kvmcpu_probe_row_at() - one compared register, in the order the guest asked
 * @rep: the report
 * @i: 0 <= @i < kvmcpu_probe_row_count()
 *
 * Return: the row, valid until kvmcpu_probe_report_free(); NULL when @rep is
 * NULL or @i is out of range.
 * Thread safety: reads @rep; any thread.
 */
KVMCPU_API const struct kvmcpu_probe_row *kvmcpu_probe_row_at(const struct kvmcpu_probe_report *rep,
							      size_t i);

/**
 * struct kvmcpu_probe_msr - an MSR the guest read
 * @index: the MSR
 * @readable: false when RDMSR raised #GP
 * @value: what the guest read
 * @planned: the result's MSR plan sets it (KVM_SET_MSRS)
 * @refused: host-forced: KVM_SET_MSRS refused the planned value, or the CPUID
 *           bit that gives the guest the MSR is one the host does not honour
 * @expected: the planned value (the vCPU index for per-vCPU MSRs)
 */
struct kvmcpu_probe_msr {
	uint32_t index;
	bool readable;
	uint64_t value;
	bool planned;
	bool refused;
	uint64_t expected;
};

/**
 * kvmcpu_probe_msr_count() - the number of MSRs the guest read
 * @rep: the report
 *
 * Return: the count, 0 when @rep is NULL.
 * Thread safety: reads @rep; any thread.
 */
KVMCPU_API size_t kvmcpu_probe_msr_count(const struct kvmcpu_probe_report *rep);

/**
 * kvmcpu_probe_msr_at() - one MSR the guest read
 * @rep: the report
 * @i: 0 <= @i < kvmcpu_probe_msr_count()
 *
 * Return: the MSR, valid until kvmcpu_probe_report_free(); NULL when @rep is
 * NULL or @i is out of range.
 * Thread safety: reads @rep; any thread.
 */
KVMCPU_API const struct kvmcpu_probe_msr *kvmcpu_probe_msr_at(const struct kvmcpu_probe_report *rep,
							      size_t i);

/**
 * kvmcpu_probe_mismatch_bits() - the differing bits the host honours
 * @rep: the report
 *
 * Return: the total over all rows, plus the differing bits of planned MSRs;
 * 0 when @rep is NULL.
 * Thread safety: reads @rep; any thread.
 */
KVMCPU_API unsigned kvmcpu_probe_mismatch_bits(const struct kvmcpu_probe_report *rep);

/**
 * kvmcpu_probe_forced_bits() - the differing bits the host does not honour
 * @rep: the report
 *
 * Return: the total over all rows and refused MSRs; 0 when @rep is NULL.
 * Thread safety: reads @rep; any thread.
 */
KVMCPU_API unsigned kvmcpu_probe_forced_bits(const struct kvmcpu_probe_report *rep);

/**
 * kvmcpu_probe_calibrated() - whether calibration was available to the comparison
 * @rep: the report
 *
 * Return: true when it was; false otherwise and when @rep is NULL.
 * Thread safety: reads @rep; any thread.
 */
KVMCPU_API bool kvmcpu_probe_calibrated(const struct kvmcpu_probe_report *rep);

/**
 * kvmcpu_probe_cpuid_count() - the guest CPUID instructions executed
 * @rep: the report
 *
 * Return: the count over all runs of this report (calibration included); 0
 * when @rep is NULL.
 * Thread safety: reads @rep; any thread.
 */
KVMCPU_API unsigned kvmcpu_probe_cpuid_count(const struct kvmcpu_probe_report *rep);

/**
 * kvmcpu_probe_passed() - the verdict
 * @rep: the report
 * @strict: host-forced bits count as failures too
 *
 * Return: true when no honoured bit differs (and, with @strict, no
 * host-forced bit either); false otherwise and when @rep is NULL.
 * Thread safety: reads @rep; any thread.
 */
KVMCPU_API bool kvmcpu_probe_passed(const struct kvmcpu_probe_report *rep, bool strict);

#ifdef __cplusplus
}
#endif
#endif
