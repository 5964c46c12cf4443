/* SPDX-License-Identifier: MIT */
/*
 * The probe's runs and the comparison: the requests the guest answers (every
 * table entry, the range sweeps, the MSRs), the calibration runs, and the
 * report built from the answers with the rules of probe/expect.c.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "probe/expect.h"
#include "probe/probe-priv.h"
#include "result/result-priv.h"
#include "util/util.h"

/* ---- the request list ---- */

struct reqlist {
	struct kc_probe_req *v;
	size_t n, cap;
};

static int req_add(struct reqlist *l, uint32_t kind, uint32_t a, uint32_t b)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].kind == kind && l->v[i].a == a && l->v[i].b == b)
			return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 128;
		struct kc_probe_req *v = realloc(l->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = (struct kc_probe_req){ .kind = kind, .a = a, .b = b };
	return 0;
}

/* The range sweep: gaps inside each range limit, the first leaf past it, the next subleaf. */
static int add_sweeps(struct reqlist *l, const struct kvmcpu_cpuid_entry *t, size_t n)
{
	static const uint32_t bases[] = { 0, 0x40000000, 0x80000000, 0xc0000000 };
	int rc = 0;
	for (size_t b = 0; !rc && b < KC_ARRAY_SIZE(bases); b++) {
		const struct kvmcpu_cpuid_entry *cls = kc_probe_find(t, n, bases[b], 0);
		if (!cls) {
			if (bases[b] == 0x40000000)
				rc = req_add(l, KC_REQ_CPUID, bases[b], 0);
			continue;
		}
		uint32_t last = cls->eax - bases[b] > 0xff ? bases[b] + 0xff : cls->eax;
		for (uint32_t leaf = bases[b]; !rc && leaf <= last; leaf++)
			if (!kc_probe_find(t, n, leaf, 0) && !kc_probe_find(t, n, leaf, 1))
				rc = req_add(l, KC_REQ_CPUID, leaf, 0);
		if (!rc)
			rc = req_add(l, KC_REQ_CPUID, last + 1, 0);
	}
	for (size_t i = 0; !rc && i < n; i++) {
		if (!(t[i].flags & KVMCPU_CPUID_FLAG_SIGNIFICANT_INDEX))
			continue;
		if (i + 1 < n && t[i + 1].function == t[i].function)
			continue;
		rc = req_add(l, KC_REQ_CPUID, t[i].function, t[i].index + 1);
	}
	return rc;
}

/*
 * MSRs a guest may read only when a CPUID bit says they exist; KVM checks
 * the guest CPUID on RDMSR.
 */
static const struct {
	uint32_t msr;
	uint32_t leaf, subleaf;
	enum kvmcpu_reg reg;
	uint32_t bit;
} msr_gates[] = {
	{ 0x10a, 0x7, 0, KVMCPU_EDX, 1u << 29 }, /* IA32_ARCH_CAPABILITIES (SDM Vol. 4 2-2) */
	{ 0xcf, 0x7, 0, KVMCPU_EDX, 1u << 30 }, /* IA32_CORE_CAPABILITIES */
	{ 0x345, 0x1, 0, KVMCPU_ECX, 1u << 15 }, /* IA32_PERF_CAPABILITIES (PDCM) */
};

/*
 * A planned MSR whose gating CPUID bit the table clears: the VMM writes it (as
 * QEMU writes ARCH_CAPABILITIES whether or not the guest has the feature), and
 * the guest, told it does not exist, cannot read it; nothing to compare.
 */
static bool hidden_by_table(const struct kvmcpu_result *r, uint32_t msr)
{
	for (size_t g = 0; g < KC_ARRAY_SIZE(msr_gates); g++) {
		if (msr_gates[g].msr != msr)
			continue;
		const struct kvmcpu_cpuid_entry *e = kvmcpu_result_cpuid_find(r, msr_gates[g].leaf,
									      msr_gates[g].subleaf);
		return !e || !((&e->eax)[msr_gates[g].reg] & msr_gates[g].bit);
	}
	return false;
}

