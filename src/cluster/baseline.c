/* SPDX-License-Identifier: MIT */
/*
 * The cluster baseline, in three steps:
 *
 *  1. add: every host is folded into running sums that do not grow with the
 *     number of hosts: the AND of the hosts' feature words, the smallest
 *     physical address width, the vendors seen, the Hyper-V flags every host
 *     enables and those some host enables, and per model the hosts (first
 *     three and a count) and features that rule it out;
 *  2. solve: the answers, from those sums alone;
 *  3. prove: every answer is resolved on every host again; it must drop
 *     nothing, and all hosts must give the same guest table (apart from the
 *     fields that describe the machine, which the VMM pins).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cluster/cluster-priv.h"
#include "config/config-priv.h"
#include "resolve/resolve-priv.h"
#include "util/util.h"

#define MAX_VENDORS 4
#define MAX_NOTES 16
#define RUNG_HOSTS 3
#define NANSWERS 3

/* Per candidate model: what it needs, and who lacks what. */
struct model_state {
	const struct kvmcpu_model *m;
	uint64_t req[KC_NWORDS];
	uint8_t used[KC_NWORDS]; /* the words req has bits in: a host is checked on those only */
	uint8_t nused;
	uint64_t missing[KC_NWORDS];
	size_t nhosts;
	char hosts[RUNG_HOSTS * 96];
};

/* One answer being proven, with the table of the first host it was proven on. */
struct answer {
	const char *what; /* "model", "spec", "psabi" */
	struct kvmcpu_config *cfg;
	bool have_ref;
	char ref_host[256];
	struct kvmcpu_cpuid_entry ref[KC_MAX_ENTRIES];
	size_t nref;
	struct kvmcpu_msr ref_msrs[KC_MAX_MSRS];
	size_t nref_msrs;
};

struct kvmcpu_baseline {
	bool nested;
	char hv_user[512];
	bool hv_given;
	bool hv_active; /* a Hyper-V spec, or nested_virt (which implies "windows") */
	struct kvmcpu_config *host_cfg; /* cpu=host with the Hyper-V spec, for step 1 */
	FILE *spill; /* the hosts as added, for kvmcpu_baseline_prove_all */
	char spill_buf[1 << 16]; /* its stdio buffer: hosts are 5-10 KiB, written in large blocks */
	bool spill_failed;

	struct model_state *models;
	size_t nmodels;
	uint64_t common[KC_NWORDS]; /* AND of every host's words */
	size_t nhosts;
	char vendors[MAX_VENDORS][13];
	size_t vendor_hosts[MAX_VENDORS];
	size_t nvendors;
	unsigned phys_min, phys_max;
	uint32_t tsc_min, tsc_max; /* recorded TSC rates (kHz), 0 when none */
	size_t tsc_unscaled; /* hosts without KVM_CAP_TSC_CONTROL */
	uint32_t hv_all, hv_any; /* flag index bits */
	size_t hv_count[32];
	uint32_t spinlocks;

	bool solved;
	char vendor[13];
	char model[640]; /* a name, and +no_ for KVM additions some host lacks */
	char spec[1536];
	char psabi[32];
	char hv_spec[512];
	char *notes[MAX_NOTES];
	size_t nnotes;
	struct kvmcpu_rung *rungs;
	char **rung_texts;
	size_t nrungs;

	struct answer answers[NANSWERS];
	size_t nanswers;
	size_t nproven;
	int proof_code;
	char proof_msg[512];
	char proof_hint[256];
	char machine_fields[512]; /* machine-describing CPUID fields that differ */
	char machine_note[768];
};

