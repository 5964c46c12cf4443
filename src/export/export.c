/* SPDX-License-Identifier: MIT */
/*
 * From a resolved result to another VMM's configuration: the model the format
 * names, the features it must state on top of that model, the Hyper-V flags the
 * result's leaves show, and the list of whatever the format cannot carry.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "export/export-priv.h"

static const char *const format_names[KVMCPU_EXPORT_NFORMATS] = {
	[KVMCPU_EXPORT_QEMU] = "qemu",
	[KVMCPU_EXPORT_LIBVIRT] = "libvirt",
	[KVMCPU_EXPORT_FIRECRACKER] = "firecracker",
	[KVMCPU_EXPORT_PROXMOX] = "proxmox",
	[KVMCPU_EXPORT_OPENVMM] = "openvmm",
};

const char *kvmcpu_export_format_name(enum kvmcpu_export_format format)
{
	return (unsigned)format < KVMCPU_EXPORT_NFORMATS ? format_names[format] : NULL;
}

int kvmcpu_export_format_find(const char *name, enum kvmcpu_export_format *out,
			      struct kvmcpu_error *err)
{
	if (!out)
		return kc_fail(err, -EINVAL, NULL, "kvmcpu_export_format_find: out is NULL");
	for (size_t i = 0; name && i < KVMCPU_EXPORT_NFORMATS; i++)
		if (kc_name_eq(name, format_names[i])) {
			*out = (enum kvmcpu_export_format)i;
			return 0;
		}
	return kc_fail(err, -EINVAL, "give one of: qemu, libvirt, firecracker, proxmox, openvmm",
		       "unknown export format '%s'", name ? name : "(null)");
}

/* Whether the result has KVM's signature leaf ("KVMKVMKVM") where QEMU puts it. */
static bool has_kvm_leaves(const struct kvmcpu_result *r)
{
	for (uint32_t base = 0x40000000; base <= 0x40000100; base += 0x100) {
		const struct kvmcpu_cpuid_entry *e = kvmcpu_result_cpuid_find(r, base, 0);
		char sig[13];
		if (e) {
			kc_text_from_regs(e->ebx, e->ecx, e->edx, sig);
			if (!strcmp(sig, "KVMKVMKVM"))
				return true;
		}
	}
	return false;
}

/* The Hyper-V flags the result's leaves 0x40000003/4/A show ("Hv#1" in 0x40000001). */
static void read_hv(struct kc_export *x)
{
	x->kvm_hidden = !has_kvm_leaves(x->r);
	static const struct {
		uint32_t leaf;
		enum kvmcpu_reg reg;
	} regs[] = { { 0x40000003, KVMCPU_EAX },
		     { 0x40000003, KVMCPU_EBX },
		     { 0x40000003, KVMCPU_EDX },
		     { 0x40000004, KVMCPU_EAX },
		     { 0x4000000A, KVMCPU_EAX } };
	const struct kvmcpu_cpuid_entry *e = kvmcpu_result_cpuid_find(x->r, 0x40000001, 0);
	x->hv = e && e->eax == 0x31237648u; /* "Hv#1" */
	if (!x->hv)
		return;
	uint32_t guest[5] = { 0 }, clears[5] = { 0 };
	for (size_t k = 0; k < 5; k++) {
		const struct kvmcpu_cpuid_entry *g = kvmcpu_result_cpuid_find(x->r, regs[k].leaf,
									      0);
		guest[k] = !g			       ? 0
			   : regs[k].reg == KVMCPU_EAX ? g->eax
			   : regs[k].reg == KVMCPU_EBX ? g->ebx
						       : g->edx;
		for (size_t i = 0; i < kvmcpu_hv_flag_count(); i++)
			clears[k] |= kvmcpu_hv_flag_clear_bits(kvmcpu_hv_flag_at(i), regs[k].leaf,
							       regs[k].reg);
	}
	for (size_t i = 0; i < kvmcpu_hv_flag_count() && i < 64; i++) {
		const struct kvmcpu_hv_flag *f = kvmcpu_hv_flag_at(i);
		bool any = false, all = true;
		for (size_t k = 0; k < 5; k++) {
			uint32_t b = kvmcpu_hv_flag_bits(f, regs[k].leaf, regs[k].reg) & ~clears[k];
			any |= b != 0;
			all &= (guest[k] & b) == b;
		}
		const char *cap = kvmcpu_hv_flag_vcpu_cap(f);
		bool cap_on = false;
		for (size_t c = 0; cap && c < kvmcpu_result_cap_count(x->r); c++)
			cap_on |= !strcmp(kvmcpu_result_cap_at(x->r, c)->name, cap);
		x->hv_on[i] = any ? all : cap_on;
	}
	const struct kvmcpu_cpuid_entry *l4 = kvmcpu_result_cpuid_find(x->r, 0x40000004, 0);
	x->hv_spinlocks = l4 ? l4->ebx : 0xFFFFFFFFu;
	const struct kvmcpu_cpuid_entry *l0 = kvmcpu_result_cpuid_find(x->r, 0x40000000, 0);
	if (l0)
		kc_text_from_regs(l0->ebx, l0->ecx, l0->edx, x->hv_vendor);
}

