/* SPDX-License-Identifier: MIT */
/*
 * Differences between two hosts: what a guest would see change when it moves
 * (kvmcpu_migration_check), and what two recordings hold (kvmcpu_host_diff).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cluster/cluster-priv.h"
#include "config/config-priv.h"
#include "host/host-priv.h"
#include "util/util.h"

/* Linux and KVM treat TSC rates within 250 ppm as the same (tsc_tolerance_ppm). */
#define TSC_TOLERANCE_PPM 250

enum side_mode {
	GUEST_TABLES, /* two resolved guests: losses block, gains inform */
	HOST_TABLES, /* two recordings: every difference counts */
};

struct cmp {
	struct kvmcpu_diff_list *l;
	enum side_mode mode;
	const char *a_name, *b_name;
	/* 0x40000000.. holds Hyper-V leaves (not KVM's own, whose features have names). */
	bool hv_range;
	/* Guests: the Hyper-V flags that differ, already reported by name. */
	uint32_t hv_flags_differ;
};

static const char *yes_no(bool v)
{
	return v ? "yes" : "no";
}

static bool is_hv_leaf(uint32_t fn)
{
	return fn >= 0x40000000 && fn <= 0x400000ff;
}

/* "yes", "no", or which bits of a feature of several bits are there. */
static const char *presence(char *buf, size_t size, uint64_t v, uint64_t mask)
{
	if ((v & mask) == mask || !(v & mask))
		return yes_no(v & mask);
	snprintf(buf, size, "partly (0x%" PRIx64 " of 0x%" PRIx64 ")", v & mask, mask);
	return buf;
}

/* Named features of word @w that differ; the unnamed rest as one register item. */
static int diff_feature_word(struct cmp *c, unsigned w, uint64_t va, uint64_t vb, const char *where)
{
	uint64_t rest = va ^ vb;
	for (unsigned i = kc_word_features[w]; i < kc_word_features[w + 1]; i++) {
		const struct kvmcpu_feature_info *f = &kc_features[i];
		if (!((va ^ vb) & f->mask))
			continue;
		rest &= ~f->mask;
		bool in_a = (va & f->mask) == f->mask, in_b = (vb & f->mask) == f->mask;
		bool lost = in_a && !in_b;
		char fix[96] = "", sa[64], sb[64];
		char reason[200];
		if (c->mode == GUEST_TABLES) {
			snprintf(reason, sizeof(reason), "the guest %s %s when it moves (%s)",
				 lost ? "loses" : "gains", f->name, where);
			if (lost)
				snprintf(fix, sizeof(fix), "add +no_%s to the CPU spec", f->name);
		} else {
			snprintf(reason, sizeof(reason), "%s has it, %s does not (%s)",
				 in_a ? c->a_name : c->b_name, in_a ? c->b_name : c->a_name, where);
		}
		int r = kc_diff_add(c->l, KVMCPU_DIFF_FEATURE, c->mode == HOST_TABLES || lost,
				    f->name, presence(sa, sizeof(sa), va, f->mask),
				    presence(sb, sizeof(sb), vb, f->mask), reason, fix);
		if (r)
			return r;
	}
	if (!rest)
		return 0;
	char a[24], b[24];
	snprintf(a, sizeof(a), "0x%" PRIx64, va & rest);
	snprintf(b, sizeof(b), "0x%" PRIx64, vb & rest);
	return kc_diff_addf(c->l, KVMCPU_DIFF_CPUID, true, a, b,
			    "bits without a feature name differ", "", "%s bits 0x%" PRIx64, where,
			    rest);
}

