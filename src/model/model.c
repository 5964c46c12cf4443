/* SPDX-License-Identifier: MIT */
/* Accessors of the generated model table, feature lookup and dependency closure. */
#include <string.h>

#include "model/model-priv.h"
#include "util/util.h"

size_t kvmcpu_model_count(void)
{
	return kc_nmodels;
}

const struct kvmcpu_model *kvmcpu_model_at(size_t index)
{
	return index < kc_nmodels ? &kc_models[index] : NULL;
}

const struct kvmcpu_model *kvmcpu_model_find(const char *name)
{
	if (!name)
		return NULL;
	size_t lo = 0, hi = kc_nmodels;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const struct kvmcpu_model *m = &kc_models[kc_models_by_name[mid]];
		int c = strcmp(m->name, name);
		if (!c)
			return m;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* Model names are case-sensitive in QEMU; accept any case, as a convenience. */
	for (size_t i = 0; i < kc_nmodels; i++)
		if (!strcasecmp(kc_models[i].name, name))
			return &kc_models[i];
	return NULL;
}

const struct kvmcpu_model *kvmcpu_model_resolve_alias(const struct kvmcpu_model *m)
{
	/* Aliases point at versioned names, which are never aliases themselves. */
	while (m && m->alias_of >= 0)
		m = &kc_models[m->alias_of];
	return m;
}

const char *kvmcpu_model_name(const struct kvmcpu_model *m)
{
	return m ? m->name : NULL;
}

const char *kvmcpu_model_alias_of(const struct kvmcpu_model *m)
{
	return m && m->alias_of >= 0 ? kc_models[m->alias_of].name : NULL;
}

const char *kvmcpu_model_vendor(const struct kvmcpu_model *m)
{
	return m ? m->vendor : NULL;
}

unsigned kvmcpu_model_family(const struct kvmcpu_model *m)
{
	return m ? m->family : 0;
}

unsigned kvmcpu_model_model(const struct kvmcpu_model *m)
{
	return m ? m->model : 0;
}

unsigned kvmcpu_model_stepping(const struct kvmcpu_model *m)
{
	return m ? m->stepping : 0;
}

const char *kvmcpu_model_brand(const struct kvmcpu_model *m)
{
	return m ? m->brand : NULL;
}

const char *kvmcpu_model_note(const struct kvmcpu_model *m)
{
	return m ? m->note : NULL;
}

const char *kvmcpu_model_psabi(const struct kvmcpu_model *m)
{
	return m ? m->psabi : NULL;
}

const char *kvmcpu_model_provenance(const struct kvmcpu_model *m)
{
	return m ? m->provenance : NULL;
}

uint32_t kvmcpu_model_level(const struct kvmcpu_model *m)
{
	return m ? m->level : 0;
}

uint32_t kvmcpu_model_xlevel(const struct kvmcpu_model *m)
{
	return m ? m->xlevel : 0;
}

bool kvmcpu_model_is_psabi_level(const struct kvmcpu_model *m)
{
	return m ? m->psabi_model : false;
}

uint64_t kvmcpu_model_word(const struct kvmcpu_model *m, size_t word)
{
	return m && word < KC_NWORDS ? m->words[word] : 0;
}

bool kvmcpu_model_has_feature(const struct kvmcpu_model *m, const struct kvmcpu_feature_info *f)
{
	if (!m || !f || f->word >= KC_NWORDS)
		return false;
	return (m->words[f->word] & f->mask) == f->mask;
}

size_t kvmcpu_word_count(void)
{
	return KC_NWORDS;
}

const struct kvmcpu_word_info *kvmcpu_word_at(size_t index)
{
	return index < KC_NWORDS ? &kc_words[index] : NULL;
}

size_t kvmcpu_feature_count(void)
{
	return kc_nfeatures;
}

const struct kvmcpu_feature_info *kvmcpu_feature_at(size_t index)
{
	return index < kc_nfeatures ? &kc_features[index] : NULL;
}

const struct kvmcpu_feature_info *kvmcpu_feature_find(const char *name)
{
	int f = kc_feature_find(name);
	return f < 0 ? NULL : &kc_features[f];
}

int kc_feature_find(const char *name)
{
	if (!name)
		return -1;
	for (size_t i = 0; i < kc_nfeatures; i++)
		if (!strcmp(kc_features[i].name, name))
			return (int)i;
	for (size_t i = 0; i < kc_nfeature_aliases; i++)
		if (!strcmp(kc_feature_aliases[i].alias, name))
			return kc_feature_find(kc_feature_aliases[i].name);
	/* QEMU treats '_' and '-' alike in property names (sse4_1 = sse4.1 = sse4-1). */
	for (size_t i = 0; i < kc_nfeatures; i++)
		if (kc_name_eq(kc_features[i].name, name))
			return (int)i;
	for (size_t i = 0; i < kc_nfeature_aliases; i++)
		if (kc_name_eq(kc_feature_aliases[i].alias, name))
			return kc_feature_find(kc_feature_aliases[i].name);
	return -1;
}

int kc_word_find_cpuid(uint32_t leaf, uint32_t subleaf, enum kvmcpu_reg reg)
{
	for (int i = 0; i < KC_NWORDS; i++) {
		const struct kvmcpu_word_info *w = &kc_words[i];
		if (!w->is_msr && w->leaf == leaf && w->reg == reg &&
		    (!w->has_subleaf || w->subleaf == subleaf))
			return i;
	}
	return -1;
}

int kc_word_find_msr(uint32_t msr)
{
	for (int i = 0; i < KC_NWORDS; i++)
		if (kc_words[i].is_msr && kc_words[i].msr == msr)
			return i;
	return -1;
}

/*
 * QEMU applies its dependency list once, in order; a fixpoint gives the same
 * answer for QEMU's ordered list and stays right if the list is reordered.
 */
int kc_apply_dependencies(uint64_t words[KC_NWORDS], kc_dep_cleared_fn cleared, void *ctx)
{
	bool changed = true;
	while (changed) {
		changed = false;
		for (size_t i = 0; i < kc_nfeature_deps; i++) {
			const struct kc_feature_dep *d = &kc_feature_deps[i];
			if (words[d->from_word] & d->from_mask)
				continue;
			uint64_t gone = words[d->to_word] & d->to_mask;
			if (!gone)
				continue;
			words[d->to_word] &= ~d->to_mask;
			changed = true;
			int r = cleared ? cleared(d, gone, ctx) : 0;
			if (r)
				return r;
		}
	}
	return 0;
}
