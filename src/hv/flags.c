/* SPDX-License-Identifier: MIT */
/*
 * The Hyper-V flag table: the single source of truth for the spec parser, the
 * host check, the leaf builder, `kvmcpu hv` and docs/hyperv-enlightenments.md.
 *
 * Bit names are the TLFS ones (Hypervisor Top Level Functional Specification,
 * "Feature and Interface Discovery"): 0x40000003 EAX/EBX hold the partition
 * privilege mask, 0x40000003 EDX the feature flags, 0x40000004 EAX the
 * implementation recommendations, 0x4000000A EAX the nested features.
 */
#include <string.h>

#include "hv/hv-priv.h"
#include "util/util.h"

#define B(n) (1u << (n))

/* Index order of the bits[] and host_bits[] arrays: 3.EAX, 3.EBX, 3.EDX, 4.EAX, A.EAX. */
#define REGS(e3a, e3b, e3d, e4a, eaa)                                                              \
	{                                                                                          \
		(e3a), (e3b), (e3d), (e4a), (eaa)                                                  \
	}

const struct kvmcpu_hv_flag kc_hv_flags[KC_HV_NFLAGS] = {
	[KC_HV_HYPERCALL] = {
		.id = KC_HV_HYPERCALL, .name = "hypercall", .qemu = NULL,
		.summary = "hypercall page and guest OS id MSRs (always on with any Hyper-V leaf)",
		/* TLFS: AccessHypercallMsrs; Microsoft's requirements mark it mandatory. */
		.bits = REGS(B(5), 0, 0, 0, 0), .host_bits = REGS(B(5), 0, 0, 0, 0),
		.msrs = "0x40000000 GUEST_OS_ID, 0x40000001 HYPERCALL",
		.note = "Mandatory: Windows ignores the reference TSC page and recent Linux "
			"ignores Hyper-V altogether without it.",
	},
	[KC_HV_VPINDEX] = {
		.id = KC_HV_VPINDEX, .name = "vpindex", .qemu = "hv-vpindex",
		.aliases = { "vp_index" },
		.summary = "virtual processor index MSR (always on with any Hyper-V leaf)",
		.bits = REGS(B(6), 0, 0, 0, 0), .host_bits = REGS(B(6), 0, 0, 0, 0),
		.requires = KC_HV_BIT(KC_HV_HYPERCALL),
		.msrs = "0x40000002 VP_INDEX (the VMM writes the vCPU index when KVM_CAP_HYPERV_VP_INDEX "
			"is set)",
		.note = "Mandatory (AccessVpIndex), like hypercall.",
	},
	[KC_HV_RUNTIME] = {
		.id = KC_HV_RUNTIME, .name = "runtime", .qemu = "hv-runtime",
		.aliases = { "vp_runtime" },
		.summary = "per-vCPU run time counter",
		.bits = REGS(B(0), 0, 0, 0, 0), .host_bits = REGS(B(0), 0, 0, 0, 0),
		.requires = KC_HV_BIT(KC_HV_HYPERCALL),
		.msrs = "0x40000010 VP_RUNTIME",
	},
	[KC_HV_TIME] = {
		.id = KC_HV_TIME, .name = "time", .qemu = "hv-time",
		.aliases = { "reference_counter" },
		.summary = "partition reference counter (100 ns clock)",
		.bits = REGS(B(1), 0, 0, 0, 0), .host_bits = REGS(B(1), 0, 0, 0, 0),
		.requires = KC_HV_BIT(KC_HV_HYPERCALL),
		.msrs = "0x40000020 TIME_REF_COUNT",
		.note = "QEMU's hv-time also sets the reference TSC page; the spec name hv-time "
			"stands for both flags.",
	},
	[KC_HV_TSC_PAGE] = {
		.id = KC_HV_TSC_PAGE, .name = "reference_tsc_page", .qemu = "hv-time",
		.aliases = { "tsc_page" },
		.summary = "reference TSC page (clock read without exits)",
		.bits = REGS(B(9), 0, 0, 0, 0), .host_bits = REGS(B(9), 0, 0, 0, 0),
		.requires = KC_HV_BIT(KC_HV_TIME),
		.msrs = "0x40000021 REFERENCE_TSC",
		.note = "KVM fills the page only while the host clock is TSC-stable; the guest "
			"falls back to TIME_REF_COUNT otherwise.",
	},
	[KC_HV_FREQUENCIES] = {
		.id = KC_HV_FREQUENCIES, .name = "frequencies", .qemu = "hv-frequencies",
		.summary = "TSC and APIC frequency MSRs",
		/* AccessFrequencyMsrs plus FrequencyRegsAvailable: Linux wants both. */
		.bits = REGS(B(11), 0, B(8), 0, 0), .host_bits = REGS(B(11), 0, B(8), 0, 0),
		.requires = KC_HV_BIT(KC_HV_HYPERCALL),
		.msrs = "0x40000022 TSC_FREQUENCY, 0x40000023 APIC_FREQUENCY",
	},
	[KC_HV_VAPIC] = {
		.id = KC_HV_VAPIC, .name = "vapic", .qemu = "hv-vapic",
		.summary = "APIC access MSRs and the VP assist page (PV EOI)",
		/* AccessIntrCtrlRegs and the ApicAccessRecommended hint; the host needs only the
		 * former, as QEMU checks. avic takes the hint away again. */
		.bits = REGS(B(4), 0, 0, B(3), 0), .host_bits = REGS(B(4), 0, 0, 0, 0),
		.requires = KC_HV_BIT(KC_HV_HYPERCALL),
		.msrs = "0x40000070 EOI, 0x40000071 ICR, 0x40000072 TPR, 0x40000073 VP_ASSIST_PAGE",
		.note = "0x40000004 EAX bit 3 (ApicAccessRecommended: EOI through the MSR) is set only "
			"while avic is off, as QEMU does: with avic the guest is to leave EOIs to "
			"APICv/AVIC instead.",
	},
	[KC_HV_AVIC] = {
		.id = KC_HV_AVIC, .name = "avic", .qemu = "hv-avic",
		.aliases = { "apicv", "deprecate_autoeoi" },
		.summary = "recommend against AutoEOI, so APICv/AVIC can stay active with SynIC",
		.bits = REGS(0, 0, 0, B(9), 0), .host_bits = REGS(0, 0, 0, B(9), 0),
		/* DeprecatingAutoEoi: a guest told to EOI through the MSR (vapic's hint) would
		 * work against the APICv/AVIC this asks for, so the hint goes. */
		.clears = REGS(0, 0, 0, B(3), 0),
		.requires = KC_HV_BIT(KC_HV_HYPERCALL),
		.note = "Clears vapic's 0x40000004 EAX bit 3 (ApicAccessRecommended), as QEMU does. "
			"QEMU also spells it hv-apicv.",
	},
	[KC_HV_SYNIC] = {
		.id = KC_HV_SYNIC, .name = "synic", .qemu = "hv-synic",
		.summary = "synthetic interrupt controller",
		.bits = REGS(B(2), 0, 0, 0, 0), .host_bits = REGS(B(2), 0, 0, 0, 0),
		.requires = KC_HV_BIT(KC_HV_VPINDEX),
		.host_cap = "KVM_CAP_HYPERV_SYNIC2",
		.vcpu_cap = "KVM_CAP_HYPERV_SYNIC2",
		.msrs = "0x40000080 SCONTROL .. 0x40000084 EOM, 0x40000090..0x4000009F SINT0..15 "
			"(the VMM writes SCONTROL = 1)",
		.note = "Needs an in-kernel irqchip. PostMessage/SignalEvent (0x40000003 EBX bits 4 "
			"and 5) are left to the VMM, which handles those hypercalls in user space.",
	},
	[KC_HV_STIMER] = {
		.id = KC_HV_STIMER, .name = "stimer", .qemu = "hv-stimer",
		.summary = "synthetic timers (the largest idle-CPU saving for Windows)",
		.bits = REGS(B(3), 0, 0, 0, 0), .host_bits = REGS(B(3), 0, 0, 0, 0),
		.requires = KC_HV_BIT(KC_HV_SYNIC) | KC_HV_BIT(KC_HV_TIME),
		.msrs = "0x400000B0..0x400000B7 STIMER0..3 CONFIG/COUNT",
	},
	[KC_HV_STIMER_DIRECT] = {
		.id = KC_HV_STIMER_DIRECT, .name = "stimer_direct", .qemu = "hv-stimer-direct",
		.summary = "direct-mode synthetic timers (APIC vector instead of a SynIC message)",
		.bits = REGS(0, 0, B(19), 0, 0), .host_bits = REGS(0, 0, B(19), 0, 0),
		.requires = KC_HV_BIT(KC_HV_STIMER),
		.note = "Follows the host's 0x40000003 EDX bit 19; the vCPU form of "
			"KVM_GET_SUPPORTED_HV_CPUID shows it only with an in-kernel LAPIC. Nested "
			"Hyper-V needs it.",
	},
	[KC_HV_RELAXED] = {
		.id = KC_HV_RELAXED, .name = "relaxed", .qemu = "hv-relaxed",
		.aliases = { "relaxed_timing" },
		.summary = "relaxed timing: no watchdog timeouts in the guest",
		.bits = REGS(0, 0, 0, B(5), 0), .host_bits = REGS(0, 0, 0, B(5), 0),
		.requires = KC_HV_BIT(KC_HV_HYPERCALL),
	},
	[KC_HV_SPINLOCKS] = {
		.id = KC_HV_SPINLOCKS, .name = "spinlocks", .qemu = "hv-spinlocks",
		.summary = "spinlock retry count before HvNotifyLongSpinWait (spinlocks=N)",
		.requires = KC_HV_BIT(KC_HV_HYPERCALL),
		.msrs = "0x40000004 EBX = N; hypercall 0x0008 HvNotifyLongSpinWait",
		.note = "Any count 1..0xFFFFFFFF; spinlocks=never (0xFFFFFFFF, the default) never "
			"notifies. Below 0xFFF (4095, KVM's suggestion) kvmcpu warns: the guest "
			"exits on every short spin.",
	},
	[KC_HV_RESET] = {
		.id = KC_HV_RESET, .name = "reset", .qemu = "hv-reset",
		.summary = "reset MSR",
		.bits = REGS(B(7), 0, 0, 0, 0), .host_bits = REGS(B(7), 0, 0, 0, 0),
		.requires = KC_HV_BIT(KC_HV_HYPERCALL),
		.msrs = "0x40000003 RESET (a guest write becomes KVM_SYSTEM_EVENT_RESET)",
	},
	[KC_HV_CRASH] = {
		.id = KC_HV_CRASH, .name = "crash", .qemu = "hv-crash",
		.summary = "guest crash MSRs (the VMM sees the bugcheck code)",
		.bits = REGS(0, 0, B(10), 0, 0), .host_bits = REGS(0, 0, B(10), 0, 0),
		.requires = KC_HV_BIT(KC_HV_HYPERCALL),
		.msrs = "0x40000100..0x40000104 CRASH_P0..P4, 0x40000105 CRASH_CTL "
			"(KVM_SYSTEM_EVENT_CRASH)",
		.note = "A guest that reports its crash this way may skip writing its crash dump.",
	},
	[KC_HV_TLBFLUSH] = {
		.id = KC_HV_TLBFLUSH, .name = "tlbflush", .qemu = "hv-tlbflush",
		.summary = "remote TLB flush by hypercall",
		/* RemoteTlbFlushRecommended and ExProcessorMasksRecommended. */
		.bits = REGS(0, 0, 0, B(2) | B(11), 0), .host_bits = REGS(0, 0, 0, B(2) | B(11), 0),
		.requires = KC_HV_BIT(KC_HV_VPINDEX),
		.msrs = "hypercalls 0x0002, 0x0003, 0x0013, 0x0014",
	},
	[KC_HV_TLBFLUSH_EXT] = {
		.id = KC_HV_TLBFLUSH_EXT, .name = "tlbflush_ext", .qemu = "hv-tlbflush-ext",
		.summary = "extended GVA ranges in the flush-list hypercalls",
		.bits = REGS(0, 0, B(14), 0, 0), .host_bits = REGS(0, 0, B(14), 0, 0),
		.requires = KC_HV_BIT(KC_HV_TLBFLUSH),
	},
	[KC_HV_IPI] = {
		.id = KC_HV_IPI, .name = "ipi", .qemu = "hv-ipi",
		.aliases = { "send_ipi" },
		.summary = "IPIs by hypercall",
		/* ClusterIpiRecommended and ExProcessorMasksRecommended. */
		.bits = REGS(0, 0, 0, B(10) | B(11), 0), .host_bits = REGS(0, 0, 0, B(10) | B(11), 0),
		.requires = KC_HV_BIT(KC_HV_VPINDEX),
		.msrs = "hypercalls 0x000B, 0x0015",
	},
	[KC_HV_XMM_INPUT] = {
		.id = KC_HV_XMM_INPUT, .name = "xmm_input", .qemu = "hv-xmm-input",
		.summary = "hypercall input in XMM registers (fast hypercalls)",
		.bits = REGS(0, 0, B(4), 0, 0), .host_bits = REGS(0, 0, B(4), 0, 0),
		.requires = KC_HV_BIT(KC_HV_HYPERCALL),
	},
	[KC_HV_REENLIGHTENMENT] = {
		.id = KC_HV_REENLIGHTENMENT, .name = "reenlightenment", .qemu = "hv-reenlightenment",
		.summary = "re-enlightenment notifications (TSC frequency change after migration)",
		.bits = REGS(B(13), 0, 0, 0, 0), .host_bits = REGS(B(13), 0, 0, 0, 0),
		.requires = KC_HV_BIT(KC_HV_HYPERCALL),
		.msrs = "0x40000106 REENLIGHTENMENT_CONTROL, 0x40000107 TSC_EMULATION_CONTROL, "
			"0x40000108 TSC_EMULATION_STATUS",
		.note = "Used by a nested Hyper-V. KVM does not emulate the TSC after migration: "
			"migrate only between hosts with the same TSC frequency or TSC scaling. "
			"Best with frequencies.",
	},
	[KC_HV_EVMCS] = {
		.id = KC_HV_EVMCS, .name = "evmcs", .qemu = "hv-evmcs",
		.aliases = { "enlightened_vmcs" },
		.summary = "enlightened VMCS for a nested hypervisor (version 1)",
		/* EnlightenedVmcsRecommended; 0x4000000A EAX[7:0]/[15:8] = version range 1..1. */
		.bits = REGS(0, 0, 0, B(14), 0x0101), .host_bits = REGS(0, 0, 0, B(14), 0),
		.requires = KC_HV_BIT(KC_HV_VAPIC),
		.host_cap = "KVM_CAP_HYPERV_ENLIGHTENED_VMCS",
		.vcpu_cap = "KVM_CAP_HYPERV_ENLIGHTENED_VMCS",
		.msrs = "the eVMCS pointer lives in the VP assist page",
		.note = "Intel VMX only: AMD has no eVMCS (KVM_ENABLE_CAP fails with ENOTTY). The "
			"host must recommend it (kvm_intel nested=1) and report a version range "
			"that holds 1. Enabled before KVM_SET_CPUID2; it hides some VMX features "
			"(posted interrupts, ...) from the guest hypervisor.",
		.intel_only = true, .nested_only = true,
	},
	[KC_HV_TLBFLUSH_DIRECT] = {
		.id = KC_HV_TLBFLUSH_DIRECT, .name = "tlbflush_direct", .qemu = "hv-tlbflush-direct",
		.summary = "L0 handles the TLB-flush hypercalls of L2 guests directly",
		.bits = REGS(0, 0, 0, 0, B(17)), .host_bits = REGS(0, 0, 0, 0, B(17)),
		.requires = KC_HV_BIT(KC_HV_VAPIC),
		.note = "Nested only; on Intel KVM implements it through eVMCS, on AMD natively. "
			"Unrelated to KVM_CAP_HYPERV_DIRECT_TLBFLUSH.",
		.nested_only = true,
	},
	[KC_HV_EMSR_BITMAP] = {
		.id = KC_HV_EMSR_BITMAP, .name = "emsr_bitmap", .qemu = "hv-emsr-bitmap",
		.summary = "enlightened MSR bitmap for a nested hypervisor",
		.bits = REGS(0, 0, 0, 0, B(19)), .host_bits = REGS(0, 0, 0, 0, B(19)),
		.requires = KC_HV_BIT(KC_HV_HYPERCALL),
		.note = "Nested only; on Intel it needs evmcs, on AMD it works through the VMCB.",
		.nested_only = true,
	},
	[KC_HV_NO_NONARCH_CORESHARING] = {
		.id = KC_HV_NO_NONARCH_CORESHARING, .name = "no_nonarch_coresharing",
		.qemu = "hv-no-nonarch-coresharing",
		.summary = "promise that vCPUs never share a physical core with other guests",
		.bits = REGS(0, 0, 0, B(18), 0), .host_bits = REGS(0, 0, 0, B(18), 0),
		.requires = KC_HV_BIT(KC_HV_HYPERCALL),
		.note = "KVM reports it only when SMT is impossible on the host; the promise "
			"does not survive migration to a host with SMT.",
	},
	[KC_HV_SYNDBG] = {
		.id = KC_HV_SYNDBG, .name = "syndbg", .qemu = "hv-syndbg",
		.summary = "synthetic kernel debugger (leaves 0x40000080..0x40000082)",
		.bits = REGS(0, 0, B(11), 0, 0), .host_bits = REGS(0, 0, B(11), 0, 0),
		.requires = KC_HV_BIT(KC_HV_SYNIC) | KC_HV_BIT(KC_HV_RELAXED),
		.msrs = "0x400000F1..0x400000F5, 0x400000FF SYNDBG_*; hypercalls 0x0069..0x006B",
		.note = "A debugging aid that needs a VMM-side debugger transport; never part of "
			"passthrough.",
		.never_passthrough = true,
	},
	[KC_HV_ENFORCE_CPUID] = {
		.id = KC_HV_ENFORCE_CPUID, .name = "enforce_cpuid", .qemu = "hv-enforce-cpuid",
		.summary = "KVM refuses Hyper-V MSRs and hypercalls the CPUID leaves do not grant",
		.requires = KC_HV_BIT(KC_HV_HYPERCALL),
		.host_cap = "KVM_CAP_HYPERV_ENFORCE_CPUID",
		.vcpu_cap = "KVM_CAP_HYPERV_ENFORCE_CPUID",
		.note = "Sets no CPUID bit. Hardening: without it a guest may use every Hyper-V "
			"MSR KVM implements once 0x40000001 says Hv#1.",
		.never_passthrough = true,
	},
};

