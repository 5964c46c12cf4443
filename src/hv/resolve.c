/* SPDX-License-Identifier: MIT */
/*
 * From a parsed spec to the guest's Hyper-V leaves, vCPU capabilities and
 * MSR values: preset expansion, host check (drop preset flags the host cannot
 * provide, refuse named ones), the leaves 0x40000000..0x4000000A, and the
 * move of KVM's own leaves to 0x40000100.
 */
#include <errno.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>

#include "hv/hv-priv.h"
#include "result/result-priv.h"
#include "util/util.h"

#define HV_BASE 0x40000000u
#define KVM_NEXT_BASE 0x40000100u /* where KVM's leaves go when Hyper-V owns 0x40000000 */

/* "Microsoft Hv" (TLFS: the vendor is informational; Linux guests insist on this one). */
static const char hv_vendor[13] = "Microsoft Hv";
/* "Hv#1": 0x40000001 EAX, the interface 0x40000002..0x400000FF follow. */
#define HV_INTERFACE_HV1 0x31237648u
/* "Microsoft VS" / "VS#1": the synthetic debugger's leaves 0x40000080/0x40000081. */
static const char syndbg_vendor[13] = "Microsoft VS";
#define HV_INTERFACE_VS1 0x31235356u

/*
 * 0x40000002: the Hyper-V version the guest sees. Build 14393 (0x3839), version
 * 10.0: Windows Server 2016, the value QEMU (machine types >= 6.2) and KVM's
 * supported leaf both use; guests are told not to gate features on it.
 */
#define HV_VERSION_BUILD 0x00003839u
#define HV_VERSION_MAJOR_MINOR 0x000A0000u

/*
 * 0x40000005: EAX 0xFFFFFFFF is "no specific limit on virtual processors"
 * (Windows 2012 and later read it that way), EBX 64 logical processors, as
 * QEMU and KVM report; ECX (interrupt remapping vectors) is not reported.
 */
#define HV_LIMIT_VPS 0xFFFFFFFFu
#define HV_LIMIT_LPS 0x40u

#define HV_X64_MSR_VP_INDEX 0x40000002u
#define HV_X64_MSR_SCONTROL 0x40000080u

/* 0x40000004 EAX bit 12: "hypervisor is nested within a Hyper-V partition". Never set: a
 * Linux guest would then use the nested SynIC MSRs, which KVM does not implement. */
#define HV_NESTED_PARTITION_BIT (1u << 12)

struct hv_job {
	const struct kc_hv_spec *spec;
	const char *spec_text; /* "hv=..." or the implicit base, for messages */
	bool nested, intel, implicit, quiet_drops;
	const struct kvmcpu_host *host;
	struct kvmcpu_result *r;
	kc_hv_set set;
};

static bool is_kvm_signature(const struct kvmcpu_cpuid_entry *e)
{
	/* "KVMKVMKVM\0\0\0" (Linux Documentation/virt/kvm/x86/cpuid.rst). */
	return e && e->ebx == 0x4B4D564B && e->ecx == 0x564B4D56 && e->edx == 0x0000004D;
}

/* Removes every entry in [lo, hi] (all subleaves). */
static void remove_range(struct kvmcpu_result *r, uint32_t lo, uint32_t hi)
{
	for (size_t i = r->nentries; i-- > 0;) {
		const struct kvmcpu_cpuid_entry *e = &r->entries[i];
		if (e->function >= lo && e->function <= hi)
			kc_result_remove(r, e->function, e->index);
	}
}

/*
 * TLFS guests read only 0x40000000/0x40000001, and "Hv#1" gives the whole block
 * up to 0x400000FF a Hyper-V meaning, so KVM's leaves move to the next 0x100
 * block, where Linux's scan for "KVMKVMKVM" still finds them (QEMU does the same).
 */
