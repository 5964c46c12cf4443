/* SPDX-License-Identifier: MIT */
/*
 * kvmcpu_result_apply() and the VM helper: the happy path, and every error
 * names the ioctl and the capability/MSR/device involved.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <linux/kvm.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>

#include "kvm-test.h"
#include "result/result-priv.h"

static int ioctl_check(long cap)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int v = ioctl(fd, KVM_CHECK_EXTENSION, cap);
	close(fd);
	return v;
}

static int apply_fresh(const struct kvmcpu_result *r, struct kvmcpu_error *err)
{
	struct kvmcpu_vm *vm = NULL;
	int rc = kvmcpu_vm_new_for(r, NULL, 1, 0, &vm, err);
	if (!rc)
		rc = kvmcpu_result_apply(r, kvmcpu_vm_vcpu_fd(vm, 0), 0, err);
	kvmcpu_vm_free(vm);
	return rc;
}

static void test_device_errors(void)
{
	struct kvmcpu_error err;
	struct kvmcpu_vm *vm = (struct kvmcpu_vm *)1;
	CHECK_EQ(kvmcpu_vm_new("/nonexistent/kvm", 1, 0, &vm, &err), -ENOENT);
	CHECK(vm == NULL);
	CHECK_STR_CONTAINS(err.message, "/nonexistent/kvm");
	CHECK(err.hint[0] != '\0');

	/* A file that is not a KVM device. */
	char path[] = "/tmp/kvmcpu-notkvm-XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	close(fd);
	CHECK_EQ(kvmcpu_vm_new(path, 1, 0, &vm, &err), -EOPNOTSUPP);
	CHECK_STR_CONTAINS(err.message, "not a KVM device");
	unlink(path);

	CHECK_EQ(kvmcpu_vm_new(NULL, 1000, 0, &vm, &err), -EINVAL);
	kvmcpu_vm_free(NULL);
}

/*
 * A plan with SynIC gets an in-kernel irqchip before its vCPUs: creating one
 * again then fails with EEXIST; without SynIC there is none, and it succeeds.
 */
static void test_irqchip_for_synic(const struct kvmcpu_result *base)
{
	if (ioctl_check(KVM_CAP_IRQCHIP) <= 0) {
		printf("SKIP (loudly): this KVM has no in-kernel irqchip; SynIC plans cannot run here\n");
		return;
	}
	struct kvmcpu_result *plan = kc_result_new();
	CHECK(plan != NULL);
	if (!plan)
		return;
	memcpy(plan->entries, base->entries, base->nentries * sizeof(base->entries[0]));
	plan->nentries = base->nentries;
	struct kvmcpu_error err;
	struct kvmcpu_vm *vm = NULL;
	/* No vCPUs: KVM_CREATE_IRQCHIP is allowed only before the first one. */
	CHECK_EQ(kvmcpu_vm_new_for(plan, NULL, 0, 0, &vm, &err), 0);
	CHECK_EQ(ioctl(kvmcpu_vm_fd(vm), KVM_CREATE_IRQCHIP, 0), 0);
	kvmcpu_vm_free(vm);
	struct kvmcpu_cap synic = { .cap = KVM_CAP_HYPERV_SYNIC2, .name = "KVM_CAP_HYPERV_SYNIC2" };
	kc_result_add_cap(plan, &synic);
	CHECK_EQ(kvmcpu_vm_new_for(plan, NULL, 0, 0, &vm, &err), 0);
	errno = 0;
	CHECK_EQ(ioctl(kvmcpu_vm_fd(vm), KVM_CREATE_IRQCHIP, 0), -1);
	CHECK_EQ(errno, EEXIST);
	kvmcpu_vm_free(vm);
	kvmcpu_result_free(plan);
}

/* KVM keeps the table it was given: what vCPU @fd holds at (fn, idx). */
static bool vcpu_entry(int fd, uint32_t fn, uint32_t idx, struct kvm_cpuid_entry2 *out)
{
	struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + 256 * sizeof(c->entries[0]));
	bool found = false;
	if (!c)
		return false;
	c->nent = 256;
	if (ioctl(fd, KVM_GET_CPUID2, c) == 0)
		for (uint32_t i = 0; i < c->nent && !found; i++)
			if (c->entries[i].function == fn && c->entries[i].index == idx) {
				*out = c->entries[i];
				found = true;
			}
	free(c);
	return found;
}

/*
 * smp=2,threads=2: each vCPU gets its own APIC ID (QEMU's layout: the thread
 * ID is the low bit), in leaf 1 EBX[31:24] and 0xB EDX, and both see two
 * logical processors per package (EBX[23:16]).
 */