/* QEMU property names that stand for more than one flag. */
static const struct {
	const char *name;
	kc_hv_set set;
} multi_aliases[] = {
	{ "hv-time", KC_HV_BIT(KC_HV_TIME) | KC_HV_BIT(KC_HV_TSC_PAGE) },
	{ "hv-apicv", KC_HV_BIT(KC_HV_AVIC) },
};

uint32_t kc_hv_reg_leaf(enum kc_hv_reg reg)
{
	switch (reg) {
	case KC_HV_3EAX:
	case KC_HV_3EBX:
	case KC_HV_3EDX:
		return 0x40000003;
	case KC_HV_4EAX:
		return 0x40000004;
	default:
		return 0x4000000A;
	}
}

enum kvmcpu_reg kc_hv_reg_reg(enum kc_hv_reg reg)
{
	switch (reg) {
	case KC_HV_3EBX:
		return KVMCPU_EBX;
	case KC_HV_3EDX:
		return KVMCPU_EDX;
	default:
		return KVMCPU_EAX;
	}
}

const char *kc_hv_reg_name(enum kc_hv_reg reg)
{
	static const char *const names[KC_HV_NREGS] = {
		"0x40000003.EAX", "0x40000003.EBX", "0x40000003.EDX",
		"0x40000004.EAX", "0x4000000A.EAX",
	};
	return (unsigned)reg < KC_HV_NREGS ? names[reg] : "?";
}

