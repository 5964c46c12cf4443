/* SPDX-License-Identifier: MIT */
/*
 * What the probe asks, what the guest should see, and the comparison.
 *
 * Expected values follow KVM's CPUID lookup (arch/x86/kvm/cpuid.c behaviour,
 * which implements the SDM Vol. 2A CPUID rules for a vCPU):
 *  - an entry matches (leaf, subleaf) when its leaf matches and either it is
 *    not keyed by subleaf (no KVM_CPUID_FLAG_SIGNIFCANT_INDEX) or the subleaf
 *    matches;
 *  - a leaf inside its range's limit without an entry reads as zero;
 *  - for Intel-compatible vendors (KVM's guest_cpuid_is_intel_compatible: every
 *    vendor but AuthenticAMD and HygonGenuine), a leaf above its range's limit
 *    reads as the highest basic leaf (SDM
 *    Vol. 2A CPUID: "If a value entered for CPUID.EAX is higher than the
 *    maximum input value ... the data for the highest basic information leaf
 *    is returned"); for other vendors it reads as zero (APM Vol. 3 CPUID);
 *  - an absent subleaf of leaf 0xB or 0x1F still reports the subleaf number in
 *    ECX[7:0] and the x2APIC ID in EDX when subleaf 1 exists (SDM Vol. 2A
 *    CPUID leaf 0BH: "If ECX contains an invalid level number, EAX=EBX=0 and
 *    ECX[7:0] echoes the input").
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "probe/probe-priv.h"
#include "result/result-priv.h"
#include "util/util.h"

#define ANY_SUBLEAF UINT32_MAX

/*
 * Registers KVM (or the CPU) changes at run time by design. Each rule says
 * why; the bits are left out of the comparison and of calibration.
 */
struct kc_rule {
	uint32_t leaf;
	uint32_t subleaf;
	enum kvmcpu_reg reg;
	uint32_t mask;
	const char *name;
	const char *reason;
};

static const struct kc_rule rules[] = {
	{ 0x1, ANY_SUBLEAF, KVMCPU_EBX, 0xff000000u, "apic-id",
	  "initial APIC ID of the executing vCPU; a VMM writes each vCPU's own "
	  "(SDM Vol. 2A CPUID.01H:EBX[31:24])" },
	{ 0x1, ANY_SUBLEAF, KVMCPU_ECX, 1u << 27, "osxsave",
	  "OSXSAVE mirrors CR4.OSXSAVE, which the probe guest leaves clear; KVM "
	  "updates it at run time (SDM Vol. 2A CPUID.01H:ECX[27])" },
	{ 0x1, ANY_SUBLEAF, KVMCPU_EDX, 1u << 9, "apic",
	  "APIC mirrors IA32_APIC_BASE.EN, updated by KVM at run time "
	  "(SDM Vol. 3A 11.4.3)" },
	{ 0x7, 0, KVMCPU_ECX, 1u << 4, "ospke",
	  "OSPKE mirrors CR4.PKE, which the probe guest leaves clear "
	  "(SDM Vol. 2A CPUID.07H:ECX[4])" },
	{ 0xd, 0, KVMCPU_EBX, 0xffffffffu, "xsave-size",
	  "XSAVE area size for the features currently enabled in XCR0, which the "
	  "guest sets at run time (SDM Vol. 2A CPUID.(EAX=0DH,ECX=0):EBX)" },
	{ 0xd, 1, KVMCPU_EBX, 0xffffffffu, "xsaves-size",
	  "XSAVE area size for XCR0 | IA32_XSS as currently set "
	  "(SDM Vol. 2A CPUID.(EAX=0DH,ECX=1):EBX)" },
	{ 0xb, ANY_SUBLEAF, KVMCPU_EDX, 0xffffffffu, "x2apic-id",
	  "x2APIC ID of the executing vCPU (SDM Vol. 2A CPUID.0BH:EDX)" },
	{ 0x1f, ANY_SUBLEAF, KVMCPU_EDX, 0xffffffffu, "x2apic-id",
	  "x2APIC ID of the executing vCPU (SDM Vol. 2A CPUID.1FH:EDX)" },
	{ 0x8000001e, ANY_SUBLEAF, KVMCPU_EAX, 0xffffffffu, "ext-apic-id",
	  "extended APIC ID of the executing vCPU (APM Vol. 3, CPUID Fn8000_001E_EAX)" },
};

