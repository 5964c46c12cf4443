/* SPDX-License-Identifier: MIT */
/* Feature word arithmetic: guest = (model + rules + user) AND host, then dependencies. */
#include <errno.h>
#include <string.h>

#include "resolve/resolve-priv.h"
#include "util/util.h"

/* CPUID[0x80000001].EDX bits that mirror CPUID[1].EDX on AMD (APM Vol. 3, E.4.2). */
#define AMD_ALIAS_BITS 0x0183f3ffull

/* One notice per named feature of word @w in @bits, and one per unnamed bit. */
static int notice_word(struct kvmcpu_result *r, enum kvmcpu_notice_kind kind, unsigned w,
		       uint64_t bits, const char *reason)
{
	uint64_t rest = bits;
	for (unsigned i = kc_word_features[w]; i < kc_word_features[w + 1]; i++) {
		const struct kvmcpu_feature_info *f = &kc_features[i];
		if (!(bits & f->mask))
			continue;
		rest &= ~f->mask;
		if (kc_result_notice_text(r, kind, (int)w, bits & f->mask, f->name, reason))
			return -ENOMEM;
	}
	/* Bits QEMU does not name (e.g. EPT write-back) are reported by position. */
	for (unsigned b = 0; rest && b < 64; b++) {
		if (!(rest & (1ull << b)))
			continue;
		char subject[48];
		snprintf(subject, sizeof(subject), "%s bit %u", kc_words[w].name, b);
		const char *kept = kc_result_keep(r, subject);
		if (!kept || kc_result_notice_text(r, kind, (int)w, 1ull << b, kept, reason))
			return -ENOMEM;
	}
	return 0;
}

int kc_words_notice(struct kvmcpu_result *r, enum kvmcpu_notice_kind kind,
		    const uint64_t bits[KC_NWORDS], const char *reason)
{
	for (unsigned w = 0; w < KC_NWORDS; w++)
		if (bits[w] && notice_word(r, kind, w, bits[w], reason))
			return -ENOMEM;
	return 0;
}

/*
 * Without nested_virt the VMX capability words (and, for AMD guests, the SVM
 * word) mean nothing to the guest. The dependency table would clear them bit
 * group by bit group; clearing them here says it once per word.
 */
static int clear_nested_words(struct kc_resolve *c)
{
	static const int vmx_words[] = {
		KC_W_VMX_PROCBASED_CTLS, KC_W_VMX_SECONDARY_CTLS, KC_W_VMX_PINBASED_CTLS,
		KC_W_VMX_EXIT_CTLS,	 KC_W_VMX_ENTRY_CTLS,	  KC_W_VMX_MISC,
		KC_W_VMX_EPT_VPID_CAPS,	 KC_W_VMX_BASIC,	  KC_W_VMX_VMFUNC,
	};
	bool nested = c->cfg->nested;
	for (size_t i = 0; i < KC_ARRAY_SIZE(vmx_words) && !(nested && c->intel_like); i++) {
		int w = vmx_words[i];
		if (c->want[w] &&
		    kc_result_notice_text(c->r, KVMCPU_NOTICE_DEPENDENCY, w, c->want[w],
					  kc_words[w].name,
					  "cleared: VMX capabilities need vmx (nested_virt)"))
			return -ENOMEM;
		c->want[w] = 0;
	}
	if (!(nested && !c->intel_like)) {
		if (c->want[KC_W_SVM] &&
		    kc_result_notice_text(c->r, KVMCPU_NOTICE_DEPENDENCY, KC_W_SVM,
					  c->want[KC_W_SVM], kc_words[KC_W_SVM].name,
					  "cleared: SVM features need svm (nested_virt)"))
			return -ENOMEM;
		c->want[KC_W_SVM] = 0;
	}
	return 0;
}

