/* SPDX-License-Identifier: MIT */
/*
 * Feature MSR values for the VMM to set with KVM_SET_MSRS: guest = host AND
 * model for the bits QEMU names, so that a migrated guest reads the same
 * mitigation and VMX capability bits on every host that runs the model.
 */
#include <errno.h>

#include "resolve/resolve-priv.h"
#include "util/util.h"

static bool guest_has(const struct kc_resolve *c, int f)
{
	return kc_words_have(c->r->words, f);
}

static int add(struct kc_resolve *c, uint32_t index, uint64_t value, const char *name)
{
	if (!kc_result_add_msr(c->r, index, value, name, false))
		return 0;
	return kc_fail(c->err, -ENOSPC, NULL, "MSR plan full at %s", name);
}

/* Bits of a word that carry meaning as features: the named ones, plus what the model sets. */
static uint64_t feature_bits(const struct kc_resolve *c, unsigned word)
{
	uint64_t m = c->model ? c->model->words[word] : 0;
	for (unsigned i = kc_word_features[word]; i < kc_word_features[word + 1]; i++)
		m |= kc_features[i].mask;
	return m;
}

/*
 * VMX control MSRs (SDM Vol. 3D, A.3-A.5): bits 31:0 are the allowed-0
 * settings (controls that must be 1), bits 63:32 the allowed-1 settings.
 * The guest may set what both the model and the host allow; what the host
 * requires stays required.
 */
static uint64_t vmx_ctls_value(uint64_t host, uint64_t allowed1)
{
	uint32_t must_be_one = (uint32_t)host;
	return (uint64_t)((uint32_t)allowed1 | must_be_one) << 32 | must_be_one;
}

struct vmx_msr {
	uint32_t index;
	const char *name;
	int word;        /* feature word, or -1 for values passed through */
	bool ctls;       /* allowed-0/allowed-1 pair */
};

/*
 * The MSRs KVM lets userspace restore (arch/x86/kvm/vmx/nested.c, vmx_set_vmx_msr):
 * the TRUE_* control MSRs stand for the non-true ones, which KVM derives from
 * them and refuses to be written, as it refuses CR0/CR4_FIXED1.
 */
static const struct vmx_msr vmx_msrs[] = {
	{ 0x480, "IA32_VMX_BASIC", KC_W_VMX_BASIC, false },
	{ 0x485, "IA32_VMX_MISC", KC_W_VMX_MISC, false },
	{ 0x486, "IA32_VMX_CR0_FIXED0", -1, false },
	{ 0x488, "IA32_VMX_CR4_FIXED0", -1, false },
	{ 0x48a, "IA32_VMX_VMCS_ENUM", -1, false },
	{ 0x48b, "IA32_VMX_PROCBASED_CTLS2", KC_W_VMX_SECONDARY_CTLS, true },
	{ 0x48c, "IA32_VMX_EPT_VPID_CAP", KC_W_VMX_EPT_VPID_CAPS, false },
	{ 0x48d, "IA32_VMX_TRUE_PINBASED_CTLS", KC_W_VMX_PINBASED_CTLS, true },
	{ 0x48e, "IA32_VMX_TRUE_PROCBASED_CTLS", KC_W_VMX_PROCBASED_CTLS, true },
	{ 0x48f, "IA32_VMX_TRUE_EXIT_CTLS", KC_W_VMX_EXIT_CTLS, true },
	{ 0x490, "IA32_VMX_TRUE_ENTRY_CTLS", KC_W_VMX_ENTRY_CTLS, true },
	{ 0x491, "IA32_VMX_VMFUNC", KC_W_VMX_VMFUNC, false },
};

static int add_vmx_msrs(struct kc_resolve *c)
{
	for (size_t i = 0; i < KC_ARRAY_SIZE(vmx_msrs); i++) {
		const struct vmx_msr *m = &vmx_msrs[i];
		uint64_t host;
		if (kvmcpu_host_msr(c->host, m->index, &host) != 1)
			continue;
		uint64_t v = host;
		if (m->word >= 0 && m->ctls) {
			v = vmx_ctls_value(host, c->r->words[m->word]);
		} else if (m->word >= 0) {
			/* Non-feature fields (VMCS revision, sizes, counts) are the host's. */
			uint64_t f = feature_bits(c, (unsigned)m->word);
			v = (host & ~f) | (c->r->words[m->word] & f);
		}
		int r = add(c, m->index, v, m->name);
		if (r)
			return r;
	}
	return 0;
}

int kc_msrs_build(struct kc_resolve *c)
{
	int r = 0;
	if (guest_has(c, KC_F_ARCH_CAPABILITIES))
		r = add(c, 0x10a, c->r->words[KC_W_ARCH_CAPABILITIES], "IA32_ARCH_CAPABILITIES");
	if (!r && guest_has(c, KC_F_CORE_CAPABILITY))
		r = add(c, 0xcf, c->r->words[KC_W_CORE_CAPABILITY], "IA32_CORE_CAPABILITIES");
	if (!r && guest_has(c, KC_F_PDCM))
		r = add(c, 0x345, c->r->words[KC_W_PERF_CAPABILITIES], "IA32_PERF_CAPABILITIES");
	if (!r && c->cfg->nested && guest_has(c, KC_F_VMX))
		r = add_vmx_msrs(c);
	return r;
}
