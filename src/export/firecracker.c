/* SPDX-License-Identifier: MIT */
/*
 * A Firecracker custom CPU template (docs/cpu_templates/cpu-templates.md and
 * schema.json of Firecracker): every register of every leaf of the result as a
 * full bitmap, and the feature MSRs of the plan. Firecracker keeps the host's
 * vendor and enables no Hyper-V capability; what depends on those is reported.
 */
#include <errno.h>
#include <string.h>

#include "export/export-priv.h"

static void bitmap(struct kc_out *o, uint64_t v, int bits)
{
	kc_out_printf(o, "\"0b");
	for (int b = bits - 1; b >= 0; b--)
		kc_out_printf(o, "%c", (v >> b) & 1 ? '1' : '0');
	kc_out_printf(o, "\"");
}

int kc_export_firecracker(struct kc_export *x, struct kc_out *o, struct kvmcpu_error *err)
{
	static const char regs[][4] = { "eax", "ebx", "ecx", "edx" };
	const char *host_vendor = x->opts->host ? kvmcpu_host_vendor(x->opts->host) : "";
	if (*host_vendor && strcmp(host_vendor, x->vendor))
		kc_export_lose(x, "vendor %s: Firecracker gives the guest the host's vendor (%s)",
			       x->vendor, host_vendor);
	char flags[256];
	if (kc_export_hv_list(x, flags, sizeof(flags)))
		kc_export_lose(x, "Hyper-V %s: Firecracker enables no Hyper-V capability", flags);
	if (x->kvm_hidden)
		kc_export_lose(x, "no KVM leaves: Firecracker sets its own at 0x40000000");
	size_t n;
	const struct kvmcpu_cpuid_entry *e = kvmcpu_result_cpuid(x->r, &n);
	kc_out_printf(o, "{\n  \"kvm_capabilities\": [],\n  \"cpuid_modifiers\": [");
	for (size_t i = 0; i < n; i++) {
		uint32_t v[4] = { e[i].eax, e[i].ebx, e[i].ecx, e[i].edx };
		kc_out_printf(o,
			      "%s\n    {\n      \"leaf\": \"0x%x\",\n      \"subleaf\": \"0x%x\",\n"
			      "      \"flags\": %u,\n      \"modifiers\": [",
			      i ? "," : "", e[i].function, e[i].index, e[i].flags);
		for (int r = 0; r < 4; r++) {
			kc_out_printf(o, "%s\n        { \"register\": \"%s\", \"bitmap\": ",
				      r ? "," : "", regs[r]);
			bitmap(o, v[r], 32);
			kc_out_printf(o, " }");
		}
		kc_out_printf(o, "\n      ]\n    }");
	}
	kc_out_printf(o, "\n  ],\n  \"msr_modifiers\": [");
	size_t shown = 0;
	for (size_t i = 0; i < kvmcpu_result_msr_count(x->r); i++) {
		const struct kvmcpu_msr *m = kvmcpu_result_msr_at(x->r, i);
		if (m->per_vcpu_index || (m->index >= 0x40000000 && m->index < 0x40000100))
			continue; /* Hyper-V's synthetic MSRs (reported above) */
		kc_out_printf(o, "%s\n    { \"addr\": \"0x%x\", \"bitmap\": ", shown++ ? "," : "",
			      m->index);
		bitmap(o, m->value, 64);
		kc_out_printf(o, " }");
	}
	kc_out_printf(o, "%s]\n}\n", shown ? "\n  " : "");
	(void)err;
	return 0;
}
