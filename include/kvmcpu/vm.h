/* SPDX-License-Identifier: MIT */
#ifndef KVMCPU_VM_H
#define KVMCPU_VM_H

#include <stddef.h>

#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A minimal KVM virtual machine for callers that only need vCPUs to apply a
 * result to (tests, tools, the probe): /dev/kvm, the VM, one memory slot at
 * guest physical address 0 and @nvcpus vCPUs with their kvm_run areas.
 * Every file descriptor and mapping is released by kvmcpu_vm_free(), and on
 * every failure path of kvmcpu_vm_new().
 */
struct kvmcpu_vm;
struct kvmcpu_result;

/**
 * Creates a VM. @dev_path NULL means "/dev/kvm". @mem_size is rounded up to
 * the page size (0 means no memory slot). Fails with -ENOENT when the device
 * is absent, -EACCES when it is not accessible, -EOPNOTSUPP when the kernel
 * lacks a capability the helper needs, or the errno of the failing ioctl.
 * @return 0 on success, negative errno on failure
 */
KVMCPU_API int kvmcpu_vm_new(const char *dev_path, unsigned nvcpus, size_t mem_size,
			     struct kvmcpu_vm **out, struct kvmcpu_error *err);
/**
 * The same, for a VM that will take @plan (a resolved result; NULL for none):
 * first does what must happen before any vCPU exists: an in-kernel irqchip
 * (KVM_CREATE_IRQCHIP) when the plan enables Hyper-V SynIC, and the process's
 * guest permission for AMX tile data (arch_prctl ARCH_REQ_XCOMP_GUEST_PERM)
 * when the table offers it. A VMM of its own does the same before
 * KVM_CREATE_VCPU.
 */
KVMCPU_API int kvmcpu_vm_new_for(const struct kvmcpu_result *plan, const char *dev_path,
				 unsigned nvcpus, size_t mem_size, struct kvmcpu_vm **out,
				 struct kvmcpu_error *err);
/** Closes every fd and unmaps everything. Accepts NULL. */
KVMCPU_API void kvmcpu_vm_free(struct kvmcpu_vm *vm);

/** The VM fd (owned by @vm). */
KVMCPU_API int kvmcpu_vm_fd(const struct kvmcpu_vm *vm);
KVMCPU_API unsigned kvmcpu_vm_vcpu_count(const struct kvmcpu_vm *vm);
/** The fd of vCPU @index (owned by @vm), or -1 when out of range. */
KVMCPU_API int kvmcpu_vm_vcpu_fd(const struct kvmcpu_vm *vm, unsigned index);
/** The mmap()ed struct kvm_run of vCPU @index, or NULL when out of range. */
KVMCPU_API void *kvmcpu_vm_vcpu_run(const struct kvmcpu_vm *vm, unsigned index);
/** Host address of guest physical address 0; *size gets the slot size. */
KVMCPU_API void *kvmcpu_vm_mem(const struct kvmcpu_vm *vm, size_t *size);

#ifdef __cplusplus
}
#endif
#endif