/* Hyper-V leaves: by flag where the bits belong to one, else by register. */
static int diff_hv_reg(struct cmp *c, uint32_t fn, enum kvmcpu_reg reg, uint32_t va, uint32_t vb,
		       const char *where)
{
	uint32_t rest = va ^ vb;
	for (size_t i = 0; i < kvmcpu_hv_flag_count() && i < 32 && c->mode == GUEST_TABLES; i++)
		if (c->hv_flags_differ >> i & 1)
			rest &= ~(kvmcpu_hv_flag_bits(kvmcpu_hv_flag_at(i), fn, reg) |
				  kvmcpu_hv_flag_clear_bits(kvmcpu_hv_flag_at(i), fn, reg));
	for (size_t i = 0; i < kvmcpu_hv_flag_count() && c->mode == HOST_TABLES; i++) {
		const struct kvmcpu_hv_flag *f = kvmcpu_hv_flag_at(i);
		uint32_t bits = c->mode == GUEST_TABLES ? kvmcpu_hv_flag_bits(f, fn, reg)
							: kvmcpu_hv_flag_host_bits(f, fn, reg);
		if (!bits || !((va ^ vb) & bits))
			continue;
		rest &= ~bits;
		bool in_a = (va & bits) == bits, in_b = (vb & bits) == bits;
		if (in_a == in_b)
			continue;
		bool lost = in_a && !in_b;
		const char *name = kvmcpu_hv_flag_name(f);
		char reason[200], fix[120] = "";
		if (c->mode == GUEST_TABLES) {
			snprintf(reason, sizeof(reason),
				 "Hyper-V flag %s is %s for the guest on %s and %s on %s (%s)",
				 name, in_a ? "on" : "off", c->a_name, in_b ? "on" : "off",
				 c->b_name, where);
			if (lost)
				snprintf(fix, sizeof(fix),
					 "pin no_%s in the Hyper-V spec (hv=...+no_%s)", name,
					 name);
		} else {
			snprintf(reason, sizeof(reason), "%s supports it, %s does not (%s)",
				 in_a ? c->a_name : c->b_name, in_a ? c->b_name : c->a_name, where);
		}
		int r = kc_diff_add(c->l, KVMCPU_DIFF_HYPERV, c->mode == HOST_TABLES || lost, name,
				    yes_no(in_a), yes_no(in_b), reason, fix);
		if (r)
			return r;
	}
	if (!rest)
		return 0;
	char a[16], b[16];
	snprintf(a, sizeof(a), "0x%08x", va);
	snprintf(b, sizeof(b), "0x%08x", vb);
	return kc_diff_add(c->l, KVMCPU_DIFF_HYPERV, true, where, a, b,
			   "a Hyper-V leaf differs (limits, versions or the spinlock count)",
			   c->mode == GUEST_TABLES ? "pin the same Hyper-V spec on both hosts"
						   : "");
}

/* Guests: the Hyper-V flags each has, compared by name. */
static int diff_hv_flags(struct cmp *c, const struct kvmcpu_result *ra,
			 const struct kvmcpu_result *rb)
{
	uint32_t fa = kc_cluster_hv_flags(ra), fb = kc_cluster_hv_flags(rb);
	c->hv_flags_differ = fa ^ fb;
	for (size_t i = 0; i < kvmcpu_hv_flag_count() && i < 32; i++) {
		if (!(c->hv_flags_differ >> i & 1))
			continue;
		const char *name = kvmcpu_hv_flag_name(kvmcpu_hv_flag_at(i));
		bool in_a = fa >> i & 1, lost = in_a;
		char reason[200], fix[120] = "";
		snprintf(reason, sizeof(reason),
			 "Hyper-V flag %s is %s for the guest on %s and %s on %s", name,
			 in_a ? "on" : "off", c->a_name, in_a ? "off" : "on", c->b_name);
		if (lost)
			snprintf(fix, sizeof(fix), "pin no_%s in the Hyper-V spec (hv=...+no_%s)",
				 name, name);
		int r = kc_diff_add(c->l, KVMCPU_DIFF_HYPERV, lost, name, yes_no(in_a),
				    yes_no(!in_a), reason, fix);
		if (r)
			return r;
	}
	return 0;
}

