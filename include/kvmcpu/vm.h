/* SPDX-License-Identifier: MIT */
/*
 * A minimal KVM virtual machine for callers that only need vCPUs to apply a
 * result to (tests, tools, the probe): /dev/kvm, the VM, one memory slot at
 * guest physical address 0 and some vCPUs with their kvm_run areas.
 * Every file descriptor and mapping is released by kvmcpu_vm_free(), and on
 * every failure path of kvmcpu_vm_new(). A VMM with its own VM needs none of
 * this: it applies a result to its own vCPU fds (kvmcpu_result_apply()).
 */
#ifndef KVMCPU_VM_H
#define KVMCPU_VM_H

#include <stddef.h>

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* An opaque VM, owned by the caller from creation to kvmcpu_vm_free(). */
struct kvmcpu_vm;
struct kvmcpu_result;

/**
 * kvmcpu_vm_new() - create a VM with vCPUs and guest memory
 * @dev_path: the KVM device; NULL means "/dev/kvm"
 * @nvcpus: the number of vCPUs, at most 64
 * @mem_size: bytes of guest memory at guest physical 0, rounded up to the page size; 0: none
 * @out: receives the new VM, or NULL on failure
 * @err: error record, or NULL
 *
 * Return: 0 on success; -EINVAL when @out is NULL or @nvcpus is above 64;
 * -ENOENT when the device is absent; -EACCES when it may not be opened;
 * -EOPNOTSUPP when the kernel lacks a capability the helper needs; -ENOMEM;
 * or the negated errno of the failing ioctl. Nothing is left open on failure.
 * The caller frees *@out with kvmcpu_vm_free().
 * Thread safety: any thread; creates a new object.
 */
KVMCPU_API int kvmcpu_vm_new(const char *dev_path, unsigned nvcpus, size_t mem_size,
			     struct kvmcpu_vm **out, struct kvmcpu_error *err);

/**
 * kvmcpu_vm_new_for() - create a VM prepared for a plan
 * @plan: the result that will be applied to its vCPUs; NULL: as kvmcpu_vm_new()
 * @dev_path: the KVM device; NULL means "/dev/kvm"
 * @nvcpus: the number of vCPUs, at most 64
 * @mem_size: bytes of guest memory at guest physical 0; 0: none
 * @out: receives the new VM, or NULL on failure
 * @err: error record, or NULL
 *
 * First does what must happen before any vCPU exists: an in-kernel irqchip
 * (KVM_CREATE_IRQCHIP) when the plan enables Hyper-V SynIC, and the process's
 * guest permission for AMX tile data (arch_prctl ARCH_REQ_XCOMP_GUEST_PERM)
 * when the table offers it. A VMM of its own does the same before
 * KVM_CREATE_VCPU.
 *
 * Return: as kvmcpu_vm_new().
 * Thread safety: reads @plan; any thread. The AMX permission is per process.
 */
KVMCPU_API int kvmcpu_vm_new_for(const struct kvmcpu_result *plan, const char *dev_path,
				 unsigned nvcpus, size_t mem_size, struct kvmcpu_vm **out,
				 struct kvmcpu_error *err);

/**
 * kvmcpu_vm_free() - close every fd of the VM and unmap its memory
 * @vm: the VM; NULL does nothing
 *
 * The fds and pointers obtained from @vm become invalid.
 * Thread safety: no other thread may use @vm or its vCPUs during or after the call.
 */
KVMCPU_API void kvmcpu_vm_free(struct kvmcpu_vm *vm);

/**
 * kvmcpu_vm_fd() - the VM file descriptor
 * @vm: the VM
 *
 * Return: the fd, owned by @vm (do not close it); -1 when @vm is NULL.
 * Thread safety: reads @vm; any thread.
 */
KVMCPU_API int kvmcpu_vm_fd(const struct kvmcpu_vm *vm);

/**
 * kvmcpu_vm_vcpu_count() - the number of vCPUs
 * @vm: the VM
 *
 * Return: the count, 0 when @vm is NULL.
 * Thread safety: reads @vm; any thread.
 */
KVMCPU_API unsigned kvmcpu_vm_vcpu_count(const struct kvmcpu_vm *vm);

/**
 * kvmcpu_vm_vcpu_fd() - the file descriptor of one vCPU
 * @vm: the VM
 * @index: 0 <= @index < kvmcpu_vm_vcpu_count()
 *
 * Return: the fd, owned by @vm (do not close it); -1 when @vm is NULL or
 * @index is out of range.
 * Thread safety: reads @vm; any thread. A vCPU fd is used by one thread at a time.
 */
KVMCPU_API int kvmcpu_vm_vcpu_fd(const struct kvmcpu_vm *vm, unsigned index);

/**
 * kvmcpu_vm_vcpu_run() - the mmap()ed struct kvm_run of one vCPU
 * @vm: the VM
 * @index: 0 <= @index < kvmcpu_vm_vcpu_count()
 *
 * Return: the mapping, valid until kvmcpu_vm_free(); NULL when @vm is NULL or
 * @index is out of range.
 * Thread safety: reads @vm; any thread.
 */
KVMCPU_API void *kvmcpu_vm_vcpu_run(const struct kvmcpu_vm *vm, unsigned index);

/**
 * kvmcpu_vm_mem() - the host address of guest physical address 0
 * @vm: the VM
 * @size: receives the slot size in bytes (may be NULL); 0 without memory
 *
 * Return: the mapping, valid until kvmcpu_vm_free(); NULL when the VM has no
 * memory or @vm is NULL.
 * Thread safety: reads @vm; any thread.
 */
KVMCPU_API void *kvmcpu_vm_mem(const struct kvmcpu_vm *vm, size_t *size);

#ifdef __cplusplus
}
#endif
#endif