static int add_note(struct kvmcpu_baseline *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int add_note(struct kvmcpu_baseline *b, const char *fmt, ...)
{
	if (b->nnotes == MAX_NOTES)
		return 0;
	char text[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	for (size_t i = 0; i < b->nnotes; i++)
		if (!strcmp(b->notes[i], text))
			return 0;
	b->notes[b->nnotes] = strdup(text);
	return b->notes[b->nnotes++] ? 0 : -ENOMEM;
}

static bool is_candidate(const struct kvmcpu_model *m)
{
	return m->alias_of < 0;
}

int kvmcpu_baseline_new(const struct kvmcpu_config *cfg, struct kvmcpu_baseline **out,
			struct kvmcpu_error *err)
{
	if (!out)
		return kc_fail(err, -EINVAL, NULL, "kvmcpu_baseline_new needs *out");
	struct kvmcpu_baseline *b = calloc(1, sizeof(*b));
	if (!b)
		return kc_fail(err, -ENOMEM, NULL, "out of memory");
	b->nested = cfg && cfg->nested;
	b->hv_given = cfg && cfg->hv_set;
	if (b->hv_given)
		kc_strlcpy(b->hv_user, cfg->hv, sizeof(b->hv_user));
	b->hv_active = b->hv_given || b->nested;
	b->hv_all = UINT32_MAX;
	int r = kvmcpu_config_new(&b->host_cfg, err);
	if (!r && b->hv_given)
		r = kvmcpu_config_set_hv(b->host_cfg, b->hv_user, err);
	if (r) {
		kvmcpu_baseline_free(b);
		return r;
	}
	kvmcpu_config_set_nested(b->host_cfg, b->nested);
	b->models = calloc(kc_nmodels, sizeof(*b->models));
	if (!b->models) {
		kvmcpu_baseline_free(b);
		return kc_fail(err, -ENOMEM, NULL, "out of memory");
	}
	/* What each model needs of a host, under this config's rules (nested or not). */
	for (size_t i = 0; i < kc_nmodels; i++) {
		const struct kvmcpu_model *m = &kc_models[i];
		if (!is_candidate(m))
			continue;
		struct model_state *s = &b->models[b->nmodels++];
		s->m = m;
		struct kvmcpu_config *mc = NULL;
		r = kvmcpu_config_new(&mc, err);
		if (!r)
			r = kvmcpu_config_set_cpu(mc, m->name, err);
		if (!r) {
			kvmcpu_config_set_nested(mc, b->nested);
			r = kc_cluster_required(mc, s->req);
		}
		for (unsigned w = 0; w < KC_NWORDS; w++)
			if (s->req[w])
				s->used[s->nused++] = (uint8_t)w;
		kvmcpu_config_free(mc);
		if (r) {
			kvmcpu_baseline_free(b);
			return r == -ENOMEM ? kc_fail(err, r, NULL, "out of memory") : r;
		}
	}
	*out = b;
	return 0;
}

/* Appends @text to a @sep-separated list in @buf (silently stops when full). */
static void append_sep(char *buf, size_t size, const char *text, char sep)
{
	size_t used = strlen(buf);
	if (used + strlen(text) + 2 > size)
		return;
	if (used)
		buf[used++] = sep;
	kc_strlcpy(buf + used, text, size - used);
}

static void append_word(char *buf, size_t size, const char *text)
{
	append_sep(buf, size, text, ' ');
}

static void note_vendor(struct kvmcpu_baseline *b, const char *vendor)
{
	for (size_t i = 0; i < b->nvendors; i++)
		if (!strcmp(b->vendors[i], vendor)) {
			b->vendor_hosts[i]++;
			return;
		}
	if (b->nvendors < MAX_VENDORS) {
		kc_strlcpy(b->vendors[b->nvendors], vendor, sizeof(b->vendors[0]));
		b->vendor_hosts[b->nvendors++] = 1;
	}
}

static int add_hv(struct kvmcpu_baseline *b, const struct kvmcpu_host *host,
		  struct kvmcpu_error *err)
{
	struct kvmcpu_result *r;
	int rc = kvmcpu_resolve(b->host_cfg, host, &r, err);
	if (rc)
		return rc;
	uint32_t set = kc_cluster_hv_flags(r);
	const struct kvmcpu_cpuid_entry *e = kvmcpu_result_cpuid_find(r, 0x40000004, 0);
	if (!b->nhosts && e)
		b->spinlocks = e->ebx;
	kvmcpu_result_free(r);
	b->hv_all &= set;
	b->hv_any |= set;
	for (unsigned i = 0; i < 32; i++)
		b->hv_count[i] += (set >> i) & 1;
	return 0;
}

static void note_tsc(struct kvmcpu_baseline *b, const struct kvmcpu_host *host)
{
	uint32_t khz = kvmcpu_host_tsc_khz(host);
	int64_t scale = 0;
	if (khz) {
		b->tsc_min = !b->tsc_min || khz < b->tsc_min ? khz : b->tsc_min;
		b->tsc_max = khz > b->tsc_max ? khz : b->tsc_max;
	}
	b->tsc_unscaled += kvmcpu_host_cap(host, "KVM_CAP_TSC_CONTROL", &scale) != 1 || scale <= 0;
}

/* A copy for the proof, in an unlinked temporary file; without one, the caller re-reads. */
static void keep_copy(struct kvmcpu_baseline *b, const struct kvmcpu_host *host)
{
	if (b->spill_failed)
		return;
	if (!b->spill) {
		b->spill = tmpfile();
		if (b->spill)
			setvbuf(b->spill, b->spill_buf, _IOFBF, sizeof(b->spill_buf));
	}
	if (!b->spill || kc_spill_write(b->spill, host)) {
		if (b->spill)
			fclose(b->spill);
		b->spill = NULL;
		b->spill_failed = true;
	}
}

int kvmcpu_baseline_add(struct kvmcpu_baseline *b, const struct kvmcpu_host *host,
			struct kvmcpu_error *err)
{
	if (!b || !host || b->solved)
		return kc_fail(err, -EINVAL, NULL,
			       "kvmcpu_baseline_add needs a baseline not yet solved and a host");
	if (b->hv_active) {
		struct kvmcpu_error why;
		kvmcpu_error_clear(&why);
		int r = add_hv(b, host, &why);
		/* The resolver speaks of "the host": name which one of the cluster. */
		if (r)
			return kc_fail(err, r, why.hint[0] ? why.hint : NULL, "%s: %s",
				       kvmcpu_host_origin(host), why.message);
	}
	uint64_t words[KC_NWORDS];
	kc_words_host_for_guest(host, words);
	for (unsigned w = 0; w < KC_NWORDS; w++)
		b->common[w] = b->nhosts ? b->common[w] & words[w] : words[w];
	unsigned phys = kc_cluster_phys_bits(host);
	b->phys_min = !b->nhosts || phys < b->phys_min ? phys : b->phys_min;
	b->phys_max = phys > b->phys_max ? phys : b->phys_max;
	note_vendor(b, kvmcpu_host_vendor(host));
	note_tsc(b, host);
	keep_copy(b, host);
	for (size_t i = 0; i < b->nmodels; i++) {
		struct model_state *s = &b->models[i];
		uint64_t lack = 0;
		for (unsigned k = 0; k < s->nused; k++) {
			unsigned w = s->used[k];
			uint64_t miss = s->req[w] & ~words[w];
			s->missing[w] |= miss;
			lack |= miss;
		}
		if (!lack)
			continue;
		/* Host names may hold spaces: one per line. */
		if (s->nhosts++ < RUNG_HOSTS)
			append_sep(s->hosts, sizeof(s->hosts), kvmcpu_host_origin(host), '\n');
	}
	b->nhosts++;
	return 0;
}

/* ---- solve ---- */

static const char *const psabi_levels[] = {
	"x86-64-v1", "x86-64-v2", "x86-64-v2-AES", "x86-64-v3", "x86-64-v4",
};

static struct model_state *state_of(struct kvmcpu_baseline *b, const char *name)
{
	for (size_t i = 0; i < b->nmodels; i++)
		if (!strcmp(b->models[i].m->name, name))
			return &b->models[i];
	return NULL;
}

static bool is_vendor_model(const struct kvmcpu_model *m, const char *vendor)
{
	return !m->psabi_model && !strcmp(m->vendor, vendor);
}

/* The features a vendor's models know: the union of their definitions. */
static void vendor_known(const char *vendor, uint64_t known[KC_NWORDS])
{
	memset(known, 0, sizeof(uint64_t) * KC_NWORDS);
	for (size_t i = 0; i < kc_nmodels; i++)
		if (is_vendor_model(&kc_models[i], vendor))
			for (unsigned w = 0; w < KC_NWORDS; w++)
				known[w] |= kc_models[i].words[w];
}

/* What KVM's rules always set (@on) and always clear (@off) for models like @like. */
static int rule_masks(const struct kvmcpu_baseline *b, const struct kvmcpu_model *like,
		      uint64_t on[KC_NWORDS], uint64_t off[KC_NWORDS])
{
	struct kvmcpu_config *cfg;
	int r = kvmcpu_config_new(&cfg, NULL);
	if (r)
		return r;
	kvmcpu_config_set_nested(cfg, b->nested);
	struct kvmcpu_model probe = *like;
	memset(probe.words, 0, sizeof(probe.words));
	r = kc_words_want(cfg, &probe, on);
	memset(probe.words, 0xff, sizeof(probe.words));
	uint64_t kept[KC_NWORDS] = { 0 };
	if (!r)
		r = kc_words_want(cfg, &probe, kept);
	for (unsigned w = 0; w < KC_NWORDS; w++)
		off[w] = ~kept[w];
	kvmcpu_config_free(cfg);
	return r;
}

/* Same word and mask as an earlier feature (a second name for the same bits). */
static bool feature_seen_before(size_t i)
{
	for (size_t j = kc_word_features[kc_features[i].word]; j < i; j++)
		if (kc_features[j].mask == kc_features[i].mask)
			return true;
	return false;
}

/* Writes "@base+f1+...+no_g..." turning @base's guest words into @target; returns the count. */
static int spec_for(const struct kvmcpu_baseline *b, const struct kvmcpu_model *base,
		    const uint64_t target[KC_NWORDS], char *spec, size_t size)
{
	struct kvmcpu_config *cfg;
	uint64_t have[KC_NWORDS];
	if (kvmcpu_config_new(&cfg, NULL))
		return -ENOMEM;
	kvmcpu_config_set_nested(cfg, b->nested);
	int r = kvmcpu_config_set_cpu(cfg, base->name, NULL);
	if (!r)
		r = kc_words_want(cfg, base, have);
	kvmcpu_config_free(cfg);
	if (r)
		return r;
	kc_strlcpy(spec, base->name, size);
	int count = 0;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < kc_nfeatures; i++) {
			if (feature_seen_before(i))
				continue;
			bool want = kc_words_have(target, (int)i),
			     has = kc_words_have(have, (int)i);
			if (want == has || want != !pass)
				continue;
			size_t used = strlen(spec);
			int n = snprintf(spec + used, size - used, "+%s%s", want ? "" : "no_",
					 kc_features[i].name);
			if (n < 0 || (size_t)n >= size - used)
				return -E2BIG;
			count++;
		}
	}
	return count;
}

