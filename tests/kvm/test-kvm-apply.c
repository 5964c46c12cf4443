/* SPDX-License-Identifier: MIT */
/*
 * kvmcpu_result_apply() and the VM helper: the happy path, and every error
 * names the ioctl and the capability/MSR/device involved.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "kvm-test.h"
#include "resolve/result-priv.h"

static int apply_fresh(const struct kvmcpu_result *r, struct kvmcpu_error *err)
{
	struct kvmcpu_vm *vm = NULL;
	int rc = kvmcpu_vm_new(NULL, 1, 0, &vm, err);
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

int main(void)
{
	test_device_errors();
	require_kvm();
	struct kvmcpu_host *host = live_host();
	struct kvmcpu_result *r = resolve_spec(host, "Haswell", NULL);
	struct kvmcpu_error err;

	struct kvmcpu_vm *vm = NULL;
	CHECK_EQ(kvmcpu_vm_new(NULL, 2, 1 << 20, &vm, &err), 0);
	CHECK_EQ(kvmcpu_vm_vcpu_count(vm), 2);
	CHECK(kvmcpu_vm_fd(vm) >= 0);
	CHECK_EQ(kvmcpu_vm_vcpu_fd(vm, 2), -1);
	size_t size;
	CHECK(kvmcpu_vm_mem(vm, &size) != NULL);
	CHECK_EQ(size, 1 << 20);
	CHECK_EQ(kvmcpu_result_apply(r, kvmcpu_vm_vcpu_fd(vm, 0), 0, &err), 0);
	CHECK_EQ(kvmcpu_result_apply(r, kvmcpu_vm_vcpu_fd(vm, 1), 1, &err), 0);
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

	/* A table KVM_SET_CPUID2 cannot take: XTILEDATA without permission (see compare.c). */
	memcpy(bad, r, sizeof(*bad));
	struct kvmcpu_cpuid_entry *xs = kc_result_get(bad, 0xd, 0);
	if (xs) {
		xs->eax |= 1u << 18;
		int rc = apply_fresh(bad, &err);
		if (rc)
			CHECK_STR_CONTAINS(err.message, "KVM_SET_CPUID2");
		printf("XTILEDATA without permission: %s\n", rc ? err.message : "accepted");
	}
	free(bad); /* shallow copies: the notices belong to r */

	kvmcpu_result_free(r);
	kvmcpu_host_free(host);
	return check_finish("test-kvm-apply");
}
