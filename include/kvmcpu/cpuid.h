/* SPDX-License-Identifier: MIT */
/*
 * The CPUID types every other header shares: one CPUID entry, laid out
 * exactly as the kernel's struct kvm_cpuid_entry2, and the register names.
 */
#ifndef KVMCPU_CPUID_H
#define KVMCPU_CPUID_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * struct kvmcpu_cpuid_entry - one CPUID entry, binary-identical to struct kvm_cpuid_entry2
 * @function: the leaf (CPUID input EAX)
 * @index: the subleaf (CPUID input ECX); meaningful with KVMCPU_CPUID_FLAG_SIGNIFICANT_INDEX
 * @flags: KVMCPU_CPUID_FLAG_* bits, as KVM defines them
 * @eax: output EAX
 * @ebx: output EBX
 * @ecx: output ECX
 * @edx: output EDX
 * @padding: zero
 *
 * An array of these can be copied as is into struct kvm_cpuid2 for KVM_SET_CPUID2.
 */
struct kvmcpu_cpuid_entry {
	uint32_t function;
	uint32_t index;
	uint32_t flags;
	uint32_t eax;
	uint32_t ebx;
	uint32_t ecx;
	uint32_t edx;
	uint32_t padding[3];
};

/* KVM_CPUID_FLAG_SIGNIFCANT_INDEX: the entry is keyed by (function, index). */
#define KVMCPU_CPUID_FLAG_SIGNIFICANT_INDEX 1u

/**
 * enum kvmcpu_reg - a CPUID output register
 * @KVMCPU_EAX: EAX
 * @KVMCPU_EBX: EBX
 * @KVMCPU_ECX: ECX
 * @KVMCPU_EDX: EDX
 */
enum kvmcpu_reg { KVMCPU_EAX = 0, KVMCPU_EBX, KVMCPU_ECX, KVMCPU_EDX };

#ifdef __cplusplus
}
#endif
#endif