static int diff_address(struct cmp *c, uint32_t va, uint32_t vb, const char *where)
{
	unsigned pa = va & 0xff, pb = vb & 0xff, la = (va >> 8) & 0xff, lb = (vb >> 8) & 0xff;
	char a[16], b[16], fix[160], reason[200];
	int r = 0;
	if (pa != pb) {
		snprintf(a, sizeof(a), "%u", pa);
		snprintf(b, sizeof(b), "%u", pb);
		snprintf(reason, sizeof(reason),
			 "the guest's physical address width changes from %u to %u bits: memory it "
			 "placed above 2^%u would be out of reach",
			 pa, pb, pa < pb ? pa : pb);
		snprintf(fix, sizeof(fix),
			 "give the guest phys-bits=%u on both hosts (the config's "
			 "phys-bits=, QEMU's -cpu ...,phys-bits=)",
			 pa < pb ? pa : pb);
		r = kc_diff_add(c->l, KVMCPU_DIFF_ADDRESS, true, "phys-bits", a, b, reason, fix);
	}
	if (!r && la != lb) {
		snprintf(a, sizeof(a), "%u", la);
		snprintf(b, sizeof(b), "%u", lb);
		r = kc_diff_add(c->l, KVMCPU_DIFF_ADDRESS, true, "virtual address bits", a, b,
				"the linear address width differs (LA57 or 48-bit paging)",
				"keep such hosts in separate migration domains");
	}
	if (!r && (va & ~0xffffu) != (vb & ~0xffffu)) {
		snprintf(a, sizeof(a), "0x%08x", va);
		snprintf(b, sizeof(b), "0x%08x", vb);
		r = kc_diff_add(c->l, KVMCPU_DIFF_ADDRESS, true, where, a, b,
				"the guest physical address size field differs", "");
	}
	return r;
}

static int diff_reg(struct cmp *c, uint32_t fn, uint32_t idx, enum kvmcpu_reg reg, uint32_t va,
		    uint32_t vb)
{
	if (va == vb)
		return 0;
	static const char *const regs[] = { "EAX", "EBX", "ECX", "EDX" };
	char where[40];
	snprintf(where, sizeof(where), "0x%08x.%u.%s", fn, idx, regs[reg]);
	int w = kc_word_find_cpuid(fn, idx, reg);
	/* KVM's timing leaf holds the TSC rate: the tsc-khz check reports it, with its fix. */
	if (!c->hv_range && fn == 0x40000010 && reg == KVMCPU_EAX)
		return 0;
	if (is_hv_leaf(fn) && (c->hv_range || w < 0 || (fn >= 0x40000003 && fn <= 0x4000000a)))
		return diff_hv_reg(c, fn, reg, va, vb, where);
	if (w >= 0)
		return diff_feature_word(c, (unsigned)w, va, vb, where);
	if (fn == 0x80000008 && reg == KVMCPU_EAX)
		return diff_address(c, va, vb, where);
	char a[16], b[16];
	snprintf(a, sizeof(a), "0x%08x", va);
	snprintf(b, sizeof(b), "0x%08x", vb);
	const char *machine = c->mode == GUEST_TABLES ? kc_cluster_machine_field(fn, reg) : NULL;
	if (machine)
		return kc_diff_add(
			c->l, KVMCPU_DIFF_CPUID, false, where, a, b, machine,
			"guests read it at boot; pin it in the VMM if they must not see a change");
	return kc_diff_add(c->l, KVMCPU_DIFF_CPUID, true, where, a, b,
			   c->mode == GUEST_TABLES ? "the guest sees another value"
						   : "the recordings differ",
			   "");
}

static int key_cmp(const struct kvmcpu_cpuid_entry *a, const struct kvmcpu_cpuid_entry *b)
{
	if (a->function != b->function)
		return a->function < b->function ? -1 : 1;
	return a->index < b->index ? -1 : a->index > b->index;
}

/* Walks two tables sorted by (function, index); an absent entry reads as zeros. */
static int diff_tables(struct cmp *c, const struct kvmcpu_cpuid_entry *ta, size_t na,
		       const struct kvmcpu_cpuid_entry *tb, size_t nb)
{
	static const struct kvmcpu_cpuid_entry zero;
	size_t i = 0, j = 0;
	while (i < na || j < nb) {
		int k = i == na ? 1 : j == nb ? -1 : key_cmp(&ta[i], &tb[j]);
		const struct kvmcpu_cpuid_entry *ea = k <= 0 ? &ta[i] : &zero;
		const struct kvmcpu_cpuid_entry *eb = k >= 0 ? &tb[j] : &zero;
		const struct kvmcpu_cpuid_entry *key = k <= 0 ? ea : eb;
		const uint32_t va[4] = { ea->eax, ea->ebx, ea->ecx, ea->edx };
		const uint32_t vb[4] = { eb->eax, eb->ebx, eb->ecx, eb->edx };
		for (int reg = 0; reg < 4; reg++) {
			int r = diff_reg(c, key->function, key->index, (enum kvmcpu_reg)reg,
					 va[reg], vb[reg]);
			if (r)
				return r;
		}
		i += k <= 0;
		j += k >= 0;
	}
	return 0;
}