static const struct kc_rule *rule_for(uint32_t leaf, uint32_t subleaf, enum kvmcpu_reg reg)
{
	for (size_t i = 0; i < KC_ARRAY_SIZE(rules); i++)
		if (rules[i].leaf == leaf && rules[i].reg == reg &&
		    (rules[i].subleaf == ANY_SUBLEAF || rules[i].subleaf == subleaf))
			return &rules[i];
	return NULL;
}

/*
 * Bits calibration must not invert, because KVM_SET_CPUID2 validates them or
 * the vCPU depends on them to run the probe at all.
 */
static uint32_t not_invertible(uint32_t leaf, uint32_t subleaf, enum kvmcpu_reg reg)
{
	if (leaf >= 0x40000000 && leaf <= 0x4fffffff)
		return 0xffffffffu; /* hypervisor signature and Hyper-V plan (vCPU caps depend on it) */
	if ((leaf == 0 || leaf == 0x80000000 || leaf == 0xc0000000) && reg == KVMCPU_EAX)
		return 0xffffffffu; /* range limits: they decide which leaves exist */
	if (leaf == 0x80000008 && reg == KVMCPU_EAX)
		return 0xffffffffu; /* MAXPHYADDR, checked by KVM_SET_CPUID2 */
	/*
	 * XTILEDATA (XCR0 bit 18) is a dynamic XSAVE feature: KVM_SET_CPUID2
	 * refuses it unless the process asked for it with
	 * arch_prctl(ARCH_REQ_XCOMP_GUEST_PERM) (KVM API doc, KVM_SET_CPUID2).
	 */
	if (leaf == 0xd && subleaf == 0 && reg == KVMCPU_EAX)
		return 1u << 18;
	return 0;
}

static uint32_t reg_of(const struct kvmcpu_cpuid_entry *e, int reg)
{
	const uint32_t v[4] = { e->eax, e->ebx, e->ecx, e->edx };
	return v[reg];
}

static uint32_t *reg_ptr(struct kvmcpu_cpuid_entry *e, int reg)
{
	uint32_t *v[4] = { &e->eax, &e->ebx, &e->ecx, &e->edx };
	return v[reg];
}

static const struct kvmcpu_cpuid_entry *find(const struct kvmcpu_cpuid_entry *t, size_t n,
					     uint32_t leaf, uint32_t subleaf)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].function == leaf &&
		    (!(t[i].flags & KVMCPU_CPUID_FLAG_SIGNIFICANT_INDEX) || t[i].index == subleaf))
			return &t[i];
	return NULL;
}

static bool intel_compatible(const struct kvmcpu_cpuid_entry *t, size_t n)
{
	const struct kvmcpu_cpuid_entry *e = find(t, n, 0, 0);
	if (!e)
		return false;
	char v[13];
	kc_vendor_from_regs(e->ebx, e->ecx, e->edx, v);
	return kc_vendor_is_intel_compatible(v);
}

static uint32_t range_base(uint32_t leaf)
{
	if (leaf >= 0x40000000 && leaf <= 0x4fffffff)
		return leaf & 0xffffff00u;
	if (leaf >= 0xc0000000)
		return 0xc0000000;
	return leaf & 0x80000000u;
}

/*
 * What a guest should read for (leaf, subleaf) given table @t (rules in the
 * file comment). *src_leaf gets the leaf whose entry answers (the highest
 * basic leaf when the query is redirected there).
 */
