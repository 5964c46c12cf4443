/* SPDX-License-Identifier: MIT */
/*
 * The Hyper-V CPUID answer of a kernel without KVM_GET_SUPPORTED_HV_CPUID
 * (KVM_CAP_HYPERV_CPUID is 0: kernels before 5.0). QEMU builds such an answer
 * from the KVM_CAP_HYPERV* capabilities and the Hyper-V MSRs that
 * KVM_GET_MSR_INDEX_LIST names (target/i386/kvm/kvm.c,
 * get_supported_hv_cpuid_legacy); the live probe records the same, so that
 * every host is judged by one rule: the bits of its answer.
 */
#ifndef KC_HOST_HV_LEGACY_H
#define KC_HOST_HV_LEGACY_H

#include <stddef.h>
#include <stdint.h>

#include "kvmcpu/host.h"
#include "kvmcpu/model.h"

/*
 * Fills @out[0] (0x40000003) and @out[1] (0x40000004) from the capabilities
 * recorded in @caps and the MSR indices @msrs[0..@nmsrs) of
 * KVM_GET_MSR_INDEX_LIST. 0x40000004 EBX (the spinlock count) stays 0: such a
 * kernel suggests none.
 */
void kc_hv_legacy_answer(const struct kvmcpu_host *caps, const uint32_t *msrs, size_t nmsrs,
			 struct kvmcpu_cpuid_entry out[2]);

/*
 * What proves @bits of (@leaf, @reg) on such a kernel: "KVM_CAP_HYPERV_TIME",
 * "MSR 0x40000002 in KVM_GET_MSR_INDEX_LIST", ...; NULL when no evidence gives all
 * of them (the flag is unavailable there).
 */
const char *kc_hv_legacy_evidence(uint32_t leaf, enum kvmcpu_reg reg, uint32_t bits);

#endif