/* ---- migration ---- */

/*
 * Every vCPU's complete table (APIC and topology IDs differ between vCPUs, not
 * between hosts); a difference every vCPU shares is reported once.
 */
static int diff_vcpu_tables(struct cmp *c, const struct kvmcpu_result *ra,
			    const struct kvmcpu_result *rb, struct kvmcpu_error *err)
{
	size_t na, nb;
	kvmcpu_result_cpuid(ra, &na);
	kvmcpu_result_cpuid(rb, &nb);
	unsigned n = kvmcpu_result_vcpu_count(ra);
	struct kvmcpu_cpuid_entry *ta = calloc(na ? na : 1, sizeof(*ta));
	struct kvmcpu_cpuid_entry *tb = calloc(nb ? nb : 1, sizeof(*tb));
	int r = ta && tb ? 0 : -ENOMEM;
	for (unsigned v = 0; v < n && !r; v++) {
		size_t ca, cb;
		r = kvmcpu_result_cpuid_vcpu(ra, v, ta, na, &ca, err);
		if (!r)
			r = kvmcpu_result_cpuid_vcpu(rb, v, tb, nb, &cb, err);
		struct kvmcpu_diff_list found = { 0 };
		struct cmp one = *c;
		one.l = &found;
		if (!r)
			r = diff_tables(&one, ta, ca, tb, cb);
		for (size_t i = 0; i < found.n && !r; i++) {
			const struct kvmcpu_diff *d = &found.items[i];
			bool seen = false;
			for (size_t j = 0; j < c->l->n && !seen; j++) {
				const struct kvmcpu_diff *e = &c->l->items[j];
				seen = e->kind == d->kind && !strcmp(e->subject, d->subject) &&
				       !strcmp(e->a, d->a) && !strcmp(e->b, d->b);
			}
			if (!seen)
				r = kc_diff_add(c->l, d->kind, d->blocking, d->subject, d->a, d->b,
						d->reason, d->fix);
		}
		kc_diff_clear(&found);
	}
	free(ta);
	free(tb);
	return r;
}

static const struct kvmcpu_msr *find_msr(const struct kvmcpu_result *r, uint32_t index)
{
	for (size_t i = 0; i < kvmcpu_result_msr_count(r); i++)
		if (kvmcpu_result_msr_at(r, i)->index == index)
			return kvmcpu_result_msr_at(r, i);
	return NULL;
}

static int diff_msr_values(struct cmp *c, uint32_t index, const char *name, bool has_a, uint64_t va,
			   bool has_b, uint64_t vb)
{
	int w = kc_word_find_msr(index);
	if (w >= 0 && has_a && has_b) {
		char where[64];
		snprintf(where, sizeof(where), "MSR 0x%x %s", index, name ? name : "");
		return diff_feature_word(c, (unsigned)w, kc_msr_word_from_value((unsigned)w, va),
					 kc_msr_word_from_value((unsigned)w, vb), where);
	}
	char a[24] = "", b[24] = "";
	if (has_a)
		snprintf(a, sizeof(a), "0x%016" PRIx64, va);
	if (has_b)
		snprintf(b, sizeof(b), "0x%016" PRIx64, vb);
	return kc_diff_addf(c->l, KVMCPU_DIFF_MSR, true, a, b,
			    c->mode == GUEST_TABLES ? "the VMM sets another value (KVM_SET_MSRS)"
						    : "the feature MSR differs",
			    "", "MSR 0x%08x%s%s", index, name ? " " : "", name ? name : "");
}

static int diff_msr_plans(struct cmp *c, const struct kvmcpu_result *ra,
			  const struct kvmcpu_result *rb)
{
	/* A zero on one side and nothing on the other set the same (no) bits. */
	for (size_t i = 0; i < kvmcpu_result_msr_count(ra); i++) {
		const struct kvmcpu_msr *ma = kvmcpu_result_msr_at(ra, i),
					*mb = find_msr(rb, ma->index);
		if (mb ? mb->value == ma->value : !ma->value)
			continue;
		int r = diff_msr_values(c, ma->index, ma->name, true, ma->value, mb != NULL,
					mb ? mb->value : 0);
		if (r)
			return r;
	}
	for (size_t i = 0; i < kvmcpu_result_msr_count(rb); i++) {
		const struct kvmcpu_msr *mb = kvmcpu_result_msr_at(rb, i);
		if (find_msr(ra, mb->index) || !mb->value)
			continue;
		int r = diff_msr_values(c, mb->index, mb->name, false, 0, true, mb->value);
		if (r)
			return r;
	}
	return 0;
}

