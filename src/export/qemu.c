/* SPDX-License-Identifier: MIT */
/*
 * QEMU's -cpu argument (and -smp), and Proxmox VE's cpu-models.conf entry, which
 * Proxmox turns into the same -cpu argument. Property names are QEMU's own: the
 * feature table's names are QEMU 11.1.3's, and the Hyper-V flags carry theirs.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "export/export-priv.h"

/* The guest's physical address width when it has long mode (QEMU refuses phys-bits without). */
static unsigned phys_bits(const struct kvmcpu_result *r)
{
	const struct kvmcpu_cpuid_entry *ext = kvmcpu_result_cpuid_find(r, 0x80000001, 0);
	const struct kvmcpu_cpuid_entry *e = kvmcpu_result_cpuid_find(r, 0x80000008, 0);
	if (!ext || !(ext->edx & (1u << 29)) || !e)
		return 0;
	return e->eax & 0xff;
}

/* Whether every flag QEMU's property @qemu stands for is on (hv-time: time and the TSC page). */
static int qemu_prop_state(const struct kc_export *x, const char *qemu)
{
	int on = 0, off = 0;
	for (size_t i = 0; i < kvmcpu_hv_flag_count(); i++) {
		const char *q = kvmcpu_hv_flag_qemu_name(kvmcpu_hv_flag_at(i));
		if (q && !strcmp(q, qemu))
			x->hv_on[i] ? on++ : off++;
	}
	return on && off ? -1 : on > 0;
}

static bool emitted_before(size_t i)
{
	const char *q = kvmcpu_hv_flag_qemu_name(kvmcpu_hv_flag_at(i));
	for (size_t j = 0; j < i; j++) {
		const char *p = kvmcpu_hv_flag_qemu_name(kvmcpu_hv_flag_at(j));
		if (p && !strcmp(p, q))
			return true;
	}
	return false;
}

static void qemu_hv(struct kc_export *x, struct kc_out *o)
{
	if (!x->hv)
		return;
	for (size_t i = 0; i < kvmcpu_hv_flag_count(); i++) {
		const char *q = kvmcpu_hv_flag_qemu_name(kvmcpu_hv_flag_at(i));
		/* hypercall has no property (QEMU sets it with any hv-*); spinlocks is a count. */
		if (!q || !strcmp(q, "hv-spinlocks") || emitted_before(i))
			continue;
		int state = qemu_prop_state(x, q);
		if (state < 0)
			kc_export_lose(x,
				       "%s: QEMU's %s sets both of the flags it stands for; the "
				       "result has only one",
				       kvmcpu_hv_flag_name(kvmcpu_hv_flag_at(i)), q);
		else if (state)
			kc_out_printf(o, ",%s", q);
	}
	kc_out_printf(o, ",hv-spinlocks=0x%x", x->hv_spinlocks);
	if (strcmp(x->hv_vendor, "Microsoft Hv")) {
		if (strpbrk(x->hv_vendor, ",'"))
			kc_export_lose(x,
				       "vendor_id '%s': a comma or quote cannot pass through -cpu",
				       x->hv_vendor);
		else
			kc_out_printf(o, ",hv-vendor-id=%s", x->hv_vendor);
	}
}

/* The brand string and leaf limits, where the base model's differ (psABI levels). */
static void qemu_identity(struct kc_export *x, struct kc_out *o)
{
	const char *brand = kvmcpu_model_brand(x->requested);
	if (strcmp(brand, kvmcpu_model_brand(x->base))) {
		if (strpbrk(brand, ",'"))
			kc_export_lose(x, "brand '%s': a comma or quote cannot pass through -cpu",
				       brand);
		else
			kc_out_printf(o, ",model-id=%s", brand);
	}
	if (kvmcpu_model_level(x->requested) != kvmcpu_model_level(x->base))
		kc_out_printf(o, ",level=0x%x", kvmcpu_model_level(x->requested));
	if (kvmcpu_model_xlevel(x->requested) != kvmcpu_model_xlevel(x->base))
		kc_out_printf(o, ",xlevel=0x%x", kvmcpu_model_xlevel(x->requested));
}