/* The richest spec: the base needing the fewest modifiers, ties to the newer. */
static int solve_spec(struct kvmcpu_baseline *b, const char *vendor, bool neutral)
{
	uint64_t known[KC_NWORDS], target[KC_NWORDS], on[KC_NWORDS], off[KC_NWORDS];
	if (neutral) {
		/* Only what every vendor present has in some model of its own. */
		memset(known, 0xff, sizeof(known));
		for (size_t v = 0; v < b->nvendors; v++) {
			uint64_t k[KC_NWORDS];
			vendor_known(b->vendors[v], k);
			for (unsigned w = 0; w < KC_NWORDS; w++)
				known[w] &= k[w];
		}
	} else {
		vendor_known(vendor, known);
	}
	const struct kvmcpu_model *best = NULL;
	int best_count = -1;
	for (size_t i = 0; i < b->nmodels; i++) {
		const struct kvmcpu_model *m = b->models[i].m;
		if (neutral ? !m->psabi_model : !is_vendor_model(m, vendor))
			continue;
		int r = rule_masks(b, m, on, off);
		if (r)
			return r;
		for (unsigned w = 0; w < KC_NWORDS; w++)
			target[w] = ((b->common[w] & known[w]) | (on[w] & b->common[w])) & ~off[w];
		kc_apply_dependencies(target, NULL, NULL);
		char spec[sizeof(b->spec)];
		int count = spec_for(b, m, target, spec, sizeof(spec));
		if (count == -E2BIG)
			continue;
		if (count < 0)
			return count;
		if (best_count < 0 || count < best_count ||
		    (count == best_count && kc_cluster_model_cmp_newest(m, best) < 0)) {
			best = m;
			best_count = count;
			kc_strlcpy(b->spec, spec, sizeof(b->spec));
		}
	}
	return best ? 0 : -ENOENT;
}