static const struct kvmcpu_cap *find_cap(const struct kvmcpu_result *r, uint32_t cap)
{
	for (size_t i = 0; i < kvmcpu_result_cap_count(r); i++)
		if (kvmcpu_result_cap_at(r, i)->cap == cap)
			return kvmcpu_result_cap_at(r, i);
	return NULL;
}

static int diff_cap_plans(struct cmp *c, const struct kvmcpu_result *ra,
			  const struct kvmcpu_result *rb)
{
	for (int pass = 0; pass < 2; pass++) {
		const struct kvmcpu_result *x = pass ? rb : ra, *y = pass ? ra : rb;
		for (size_t i = 0; i < kvmcpu_result_cap_count(x); i++) {
			const struct kvmcpu_cap *cx = kvmcpu_result_cap_at(x, i),
						*cy = find_cap(y, cx->cap);
			if (cy && (pass || !memcmp(cx->args, cy->args, sizeof(cx->args))))
				continue;
			const char *on_x = "enabled",
				   *on_y = cy ? "other arguments" : "not enabled";
			int r = kc_diff_add(
				c->l, KVMCPU_DIFF_CAP, true, cx->name, pass ? on_y : on_x,
				pass ? on_x : on_y,
				"the vCPU capability plan differs (KVM_ENABLE_CAP)",
				"pin the Hyper-V spec so that both hosts enable the same");
			if (r)
				return r;
		}
	}
	return 0;
}

/* The guest's 0x40000001 says "Hv#1": the Hyper-V interface, not KVM's leaves. */
static bool has_hv_interface(const struct kvmcpu_result *r)
{
	const struct kvmcpu_cpuid_entry *e = kvmcpu_result_cpuid_find(r, 0x40000001, 0);
	return e && e->eax == 0x31237648;
}

static bool guest_has_hv_flag(const struct kvmcpu_result *r, const char *name)
{
	const struct kvmcpu_hv_flag *f = kvmcpu_hv_flag_find(name);
	const struct kvmcpu_cpuid_entry *e = kvmcpu_result_cpuid_find(r, 0x40000003, 0);
	uint32_t bits = kvmcpu_hv_flag_bits(f, 0x40000003, KVMCPU_EAX);
	if (!e || !bits)
		return false;
	/* The Hyper-V leaves are there only when 0x40000000 says "Microsoft Hv"-style. */
	return (e->eax & bits) == bits && has_hv_interface(r);
}

/*
 * A guest that trusts an invariant TSC, or reads the TSC frequency from the
 * Hyper-V MSRs, computes time from the rate it saw at boot. On a target of
 * another rate that cannot scale the guest's TSC (KVM_CAP_TSC_CONTROL), its
 * clock runs fast or slow.
 */