/* Records a rule's effect on one feature, when it changed what the model says. */
static int force(struct kc_resolve *c, int f, bool on, const char *why)
{
	bool before = kc_words_have(c->want, f);
	kc_words_set(c->want, f, on);
	if (before == on)
		return 0;
	return kc_result_notice_text(c->r, KVMCPU_NOTICE_FORCED, (int)kc_features[f].word,
				     kc_features[f].mask, kc_features[f].name, why);
}

/*
 * Rules every named model gets on KVM, in QEMU's order: the KVM defaults of
 * target/i386/kvm/kvm-cpu.c (paravirtual features on, x2apic on because the
 * in-kernel APIC emulates it; MONITOR, ACPI and SVM off), VME as a baseline
 * bit, the hypervisor bit, and vmx/svm only with nested_virt.
 */
static int apply_model_rules(struct kc_resolve *c)
{
	static const int pv_on[] = { KC_F_KVMCLOCK,    KC_F_KVM_NOPIODELAY,
				     KC_F_KVM_ASYNCPF, KC_F_KVM_STEAL_TIME,
				     KC_F_KVM_PV_EOI,  KC_F_KVMCLOCK_STABLE_BIT };
	int r = 0;
	for (size_t i = 0; i < KC_ARRAY_SIZE(pv_on); i++)
		kc_words_set(c->want, pv_on[i], true);
	kc_words_set(c->want, KC_F_KVM_MSI_EXT_DEST_ID, false);
	r |= force(c, KC_F_X2APIC, true,
		   "set: KVM's in-kernel APIC provides x2APIC on every model");
	r |= force(c, KC_F_MONITOR, false,
		   "cleared: KVM does not give guests MONITOR/MWAIT by default");
	r |= force(c, KC_F_ACPI, false, "cleared: the ACPI thermal MSRs are not emulated by KVM");
	r |= force(c, KC_F_VME, true, "set: VME is a baseline bit of every x86-64 CPU");
	r |= force(c, KC_F_HYPERVISOR, true, "set: the guest runs under a hypervisor");
	bool nested = c->cfg->nested;
	r |= force(c, KC_F_VMX, nested && c->intel_like,
		   nested ? "set: nested_virt"
			  : "cleared: vmx/svm are exposed only with nested_virt");
	r |= force(c, KC_F_SVM, nested && !c->intel_like,
		   nested ? "set: nested_virt"
			  : "cleared: vmx/svm are exposed only with nested_virt");
	return r ? -ENOMEM : clear_nested_words(c);
}

static int apply_user_mods(struct kc_resolve *c)
{
	for (unsigned i = 0; i < c->cfg->nmods; i++) {
		const struct kc_cpu_mod *m = &c->cfg->mods[i];
		const struct kvmcpu_feature_info *f = &kc_features[m->feature];
		/* Rule 3: vmx/svm come with nested_virt, which also plans the VMX MSRs. */
		if (m->enable && !c->cfg->nested &&
		    (m->feature == KC_F_VMX || m->feature == KC_F_SVM))
			return kc_fail(
				c->err, -EINVAL, "add nested_virt (--nested) and drop the modifier",
				"'+%s' needs nested_virt: a guest hypervisor is enabled with "
				"nested_virt, which also gives it the VMX/SVM capabilities",
				f->name);
		kc_words_set(c->want, m->feature, m->enable);
		if (kc_result_notice_text(c->r, KVMCPU_NOTICE_USER, (int)f->word, f->mask, f->name,
					  m->enable ? "enabled by the CPU spec"
						    : "disabled by the CPU spec"))
			return -ENOMEM;
	}
	return 0;
}

/*
 * Several logical processors per package: QEMU sets HTT (leaf 1 EDX[28]) and,
 * except for Intel and Zhaoxin guests (Linux ignores the thread count when it
 * sees it there), CmpLegacy (0x80000001 ECX[1]).
 */