static int build_requests(struct reqlist *l, const struct kvmcpu_result *r,
			  const struct kvmcpu_probe_opts *o)
{
	const struct kvmcpu_cpuid_entry *t = r->entries;
	size_t n = r->nentries;
	int rc = 0;
	for (size_t i = 0; !rc && i < n; i++)
		rc = req_add(l, KC_REQ_CPUID, t[i].function, t[i].index);
	if (!rc)
		rc = add_sweeps(l, t, n);
	for (size_t i = 0; !rc && o && i < o->nmsrs; i++)
		rc = req_add(l, KC_REQ_RDMSR, o->msrs[i], 0);
	for (size_t i = 0; !rc && i < r->nmsrs; i++)
		if (!hidden_by_table(r, r->msrs[i].index))
			rc = req_add(l, KC_REQ_RDMSR, r->msrs[i].index, 0);
	return rc;
}

/* ---- calibration ---- */

static const struct kvmcpu_probe_cal_reg *cal_find(const struct kvmcpu_probe_calibration *cal,
						   uint32_t leaf, uint32_t subleaf,
						   enum kvmcpu_reg reg)
{
	for (size_t i = 0; cal && i < cal->n; i++)
		if (cal->v[i].function == leaf && cal->v[i].index == subleaf &&
		    cal->v[i].reg == reg)
			return &cal->v[i];
	return NULL;
}

/* The table with every bit inverted that may be, for the calibration run. */
static struct kvmcpu_cpuid_entry *invert_table(const struct kvmcpu_cpuid_entry *t, size_t n)
{
	struct kvmcpu_cpuid_entry *inv = malloc((n ? n : 1) * sizeof(*inv));
	if (!inv)
		return NULL;
	memcpy(inv, t, n * sizeof(*inv));
	for (size_t i = 0; i < n; i++)
		for (int r = 0; r < 4; r++) {
			const struct kc_rule *rule = kc_probe_rule(t[i].function, t[i].index, r);
			uint32_t keep = kc_probe_not_invertible(t[i].function, t[i].index, r) |
					(rule ? rule->mask : 0);
			*kc_probe_reg_ptr(&inv[i], r) ^= ~keep;
		}
	return inv;
}