static void test_apply_per_vcpu(const struct kvmcpu_host *host, struct kvmcpu_vm *vm)
{
	struct kvmcpu_error err;
	struct kvmcpu_config *cfg = NULL;
	struct kvmcpu_result *r = NULL;
	CHECK_EQ(kvmcpu_config_parse("cpu=Haswell,smp=2,threads=2", &cfg, &err), 0);
	CHECK_EQ(kvmcpu_resolve(cfg, host, &r, &err), 0);
	kvmcpu_config_free(cfg);
	if (!r)
		return;
	CHECK_EQ(kvmcpu_result_vcpu_count(r), 2);
	for (unsigned i = 0; i < 2; i++) {
		int fd = kvmcpu_vm_vcpu_fd(vm, i);
		CHECK_EQ(kvmcpu_result_apply(r, fd, i, &err), 0);
		struct kvm_cpuid_entry2 e;
		CHECK(vcpu_entry(fd, 1, 0, &e));
		CHECK_EQ(e.ebx >> 24, i);
		CHECK_EQ((e.ebx >> 16) & 0xff, 2);
		CHECK(vcpu_entry(fd, 0xb, 0, &e));
		CHECK_EQ(e.edx, i);
	}
	CHECK_EQ(kvmcpu_result_apply(r, kvmcpu_vm_vcpu_fd(vm, 1), 2, &err), -EINVAL);
	CHECK_STR_CONTAINS(err.message, "vCPU 2 is outside the topology: it has 2 vCPUs");
	kvmcpu_result_free(r);
}

int main(void)
{
	test_device_errors();
	require_kvm();
	struct kvmcpu_host *host = live_host();
	struct kvmcpu_result *r = resolve_spec(host, "Haswell", NULL);
	struct kvmcpu_error err;
	test_irqchip_for_synic(r);

	struct kvmcpu_vm *vm = NULL;
	CHECK_EQ(kvmcpu_vm_new(NULL, 2, 1 << 20, &vm, &err), 0);
	CHECK_EQ(kvmcpu_vm_vcpu_count(vm), 2);
	CHECK(kvmcpu_vm_fd(vm) >= 0);
	CHECK_EQ(kvmcpu_vm_vcpu_fd(vm, 2), -1);
	size_t size;
	CHECK(kvmcpu_vm_mem(vm, &size) != NULL);
	CHECK_EQ(size, 1 << 20);
	CHECK_EQ(kvmcpu_result_apply(r, kvmcpu_vm_vcpu_fd(vm, 0), 0, &err), 0);
	/* The result is for one vCPU (no smp): vCPU 1 is outside its topology. */
	CHECK_EQ(kvmcpu_result_apply(r, kvmcpu_vm_vcpu_fd(vm, 1), 1, &err), -EINVAL);
	CHECK_STR_CONTAINS(err.message, "vCPU 1 is outside the topology");
	test_apply_per_vcpu(host, vm);
	kvmcpu_vm_free(vm);

	CHECK_EQ(kvmcpu_result_apply(r, -1, 0, &err), -EBADF);
	CHECK_EQ(kvmcpu_result_apply(NULL, 0, 0, &err), -EINVAL);

	/* A capability no kernel has. */
	struct kvmcpu_result *bad = malloc(sizeof(*bad));
	memcpy(bad, r, sizeof(*bad));
	struct kvmcpu_cap cap = { .cap = 0x7fff, .name = "KVM_CAP_BOGUS" };
	CHECK_EQ(kc_result_add_cap(bad, &cap), 0);
	CHECK(apply_fresh(bad, &err) < 0);
	CHECK_STR_CONTAINS(err.message, "KVM_ENABLE_CAP KVM_CAP_BOGUS");
	printf("bad capability: %s\n", err.message);

	/* An MSR no CPU has. */
	memcpy(bad, r, sizeof(*bad));
	CHECK_EQ(kc_result_add_msr(bad, 0xdeadbeef, 1, "BOGUS_MSR", false), 0);
	CHECK(apply_fresh(bad, &err) < 0);
	CHECK_STR_CONTAINS(err.message, "KVM_SET_MSRS BOGUS_MSR (0xdeadbeef)");
	printf("bad MSR: %s\n", err.message);

	/*
	 * AMX tile data (XCR0 bit 18): the VM helper asks for the guest permission, so
	 * KVM_SET_CPUID2 takes it exactly when the host's kernel supports AMX state.
	 */
	memcpy(bad, r, sizeof(*bad));
	struct kvmcpu_cpuid_entry *xs = kc_result_get(bad, 0xd, 0);
	CHECK(xs != NULL);
	if (xs) {
		xs->eax |= 1u << 18;
		uint64_t supported = 0;
		bool amx = !syscall(SYS_arch_prctl, 0x1021 /* ARCH_GET_XCOMP_SUPP */, &supported) &&
			   (supported & (1u << 18));
		int rc = apply_fresh(bad, &err);
		if (amx) {
			CHECK_EQ(rc, 0);
		} else {
			CHECK_EQ(rc, -EPERM);
			CHECK_STR_CONTAINS(err.message, "KVM_SET_CPUID2");
		}
		printf("XTILEDATA (host AMX state %s): %s\n", amx ? "yes" : "no",
		       rc ? err.message : "accepted");
	}
	free(bad); /* shallow copies: the notices belong to r */

	kvmcpu_result_free(r);
	kvmcpu_host_free(host);
	return check_finish("test-kvm-apply");
}