static int apply_topology_rules(struct kc_resolve *c)
{
	if (kc_topo_threads_per_pkg(&c->topo) <= 1)
		return 0;
	/* HTT describes the topology QEMU builds, not the host: it is given whatever KVM reports. */
	kc_words_set(c->host_words, KC_F_HT, true);
	int r = force(c, KC_F_HT, true, "set: the package has several logical processors (smp)");
	bool intel_or_zhaoxin = !strcmp(c->vendor, "GenuineIntel") ||
				!strcmp(c->vendor, "CentaurHauls") ||
				!strcmp(c->vendor, "  Shanghai  ");
	if (!r && !intel_or_zhaoxin)
		r = force(c, KC_F_CMP_LEGACY, true,
			  "set: the package has several logical processors (smp)");
	return r;
}

/* An explicitly enabled feature the host cannot give is the user's error, not a silent drop. */
static int check_user_enables(struct kc_resolve *c)
{
	for (unsigned i = 0; i < c->cfg->nmods; i++) {
		const struct kc_cpu_mod *m = &c->cfg->mods[i];
		if (!m->enable || kc_words_have(c->host_words, m->feature))
			continue;
		const struct kvmcpu_feature_info *f = &kc_features[m->feature];
		return kc_fail(
			c->err, -ENOTSUP, "remove it from the spec, or run on a host that has it",
			"CPU feature '%s' was requested but this host (%s) does not support it",
			f->name, c->host->origin);
	}
	return 0;
}

/*
 * nested_virt needs the host to give vmx (Intel-compatible guests) or svm
 * (AMD-compatible guests) to its own guests.
 */
static int check_nested(struct kc_resolve *c)
{
	if (!c->cfg->nested)
		return 0;
	int f = c->intel_like ? KC_F_VMX : KC_F_SVM;
	if (kc_words_have(c->host_words, f))
		return 0;
	/* The vendor may come from a recorded host: print it tamed. */
	char vendor[13];
	for (size_t i = 0; i < sizeof(vendor); i++)
		vendor[i] = c->vendor[i] && (c->vendor[i] < 0x20 || c->vendor[i] > 0x7e)
				    ? '?'
				    : c->vendor[i];
	vendor[12] = '\0';
	/* Loading a module cannot give vmx to an AMD host, nor svm to an Intel one. */
	bool host_intel = kc_vendor_is_intel_compatible(c->host->vendor);
	const char *hint =
		host_intel != c->intel_like
			? (host_intel
				   ? "this Intel-compatible host nests with vmx: use an Intel model with "
				     "nested_virt, or drop it"
				   : "this AMD-compatible host nests with svm: use an AMD model with "
				     "nested_virt, or drop it")
			: (host_intel ? "drop nested_virt, or load kvm_intel with nested=1"
				      : "drop nested_virt, or load kvm_amd with nested=1");
	return kc_fail(
		c->err, -ENOTSUP, hint,
		"nested_virt needs '%s' for an %s guest (vendor %s), and this host (%s) does not "
		"support it",
		kc_features[f].name, c->intel_like ? "Intel-compatible" : "AMD-compatible", vendor,
		c->host->origin);
}

/* Appends @text at @pos of @buf (always terminated); returns the new end. */
static size_t append(char *buf, size_t len, size_t pos, const char *text)
{
	if (pos < len)
		kc_strlcpy(buf + pos, text, len - pos);
	size_t n = pos + strlen(text);
	return n < len ? n : len - 1;
}

struct dep_ctx {
	struct kvmcpu_result *r;
	const char *where;
};