static int cmp_rungs(const void *x, const void *y)
{
	const struct model_state *a = *(struct model_state *const *)x,
				 *c = *(struct model_state *const *)y;
	return -kc_cluster_model_cmp_newest(a->m, c->m); /* oldest first: the next step up leads */
}

/* Names of the features set in @bits, space-separated, into a new string. */
static char *feature_names(const uint64_t bits[KC_NWORDS])
{
	size_t size = 64;
	for (size_t i = 0; i < kc_nfeatures; i++)
		if (bits[kc_features[i].word] & kc_features[i].mask)
			size += strlen(kc_features[i].name) + 1;
	char *s = calloc(1, size);
	if (!s)
		return NULL;
	for (size_t i = 0; i < kc_nfeatures; i++)
		if ((bits[kc_features[i].word] & kc_features[i].mask) && !feature_seen_before(i))
			append_word(s, size, kc_features[i].name);
	return s;
}

static size_t psabi_rank(const struct kvmcpu_model *m)
{
	for (size_t i = 0; i < KC_ARRAY_SIZE(psabi_levels); i++)
		if (!strcmp(m->name, psabi_levels[i]))
			return i + 1;
	return 0;
}

/* Is @m a step above @answer: a newer model of the vendor, or a higher psABI level. */
static bool above(const struct kvmcpu_model *m, const struct kvmcpu_model *answer,
		  const char *vendor, bool neutral)
{
	if (neutral)
		return m->psabi_model && (!answer || psabi_rank(m) > psabi_rank(answer));
	return is_vendor_model(m, vendor) &&
	       (!answer || kc_cluster_model_cmp_newest(m, answer) < 0);
}

static int solve_ladder(struct kvmcpu_baseline *b, const struct kvmcpu_model *answer,
			const char *vendor, bool neutral)
{
	struct model_state **list = calloc(b->nmodels, sizeof(*list));
	if (!list)
		return -ENOMEM;
	size_t n = 0;
	for (size_t i = 0; i < b->nmodels; i++) {
		struct model_state *s = &b->models[i];
		if (s->nhosts && above(s->m, answer, vendor, neutral))
			list[n++] = s;
	}
	qsort(list, n, sizeof(*list), cmp_rungs);
	b->rungs = calloc(n ? n : 1, sizeof(*b->rungs));
	b->rung_texts = calloc(n ? n : 1, sizeof(*b->rung_texts));
	if (!b->rungs || !b->rung_texts) {
		free(list);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		char *features = feature_names(list[i]->missing);
		if (!features) {
			free(list);
			return -ENOMEM;
		}
		b->rung_texts[i] = features;
		b->rungs[i] = (struct kvmcpu_rung){ list[i]->m->name, list[i]->nhosts,
						    list[i]->hosts, features };
		b->nrungs++;
	}
	free(list);
	return 0;
}

