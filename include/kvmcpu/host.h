/* SPDX-License-Identifier: MIT */
/*
 * A host: what a KVM host can give a guest. It is either read live from
 * /dev/kvm or loaded from a recording (JSON written by kvmcpu_host_save, or
 * the line-based text format of docs/host-format.md). Both produce the same
 * normalized object. A host is immutable once loaded: any number of threads
 * may read it and resolve against it at once. Only the kvmcpu_host_add_* and
 * kvmcpu_host_set_info calls, meant for tools that build a host by hand,
 * change it; the caller keeps other threads off a host while it builds it.
 */
#ifndef KVMCPU_HOST_H
#define KVMCPU_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "cpuid.h"

#ifdef __cplusplus
extern "C" {
#endif

/* An opaque host, owned by the caller from creation to kvmcpu_host_free(). */
struct kvmcpu_host;

/**
 * kvmcpu_host_open_live() - read this machine's KVM host
 * @dev_path: the KVM device; NULL means "/dev/kvm"
 * @out: receives the new host, or NULL on failure
 * @err: error record, or NULL
 *
 * Asks KVM_GET_SUPPORTED_CPUID, the feature MSRs (KVM_GET_MSR_FEATURE_INDEX_LIST),
 * the KVM capabilities the library uses, KVM_GET_SUPPORTED_HV_CPUID when the
 * kernel has it, and records the kernel release, the KVM vendor module and the
 * TSC rate of a scratch vCPU (KVM_GET_TSC_KHZ). On a kernel that offers AMX
 * tile data it first asks for the calling process's guest permission for it
 * (arch_prctl ARCH_REQ_XCOMP_GUEST_PERM, as QEMU does), without which KVM leaves
 * AMX out of its table; a VMM needs that permission anyway to give AMX to a guest.
 *
 * Return: 0 on success; -EINVAL when @out is NULL; -ENOENT when the device
 * does not exist; -EACCES when it may not be opened; -EOPNOTSUPP when it is
 * not a KVM device of API version 12; -ENOMEM; or the negated errno of the
 * failing ioctl. The caller frees *@out with kvmcpu_host_free().
 * Thread safety: any thread; creates a new object.
 */
KVMCPU_API int kvmcpu_host_open_live(const char *dev_path, struct kvmcpu_host **out,
				     struct kvmcpu_error *err);

/**
 * kvmcpu_host_load() - load a recorded host from a file
 * @path: a recording, told apart by its content: kvmcpu's JSON or text host
 *        format, or a recording of another tool (kvmcpu_host_source_format(),
 *        docs/host-format.md)
 * @out: receives the new host, or NULL on failure
 * @err: error record, or NULL; the message names the file, line and value at fault
 *
 * Return: 0 on success; -EINVAL when @path or @out is NULL or the content is
 * not a valid host (no CPUID entries, a malformed line, a duplicate entry);
 * the negated errno when the file cannot be read; -ENOMEM. The caller frees
 * *@out with kvmcpu_host_free().
 * Thread safety: any thread; creates a new object.
 */
KVMCPU_API int kvmcpu_host_load(const char *path, struct kvmcpu_host **out,
				struct kvmcpu_error *err);

/**
 * kvmcpu_host_load_mem() - load a recorded host from memory
 * @data: the recording, JSON or text; need not be NUL-terminated
 * @len: its length in bytes
 * @origin: the name messages give the input (and kvmcpu_host_origin()); NULL: "<memory>"
 * @out: receives the new host, or NULL on failure
 * @err: error record, or NULL
 *
 * Return: as kvmcpu_host_load(); @data is not kept after the call.
 * Thread safety: any thread; creates a new object.
 */
KVMCPU_API int kvmcpu_host_load_mem(const char *data, size_t len, const char *origin,
				    struct kvmcpu_host **out, struct kvmcpu_error *err);

/**
 * enum kvmcpu_host_format - the two recording formats
 * @KVMCPU_HOST_JSON: JSON, docs/host-format.md
 * @KVMCPU_HOST_TEXT: the line-based text format, docs/host-format.md
 */
enum kvmcpu_host_format { KVMCPU_HOST_JSON = 0, KVMCPU_HOST_TEXT = 1 };

/**
 * kvmcpu_host_save() - write a host to a file descriptor
 * @h: the host
 * @fd: an open file descriptor the caller owns; it is written, not closed
 * @format: KVMCPU_HOST_JSON or KVMCPU_HOST_TEXT
 * @err: error record, or NULL
 *
 * kvmcpu_host_load() reads the output back into an equal host.
 *
 * Return: 0 on success; -EINVAL when @h is NULL, @fd is negative or @format
 * unknown; the negated errno of a failed write; -ENOMEM.
 * Thread safety: reads @h; any thread.
 */
KVMCPU_API int kvmcpu_host_save(const struct kvmcpu_host *h, int fd, enum kvmcpu_host_format format,
				struct kvmcpu_error *err);

/**
 * kvmcpu_host_save_mem() - write a host into a caller buffer
 * @h: the host
 * @format: KVMCPU_HOST_JSON or KVMCPU_HOST_TEXT
 * @buf: the buffer; may be NULL when @size is 0
 * @size: its size in bytes
 * @len: receives the length of the whole recording, without the NUL (may be NULL)
 * @err: error record, or NULL
 *
 * Like snprintf(): call once with @size 0 to learn the length, then with a
 * buffer of at least *@len + 1 bytes. On success @buf holds the recording
 * and a terminating NUL; on -ENOBUFS @buf is left as it was.
 *
 * Return: 0 on success; -ENOBUFS when the recording and its NUL do not fit
 * in @size bytes (*@len still gets the length); -EINVAL when @h is NULL, or
 * @buf is NULL with a non-zero @size, or @format is unknown; -ENOMEM.
 * Thread safety: reads @h; any thread.
 */
KVMCPU_API int kvmcpu_host_save_mem(const struct kvmcpu_host *h, enum kvmcpu_host_format format,
				    char *buf, size_t size, size_t *len, struct kvmcpu_error *err);

/**
 * kvmcpu_host_new() - an empty host, to be filled by the kvmcpu_host_add_* calls
 * @out: receives the new host, or NULL on failure
 * @err: error record, or NULL
 *
 * For tools and tests that build a host by hand; kvmcpu_host_load_mem() is the
 * usual way to make one from data.
 *
 * Return: 0 on success; -EINVAL when @out is NULL; -ENOMEM. The caller frees
 * *@out with kvmcpu_host_free().
 * Thread safety: any thread; creates a new object.
 */
KVMCPU_API int kvmcpu_host_new(struct kvmcpu_host **out, struct kvmcpu_error *err);

/**
 * kvmcpu_host_free() - free a host
 * @h: the host; NULL does nothing
 *
 * Every pointer obtained from @h (entries, strings) becomes invalid. Results
 * resolved against @h do not point into it and stay valid.
 * Thread safety: no other thread may use @h during or after the call.
 */
KVMCPU_API void kvmcpu_host_free(struct kvmcpu_host *h);

/**
 * kvmcpu_host_add_cpuid() - add a supported CPUID entry
 * @h: the host
 * @e: the entry, copied (its padding is zeroed)
 * @err: error record, or NULL
 *
 * Return: 0 on success; -EINVAL when @h or @e is NULL; -EEXIST when the host
 * already has (function, index); -ENOMEM.
 * Thread safety: writes @h; no other thread may use @h meanwhile.
 */
KVMCPU_API int kvmcpu_host_add_cpuid(struct kvmcpu_host *h, const struct kvmcpu_cpuid_entry *e,
				     struct kvmcpu_error *err);

/**
 * kvmcpu_host_add_hv_cpuid() - add an entry of the supported Hyper-V CPUID
 * @h: the host
 * @e: the entry (an answer of KVM_GET_SUPPORTED_HV_CPUID), copied
 * @err: error record, or NULL
 *
 * Also marks the host's Hyper-V CPUID as known (kvmcpu_host_has_hv_cpuid()).
 *
 * Return: 0 on success; -EINVAL when @h or @e is NULL; -EEXIST when the host
 * already has (function, index); -ENOMEM.
 * Thread safety: writes @h; no other thread may use @h meanwhile.
 */
KVMCPU_API int kvmcpu_host_add_hv_cpuid(struct kvmcpu_host *h, const struct kvmcpu_cpuid_entry *e,
					struct kvmcpu_error *err);

/**
 * kvmcpu_host_add_cap() - record the answer of KVM_CHECK_EXTENSION for a capability
 * @h: the host
 * @name: the capability's name in <linux/kvm.h> ("KVM_CAP_HYPERV"), copied; at most 47 bytes
 * @value: what KVM_CHECK_EXTENSION returned
 * @err: error record, or NULL
 *
 * Return: 0 on success; -EINVAL when @h is NULL or @name is NULL, empty or
 * too long; -EEXIST when @name is already recorded; -ENOMEM.
 * Thread safety: writes @h; no other thread may use @h meanwhile.
 */
KVMCPU_API int kvmcpu_host_add_cap(struct kvmcpu_host *h, const char *name, int64_t value,
				   struct kvmcpu_error *err);

/**
 * kvmcpu_host_add_msr() - record the value of a feature MSR (KVM_GET_MSRS on /dev/kvm)
 * @h: the host
 * @index: the MSR
 * @value: its value
 * @err: error record, or NULL
 *
 * Return: 0 on success; -EINVAL when @h is NULL; -EEXIST when @index is
 * already recorded; -ENOMEM.
 * Thread safety: writes @h; no other thread may use @h meanwhile.
 */
KVMCPU_API int kvmcpu_host_add_msr(struct kvmcpu_host *h, uint32_t index, uint64_t value,
				   struct kvmcpu_error *err);

/**
 * kvmcpu_host_set_info() - set where the host came from and what ran it
 * @h: the host
 * @origin: kvmcpu_host_origin(); NULL leaves it as it is
 * @kernel: kvmcpu_host_kernel(); NULL leaves it as it is
 * @module: kvmcpu_host_module(); NULL leaves it as it is
 * @err: error record, or NULL
 *
 * The strings are copied (and cut at 255, 127 and 31 bytes).
 *
 * Return: 0 on success; -EINVAL when @h is NULL.
 * Thread safety: writes @h; no other thread may use @h meanwhile.
 */
KVMCPU_API int kvmcpu_host_set_info(struct kvmcpu_host *h, const char *origin, const char *kernel,
				    const char *module, struct kvmcpu_error *err);

/**
 * kvmcpu_host_cpuid_count() - the number of supported CPUID entries
 * @h: the host
 *
 * Return: the count, 0 when @h is NULL.
 * Thread safety: reads @h; any thread.
 */
KVMCPU_API size_t kvmcpu_host_cpuid_count(const struct kvmcpu_host *h);

/**
 * kvmcpu_host_cpuid_at() - a supported CPUID entry by position, in (function, index) order
 * @h: the host
 * @i: 0 <= @i < kvmcpu_host_cpuid_count()
 *
 * Return: the entry, valid until @h is changed or freed; NULL when @h is NULL
 * or @i is out of range.
 * Thread safety: reads @h; any thread.
 */
KVMCPU_API const struct kvmcpu_cpuid_entry *kvmcpu_host_cpuid_at(const struct kvmcpu_host *h,
								 size_t i);

/**
 * kvmcpu_host_cpuid_find() - the supported CPUID entry a guest query would hit
 * @h: the host
 * @function: the leaf
 * @index: the subleaf; a leaf without KVMCPU_CPUID_FLAG_SIGNIFICANT_INDEX answers any
 *
 * Return: the entry, valid until @h is changed or freed; NULL when the host
 * does not supply it or @h is NULL.
 * Thread safety: reads @h; any thread.
 */
KVMCPU_API const struct kvmcpu_cpuid_entry *kvmcpu_host_cpuid_find(const struct kvmcpu_host *h,
								   uint32_t function,
								   uint32_t index);

/**
 * kvmcpu_host_hv_cpuid_count() - the number of supported Hyper-V CPUID entries
 * @h: the host
 *
 * Return: the count (0 when KVM_GET_SUPPORTED_HV_CPUID is unknown or @h is NULL).
 * Thread safety: reads @h; any thread.
 */
KVMCPU_API size_t kvmcpu_host_hv_cpuid_count(const struct kvmcpu_host *h);

/**
 * kvmcpu_host_hv_cpuid_at() - a supported Hyper-V CPUID entry by position
 * @h: the host
 * @i: 0 <= @i < kvmcpu_host_hv_cpuid_count()
 *
 * Return: the entry, valid until @h is changed or freed; NULL when @h is NULL
 * or @i is out of range.
 * Thread safety: reads @h; any thread.
 */
KVMCPU_API const struct kvmcpu_cpuid_entry *kvmcpu_host_hv_cpuid_at(const struct kvmcpu_host *h,
								    size_t i);

/**
 * kvmcpu_host_hv_cpuid_find() - a supported Hyper-V CPUID entry by leaf
 * @h: the host
 * @function: the leaf (0x40000000..0x4000000A)
 * @index: the subleaf
 *
 * Return: the entry, valid until @h is changed or freed; NULL when absent or
 * @h is NULL.
 * Thread safety: reads @h; any thread.
 */
KVMCPU_API const struct kvmcpu_cpuid_entry *kvmcpu_host_hv_cpuid_find(const struct kvmcpu_host *h,
								      uint32_t function,
								      uint32_t index);

/**
 * kvmcpu_host_has_hv_cpuid() - whether the host's Hyper-V CPUID answer is known
 * @h: the host
 *
 * Return: true when KVM_GET_SUPPORTED_HV_CPUID was asked (live hosts) or
 * recorded, even with an empty answer; false otherwise and when @h is NULL.
 * Thread safety: reads @h; any thread.
 */
KVMCPU_API bool kvmcpu_host_has_hv_cpuid(const struct kvmcpu_host *h);

/**
 * kvmcpu_host_cap() - a recorded KVM capability by name
 * @h: the host
 * @name: "KVM_CAP_HYPERV", as in <linux/kvm.h>
 * @value: receives the KVM_CHECK_EXTENSION answer when recorded (may be NULL)
 *
 * Return: 1 when the capability is recorded, 0 when it is not or @h or
 * @name is NULL (then *@value is left alone).
 * Thread safety: reads @h; any thread.
 */
KVMCPU_API int kvmcpu_host_cap(const struct kvmcpu_host *h, const char *name, int64_t *value);

/**
 * kvmcpu_host_cap_count() - the number of recorded capabilities
 * @h: the host
 *
 * Return: the count, 0 when @h is NULL.
 * Thread safety: reads @h; any thread.
 */
KVMCPU_API size_t kvmcpu_host_cap_count(const struct kvmcpu_host *h);

/**
 * kvmcpu_host_cap_at() - a recorded capability by position, in recording order
 * @h: the host
 * @i: 0 <= @i < kvmcpu_host_cap_count()
 * @value: receives its value (may be NULL)
 *
 * Return: the capability's name, valid until @h is freed; NULL when @h is
 * NULL or @i is out of range.
 * Thread safety: reads @h; any thread.
 */
KVMCPU_API const char *kvmcpu_host_cap_at(const struct kvmcpu_host *h, size_t i, int64_t *value);

/**
 * kvmcpu_host_msr() - a recorded feature MSR by index
 * @h: the host
 * @index: the MSR
 * @value: receives its value when recorded (may be NULL)
 *
 * Return: 1 when the host reported the MSR, 0 when not or @h is NULL.
 * Thread safety: reads @h; any thread.
 */
KVMCPU_API int kvmcpu_host_msr(const struct kvmcpu_host *h, uint32_t index, uint64_t *value);

/**
 * kvmcpu_host_msr_count() - the number of recorded feature MSRs
 * @h: the host
 *
 * Return: the count, 0 when @h is NULL.
 * Thread safety: reads @h; any thread.
 */
KVMCPU_API size_t kvmcpu_host_msr_count(const struct kvmcpu_host *h);

/**
 * kvmcpu_host_msr_at() - a recorded feature MSR by position, in MSR order
 * @h: the host
 * @i: 0 <= @i < kvmcpu_host_msr_count()
 * @value: receives its value (may be NULL)
 *
 * Return: the MSR index; 0 when @h is NULL or @i is out of range.
 * Thread safety: reads @h; any thread.
 */
KVMCPU_API uint32_t kvmcpu_host_msr_at(const struct kvmcpu_host *h, size_t i, uint64_t *value);

/**
 * kvmcpu_host_origin() - where the host came from
 * @h: the host
 *
 * Return: "live:/dev/kvm", the file name or the load_mem origin, valid until
 * @h is changed or freed; NULL when @h is NULL.
 * Thread safety: reads @h; any thread.
 */
KVMCPU_API const char *kvmcpu_host_origin(const struct kvmcpu_host *h);

/**
 * kvmcpu_host_kernel() - the kernel release that answered ("6.1.0-18-amd64")
 * @h: the host
 *
 * Return: the string, "" when unknown, valid until @h is changed or freed;
 * NULL when @h is NULL.
 * Thread safety: reads @h; any thread.
 */
KVMCPU_API const char *kvmcpu_host_kernel(const struct kvmcpu_host *h);

/**
 * kvmcpu_host_module() - the KVM vendor module ("kvm_intel", "kvm_amd", "kvm_pvm")
 * @h: the host
 *
 * Return: the string, "" when unknown, valid until @h is changed or freed;
 * NULL when @h is NULL.
 * Thread safety: reads @h; any thread.
 */
KVMCPU_API const char *kvmcpu_host_module(const struct kvmcpu_host *h);

/**
 * kvmcpu_host_vendor() - the vendor string of CPUID leaf 0 ("GenuineIntel")
 * @h: the host
 *
 * Return: the string, "" when leaf 0 is absent, valid until @h is freed;
 * NULL when @h is NULL.
 * Thread safety: reads @h; any thread.
 */
KVMCPU_API const char *kvmcpu_host_vendor(const struct kvmcpu_host *h);

/**
 * kvmcpu_host_tsc_khz() - the TSC rate a new vCPU of this host gets
 * @h: the host
 *
 * Whether KVM can give a guest another rate is KVM_CAP_TSC_CONTROL (kvmcpu_host_cap()).
 *
 * Return: the rate in kHz (KVM_GET_TSC_KHZ on a scratch vCPU); 0 when it was
 * not recorded or @h is NULL.
 * Thread safety: reads @h; any thread.
 */
KVMCPU_API uint32_t kvmcpu_host_tsc_khz(const struct kvmcpu_host *h);

/**
 * kvmcpu_host_set_tsc_khz() - set the recorded TSC rate
 * @h: the host
 * @khz: the rate in kHz; 0 means unknown
 *
 * Return: 0 on success; -EINVAL when @h is NULL.
 * Thread safety: writes @h; no other thread may use @h meanwhile.
 */
KVMCPU_API int kvmcpu_host_set_tsc_khz(struct kvmcpu_host *h, uint32_t khz);

/**
 * enum kvmcpu_host_kind - what a host's CPUID describes (docs/host-format.md,
 * "Kinds of recording")
 * @KVMCPU_HOST_KVM: what KVM_GET_SUPPORTED_CPUID reported (live hosts, and every
 *                   recording that does not say otherwise)
 * @KVMCPU_HOST_RAW_CPUID: a processor's own CPUID dump taken on bare metal; the
 *                   bits KVM itself sets or synthesizes on such a processor are
 *                   added before a guest is resolved against it
 */
enum kvmcpu_host_kind { KVMCPU_HOST_KVM = 0, KVMCPU_HOST_RAW_CPUID = 1 };

/**
 * kvmcpu_host_kind() - what the host's CPUID describes
 * @h: the host
 *
 * Return: the kind; KVMCPU_HOST_KVM when @h is NULL.
 * Thread safety: reads @h; any thread.
 */
KVMCPU_API enum kvmcpu_host_kind kvmcpu_host_kind(const struct kvmcpu_host *h);

/**
 * kvmcpu_host_set_kind() - mark what a host built by hand describes
 * @h: the host
 * @kind: the kind
 *
 * Return: 0 on success; -EINVAL when @h is NULL or @kind is unknown.
 * Thread safety: writes @h; no other thread may use @h meanwhile.
 */
KVMCPU_API int kvmcpu_host_set_kind(struct kvmcpu_host *h, enum kvmcpu_host_kind kind);

/**
 * kvmcpu_host_kind_name() - the kind's name in recordings
 * @kind: the kind
 *
 * Return: "kvm" or "raw-cpuid", static; NULL for an unknown kind.
 * Thread safety: any thread.
 */
KVMCPU_API const char *kvmcpu_host_kind_name(enum kvmcpu_host_kind kind);

/**
 * kvmcpu_host_source_format() - the format the host was read from
 * @h: the host
 *
 * Return: "live" (/dev/kvm), "kvmcpu-json", "kvmcpu-text", or the tool whose
 * recording was imported: "firecracker-fingerprint" (Firecracker's
 * cpu-template-helper fingerprint dump), "cpuid-r" (the cpuid tool's raw output),
 * "instlatx64" (an InstLatx64 / AIDA64 CPUID dump); "" for a host built by hand.
 * Static or valid until @h is freed; NULL when @h is NULL.
 * Thread safety: reads @h; any thread.
 */
KVMCPU_API const char *kvmcpu_host_source_format(const struct kvmcpu_host *h);

#ifdef __cplusplus
}
#endif
#endif
