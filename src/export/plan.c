/* SPDX-License-Identifier: MIT */
/*
 * What every export format shares: its output buffer, the list of what it
 * cannot carry, the closest model it can name, the features to state on top
 * of it, the Hyper-V flags the result shows and the vCPU topology. The format writers
 * (qemu.c, libvirt.c, firecracker.c) and export.c call these; they call
 * neither back.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "export/export-priv.h"

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
		d += (unsigned)__builtin_popcountll(kvmcpu_model_word(a, w) ^
						    kvmcpu_model_word(b, w));
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
		bool user = noticed(x, f, KVMCPU_NOTICE_USER) ||
			    pin_dropped(x, f, nameable, (int)i);
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

unsigned kc_export_hv_list(const struct kc_export *x, char *buf, size_t len)
{
	struct kc_out o = { buf, len, 0 };
	unsigned n = 0;
	buf[0] = '\0';
	for (size_t i = 0; x->hv && i < kvmcpu_hv_flag_count(); i++)
		if (x->hv_on[i])
			kc_out_printf(&o, "%s%s", n++ ? "," : "",
				      kvmcpu_hv_flag_name(kvmcpu_hv_flag_at(i)));
	return n;
}

bool kc_export_smp(const struct kc_export *x, char *buf, size_t len)
{
	const struct kc_topology *t = &x->cfg->topo;
	if (x->opts->smp) {
		snprintf(buf, len, "%s", x->opts->smp);
		return true;
	}
	/* The vCPU count is the product of the levels (src/config/smp.c). */
	if (t->cpus <= 1)
		return false;
	struct kc_out o = { buf, len, 0 };
	kc_out_printf(&o, "%u,sockets=%u", t->cpus, t->sockets);
	if (t->dies > 1)
		kc_out_printf(&o, ",dies=%u", t->dies);
	if (t->modules > 1)
		kc_out_printf(&o, ",modules=%u", t->modules);
	kc_out_printf(&o, ",cores=%u,threads=%u", t->cores, t->threads);
	return true;
}