static int solve_hv(struct kvmcpu_baseline *b)
{
	if (!b->hv_active)
		return 0;
	size_t used = (size_t)snprintf(b->hv_spec, sizeof(b->hv_spec), "none");
	for (size_t i = 0; i < kvmcpu_hv_flag_count() && i < 32; i++) {
		if (!(b->hv_all & (1u << i)))
			continue;
		const char *name = kvmcpu_hv_flag_name(kvmcpu_hv_flag_at(i));
		char token[64];
		if (!strcmp(name, "spinlocks"))
			snprintf(token, sizeof(token), "+spinlocks=0x%" PRIx32, b->spinlocks);
		else
			snprintf(token, sizeof(token), "+%s", name);
		if (used + strlen(token) < sizeof(b->hv_spec))
			used += (size_t)snprintf(b->hv_spec + used, sizeof(b->hv_spec) - used, "%s",
						 token);
	}
	/*
	 * A guest reading the TSC rate from the Hyper-V frequency MSRs keeps it after a
	 * move: hosts of other rates (beyond Linux's 250 ppm) must scale the guest's TSC.
	 */
	const struct kvmcpu_hv_flag *freq = kvmcpu_hv_flag_find("frequencies");
	size_t fi = kvmcpu_hv_flag_count();
	for (size_t i = 0; i < kvmcpu_hv_flag_count(); i++)
		if (kvmcpu_hv_flag_at(i) == freq)
			fi = i;
	if (fi < 32 && (b->hv_all >> fi & 1) && b->tsc_unscaled && b->tsc_min &&
	    (uint64_t)(b->tsc_max - b->tsc_min) * 1000000u > (uint64_t)b->tsc_min * 250u &&
	    add_note(b,
		     "the Hyper-V spec gives the frequency MSRs, but the hosts' TSC rates differ "
		     "(%u to %u kHz) and %zu host%s cannot scale a guest's TSC "
		     "(KVM_CAP_TSC_CONTROL): add +no_frequencies, or move guests only between "
		     "hosts of one rate (kvmcpu migrate-check)",
		     b->tsc_min, b->tsc_max, b->tsc_unscaled, b->tsc_unscaled == 1 ? "" : "s"))
		return -ENOMEM;
	uint32_t differ = b->hv_any & ~b->hv_all;
	if (!differ)
		return 0;
	char list[512] = "";
	for (unsigned i = 0; i < 32; i++) {
		if (!(differ & (1u << i)))
			continue;
		char item[96];
		snprintf(item, sizeof(item), "%s (on %zu of %zu hosts)",
			 kvmcpu_hv_flag_name(kvmcpu_hv_flag_at(i)), b->hv_count[i], b->nhosts);
		append_word(list, sizeof(list), item);
	}
	return add_note(b,
			"auto-detected Hyper-V flags differ between hosts: %s; the pinned "
			"Hyper-V spec leaves them out so that every host gives the same",
			list);
}

/*
 * KVM's rules add features to every model (x2apic, the kvmclock leaves). A host
 * whose recording lacks one (a raw CPUID dump) would give a different table:
 * every answer then turns those off, and a note says so.
 */
static int kvm_additions_off(struct kvmcpu_baseline *b, const struct kvmcpu_model *m, char *suffix,
			     size_t size)
{
	uint64_t on[KC_NWORDS], off[KC_NWORDS];
	int r = rule_masks(b, m, on, off);
	if (r)
		return r;
	char names[512] = "";
	*suffix = '\0';
	for (size_t i = 0; i < kc_nfeatures; i++) {
		if (feature_seen_before(i) || !kc_words_have(on, (int)i) ||
		    kc_words_have(b->common, (int)i))
			continue;
		size_t used = strlen(suffix);
		snprintf(suffix + used, size - used, "+no_%s", kc_features[i].name);
		append_word(names, sizeof(names), kc_features[i].name);
	}
	if (!*names)
		return 0;
	return add_note(b,
			"KVM gives every model %s, but some hosts' recordings lack %s (a "
			"recording of the raw CPUID rather than of KVM?): the answers turn %s off "
			"so that every host gives the same",
			names, strchr(names, ' ') ? "them" : "it",
			strchr(names, ' ') ? "them" : "it");
}

static int prepare_answer(struct kvmcpu_baseline *b, const char *what, const char *spec,
			  struct kvmcpu_error *err)
{
	for (size_t i = 0; i < b->nanswers; i++)
		if (!strcmp(kvmcpu_config_cpu(b->answers[i].cfg), spec))
			return 0;
	struct answer *a = &b->answers[b->nanswers];
	a->what = what;
	int r = kvmcpu_config_new(&a->cfg, err);
	if (!r)
		r = kvmcpu_config_set_cpu(a->cfg, spec, err);
	if (!r && b->hv_active)
		r = kvmcpu_config_set_hv(a->cfg, b->hv_spec, err);
	if (!r)
		kvmcpu_config_set_nested(a->cfg, b->nested);
	if (r) {
		kvmcpu_config_free(a->cfg);
		a->cfg = NULL;
		return r;
	}
	b->nanswers++;
	return 0;
}