/* kc_name_eq on a length-bounded token. */
static bool token_is(const char *tok, size_t len, const char *name)
{
	char buf[64];
	if (!name || len >= sizeof(buf))
		return false;
	memcpy(buf, tok, len);
	buf[len] = '\0';
	return kc_name_eq(buf, name);
}

static bool flag_named(const struct kvmcpu_hv_flag *f, const char *tok, size_t len)
{
	if (token_is(tok, len, f->name))
		return true;
	for (size_t i = 0; i < KC_ARRAY_SIZE(f->aliases) && f->aliases[i]; i++)
		if (token_is(tok, len, f->aliases[i]))
			return true;
	return false;
}

kc_hv_set kc_hv_lookup(const char *name, size_t len)
{
	for (size_t i = 0; i < KC_ARRAY_SIZE(multi_aliases); i++)
		if (token_is(name, len, multi_aliases[i].name))
			return multi_aliases[i].set;
	for (size_t i = 0; i < KC_HV_NFLAGS; i++) {
		const struct kvmcpu_hv_flag *f = &kc_hv_flags[i];
		if (flag_named(f, name, len) || token_is(name, len, f->qemu))
			return KC_HV_BIT(i);
	}
	/* QEMU's prefix in any spelling: "hv-relaxed", "hv_relaxed", "hv-stimer-direct". */
	if (len > 3 && (!strncmp(name, "hv_", 3) || !strncmp(name, "hv-", 3)))
		return kc_hv_lookup(name + 3, len - 3);
	return 0;
}

