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

uint64_t kc_msr_word_from_value(unsigned word, uint64_t value)
{
	return is_vmx_ctls_word(word) ? value >> 32 : value;
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
			v = kc_host_cpuid_reg(h, wi->leaf, wi->has_subleaf ? wi->subleaf : 0, (int)wi->reg);
		}
		words[w] = v;
	}
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