/* Notices for what a dependency cleared, naming what it needs ("needs avx512f"). */
static int dep_notice(const struct kc_feature_dep *d, uint64_t gone, void *ctx)
{
	const struct dep_ctx *dc = ctx;
	char reason[208];
	size_t n = append(reason, sizeof(reason), 0, "cleared: needs ");
	unsigned named = 0;
	for (unsigned i = kc_word_features[d->from_word]; i < kc_word_features[d->from_word + 1];
	     i++) {
		if (!(kc_features[i].mask & d->from_mask))
			continue;
		n = append(reason, sizeof(reason), n, named++ ? " or " : "");
		n = append(reason, sizeof(reason), n, kc_features[i].name);
	}
	if (!named)
		n = append(reason, sizeof(reason), n, kc_words[d->from_word].name);
	n = append(reason, sizeof(reason), n, ", which is off ");
	append(reason, sizeof(reason), n, dc->where);
	const char *kept = kc_result_keep(dc->r, reason);
	return kept ? notice_word(dc->r, KVMCPU_NOTICE_DEPENDENCY, d->to_word, gone, kept)
		    : -ENOMEM;
}

/* Dependencies, host mask, dependencies again (a feature whose prerequisite the host lacks goes). */
static int mask_with_host(struct kc_resolve *c)
{
	struct dep_ctx dc = { c->r, "in this configuration" };
	int r = kc_apply_dependencies(c->want, dep_notice, &dc);
	if (r)
		return -ENOMEM;
	uint64_t dropped[KC_NWORDS];
	uint64_t *g = c->r->words;
	for (unsigned w = 0; w < KC_NWORDS; w++) {
		dropped[w] = c->want[w] & ~c->host_words[w];
		g[w] = c->want[w] & c->host_words[w];
	}
	r = kc_words_notice(c->r, KVMCPU_NOTICE_DROPPED, dropped, "the host does not support it");
	if (r)
		return r;
	dc.where = "on this host";
	return kc_apply_dependencies(g, dep_notice, &dc) ? -ENOMEM : 0;
}

/*
 * What the host can give beyond its CPUID: the hypervisor bit (KVM reports it;
 * recorded bare-metal dumps lack it), and MCA overflow recovery and SUCCOR
 * (0x80000007 EBX bits 0-1), which describe the machine-check banks KVM
 * emulates (KVM_X86_SETUP_MCE) rather than the CPU; QEMU offers them on
 * every KVM host too. Likewise topoext (kvm_arch_get_supported_cpuid).
 */
/*
 * Processor trace capabilities are not configurable: QEMU's
 * x86_cpu_filter_features takes intel-pt only when KVM offers at least what
 * leaf 0x14 will report (CR3 filter, PSB/CYC, IP filter, MTC; ToPA, multiple
 * entries, single range; MTC periods 0/3/6/9, two address ranges, PSB
 * 2K-64K, all cycle thresholds).
 */
static bool host_pt_is_enough(const struct kvmcpu_host *h)
{
	uint32_t eax0 = kc_host_cpuid_reg(h, 0x14, 0, KVMCPU_EAX);
	uint32_t ebx0 = kc_host_cpuid_reg(h, 0x14, 0, KVMCPU_EBX);
	uint32_t ecx0 = kc_host_cpuid_reg(h, 0x14, 0, KVMCPU_ECX);
	uint32_t eax1 = kc_host_cpuid_reg(h, 0x14, 1, KVMCPU_EAX);
	uint32_t ebx1 = kc_host_cpuid_reg(h, 0x14, 1, KVMCPU_EBX);
	const uint32_t mtc = 0x0249u << 16, psb_cyc = 0x3fu << 16 | 0x1fff;
	return eax0 && (ebx0 & 0xf) == 0xf && (ecx0 & 0x7) == 0x7 && (eax1 & mtc) == mtc &&
	       (eax1 & 0x3) >= 2 && (ebx1 & psb_cyc) == psb_cyc;
}

void kc_words_host_for_guest(const struct kvmcpu_host *h, uint64_t words[KC_NWORDS])
{
	kc_host_words(h, words);
	kc_words_set(words, KC_F_HYPERVISOR, true);
	kc_words_set(words, KC_F_OVERFLOW_RECOV, true);
	kc_words_set(words, KC_F_SUCCOR, true);
	/* QEMU offers topoext on every KVM host: it only describes leaves QEMU builds itself. */
	kc_words_set(words, KC_F_TOPOEXT, true);
	if (!host_pt_is_enough(h))
		kc_words_set(words, KC_F_INTEL_PT, false);
}