static int place_kvm_leaves(struct hv_job *j, bool hyperv)
{
	struct kvmcpu_result *r = j->r;
	struct kvmcpu_cpuid_entry sig = { 0 }, feat = { 0 };
	const struct kvmcpu_cpuid_entry *e = kc_result_get(r, HV_BASE, 0);
	bool have = is_kvm_signature(e);
	if (!have)
		return 0;
	sig = *e;
	e = kc_result_get(r, HV_BASE + 1, 0);
	bool have_feat = e != NULL;
	if (e)
		feat = *e;
	bool hide = j->spec && j->spec->no_kvm_leaves;
	if (!hyperv && !hide)
		return 0;
	remove_range(r, HV_BASE, HV_BASE + 0xFF);
	if (hide)
		return kc_result_notice(r, KVMCPU_NOTICE_FORCED, -1, 0, "kvm_leaves",
					"KVM's signature leaves are hidden (no_kvm_leaves)");
	if (!kc_result_set(r, KVM_NEXT_BASE, 0, sig.flags,
			   have_feat ? KVM_NEXT_BASE + 1 : KVM_NEXT_BASE, sig.ebx, sig.ecx,
			   sig.edx))
		return -ENOSPC;
	if (have_feat && !kc_result_set(r, KVM_NEXT_BASE + 1, 0, feat.flags, feat.eax, feat.ebx,
					feat.ecx, feat.edx))
		return -ENOSPC;
	return kc_result_notice(r, KVMCPU_NOTICE_FORCED, -1, 0, "kvm_leaves",
				"KVM's leaves moved to 0x40000100/0x40000101: the Hyper-V leaves "
				"own 0x40000000..0x400000FF");
}

/* The named flag whose requirements pulled in @id (for messages), or @id itself. */
static int named_cause(const struct kc_hv_spec *s, int id)
{
	if (s->named_on & KC_HV_BIT(id))
		return id;
	for (int i = 0; i < KC_HV_NFLAGS; i++)
		if ((s->named_on & KC_HV_BIT(i)) && (kc_hv_closure(KC_HV_BIT(i)) & KC_HV_BIT(id)))
			return i;
	return id;
}

static int refuse(struct hv_job *j, int id, const char *why, struct kvmcpu_error *err)
{
	int cause = named_cause(j->spec, id);
	unsigned pos = j->spec->named_pos[cause];
	if (cause == id)
		return kc_fail(err, -EOPNOTSUPP,
			       "remove it from the spec, or use a preset, which "
			       "drops what the host lacks",
			       "%s: the host cannot provide %s (token %u): %s", j->spec_text,
			       kc_hv_flags[id].name, pos, why);
	return kc_fail(err, -EOPNOTSUPP,
		       "remove it from the spec, or use a preset, which drops "
		       "what the host lacks",
		       "%s: %s (token %u) requires %s, which the host cannot provide: %s",
		       j->spec_text, kc_hv_flags[cause].name, pos, kc_hv_flags[id].name, why);
}

/* Drops flag @id and what requires it, or fails when the user named any of them. */
static int drop_flag(struct hv_job *j, int id, const char *why, struct kvmcpu_error *err)
{
	kc_hv_set gone = (KC_HV_BIT(id) | kc_hv_dependents(KC_HV_BIT(id))) & j->set;
	kc_hv_set named = j->spec ? j->spec->on : 0;
	if (named & KC_HV_BIT(id))
		return refuse(j, id, why, err);
	for (int i = 0; i < KC_HV_NFLAGS; i++)
		if ((gone & named) & KC_HV_BIT(i))
			return refuse(j, id, why, err);
	j->set &= ~gone;
	if (j->quiet_drops)
		return 0;
	for (int i = 0; i < KC_HV_NFLAGS; i++) {
		if (!(gone & KC_HV_BIT(i)))
			continue;
		int rc = i == id ? kc_result_notice(j->r, KVMCPU_NOTICE_HV_DROPPED, -1, 0,
						    kc_hv_flags[i].name,
						    "host cannot provide it: %s", why)
				 : kc_result_notice(j->r, KVMCPU_NOTICE_HV_DROPPED, -1, 0,
						    kc_hv_flags[i].name,
						    "requires %s, which the host cannot provide",
						    kc_hv_flags[id].name);
		if (rc)
			return rc;
	}
	return 0;
}