static bool expected_regs(const struct kvmcpu_cpuid_entry *t, size_t n, uint32_t leaf,
			  uint32_t subleaf, uint32_t out[4], uint32_t *src_leaf)
{
	const struct kvmcpu_cpuid_entry *e = find(t, n, leaf, subleaf);
	bool in_table = e != NULL;
	if (!e && intel_compatible(t, n)) {
		const struct kvmcpu_cpuid_entry *cls = find(t, n, range_base(leaf), 0);
		const struct kvmcpu_cpuid_entry *basic = find(t, n, 0, 0);
		if (basic && !(cls && leaf <= cls->eax)) {
			leaf = basic->eax;
			e = find(t, n, leaf, subleaf);
		}
	}
	*src_leaf = leaf;
	memset(out, 0, 4 * sizeof(uint32_t));
	if (e) {
		for (int r = 0; r < 4; r++)
			out[r] = reg_of(e, r);
		return in_table;
	}
	const struct kvmcpu_cpuid_entry *one = NULL;
	if (leaf == 0xb || leaf == 0x1f)
		one = find(t, n, leaf, 1);
	if (one) {
		out[KVMCPU_ECX] = subleaf & 0xff;
		out[KVMCPU_EDX] = one->edx;
	}
	return in_table;
}

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
		const struct kvmcpu_cpuid_entry *cls = find(t, n, bases[b], 0);
		if (!cls) {
			if (bases[b] == 0x40000000)
				rc = req_add(l, KC_REQ_CPUID, bases[b], 0);
			continue;
		}
		uint32_t last = cls->eax - bases[b] > 0xff ? bases[b] + 0xff : cls->eax;
		for (uint32_t leaf = bases[b]; !rc && leaf <= last; leaf++)
			if (!find(t, n, leaf, 0) && !find(t, n, leaf, 1))
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
		rc = req_add(l, KC_REQ_RDMSR, r->msrs[i].index, 0);
	return rc;
}

/* ---- calibration ---- */

struct kvmcpu_probe_calibration {
	struct kvmcpu_probe_cal_reg *v;
	size_t n;
};

void kvmcpu_probe_calibration_free(struct kvmcpu_probe_calibration *cal)
{
	if (!cal)
		return;
	free(cal->v);
	free(cal);
}

static const struct kvmcpu_probe_cal_reg *cal_find(const struct kvmcpu_probe_calibration *cal,
					 uint32_t leaf, uint32_t subleaf, enum kvmcpu_reg reg)
{
	for (size_t i = 0; cal && i < cal->n; i++)
		if (cal->v[i].function == leaf && cal->v[i].index == subleaf && cal->v[i].reg == reg)
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
			const struct kc_rule *rule = rule_for(t[i].function, t[i].index, r);
			uint32_t keep = not_invertible(t[i].function, t[i].index, r) |
					(rule ? rule->mask : 0);
			*reg_ptr(&inv[i], r) ^= ~keep;
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
			uint32_t ta = reg_of(&a[i], r), tb = reg_of(&b[i], r);
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
		ra[i] = (struct kc_probe_req){ .kind = KC_REQ_CPUID, .a = t[i].function,
					       .b = t[i].index };
		rb[i] = ra[i];
	}
	struct kc_probe_once pa = { .dev_path = o ? o->dev_path : NULL,
				    .timeout_ms = o ? o->timeout_ms : 0, .plan = plan,
				    .table = t, .ntable = n, .reqs = ra, .nreqs = n };
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
	size_t min_sz = offsetof(struct kvmcpu_probe_opts, nmsrs) + sizeof(opts->nmsrs);
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

size_t kvmcpu_probe_calibration_count(const struct kvmcpu_probe_calibration *cal)
{
	return cal ? cal->n : 0;
}