static void host_words_for_guest(struct kc_resolve *c)
{
	kc_words_host_for_guest(c->host, c->host_words);
}

/*
 * Named models have no PMU unless the config asks for one (QEMU's pmu=off):
 * QEMU hides pdcm in leaf 1 and empties 0x80000022, and writes no
 * IA32_PERF_CAPABILITIES. Clearing the bits here keeps words, table and MSR
 * plan in agreement.
 */
static int hide_pmu_features(struct kc_resolve *c)
{
	static const int pmu_features[] = { KC_F_PDCM, KC_F_PERFMON_V2 };
	for (size_t i = 0; i < KC_ARRAY_SIZE(pmu_features) && !c->cfg->pmu; i++) {
		int f = pmu_features[i];
		if (!kc_words_have(c->r->words, f))
			continue;
		kc_words_set(c->r->words, f, false);
		if (kc_result_notice_text(c->r, KVMCPU_NOTICE_FORCED, (int)kc_features[f].word,
					  kc_features[f].mask, kc_features[f].name,
					  "cleared: the guest has no PMU (add pmu for one)"))
			return -ENOMEM;
	}
	return 0;
}

int kc_words_resolve_model(struct kc_resolve *c)
{
	memcpy(c->want, c->model->words, sizeof(c->want));
	host_words_for_guest(c);
	int r = check_nested(c);
	if (!r)
		r = apply_model_rules(c);
	if (!r)
		r = apply_user_mods(c);
	if (!r)
		r = apply_topology_rules(c);
	if (!r)
		r = check_user_enables(c);
	if (!r)
		r = mask_with_host(c);
	if (!r)
		r = hide_pmu_features(c);
	if (r)
		return r;
	/* AuthenticAMD: the alias bits of 0x80000001.EDX follow leaf 1 EDX (APM E.4.2). */
	if (!strcmp(c->vendor, "AuthenticAMD")) {
		uint64_t *g = c->r->words;
		g[KC_W_8000_0001_EDX] = (g[KC_W_8000_0001_EDX] & ~AMD_ALIAS_BITS) |
					(g[KC_W_1_EDX] & AMD_ALIAS_BITS);
	}
	return 0;
}

int kc_words_resolve_host(struct kc_resolve *c)
{
	host_words_for_guest(c);
	memcpy(c->want, c->host_words, sizeof(c->want));
	int r = check_nested(c);
	if (r)
		return r;
	/* host/max pass the host through; nested virtualization still needs nested_virt. */
	kc_words_set(c->want, KC_F_VMX, c->cfg->nested && c->intel_like);
	kc_words_set(c->want, KC_F_SVM, c->cfg->nested && !c->intel_like);
	r = apply_user_mods(c);
	if (!r)
		r = apply_topology_rules(c);
	if (!r)
		r = check_user_enables(c);
	if (!r)
		r = mask_with_host(c);
	return r;
}

int kc_words_want(const struct kvmcpu_config *cfg, const struct kvmcpu_model *m,
		  uint64_t want[KC_NWORDS])
{
	struct kc_resolve c = { .cfg = cfg, .model = m, .r = kc_result_new() };
	if (!c.r)
		return -ENOMEM;
	kc_strlcpy(c.vendor, m->vendor, sizeof(c.vendor));
	c.intel_like = kc_vendor_is_intel_compatible(c.vendor);
	memcpy(c.want, m->words, sizeof(c.want));
	int r = apply_model_rules(&c);
	if (!r)
		r = apply_user_mods(&c);
	if (!r)
		r = kc_apply_dependencies(c.want, NULL, NULL) ? -ENOMEM : 0;
	memcpy(want, c.want, sizeof(c.want));
	kvmcpu_result_free(c.r);
	return r;
}
