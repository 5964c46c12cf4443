/* SPDX-License-Identifier: MIT */
/*
 * kc_hv_resolve on the recorded Hyper-V hosts (tests/hosts/hv-*.txt): exact
 * leaf values for every preset x nested x host, drops and their reasons,
 * errors, the vCPU plan, QEMU's worked example and the original design's
 * examples. Expected values are written by hand from the TLFS bit positions.
 */
#include <errno.h>

#include "host/hv-legacy.h"
#include "hv/hv-priv.h"
#include "check.h"
#include "result/result-priv.h"

enum host_id { H_EVMCS = 0, H_NOEVMCS, H_AMD, H_NONE, H_V54, H_L419, NHOSTS };
static const char *const host_files[NHOSTS] = {
	"tests/hosts/hv-intel-evmcs.txt",
	"tests/hosts/hv-intel-noevmcs.txt",
	"tests/hosts/hv-amd.txt",
	"tests/hosts/hv-none-pvm.txt",
	"tests/hosts/hv-intel-5.4-vcpu.txt", /* vCPU ioctl only (5.0-5.10) */
	"tests/hosts/hv-intel-4.19-legacy.txt", /* no HV-CPUID ioctl (before 5.0) */
};
static const bool host_intel[NHOSTS] = { true, true, false, false, true, true };
static struct kvmcpu_host *hosts[NHOSTS];

/* Loads @rel under the source tree (KVMCPU_SRCDIR, set by meson test). */
static struct kvmcpu_host *load_host(const char *rel)
{
	const char *src = getenv("KVMCPU_SRCDIR");
	char path[1024];
	struct kvmcpu_error err = { 0 };
	struct kvmcpu_host *h = NULL;
	snprintf(path, sizeof(path), "%s/%s", src ? src : ".", rel);
	if (kvmcpu_host_load(path, &h, &err)) {
		fprintf(stderr, "cannot load %s: %s\n", path, err.message);
		exit(1);
	}
	return h;
}

/* A result as the resolver hands it over: KVM's leaves from the host at 0x40000000. */
static struct kvmcpu_result *base_result(const struct kvmcpu_host *h)
{
	struct kvmcpu_result *r = calloc(1, sizeof(*r));
	for (uint32_t l = 0x40000000; l <= 0x40000001; l++) {
		const struct kvmcpu_cpuid_entry *e = kvmcpu_host_cpuid_find(h, l, 0);
		if (e)
			kc_result_set(r, l, 0, 0, e->eax, e->ebx, e->ecx, e->edx);
	}
	return r;
}

/* Resolves; returns the result (NULL on failure, with *rc and err filled). */
static struct kvmcpu_result *run(const char *spec, bool nested, enum host_id hid, int *rc,
				 struct kvmcpu_error *err)
{
	struct kc_hv_spec *s = NULL;
	memset(err, 0, sizeof(*err));
	if (spec && (*rc = kc_hv_spec_parse(spec, &s, err)))
		return NULL;
	struct kvmcpu_result *r = base_result(hosts[hid]);
	*rc = kc_hv_resolve(s, nested, host_intel[hid], hosts[hid], r, err);
	kc_hv_spec_free(s);
	if (*rc) {
		kvmcpu_result_free(r);
		return NULL;
	}
	return r;
}

static const struct kvmcpu_cpuid_entry *leaf(const struct kvmcpu_result *r, uint32_t l)
{
	return kvmcpu_result_cpuid_find(r, l, 0);
}

static bool has_notice(const struct kvmcpu_result *r, enum kvmcpu_notice_kind kind,
		       const char *subject, const char *needle)
{
	for (size_t i = 0; i < kvmcpu_result_notice_count(r); i++) {
		const struct kvmcpu_notice *n = kvmcpu_result_notice_at(r, i);
		if (n->kind == kind && !strcmp(n->subject, subject) &&
		    (!needle || strstr(n->reason, needle)))
			return true;
	}
	return false;
}

static size_t count_notices(const struct kvmcpu_result *r, enum kvmcpu_notice_kind kind)
{
	size_t n = 0;
	for (size_t i = 0; i < kvmcpu_result_notice_count(r); i++)
		n += kvmcpu_result_notice_at(r, i)->kind == kind;
	return n;
}

/* Expected Hyper-V leaf values; max 0 means "no Hyper-V leaves". */
struct want {
	const char *spec; /* NULL: no hv= at all */
	bool nested;
	enum host_id host;
	uint32_t max, eax3, ebx3, edx3, eax4, ebx4, eaxA;
	const char *dropped; /* a flag that must be reported dropped, or NULL */
};

#define NEVER 0xFFFFFFFFu

