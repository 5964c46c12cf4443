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
	for (size_t i = 0; name && i < KVMCPU_EXPORT_NFORMATS; i++)
		if (kc_name_eq(name, format_names[i])) {
			*out = (enum kvmcpu_export_format)i;
			return 0;
		}
	return kc_fail(err, -EINVAL, "give one of: qemu, libvirt, firecracker, proxmox, openvmm",
		       "unknown export format '%s'", name ? name : "(null)");
}

void kc_out_printf(struct kc_out *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	size_t room = o->used < o->len ? o->len - o->used : 0;
	int n = vsnprintf(room ? o->buf + o->used : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->used += (size_t)n;
}

void kc_export_lose(struct kc_export *x, const char *fmt, ...)
{
	char line[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	kc_out_printf(&x->lost, "%s%s", x->nlost++ ? "\n" : "", line);
}

void kc_export_where(int feature, char *buf, size_t len)
{
	static const char regs[][4] = { "EAX", "EBX", "ECX", "EDX" };
	const struct kvmcpu_feature_info *f = kvmcpu_feature_at((size_t)feature);
	const struct kvmcpu_word_info *w = kvmcpu_word_at(f->word);
	int bit = __builtin_ctzll(f->mask);
	if (w->is_msr)
		snprintf(buf, len, "MSR 0x%x bit %d", w->msr, bit);
	else
		snprintf(buf, len, "CPUID 0x%x.%u %s bit %d", w->leaf, w->subleaf, regs[w->reg & 3],
			 bit);
}

static bool same_identity(const struct kvmcpu_model *a, const struct kvmcpu_model *b,
			  bool signature_only)
{
	bool sig = !strcmp(kvmcpu_model_vendor(a), kvmcpu_model_vendor(b)) &&
		   kvmcpu_model_family(a) == kvmcpu_model_family(b) &&
		   kvmcpu_model_model(a) == kvmcpu_model_model(b) &&
		   kvmcpu_model_stepping(a) == kvmcpu_model_stepping(b);
	if (!sig || signature_only)
		return sig;
	return !strcmp(kvmcpu_model_brand(a), kvmcpu_model_brand(b)) &&
	       kvmcpu_model_level(a) == kvmcpu_model_level(b) &&
	       kvmcpu_model_xlevel(a) == kvmcpu_model_xlevel(b);
}

static unsigned feature_distance(const struct kvmcpu_model *a, const struct kvmcpu_model *b)
{
	unsigned d = 0;
	for (size_t w = 0; w < kvmcpu_word_count(); w++)
		d += (unsigned)__builtin_popcountll(kvmcpu_model_word(a, w) ^ kvmcpu_model_word(b, w));
	return d;
}

const struct kvmcpu_model *kc_export_closest(const struct kc_export *x, const char *const *names,
					     size_t n, bool signature_only, const char **name)
{
	const struct kvmcpu_model *best = NULL;
	unsigned best_d = ~0u;
	for (size_t i = 0; i < n; i++) {
		const struct kvmcpu_model *m = kvmcpu_model_find(names[i]);
		if (!m || kvmcpu_model_is_psabi_level(m))
			continue;
		m = kvmcpu_model_resolve_alias(m);
		if (!same_identity(m, x->requested, signature_only))
			continue;
		unsigned d = feature_distance(m, x->requested);
		if (d < best_d) {
			best = m;
			best_d = d;
			*name = names[i];
		}
	}
	return best;
}

/* Whether a notice of @kind covers @f. */
static bool noticed(const struct kc_export *x, const struct kvmcpu_feature_info *f,
		    enum kvmcpu_notice_kind kind)
{
	for (size_t i = 0; i < kvmcpu_result_notice_count(x->r); i++) {
		const struct kvmcpu_notice *n = kvmcpu_result_notice_at(x->r, i);
		if (n->kind == kind && n->word == (int)f->word && (n->mask & f->mask))
			return true;
	}
	return false;
}

/*
 * Whether emptying the word @w before the model is expanded could lower a leaf limit:
 * QEMU raises CPUID[7].EAX for the 7.1/7.2 words, and the basic and extended levels for
 * any word above the model's own, from the features the word has *before* it filters
 * them by the host. A word the host filter empties keeps what it raised (that is what
 * the table holds); one the command line empties does not.
 */
static bool empty_word_moves_limits(const struct kc_export *x, const struct kvmcpu_word_info *w)
{
	if (w->is_msr || (w->leaf >= 0x40000000 && w->leaf < 0x80000000) || w->leaf >= 0xC0000000)
		return true;
	if (w->leaf == 7 && w->subleaf > 0)
		return true;
	/* The model's levels include what its words raised: a word at the limit may hold it. */
	return w->leaf < 0x80000000 ? w->leaf >= kvmcpu_model_level(x->requested)
				    : w->leaf >= kvmcpu_model_xlevel(x->requested);
}

/*
 * Whether the output states that the guest lacks @f, a feature of the model this host
 * does not have. The VMM would drop it here by itself; stating it makes the line give
 * the same CPU on hosts that have it (and QEMU 11 passes some bits KVM does not list,
 * erms and fsrm, unless told). Not when that empties a word whose emptiness moves a
 * leaf limit, nor when the format has no name for it.
 */
static bool pin_dropped(const struct kc_export *x, const struct kvmcpu_feature_info *f,
			bool (*nameable)(int feature), int index)
{
	if (!noticed(x, f, KVMCPU_NOTICE_DROPPED) || (nameable && !nameable(index)))
		return false;
	return kvmcpu_result_word(x->r, f->word) ||
	       !empty_word_moves_limits(x, kvmcpu_word_at(f->word));
}

void kc_export_plan(struct kc_export *x, bool (*nameable)(int feature))
{
	x->nchanges = 0;
	for (size_t i = 0; i < kvmcpu_feature_count(); i++) {
		const struct kvmcpu_feature_info *f = kvmcpu_feature_at(i);
		/* The spec's own modifiers and the pinned drops: the result's value. */
		bool user = noticed(x, f, KVMCPU_NOTICE_USER) || pin_dropped(x, f, nameable, (int)i);
		uint64_t want = user ? kvmcpu_result_word(x->r, f->word)
				     : kvmcpu_model_word(x->requested, f->word);
		bool on = want & f->mask, base = kvmcpu_model_word(x->base, f->word) & f->mask;
		/*
		 * A feature of the requested definition that the base model lacks, but that
		 * the guest does not get here anyway (the host lacks it, or a rule such as
		 * "VMX capabilities need vmx" clears it), needs no word: the base model
		 * does not give it either.
		 */
		if (!user && on && !base && !(kvmcpu_result_word(x->r, f->word) & f->mask))
			continue;
		if (on != base && x->nchanges < KC_EXPORT_MAX_CHANGES)
			x->changes[x->nchanges++] = (struct kc_export_change){ (int)i, on };
	}
}

/* Whether the result has KVM's signature leaf ("KVMKVMKVM") where QEMU puts it. */
static bool has_kvm_leaves(const struct kvmcpu_result *r)
{
	for (uint32_t base = 0x40000000; base <= 0x40000100; base += 0x100) {
		const struct kvmcpu_cpuid_entry *e = kvmcpu_result_cpuid_find(r, base, 0);
		char sig[13];
		if (e) {
			kc_vendor_from_regs(e->ebx, e->edx, e->ecx, sig);
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
	} regs[] = { { 0x40000003, KVMCPU_EAX }, { 0x40000003, KVMCPU_EBX },
		     { 0x40000003, KVMCPU_EDX }, { 0x40000004, KVMCPU_EAX },
		     { 0x4000000A, KVMCPU_EAX } };
	const struct kvmcpu_cpuid_entry *e = kvmcpu_result_cpuid_find(x->r, 0x40000001, 0);
	x->hv = e && e->eax == 0x31237648u; /* "Hv#1" */
	if (!x->hv)
		return;
	uint32_t guest[5] = { 0 }, clears[5] = { 0 };
	for (size_t k = 0; k < 5; k++) {
		const struct kvmcpu_cpuid_entry *g = kvmcpu_result_cpuid_find(x->r, regs[k].leaf, 0);
		guest[k] = !g ? 0 : regs[k].reg == KVMCPU_EAX ? g->eax : regs[k].reg == KVMCPU_EBX ? g->ebx
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
		kc_vendor_from_regs(l0->ebx, l0->edx, l0->ecx, x->hv_vendor);
}

unsigned kc_export_hv_list(const struct kc_export *x, char *buf, size_t len)
{
	struct kc_out o = { buf, len, 0 };
	unsigned n = 0;
	buf[0] = '\0';
	for (size_t i = 0; x->hv && i < kvmcpu_hv_flag_count(); i++)
		if (x->hv_on[i])
			kc_out_printf(&o, "%s%s", n++ ? "," : "", kvmcpu_hv_flag_name(kvmcpu_hv_flag_at(i)));
	return n;
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
			       "cpu=%s: the %s format needs a named model; '%s' is none",
			       spec, kvmcpu_export_format_name(x->opts->format), x->requested_name);
	x->requested = kvmcpu_model_resolve_alias(m);
	const struct kvmcpu_cpuid_entry *l0 = kvmcpu_result_cpuid_find(x->r, 0, 0);
	if (l0)
		kc_vendor_from_regs(l0->ebx, l0->ecx, l0->edx, x->vendor);
	return 0;
}

/* openvmm: the original design's parameter string, which kvmcpu itself reads back. */
static int export_openvmm(struct kc_export *x, struct kc_out *o)
{
	const char *hv = kvmcpu_config_hv(x->cfg);
	kc_out_printf(o, "%s%s%scpu=%s%s%s%s\n", hv ? "hv=" : "", hv ? hv : "", hv ? "," : "",
		      kvmcpu_config_cpu(x->cfg), kvmcpu_config_nested(x->cfg) ? ",nested_virt" : "",
		      x->opts->smp ? ",smp=" : "", x->opts->smp ? x->opts->smp : "");
	return 0;
}

int kvmcpu_result_export(const struct kvmcpu_result *r, const struct kvmcpu_config *cfg,
			 const struct kvmcpu_export_opts *opts, char *buf, size_t len,
			 size_t *needed, char *lost, size_t lost_len, struct kvmcpu_error *err)
{
	if (!r || !cfg || !opts || (!buf && len))
		return kc_fail(err, -EINVAL, NULL, "kvmcpu_result_export: NULL argument");
	if ((unsigned)opts->format >= KVMCPU_EXPORT_NFORMATS)
		return kc_fail(err, -EINVAL, "give one of: qemu, libvirt, firecracker, proxmox, openvmm",
			       "unknown export format %d", (int)opts->format);
	struct kc_export x;
	memset(&x, 0, sizeof(x));
	x.r = r;
	x.cfg = cfg;
	x.opts = opts;
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
		if (!rc) {
			read_hv(&x);
			rc = opts->format == KVMCPU_EXPORT_QEMU ? kc_export_qemu(&x, &o, err)
			   : opts->format == KVMCPU_EXPORT_LIBVIRT ? kc_export_libvirt(&x, &o, err)
			   : opts->format == KVMCPU_EXPORT_FIRECRACKER ? kc_export_firecracker(&x, &o, err)
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
			       kvmcpu_export_format_name(opts->format), x.nlost, x.nlost == 1 ? "" : "s",
			       lost_buf);
	}
	if (lost && lost_len)
		kc_strlcpy(lost, lost_buf, lost_len);
	if (needed)
		*needed = o.used;
	if (o.used >= len)
		return kc_fail(err, -ENOSPC, "give a larger buffer", "the %s output needs %zu bytes",
			       kvmcpu_export_format_name(opts->format), o.used + 1);
	return 0;
}