kc_hv_set kc_hv_closure(kc_hv_set set)
{
	kc_hv_set prev;
	do {
		prev = set;
		for (int i = 0; i < KC_HV_NFLAGS; i++)
			if (set & KC_HV_BIT(i))
		set |= kc_hv_flags[i].requires;
	} while (set != prev);
	return set;
}

kc_hv_set kc_hv_dependents(kc_hv_set set)
{
	kc_hv_set all = set, prev;
	do {
		prev = all;
		for (int i = 0; i < KC_HV_NFLAGS; i++)
			if (kc_hv_flags[i].requires & all)
				all |= KC_HV_BIT(i);
	} while (all != prev);
	return all & ~set;
}

int kc_hv_first(kc_hv_set set)
{
	for (int i = 0; i < KC_HV_NFLAGS; i++)
		if (set & KC_HV_BIT(i))
			return i;
	return -1;
}

/* Presets (exact sets; the values they produce are listed in docs/hyperv-enlightenments.md). */
#define PRESET_DEFAULT                                                                             \
	(KC_HV_BIT(KC_HV_HYPERCALL) | KC_HV_BIT(KC_HV_VPINDEX) | KC_HV_BIT(KC_HV_RUNTIME) |        \
	 KC_HV_BIT(KC_HV_TIME) | KC_HV_BIT(KC_HV_TSC_PAGE) | KC_HV_BIT(KC_HV_FREQUENCIES) |        \
	 KC_HV_BIT(KC_HV_VAPIC) | KC_HV_BIT(KC_HV_AVIC) | KC_HV_BIT(KC_HV_SYNIC) |                 \
	 KC_HV_BIT(KC_HV_STIMER))
