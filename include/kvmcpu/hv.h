/* SPDX-License-Identifier: MIT */
#ifndef KVMCPU_HV_H
#define KVMCPU_HV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "host.h"
#include "model.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The Hyper-V enlightenment flags a spec ("windows+no_evmcs+spinlocks=0x1fff")
 * can name, and the presets. The handles point into a const table and are
 * never freed. docs/hyperv-enlightenments.md is printed from the same table.
 */
struct kvmcpu_hv_flag;

/** Number of flags in the table. */
KVMCPU_API size_t kvmcpu_hv_flag_count(void);
/** The flag at @index, or NULL when out of range. */
KVMCPU_API const struct kvmcpu_hv_flag *kvmcpu_hv_flag_at(size_t index);
/**
 * Finds a flag by name, alias or QEMU spelling ("vpindex", "vp_index",
 * "hv-vpindex"); NULL when unknown. A QEMU name that stands for two flags
 * ("hv-time") returns the first of them.
 */
KVMCPU_API const struct kvmcpu_hv_flag *kvmcpu_hv_flag_find(const char *name);

KVMCPU_API const char *kvmcpu_hv_flag_name(const struct kvmcpu_hv_flag *f);
/** QEMU's property name ("hv-relaxed"), or NULL when QEMU has none. */
KVMCPU_API const char *kvmcpu_hv_flag_qemu_name(const struct kvmcpu_hv_flag *f);
/** Other accepted spellings, 0 <= i < kvmcpu_hv_flag_alias_count(). */
KVMCPU_API size_t kvmcpu_hv_flag_alias_count(const struct kvmcpu_hv_flag *f);
KVMCPU_API const char *kvmcpu_hv_flag_alias_at(const struct kvmcpu_hv_flag *f, size_t i);
/** One line: what the flag gives the guest. */
KVMCPU_API const char *kvmcpu_hv_flag_summary(const struct kvmcpu_hv_flag *f);
/** MSRs and hypercalls the guest gains; Intel/AMD and nested notes. */
KVMCPU_API const char *kvmcpu_hv_flag_msrs(const struct kvmcpu_hv_flag *f);
KVMCPU_API const char *kvmcpu_hv_flag_note(const struct kvmcpu_hv_flag *f);

/**
 * The bits the flag sets in (@leaf, @reg) of the guest CPUID: leaf 0x40000003
 * EAX/EBX/EDX, 0x40000004 EAX or 0x4000000A EAX; 0 elsewhere.
 */
KVMCPU_API uint32_t kvmcpu_hv_flag_bits(const struct kvmcpu_hv_flag *f, uint32_t leaf,
					enum kvmcpu_reg reg);
/** The bits KVM_GET_SUPPORTED_HV_CPUID must show in (@leaf, @reg) for the host to support it. */
KVMCPU_API uint32_t kvmcpu_hv_flag_host_bits(const struct kvmcpu_hv_flag *f, uint32_t leaf,
					     enum kvmcpu_reg reg);
/** Direct dependencies: the flags this one requires. */
KVMCPU_API size_t kvmcpu_hv_flag_dep_count(const struct kvmcpu_hv_flag *f);
KVMCPU_API const struct kvmcpu_hv_flag *kvmcpu_hv_flag_dep_at(const struct kvmcpu_hv_flag *f,
							      size_t i);
/** The KVM capability the host must report besides the bits (NULL when none). */
KVMCPU_API const char *kvmcpu_hv_flag_host_cap(const struct kvmcpu_hv_flag *f);
/** The capability that proves support on kernels without KVM_GET_SUPPORTED_HV_CPUID. */
KVMCPU_API const char *kvmcpu_hv_flag_legacy_cap(const struct kvmcpu_hv_flag *f);
/** The capability enabled on each vCPU (KVM_ENABLE_CAP), or NULL. */
KVMCPU_API const char *kvmcpu_hv_flag_vcpu_cap(const struct kvmcpu_hv_flag *f);
/** Only for Intel-compatible (VMX) guests. */
KVMCPU_API bool kvmcpu_hv_flag_intel_only(const struct kvmcpu_hv_flag *f);
/** Only meaningful when the guest runs its own hypervisor (nested_virt). */
KVMCPU_API bool kvmcpu_hv_flag_nested_only(const struct kvmcpu_hv_flag *f);

/**
 * Whether @host can provide the flag to a guest of the host's vendor. Returns
 * 1 when it can, 0 when it cannot (@why, when not NULL, gets the reason).
 */
KVMCPU_API int kvmcpu_hv_flag_host_support(const struct kvmcpu_hv_flag *f,
					   const struct kvmcpu_host *host, char *why, size_t len);

/**
 * Whether the host's KVM emulates Hyper-V at all (KVM_CAP_HYPERV > 0, or a
 * recorded KVM_GET_SUPPORTED_HV_CPUID answer): 1 or 0 with the reason in @why.
 */
KVMCPU_API int kvmcpu_hv_host_available(const struct kvmcpu_host *host, char *why, size_t len);

/* Presets: "none", "default", "windows", "passthrough" (in this order). */
KVMCPU_API size_t kvmcpu_hv_preset_count(void);
KVMCPU_API const char *kvmcpu_hv_preset_name(size_t index);
KVMCPU_API const char *kvmcpu_hv_preset_summary(size_t index);
/**
 * Whether preset @index contains the flag for a guest with or without
 * nested_virt (Intel-compatible guest). For passthrough this is the candidate
 * set; the host decides the rest.
 */
KVMCPU_API bool kvmcpu_hv_preset_contains(size_t index, const struct kvmcpu_hv_flag *f,
					  bool nested);

#ifdef __cplusplus
}
#endif
#endif
