/* SPDX-License-Identifier: MIT */
/*
 * Prints docs/hyperv-enlightenments.md from the Hyper-V flag table.
 *   hv-doc                 write the page to stdout
 *   hv-doc --check FILE    exit 1 when FILE differs from what would be written
 * Rewrite the committed page with: build/tests/hv/hv-doc > docs/hyperv-enlightenments.md
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kvmcpu/hv.h"

struct reg {
	uint32_t leaf;
	enum kvmcpu_reg reg;
	const char *label;
};

static const struct reg regs[] = {
	{ 0x40000003, KVMCPU_EAX, "0x40000003 EAX" }, { 0x40000003, KVMCPU_EBX, "0x40000003 EBX" },
	{ 0x40000003, KVMCPU_EDX, "0x40000003 EDX" }, { 0x40000004, KVMCPU_EAX, "0x40000004 EAX" },
	{ 0x4000000A, KVMCPU_EAX, "0x4000000A EAX" },
};
#define NREGS (sizeof(regs) / sizeof(regs[0]))

static void print_bits(FILE *f, const struct kvmcpu_hv_flag *fl, bool host)
{
	bool any = false;
	for (size_t r = 0; r < NREGS; r++) {
		uint32_t m = host ? kvmcpu_hv_flag_host_bits(fl, regs[r].leaf, regs[r].reg)
				  : kvmcpu_hv_flag_bits(fl, regs[r].leaf, regs[r].reg);
		if (!m)
			continue;
		fprintf(f, "%s%s", any ? "; " : "", regs[r].label);
		const char *sep = " bit ";
		for (int b = 0; b < 32; b++)
			if (m & (1u << b)) {
				fprintf(f, "%s%d", sep, b);
				sep = ", ";
			}
		any = true;
	}
	if (!any)
		fprintf(f, host ? "none (KVM always has it)" : "none");
	for (size_t r = 0; !host && r < NREGS; r++) {
		uint32_t m = kvmcpu_hv_flag_clear_bits(fl, regs[r].leaf, regs[r].reg);
		for (int b = 0; b < 32; b++)
			if (m & (1u << b))
				fprintf(f, "; clears %s bit %d", regs[r].label, b);
	}
}

static void print_flag(FILE *f, const struct kvmcpu_hv_flag *fl)
{
	fprintf(f, "### `%s`\n\n%s.\n\n", kvmcpu_hv_flag_name(fl), kvmcpu_hv_flag_summary(fl));
	fprintf(f, "- Sets: ");
	if (!strcmp(kvmcpu_hv_flag_name(fl), "spinlocks"))
		fprintf(f, "0x40000004 EBX = the retry count");
	else
		print_bits(f, fl, false);
	fprintf(f, "\n- Spellings: `%s`", kvmcpu_hv_flag_name(fl));
	for (size_t i = 0; i < kvmcpu_hv_flag_alias_count(fl); i++)
		fprintf(f, ", `%s`", kvmcpu_hv_flag_alias_at(fl, i));
	if (kvmcpu_hv_flag_qemu_name(fl))
		fprintf(f, ", QEMU `%s`", kvmcpu_hv_flag_qemu_name(fl));
	fprintf(f, "\n- Requires: ");
	if (!kvmcpu_hv_flag_dep_count(fl))
		fprintf(f, "nothing");
	for (size_t i = 0; i < kvmcpu_hv_flag_dep_count(fl); i++)
		fprintf(f, "%s`%s`", i ? ", " : "",
			kvmcpu_hv_flag_name(kvmcpu_hv_flag_dep_at(fl, i)));
	fprintf(f, "\n- Host evidence: KVM_GET_SUPPORTED_HV_CPUID shows ");
	print_bits(f, fl, true);
	if (kvmcpu_hv_flag_host_cap(fl))
		fprintf(f, "; `%s` > 0", kvmcpu_hv_flag_host_cap(fl));
	fprintf(f, "\n- Kernels before 5.0 (no KVM_GET_SUPPORTED_HV_CPUID): %s\n",
		kvmcpu_hv_flag_legacy_cap(fl) ? kvmcpu_hv_flag_legacy_cap(fl) : "not available");
	if (kvmcpu_hv_flag_vcpu_cap(fl))
		fprintf(f, "- vCPU capability: `%s`\n", kvmcpu_hv_flag_vcpu_cap(fl));
	if (kvmcpu_hv_flag_intel_only(fl) || kvmcpu_hv_flag_nested_only(fl))
		fprintf(f, "- Only: %s%s%s\n",
			kvmcpu_hv_flag_intel_only(fl) ? "Intel (VMX) guests" : "",
			kvmcpu_hv_flag_intel_only(fl) && kvmcpu_hv_flag_nested_only(fl) ? ", " : "",
			kvmcpu_hv_flag_nested_only(fl) ? "with nested_virt" : "");
	if (*kvmcpu_hv_flag_msrs(fl))
		fprintf(f, "- Guest gains: %s\n", kvmcpu_hv_flag_msrs(fl));
	if (*kvmcpu_hv_flag_note(fl))
		fprintf(f, "- Note: %s\n", kvmcpu_hv_flag_note(fl));
	fprintf(f, "\n");
}

/* The leaf values a fixed preset gives on a host that supports all of it: the OR of its
 * flags' bits minus the OR of their clear bits (avic clears vapic's hint). */