#define PRESET_WINDOWS                                                                             \
	(PRESET_DEFAULT | KC_HV_BIT(KC_HV_RELAXED) | KC_HV_BIT(KC_HV_TLBFLUSH) |                   \
	 KC_HV_BIT(KC_HV_IPI) | KC_HV_BIT(KC_HV_RESET) | KC_HV_BIT(KC_HV_STIMER_DIRECT))
#define PRESET_WINDOWS_NESTED                                                                      \
	(PRESET_WINDOWS | KC_HV_BIT(KC_HV_EVMCS) | KC_HV_BIT(KC_HV_REENLIGHTENMENT))

static const char *const preset_names[KC_HV_NPRESETS] = { "none", "default", "windows",
							  "passthrough" };
static const char *const preset_summaries[KC_HV_NPRESETS] = {
	"no Hyper-V leaves at all",
	"the basic set: clocks, TSC page, SynIC and timers, APIC MSRs",
	("default + relaxed timing, PV TLB flush and IPIs, reset, direct timers; "
	 "with nested_virt also eVMCS and re-enlightenment"),
	"everything the host supports (not migration-safe)",
};

const char *kc_hv_preset_name(enum kc_hv_preset_id p)
{
	return (unsigned)p < KC_HV_NPRESETS ? preset_names[p] : NULL;
}

