/* SPDX-License-Identifier: MIT */
/* The host's feature words: what each CPUID register and feature MSR word allows. */
#include <string.h>

#include "host/host-priv.h"
#include "model/model-priv.h"

/* VMX control words keep QEMU's form: the allowed-1 half (bits 63:32) of the MSR (SDM A.3-A.5). */
static bool is_vmx_ctls_word(unsigned w)
{
	return w == KC_W_VMX_PROCBASED_CTLS || w == KC_W_VMX_SECONDARY_CTLS ||
	       w == KC_W_VMX_PINBASED_CTLS || w == KC_W_VMX_EXIT_CTLS || w == KC_W_VMX_ENTRY_CTLS;
}

/* IA32_ARCH_CAPABILITIES bits (SDM Vol. 4, 2.1). */
#define ARCH_CAP_FB_CLEAR_IMPLIED_BY 0xe120ull /* MDS_NO TAA_NO SBDR_SSDP_NO FBSDP_NO PSDP_NO */
#define ARCH_CAP_FB_CLEAR (1ull << 17)

/*
 * QEMU's host value of an MSR feature word (target/i386/kvm/kvm.c,
 * kvm_arch_get_supported_msr_feature): for the VMX controls, the controls that
 * may be 1 but need not be (allowed-1 and not allowed-0, SDM A.3-A.5), since the
 * must-be-one settings are QEMU's default1 bits, not features; for
 * ARCH_CAPABILITIES, FB_CLEAR also when the host is immune to everything it
 * clears, so that guests migrate between hosts with and without the bit.
 */
uint64_t kc_msr_word_from_value(unsigned word, uint64_t value)
{
	if (is_vmx_ctls_word(word))
		return (value >> 32) & ~(value & 0xffffffffull);
	if (word == KC_W_ARCH_CAPABILITIES &&
	    (value & ARCH_CAP_FB_CLEAR_IMPLIED_BY) == ARCH_CAP_FB_CLEAR_IMPLIED_BY)
		return value | ARCH_CAP_FB_CLEAR;
	return value;
}

/*
 * What the host offers beyond the CPUID it recorded: on a raw dump, what KVM sets
 * on that processor; on KVM's own report, tsc-deadline when KVM_CAP_TSC_DEADLINE_TIMER
 * says the in-kernel LAPIC emulates it (QEMU: kvm_arch_get_supported_cpuid), since
 * older kernels leave it out of KVM_GET_SUPPORTED_CPUID.
 */
static void add_kvm_bits(const struct kvmcpu_host *h, uint64_t words[KC_NWORDS])
{
	int64_t tsc_deadline = 0;
	if (h->kind == KVMCPU_HOST_RAW_CPUID)
		kc_kvm_synth_words(h, words);
	else if (kvmcpu_host_cap(h, "KVM_CAP_TSC_DEADLINE_TIMER", &tsc_deadline) &&
		 tsc_deadline > 0)
		kc_words_set(words, KC_F_TSC_DEADLINE, true);
}

static void compute_words(const struct kvmcpu_host *h, uint64_t words[KC_NWORDS])
{
	for (unsigned w = 0; w < KC_NWORDS; w++) {
		const struct kvmcpu_word_info *wi = &kc_words[w];
		uint64_t v = 0;
		if (wi->is_msr) {
			if (kvmcpu_host_msr(h, wi->msr, &v) != 1)
				v = 0;
			v = kc_msr_word_from_value(w, v);
		} else {
			v = kc_host_cpuid_reg(h, wi->leaf, wi->has_subleaf ? wi->subleaf : 0,
					      (int)wi->reg);
		}
		words[w] = v;
	}
	add_kvm_bits(h, words);
	words[KC_W_ARCH_CAPABILITIES] = kc_msr_word_from_value(KC_W_ARCH_CAPABILITIES,
							       words[KC_W_ARCH_CAPABILITIES]);
}

void kc_host_words(const struct kvmcpu_host *h, uint64_t words[KC_NWORDS])
{
	if (h->words_valid)
		memcpy(words, h->words, sizeof(h->words));
	else
		compute_words(h, words);
}

void kc_host_finish(struct kvmcpu_host *h)
{
	compute_words(h, h->words);
	h->words_valid = true;
}