static int check_nested_only(struct hv_job *j, struct kvmcpu_error *err)
{
	for (int i = 0; i < KC_HV_NFLAGS; i++) {
		const struct kvmcpu_hv_flag *f = &kc_hv_flags[i];
		if (!(j->set & KC_HV_BIT(i)) || !f->nested_only || j->nested)
			continue;
		int cause = named_cause(j->spec, i);
		return kc_fail(
			err, -EINVAL, "add nested_virt (--nested), or leave the flag out",
			"%s: %s (from token %u) is for a guest that runs its own hypervisor, "
			"and nested_virt is off",
			j->spec_text, f->name, j->spec->named_pos[cause]);
	}
	return 0;
}

static int check_host(struct hv_job *j, struct kvmcpu_error *err)
{
	struct kvmcpu_error why;
	for (int i = 0; i < KC_HV_NFLAGS; i++) {
		if (!(j->set & KC_HV_BIT(i)))
			continue;
		if (!kc_hv_host_supports(&kc_hv_flags[i], j->host, j->intel, &why))
			continue;
		int rc = drop_flag(j, i, why.message, err);
		if (rc)
			return rc;
	}
	return 0;
}

static uint32_t spinlock_count(const struct hv_job *j)
{
	if (j->spec && j->spec->spinlocks_given)
		return j->spec->spinlocks;
	if (j->spec && j->spec->preset == KC_HV_PRESET_PASSTHROUGH &&
	    (j->set & KC_HV_BIT(KC_HV_SPINLOCKS))) {
		/* passthrough takes KVM's suggestion (0xFFF); 0 is "no suggestion" (the legacy
		 * stand-in of kernels before 5.0 has none). */
		const struct kvmcpu_cpuid_entry *e = kvmcpu_host_hv_cpuid_find(j->host, 0x40000004,
									       0);
		if (e && e->ebx)
			return e->ebx;
	}
	return KC_HV_SPINLOCKS_NEVER;
}

