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
 * The Hyper-V enlightenment flags an hv= spec ("windows+no_evmcs+spinlocks=0x1fff")
 * can name, and the presets built from them. docs/hyperv-enlightenments.md is
 * printed from the same table.
 *
 * Lifetime: a struct kvmcpu_hv_flag handle points into a constant table inside
 * the library. It is valid for as long as the library is loaded and is never
 * freed; every string these calls return is static as well.
 *
 * Thread safety: every call here only reads constant data or the host it is
 * given, so any thread may call them at any time, concurrently, as long as no
 * other thread modifies or frees that host meanwhile.
 *
 * NULL: a NULL flag handle is allowed everywhere and reads as "no flag" (NULL,
 * 0 or false, as each call says); the two host queries return -EINVAL for a
 * NULL flag or host.
 */
struct kvmcpu_hv_flag;

/**
 * kvmcpu_hv_flag_count() - the number of flags in the table
 *
 * Return: the count; kvmcpu_hv_flag_at() accepts 0 .. count - 1.
 * Thread safety: any thread; reads only constant data.
 */
KVMCPU_API size_t kvmcpu_hv_flag_count(void);

/**
 * kvmcpu_hv_flag_at() - the flag at a table position
 * @index: 0 .. kvmcpu_hv_flag_count() - 1; the order is the documentation's
 *
 * Return: the flag, in the library's constant table and never freed; NULL
 * when @index is out of range.
 * Thread safety: any thread; reads only constant data.
 */
KVMCPU_API const struct kvmcpu_hv_flag *kvmcpu_hv_flag_at(size_t index);

/**
 * kvmcpu_hv_flag_find() - a flag by any accepted spelling
 * @name: canonical name, alias or QEMU spelling ("vpindex", "vp_index",
 *        "hv-vpindex"); case-insensitive, '-' and '_' alike. NULL is allowed.
 *
 * A QEMU name that stands for two flags ("hv-time": time and
 * reference_tsc_page) gives the first of them.
 *
 * Return: the flag, in the library's constant table and never freed; NULL
 * when @name is NULL or unknown.
 * Thread safety: any thread; reads only constant data.
 */
KVMCPU_API const struct kvmcpu_hv_flag *kvmcpu_hv_flag_find(const char *name);

/**
 * kvmcpu_hv_flag_name() - the canonical spec name ("stimer_direct")
 * @f: the flag, or NULL
 *
 * Return: a static string, or NULL when @f is NULL.
 * Thread safety: any thread; reads only constant data.
 */
KVMCPU_API const char *kvmcpu_hv_flag_name(const struct kvmcpu_hv_flag *f);

/**
 * kvmcpu_hv_flag_qemu_name() - QEMU's property name ("hv-relaxed")
 * @f: the flag, or NULL
 *
 * Return: a static string; NULL when QEMU has no such property (hypercall) or
 * @f is NULL.
 * Thread safety: any thread; reads only constant data.
 */
KVMCPU_API const char *kvmcpu_hv_flag_qemu_name(const struct kvmcpu_hv_flag *f);

/**
 * kvmcpu_hv_flag_alias_count() - the number of other accepted spellings
 * @f: the flag, or NULL
 *
 * Return: the count (0 for NULL); kvmcpu_hv_flag_alias_at() takes 0 .. count - 1.
 * Thread safety: any thread; reads only constant data.
 */
KVMCPU_API size_t kvmcpu_hv_flag_alias_count(const struct kvmcpu_hv_flag *f);

/**
 * kvmcpu_hv_flag_alias_at() - one other accepted spelling ("vp_index")
 * @f: the flag, or NULL
 * @i: 0 .. kvmcpu_hv_flag_alias_count(@f) - 1
 *
 * Return: a static string, or NULL when @i is out of range or @f is NULL.
 * Thread safety: any thread; reads only constant data.
 */
KVMCPU_API const char *kvmcpu_hv_flag_alias_at(const struct kvmcpu_hv_flag *f, size_t i);

/**
 * kvmcpu_hv_flag_summary() - one line: what the flag gives the guest
 * @f: the flag, or NULL
 *
 * Return: a static string, or NULL when @f is NULL.
 * Thread safety: any thread; reads only constant data.
 */
KVMCPU_API const char *kvmcpu_hv_flag_summary(const struct kvmcpu_hv_flag *f);

/**
 * kvmcpu_hv_flag_msrs() - the MSRs and hypercalls the guest gains
 * @f: the flag, or NULL
 *
 * Return: a static string, "" when there is nothing to say or @f is NULL.
 * Thread safety: any thread; reads only constant data.
 */
KVMCPU_API const char *kvmcpu_hv_flag_msrs(const struct kvmcpu_hv_flag *f);

/**
 * kvmcpu_hv_flag_note() - Intel/AMD, nested and migration notes
 * @f: the flag, or NULL
 *
 * Return: a static string, "" when there is nothing to say or @f is NULL.
 * Thread safety: any thread; reads only constant data.
 */
KVMCPU_API const char *kvmcpu_hv_flag_note(const struct kvmcpu_hv_flag *f);