static void preset_values(size_t p, bool nested, uint32_t v[NREGS])
{
	uint32_t clear[NREGS] = { 0 };
	memset(v, 0, sizeof(uint32_t) * NREGS);
	for (size_t i = 0; i < kvmcpu_hv_flag_count(); i++) {
		const struct kvmcpu_hv_flag *fl = kvmcpu_hv_flag_at(i);
		if (!kvmcpu_hv_preset_contains(p, fl, nested))
			continue;
		for (size_t r = 0; r < NREGS; r++) {
			v[r] |= kvmcpu_hv_flag_bits(fl, regs[r].leaf, regs[r].reg);
			clear[r] |= kvmcpu_hv_flag_clear_bits(fl, regs[r].leaf, regs[r].reg);
		}
	}
	for (size_t r = 0; r < NREGS; r++)
		v[r] &= ~clear[r];
}

static void print_presets(FILE *f)
{
	fprintf(f, "## Presets\n\n| preset | flags |\n|---|---|\n");
	for (size_t p = 0; p < kvmcpu_hv_preset_count(); p++) {
		fprintf(f, "| `%s` | %s", kvmcpu_hv_preset_name(p), kvmcpu_hv_preset_summary(p));
		const char *sep = ": ";
		for (size_t i = 0; i < kvmcpu_hv_flag_count(); i++) {
			const struct kvmcpu_hv_flag *fl = kvmcpu_hv_flag_at(i);
			bool plain = kvmcpu_hv_preset_contains(p, fl, false);
			bool nested = kvmcpu_hv_preset_contains(p, fl, true);
			if (!plain && !nested)
				continue;
			fprintf(f, "%s`%s`%s", sep, kvmcpu_hv_flag_name(fl),
				plain ? "" : " (nested_virt)");
			sep = ", ";
		}
		fprintf(f, " |\n");
	}
	fprintf(f, "\nLeaf values on a host that supports every flag of the preset (0x40000003 EAX "
		   "always has bits 5 and 6; 0x40000004 EBX is the spinlock count, 0xFFFFFFFF "
		   "unless `spinlocks=` says otherwise):\n\n"
		   "| preset | nested_virt | 0x40000000 EAX | 3.EAX | 3.EBX | 3.EDX | 4.EAX | "
		   "A.EAX |\n|---|---|---|---|---|---|---|---|\n");
	for (size_t p = 1; p < 3; p++)
		for (int nested = 0; nested < 2; nested++) {
			uint32_t v[NREGS];
			preset_values(p, nested, v);
			v[0] |= 0x60;
			char a[16] = "-";
			if (v[4])
				snprintf(a, sizeof(a), "0x%08X", v[4]);
			fprintf(f,
				"| `%s` | %s | 0x%08X | 0x%08X | 0x%08X | 0x%08X | 0x%08X | %s |\n",
				kvmcpu_hv_preset_name(p), nested ? "on" : "off",
				v[4] ? 0x4000000Au : 0x40000005u, v[0], v[1], v[2], v[3], a);
		}
	fprintf(f, "\n`none` emits no Hyper-V leaf. `passthrough` takes every flag the host "
		   "supports except `syndbg` and `enforce_cpuid` (nested-only flags only with "
		   "nested_virt, `evmcs` only for Intel guests) and KVM's spinlock suggestion; "
		   "`kvmcpu` warns that such a guest is not migration-safe.\n\n");
}

