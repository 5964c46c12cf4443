/* SPDX-License-Identifier: MIT */
/* Reads a live host from /dev/kvm (Documentation/virt/kvm/api.rst). */
#include <errno.h>
#include <fcntl.h>
#include <asm/prctl.h>
#include <linux/kvm.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "host/host-priv.h"
#include "host/hv-legacy.h"
#include "util/kvm-caps.h"
#include "util/util.h"

_Static_assert(sizeof(struct kvmcpu_cpuid_entry) == sizeof(struct kvm_cpuid_entry2),
	       "kvmcpu_cpuid_entry must match struct kvm_cpuid_entry2");

/*
 * KVM_GET_SUPPORTED_CPUID and KVM_GET_SUPPORTED_HV_CPUID fail with E2BIG when
 * nent is too small; grow and retry (api.rst 4.46). KVM builds the whole table
 * before it checks the size, so a failed try costs as much as a good one:
 * start at KVM's own limit (KVM_MAX_CPUID_ENTRIES, 256).
 */
static int get_cpuid2(int fd, unsigned long request, struct kvm_cpuid2 **out)
{
	*out = NULL;
	for (unsigned nent = 256; nent <= 4096; nent *= 2) {
		struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + nent * sizeof(c->entries[0]));
		if (!c)
			return -ENOMEM;
		c->nent = nent;
		if (ioctl(fd, request, c) == 0) {
			*out = c;
			return 0;
		}
		int e = errno;
		free(c);
		if (e != E2BIG)
			return e > 0 ? -e : -EIO;
	}
	return -E2BIG;
}

/* XSAVE state component 18, AMX tile data (SDM Vol. 1, 13.1); the only dynamic one. */
#define XFEATURE_XTILEDATA 18

/*
 * KVM_GET_SUPPORTED_CPUID leaves out AMX (XCR0 bits 17-18 in leaf 0xD and their
 * subleaves) unless the calling process holds the guest permission for tile data
 * (Documentation/arch/x86/xstate.rst; kvm_get_filtered_xcr0 in Linux). A VMM must
 * ask for it before it gives AMX to a guest, and QEMU asks before reading the
 * supported CPUID; so does kvmcpu, when the kernel offers tile data at all. The
 * permission is the process's from then on, and costs nothing until a guest uses AMX.
 */
static void request_amx_guest_permission(void)
{
	uint64_t supported = 0;
	if (syscall(SYS_arch_prctl, ARCH_GET_XCOMP_SUPP, &supported) ||
	    !(supported & (1ull << XFEATURE_XTILEDATA)))
		return;
	/* A failure leaves the table without AMX, as before: nothing else to do. */
	(void)syscall(SYS_arch_prctl, ARCH_REQ_XCOMP_GUEST_PERM, XFEATURE_XTILEDATA);
}

static int read_supported_cpuid(struct kvmcpu_host *h, int fd, struct kvmcpu_error *err)
{
	struct kvm_cpuid2 *c;
	request_amx_guest_permission();
	int r = get_cpuid2(fd, KVM_GET_SUPPORTED_CPUID, &c);
	if (r || !c)
		return kc_fail(err, r ? r : -EIO, NULL, "KVM_GET_SUPPORTED_CPUID failed: %s",
			       strerror(r ? -r : EIO));
	for (unsigned i = 0; i < c->nent && !r; i++) {
		r = kc_host_add_cpuid(h, (const struct kvmcpu_cpuid_entry *)&c->entries[i]);
		/* KVM lists some leaves twice on old kernels; keep the first. */
		if (r == -EEXIST)
			r = 0;
	}
	free(c);
	return r ? kc_fail(err, r, NULL, "out of memory reading KVM_GET_SUPPORTED_CPUID") : 0;
}

static int cap_value(int fd, int cap)
{
	int v = ioctl(fd, KVM_CHECK_EXTENSION, cap);
	return v < 0 ? 0 : v;
}

static void add_hv_answer(struct kvmcpu_host *h, const struct kvm_cpuid2 *c)
{
	kc_host_set_hv_known(h, true);
	for (unsigned i = 0; c && i < c->nent; i++)
		kc_host_add_hv_cpuid(h, (const struct kvmcpu_cpuid_entry *)&c->entries[i]);
}