/* Seen values of the table entries in @reqs (in table order, as build_requests put them). */
static int cal_from_pair(const struct kvmcpu_cpuid_entry *a, const struct kc_probe_req *seen_a,
			 const struct kvmcpu_cpuid_entry *b, const struct kc_probe_req *seen_b,
			 size_t n, struct kvmcpu_probe_calibration **out)
{
	struct kvmcpu_probe_calibration *cal = calloc(1, sizeof(*cal));
	if (!cal)
		return -ENOMEM;
	cal->v = calloc(n * 4 + 1, sizeof(*cal->v));
	if (!cal->v) {
		free(cal);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		for (int r = 0; r < 4; r++) {
			uint32_t ta = kc_probe_reg(&a[i], r), tb = kc_probe_reg(&b[i], r);
			uint32_t sa = seen_a[i].out[r], sb = seen_b[i].out[r];
			struct kvmcpu_probe_cal_reg *c = &cal->v[cal->n++];
			c->function = a[i].function;
			c->index = a[i].index;
			c->reg = r;
			c->tested = ta ^ tb;
			/* A bit follows the table when the guest saw it as set in both runs. */
			c->unhonoured = c->tested & ((sa ^ ta) | (sb ^ tb));
		}
	*out = cal;
	return 0;
}

/* Runs @table and its inversion; the calibration says which bits did not follow. */
static int calibrate_table(const struct kvmcpu_result *plan, const struct kvmcpu_cpuid_entry *t,
			   size_t n, const struct kvmcpu_probe_opts *o,
			   struct kvmcpu_probe_calibration **out, struct kvmcpu_error *err)
{
	struct kc_probe_req *ra = calloc(n + 1, sizeof(*ra)), *rb = calloc(n + 1, sizeof(*rb));
	struct kvmcpu_cpuid_entry *inv = invert_table(t, n);
	int rc = ra && rb && inv ? 0 : kc_fail(err, -ENOMEM, NULL, "out of memory");
	for (size_t i = 0; !rc && i < n; i++) {
		ra[i] = (struct kc_probe_req){ .kind = KC_REQ_CPUID,
					       .a = t[i].function,
					       .b = t[i].index };
		rb[i] = ra[i];
	}
	struct kc_probe_once pa = { .dev_path = o ? o->dev_path : NULL,
				    .timeout_ms = o ? o->timeout_ms : 0,
				    .plan = plan,
				    .table = t,
				    .ntable = n,
				    .reqs = ra,
				    .nreqs = n };
	struct kc_probe_once pb = pa;
	pb.table = inv;
	pb.reqs = rb;
	if (!rc)
		rc = kc_probe_once(&pa, err);
	if (!rc)
		rc = kc_probe_once(&pb, err);
	if (!rc && cal_from_pair(t, ra, inv, rb, n, out))
		rc = kc_fail(err, -ENOMEM, NULL, "out of memory");
	free(ra);
	free(rb);
	free(inv);
	return rc;
}

/* @opts as this library can read it (NULL stays NULL); false when it cannot. */
static bool usable_opts(const struct kvmcpu_probe_opts *opts, const char *call,
			struct kvmcpu_error *err)
{
	/* Every field up to nmsrs is in the first version of the struct. */
	size_t min_sz = offsetof(struct kvmcpu_probe_opts, nmsrs) + sizeof(size_t);
	if (!opts || kc_opts_valid(opts, opts->sz, min_sz, sizeof(*opts)))
		return true;
	kc_fail(err, -EINVAL, "set .sz = sizeof(struct kvmcpu_probe_opts) (KVMCPU_PROBE_OPTS does)",
		"%s: options size %zu is below %zu, or fields this library does not know are set",
		call, opts->sz, min_sz);
	return false;
}

int kvmcpu_probe_calibrate(const struct kvmcpu_result *base, const struct kvmcpu_probe_opts *opts,
			   struct kvmcpu_probe_calibration **out, struct kvmcpu_error *err)
{
	kvmcpu_error_clear(err);
	if (!base || !out)
		return kc_fail(err, -EINVAL, NULL, "kvmcpu_probe_calibrate: result or out is NULL");
	*out = NULL;
	if (!usable_opts(opts, "kvmcpu_probe_calibrate", err))
		return -EINVAL;
	return calibrate_table(base, base->entries, base->nentries, opts, out, err);
}

/* ---- the report ---- */

/* Rules and calibration of the answering entry (@src_leaf) apply to redirected queries too. */
static void compare_reg(struct kvmcpu_probe_report *rep, const struct kc_probe_req *q,
			const uint32_t expect[4], bool in_table, uint32_t src_leaf, int r,
			const struct kvmcpu_probe_calibration *cal)
{
	struct kvmcpu_probe_row *row = &rep->rows[rep->nrows++];
	const struct kc_rule *rule = kc_probe_rule(src_leaf, q->b, r);
	const struct kvmcpu_probe_cal_reg *c = cal_find(cal, src_leaf, q->b, r);
	row->function = q->a;
	row->index = q->b;
	row->reg = r;
	row->in_table = in_table;
	row->configured = expect[r];
	row->seen = q->out[r];
	row->ignored = rule ? rule->mask : 0;
	row->rule = rule ? rule->name : "";
	row->tested = c ? c->tested & ~row->ignored : 0;
	row->unhonoured = c ? c->unhonoured & ~row->ignored : 0;
	uint32_t diff = (row->configured ^ row->seen) & ~row->ignored;
	row->forced = diff & row->unhonoured;
	row->mismatch = diff & ~row->unhonoured;
	rep->forced_bits += (unsigned)__builtin_popcount(row->forced);
	rep->mismatch_bits += (unsigned)__builtin_popcount(row->mismatch);
}

/* True when the MSR's gating CPUID bit is host-forced clear in this report. */
static bool gate_forced_clear(const struct kvmcpu_probe_report *rep, uint32_t msr)
{
	for (size_t g = 0; g < KC_ARRAY_SIZE(msr_gates); g++) {
		if (msr_gates[g].msr != msr)
			continue;
		for (size_t i = 0; i < rep->nrows; i++) {
			const struct kvmcpu_probe_row *row = &rep->rows[i];
			if (row->function == msr_gates[g].leaf &&
			    row->index == msr_gates[g].subleaf && row->reg == msr_gates[g].reg &&
			    row->in_table)
				return (row->unhonoured & msr_gates[g].bit) &&
				       !(row->seen & msr_gates[g].bit);
		}
	}
	return false;
}

/* A planned MSR must read back as planned: KVM_SET_MSRS put it there. */
static void compare_msr(struct kvmcpu_probe_report *rep, const struct kvmcpu_result *r,
			const struct kc_probe_req *q, uint64_t refused)
{
	struct kvmcpu_probe_msr *m = &rep->msrs[rep->nmsrs++];
	m->index = q->a;
	m->readable = q->status == KC_REQ_DONE;
	m->value = (uint64_t)q->out[1] << 32 | q->out[0];
	for (size_t i = 0; i < r->nmsrs; i++) {
		if (r->msrs[i].index != q->a)
			continue;
		m->planned = true;
		m->expected = r->msrs[i].per_vcpu_index ? 0 : r->msrs[i].value; /* vCPU 0 */
		m->refused = i < 64 && (refused >> i & 1);
	}
	if (!m->planned)
		return;
	if (!m->readable && gate_forced_clear(rep, m->index))
		m->refused = true;
	unsigned bits = m->readable ? (unsigned)__builtin_popcountll(m->value ^ m->expected) : 1;
	/* The host refused the value: what the guest reads is the host's, not a table error. */
	if (m->refused)
		rep->forced_bits += bits;
	else
		rep->mismatch_bits += bits;
}

static int make_report(const struct kvmcpu_result *r, const struct reqlist *l,
		       const struct kvmcpu_probe_calibration *cal, uint64_t refused,
		       struct kvmcpu_probe_report **out)
{
	const struct kvmcpu_cpuid_entry *t = r->entries;
	size_t n = r->nentries;
	struct kvmcpu_probe_report *rep = calloc(1, sizeof(*rep));
	if (!rep)
		return -ENOMEM;
	rep->rows = calloc(l->n * 4 + 1, sizeof(*rep->rows));
	rep->msrs = calloc(l->n + 1, sizeof(*rep->msrs));
	if (!rep->rows || !rep->msrs) {
		kvmcpu_probe_report_free(rep);
		return -ENOMEM;
	}
	rep->calibrated = cal != NULL;
	for (size_t i = 0; i < l->n; i++) {
		const struct kc_probe_req *q = &l->v[i];
		if (q->kind == KC_REQ_RDMSR) {
			compare_msr(rep, r, q, refused);
			continue;
		}
		uint32_t expect[4], src_leaf;
		bool in_table = kc_probe_expected(t, n, q->a, q->b, expect, &src_leaf);
		rep->ncpuid++;
		for (int reg = 0; reg < 4; reg++)
			compare_reg(rep, q, expect, in_table, src_leaf, reg, cal);
	}
	*out = rep;
	return 0;
}

int kc_probe_run_applied(const struct kvmcpu_result *r, const struct kvmcpu_cpuid_entry *applied,
			 size_t napplied, const struct kvmcpu_probe_opts *o,
			 struct kvmcpu_probe_report **out, struct kvmcpu_error *err)
{
	kvmcpu_error_clear(err);
	if (!r || !out)
		return kc_fail(err, -EINVAL, NULL, "kvmcpu_probe_run: result or out is NULL");
	*out = NULL;
	if (!usable_opts(o, "kvmcpu_probe_run", err))
		return -EINVAL;
	struct reqlist l = { 0 };
	if (build_requests(&l, r, o)) {
		free(l.v);
		return kc_fail(err, -ENOMEM, NULL, "out of memory");
	}
	struct kc_probe_once p = { .dev_path = o ? o->dev_path : NULL,
				   .timeout_ms = o ? o->timeout_ms : 0,
				   .plan = r,
				   .table = applied,
				   .ntable = napplied,
				   .reqs = l.v,
				   .nreqs = l.n };
	int rc = kc_probe_once(&p, err);
	struct kvmcpu_probe_calibration *own = NULL;
	const struct kvmcpu_probe_calibration *cal = o ? o->calibration : NULL;
	if (!rc && !cal && o && o->calibrate) {
		rc = calibrate_table(r, applied, napplied, o, &own, err);
		cal = own;
	}
	if (!rc && make_report(r, &l, cal, p.refused_msrs, out))
		rc = kc_fail(err, -ENOMEM, NULL, "out of memory");
	if (!rc && own)
		(*out)->ncpuid += (unsigned)(2 * napplied);
	kvmcpu_probe_calibration_free(own);
	free(l.v);
	return rc;
}

int kvmcpu_probe_run(const struct kvmcpu_result *r, const struct kvmcpu_probe_opts *opts,
		     struct kvmcpu_probe_report **out, struct kvmcpu_error *err)
{
	if (!r) {
		kvmcpu_error_clear(err);
		return kc_fail(err, -EINVAL, NULL, "kvmcpu_probe_run: result is NULL");
	}
	return kc_probe_run_applied(r, r->entries, r->nentries, opts, out, err);
}