static const char intro[] =
	"<!-- SPDX-License-Identifier: MIT -->\n"
	"<!-- Generated from the flag table (src/hv/flags.c) by tools/hv-doc.c. Do not edit;\n"
	"     rewrite with: build/tests/hv/hv-doc > docs/hyperv-enlightenments.md -->\n"
	"# Hyper-V enlightenments\n\n"
	"Windows runs slowly, or not at all, on KVM without Hyper-V enlightenments: synthetic\n"
	"timers, a reference TSC page, paravirtual TLB flushes and IPIs. `hv=SPEC` chooses them;\n"
	"libkvmcpu checks each one against what the host's KVM can provide and builds the leaves\n"
	"0x40000000..0x4000000A, the vCPU capabilities to enable and the MSRs to write.\n"
	"`kvmcpu hv --host FILE` shows the same table for one host.\n\n"
	"## Spec grammar\n\n"
	"`+`-separated tokens, applied left to right; a later token wins.\n\n"
	"- An optional first token is a preset: `none`, `default`, `windows`, `passthrough`.\n"
	"  Without one the base is `default`. A preset anywhere else is an error.\n"
	"- `NAME` enables a flag and what it requires; `no_NAME` disables it and what requires it.\n"
	"  Disabling a flag that an earlier named flag requires is an error naming both.\n"
	"  `NAME=on` / `NAME=off` (QEMU style) work too.\n"
	"- `spinlocks=N` (decimal or 0x-hex, 1..0xFFFFFFFF) or `spinlocks=never` (0xFFFFFFFF).\n"
	"- `vendor_id=TEXT` (1 to 12 printable characters) replaces \"Microsoft Hv\" in\n"
	"  0x40000000; Linux guests then ignore the enlightenments.\n"
	"- `no_kvm_leaves` hides KVM's own signature leaves; `kvm_leaves` brings them back.\n"
	"- Names are case-insensitive and `-`, `_` are alike; QEMU spellings (`hv-vpindex`) and\n"
	"  the long names (`vp_index`, `vp_runtime`, `reference_tsc_page`) are\n"
	"  accepted. QEMU's `hv-time` stands for `time` + `reference_tsc_page`.\n"
	"- `hypercall` and `vpindex` (0x40000003 EAX bits 5 and 6) are mandatory whenever a\n"
	"  Hyper-V leaf exists: `no_hypercall` and `no_vpindex` are errors; use `hv=none`.\n\n"
	"With no `hv=` at all, a guest with nested_virt gets `windows`, and every result says so\n"
	"in a warning notice (`hv`): such a guest sees a Hyper-V (\"Microsoft Hv\"), not KVM.\n"
	"Give `hv=none` to keep KVM's identity. On a host without Hyper-V emulation that\n"
	"guest gets no Hyper-V leaves, and one notice says so. Other guests get none.\n"
	"Examples: `hv=windows+no_evmcs`, `hv=windows+enforce_cpuid`, `hv=default+spinlocks=0x1fff`.\n\n";

