/* SPDX-License-Identifier: MIT */
/*
 * The Hyper-V enlightenment module's interface to the rest of the library.
 * The spec parser runs when the config is set; kc_hv_resolve runs inside
 * kvmcpu_resolve after the base CPUID table is built.
 */
#ifndef KC_HV_H
#define KC_HV_H

#include <stdbool.h>
#include <stdint.h>

#include "kvmcpu/error.h"
#include "kvmcpu/host.h"

struct kc_hv_spec;
struct kvmcpu_result;

/* Parses "preset+flag+no_flag+spinlocks=N..." into *out (caller frees with kc_hv_spec_free). */
int kc_hv_spec_parse(const char *spec, struct kc_hv_spec **out, struct kvmcpu_error *err);
void kc_hv_spec_free(struct kc_hv_spec *spec);

/*
 * Adds the Hyper-V leaves, vCPU capabilities, MSR values and notices to @r.
 * @spec NULL means no hv= was given: with @nested the base is the "windows"
 * preset, otherwise nothing is added. @intel tells Intel-compatible (vmx)
 * from AMD-compatible (svm) guests. When Hyper-V leaves are emitted, the KVM
 * leaves already in @r at 0x40000000/0x40000001 move to 0x40000100/0x40000101
 * (or are removed with no_kvm_leaves).
 */
int kc_hv_resolve(const struct kc_hv_spec *spec, bool nested, bool intel,
		  const struct kvmcpu_host *host, struct kvmcpu_result *r,
		  struct kvmcpu_error *err);

/*
 * Whether the eVMCS version range @range (low byte the lowest, high byte the highest
 * version; what KVM writes back when KVM_CAP_HYPERV_ENLIGHTENED_VMCS is enabled, and
 * what 0x4000000A EAX[15:0] reports) holds version 1, the version guests are offered.
 * 0, or -EOPNOTSUPP with a message that starts with @where.
 */
int kc_hv_evmcs_range_check(uint16_t range, const char *where, struct kvmcpu_error *err);

#endif