/**
 * kvmcpu_hv_flag_bits() - the bits the flag sets in the guest CPUID
 * @f: the flag, or NULL
 * @leaf: 0x40000003, 0x40000004 or 0x4000000A
 * @reg: the register; the flags set 0x40000003 EAX/EBX/EDX, 0x40000004 EAX and
 *       0x4000000A EAX.
 *
 * Another flag of the same guest may take some of them away again, see
 * kvmcpu_hv_flag_clear_bits().
 *
 * Return: the mask; 0 for any other leaf or register, or when @f is NULL.
 * Thread safety: any thread; reads only constant data.
 */
KVMCPU_API uint32_t kvmcpu_hv_flag_bits(const struct kvmcpu_hv_flag *f, uint32_t leaf,
					enum kvmcpu_reg reg);

/**
 * kvmcpu_hv_flag_clear_bits() - the bits the flag removes from what the others set
 * @f: the flag, or NULL
 * @leaf: as for kvmcpu_hv_flag_bits()
 * @reg: as for kvmcpu_hv_flag_bits()
 *
 * avic clears 0x40000004 EAX bit 3, the hint vapic sets: with avic on the guest
 * is to leave EOIs to APICv/AVIC (QEMU does the same). A guest register is the
 * OR of its flags' bits, minus the OR of their clear bits.
 *
 * Return: the mask, 0 when the flag clears nothing there or @f is NULL.
 * Thread safety: any thread; reads only constant data.
 */
KVMCPU_API uint32_t kvmcpu_hv_flag_clear_bits(const struct kvmcpu_hv_flag *f, uint32_t leaf,
					      enum kvmcpu_reg reg);

/**
 * kvmcpu_hv_flag_host_bits() - the bits the host's Hyper-V CPUID answer must show
 * @f: the flag, or NULL
 * @leaf: as for kvmcpu_hv_flag_bits()
 * @reg: as for kvmcpu_hv_flag_bits()
 *
 * Return: the mask every bit of which the host must report for the flag
 * (besides kvmcpu_hv_flag_host_cap()), 0 when none or @f is NULL.
 * Thread safety: any thread; reads only constant data.
 */
KVMCPU_API uint32_t kvmcpu_hv_flag_host_bits(const struct kvmcpu_hv_flag *f, uint32_t leaf,
					     enum kvmcpu_reg reg);

/**
 * kvmcpu_hv_flag_dep_count() - the number of flags this one requires directly
 * @f: the flag, or NULL
 *
 * Enabling a flag in a spec enables what it requires, transitively; those show
 * as "enabled as a prerequisite" notices in the result.
 *
 * Return: the count (0 for NULL).
 * Thread safety: any thread; reads only constant data.
 */
KVMCPU_API size_t kvmcpu_hv_flag_dep_count(const struct kvmcpu_hv_flag *f);

/**
 * kvmcpu_hv_flag_dep_at() - one flag this one requires directly
 * @f: the flag, or NULL
 * @i: 0 .. kvmcpu_hv_flag_dep_count(@f) - 1
 *
 * The flags come in table order (kvmcpu_hv_flag_at()).
 *
 * Return: the required flag, in the library's constant table and never freed;
 * NULL when @i is out of range or @f is NULL.
 * Thread safety: any thread; reads only constant data.
 */
KVMCPU_API const struct kvmcpu_hv_flag *kvmcpu_hv_flag_dep_at(const struct kvmcpu_hv_flag *f,
							      size_t i);

/**
 * kvmcpu_hv_flag_host_cap() - the capability the host must report besides the bits
 * @f: the flag, or NULL
 *
 * Return: a static KVM_CAP_* name whose KVM_CHECK_EXTENSION value must be > 0,
 * or NULL when none is needed or @f is NULL.
 * Thread safety: any thread; reads only constant data.
 */
KVMCPU_API const char *kvmcpu_hv_flag_host_cap(const struct kvmcpu_hv_flag *f);

/**
 * kvmcpu_hv_flag_legacy_cap() - what proves the flag on a kernel before 5.0
 * @f: the flag, or NULL
 *
 * Kernels without KVM_CAP_HYPERV_CPUID cannot answer KVM_GET_SUPPORTED_HV_CPUID;
 * like QEMU, kvmcpu then builds the answer from capabilities and the Hyper-V
 * MSRs that KVM_GET_MSR_INDEX_LIST names.
 *
 * Return: a static description such as "KVM_CAP_HYPERV_TIME" or "MSR 0x40000002
 * in KVM_GET_MSR_INDEX_LIST"; NULL when nothing proves the flag there (it is
 * unavailable on such kernels) or @f is NULL.
 * Thread safety: any thread; reads only constant data.
 */
KVMCPU_API const char *kvmcpu_hv_flag_legacy_cap(const struct kvmcpu_hv_flag *f);

/**
 * kvmcpu_hv_flag_vcpu_cap() - the capability enabled on each vCPU for the flag
 * @f: the flag, or NULL
 *
 * Return: a static KVM_CAP_* name kvmcpu_result_apply() passes to
 * KVM_ENABLE_CAP, or NULL when none or @f is NULL.
 * Thread safety: any thread; reads only constant data.
 */