static int diff_timekeeping(struct cmp *c, const struct kvmcpu_result *ra,
			    const struct kvmcpu_host *from, const struct kvmcpu_host *to)
{
	const struct kvmcpu_feature_info *fi = kvmcpu_feature_find("invtsc");
	bool has_invtsc = fi && (kvmcpu_result_word(ra, fi->word) & fi->mask);
	bool has_freq = guest_has_hv_flag(ra, "frequencies");
	if (!has_invtsc && !has_freq)
		return 0;
	const char *what = has_invtsc && has_freq ? "invtsc and the Hyper-V frequency MSRs"
			   : has_invtsc		  ? "invtsc"
						  : "the Hyper-V frequency MSRs";
	const char *fix =
		has_invtsc
			? "add +no_invtsc to the CPU spec (and no_frequencies to the Hyper-V spec), or pin the TSC frequency on hosts that can scale"
			: "pin no_frequencies in the Hyper-V spec, or pin the TSC frequency on hosts that can scale";
	uint32_t ka = kvmcpu_host_tsc_khz(from), kb = kvmcpu_host_tsc_khz(to);
	char a[24], b[24], reason[320];
	if (!ka || !kb) {
		snprintf(
			reason, sizeof(reason),
			"the guest sees %s, and the TSC frequency of %s is not recorded: record it "
			"again with this kvmcpu to check",
			what, !ka ? c->a_name : c->b_name);
		return kc_diff_add(c->l, KVMCPU_DIFF_TIME, false, "tsc-khz", ka ? "" : "unknown",
				   kb ? "" : "unknown", reason, "");
	}
	uint64_t delta = ka > kb ? ka - kb : kb - ka;
	if (delta * 1000000ull <= (uint64_t)ka * TSC_TOLERANCE_PPM)
		return 0;
	snprintf(a, sizeof(a), "%" PRIu32, ka);
	snprintf(b, sizeof(b), "%" PRIu32, kb);
	int64_t scale = 0;
	bool can_scale = kvmcpu_host_cap(to, "KVM_CAP_TSC_CONTROL", &scale) == 1 && scale > 0;
	if (can_scale) {
		snprintf(reason, sizeof(reason),
			 "the guest sees %s; the TSC rates differ but %s can scale the guest's TSC",
			 what, c->b_name);
		return kc_diff_add(
			c->l, KVMCPU_DIFF_TIME, false, "tsc-khz", a, b, reason,
			"the VMM must set the source's rate with KVM_SET_TSC_KHZ on the target");
	}
	snprintf(reason, sizeof(reason),
		 "the guest sees %s, the TSC runs at another rate on %s, and that host cannot "
		 "scale the guest's TSC (KVM_CAP_TSC_CONTROL): the guest's clock would drift",
		 what, c->b_name);
	return kc_diff_add(c->l, KVMCPU_DIFF_TIME, true, "tsc-khz", a, b, reason, fix);
}

int kvmcpu_migration_check(const struct kvmcpu_config *cfg, const struct kvmcpu_host *from,
			   const struct kvmcpu_host *to, struct kvmcpu_diff_list **out,
			   struct kvmcpu_error *err)
{
	if (!cfg || !from || !to || !out)
		return kc_fail(err, -EINVAL, NULL,
			       "kvmcpu_migration_check needs a config, two hosts and *out");
	struct kvmcpu_result *ra = NULL, *rb = NULL;
	int r = kvmcpu_resolve(cfg, from, &ra, err);
	if (r)
		return r;
	struct kvmcpu_diff_list *l = calloc(1, sizeof(*l));
	if (!l) {
		kvmcpu_result_free(ra);
		return kc_fail(err, -ENOMEM, NULL, "out of memory");
	}
	struct cmp c = { l, GUEST_TABLES, kvmcpu_host_origin(from), kvmcpu_host_origin(to), false };
	struct kvmcpu_error rerr;
	kvmcpu_error_clear(&rerr);
	if (kvmcpu_resolve(cfg, to, &rb, &rerr)) {
		r = kc_diff_add(l, KVMCPU_DIFF_ERROR, true, cfg->cpu, "", "", rerr.message,
				rerr.hint);
	} else {
		c.hv_range = has_hv_interface(ra) || has_hv_interface(rb);
		r = diff_hv_flags(&c, ra, rb);
		if (!r)
			r = diff_vcpu_tables(&c, ra, rb, err);
		if (!r)
			r = diff_msr_plans(&c, ra, rb);
		if (!r)
			r = diff_cap_plans(&c, ra, rb);
		if (!r)
			r = diff_timekeeping(&c, ra, from, to);
	}
	kvmcpu_result_free(ra);
	kvmcpu_result_free(rb);
	if (r) {
		kvmcpu_diff_list_free(l);
		return kc_fail(err, -ENOMEM, NULL, "out of memory");
	}
	*out = l;
	return 0;
}

/* ---- two recordings ---- */