static int emit_leaves(struct hv_job *j)
{
	struct kvmcpu_result *r = j->r;
	uint32_t v[KC_HV_NREGS] = { 0 };
	for (int i = 0; i < KC_HV_NFLAGS; i++)
		if (j->set & KC_HV_BIT(i))
			for (int k = 0; k < KC_HV_NREGS; k++)
				v[k] |= kc_hv_flags[i].bits[k];
	/* avic takes back vapic's ApicAccessRecommended hint (QEMU: bit 3 only while
	 * vapic is on and avic is off). */
	for (int i = 0; i < KC_HV_NFLAGS; i++)
		if (j->set & KC_HV_BIT(i))
			for (int k = 0; k < KC_HV_NREGS; k++)
				v[k] &= ~kc_hv_flags[i].clears[k];
	v[KC_HV_3EAX] |= kc_hv_flags[KC_HV_HYPERCALL].bits[KC_HV_3EAX] |
			 kc_hv_flags[KC_HV_VPINDEX].bits[KC_HV_3EAX];
	v[KC_HV_4EAX] &= ~HV_NESTED_PARTITION_BIT;

	/* Max leaf: 0x40000005 is the TLFS minimum; the nested leaf 0x4000000A raises it
	 * when it has content, the synthetic debugger's leaves raise it to 0x40000082. */
	bool nested_leaf = v[KC_HV_AEAX] != 0;
	bool syndbg = j->set & KC_HV_BIT(KC_HV_SYNDBG);
	uint32_t max = syndbg ? 0x40000082 : nested_leaf ? 0x4000000A : 0x40000005;

	uint32_t b, c, d;
	const char *vendor = j->spec && j->spec->vendor_given ? j->spec->vendor : hv_vendor;
	kc_text_to_regs(vendor, &b, &c, &d);
	bool ok = kc_result_set(r, HV_BASE, 0, 0, max, b, c, d) &&
		  kc_result_set(r, HV_BASE + 1, 0, 0, HV_INTERFACE_HV1, 0, 0, 0) &&
		  kc_result_set(r, HV_BASE + 2, 0, 0, HV_VERSION_BUILD, HV_VERSION_MAJOR_MINOR, 0,
				0) &&
		  kc_result_set(r, HV_BASE + 3, 0, 0, v[KC_HV_3EAX], v[KC_HV_3EBX], 0,
				v[KC_HV_3EDX]) &&
		  kc_result_set(r, HV_BASE + 4, 0, 0, v[KC_HV_4EAX], spinlock_count(j), 0, 0) &&
		  kc_result_set(r, HV_BASE + 5, 0, 0, HV_LIMIT_VPS, HV_LIMIT_LPS, 0, 0);
	/* 0x40000006..9 (hardware features in use, root-only, SVM, nested identification)
	 * stay zero: nothing on KVM fills them, but they must exist below 0x4000000A. */
	for (uint32_t l = HV_BASE + 6; ok && max >= 0x4000000A && l <= HV_BASE + 9; l++)
		ok = kc_result_set(r, l, 0, 0, 0, 0, 0, 0) != NULL;
	if (ok && max >= 0x4000000A)
		ok = kc_result_set(r, HV_BASE + 0xA, 0, 0, v[KC_HV_AEAX], 0, 0, 0) != NULL;
	if (ok && syndbg) {
		kc_text_to_regs(syndbg_vendor, &b, &c, &d);
		/* 0x40000082 EAX bit 1: kernel debugging allowed (QEMU and KVM use 2). */
		ok = kc_result_set(r, 0x40000080, 0, 0, 0, b, c, d) &&
		     kc_result_set(r, 0x40000081, 0, 0, HV_INTERFACE_VS1, 0, 0, 0) &&
		     kc_result_set(r, 0x40000082, 0, 0, 2, 0, 0, 0);
	}
	return ok ? 0 : -ENOSPC;
}

static int add_cap(struct kvmcpu_result *r, uint32_t nr, const char *name, uint64_t arg0,
		   bool out_u16)
{
	struct kvmcpu_cap cap = {
		.cap = nr, .name = name, .before_cpuid = true, .args0_is_out_u16 = out_u16
	};
	cap.args[0] = arg0;
	return kc_result_add_cap(r, &cap);
}

/* The vCPU plan, in the order QEMU's hyperv_init_vcpu uses: SynIC2, eVMCS, enforcement,
 * all before KVM_SET_CPUID2; then the MSRs KVM_SET_MSRS writes. */