/*
 * Kernels 5.0-5.10 answer KVM_GET_SUPPORTED_HV_CPUID only on a vCPU fd. Ask a scratch
 * vCPU whose VM has an in-kernel irqchip, as a VMM's vCPUs would: without it the answer
 * leaves out direct synthetic timers. The answer is recorded as the kernel gave it.
 */
static int read_hv_cpuid_vcpu(struct kvmcpu_host *h, int fd)
{
	struct kvm_cpuid2 *c = NULL;
	int vm = ioctl(fd, KVM_CREATE_VM, 0);
	if (vm < 0)
		return -errno;
	int r = ioctl(vm, KVM_CREATE_IRQCHIP, 0) < 0 ? -errno : 0;
	int vcpu = r ? -1 : ioctl(vm, KVM_CREATE_VCPU, 0);
	if (!r && vcpu < 0)
		r = -errno;
	if (!r)
		r = get_cpuid2(vcpu, KVM_GET_SUPPORTED_HV_CPUID, &c);
	if (!r)
		add_hv_answer(h, c);
	free(c);
	if (vcpu >= 0)
		close(vcpu);
	close(vm);
	return r;
}

/*
 * The TSC frequency a new vCPU starts with (KVM_GET_TSC_KHZ on a scratch vCPU): two
 * hosts of different rates cannot share a guest that relies on an invariant TSC unless
 * the target can scale (KVM_CAP_TSC_CONTROL). Unknown (0) when the kernel cannot say.
 */
static void read_tsc_khz(struct kvmcpu_host *h, int fd)
{
	int vm = ioctl(fd, KVM_CREATE_VM, 0);
	if (vm < 0)
		return;
	int vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu >= 0) {
		int khz = ioctl(vcpu, KVM_GET_TSC_KHZ, 0);
		kvmcpu_host_set_tsc_khz(h, khz > 0 ? (uint32_t)khz : 0);
		close(vcpu);
	}
	close(vm);
}

/* Kernels before 5.0: QEMU's stand-in from capabilities and KVM_GET_MSR_INDEX_LIST. */
static void read_hv_cpuid_legacy(struct kvmcpu_host *h, int fd)
{
	struct kvm_msr_list probe = { .nmsrs = 0 };
	if (ioctl(fd, KVM_GET_MSR_INDEX_LIST, &probe) < 0 && errno != E2BIG)
		return;
	unsigned n = probe.nmsrs;
	struct kvm_msr_list *list =
		n && n <= 4096 ? calloc(1, sizeof(*list) + n * sizeof(list->indices[0])) : NULL;
	if (!list)
		return;
	list->nmsrs = n;
	if (ioctl(fd, KVM_GET_MSR_INDEX_LIST, list) == 0) {
		struct kvmcpu_cpuid_entry e[2];
		kc_hv_legacy_answer(h, list->indices, list->nmsrs, e);
		kc_host_set_hv_known(h, true);
		kc_host_add_hv_cpuid(h, &e[0]);
		kc_host_add_hv_cpuid(h, &e[1]);
	}
	free(list);
}

/*
 * The Hyper-V CPUID answer, from the best source the kernel has (QEMU's order): the
 * system ioctl (KVM_CAP_SYS_HYPERV_CPUID, 5.11+), the vCPU ioctl (KVM_CAP_HYPERV_CPUID,
 * 5.0+), or the legacy stand-in. Needs the capabilities already read: the recording's
 * capabilities tell later readers which source it was.
 */
static void read_hv_cpuid(struct kvmcpu_host *h, int fd)
{
	kc_host_set_hv_known(h, false);
	if (cap_value(fd, KVM_CAP_HYPERV) <= 0)
		return;
	if (cap_value(fd, KVM_CAP_SYS_HYPERV_CPUID) > 0) {
		struct kvm_cpuid2 *c;
		if (!get_cpuid2(fd, KVM_GET_SUPPORTED_HV_CPUID, &c)) {
			add_hv_answer(h, c);
			free(c);
		}
		return;
	}
	if (cap_value(fd, KVM_CAP_HYPERV_CPUID) > 0) {
		read_hv_cpuid_vcpu(h, fd);
		return;
	}
	read_hv_cpuid_legacy(h, fd);
}