static const char host_text[] =
	"## Host detection\n\n"
	"- `KVM_CAP_HYPERV` = 0 (a kernel without CONFIG_KVM_HYPERV): the host has no Hyper-V\n"
	"  emulation. Any spec but `none` is an error that names `hv=none`; nested_virt without\n"
	"  `hv=` drops the implied `windows` flags with a notice.\n"
	"- Otherwise each flag needs the bits listed under \"Host evidence\" in the host's\n"
	"  Hyper-V CPUID answer, and its capability when it has one, as QEMU checks. The answer\n"
	"  comes from `KVM_GET_SUPPORTED_HV_CPUID` on the system fd when\n"
	"  `KVM_CAP_SYS_HYPERV_CPUID` > 0 (kernels 5.11 and later). Kernels 5.0 to 5.10 have it\n"
	"  only on a vCPU fd (`KVM_CAP_HYPERV_CPUID` > 0): the live probe asks a scratch vCPU of a\n"
	"  VM with an in-kernel irqchip. That form leaves out the eVMCS recommendation until\n"
	"  eVMCS is enabled, so, as in QEMU, `KVM_CAP_HYPERV_ENLIGHTENED_VMCS` > 0 stands for it.\n"
	"  Kernels before 5.0 have neither: like QEMU, the probe builds the answer from the\n"
	"  capabilities and the Hyper-V MSRs `KVM_GET_MSR_INDEX_LIST` names (each flag's\n"
	"  \"Kernels before 5.0\" line); flags with no such evidence are unavailable there. A\n"
	"  recording says which source it holds through its `KVM_CAP_SYS_HYPERV_CPUID` and\n"
	"  `KVM_CAP_HYPERV_CPUID` values.\n"
	"- A flag that came from a preset and that the host cannot provide is dropped with what\n"
	"  requires it; `kvmcpu cpuid --explain` and the JSON `hv_dropped` list say which and\n"
	"  why. A flag named in the spec (or required by one) that the host cannot provide is an\n"
	"  error.\n"
	"- Direct synthetic timers follow the host's 0x40000003 EDX bit 19. eVMCS needs the\n"
	"  host's 0x40000004 EAX bit 14, `KVM_CAP_HYPERV_ENLIGHTENED_VMCS`, and a version range\n"
	"  holding 1 (0x4000000A EAX[15:0] of the system answer): `windows` with nested_virt on\n"
	"  AMD, or on Intel with kvm_intel nested=0, drops eVMCS instead of failing at vCPU\n"
	"  setup. The range KVM writes back when the vCPU enables eVMCS is checked again there;\n"
	"  when it does not hold 1, `kvmcpu_result_apply()` fails and names it.\n"
	"- Flags that a named flag requires are enabled with it; each shows in the result as a\n"
	"  notice (`--explain`, JSON `notices`): `hv=none+stimer` reports synic, time, vpindex\n"
	"  and hypercall as prerequisites.\n\n"
	"## Nested and non-nested guests\n\n"
	"`evmcs`, `tlbflush_direct` and `emsr_bitmap` serve a guest that runs its own hypervisor\n"
	"and need nested_virt. `windows` adds `evmcs` and `reenlightenment` with nested_virt,\n"
	"which raises 0x40000000 EAX to 0x4000000A and emits 0x40000006..0x40000009 as zeros and\n"
	"0x4000000A EAX 0x00000101 (eVMCS version 1). AMD guests nest with SVM: add\n"
	"`emsr_bitmap` and `tlbflush_direct` by name there. 0x40000004 EAX bit 12 (\"nested within\n"
	"a Hyper-V partition\") is never set: Linux guests would then use nested SynIC MSRs that\n"
	"KVM does not implement.\n\n"
	"## Fixed leaves\n\n"
	"| leaf | value | why |\n|---|---|---|\n"
	"| 0x40000000 | EAX max leaf (0x40000005, 0x4000000A with nested features, 0x40000082 "
	"with syndbg); EBX..EDX \"Microsoft Hv\" or `vendor_id` | Linux accepts Hyper-V only "
	"with this vendor and a max leaf >= 0x40000005 |\n"
	"| 0x40000001 | EAX \"Hv#1\" (0x31237648) | the TLFS interface; KVM enables its Hyper-V "
	"MSRs only with it |\n"
	"| 0x40000002 | EAX 0x3839, EBX 0x000A0000 | build 14393, version 10.0, as KVM and QEMU "
	"report; guests must not gate features on it |\n"
	"| 0x40000005 | EAX 0xFFFFFFFF, EBX 0x40 | no specific vCPU limit; 64 logical "
	"processors, as KVM reports |\n"
	"| 0x40000100, 0x40000101 | KVM's signature and feature leaves, moved | \"Hv#1\" gives "
	"0x40000000..0x400000FF a Hyper-V meaning; Linux finds KVM in the next block. Omitted "
	"with `no_kvm_leaves` |\n\n"
	"## vCPU plan\n\n"
	"Before KVM_SET_CPUID2, on each vCPU, in QEMU's order: `KVM_CAP_HYPERV_SYNIC2` (synic),\n"
	"`KVM_CAP_HYPERV_ENLIGHTENED_VMCS` (evmcs; args[0] points to a u16 that receives the\n"
	"supported version range, which must hold 1), `KVM_CAP_HYPERV_ENFORCE_CPUID` with\n"
	"args[0] = 1 (enforce_cpuid). Then\n"
	"KVM_SET_MSRS: HV_X64_MSR_VP_INDEX (0x40000002) = the vCPU index when the host has\n"
	"`KVM_CAP_HYPERV_VP_INDEX`, and HV_X64_MSR_SCONTROL (0x40000080) = 1 with synic.\n"
	"`kvmcpu_result_apply()` does all of it. SynIC lives in KVM's in-kernel local APIC:\n"
	"the VM needs an in-kernel irqchip (KVM_CREATE_IRQCHIP) before its first vCPU, or\n"
	"KVM refuses `KVM_CAP_HYPERV_SYNIC2`; `kvmcpu_vm_new_for()` creates one when the plan\n"
	"has SynIC.\n\n"
	"## Spinlock tuning\n\n"
	"0x40000004 EBX is how many times a guest spins on a lock before it tells the\n"
	"hypervisor (HvNotifyLongSpinWait, which KVM turns into a directed yield). The default\n"
	"0xFFFFFFFF never notifies, which suits guests whose vCPUs are pinned or rarely\n"
	"preempted. On overcommitted hosts a finite count lets KVM run the lock holder: KVM\n"
	"suggests 0xFFF (4095); 0x1FFF halves the rate of exits. Any count from 1 to\n"
	"0xFFFFFFFF is accepted, since neither KVM nor the TLFS sets a minimum; below 0xFFF the\n"
	"result carries a warning, because the guest then exits on short, harmless spins.\n"
	"0 is refused. With `enforce_cpuid`, KVM refuses the notification when EBX is\n"
	"0xFFFFFFFF.\n\n";

