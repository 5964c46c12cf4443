/* SPDX-License-Identifier: MIT */
/* The KVM capabilities the library uses (util/kvm-caps.h). */
#include <linux/kvm.h>
#include <string.h>

#include "util/kvm-caps.h"
#include "util/util.h"

/* The name as <linux/kvm.h> spells it, and the number it gives. */
#define CAP(name, recorded)                                                                        \
	{                                                                                          \
#name, name, recorded                                                              \
	}

const struct kc_kvm_cap kc_kvm_caps[] = {
	/* Hyper-V emulation, recorded for the Hyper-V stage (docs/hyperv-enlightenments.md). */
	CAP(KVM_CAP_HYPERV, true),
	CAP(KVM_CAP_HYPERV_VAPIC, true),
	CAP(KVM_CAP_HYPERV_SPIN, true),
	CAP(KVM_CAP_HYPERV_TIME, true),
	CAP(KVM_CAP_HYPERV_SYNIC, true),
	CAP(KVM_CAP_HYPERV_SYNIC2, true),
	CAP(KVM_CAP_HYPERV_VP_INDEX, true),
	CAP(KVM_CAP_HYPERV_EVENTFD, true),
	CAP(KVM_CAP_HYPERV_TLBFLUSH, true),
	CAP(KVM_CAP_HYPERV_SEND_IPI, true),
	CAP(KVM_CAP_HYPERV_ENLIGHTENED_VMCS, true),
	CAP(KVM_CAP_HYPERV_CPUID, true),
	CAP(KVM_CAP_HYPERV_DIRECT_TLBFLUSH, true),
	CAP(KVM_CAP_SYS_HYPERV_CPUID, true),
	CAP(KVM_CAP_HYPERV_ENFORCE_CPUID, true),
	/* What nested guests and a VMM's machine need, recorded for 'kvmcpu host'. */
	CAP(KVM_CAP_GET_MSR_FEATURES, true),
	CAP(KVM_CAP_NESTED_STATE, true),
	CAP(KVM_CAP_X2APIC_API, true),
	CAP(KVM_CAP_SPLIT_IRQCHIP, true),
	CAP(KVM_CAP_TSC_CONTROL, true),
	CAP(KVM_CAP_X86_SMM, true),
	CAP(KVM_CAP_MAX_VCPUS, true),
	/* QEMU sets tsc-deadline when the kernel has it (older kernels omit the CPUID bit). */
	CAP(KVM_CAP_TSC_DEADLINE_TIMER, true),
	/* What the VM helper (src/kvm/vm.c) needs of the kernel. */
	CAP(KVM_CAP_USER_MEMORY, false),
	CAP(KVM_CAP_EXT_CPUID, false),
	CAP(KVM_CAP_IRQCHIP, false),
};

const size_t kc_nkvm_caps = KC_ARRAY_SIZE(kc_kvm_caps);

long kc_kvm_cap_number(const char *name)
{
	for (size_t i = 0; name && i < kc_nkvm_caps; i++)
		if (!strcmp(kc_kvm_caps[i].name, name))
			return kc_kvm_caps[i].number;
	return -1;
}

const char *kc_kvm_cap_name(uint32_t number)
{
	for (size_t i = 0; i < kc_nkvm_caps; i++)
		if (kc_kvm_caps[i].number == number)
			return kc_kvm_caps[i].name;
	return NULL;
}