const struct kvmcpu_probe_cal_reg *
kvmcpu_probe_calibration_at(const struct kvmcpu_probe_calibration *cal, size_t i)
{
	return cal && i < cal->n ? &cal->v[i] : NULL;
}

/* ---- the report ---- */

struct kvmcpu_probe_report {
	struct kvmcpu_probe_row *rows;
	size_t nrows;
	struct kvmcpu_probe_msr *msrs;
	size_t nmsrs;
	unsigned mismatch_bits, forced_bits, ncpuid;
	bool calibrated;
};

void kvmcpu_probe_report_free(struct kvmcpu_probe_report *rep)
{
	if (!rep)
		return;
	free(rep->rows);
	free(rep->msrs);
	free(rep);
}

/* Rules and calibration of the answering entry (@src_leaf) apply to redirected queries too. */
static void compare_reg(struct kvmcpu_probe_report *rep, const struct kc_probe_req *q,
			const uint32_t expect[4], bool in_table, uint32_t src_leaf, int r,
			const struct kvmcpu_probe_calibration *cal)
{
	struct kvmcpu_probe_row *row = &rep->rows[rep->nrows++];
	const struct kc_rule *rule = rule_for(src_leaf, q->b, r);
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
	{ 0xcf, 0x7, 0, KVMCPU_EDX, 1u << 30 },  /* IA32_CORE_CAPABILITIES */
	{ 0x345, 0x1, 0, KVMCPU_ECX, 1u << 15 }, /* IA32_PERF_CAPABILITIES (PDCM) */
};

/* True when the MSR's gating CPUID bit is host-forced clear in this report. */
static bool gate_forced_clear(const struct kvmcpu_probe_report *rep, uint32_t msr)
{
	for (size_t g = 0; g < KC_ARRAY_SIZE(msr_gates); g++) {
		if (msr_gates[g].msr != msr)
			continue;
		for (size_t i = 0; i < rep->nrows; i++) {
			const struct kvmcpu_probe_row *row = &rep->rows[i];
			if (row->function == msr_gates[g].leaf && row->index == msr_gates[g].subleaf &&
			    row->reg == msr_gates[g].reg && row->in_table)
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
		bool in_table = expected_regs(t, n, q->a, q->b, expect, &src_leaf);
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
				   .timeout_ms = o ? o->timeout_ms : 0, .plan = r,
				   .table = applied, .ntable = napplied, .reqs = l.v, .nreqs = l.n };
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

size_t kvmcpu_probe_row_count(const struct kvmcpu_probe_report *rep)
{
	return rep ? rep->nrows : 0;
}

const struct kvmcpu_probe_row *kvmcpu_probe_row_at(const struct kvmcpu_probe_report *rep, size_t i)
{
	return rep && i < rep->nrows ? &rep->rows[i] : NULL;
}

size_t kvmcpu_probe_msr_count(const struct kvmcpu_probe_report *rep)
{
	return rep ? rep->nmsrs : 0;
}

const struct kvmcpu_probe_msr *kvmcpu_probe_msr_at(const struct kvmcpu_probe_report *rep, size_t i)
{
	return rep && i < rep->nmsrs ? &rep->msrs[i] : NULL;
}

unsigned kvmcpu_probe_mismatch_bits(const struct kvmcpu_probe_report *rep)
{
	return rep ? rep->mismatch_bits : 0;
}

unsigned kvmcpu_probe_forced_bits(const struct kvmcpu_probe_report *rep)
{
	return rep ? rep->forced_bits : 0;
}

bool kvmcpu_probe_calibrated(const struct kvmcpu_probe_report *rep)
{
	return rep && rep->calibrated;
}

unsigned kvmcpu_probe_cpuid_count(const struct kvmcpu_probe_report *rep)
{
	return rep ? rep->ncpuid : 0;
}

bool kvmcpu_probe_passed(const struct kvmcpu_probe_report *rep, bool strict)
{
	return rep && !rep->mismatch_bits && (!strict || !rep->forced_bits);
}