int kvmcpu_baseline_solve(struct kvmcpu_baseline *b, struct kvmcpu_error *err)
{
	if (!b || b->solved)
		return kc_fail(err, -EINVAL, NULL,
			       "kvmcpu_baseline_solve needs a baseline not yet solved");
	if (!b->nhosts)
		return kc_fail(err, -ENODATA, "give at least one host recording",
			       "no hosts to baseline");
	b->solved = true;
	bool neutral = b->nvendors != 1;
	const char *vendor = b->vendors[0];
	if (!neutral) {
		/* A vendor without models of its own gets the vendor-neutral answer too. */
		bool any = false;
		for (size_t i = 0; i < b->nmodels && !any; i++)
			any = is_vendor_model(b->models[i].m, vendor);
		neutral = !any;
		if (neutral && add_note(b,
					"no named model has the hosts' vendor '%s': the answers "
					"are vendor-neutral",
					vendor))
			return kc_fail(err, -ENOMEM, NULL, "out of memory");
	} else {
		char list[256] = "";
		for (size_t v = 0; v < b->nvendors; v++) {
			char item[48];
			snprintf(item, sizeof(item), "%s (%zu)", b->vendors[v], b->vendor_hosts[v]);
			append_word(list, sizeof(list), item);
		}
		if (add_note(
			    b,
			    "the hosts have different CPU vendors: %s. A guest keeps the vendor, "
			    "family and model it booted with, and each vendor's models carry "
			    "features the other lacks, so no vendor's model can move between them: "
			    "the answers are vendor-neutral (an x86-64 psABI level, plus only the "
			    "features every vendor's models know)",
			    list))
			return kc_fail(err, -ENOMEM, NULL, "out of memory");
	}
	kc_strlcpy(b->vendor, neutral ? "" : vendor, sizeof(b->vendor));

	for (size_t i = 0; i < KC_ARRAY_SIZE(psabi_levels); i++) {
		struct model_state *s = state_of(b, psabi_levels[i]);
		if (s && !s->nhosts)
			kc_strlcpy(b->psabi, psabi_levels[i], sizeof(b->psabi));
	}
	const struct model_state *best = NULL;
	for (size_t i = 0; i < b->nmodels && !neutral; i++) {
		const struct model_state *s = &b->models[i];
		if (!s->nhosts && is_vendor_model(s->m, vendor) &&
		    (!best || kc_cluster_model_cmp_newest(s->m, best->m) < 0))
			best = s;
	}
	const struct kvmcpu_model *answer = best ? best->m : kvmcpu_model_find(b->psabi);
	kc_strlcpy(b->model, answer ? answer->name : "", sizeof(b->model));
	int r = solve_ladder(b, answer, vendor, neutral || !best);
	if (!r)
		r = solve_hv(b);
	if (r)
		return kc_fail(err, r, NULL, "out of memory");
	if (!answer) {
		return kc_fail(err, -ENOENT, "the ladder lists what rules each model out",
			       "no model runs on every one of the %zu hosts", b->nhosts);
	}
	r = solve_spec(b, vendor, neutral || !best);
	if (r == -ENOENT)
		kc_strlcpy(b->spec, b->model, sizeof(b->spec));
	else if (r)
		return kc_fail(err, r, NULL, "out of memory");
	if ((b->phys_min != b->phys_max || b->phys_min < 40) &&
	    add_note(b,
		     "the hosts' physical address widths are %u to %u bits: give guests "
		     "phys-bits=%u at most (the config's phys-bits=, QEMU's -cpu ...,phys-bits=; "
		     "the default is 40)",
		     b->phys_min, b->phys_max, b->phys_min))
		return kc_fail(err, -ENOMEM, NULL, "out of memory");
	char suffix[512], psabi[sizeof(b->psabi) + sizeof(suffix)];
	r = kvm_additions_off(b, answer, suffix, sizeof(suffix));
	if (r)
		return kc_fail(err, r, NULL, "out of memory");
	kc_strlcpy(b->model + strlen(b->model), suffix, sizeof(b->model) - strlen(b->model));
	snprintf(psabi, sizeof(psabi), "%s%s", b->psabi, suffix);
	r = prepare_answer(b, "model", b->model, err);
	if (!r)
		r = prepare_answer(b, "spec", b->spec, err);
	if (!r && *b->psabi)
		r = prepare_answer(b, "psabi", psabi, err);
	return r;
}

/* ---- prove ---- */