static void print_page(FILE *f)
{
	fputs(intro, f);
	print_presets(f);
	fputs(host_text, f);
	fprintf(f, "## Flags\n\n");
	for (size_t i = 0; i < kvmcpu_hv_flag_count(); i++)
		print_flag(f, kvmcpu_hv_flag_at(i));
}

static int check(const char *path)
{
	char *want = NULL;
	size_t want_len = 0;
	FILE *m = open_memstream(&want, &want_len);
	if (!m)
		return 2;
	print_page(m);
	fclose(m);
	FILE *in = fopen(path, "r");
	if (!in) {
		fprintf(stderr, "hv-doc: cannot open %s\n", path);
		free(want);
		return 1;
	}
	char *have = malloc(want_len + 2);
	size_t have_len = have ? fread(have, 1, want_len + 1, in) : 0;
	fclose(in);
	int same = have && have_len == want_len && !memcmp(have, want, want_len);
	free(have);
	free(want);
	if (!same) {
		fprintf(stderr,
			"hv-doc: %s is out of date with src/hv/flags.c; rewrite it with\n"
			"  build/tests/hv/hv-doc > docs/hyperv-enlightenments.md\n",
			path);
		return 1;
	}
	printf("hv-doc: %s is up to date\n", path);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--check"))
		return check(argv[2]);
	if (argc != 1) {
		fprintf(stderr, "usage: hv-doc [--check FILE]\n");
		return 2;
	}
	print_page(stdout);
	return 0;
}
