/* SPDX-License-Identifier: MIT */
/* The live host: what /dev/kvm reports, and every model resolved against it. */
#include <asm/prctl.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "helpers.h"

static void test_missing_device(void)
{
	struct kvmcpu_error err;
	struct kvmcpu_host *h = NULL;
	CHECK_EQ(kvmcpu_host_open_live("/nonexistent/kvm", &h, &err), -ENOENT);
	CHECK(h == NULL);
	CHECK_STR_CONTAINS(err.message, "cannot open /nonexistent/kvm");
	CHECK_STR_CONTAINS(err.hint, "path of the KVM device");
	/* A file that is not KVM: the API version ioctl fails. */
	CHECK(kvmcpu_host_open_live("/dev/null", &h, &err) < 0);
	CHECK_STR_CONTAINS(err.message, "/dev/null is not a KVM device");
	CHECK_EQ(err.code, -ENOTTY);
}

static void test_live(void)
{
	if (access("/dev/kvm", R_OK | W_OK)) {
		printf("SKIP (loudly): /dev/kvm is not usable here; the live host is not tested\n");
		exit(77);
	}
	struct kvmcpu_error err;
	struct kvmcpu_host *h;
	int rc = kvmcpu_host_open_live(NULL, &h, &err);
	CHECK_EQ(rc, 0);
	if (rc)
		return;
	CHECK(kvmcpu_host_cpuid_count(h) > 0);
	CHECK(strlen(kvmcpu_host_vendor(h)) == 12);
	CHECK(kvmcpu_host_cpuid_find(h, 0, 0) != NULL);
	CHECK_STR_CONTAINS(kvmcpu_host_origin(h), "live:/dev/kvm");
	int64_t v;
	/* Recorded whatever its value, so that fingerprints say "no Hyper-V" explicitly. */
	CHECK_EQ(kvmcpu_host_cap(h, "KVM_CAP_HYPERV", &v), 1);
	CHECK(kvmcpu_host_kernel(h)[0] != '\0');
	for (size_t i = 0; i < kvmcpu_model_count(); i++) {
		char params[96];
		snprintf(params, sizeof(params), "cpu=%s", kvmcpu_model_name(kvmcpu_model_at(i)));
		struct kvmcpu_result *r = resolve(params, h, &err);
		CHECK(r != NULL);
		if (!r) {
			fprintf(stderr, "%s: %s\n", params, err.message);
			continue;
		}
		/* Nothing the live host lacks: every CPUID word is within KVM_GET_SUPPORTED_CPUID
		 * (plus the hypervisor bit); checked on leaf 7 EBX, the widest word. */
		const struct kvmcpu_cpuid_entry *he = kvmcpu_host_cpuid_find(h, 7, 0);
		uint32_t host7 = he ? he->ebx : 0;
		const struct kvmcpu_cpuid_entry *ge = kvmcpu_result_cpuid_find(r, 7, 0);
		CHECK_EQ(ge ? ge->ebx & ~host7 : 0, 0);
		kvmcpu_result_free(r);
	}
	kvmcpu_host_free(h);
}

/*
 * AMX (XSAVE components 17 and 18): when the kernel offers tile data, reading the
 * live host asks for the process's guest permission first, so KVM's table holds
 * both components and their subleaves, with XFD (ECX bit 2) on tile data.
 */
static void test_live_amx(void)
{
	uint64_t supported = 0, guest_perm = 0;
	if (access("/dev/kvm", R_OK | W_OK))
		return;
	if (syscall(SYS_arch_prctl, ARCH_GET_XCOMP_SUPP, &supported) ||
	    !(supported & (1ull << 18))) {
		printf("NOT TESTED (loudly): this machine has no AMX (ARCH_GET_XCOMP_SUPP 0x%llx): the "
		       "guest-permission request before KVM_GET_SUPPORTED_CPUID is not exercised here; "
		       "the recorded Sapphire Rapids host covers the XFD flag (test-host-kind)\n",
		       (unsigned long long)supported);
		return;
	}
	/* What KVM would let a guest enable with permission (QEMU reads the same attribute). */
	uint64_t kvm_xcomp = 0;
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	struct kvm_device_attr attr = { .group = 0,
					.attr = KVM_X86_XCOMP_GUEST_SUPP,
					.addr = (uint64_t)(uintptr_t)&kvm_xcomp };
	int attr_rc = fd >= 0 ? ioctl(fd, KVM_GET_DEVICE_ATTR, &attr) : -1;
	if (fd >= 0)
		close(fd);
	if (attr_rc || !(kvm_xcomp & (1ull << 18))) {
		printf("NOT TESTED (loudly): the CPU has AMX but this KVM does not offer it to guests "
		       "(KVM_X86_XCOMP_GUEST_SUPP 0x%llx%s); only the permission request is checked\n",
		       (unsigned long long)kvm_xcomp, attr_rc ? ", attribute unreadable" : "");
		struct kvmcpu_error err;
		struct kvmcpu_host *h;
		CHECK_EQ(kvmcpu_host_open_live(NULL, &h, &err), 0);
		CHECK(!syscall(SYS_arch_prctl, ARCH_GET_XCOMP_GUEST_PERM, &guest_perm));
		CHECK_EQ(guest_perm & (1ull << 18), 1ull << 18);
		kvmcpu_host_free(h);
		return;
	}
	struct kvmcpu_error err;
	struct kvmcpu_host *h;
	CHECK_EQ(kvmcpu_host_open_live(NULL, &h, &err), 0);
	CHECK(!syscall(SYS_arch_prctl, ARCH_GET_XCOMP_GUEST_PERM, &guest_perm));
	CHECK_EQ(guest_perm & (3ull << 17), 3ull << 17);
	const struct kvmcpu_cpuid_entry *d0 = kvmcpu_host_cpuid_find(h, 0xd, 0);
	const struct kvmcpu_cpuid_entry *d18 = kvmcpu_host_cpuid_find(h, 0xd, 18);
	CHECK(d0 && (d0->eax & (3u << 17)) == 3u << 17);
	CHECK(d18 && d18->eax && (d18->ecx & 4));
	kvmcpu_host_free(h);
}

int main(void)
{
	test_missing_device();
	test_live_amx();
	test_live();
	return check_finish("test-live-host");
}