static int emit_plan(struct hv_job *j)
{
	struct kvmcpu_result *r = j->r;
	int64_t vpcap = 0;
	int rc = 0;
	/* SynIC2 (args[0] = 0): unlike SynIC v1, KVM leaves the SIMP/SIEFP pages alone. */
	if (j->set & KC_HV_BIT(KC_HV_SYNIC))
		rc = add_cap(r, KVM_CAP_HYPERV_SYNIC2, "KVM_CAP_HYPERV_SYNIC2", 0, false);
	/* args[0] of the eVMCS enable is a pointer to a u16 that receives the version range
	 * (checked to hold 1 when applied); a NULL pointer gets EFAULT after the capability
	 * is already on. */
	if (!rc && (j->set & KC_HV_BIT(KC_HV_EVMCS)))
		rc = add_cap(r, KVM_CAP_HYPERV_ENLIGHTENED_VMCS, "KVM_CAP_HYPERV_ENLIGHTENED_VMCS",
			     0, true);
	if (!rc && (j->set & KC_HV_BIT(KC_HV_ENFORCE_CPUID)))
		rc = add_cap(r, KVM_CAP_HYPERV_ENFORCE_CPUID, "KVM_CAP_HYPERV_ENFORCE_CPUID", 1,
			     false);
	if (rc)
		return rc;
	/* VP_INDEX = vCPU index: the host may write it only with KVM_CAP_HYPERV_VP_INDEX;
	 * without it KVM's default is already the vCPU index. */
	if (kvmcpu_host_cap(j->host, "KVM_CAP_HYPERV_VP_INDEX", &vpcap) == 1 && vpcap > 0)
		rc = kc_result_add_msr(r, HV_X64_MSR_VP_INDEX, 0, "HV_X64_MSR_VP_INDEX", true);
	/* SCONTROL enabled (bit 0): some kernels leave it 0 when SynIC is activated. */
	if (!rc && (j->set & KC_HV_BIT(KC_HV_SYNIC)))
		rc = kc_result_add_msr(r, HV_X64_MSR_SCONTROL, 1, "HV_X64_MSR_SCONTROL", false);
	return rc;
}

static int emit_warnings(struct hv_job *j)
{
	int rc = 0;
	if (j->spec && j->spec->preset == KC_HV_PRESET_PASSTHROUGH)
		rc = kc_result_notice(
			j->r, KVMCPU_NOTICE_WARNING, -1, 0, "passthrough",
			"hv=passthrough gives the guest everything this host supports; "
			"it is not migration-safe to hosts that support less");
	if (!rc && j->spec && j->spec->vendor_given && strcmp(j->spec->vendor, hv_vendor))
		rc = kc_result_notice(
			j->r, KVMCPU_NOTICE_WARNING, -1, 0, "vendor_id",
			"vendor '%s': Linux guests use the enlightenments only when the "
			"vendor is 'Microsoft Hv'",
			j->spec->vendor);
	/* With enforce_cpuid KVM refuses the hypercalls whose privilege bits are clear:
	 * PostMessage/SignalEvent (0x40000003 EBX bits 4-5) are the VMM's to grant. */
	if (!rc && (j->set & KC_HV_BIT(KC_HV_SYNIC)) && (j->set & KC_HV_BIT(KC_HV_ENFORCE_CPUID)))
		rc = kc_result_notice(
			j->r, KVMCPU_NOTICE_WARNING, -1, 0, "enforce_cpuid",
			"with synic, KVM now refuses HvPostMessage/HvSignalEvent: a VMM "
			"that serves VMBus sets 0x40000003 EBX bits 4-5 itself");
	uint32_t spin = spinlock_count(j);
	if (!rc && spin < KC_HV_SPINLOCKS_SUGGESTED)
		rc = kc_result_notice(j->r, KVMCPU_NOTICE_WARNING, -1, 0, "spinlocks",
				      "spinlocks=0x%X is below 0xFFF, KVM's suggestion: the guest "
				      "calls HvNotifyLongSpinWait after %u spins, so even short "
				      "waits on a lock exit to the host",
				      spin, spin);
	if (!rc && (j->set & KC_HV_BIT(KC_HV_NO_NONARCH_CORESHARING)))
		rc = kc_result_notice(
			j->r, KVMCPU_NOTICE_WARNING, -1, 0, "no_nonarch_coresharing",
			"the no-core-sharing promise holds only on hosts without SMT");
	return rc;
}