static int proof_fail(struct kvmcpu_baseline *b, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int proof_fail(struct kvmcpu_baseline *b, const char *hint, const char *fmt, ...)
{
	if (b->proof_code)
		return 0;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(b->proof_msg, sizeof(b->proof_msg), fmt, ap);
	va_end(ap);
	kc_strlcpy(b->proof_hint, hint ? hint : "", sizeof(b->proof_hint));
	b->proof_code = -EPROTO;
	return 0;
}

/* Compares one register with the reference; machine fields become notes. */
static const char *reg_name(enum kvmcpu_reg reg)
{
	static const char *const names[] = { "EAX", "EBX", "ECX", "EDX" };
	return names[reg & 3];
}

static int check_reg(struct kvmcpu_baseline *b, const struct answer *a, const char *host,
		     uint32_t fn, uint32_t idx, enum kvmcpu_reg reg, uint32_t ref, uint32_t got)
{
	if (ref == got)
		return 0;
	if (kc_cluster_machine_field(fn, reg)) {
		char leaf[24];
		snprintf(leaf, sizeof(leaf), "0x%x.%s", fn, reg_name(reg));
		if (!strstr(b->machine_fields, leaf))
			append_word(b->machine_fields, sizeof(b->machine_fields), leaf);
		return 0;
	}
	if (fn == 0x80000008 && reg == KVMCPU_EAX) {
		/* Physical bits: the phys-bits answer. Linear bits: the hosts' paging (LA57). */
		if ((ref & 0xff00u) == (got & 0xff00u))
			return 0;
		return add_note(b,
				"the hosts' linear address widths differ (%u and %u bits, CPUID "
				"0x80000008 EAX[15:8]): the VMM gives guests %u",
				(ref >> 8) & 0xff, (got >> 8) & 0xff,
				((ref >> 8) & 0xff) < ((got >> 8) & 0xff) ? (ref >> 8) & 0xff
									  : (got >> 8) & 0xff);
	}
	return proof_fail(b, "report this as a kvmcpu bug, with both recordings",
			  "the %s answer '%s' gives another guest table on %s than on %s: CPUID "
			  "0x%08x.%u %s is 0x%08x there, 0x%08x on %s",
			  a->what, kvmcpu_config_cpu(a->cfg), host, a->ref_host, fn, idx,
			  reg_name(reg), got, ref, a->ref_host);
}

static int check_table(struct kvmcpu_baseline *b, const struct answer *a, const char *host,
		       const struct kvmcpu_result *r)
{
	size_t n;
	const struct kvmcpu_cpuid_entry *t = kvmcpu_result_cpuid(r, &n);
	size_t i = 0, j = 0;
	static const struct kvmcpu_cpuid_entry zero;
	while (i < a->nref || j < n) {
		int k = i == a->nref ? 1
			: j == n     ? -1
			: a->ref[i].function != t[j].function
				? (a->ref[i].function < t[j].function ? -1 : 1)
			: a->ref[i].index < t[j].index ? -1
						       : a->ref[i].index > t[j].index;
		const struct kvmcpu_cpuid_entry *x = k <= 0 ? &a->ref[i] : &zero;
		const struct kvmcpu_cpuid_entry *y = k >= 0 ? &t[j] : &zero;
		const struct kvmcpu_cpuid_entry *key = k <= 0 ? x : y;
		const uint32_t vx[4] = { x->eax, x->ebx, x->ecx, x->edx };
		const uint32_t vy[4] = { y->eax, y->ebx, y->ecx, y->edx };
		for (int reg = 0; reg < 4; reg++) {
			int rc = check_reg(b, a, host, key->function, key->index,
					   (enum kvmcpu_reg)reg, vx[reg], vy[reg]);
			if (rc)
				return rc;
		}
		i += k <= 0;
		j += k >= 0;
	}
	/* MSR plans by index; a zero on one side and nothing on the other set the same bits. */
	size_t nm = kvmcpu_result_msr_count(r);
	for (size_t m = 0; m < nm + a->nref_msrs; m++) {
		const struct kvmcpu_msr *x = m < nm ? kvmcpu_result_msr_at(r, m)
						    : &a->ref_msrs[m - nm];
		uint64_t other = 0;
		bool found = false;
		for (size_t k = 0; k < (m < nm ? a->nref_msrs : nm) && !found; k++) {
			const struct kvmcpu_msr *y = m < nm ? &a->ref_msrs[k]
							    : kvmcpu_result_msr_at(r, k);
			if (y->index == x->index) {
				found = true;
				other = y->value;
			}
		}
		if (other == x->value)
			continue;
		return proof_fail(
			b, "report this as a kvmcpu bug, with both recordings",
			"the %s answer '%s' plans MSR 0x%x as 0x%llx on %s and 0x%llx on %s",
			a->what, kvmcpu_config_cpu(a->cfg), x->index,
			(unsigned long long)(m < nm ? x->value : other), host,
			(unsigned long long)(m < nm ? other : x->value), a->ref_host);
	}
	return 0;
}

static int prove_answer(struct kvmcpu_baseline *b, struct answer *a, const struct kvmcpu_host *host,
			struct kvmcpu_error *err)
{
	const char *name = kvmcpu_host_origin(host);
	struct kvmcpu_error rerr;
	struct kvmcpu_result *r = NULL;
	kvmcpu_error_clear(&rerr);
	if (kvmcpu_resolve(a->cfg, host, &r, &rerr))
		return proof_fail(b, rerr.hint, "the %s answer '%s' does not resolve on %s: %s",
				  a->what, kvmcpu_config_cpu(a->cfg), name, rerr.message);
	int rc = 0;
	for (size_t i = 0; i < kvmcpu_result_notice_count(r) && !rc; i++) {
		const struct kvmcpu_notice *n = kvmcpu_result_notice_at(r, i);
		bool dropped = n->kind == KVMCPU_NOTICE_DROPPED ||
			       n->kind == KVMCPU_NOTICE_HV_DROPPED;
		if (dropped)
			rc = proof_fail(b, "report this as a kvmcpu bug, with the recording",
					"the %s answer '%s' drops %s on %s: %s", a->what,
					kvmcpu_config_cpu(a->cfg), n->subject, name, n->reason);
	}
	if (!rc && !a->have_ref) {
		size_t n;
		const struct kvmcpu_cpuid_entry *t = kvmcpu_result_cpuid(r, &n);
		memcpy(a->ref, t, n * sizeof(*t));
		a->nref = n;
		a->nref_msrs = kvmcpu_result_msr_count(r);
		for (size_t m = 0; m < a->nref_msrs; m++)
			a->ref_msrs[m] = *kvmcpu_result_msr_at(r, m);
		kc_strlcpy(a->ref_host, name, sizeof(a->ref_host));
		a->have_ref = true;
	} else if (!rc) {
		rc = check_table(b, a, name, r);
	}
	kvmcpu_result_free(r);
	return rc ? kc_fail(err, rc, NULL, "out of memory") : 0;
}

int kvmcpu_baseline_prove(struct kvmcpu_baseline *b, const struct kvmcpu_host *host,
			  struct kvmcpu_error *err)
{
	if (!b || !host || !b->solved)
		return kc_fail(err, -EINVAL, NULL,
			       "kvmcpu_baseline_prove needs a solved baseline and a host");
	for (size_t i = 0; i < b->nanswers; i++) {
		int r = prove_answer(b, &b->answers[i], host, err);
		if (r)
			return r;
	}
	b->nproven++;
	return 0;
}

int kvmcpu_baseline_prove_all(struct kvmcpu_baseline *b, struct kvmcpu_error *err)
{
	if (!b || !b->solved)
		return kc_fail(err, -EINVAL, NULL,
			       "kvmcpu_baseline_prove_all needs a solved baseline");
	if (!b->spill || fflush(b->spill) || fseek(b->spill, 0, SEEK_SET))
		return kc_fail(err, -ENODATA, "prove each host with kvmcpu_baseline_prove()",
			       "the copies of the hosts could not be kept");
	for (size_t i = 0; i < b->nhosts; i++) {
		struct kvmcpu_host *h;
		int r = kc_spill_read(b->spill, &h);
		if (r)
			return kc_fail(err, -ENODATA,
				       "prove each host with kvmcpu_baseline_prove()",
				       "the copy of host %zu could not be read back", i + 1);
		r = kvmcpu_baseline_prove(b, h, err);
		kvmcpu_host_free(h);
		if (r)
			return r;
	}
	fclose(b->spill);
	b->spill = NULL;
	return 0;
}

int kvmcpu_baseline_proven(const struct kvmcpu_baseline *b, struct kvmcpu_error *err)
{
	if (!b || !b->solved)
		return kc_fail(err, -EINVAL, NULL, "the baseline was not solved");
	if (b->proof_code)
		return kc_fail(err, b->proof_code, b->proof_hint, "%s", b->proof_msg);
	if (b->nproven != b->nhosts)
		return kc_fail(err, -EPROTO, "prove the answers on every host that was added",
			       "the answers were proven on %zu of %zu hosts", b->nproven,
			       b->nhosts);
	return 0;
}

/* ---- accessors ---- */

size_t kvmcpu_baseline_host_count(const struct kvmcpu_baseline *b)
{
	return b ? b->nhosts : 0;
}

const char *kvmcpu_baseline_vendor(const struct kvmcpu_baseline *b)
{
	return b ? b->vendor : "";
}

const char *kvmcpu_baseline_model(const struct kvmcpu_baseline *b)
{
	return b ? b->model : "";
}

const char *kvmcpu_baseline_spec(const struct kvmcpu_baseline *b)
{
	return b ? b->spec : "";
}

const char *kvmcpu_baseline_psabi(const struct kvmcpu_baseline *b)
{
	return b ? b->psabi : "";
}

unsigned kvmcpu_baseline_phys_bits(const struct kvmcpu_baseline *b)
{
	return b ? b->phys_min : 0;
}

const char *kvmcpu_baseline_hv(const struct kvmcpu_baseline *b)
{
	return b && b->hv_active && b->solved ? b->hv_spec : NULL;
}

/* The machine fields that differ, as one last note. */
size_t kvmcpu_baseline_note_count(const struct kvmcpu_baseline *b)
{
	return b ? b->nnotes + (*b->machine_fields != 0) : 0;
}

const char *kvmcpu_baseline_note_at(const struct kvmcpu_baseline *b, size_t i)
{
	if (!b || i >= kvmcpu_baseline_note_count(b))
		return NULL;
	if (i < b->nnotes)
		return b->notes[i];
	snprintf(((struct kvmcpu_baseline *)b)->machine_note, sizeof(b->machine_note),
		 "CPUID fields that describe each host's machine (caches, TLBs, topology, "
		 "frequencies) differ between hosts: %s. Guests read them at boot; the VMM pins "
		 "them if guests must not see a change",
		 b->machine_fields);
	return b->machine_note;
}

size_t kvmcpu_baseline_rung_count(const struct kvmcpu_baseline *b)
{
	return b ? b->nrungs : 0;
}

const struct kvmcpu_rung *kvmcpu_baseline_rung_at(const struct kvmcpu_baseline *b, size_t i)
{
	return b && i < b->nrungs ? &b->rungs[i] : NULL;
}

void kvmcpu_baseline_free(struct kvmcpu_baseline *b)
{
	if (!b)
		return;
	kvmcpu_config_free(b->host_cfg);
	if (b->spill)
		fclose(b->spill);
	free(b->models);
	for (size_t i = 0; i < b->nnotes; i++)
		free(b->notes[i]);
	for (size_t i = 0; i < b->nrungs; i++)
		free(b->rung_texts[i]);
	free(b->rung_texts);
	free(b->rungs);
	for (size_t i = 0; i < b->nanswers; i++)
		kvmcpu_config_free(b->answers[i].cfg);
	free(b);
}
