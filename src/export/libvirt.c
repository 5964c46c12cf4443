/* SPDX-License-Identifier: MIT */
/*
 * libvirt domain XML: <cpu mode='custom' match='exact' check='full'> with a model
 * libvirt 9.0 knows and features by libvirt's own names (its cpu_map, found by CPUID
 * or MSR bit), and <features><hyperv mode='custom'> with libvirt's element names.
 */
#include <errno.h>
#include <string.h>

#include "export/export-priv.h"

static const char *libvirt_name(int feature)
{
	const struct kvmcpu_feature_info *f = kvmcpu_feature_at((size_t)feature);
	const struct kvmcpu_word_info *w = kvmcpu_word_at(f->word);
	for (size_t i = 0; i < kc_libvirt_feature_count; i++) {
		const struct kc_libvirt_feature *l = &kc_libvirt_features[i];
		if (l->is_msr != w->is_msr || (l->mask & f->mask) != f->mask)
			continue;
		if (w->is_msr ? l->leaf == w->msr
			      : l->leaf == w->leaf && l->subleaf == w->subleaf &&
					l->reg == (int)w->reg)
			return l->name;
	}
	return NULL;
}

static bool libvirt_nameable(int feature)
{
	return libvirt_name(feature) != NULL;
}

static const char *libvirt_vendor(const char *vendor)
{
	return !strcmp(vendor, "GenuineIntel")	 ? "Intel"
	       : !strcmp(vendor, "AuthenticAMD") ? "AMD"
	       : !strcmp(vendor, "HygonGenuine") ? "Hygon"
						 : NULL;
}

/* libvirt 9.0's <hyperv> elements, by kvmcpu flag name. */
static const struct {
	const char *flag, *element;
} hv_elements[] = {
	{ "relaxed", "relaxed" },
	{ "vapic", "vapic" },
	{ "vpindex", "vpindex" },
	{ "runtime", "runtime" },
	{ "synic", "synic" },
	{ "stimer", "stimer" },
	{ "reset", "reset" },
	{ "frequencies", "frequencies" },
	{ "reenlightenment", "reenlightenment" },
	{ "tlbflush", "tlbflush" },
	{ "ipi", "ipi" },
	{ "evmcs", "evmcs" },
	{ "avic", "avic" },
};

static bool hv_on(const struct kc_export *x, const char *name)
{
	const struct kvmcpu_hv_flag *f = kvmcpu_hv_flag_find(name);
	for (size_t i = 0; f && i < kvmcpu_hv_flag_count(); i++)
		if (kvmcpu_hv_flag_at(i) == f)
			return x->hv_on[i];
	return false;
}

static void libvirt_hv(struct kc_export *x, struct kc_out *o)
{
	kc_out_printf(o, "  <hyperv mode='custom'>\n");
	for (size_t i = 0; i < KC_ARRAY_SIZE(hv_elements); i++) {
		if (!hv_on(x, hv_elements[i].flag))
			continue;
		if (!strcmp(hv_elements[i].element, "stimer") && hv_on(x, "stimer_direct"))
			kc_out_printf(o, "    <stimer state='on'>\n      <direct state='on'/>\n"
					 "    </stimer>\n");
		else
			kc_out_printf(o, "    <%s state='on'/>\n", hv_elements[i].element);
	}
	if (x->hv_spinlocks == 0xFFFFFFFFu)
		kc_out_printf(o, "    <spinlocks state='off'/>\n");
	else if (x->hv_spinlocks < 0xFFF)
		kc_export_lose(x, "spinlocks=0x%x: libvirt takes 4095 retries at least",
			       x->hv_spinlocks);
	else
		kc_out_printf(o, "    <spinlocks state='on' retries='%u'/>\n", x->hv_spinlocks);
	if (strcmp(x->hv_vendor, "Microsoft Hv"))
		kc_out_printf(o, "    <vendor_id state='on' value='%s'/>\n", x->hv_vendor);
	kc_out_printf(o, "  </hyperv>\n");
	static const char *const implicit[] = { "hypercall", "time", "reference_tsc_page",
						"stimer_direct", "spinlocks" };
	for (size_t i = 0; i < kvmcpu_hv_flag_count(); i++) {
		const char *name = kvmcpu_hv_flag_name(kvmcpu_hv_flag_at(i));
		bool known = false;
		for (size_t k = 0; k < KC_ARRAY_SIZE(hv_elements); k++)
			known |= !strcmp(name, hv_elements[k].flag);
		for (size_t k = 0; k < KC_ARRAY_SIZE(implicit); k++)
			known |= !strcmp(name, implicit[k]);
		if (x->hv_on[i] && !known)
			kc_export_lose(x, "Hyper-V %s: libvirt 9.0 has no <hyperv> element for it",
				       name);
	}
	if (hv_on(x, "time") != hv_on(x, "reference_tsc_page"))
		kc_export_lose(x,
			       "Hyper-V time/reference_tsc_page: libvirt's hypervclock gives both");
}