kc_hv_set kc_hv_preset_flags(enum kc_hv_preset_id p, bool nested, bool intel)
{
	kc_hv_set set = 0;
	switch (p) {
	case KC_HV_PRESET_NONE:
		return 0;
	case KC_HV_PRESET_DEFAULT:
		return PRESET_DEFAULT;
	case KC_HV_PRESET_WINDOWS:
		return nested ? PRESET_WINDOWS_NESTED : PRESET_WINDOWS;
	case KC_HV_PRESET_PASSTHROUGH:
		for (int i = 0; i < KC_HV_NFLAGS; i++) {
			const struct kvmcpu_hv_flag *f = &kc_hv_flags[i];
			if (f->never_passthrough || (f->nested_only && !nested) ||
			    (f->intel_only && !intel))
				continue;
			set |= KC_HV_BIT(i);
		}
		return set;
	default:
		return 0;
	}
}

/* Public enumeration API. */

size_t kvmcpu_hv_flag_count(void)
{
	return KC_HV_NFLAGS;
}

const struct kvmcpu_hv_flag *kvmcpu_hv_flag_at(size_t index)
{
	return index < KC_HV_NFLAGS ? &kc_hv_flags[index] : NULL;
}

const struct kvmcpu_hv_flag *kvmcpu_hv_flag_find(const char *name)
{
	if (!name)
		return NULL;
	int i = kc_hv_first(kc_hv_lookup(name, strlen(name)));
	return i < 0 ? NULL : &kc_hv_flags[i];
}