static const struct want table[] = {
	/* default: 0x40000003 {0xA7F, 0, EDX 0x100}, 0x40000004 {0x200, never}, on every host
	 * with Hyper-V, nested or not. */
	{ "default", false, H_EVMCS, 0x40000005, 0xA7F, 0, 0x100, 0x200, NEVER, 0, NULL },
	{ "default", true, H_EVMCS, 0x40000005, 0xA7F, 0, 0x100, 0x200, NEVER, 0, NULL },
	{ "default", false, H_NOEVMCS, 0x40000005, 0xA7F, 0, 0x100, 0x200, NEVER, 0, NULL },
	{ "default", true, H_NOEVMCS, 0x40000005, 0xA7F, 0, 0x100, 0x200, NEVER, 0, NULL },
	{ "default", false, H_AMD, 0x40000005, 0xA7F, 0, 0x100, 0x200, NEVER, 0, NULL },
	{ "default", true, H_AMD, 0x40000005, 0xA7F, 0, 0x100, 0x200, NEVER, 0, NULL },
	/* windows without nested_virt: + relaxed, tlbflush, ipi, reset, stimer_direct. */
	{ "windows", false, H_EVMCS, 0x40000005, 0xAFF, 0, 0x80100, 0xE24, NEVER, 0, NULL },
	{ "windows", false, H_NOEVMCS, 0x40000005, 0xAFF, 0, 0x80100, 0xE24, NEVER, 0, NULL },
	{ "windows", false, H_AMD, 0x40000005, 0xAFF, 0, 0x80100, 0xE24, NEVER, 0, NULL },
	/* windows with nested_virt: + evmcs (4.EAX bit 14, A.EAX 0x0101) and reenlightenment
	 * (3.EAX bit 13); eVMCS dropped where the host has no recommendation or is AMD. */
	{ "windows", true, H_EVMCS, 0x4000000A, 0x2AFF, 0, 0x80100, 0x4E24, NEVER, 0x101, NULL },
	{ "windows", true, H_NOEVMCS, 0x40000005, 0x2AFF, 0, 0x80100, 0xE24, NEVER, 0, "evmcs" },
	{ "windows", true, H_AMD, 0x40000005, 0x2AFF, 0, 0x80100, 0xE24, NEVER, 0, "evmcs" },
	/* no hv= and nested_virt: the base is windows. */
	{ NULL, true, H_EVMCS, 0x4000000A, 0x2AFF, 0, 0x80100, 0x4E24, NEVER, 0x101, NULL },
	{ NULL, true, H_AMD, 0x40000005, 0x2AFF, 0, 0x80100, 0xE24, NEVER, 0, "evmcs" },
	/* passthrough: every supported flag but syndbg/enforce_cpuid; nested-only flags only
	 * with nested_virt. 3.EDX adds xmm_input (4), crash (10), tlbflush_ext (14); spinlocks
	 * take KVM's 0xFFF; 4.EAX bit 18 only where SMT is off (the AMD host). */
	{ "passthrough", false, H_EVMCS, 0x40000005, 0x2AFF, 0, 0x84510, 0xE24, 0xFFF, 0, NULL },
	{ "passthrough", true, H_EVMCS, 0x4000000A, 0x2AFF, 0, 0x84510, 0x4E24, 0xFFF, 0xA0101,
	  NULL },
	{ "passthrough", false, H_NOEVMCS, 0x40000005, 0x2AFF, 0, 0x84510, 0xE24, 0xFFF, 0, NULL },
	{ "passthrough", true, H_NOEVMCS, 0x4000000A, 0x2AFF, 0, 0x84510, 0xE24, 0xFFF, 0xA0000,
	  NULL },
	{ "passthrough", false, H_AMD, 0x40000005, 0x2AFF, 0, 0x84510, 0x40E24, 0xFFF, 0, NULL },
	{ "passthrough", true, H_AMD, 0x4000000A, 0x2AFF, 0, 0x84510, 0x40E24, 0xFFF, 0xA0000,
	  NULL },
	/* none: no leaves anywhere, including the host without Hyper-V. */
	{ "none", false, H_EVMCS, 0, 0, 0, 0, 0, 0, 0, NULL },
	{ "none", true, H_AMD, 0, 0, 0, 0, 0, 0, 0, NULL },
	{ "none", false, H_NONE, 0, 0, 0, 0, 0, 0, 0, NULL },
	{ NULL, false, H_EVMCS, 0, 0, 0, 0, 0, 0, 0, NULL },
	/* The original design's examples. */
	{ "windows+no_evmcs", true, H_EVMCS, 0x40000005, 0x2AFF, 0, 0x80100, 0xE24, NEVER, 0,
	  NULL },
	{ "windows+enforce_cpuid", false, H_EVMCS, 0x40000005, 0xAFF, 0, 0x80100, 0xE24, NEVER, 0,
	  NULL },
	{ "default+spinlocks=0x1fff", false, H_AMD, 0x40000005, 0xA7F, 0, 0x100, 0x200, 0x1FFF, 0,
	  NULL },
	/* Flags named on top of a preset. */
	{ "windows+crash+xmm_input", false, H_AMD, 0x40000005, 0xAFF, 0, 0x80510, 0xE24, NEVER, 0,
	  NULL },
	{ "windows+no_stimer", false, H_EVMCS, 0x40000005, 0xAF7, 0, 0x100, 0xE24, NEVER, 0, NULL },
	{ "none+relaxed", false, H_EVMCS, 0x40000005, 0x60, 0, 0, 0x20, NEVER, 0, NULL },
	{ "none+spinlocks=0x1fff", false, H_EVMCS, 0x40000005, 0x60, 0, 0, 0, 0x1FFF, 0, NULL },
	{ "default+emsr_bitmap+tlbflush_direct", true, H_AMD, 0x4000000A, 0xA7F, 0, 0x100, 0x200,
	  NEVER, 0xA0000, NULL },
	{ "none+syndbg", false, H_EVMCS, 0x40000082, 0x64, 0, 0x800, 0x20, NEVER, 0, NULL },
	/* vapic sets ApicAccessRecommended (4.EAX bit 3) only while avic is off (QEMU's
	 * hyperv_fill_cpuids: vapic && !avic). */
	{ "none+vapic", false, H_EVMCS, 0x40000005, 0x70, 0, 0, 0x8, NEVER, 0, NULL },
	{ "none+vapic+avic", false, H_EVMCS, 0x40000005, 0x70, 0, 0, 0x200, NEVER, 0, NULL },
	{ "default+no_avic", false, H_AMD, 0x40000005, 0xA7F, 0, 0x100, 0x8, NEVER, 0, NULL },
	{ "windows+no_avic", false, H_AMD, 0x40000005, 0xAFF, 0, 0x80100, 0xC2C, NEVER, 0, NULL },
	/* Linux 5.4, the vCPU ioctl's answer: no DeprecatingAutoEoi yet, so avic is dropped from
	 * the presets and vapic's hint (4.EAX bit 3) stays. eVMCS: the answer lacks bit 14
	 * before the enable; KVM_CAP_HYPERV_ENLIGHTENED_VMCS stands for it, as in QEMU. */
	{ "default", false, H_V54, 0x40000005, 0xA7F, 0, 0x100, 0x8, NEVER, 0, "avic" },
	{ "windows", false, H_V54, 0x40000005, 0xAFF, 0, 0x80100, 0xC2C, NEVER, 0, "avic" },
	{ "windows", true, H_V54, 0x4000000A, 0x2AFF, 0, 0x80100, 0x4C2C, NEVER, 0x101, "avic" },
	/* Linux 4.19, QEMU's legacy evidence: no avic, ipi (no KVM_CAP_HYPERV_SEND_IPI),
	 * stimer_direct or evmcs; the MSR list proves runtime, reset, frequencies, timers. */
	{ "default", false, H_L419, 0x40000005, 0xA7F, 0, 0x100, 0x8, NEVER, 0, "avic" },
	{ "windows", false, H_L419, 0x40000005, 0xAFF, 0, 0x100, 0x82C, NEVER, 0, "ipi" },
	{ "windows", true, H_L419, 0x40000005, 0x2AFF, 0, 0x100, 0x82C, NEVER, 0, "evmcs" },
	{ "windows", true, H_L419, 0x40000005, 0x2AFF, 0, 0x100, 0x82C, NEVER, 0, "stimer_direct" },
	/* Any spinlock count from 1 is taken as given (KVM and the TLFS set no minimum). */
	{ "default+spinlocks=1", false, H_AMD, 0x40000005, 0xA7F, 0, 0x100, 0x200, 1, 0, NULL },
	{ "default+spinlocks=0xFFE", false, H_AMD, 0x40000005, 0xA7F, 0, 0x100, 0x200, 0xFFE, 0,
	  NULL },
};