/*
 * <topology> for more than one vCPU; the domain's <vcpu> must give their count.
 * libvirt 9.0 has no attribute for QEMU's x86 modules.
 */
static void libvirt_topology(struct kc_export *x, struct kc_out *o)
{
	const struct kc_topology *t = &x->cfg->topo;
	if (t->cpus <= 1)
		return;
	if (t->modules > 1)
		kc_export_lose(x, "%u modules per die: libvirt 9.0's <topology> has no modules",
			       t->modules);
	kc_out_printf(o, "  <topology sockets='%u' dies='%u' cores='%u' threads='%u'/>\n",
		      t->sockets, t->dies, t->cores, t->threads);
}

int kc_export_libvirt(struct kc_export *x, struct kc_out *o, struct kvmcpu_error *err)
{
	const char *name = NULL;
	x->base = kc_export_closest(x, kc_libvirt_models, kc_libvirt_model_count, false, &name);
	if (!x->base)
		return kc_fail(err, -EOPNOTSUPP, "use --format qemu",
			       "%s: libvirt 9.0 knows no model with its vendor, "
			       "family/model/stepping, brand and levels",
			       x->requested_name);
	kc_export_plan(x, libvirt_nameable);
	const char *vendor = libvirt_vendor(x->vendor);
	kc_out_printf(o,
		      "<cpu mode='custom' match='exact' check='full'>\n"
		      "  <model fallback='forbid' vendor_id='%s'>%s</model>\n",
		      x->vendor, name);
	if (vendor)
		kc_out_printf(o, "  <vendor>%s</vendor>\n", vendor);
	for (size_t i = 0; i < x->nchanges; i++) {
		int f = x->changes[i].feature;
		const char *lv = libvirt_name(f);
		if (lv) {
			kc_out_printf(o, "  <feature policy='%s' name='%s'/>\n",
				      x->changes[i].on ? "require" : "disable", lv);
			continue;
		}
		char where[64];
		kc_export_where(f, where, sizeof(where));
		kc_export_lose(x, "%s%s (%s): libvirt 9.0's cpu_map has no name for it",
			       x->changes[i].on ? "+" : "-", kvmcpu_feature_at((size_t)f)->name,
			       where);
	}
	libvirt_topology(x, o);
	kc_out_printf(o, "</cpu>\n");
	bool features = x->hv || x->kvm_hidden || x->pmu;
	if (features)
		kc_out_printf(o, "<features>\n");
	if (x->hv)
		libvirt_hv(x, o);
	if (x->kvm_hidden)
		kc_out_printf(o, "  <kvm>\n    <hidden state='on'/>\n  </kvm>\n");
	/* libvirt's <pmu> is QEMU's pmu property. */
	if (x->pmu)
		kc_out_printf(o, "  <pmu state='on'/>\n");
	if (features)
		kc_out_printf(o, "</features>\n");
	/* libvirt gives QEMU hv-time through the Hyper-V clock, not <hyperv>. */
	if (x->hv && hv_on(x, "time") && hv_on(x, "reference_tsc_page"))
		kc_out_printf(o,
			      "<clock offset='utc'>\n  <timer name='hypervclock' present='yes'/>\n"
			      "</clock>\n");
	return 0;
}
