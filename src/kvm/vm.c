/* SPDX-License-Identifier: MIT */
/* The minimal VM helper: /dev/kvm, a VM, one memory slot and some vCPUs. */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kvm/kvm-priv.h"
#include "kvmcpu/result.h"
#include "util/kvm-sys.h"
#include "util/util.h"

#define KC_MAX_VCPUS 64

struct kvmcpu_vm {
	int kvm_fd;
	int vm_fd;
	void *mem;
	size_t mem_size;
	size_t run_size;
	unsigned nvcpus;
	int vcpu_fd[KC_MAX_VCPUS];
	void *vcpu_run[KC_MAX_VCPUS];
};

void kvmcpu_vm_free(struct kvmcpu_vm *vm)
{
	if (!vm)
		return;
	for (unsigned i = 0; i < vm->nvcpus; i++) {
		if (vm->vcpu_run[i])
			kc_munmap(vm->vcpu_run[i], vm->run_size);
		if (vm->vcpu_fd[i] >= 0)
			kc_close(vm->vcpu_fd[i]);
	}
	if (vm->vm_fd >= 0)
		kc_close(vm->vm_fd);
	if (vm->mem)
		kc_munmap(vm->mem, vm->mem_size);
	if (vm->kvm_fd >= 0)
		kc_close(vm->kvm_fd);
	free(vm);
}

static int open_device(struct kvmcpu_vm *vm, const char *path, struct kvmcpu_error *err)
{
	vm->kvm_fd = kc_open(path, O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd < 0) {
		int e = errno;
		if (e == ENOENT || e == ENODEV || e == ENXIO)
			return kc_fail(err, -ENOENT,
				       "load the kvm module (kvm_intel or kvm_amd), or "
				       "run on a host with hardware virtualization",
				       "cannot open %s: %s", path, strerror(e));
		if (e == EACCES || e == EPERM)
			return kc_fail(err, -EACCES, "add the user to the kvm group or run as root",
				       "cannot open %s: %s", path, strerror(e));
		return kc_fail(err, -e, NULL, "cannot open %s: %s", path, strerror(e));
	}
	int version = kc_ioctl(vm->kvm_fd, KVM_GET_API_VERSION, 0);
	if (version != KVM_API_VERSION)
		return kc_fail(err, -EOPNOTSUPP, NULL,
			       "%s is not a KVM device with API version %d (KVM_GET_API_VERSION "
			       "returned %d)",
			       path, KVM_API_VERSION, version);
	return 0;
}

static int require_cap(struct kvmcpu_vm *vm, const char *path, long cap, const char *name,
		       struct kvmcpu_error *err)
{
	if (kc_ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, cap) > 0)
		return 0;
	return kc_fail(err, -EOPNOTSUPP, "use a kernel with this KVM capability",
		       "%s lacks %s, which the VM helper needs", path, name);
}