static bool needs_quotes(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.,=+-:/",
			    s[i]))
			return true;
	return false;
}

int kc_export_qemu(struct kc_export *x, struct kc_out *o, struct kvmcpu_error *err)
{
	const char *name = x->requested_name;
	x->base = x->requested;
	if (kvmcpu_model_is_psabi_level(x->requested)) {
		/* QEMU has no psABI level models: the QEMU model of the same signature, plus
		 * features, and the brand and levels as properties. */
		size_t n = 0;
		const char *names[1024];
		for (size_t i = 0; i < kvmcpu_model_count() && n < 1024; i++)
			names[n++] = kvmcpu_model_name(kvmcpu_model_at(i));
		x->base = kc_export_closest(x, names, n, true, &name);
		if (!x->base)
			return kc_fail(err, -EOPNOTSUPP, NULL,
				       "%s: no QEMU model has its vendor and family/model/stepping",
				       x->requested_name);
	}
	kc_export_plan(x, NULL);
	/* The argument is written first into a scratch buffer, to quote it when it must be. */
	char arg[16384]; /* every feature named once fits */
	struct kc_out a = { arg, sizeof(arg), 0 };
	arg[0] = '\0';
	kc_out_printf(&a, "%s,vendor=%s", name, x->vendor);
	for (size_t i = 0; i < x->nchanges; i++)
		kc_out_printf(&a, ",%c%s", x->changes[i].on ? '+' : '-',
			      kvmcpu_feature_at((size_t)x->changes[i].feature)->name);
	qemu_identity(x, &a);
	if (x->kvm_hidden)
		kc_out_printf(&a, ",kvm=off");
	unsigned bits = phys_bits(x->r);
	if (bits)
		kc_out_printf(&a, ",phys-bits=%u", bits);
	if (x->pmu)
		kc_out_printf(&a, ",pmu=on");
	qemu_hv(x, &a);
	if (a.used >= sizeof(arg))
		return kc_fail(err, -ENOSPC, NULL, "the -cpu argument is longer than %zu bytes",
			       sizeof(arg));
	bool quote = needs_quotes(arg, a.used);
	kc_out_printf(o, "-cpu %s%s%s", quote ? "'" : "", arg, quote ? "'" : "");
	char smp[128];
	if (kc_export_smp(x, smp, sizeof(smp)))
		kc_out_printf(o, " -smp %s", smp);
	kc_out_printf(o, "\n");
	return 0;
}

/*
 * Proxmox VE's reported-model values (qemu-server, src/PVE/QemuServer/CPUConfig.pm,
 * the x86_64 list it falls back to when QEMU ships no model file).
 */