KVMCPU_API const char *kvmcpu_hv_flag_vcpu_cap(const struct kvmcpu_hv_flag *f);

/**
 * kvmcpu_hv_flag_intel_only() - whether the flag exists only for VMX guests
 * @f: the flag, or NULL
 *
 * Return: true for Intel-compatible (VMX) guests only (evmcs); false otherwise
 * or when @f is NULL.
 * Thread safety: any thread; reads only constant data.
 */
KVMCPU_API bool kvmcpu_hv_flag_intel_only(const struct kvmcpu_hv_flag *f);

/**
 * kvmcpu_hv_flag_nested_only() - whether the flag needs nested_virt
 * @f: the flag, or NULL
 *
 * Return: true when the flag only serves a guest that runs its own hypervisor;
 * false otherwise or when @f is NULL.
 * Thread safety: any thread; reads only constant data.
 */
KVMCPU_API bool kvmcpu_hv_flag_nested_only(const struct kvmcpu_hv_flag *f);

/**
 * kvmcpu_hv_flag_host_support() - whether a host can give the flag to a guest
 * @f: the flag
 * @host: the host; the guest is taken to be of the host's vendor
 * @err: receives the reason when the answer is no, or the argument error; may
 *       be NULL. It is cleared first, so a yes leaves it empty.
 *
 * The host must emulate Hyper-V at all (kvmcpu_hv_host_available()), have a
 * Hyper-V CPUID answer with every bit of kvmcpu_hv_flag_host_bits(), report
 * kvmcpu_hv_flag_host_cap() > 0, and, for an Intel-only flag, be of an
 * Intel-compatible vendor; for evmcs a system-wide answer must also hold
 * eVMCS version 1.
 *
 * Return: 1 when the host can provide the flag; -EOPNOTSUPP when it cannot,
 * with the reason in @err->message (for instance "KVM_GET_SUPPORTED_HV_CPUID
 * lacks 0x40000004.EAX bit 14"); -EINVAL when @f or @host is NULL.
 * Thread safety: reads @host; any thread, as long as no other thread modifies
 * or frees @host meanwhile.
 */
KVMCPU_API int kvmcpu_hv_flag_host_support(const struct kvmcpu_hv_flag *f,
					   const struct kvmcpu_host *host,
					   struct kvmcpu_error *err);

/**
 * kvmcpu_hv_host_available() - whether the host's KVM emulates Hyper-V at all
 * @host: the host
 * @err: receives the reason when the answer is no, or the argument error; may
 *       be NULL. It is cleared first, so a yes leaves it empty.
 *
 * Yes when KVM_CAP_HYPERV > 0, or (when the capability was not recorded) when
 * the host has a Hyper-V CPUID answer; a recorded KVM_CAP_HYPERV of 0 is no.
 *
 * Return: 1 when it does; -EOPNOTSUPP when it does not, with the reason in
 * @err->message; -EINVAL when @host is NULL.
 * Thread safety: reads @host; any thread, as long as no other thread modifies
 * or frees @host meanwhile.
 */
KVMCPU_API int kvmcpu_hv_host_available(const struct kvmcpu_host *host, struct kvmcpu_error *err);

/**
 * kvmcpu_hv_preset_count() - the number of presets
 *
 * The presets are "none", "default", "windows" and "passthrough", in this order.
 *
 * Return: the count; kvmcpu_hv_preset_name() accepts 0 .. count - 1.
 * Thread safety: any thread; reads only constant data.
 */
KVMCPU_API size_t kvmcpu_hv_preset_count(void);

/**
 * kvmcpu_hv_preset_name() - a preset's name, as a spec's first token takes it
 * @index: 0 .. kvmcpu_hv_preset_count() - 1
 *
 * Return: a static string, or NULL when @index is out of range.
 * Thread safety: any thread; reads only constant data.
 */
KVMCPU_API const char *kvmcpu_hv_preset_name(size_t index);

/**
 * kvmcpu_hv_preset_summary() - one line on what the preset gives
 * @index: 0 .. kvmcpu_hv_preset_count() - 1
 *
 * Return: a static string, or NULL when @index is out of range.
 * Thread safety: any thread; reads only constant data.
 */
KVMCPU_API const char *kvmcpu_hv_preset_summary(size_t index);

/**
 * kvmcpu_hv_preset_contains() - whether a preset holds a flag
 * @index: the preset, 0 .. kvmcpu_hv_preset_count() - 1
 * @f: the flag, or NULL
 * @nested: for a guest with nested_virt (the answer is for an Intel-compatible
 *          guest; AMD guests never get evmcs).
 *
 * For passthrough this is the candidate set; the host decides the rest.
 *
 * Return: true when it does; false otherwise, or when @index is out of range
 * or @f is NULL.
 * Thread safety: any thread; reads only constant data.
 */
KVMCPU_API bool kvmcpu_hv_preset_contains(size_t index, const struct kvmcpu_hv_flag *f,
					  bool nested);

#ifdef __cplusplus
}
#endif
#endif