static void check_case(const struct want *w)
{
	char what[256];
	int rc;
	struct kvmcpu_error err;
	struct kvmcpu_result *r = run(w->spec, w->nested, w->host, &rc, &err);
	snprintf(what, sizeof(what), "hv=%s%s on %s", w->spec ? w->spec : "(none)",
		 w->nested ? " nested" : "", host_files[w->host]);
	CHECK_MSG(r != NULL, "%s: failed: %s", what, err.message);
	if (!r)
		return;
	const struct kvmcpu_cpuid_entry *e0 = leaf(r, 0x40000000);
	if (!w->max) {
		/* KVM's leaves stay where they are. */
		CHECK_MSG(e0 && e0->ebx == 0x4B4D564B && e0->eax == 0x40000001,
			  "%s: KVM leaf moved", what);
		CHECK_MSG(!leaf(r, 0x40000003) && !leaf(r, 0x40000100),
			  "%s: Hyper-V leaves present", what);
		kvmcpu_result_free(r);
		return;
	}
	char buf[300];
#define REG(l, reg, want)                                                                          \
	do {                                                                                       \
		const struct kvmcpu_cpuid_entry *e_ = leaf(r, l);                                  \
		snprintf(buf, sizeof(buf), "%s: 0x%08x.%s", what, (unsigned)(l), #reg);            \
		CHECK_MSG(e_ != NULL, "%s: leaf missing", buf);                                    \
		if (e_)                                                                            \
			CHECK_HEX(e_->reg, want, buf);                                             \
	} while (0)
	REG(0x40000000, eax, w->max);
	REG(0x40000000, ebx, 0x7263694D); /* "Micr" */
	REG(0x40000000, ecx, 0x666F736F); /* "osof" */
	REG(0x40000000, edx, 0x76482074); /* "t Hv" */
	REG(0x40000001, eax, 0x31237648); /* "Hv#1" */
	REG(0x40000002, eax, 0x3839);
	REG(0x40000002, ebx, 0x000A0000);
	REG(0x40000003, eax, w->eax3);
	REG(0x40000003, ebx, w->ebx3);
	REG(0x40000003, ecx, 0);
	REG(0x40000003, edx, w->edx3);
	REG(0x40000004, eax, w->eax4);
	REG(0x40000004, ebx, w->ebx4);
	REG(0x40000005, eax, 0xFFFFFFFF);
	REG(0x40000005, ebx, 0x40);
	if (w->max >= 0x4000000A) {
		for (uint32_t l = 0x40000006; l <= 0x40000009; l++) {
			REG(l, eax, 0);
			REG(l, edx, 0);
		}
		REG(0x4000000A, eax, w->eaxA);
		REG(0x4000000A, ebx, 0);
	} else {
		CHECK_MSG(!leaf(r, 0x4000000A) && !leaf(r, 0x40000006), "%s: nested leaves present",
			  what);
	}
	/* Mandatory bits set, bit 12 ("nested within Hyper-V") never. */
	const struct kvmcpu_cpuid_entry *e3 = leaf(r, 0x40000003), *e4 = leaf(r, 0x40000004);
	CHECK_MSG(e3 && (e3->eax & 0x60) == 0x60, "%s: 3.EAX bits 5 and 6", what);
	CHECK_MSG(e4 && !(e4->eax & 0x1000), "%s: 4.EAX bit 12 set", what);
	/* KVM's leaves moved to 0x40000100. */
	REG(0x40000100, eax, 0x40000101);
	REG(0x40000100, ebx, 0x4B4D564B);
	REG(0x40000101, eax, 0x01007EFB);
	if (w->dropped)
		CHECK_MSG(has_notice(r, KVMCPU_NOTICE_HV_DROPPED, w->dropped, NULL),
			  "%s: no drop notice for %s", what, w->dropped);
	else if (!w->spec || strcmp(w->spec, "passthrough"))
		CHECK_MSG(count_notices(r, KVMCPU_NOTICE_HV_DROPPED) == 0, "%s: unexpected drops",
			  what);
#undef REG
	kvmcpu_result_free(r);
}

static void expect_error(const char *spec, bool nested, enum host_id hid, int code, const char *n1,
			 const char *n2)
{
	int rc;
	struct kvmcpu_error err;
	struct kvmcpu_result *r = run(spec, nested, hid, &rc, &err);
	CHECK_MSG(r == NULL && rc == code, "hv=%s on %s: rc %d, want %d", spec, host_files[hid], rc,
		  code);
	if (n1)
		CHECK_MSG(strstr(err.message, n1) || strstr(err.hint, n1),
			  "hv=%s: '%s' / '%s' lacks '%s'", spec, err.message, err.hint, n1);
	if (n2)
		CHECK_MSG(strstr(err.message, n2) || strstr(err.hint, n2),
			  "hv=%s: '%s' / '%s' lacks '%s'", spec, err.message, err.hint, n2);
	kvmcpu_result_free(r);
}

static void test_errors(void)
{
	/* No Hyper-V emulation: any spec but none is an error naming hv=none. */
	expect_error("default", false, H_NONE, -EOPNOTSUPP, "KVM_CAP_HYPERV is 0", "hv=none");
	expect_error("windows", true, H_NONE, -EOPNOTSUPP, "no Hyper-V emulation", "hv=none");
	expect_error("passthrough", false, H_NONE, -EOPNOTSUPP, "hv=none", NULL);
	expect_error("none+relaxed", false, H_NONE, -EOPNOTSUPP, "hv=none", NULL);
	/* Named flags the host cannot provide. */
	expect_error("windows+evmcs", true, H_AMD, -EOPNOTSUPP, "evmcs (token 2)", "Intel VMX");
	expect_error("windows+evmcs", true, H_NOEVMCS, -EOPNOTSUPP, "evmcs",
		     "0x40000004.EAX bit 14");
	expect_error("default+no_nonarch_coresharing", false, H_EVMCS, -EOPNOTSUPP,
		     "no_nonarch_coresharing", "bit 18");
	/* Nested-only flags without nested_virt. */
	expect_error("windows+evmcs", false, H_EVMCS, -EINVAL, "evmcs (from token 2)",
		     "nested_virt");
	expect_error("none+emsr_bitmap", false, H_AMD, -EINVAL, "emsr_bitmap", "nested_virt");
}

static void test_implicit_no_hyperv(void)
{
	int rc;
	struct kvmcpu_error err;
	struct kvmcpu_result *r = run(NULL, true, H_NONE, &rc, &err);
	CHECK_MSG(r != NULL, "nested without hv= on the no-Hyper-V host: %s", err.message);
	if (!r)
		return;
	CHECK_MSG(!leaf(r, 0x40000003), "no Hyper-V leaves");
	CHECK_MSG(leaf(r, 0x40000000) && leaf(r, 0x40000000)->ebx == 0x4B4D564B, "KVM leaf stays");
	/* One notice for the implied preset, not one per flag the user never named. */
	CHECK_MSG(count_notices(r, KVMCPU_NOTICE_HV_DROPPED) == 0, "no per-flag drop notices");
	CHECK_MSG(count_notices(r, KVMCPU_NOTICE_WARNING) == 1 &&
			  has_notice(r, KVMCPU_NOTICE_WARNING, "hv", "KVM_CAP_HYPERV is 0"),
		  "one notice says nested_virt implied hv=windows and why nothing came of it");
	kvmcpu_result_free(r);
}

static void test_plan(void)
{
	int rc;
	struct kvmcpu_error err;
	struct kvmcpu_result *r = run("windows+enforce_cpuid", true, H_EVMCS, &rc, &err);
	CHECK_MSG(r != NULL, "windows+enforce_cpuid nested: %s", err.message);
	if (!r)
		return;
	static const struct {
		uint32_t nr;
		const char *name;
		uint64_t arg0;
		bool out;
	} caps[] = {
		/* QEMU's hyperv_init_vcpu: SynIC first, then eVMCS, then enforcement. */
		{ 148, "KVM_CAP_HYPERV_SYNIC2", 0, false },
		{ 163, "KVM_CAP_HYPERV_ENLIGHTENED_VMCS", 0, true },
		{ 199, "KVM_CAP_HYPERV_ENFORCE_CPUID", 1, false },
	};
	CHECK_MSG(kvmcpu_result_cap_count(r) == 3, "cap count %zu", kvmcpu_result_cap_count(r));
	for (size_t i = 0; i < 3 && i < kvmcpu_result_cap_count(r); i++) {
		const struct kvmcpu_cap *c = kvmcpu_result_cap_at(r, i);
		CHECK_MSG(c->cap == caps[i].nr && !strcmp(c->name, caps[i].name), "cap %zu is %s",
			  i, c->name);
		CHECK_MSG(c->args[0] == caps[i].arg0 && c->args0_is_out_u16 == caps[i].out,
			  "cap %s args", c->name);
		CHECK_MSG(c->before_cpuid, "cap %s before KVM_SET_CPUID2", c->name);
	}
	CHECK_MSG(kvmcpu_result_msr_count(r) == 2, "msr count %zu", kvmcpu_result_msr_count(r));
	if (kvmcpu_result_msr_count(r) == 2) {
		const struct kvmcpu_msr *m0 = kvmcpu_result_msr_at(r, 0);
		const struct kvmcpu_msr *m1 = kvmcpu_result_msr_at(r, 1);
		const struct kvmcpu_msr *vp = m0->index == 0x40000002 ? m0 : m1;
		const struct kvmcpu_msr *sc = m0->index == 0x40000080 ? m0 : m1;
		CHECK_MSG(vp->index == 0x40000002 && vp->per_vcpu_index, "VP_INDEX per vCPU");
		CHECK_MSG(sc->index == 0x40000080 && sc->value == 1 && !sc->per_vcpu_index,
			  "SCONTROL = 1");
	}
	kvmcpu_result_free(r);

	/* AMD nested windows: no eVMCS cap; default: SynIC2 only; none: nothing. */
	r = run("windows", true, H_AMD, &rc, &err);
	CHECK_MSG(r && kvmcpu_result_cap_count(r) == 1 && kvmcpu_result_cap_at(r, 0)->cap == 148,
		  "AMD windows nested: only SYNIC2");
	kvmcpu_result_free(r);
	r = run("none", false, H_EVMCS, &rc, &err);
	CHECK_MSG(r && kvmcpu_result_cap_count(r) == 0 && kvmcpu_result_msr_count(r) == 0,
		  "none: empty plan");
	kvmcpu_result_free(r);
}

static void test_kvm_leaves_and_vendor(void)
{
	int rc;
	struct kvmcpu_error err;
	struct kvmcpu_result *r = run("windows+no_kvm_leaves+vendor_id=MyHv", false, H_EVMCS, &rc,
				      &err);
	CHECK_MSG(r != NULL, "no_kvm_leaves: %s", err.message);
	if (!r)
		return;
	CHECK_MSG(!leaf(r, 0x40000100) && !leaf(r, 0x40000101), "KVM leaves hidden");
	const struct kvmcpu_cpuid_entry *e = leaf(r, 0x40000000);
	CHECK_MSG(e && e->ebx == 0x7648794D && e->ecx == 0 && e->edx == 0,
		  "vendor MyHv zero-padded");
	CHECK_MSG(has_notice(r, KVMCPU_NOTICE_WARNING, "vendor_id", "Microsoft Hv"),
		  "vendor warning");
	kvmcpu_result_free(r);

	r = run("none+no_kvm_leaves", false, H_EVMCS, &rc, &err);
	CHECK_MSG(r && !leaf(r, 0x40000000) && !leaf(r, 0x40000001),
		  "none+no_kvm_leaves hides KVM");
	kvmcpu_result_free(r);

	r = run("passthrough", false, H_AMD, &rc, &err);
	CHECK_MSG(r && has_notice(r, KVMCPU_NOTICE_WARNING, "passthrough", "migration"),
		  "passthrough warns about migration");
	kvmcpu_result_free(r);
}

/* Hosts built in memory: SynIC2 missing, legacy kernels without the HV-CPUID ioctl. */
static struct kvmcpu_host *host_from(enum host_id base, const char *drop_cap, bool with_hv)
{
	struct kvmcpu_host *h = NULL;
	kvmcpu_host_new(&h, NULL);
	const struct kvmcpu_host *b = hosts[base];
	for (size_t i = 0; i < kvmcpu_host_cpuid_count(b); i++)
		kvmcpu_host_add_cpuid(h, kvmcpu_host_cpuid_at(b, i), NULL);
	for (size_t i = 0; with_hv && i < kvmcpu_host_hv_cpuid_count(b); i++)
		kvmcpu_host_add_hv_cpuid(h, kvmcpu_host_hv_cpuid_at(b, i), NULL);
	for (size_t i = 0; i < kvmcpu_host_cap_count(b); i++) {
		int64_t v;
		const char *name = kvmcpu_host_cap_at(b, i, &v);
		kvmcpu_host_add_cap(h, name, drop_cap && !strcmp(name, drop_cap) ? 0 : v, NULL);
	}
	return h;
}

static struct kvmcpu_result *run_on(const char *spec, struct kvmcpu_host *h, int *rc,
				    struct kvmcpu_error *err)
{
	struct kc_hv_spec *s = NULL;
	memset(err, 0, sizeof(*err));
	if ((*rc = kc_hv_spec_parse(spec, &s, err)))
		return NULL;
	struct kvmcpu_result *r = base_result(h);
	*rc = kc_hv_resolve(s, false, true, h, r, err);
	kc_hv_spec_free(s);
	if (*rc) {
		kvmcpu_result_free(r);
		return NULL;
	}
	return r;
}

static void test_synthetic_hosts(void)
{
	int rc;
	struct kvmcpu_error err;
	/* No SynIC2: the preset loses synic, stimer, stimer_direct, each explained. */
	struct kvmcpu_host *h = host_from(H_EVMCS, "KVM_CAP_HYPERV_SYNIC2", true);
	struct kvmcpu_result *r = run_on("windows", h, &rc, &err);
	CHECK_MSG(r != NULL, "windows without SynIC2: %s", err.message);
	if (r) {
		CHECK_HEX(leaf(r, 0x40000003)->eax, 0xAF3, "no SynIC2: 3.EAX");
		CHECK_HEX(leaf(r, 0x40000003)->edx, 0x100, "no SynIC2: 3.EDX");
		CHECK_MSG(has_notice(r, KVMCPU_NOTICE_HV_DROPPED, "synic",
				     "KVM_CAP_HYPERV_SYNIC2 is 0"),
			  "synic drop reason");
		CHECK_MSG(has_notice(r, KVMCPU_NOTICE_HV_DROPPED, "stimer", "requires synic"),
			  "stimer drop reason");
		CHECK_MSG(
			has_notice(r, KVMCPU_NOTICE_HV_DROPPED, "stimer_direct", "requires synic"),
			"stimer_direct drop reason");
		CHECK_MSG(kvmcpu_result_cap_count(r) == 0, "no SYNIC2 in the plan");
		kvmcpu_result_free(r);
	}
	r = run_on("windows+stimer", h, &rc, &err);
	CHECK_MSG(!r && rc == -EOPNOTSUPP && strstr(err.message, "stimer (token 2) requires synic"),
		  "named stimer on a host without SynIC2: %s", err.message);
	kvmcpu_result_free(r);
	kvmcpu_host_free(h);

	/* A recording with capabilities but no Hyper-V CPUID answer at all: nothing can be
	 * judged, so a named flag is refused with what to do. */
	h = host_from(H_EVMCS, NULL, false);
	r = run_on("none+relaxed", h, &rc, &err);
	CHECK_MSG(!r && rc == -EOPNOTSUPP && strstr(err.message, "no Hyper-V CPUID answer") &&
			  strstr(err.message, "kvmcpu host --json"),
		  "no answer: %s", err.message);
	kvmcpu_result_free(r);
	kvmcpu_host_free(h);
}

/*
 * QEMU's worked example (hv-relaxed,hv-vapic,hv-spinlocks=0x1fff,hv-vpindex,hv-runtime,
 * hv-time,hv-synic,hv-stimer,hv-stimer-direct,hv-frequencies,hv-reset,hv-tlbflush,hv-ipi):
 * QEMU gives 0x40000003 {EAX 0xAFF, EBX 0x30, EDX 0x80108}, 0x40000004 {0xC2C, 0x1FFF},
 * 0x40000005 {0xFFFFFFFF, 0x40}. The same flags here differ in two places, on purpose:
 *  - 3.EBX 0 instead of 0x30: QEMU grants PostMessage/SignalEvent (bits 4, 5) because it
 *    implements those hypercalls in user space; a VMM on this library may not, and KVM
 *    only forwards them to user space.
 *  - 3.EDX 0x80100 instead of 0x80108: QEMU always sets bit 3 (CPU dynamic partitioning)
 *    for vCPU hotplug in Windows; hotplug is the VMM's choice, not an enlightenment.
 * With hv-evmcs and hv-reenlightenment (Intel, nested): 3.EAX 0x2AFF, 4.EAX 0x4C2C, max
 * leaf 0x4000000A, A.EAX 0x101, as in QEMU.
 */
static void test_qemu_example(void)
{
	static const char qemu[] = "none+hv-relaxed+hv-vapic+hv-spinlocks=0x1fff+hv-vpindex+"
				   "hv-runtime+hv-time+hv-synic+hv-stimer+hv-stimer-direct+"
				   "hv-frequencies+hv-reset+hv-tlbflush+hv-ipi";
	int rc;
	struct kvmcpu_error err;
	struct kvmcpu_result *r = run(qemu, false, H_EVMCS, &rc, &err);
	CHECK_MSG(r != NULL, "QEMU example: %s", err.message);
	if (r) {
		CHECK_HEX(leaf(r, 0x40000000)->eax, 0x40000005, "QEMU example max");
		CHECK_HEX(leaf(r, 0x40000003)->eax, 0xAFF, "QEMU example 3.EAX");
		CHECK_HEX(leaf(r, 0x40000003)->ebx, 0, "QEMU example 3.EBX (QEMU: 0x30)");
		CHECK_HEX(leaf(r, 0x40000003)->edx, 0x80100, "QEMU example 3.EDX (QEMU: 0x80108)");
		CHECK_HEX(leaf(r, 0x40000004)->eax, 0xC2C, "QEMU example 4.EAX");
		CHECK_HEX(leaf(r, 0x40000004)->ebx, 0x1FFF, "QEMU example 4.EBX");
		CHECK_HEX(leaf(r, 0x40000005)->eax, 0xFFFFFFFF, "QEMU example 5.EAX");
		CHECK_HEX(leaf(r, 0x40000005)->ebx, 0x40, "QEMU example 5.EBX");
		kvmcpu_result_free(r);
	}
	char nested[sizeof(qemu) + 40];
	snprintf(nested, sizeof(nested), "%s+hv-evmcs+hv-reenlightenment", qemu);
	r = run(nested, true, H_EVMCS, &rc, &err);
	CHECK_MSG(r != NULL, "QEMU nested example: %s", err.message);
	if (r) {
		CHECK_HEX(leaf(r, 0x40000000)->eax, 0x4000000A, "QEMU nested max");
		CHECK_HEX(leaf(r, 0x40000003)->eax, 0x2AFF, "QEMU nested 3.EAX");
		CHECK_HEX(leaf(r, 0x40000004)->eax, 0x4C2C, "QEMU nested 4.EAX");
		CHECK_HEX(leaf(r, 0x4000000A)->eax, 0x101, "QEMU nested A.EAX");
		kvmcpu_result_free(r);
	}
}

/*
 * The eVMCS version range KVM writes back through args[0] of KVM_ENABLE_CAP
 * (KVM_CAP_HYPERV_ENLIGHTENED_VMCS): low byte the lowest, high byte the highest version.
 * QEMU (evmcs_version_supported) accepts it when it covers the 1..1 offered to the guest.
 */
static void test_evmcs_range(void)
{
	static const struct {
		uint16_t range;
		bool ok;
	} cases[] = {
		{ 0x0101, true }, /* what KVM reports today */
		{ 0x0201, true }, /* a future 1..2 */
		{ 0x0100, true }, /* 0..1 still holds 1 */
		{ 0x0000, false }, /* no eVMCS */
		{ 0x0202, false }, /* 2..2: version 1 dropped */
		{ 0x0002, false }, { 0xFF02, false },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kvmcpu_error err;
		kvmcpu_error_clear(&err);
		int rc = kc_hv_evmcs_range_check(cases[i].range, "KVM_ENABLE_CAP", &err);
		CHECK_MSG(rc == (cases[i].ok ? 0 : -EOPNOTSUPP), "range 0x%04x: rc %d",
			  cases[i].range, rc);
		if (!cases[i].ok)
			CHECK_MSG(strstr(err.message, "version 1") &&
					  strstr(err.message, "KVM_ENABLE_CAP") && err.hint[0],
				  "range 0x%04x: message '%s'", cases[i].range, err.message);
	}
}

/*
 * QEMU's stand-in for kernels without KVM_GET_SUPPORTED_HV_CPUID
 * (get_supported_hv_cpuid_legacy): each capability or listed MSR gives these bits.
 */
static void test_legacy_answer(void)
{
	struct kvmcpu_host *caps = NULL;
	kvmcpu_host_new(&caps, NULL);
	struct kvmcpu_cpuid_entry e[2];
	kc_hv_legacy_answer(caps, NULL, 0, e);
	CHECK_MSG(e[0].function == 0x40000003 && e[1].function == 0x40000004, "legacy leaves");
	CHECK_MSG(!e[0].eax && !e[0].ebx && !e[0].edx && !e[1].eax && !e[1].ebx,
		  "no evidence, no bits");
	kvmcpu_host_add_cap(caps, "KVM_CAP_HYPERV", 1, NULL);
	kc_hv_legacy_answer(caps, NULL, 0, e);
	CHECK_HEX(e[0].eax, 0x30, "KVM_CAP_HYPERV: hypercall and APIC MSRs");
	CHECK_HEX(e[0].edx, 0x8, "KVM_CAP_HYPERV: CPU dynamic partitioning");
	CHECK_HEX(e[1].eax, 0x28, "KVM_CAP_HYPERV: relaxed timing and APIC access hint");
	/* SCONTROL alone is no SynIC: QEMU also wants KVM_CAP_HYPERV_SYNIC2. */
	static const uint32_t msrs[] = { 0x40000080 };
	kc_hv_legacy_answer(caps, msrs, 1, e);
	CHECK_HEX(e[0].eax & 0x4, 0, "SCONTROL without SYNIC2");
	kvmcpu_host_add_cap(caps, "KVM_CAP_HYPERV_SYNIC2", 1, NULL);
	kvmcpu_host_add_cap(caps, "KVM_CAP_HYPERV_TIME", 1, NULL);
	kvmcpu_host_add_cap(caps, "KVM_CAP_HYPERV_SEND_IPI", 1, NULL);
	kvmcpu_host_add_cap(caps, "KVM_CAP_HYPERV_ENLIGHTENED_VMCS", 1, NULL);
	static const uint32_t all[] = { 0x40000002, 0x40000003, 0x40000010, 0x40000022, 0x40000080,
					0x400000B0, 0x40000105, 0x40000106, 0x400000FF };
	kc_hv_legacy_answer(caps, all, sizeof(all) / sizeof(all[0]), e);
	CHECK_HEX(e[0].eax, 0x2AFF, "every MSR: 3.EAX");
	CHECK_HEX(e[0].ebx, 0x800, "SYNDBG_OPTIONS: debugging privilege");
	CHECK_HEX(e[0].edx, 0xD0A,
		  "3.EDX: partitioning, debugging, frequencies, crash, debug MSRs");
	CHECK_HEX(e[1].eax, 0x4C28, "4.EAX: relaxed, APIC hint, IPI, ex masks, eVMCS");
	CHECK_HEX(e[1].ebx, 0, "no spinlock suggestion");
	kvmcpu_host_free(caps);

	/* The public description of that evidence, per flag. */
	static const struct {
		const char *flag, *evidence;
	} ev[] = {
		{ "hypercall", "KVM_CAP_HYPERV" },
		{ "vpindex", "MSR 0x40000002 in KVM_GET_MSR_INDEX_LIST" },
		{ "time", "KVM_CAP_HYPERV_TIME" },
		{ "frequencies", "MSR 0x40000022 in KVM_GET_MSR_INDEX_LIST" },
		{ "synic", "KVM_CAP_HYPERV_SYNIC2 and MSR 0x40000080 in KVM_GET_MSR_INDEX_LIST" },
		{ "tlbflush", "KVM_CAP_HYPERV_TLBFLUSH" },
		{ "ipi", "KVM_CAP_HYPERV_SEND_IPI" },
		{ "evmcs", "KVM_CAP_HYPERV_ENLIGHTENED_VMCS" },
		{ "avic", NULL },
		{ "stimer_direct", NULL },
	};
	for (size_t i = 0; i < sizeof(ev) / sizeof(ev[0]); i++) {
		const char *got = kvmcpu_hv_flag_legacy_cap(kvmcpu_hv_flag_find(ev[i].flag));
		CHECK_MSG(ev[i].evidence ? got && !strcmp(got, ev[i].evidence) : !got,
			  "%s legacy evidence '%s'", ev[i].flag, got ? got : "(none)");
	}
}

/* One error channel, and no crash on NULL. */
static void test_public_host_queries(void)
{
	struct kvmcpu_error err;
	const struct kvmcpu_hv_flag *st = kvmcpu_hv_flag_find("stimer");
	CHECK_MSG(kvmcpu_hv_host_available(NULL, &err) == -EINVAL && err.code == -EINVAL,
		  "host_available(NULL)");
	CHECK_MSG(kvmcpu_hv_host_available(NULL, NULL) == -EINVAL, "host_available(NULL, NULL)");
	CHECK_MSG(kvmcpu_hv_flag_host_support(NULL, hosts[H_AMD], NULL) == -EINVAL,
		  "host_support(NULL flag)");
	CHECK_MSG(kvmcpu_hv_flag_host_support(st, NULL, &err) == -EINVAL,
		  "host_support(NULL host)");
	CHECK_MSG(kvmcpu_hv_host_available(hosts[H_AMD], NULL) == 1, "AMD host has Hyper-V");
	CHECK_MSG(kvmcpu_hv_host_available(hosts[H_NONE], &err) == -EOPNOTSUPP &&
			  strstr(err.message, "KVM_CAP_HYPERV is 0"),
		  "no-Hyper-V host: %s", err.message);
	CHECK_MSG(kvmcpu_hv_flag_host_support(st, hosts[H_AMD], &err) == 1 && err.code == 0,
		  "stimer on AMD");
	CHECK_MSG(kvmcpu_hv_flag_host_support(kvmcpu_hv_flag_find("evmcs"), hosts[H_AMD], &err) ==
				  -EOPNOTSUPP &&
			  strstr(err.message, "Intel VMX"),
		  "evmcs on AMD: %s", err.message);
	CHECK_MSG(kvmcpu_hv_flag_host_support(st, hosts[H_NONE], NULL) == -EOPNOTSUPP,
		  "stimer without Hyper-V, NULL err");
}

/* hv=none+stimer: synic, time, vpindex and hypercall come in as prerequisites, each said. */
static void test_prerequisite_notices(void)
{
	int rc;
	struct kvmcpu_error err;
	struct kvmcpu_result *r = run("none+stimer", false, H_EVMCS, &rc, &err);
	CHECK_MSG(r != NULL, "none+stimer: %s", err.message);
	if (!r)
		return;
	static const char *const pulled[] = { "synic", "time", "vpindex", "hypercall" };
	for (size_t i = 0; i < 4; i++)
		CHECK_MSG(has_notice(r, KVMCPU_NOTICE_FORCED, pulled[i], "stimer requires it"),
			  "prerequisite %s listed", pulled[i]);
	CHECK_MSG(!has_notice(r, KVMCPU_NOTICE_FORCED, "stimer", NULL), "stimer was named");
	CHECK_MSG(!has_notice(r, KVMCPU_NOTICE_FORCED, "reference_tsc_page", NULL),
		  "no notice for what nothing required");
	kvmcpu_result_free(r);
	/* A preset alone names nothing, so it pulls nothing in. */
	r = run("windows", false, H_EVMCS, &rc, &err);
	CHECK_MSG(r && !has_notice(r, KVMCPU_NOTICE_FORCED, "synic", NULL),
		  "windows: no prerequisites");
	kvmcpu_result_free(r);
}

/* nested_virt without hv=: the implied windows preset is announced on every result. */
static void test_implicit_notice(void)
{
	int rc;
	struct kvmcpu_error err;
	struct kvmcpu_result *r = run(NULL, true, H_EVMCS, &rc, &err);
	CHECK_MSG(r && has_notice(r, KVMCPU_NOTICE_WARNING, "hv", "implies hv=windows") &&
			  has_notice(r, KVMCPU_NOTICE_WARNING, "hv", "hv=none"),
		  "implicit windows is announced");
	kvmcpu_result_free(r);
	r = run("windows", true, H_EVMCS, &rc, &err);
	CHECK_MSG(r && !has_notice(r, KVMCPU_NOTICE_WARNING, "hv", NULL),
		  "explicit hv=: no notice");
	kvmcpu_result_free(r);
}

/* Counts below KVM's 0xFFF are used as given, with a warning that says why. */
static void test_spinlock_warning(void)
{
	int rc;
	struct kvmcpu_error err;
	struct kvmcpu_result *r = run("default+spinlocks=100", false, H_AMD, &rc, &err);
	CHECK_MSG(r && leaf(r, 0x40000004)->ebx == 100, "spinlocks=100 used");
	CHECK_MSG(r && has_notice(r, KVMCPU_NOTICE_WARNING, "spinlocks", "below 0xFFF"),
		  "spinlocks=100 warns");
	kvmcpu_result_free(r);
	r = run("default+spinlocks=0xFFF", false, H_AMD, &rc, &err);
	CHECK_MSG(r && !has_notice(r, KVMCPU_NOTICE_WARNING, "spinlocks", NULL),
		  "0xFFF: no warning");
	kvmcpu_result_free(r);
	r = run("default", false, H_AMD, &rc, &err);
	CHECK_MSG(r && !has_notice(r, KVMCPU_NOTICE_WARNING, "spinlocks", NULL),
		  "never: no warning");
	kvmcpu_result_free(r);
}

int main(void)
{
	for (int i = 0; i < NHOSTS; i++)
		hosts[i] = load_host(host_files[i]);
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		check_case(&table[i]);
	test_errors();
	test_implicit_no_hyperv();
	test_plan();
	test_kvm_leaves_and_vendor();
	test_synthetic_hosts();
	test_qemu_example();
	test_evmcs_range();
	test_legacy_answer();
	test_public_host_queries();
	test_prerequisite_notices();
	test_implicit_notice();
	test_spinlock_warning();
	for (int i = 0; i < NHOSTS; i++)
		kvmcpu_host_free(hosts[i]);
	return check_finish("test-hv-resolve");
}