/* The requested model: the spec's name up to its first '+'. */
static int read_requested(struct kc_export *x, struct kvmcpu_error *err)
{
	const char *spec = kvmcpu_config_cpu(x->cfg);
	size_t n = strcspn(spec, "+");
	snprintf(x->requested_name, sizeof(x->requested_name), "%.*s", (int)n, spec);
	const struct kvmcpu_model *m = kvmcpu_model_find(x->requested_name);
	if (!m)
		return kc_fail(err, -EOPNOTSUPP, "give a named model (kvmcpu models lists them)",
			       "cpu=%s: the %s format needs a named model; '%s' is none", spec,
			       kvmcpu_export_format_name(x->opts->format), x->requested_name);
	x->requested = kvmcpu_model_resolve_alias(m);
	const struct kvmcpu_cpuid_entry *l0 = kvmcpu_result_cpuid_find(x->r, 0, 0);
	if (l0)
		kc_vendor_from_regs(l0->ebx, l0->ecx, l0->edx, x->vendor);
	return 0;
}

/* openvmm: the original design's parameter string, which kvmcpu itself reads back. */
/*
 * The parameter string itself (kvmcpu_config_parse's grammar), with every key the
 * config holds, so that it resolves to the same guest wherever it is parsed.
 */
static int export_openvmm(struct kc_export *x, struct kc_out *o)
{
	const struct kvmcpu_config *cfg = x->cfg;
	char smp[128];
	if (cfg->hv_set)
		kc_out_printf(o, "hv=%s,", cfg->hv);
	kc_out_printf(o, "cpu=%s", cfg->cpu);
	if (cfg->nested)
		kc_out_printf(o, ",nested_virt");
	if (kc_export_smp(x, smp, sizeof(smp)))
		kc_out_printf(o, ",smp=%s", smp);
	if (cfg->phys_bits)
		kc_out_printf(o, ",phys-bits=%u", cfg->phys_bits);
	if (cfg->host_phys_bits)
		kc_out_printf(o, ",host-phys-bits");
	if (cfg->host_phys_bits_limit)
		kc_out_printf(o, ",host-phys-bits-limit=%u", cfg->host_phys_bits_limit);
	if (cfg->pmu)
		kc_out_printf(o, ",pmu");
	if (cfg->host_cache_info)
		kc_out_printf(o, ",host-cache-info");
	kc_out_printf(o, "\n");
	return 0;
}

int kvmcpu_result_export(const struct kvmcpu_result *r, const struct kvmcpu_config *cfg,
			 const struct kvmcpu_export_opts *opts, char *buf, size_t len,
			 size_t *needed, char *lost, size_t lost_len, struct kvmcpu_error *err)
{
	if (!r || !cfg || !opts || (!buf && len))
		return kc_fail(err, -EINVAL, NULL, "kvmcpu_result_export: NULL argument");
	if ((unsigned)opts->format >= KVMCPU_EXPORT_NFORMATS)
		return kc_fail(err, -EINVAL,
			       "give one of: qemu, libvirt, firecracker, proxmox, openvmm",
			       "unknown export format %d", (int)opts->format);
	struct kc_export x;
	memset(&x, 0, sizeof(x));
	x.r = r;
	x.cfg = cfg;
	x.opts = opts;
	x.pmu = cfg->pmu;
	x.host_cache_info = cfg->host_cache_info;
	char lost_buf[4096];
	x.lost = (struct kc_out){ lost_buf, sizeof(lost_buf), 0 };
	lost_buf[0] = '\0';
	struct kc_out o = { buf, len, 0 };
	if (len)
		buf[0] = '\0';
	int rc = 0;
	if (opts->format == KVMCPU_EXPORT_OPENVMM) {
		rc = export_openvmm(&x, &o);
	} else {
		rc = read_requested(&x, err);
		/* Firecracker's template carries every leaf; the others name a model's caches. */
		if (!rc && x.host_cache_info && opts->format != KVMCPU_EXPORT_FIRECRACKER)
			kc_export_lose(
				&x, "host-cache-info: the guest's cache leaves (2, 4, 0x80000005, "
				    "0x80000006, 0x8000001D) are the host's, and only QEMU's host "
				    "and max CPUs have that property");
		if (!rc) {
			read_hv(&x);
			rc = opts->format == KVMCPU_EXPORT_QEMU ? kc_export_qemu(&x, &o, err)
			     : opts->format == KVMCPU_EXPORT_LIBVIRT
				     ? kc_export_libvirt(&x, &o, err)
			     : opts->format == KVMCPU_EXPORT_FIRECRACKER
				     ? kc_export_firecracker(&x, &o, err)
				     : kc_export_proxmox(&x, &o, err);
		}
	}
	if (rc)
		return rc;
	if (x.nlost && !opts->lossy) {
		/* One line per item in the list; the message carries as many as fit. */
		for (char *p = lost_buf; (p = strchr(p, '\n'));)
			*p = ';';
		return kc_fail(err, -EOPNOTSUPP,
			       "--lossy writes what the format can say and lists the rest",
			       "the %s format cannot express %u item%s of this CPU exactly: %s",
			       kvmcpu_export_format_name(opts->format), x.nlost,
			       x.nlost == 1 ? "" : "s", lost_buf);
	}
	if (lost && lost_len)
		kc_strlcpy(lost, lost_buf, lost_len);
	if (needed)
		*needed = o.used;
	if (o.used >= len)
		return kc_fail(err, -ENOSPC, "give a larger buffer",
			       "the %s output needs %zu bytes",
			       kvmcpu_export_format_name(opts->format), o.used + 1);
	return 0;
}