static int diff_caps(struct cmp *c, const struct kvmcpu_host *a, const struct kvmcpu_host *b)
{
	for (int pass = 0; pass < 2; pass++) {
		const struct kvmcpu_host *x = pass ? b : a, *y = pass ? a : b;
		for (size_t i = 0; i < kvmcpu_host_cap_count(x); i++) {
			int64_t vx, vy;
			const char *name = kvmcpu_host_cap_at(x, i, &vx);
			bool in_y = kvmcpu_host_cap(y, name, &vy) == 1;
			if ((in_y && vx == vy) || (in_y && pass))
				continue;
			char sx[24], sy[24] = "";
			snprintf(sx, sizeof(sx), "%" PRId64, vx);
			if (in_y)
				snprintf(sy, sizeof(sy), "%" PRId64, vy);
			int r = kc_diff_add(
				c->l, KVMCPU_DIFF_CAP, true, name, pass ? sy : sx, pass ? sx : sy,
				in_y ? "KVM_CHECK_EXTENSION differs" : "recorded on one host only",
				"");
			if (r)
				return r;
		}
	}
	return 0;
}

static int diff_msrs(struct cmp *c, const struct kvmcpu_host *a, const struct kvmcpu_host *b)
{
	for (int pass = 0; pass < 2; pass++) {
		const struct kvmcpu_host *x = pass ? b : a, *y = pass ? a : b;
		for (size_t i = 0; i < kvmcpu_host_msr_count(x); i++) {
			uint64_t vx, vy;
			uint32_t index = kvmcpu_host_msr_at(x, i, &vx);
			bool in_y = kvmcpu_host_msr(y, index, &vy) == 1;
			if ((in_y && vx == vy) || (in_y && pass))
				continue;
			int r = pass ? diff_msr_values(c, index, NULL, in_y, vy, true, vx)
				     : diff_msr_values(c, index, NULL, true, vx, in_y, vy);
			if (r)
				return r;
		}
	}
	return 0;
}

static int diff_info(struct cmp *c, const char *subject, const char *va, const char *vb)
{
	if (!strcmp(va, vb))
		return 0;
	return kc_diff_add(c->l, KVMCPU_DIFF_HOST, true, subject, va, vb, "the recordings differ",
			   "");
}

int kvmcpu_host_diff(const struct kvmcpu_host *a, const struct kvmcpu_host *b,
		     struct kvmcpu_diff_list **out, struct kvmcpu_error *err)
{
	if (!a || !b || !out)
		return kc_fail(err, -EINVAL, NULL, "kvmcpu_host_diff needs two hosts and *out");
	struct kvmcpu_diff_list *l = calloc(1, sizeof(*l));
	if (!l)
		return kc_fail(err, -ENOMEM, NULL, "out of memory");
	struct cmp c = { l, HOST_TABLES, kvmcpu_host_origin(a), kvmcpu_host_origin(b), false };
	int r = diff_tables(&c, a->cpuid, a->ncpuid, b->cpuid, b->ncpuid);
	c.hv_range = true;
	if (!r && a->hv_cpuid_known != b->hv_cpuid_known)
		r = kc_diff_add(l, KVMCPU_DIFF_HYPERV, true, "KVM_GET_SUPPORTED_HV_CPUID",
				a->hv_cpuid_known ? "recorded" : "not recorded",
				b->hv_cpuid_known ? "recorded" : "not recorded",
				"one host has no Hyper-V CPUID answer", "");
	if (!r)
		r = diff_tables(&c, a->hv, a->nhv, b->hv, b->nhv);
	if (!r)
		r = diff_caps(&c, a, b);
	if (!r)
		r = diff_msrs(&c, a, b);
	if (!r && a->tsc_khz != b->tsc_khz) {
		char sa[16] = "unknown", sb[16] = "unknown";
		if (a->tsc_khz)
			snprintf(sa, sizeof(sa), "%" PRIu32, a->tsc_khz);
		if (b->tsc_khz)
			snprintf(sb, sizeof(sb), "%" PRIu32, b->tsc_khz);
		r = kc_diff_add(l, KVMCPU_DIFF_TIME, true, "tsc-khz", sa, sb,
				"the TSC frequency of a new vCPU differs (KVM_GET_TSC_KHZ)", "");
	}
	if (!r)
		r = diff_info(&c, "vendor", kvmcpu_host_vendor(a), kvmcpu_host_vendor(b));
	if (!r)
		r = diff_info(&c, "kernel", a->kernel, b->kernel);
	if (!r)
		r = diff_info(&c, "module", a->module, b->module);
	if (r) {
		kvmcpu_diff_list_free(l);
		return kc_fail(err, -ENOMEM, NULL, "out of memory");
	}
	*out = l;
	return 0;
}