static const char *const proxmox_models[] = {
	"486",
	"pentium",
	"pentium2",
	"pentium3",
	"coreduo",
	"core2duo",
	"Conroe",
	"Penryn",
	"Nehalem",
	"Nehalem-IBRS",
	"Westmere",
	"Westmere-IBRS",
	"SandyBridge",
	"SandyBridge-IBRS",
	"IvyBridge",
	"IvyBridge-IBRS",
	"Haswell",
	"Haswell-IBRS",
	"Haswell-noTSX",
	"Haswell-noTSX-IBRS",
	"Broadwell",
	"Broadwell-IBRS",
	"Broadwell-noTSX",
	"Broadwell-noTSX-IBRS",
	"Skylake-Client",
	"Skylake-Client-IBRS",
	"Skylake-Client-noTSX-IBRS",
	"Skylake-Client-v4",
	"Skylake-Server",
	"Skylake-Server-IBRS",
	"Skylake-Server-noTSX-IBRS",
	"Skylake-Server-v4",
	"Skylake-Server-v5",
	"Cascadelake-Server",
	"Cascadelake-Server-v2",
	"Cascadelake-Server-noTSX",
	"Cascadelake-Server-v4",
	"Cascadelake-Server-v5",
	"Cooperlake",
	"Cooperlake-v2",
	"KnightsMill",
	"Icelake-Server",
	"Icelake-Server-noTSX",
	"Icelake-Server-v3",
	"Icelake-Server-v4",
	"Icelake-Server-v5",
	"Icelake-Server-v6",
	"Icelake-Server-v7",
	"SapphireRapids",
	"SapphireRapids-v2",
	"SapphireRapids-v3",
	"SapphireRapids-v4",
	"GraniteRapids",
	"GraniteRapids-v2",
	"GraniteRapids-v3",
	"SierraForest",
	"SierraForest-v2",
	"SierraForest-v3",
	"ClearwaterForest",
	"athlon",
	"phenom",
	"Opteron_G1",
	"Opteron_G2",
	"Opteron_G3",
	"Opteron_G4",
	"Opteron_G5",
	"EPYC",
	"EPYC-IBPB",
	"EPYC-v3",
	"EPYC-v4",
	"EPYC-v5",
	"EPYC-Rome",
	"EPYC-Rome-v2",
	"EPYC-Rome-v3",
	"EPYC-Rome-v4",
	"EPYC-Rome-v5",
	"EPYC-Milan",
	"EPYC-Milan-v2",
	"EPYC-Milan-v3",
	"EPYC-Genoa",
	"EPYC-Genoa-v2",
	"EPYC-Turin",
	"kvm32",
	"kvm64",
	"qemu32",
	"qemu64",
};

int kc_export_proxmox(struct kc_export *x, struct kc_out *o, struct kvmcpu_error *err)
{
	const char *name = NULL;
	x->base = kc_export_closest(x, proxmox_models, KC_ARRAY_SIZE(proxmox_models), false, &name);
	if (!x->base)
		return kc_fail(err, -EOPNOTSUPP,
			       "export a model Proxmox VE lists, or use --format qemu",
			       "%s: no reported-model Proxmox VE knows has its vendor, "
			       "family/model/stepping, brand and levels",
			       x->requested_name);
	kc_export_plan(x, NULL);
	char id[160];
	size_t n = 0;
	for (const char *p = x->requested_name; *p && n + 1 < sizeof(id); p++)
		id[n++] = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_",
				 *p)
				  ? *p
				  : '-';
	id[n] = '\0';
	kc_out_printf(o, "cpu-model: kvmcpu-%s\n", id);
	for (size_t i = 0; i < x->nchanges; i++)
		kc_out_printf(o, "%s%c%s", i ? ";" : "\tflags ", x->changes[i].on ? '+' : '-',
			      kvmcpu_feature_at((size_t)x->changes[i].feature)->name);
	if (x->nchanges)
		kc_out_printf(o, "\n");
	unsigned bits = phys_bits(x->r);
	if (bits)
		kc_out_printf(o, "\tphys-bits %u\n", bits);
	kc_out_printf(o, "\thidden %d\n", x->kvm_hidden);
	if (x->pmu)
		kc_export_lose(x, "pmu: a Proxmox VE CPU model has no PMU setting");
	char smp[128];
	if (kc_export_smp(x, smp, sizeof(smp)))
		kc_export_lose(x,
			       "smp %s: a Proxmox VE CPU model has no topology; give the VM's "
			       "sockets and cores in its own configuration",
			       smp);
	if (x->hv) {
		/* Proxmox VE picks the hv-* flags itself, from the VM's ostype. */
		char flags[256];
		if (kc_export_hv_list(x, flags, sizeof(flags)))
			kc_export_lose(x,
				       "Hyper-V %s: Proxmox VE chooses the hv-* flags from the "
				       "VM's ostype, a CPU model cannot set them",
				       flags);
		if (strcmp(x->hv_vendor, "Microsoft Hv"))
			kc_out_printf(o, "\thv-vendor-id %s\n", x->hv_vendor);
	}
	kc_out_printf(o, "\treported-model %s\n", name);
	return 0;
}