/* Feature MSRs: KVM_GET_MSR_FEATURE_INDEX_LIST, then KVM_GET_MSRS on the system fd. */
static void read_feature_msrs(struct kvmcpu_host *h, int fd)
{
	if (ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_GET_MSR_FEATURES) <= 0)
		return;
	struct kvm_msr_list probe = { .nmsrs = 0 };
	if (ioctl(fd, KVM_GET_MSR_FEATURE_INDEX_LIST, &probe) < 0 && errno != E2BIG)
		return;
	unsigned n = probe.nmsrs;
	if (!n || n > 1024)
		return;
	struct kvm_msr_list *list = calloc(1, sizeof(*list) + n * sizeof(list->indices[0]));
	struct kvm_msrs *msrs = calloc(1, sizeof(*msrs) + sizeof(struct kvm_msr_entry));
	if (!list || !msrs)
		goto out;
	list->nmsrs = n;
	if (ioctl(fd, KVM_GET_MSR_FEATURE_INDEX_LIST, list) < 0)
		goto out;
	/* One MSR per call: KVM_GET_MSRS stops at the first MSR it cannot read. */
	for (unsigned i = 0; i < list->nmsrs; i++) {
		msrs->nmsrs = 1;
		msrs->entries[0].index = list->indices[i];
		msrs->entries[0].data = 0;
		if (ioctl(fd, KVM_GET_MSRS, msrs) == 1)
			kc_host_add_msr(h, list->indices[i], msrs->entries[0].data);
	}
out:
	free(list);
	free(msrs);
}

static void read_caps(struct kvmcpu_host *h, int fd)
{
	for (size_t i = 0; i < kc_nkvm_caps; i++) {
		if (!kc_kvm_caps[i].recorded)
			continue;
		int v = ioctl(fd, KVM_CHECK_EXTENSION, kc_kvm_caps[i].number);
		kc_host_add_cap(h, kc_kvm_caps[i].name, v < 0 ? 0 : v);
	}
}

static const char *kvm_module(void)
{
	static const char *const modules[] = { "kvm_intel", "kvm_amd", "kvm_pvm" };
	for (size_t i = 0; i < KC_ARRAY_SIZE(modules); i++) {
		char path[64];
		struct stat st;
		snprintf(path, sizeof(path), "/sys/module/%s", modules[i]);
		if (!stat(path, &st))
			return modules[i];
	}
	return "";
}

int kvmcpu_host_open_live(const char *dev_path, struct kvmcpu_host **out, struct kvmcpu_error *err)
{
	if (!out)
		return kc_fail(err, -EINVAL, NULL, "kvmcpu_host_open_live: out is NULL");
	*out = NULL;
	if (!dev_path)
		dev_path = "/dev/kvm";
	int fd = open(dev_path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		/* Reading a recorded host instead is the caller's to suggest: not every caller can. */
		const char *hint = e == ENOENT && strcmp(dev_path, "/dev/kvm")
					   ? "check the path of the KVM device"
				   : e == ENOENT ? "load the kvm_intel or kvm_amd module"
				   : e == EACCES ? "add the user to the kvm group"
						 : NULL;
		return kc_fail(err, -e, hint, "cannot open %s: %s", dev_path, strerror(e));
	}
	int version = ioctl(fd, KVM_GET_API_VERSION, 0);
	if (version < 0) {
		int e = errno;
		close(fd);
		return kc_fail(err, -ENOTTY, "give the KVM device, normally /dev/kvm",
			       "%s is not a KVM device (KVM_GET_API_VERSION: %s)", dev_path,
			       strerror(e));
	}
	if (version != KVM_API_VERSION) {
		close(fd);
		return kc_fail(err, -ENOTSUP, NULL, "%s speaks KVM API %d, not %d", dev_path,
			       version, KVM_API_VERSION);
	}
	struct kvmcpu_host *h = kc_host_new();
	if (!h) {
		close(fd);
		return kc_fail(err, -ENOMEM, NULL, "out of memory");
	}
	int r = read_supported_cpuid(h, fd, err);
	if (!r) {
		read_caps(h, fd);
		read_hv_cpuid(h, fd);
		read_feature_msrs(h, fd);
		read_tsc_khz(h, fd);
		struct utsname u;
		char origin[280];
		snprintf(origin, sizeof(origin), "live:%s", dev_path);
		kc_host_set_info(h, origin, uname(&u) ? "" : u.release, kvm_module());
	}
	close(fd);
	if (r) {
		kvmcpu_host_free(h);
		return r;
	}
	kc_host_finish(h);
	*out = h;
	return 0;
}