static int add_memory(struct kvmcpu_vm *vm, size_t size, struct kvmcpu_error *err)
{
	long page = sysconf(_SC_PAGESIZE);
	vm->mem_size = (size + (size_t)page - 1) / (size_t)page * (size_t)page;
	void *mem = kc_mmap(NULL, vm->mem_size, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (mem == MAP_FAILED)
		return kc_fail(err, -errno, NULL, "cannot map %zu bytes of guest memory: %s",
			       vm->mem_size, strerror(errno));
	vm->mem = mem;
	struct kvm_userspace_memory_region region = {
		.slot = 0,
		.guest_phys_addr = 0,
		.memory_size = vm->mem_size,
		.userspace_addr = (uintptr_t)mem,
	};
	if (kc_ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		return kc_fail(err, -errno, NULL,
			       "KVM_SET_USER_MEMORY_REGION (slot 0, %zu bytes) "
			       "failed: %s",
			       vm->mem_size, strerror(errno));
	return 0;
}

static int add_vcpu(struct kvmcpu_vm *vm, unsigned index, struct kvmcpu_error *err)
{
	int fd = kc_ioctl(vm->vm_fd, KVM_CREATE_VCPU, (unsigned long)index);
	if (fd < 0)
		return kc_fail(err, -errno, NULL, "KVM_CREATE_VCPU (vCPU %u) failed: %s", index,
			       strerror(errno));
	vm->vcpu_fd[index] = fd;
	void *run = kc_mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (run == MAP_FAILED)
		return kc_fail(err, -errno, NULL, "cannot map the kvm_run area of vCPU %u: %s",
			       index, strerror(errno));
	vm->vcpu_run[index] = run;
	return 0;
}

/*
 * AMX tile data (XSAVE component 18) is a dynamically enabled feature: KVM
 * refuses a CPUID table that offers it (EPERM) unless the process asked for
 * guest permission first, before its first vCPU exists (Linux
 * Documentation/arch/x86/xstate.rst). Hosts without AMX refuse the request,
 * which is then of no consequence.
 */
static void request_amx_permission(void)
{
	enum { ARCH_REQ_XCOMP_GUEST_PERM = 0x1025, XFEATURE_XTILE_DATA = 18 };
	(void)syscall(SYS_arch_prctl, ARCH_REQ_XCOMP_GUEST_PERM, XFEATURE_XTILE_DATA);
}

/*
 * The in-kernel interrupt controller every VMM creates (api.rst 4.24); KVM
 * accepts Hyper-V SynIC (KVM_CAP_HYPERV_SYNIC2) only with it. It must exist
 * before the first vCPU.
 */
static int create_irqchip(struct kvmcpu_vm *vm, struct kvmcpu_error *err)
{
	if (kc_ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_IRQCHIP) <= 0)
		return 0;
	if (kc_ioctl(vm->vm_fd, KVM_CREATE_IRQCHIP, 0) < 0)
		return kc_fail(err, -errno, NULL, "KVM_CREATE_IRQCHIP failed: %s", strerror(errno));
	return 0;
}

/* SynIC (the Hyper-V synthetic interrupt controller) lives in KVM's local APIC. */
static bool plan_needs_irqchip(const struct kvmcpu_result *plan)
{
	for (size_t i = 0; plan && i < kvmcpu_result_cap_count(plan); i++) {
		uint32_t cap = kvmcpu_result_cap_at(plan, i)->cap;
		if (cap == KVM_CAP_HYPERV_SYNIC || cap == KVM_CAP_HYPERV_SYNIC2)
			return true;
	}
	return false;
}

/* XCR0 bit 18 in leaf 0xD subleaf 0 EAX: the table offers AMX tile data. */
static bool plan_offers_amx(const struct kvmcpu_result *plan)
{
	const struct kvmcpu_cpuid_entry *d = plan ? kvmcpu_result_cpuid_find(plan, 0xd, 0) : NULL;
	return d && (d->eax & (1u << 18));
}

static int build_vm(struct kvmcpu_vm *vm, const struct kvmcpu_result *plan, const char *path,
		    unsigned nvcpus, size_t mem_size, struct kvmcpu_error *err)
{
	int rc = open_device(vm, path, err);
	if (rc)
		return rc;
	rc = require_cap(vm, path, KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY", err);
	if (rc)
		return rc;
	rc = require_cap(vm, path, KVM_CAP_EXT_CPUID, "KVM_CAP_EXT_CPUID (KVM_SET_CPUID2)", err);
	if (rc)
		return rc;
	int run_size = kc_ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (run_size <= 0)
		return kc_fail(err, run_size < 0 ? -errno : -EIO, NULL,
			       "KVM_GET_VCPU_MMAP_SIZE failed: %s",
			       run_size < 0 ? strerror(errno) : "size 0");
	vm->run_size = (size_t)run_size;
	vm->vm_fd = kc_ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	if (vm->vm_fd < 0)
		return kc_fail(err, -errno, NULL, "KVM_CREATE_VM failed: %s", strerror(errno));
	if (plan_offers_amx(plan))
		request_amx_permission();
	if (plan_needs_irqchip(plan)) {
		rc = create_irqchip(vm, err);
		if (rc)
			return rc;
	}
	if (mem_size) {
		rc = add_memory(vm, mem_size, err);
		if (rc)
			return rc;
	}
	for (unsigned i = 0; i < nvcpus; i++) {
		vm->nvcpus = i + 1;
		rc = add_vcpu(vm, i, err);
		if (rc)
			return rc;
	}
	return 0;
}

int kvmcpu_vm_new(const char *dev_path, unsigned nvcpus, size_t mem_size, struct kvmcpu_vm **out,
		  struct kvmcpu_error *err)
{
	return kvmcpu_vm_new_for(NULL, dev_path, nvcpus, mem_size, out, err);
}

int kvmcpu_vm_new_for(const struct kvmcpu_result *plan, const char *dev_path, unsigned nvcpus,
		      size_t mem_size, struct kvmcpu_vm **out, struct kvmcpu_error *err)
{
	kvmcpu_error_clear(err);
	if (!out)
		return kc_fail(err, -EINVAL, NULL, "kvmcpu_vm_new: out is NULL");
	*out = NULL;
	if (nvcpus > KC_MAX_VCPUS)
		return kc_fail(err, -EINVAL, NULL,
			       "%u vCPUs requested; the VM helper supports "
			       "at most %d",
			       nvcpus, KC_MAX_VCPUS);
	struct kvmcpu_vm *vm = calloc(1, sizeof(*vm));
	if (!vm)
		return kc_fail(err, -ENOMEM, NULL, "out of memory");
	vm->kvm_fd = vm->vm_fd = -1;
	for (unsigned i = 0; i < KC_MAX_VCPUS; i++)
		vm->vcpu_fd[i] = -1;
	int rc = build_vm(vm, plan, dev_path ? dev_path : "/dev/kvm", nvcpus, mem_size, err);
	if (rc) {
		kvmcpu_vm_free(vm);
		return rc;
	}
	*out = vm;
	return 0;
}

int kvmcpu_vm_fd(const struct kvmcpu_vm *vm)
{
	return vm ? vm->vm_fd : -1;
}

unsigned kvmcpu_vm_vcpu_count(const struct kvmcpu_vm *vm)
{
	return vm ? vm->nvcpus : 0;
}

int kvmcpu_vm_vcpu_fd(const struct kvmcpu_vm *vm, unsigned index)
{
	return vm && index < vm->nvcpus ? vm->vcpu_fd[index] : -1;
}

void *kvmcpu_vm_vcpu_run(const struct kvmcpu_vm *vm, unsigned index)
{
	return vm && index < vm->nvcpus ? vm->vcpu_run[index] : NULL;
}

void *kvmcpu_vm_mem(const struct kvmcpu_vm *vm, size_t *size)
{
	if (size)
		*size = vm ? vm->mem_size : 0;
	return vm ? vm->mem : NULL;
}