/* Every flag pulled in by what a named flag requires: one notice each, naming the flag. */
static int note_prerequisites(struct hv_job *j)
{
	if (!j->spec)
		return 0;
	kc_hv_set pulled = kc_hv_closure(j->spec->named_on) & ~j->spec->named_on & j->set;
	for (int i = 0; i < KC_HV_NFLAGS; i++) {
		if (!(pulled & KC_HV_BIT(i)))
			continue;
		int cause = named_cause(j->spec, i);
		int rc = kc_result_notice(j->r, KVMCPU_NOTICE_FORCED, -1, 0, kc_hv_flags[i].name,
					  "enabled as a prerequisite: %s requires it",
					  kc_hv_flags[cause].name);
		if (rc)
			return rc;
	}
	return 0;
}

static int no_hyperv(struct hv_job *j, const char *why, struct kvmcpu_error *err)
{
	if (!j->implicit)
		return kc_fail(err, -EOPNOTSUPP,
			       "use hv=none: this host can give the guest no Hyper-V leaves",
			       "%s: %s", j->spec_text, why);
	/* nested_virt alone implies the windows preset, which the user never named: one
	 * notice for all of it, not one per flag. */
	j->set = 0;
	int rc = kc_result_notice(j->r, KVMCPU_NOTICE_WARNING, -1, 0, "hv",
				  "nested_virt without hv= implies hv=windows, but %s: the guest "
				  "gets no Hyper-V leaves",
				  why);
	return rc ? rc : place_kvm_leaves(j, false);
}

/* nested_virt without hv= gives the guest a Hyper-V identity; say so on every result. */
static int note_implicit(struct hv_job *j)
{
	if (!j->implicit)
		return 0;
	return kc_result_notice(j->r, KVMCPU_NOTICE_WARNING, -1, 0, "hv",
				"nested_virt without hv= implies hv=windows: the guest sees a "
				"Hyper-V (\"Microsoft Hv\"), not KVM; give hv=none to keep KVM's "
				"own identity, or hv=SPEC to choose");
}

int kc_hv_resolve(const struct kc_hv_spec *spec, bool nested, bool intel,
		  const struct kvmcpu_host *host, struct kvmcpu_result *r, struct kvmcpu_error *err)
{
	char text[KC_HV_SPEC_MAX + 64];
	struct kvmcpu_error why;
	struct hv_job j = { .spec = spec, .nested = nested, .intel = intel, .host = host, .r = r };
	if (!spec && !nested)
		return 0;
	j.implicit = !spec;
	if (spec)
		snprintf(text, sizeof(text), "hv=%s", spec->text);
	else
		snprintf(text, sizeof(text), "nested_virt (implies hv=windows)");
	j.spec_text = text;

	enum kc_hv_preset_id preset = spec ? spec->preset : KC_HV_PRESET_WINDOWS;
	j.set = kc_hv_preset_flags(preset, nested, intel);
	j.quiet_drops = preset == KC_HV_PRESET_PASSTHROUGH;
	if (spec)
		j.set = (j.set & ~spec->off) | spec->on;
	bool spin = spec && spec->spinlocks_given && spec->spinlocks != KC_HV_SPINLOCKS_NEVER;
	if (!j.set && !spin)
		return place_kvm_leaves(&j, false);

	if (kc_hv_host_has_hyperv(host, &why))
		return no_hyperv(&j, why.message, err);
	int rc = check_nested_only(&j, err);
	if (!rc)
		rc = check_host(&j, err);
	if (rc)
		return rc;
	if (!j.set && !spin)
		return place_kvm_leaves(&j, false);
	j.set |= KC_HV_MANDATORY;
	rc = place_kvm_leaves(&j, true);
	if (!rc)
		rc = emit_leaves(&j);
	if (!rc)
		rc = emit_plan(&j);
	if (!rc)
		rc = emit_warnings(&j);
	if (!rc)
		rc = note_prerequisites(&j);
	if (!rc)
		rc = note_implicit(&j);
	if (rc == -ENOSPC)
		return kc_fail(err, rc, NULL, "%s: the result has no room for the Hyper-V leaves",
			       text);
	if (rc == -ENOMEM)
		return kc_fail(err, rc, NULL, "out of memory");
	return rc;
}
