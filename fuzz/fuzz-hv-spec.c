/* SPDX-License-Identifier: MIT */
/*
 * The Hyper-V spec parser, and the resolver on what parses: the first byte
 * picks nested_virt, the vendor and one of three hosts (full Hyper-V support,
 * no eVMCS, no Hyper-V at all); the rest is the spec.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hv/hv.h"
#include "kvmcpu/result.h"
#include "result/result-priv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct kvmcpu_host *make_host(int kind)
{
	struct kvmcpu_host *h = NULL;
	kvmcpu_host_new(&h, NULL);
	static const struct kvmcpu_cpuid_entry kvm[] = {
		{ 0x40000000, 0, 0, 0x40000001, 0x4B4D564B, 0x564B4D56, 0x4D, { 0 } },
		{ 0x40000001, 0, 0, 0x01007EFB, 0, 0, 0, { 0 } },
	};
	/* KVM_GET_SUPPORTED_HV_CPUID as the kernel documents it (Intel, nested=1). */
	static const struct kvmcpu_cpuid_entry hv[] = {
		{ 0x40000000, 0, 0, 0x40000082, 0x756E694C, 0x564B2078, 0x7648204D, { 0 } },
		{ 0x40000001, 0, 0, 0x31237648, 0, 0, 0, { 0 } },
		{ 0x40000002, 0, 0, 0x3839, 0x000A0000, 0, 0, { 0 } },
		{ 0x40000003, 0, 0, 0xAAFF, 0x100830, 0, 0x84D12, { 0 } },
		{ 0x40000004, 0, 0, 0x4E2C, 0xFFF, 0, 0, { 0 } },
		{ 0x40000005, 0, 0, 0x400, 0x40, 0, 0, { 0 } },
		{ 0x4000000A, 0, 0, 0x000A0101, 1, 0, 0, { 0 } },
	};
	static const char *const caps[] = { "KVM_CAP_HYPERV", "KVM_CAP_HYPERV_SYNIC2",
					    "KVM_CAP_HYPERV_VP_INDEX",
					    "KVM_CAP_HYPERV_ENLIGHTENED_VMCS",
					    "KVM_CAP_HYPERV_ENFORCE_CPUID" };
	for (size_t i = 0; i < sizeof(kvm) / sizeof(kvm[0]); i++)
		kvmcpu_host_add_cpuid(h, &kvm[i], NULL);
	for (size_t i = 0; kind < 2 && i < sizeof(hv) / sizeof(hv[0]); i++)
		kvmcpu_host_add_hv_cpuid(h, &hv[i], NULL);
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
		kvmcpu_host_add_cap(h, caps[i], kind == 2 ? 0 : !(kind == 1 && i == 3), NULL);
	return h;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kvmcpu_host *hosts[3];
	if (!hosts[0])
		for (int i = 0; i < 3; i++)
			hosts[i] = make_host(i);
	if (!size)
		return 0;
	uint8_t mode = data[0];
	char *spec = malloc(size);
	if (!spec)
		return 0;
	memcpy(spec, data + 1, size - 1);
	spec[size - 1] = '\0';
	struct kc_hv_spec *s = NULL;
	struct kvmcpu_error err;
	if (kc_hv_spec_parse(spec, &s, &err) == 0) {
		struct kvmcpu_result *r = calloc(1, sizeof(*r));
		const struct kvmcpu_host *h = hosts[(mode >> 2) % 3];
		for (uint32_t l = 0x40000000; r && l <= 0x40000001; l++) {
			const struct kvmcpu_cpuid_entry *e = kvmcpu_host_cpuid_find(h, l, 0);
			kc_result_set(r, l, 0, 0, e->eax, e->ebx, e->ecx, e->edx);
		}
		if (r)
			kc_hv_resolve(s, mode & 1, mode & 2, h, r, &err);
		kvmcpu_result_free(r);
	}
	kc_hv_spec_free(s);
	free(spec);
	return 0;
}