const char *kvmcpu_hv_flag_name(const struct kvmcpu_hv_flag *f)
{
	return f ? f->name : NULL;
}

const char *kvmcpu_hv_flag_qemu_name(const struct kvmcpu_hv_flag *f)
{
	return f ? f->qemu : NULL;
}

size_t kvmcpu_hv_flag_alias_count(const struct kvmcpu_hv_flag *f)
{
	size_t n = 0;
	while (f && n < KC_ARRAY_SIZE(f->aliases) && f->aliases[n])
		n++;
	return n;
}

const char *kvmcpu_hv_flag_alias_at(const struct kvmcpu_hv_flag *f, size_t i)
{
	return i < kvmcpu_hv_flag_alias_count(f) ? f->aliases[i] : NULL;
}

const char *kvmcpu_hv_flag_summary(const struct kvmcpu_hv_flag *f)
{
	return f ? f->summary : NULL;
}

const char *kvmcpu_hv_flag_msrs(const struct kvmcpu_hv_flag *f)
{
	return f && f->msrs ? f->msrs : "";
}

const char *kvmcpu_hv_flag_note(const struct kvmcpu_hv_flag *f)
{
	return f && f->note ? f->note : "";
}

static uint32_t reg_bits(const uint32_t bits[KC_HV_NREGS], uint32_t leaf, enum kvmcpu_reg reg)
{
	for (int i = 0; i < KC_HV_NREGS; i++)
		if (kc_hv_reg_leaf(i) == leaf && kc_hv_reg_reg(i) == reg)
			return bits[i];
	return 0;
}

uint32_t kvmcpu_hv_flag_bits(const struct kvmcpu_hv_flag *f, uint32_t leaf, enum kvmcpu_reg reg)
{
	return f ? reg_bits(f->bits, leaf, reg) : 0;
}

uint32_t kvmcpu_hv_flag_host_bits(const struct kvmcpu_hv_flag *f, uint32_t leaf,
				  enum kvmcpu_reg reg)
{
	return f ? reg_bits(f->host_bits, leaf, reg) : 0;
}

uint32_t kvmcpu_hv_flag_clear_bits(const struct kvmcpu_hv_flag *f, uint32_t leaf,
				   enum kvmcpu_reg reg)
{
	return f ? reg_bits(f->clears, leaf, reg) : 0;
}

size_t kvmcpu_hv_flag_dep_count(const struct kvmcpu_hv_flag *f)
{
	return f ? (size_t)__builtin_popcount(f->requires) : 0;
}

const struct kvmcpu_hv_flag *kvmcpu_hv_flag_dep_at(const struct kvmcpu_hv_flag *f, size_t i)
{
	if (!f)
		return NULL;
	for (int id = 0; id < KC_HV_NFLAGS; id++)
		if ((f->requires & KC_HV_BIT(id)) && i-- == 0)
			return &kc_hv_flags[id];
	return NULL;
}

const char *kvmcpu_hv_flag_host_cap(const struct kvmcpu_hv_flag *f)
{
	return f ? f->host_cap : NULL;
}

const char *kvmcpu_hv_flag_vcpu_cap(const struct kvmcpu_hv_flag *f)
{
	return f ? f->vcpu_cap : NULL;
}

bool kvmcpu_hv_flag_intel_only(const struct kvmcpu_hv_flag *f)
{
	return f && f->intel_only;
}

bool kvmcpu_hv_flag_nested_only(const struct kvmcpu_hv_flag *f)
{
	return f && f->nested_only;
}

size_t kvmcpu_hv_preset_count(void)
{
	return KC_HV_NPRESETS;
}

const char *kvmcpu_hv_preset_name(size_t index)
{
	return index < KC_HV_NPRESETS ? preset_names[index] : NULL;
}

const char *kvmcpu_hv_preset_summary(size_t index)
{
	return index < KC_HV_NPRESETS ? preset_summaries[index] : NULL;
}

bool kvmcpu_hv_preset_contains(size_t index, const struct kvmcpu_hv_flag *f, bool nested)
{
	if (!f || index >= KC_HV_NPRESETS)
		return false;
	return kc_hv_preset_flags((enum kc_hv_preset_id)index, nested, true) & KC_HV_BIT(f->id);
}
