/* SPDX-License-Identifier: MIT */
/* The hv= spec grammar: presets, names and aliases, later-wins, every error. */
#include <errno.h>

#include "hv/hv-priv.h"
#include "check.h"

#define F(id) KC_HV_BIT(KC_HV_##id)

static struct kc_hv_spec *parse_ok(const char *text)
{
	struct kc_hv_spec *s = NULL;
	struct kvmcpu_error err = { 0 };
	int rc = kc_hv_spec_parse(text, &s, &err);
	CHECK_MSG(rc == 0 && s, "'%s' should parse: %s", text, err.message);
	return s;
}

/* Parses @text expecting @code and every needle in the message (NULL-terminated list). */
static void parse_fails(const char *text, int code, const char *n1, const char *n2)
{
	struct kc_hv_spec *s = (struct kc_hv_spec *)1;
	struct kvmcpu_error err = { 0 };
	int rc = kc_hv_spec_parse(text, &s, &err);
	CHECK_MSG(rc == code, "'%s': rc %d, want %d (%s)", text ? text : "(null)", rc, code,
		  err.message);
	CHECK_MSG(s == NULL, "'%s': out must stay NULL on failure", text ? text : "(null)");
	CHECK_MSG(err.code == code, "'%s': err.code %d", text ? text : "(null)", err.code);
	if (n1)
		CHECK_MSG(strstr(err.message, n1) || strstr(err.hint, n1),
			  "'%s': message '%s' / hint '%s' lacks '%s'", text, err.message, err.hint,
			  n1);
	if (n2)
		CHECK_MSG(strstr(err.message, n2) || strstr(err.hint, n2),
			  "'%s': message '%s' / hint '%s' lacks '%s'", text, err.message, err.hint,
			  n2);
}

static void test_presets(void)
{
	static const struct {
		const char *text;
		enum kc_hv_preset_id preset;
		bool given;
	} cases[] = {
		{ "none", KC_HV_PRESET_NONE, true },
		{ "default", KC_HV_PRESET_DEFAULT, true },
		{ "windows", KC_HV_PRESET_WINDOWS, true },
		{ "passthrough", KC_HV_PRESET_PASSTHROUGH, true },
		{ "Windows", KC_HV_PRESET_WINDOWS, true },
		{ "relaxed", KC_HV_PRESET_DEFAULT, false }, /* no preset: the base is default */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kc_hv_spec *s = parse_ok(cases[i].text);
		if (!s)
			continue;
		CHECK_MSG(s->preset == cases[i].preset, "'%s' preset %d", cases[i].text, s->preset);
		CHECK_MSG(s->preset_given == cases[i].given, "'%s' preset_given", cases[i].text);
		CHECK_HEX(s->spinlocks, 0xFFFFFFFFu, cases[i].text);
		kc_hv_spec_free(s);
	}
}

static void test_names_and_aliases(void)
{
	static const struct {
		const char *text;
		kc_hv_set on;
	} cases[] = {
		{ "none+relaxed", F(RELAXED) | F(HYPERCALL) },
		{ "none+vp_index", F(VPINDEX) | F(HYPERCALL) },
		{ "none+hv-vpindex", F(VPINDEX) | F(HYPERCALL) },
		{ "none+hv_vpindex", F(VPINDEX) | F(HYPERCALL) },
		{ "none+vp_runtime", F(RUNTIME) | F(HYPERCALL) },
		{ "none+reference_tsc_page", F(TSC_PAGE) | F(TIME) | F(HYPERCALL) },
		{ "none+hv-time", F(TSC_PAGE) | F(TIME) | F(HYPERCALL) },
		{ "none+time", F(TIME) | F(HYPERCALL) },
		{ "none+hv-stimer-direct",
		  F(STIMER_DIRECT) | F(STIMER) | F(SYNIC) | F(TIME) | F(VPINDEX) | F(HYPERCALL) },
		{ "none+hv-apicv", F(AVIC) | F(HYPERCALL) },
		{ "none+hv-no-nonarch-coresharing", F(NO_NONARCH_CORESHARING) | F(HYPERCALL) },
		{ "none+no_nonarch_coresharing", F(NO_NONARCH_CORESHARING) | F(HYPERCALL) },
		{ "none+evmcs", F(EVMCS) | F(VAPIC) | F(HYPERCALL) },
		{ "none+syndbg", F(SYNDBG) | F(SYNIC) | F(RELAXED) | F(VPINDEX) | F(HYPERCALL) },
		{ "none+relaxed=on", F(RELAXED) | F(HYPERCALL) },
		{ "none+hv-relaxed=off", 0 },
		/* later wins: re-enabling after a disable */
		{ "none+no_synic+stimer",
		  F(STIMER) | F(SYNIC) | F(TIME) | F(VPINDEX) | F(HYPERCALL) },
		{ "none+relaxed+no_relaxed", 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kc_hv_spec *s = parse_ok(cases[i].text);
		if (!s)
			continue;
		CHECK_HEX(s->on, cases[i].on, cases[i].text);
		CHECK_MSG((s->on & s->off) == 0, "'%s': on and off overlap", cases[i].text);
		kc_hv_spec_free(s);
	}
}

static void test_disable_takes_dependents(void)
{
	struct kc_hv_spec *s = parse_ok("windows+no_stimer");
	if (s) {
		CHECK_HEX(s->off, F(STIMER) | F(STIMER_DIRECT), "windows+no_stimer off");
		kc_hv_spec_free(s);
	}
	s = parse_ok("windows+no_synic");
	if (s) {
		CHECK_HEX(s->off, F(SYNIC) | F(STIMER) | F(STIMER_DIRECT) | F(SYNDBG),
			  "windows+no_synic off");
		kc_hv_spec_free(s);
	}
	s = parse_ok("windows+no_evmcs");
	if (s) {
		CHECK_HEX(s->off, F(EVMCS), "windows+no_evmcs off");
		CHECK_HEX(s->on, 0, "windows+no_evmcs on");
		kc_hv_spec_free(s);
	}
}

static void test_values(void)
{
	struct kc_hv_spec *s = parse_ok("default+spinlocks=0x1fff");
	if (s) {
		CHECK_HEX(s->spinlocks, 0x1FFF, "spinlocks=0x1fff");
		CHECK_MSG(s->spinlocks_given, "spinlocks given");
		kc_hv_spec_free(s);
	}
	s = parse_ok("default+spinlocks=8191");
	if (s) {
		CHECK_HEX(s->spinlocks, 8191, "spinlocks=8191");
		kc_hv_spec_free(s);
	}
	s = parse_ok("default+spinlocks=0x1fff+spinlocks=never");
	if (s) {
		CHECK_HEX(s->spinlocks, 0xFFFFFFFF, "spinlocks=never wins");
		kc_hv_spec_free(s);
	}
	s = parse_ok("default+spinlocks=4095+no_spinlocks");
	if (s) {
		CHECK_HEX(s->spinlocks, 0xFFFFFFFF, "no_spinlocks");
		kc_hv_spec_free(s);
	}
	/* KVM and the TLFS set no minimum: every count from 1 is accepted (the resolver warns
	 * below 0xFFF). */
	static const uint32_t small[] = { 1, 100, 0xFFE };
	static const char *const small_text[] = { "default+spinlocks=1", "default+spinlocks=100",
						  "default+spinlocks=0xffe" };
	for (size_t i = 0; i < 3; i++) {
		s = parse_ok(small_text[i]);
		if (s) {
			CHECK_HEX(s->spinlocks, small[i], small_text[i]);
			kc_hv_spec_free(s);
		}
	}
	s = parse_ok("default+spinlocks=0xFFFFFFFF");
	if (s) {
		CHECK_HEX(s->spinlocks, 0xFFFFFFFF, "spinlocks=0xFFFFFFFF");
		kc_hv_spec_free(s);
	}
	s = parse_ok("windows+vendor_id=KVMKVMKVM+no_kvm_leaves");
	if (s) {
		CHECK_MSG(s->vendor_given && !strcmp(s->vendor, "KVMKVMKVM"), "vendor '%s'",
			  s->vendor);
		CHECK_MSG(s->no_kvm_leaves, "no_kvm_leaves");
		kc_hv_spec_free(s);
	}
	s = parse_ok("windows+hv-vendor-id=ABCDEFGHIJKL+no_kvm_leaves+kvm_leaves");
	if (s) {
		CHECK_MSG(!strcmp(s->vendor, "ABCDEFGHIJKL"), "12-char vendor '%s'", s->vendor);
		CHECK_MSG(!s->no_kvm_leaves, "kvm_leaves re-enables");
		kc_hv_spec_free(s);
	}
}

static void test_errors(void)
{
	parse_fails("", -EINVAL, "empty Hyper-V spec", "hv=none");
	parse_fails(NULL, -EINVAL, "empty Hyper-V spec", NULL);
	parse_fails("windows+", -EINVAL, "empty token 2", NULL);
	parse_fails("+windows", -EINVAL, "empty token 1", NULL);
	parse_fails("windows++relaxed", -EINVAL, "empty token 2", NULL);
	parse_fails("windows+stimr", -EINVAL, "'stimr' (token 2", "stimer");
	parse_fails("windows+no_stimr", -EINVAL, "'no_stimr' (token 2", "stimer");
	parse_fails("windwos", -EINVAL, "'windwos' (token 1", "windows");
	parse_fails("relaxed+windows", -EINVAL, "preset 'windows' is token 2", NULL);
	parse_fails("none+default", -EINVAL, "preset 'default' is token 2", NULL);
	parse_fails("default+spinlocks=abc", -EINVAL, "malformed number", "token 2");
	parse_fails("default+spinlocks=", -EINVAL, "malformed number", NULL);
	parse_fails("default+spinlocks=0x", -EINVAL, "malformed number", NULL);
	parse_fails("default+spinlocks=0x100000000", -ERANGE, "out of range", "token 2");
	parse_fails("default+spinlocks=99999999999999999999999", -ERANGE, "out of range", NULL);
	parse_fails("default+spinlocks=0", -ERANGE, "out of range", "1 .. 0xFFFFFFFF");
	parse_fails("default+spinlocks", -EINVAL, "without a value", "token 2");
	parse_fails("windows+vendor_id=", -EINVAL, "0 characters", "1 to 12");
	parse_fails("windows+vendor_id=ABCDEFGHIJKLM", -EINVAL, "13 characters", NULL);
	parse_fails("windows+vendor_id=A\tB", -EINVAL, "non-printable", NULL);
	parse_fails("none+stimer+no_synic", -EINVAL, "disables synic, which stimer", "token 3");
	parse_fails("none+stimer_direct+no_time", -EINVAL, "disables time, which stimer_direct",
		    NULL);
	parse_fails("windows+evmcs+no_vapic", -EINVAL, "disables vapic, which evmcs", NULL);
	parse_fails("windows+no_hypercall", -EINVAL, "hypercall is mandatory", "hv=none");
	parse_fails("windows+no_vpindex", -EINVAL, "vpindex is mandatory", NULL);
	parse_fails("windows+no_vp_index", -EINVAL, "vpindex is mandatory", NULL);
	parse_fails("windows+relaxed=maybe", -EINVAL, "bad value", "token 2");
	parse_fails("windows+bogus=1", -EINVAL, "'bogus=1' (token 2", NULL);
	parse_fails("windows+no_", -EINVAL, "'no_' (token 2", NULL);
}

/*
 * Every flag's bits, written by hand from the TLFS ("Feature and Interface Discovery":
 * 0x40000003 privileges/features, 0x40000004 recommendations, 0x4000000A nested) and
 * its dependencies (the checks QEMU makes before it sets a flag).
 */
static void test_table_is_tlfs_exact(void)
{
	static const struct {
		const char *name;
		uint32_t eax3, ebx3, edx3, eax4, eaxA;
		const char *deps;
	} want[] = {
		{ "hypercall", 1u << 5, 0, 0, 0, 0, "" },
		{ "vpindex", 1u << 6, 0, 0, 0, 0, "hypercall" },
		{ "runtime", 1u << 0, 0, 0, 0, 0, "hypercall" },
		{ "time", 1u << 1, 0, 0, 0, 0, "hypercall" },
		{ "reference_tsc_page", 1u << 9, 0, 0, 0, 0, "time" },
		{ "frequencies", 1u << 11, 0, 1u << 8, 0, 0, "hypercall" },
		{ "vapic", 1u << 4, 0, 0, 1u << 3, 0, "hypercall" },
		{ "avic", 0, 0, 0, 1u << 9, 0, "hypercall" },
		{ "synic", 1u << 2, 0, 0, 0, 0, "vpindex" },
		{ "stimer", 1u << 3, 0, 0, 0, 0, "time,synic" },
		{ "stimer_direct", 0, 0, 1u << 19, 0, 0, "stimer" },
		{ "relaxed", 0, 0, 0, 1u << 5, 0, "hypercall" },
		{ "spinlocks", 0, 0, 0, 0, 0, "hypercall" },
		{ "reset", 1u << 7, 0, 0, 0, 0, "hypercall" },
		{ "crash", 0, 0, 1u << 10, 0, 0, "hypercall" },
		{ "tlbflush", 0, 0, 0, (1u << 2) | (1u << 11), 0, "vpindex" },
		{ "tlbflush_ext", 0, 0, 1u << 14, 0, 0, "tlbflush" },
		{ "ipi", 0, 0, 0, (1u << 10) | (1u << 11), 0, "vpindex" },
		{ "xmm_input", 0, 0, 1u << 4, 0, 0, "hypercall" },
		{ "reenlightenment", 1u << 13, 0, 0, 0, 0, "hypercall" },
		{ "evmcs", 0, 0, 0, 1u << 14, 0x0101, "vapic" },
		{ "tlbflush_direct", 0, 0, 0, 0, 1u << 17, "vapic" },
		{ "emsr_bitmap", 0, 0, 0, 0, 1u << 19, "hypercall" },
		{ "no_nonarch_coresharing", 0, 0, 0, 1u << 18, 0, "hypercall" },
		{ "syndbg", 0, 0, 1u << 11, 0, 0, "synic,relaxed" },
		{ "enforce_cpuid", 0, 0, 0, 0, 0, "hypercall" },
	};
	size_t n = sizeof(want) / sizeof(want[0]);
	CHECK_MSG(kvmcpu_hv_flag_count() == n, "flag count %zu, want %zu", kvmcpu_hv_flag_count(),
		  n);
	for (size_t i = 0; i < n; i++) {
		const struct kvmcpu_hv_flag *f = kvmcpu_hv_flag_find(want[i].name);
		CHECK_MSG(f && !strcmp(kvmcpu_hv_flag_name(f), want[i].name), "find %s",
			  want[i].name);
		if (!f)
			continue;
		CHECK_HEX(kvmcpu_hv_flag_bits(f, 0x40000003, KVMCPU_EAX), want[i].eax3,
			  want[i].name);
		CHECK_HEX(kvmcpu_hv_flag_bits(f, 0x40000003, KVMCPU_EBX), want[i].ebx3,
			  want[i].name);
		CHECK_HEX(kvmcpu_hv_flag_bits(f, 0x40000003, KVMCPU_EDX), want[i].edx3,
			  want[i].name);
		CHECK_HEX(kvmcpu_hv_flag_bits(f, 0x40000004, KVMCPU_EAX), want[i].eax4,
			  want[i].name);
		CHECK_HEX(kvmcpu_hv_flag_bits(f, 0x4000000A, KVMCPU_EAX), want[i].eaxA,
			  want[i].name);
		CHECK_HEX(kvmcpu_hv_flag_bits(f, 0x40000004, KVMCPU_EBX), 0, want[i].name);
		char deps[96] = "";
		for (size_t d = 0; d < kvmcpu_hv_flag_dep_count(f); d++)
			snprintf(deps + strlen(deps), sizeof(deps) - strlen(deps), "%s%s",
				 d ? "," : "", kvmcpu_hv_flag_name(kvmcpu_hv_flag_dep_at(f, d)));
		CHECK_MSG(!strcmp(deps, want[i].deps), "%s requires '%s', want '%s'", want[i].name,
			  deps, want[i].deps);
		for (size_t a = 0; a < kvmcpu_hv_flag_alias_count(f); a++)
			CHECK_MSG(kvmcpu_hv_flag_find(kvmcpu_hv_flag_alias_at(f, a)) == f,
				  "alias %s", kvmcpu_hv_flag_alias_at(f, a));
	}
	/* Capabilities: host evidence and per-vCPU enables. */
	CHECK_MSG(!strcmp(kvmcpu_hv_flag_vcpu_cap(kvmcpu_hv_flag_find("synic")),
			  "KVM_CAP_HYPERV_SYNIC2"),
		  "synic enables SYNIC2");
	CHECK_MSG(!strcmp(kvmcpu_hv_flag_host_cap(kvmcpu_hv_flag_find("evmcs")),
			  "KVM_CAP_HYPERV_ENLIGHTENED_VMCS"),
		  "evmcs needs the eVMCS cap");
	CHECK_MSG(!strcmp(kvmcpu_hv_flag_vcpu_cap(kvmcpu_hv_flag_find("enforce_cpuid")),
			  "KVM_CAP_HYPERV_ENFORCE_CPUID"),
		  "enforce_cpuid enables its cap");
	CHECK_MSG(kvmcpu_hv_flag_intel_only(kvmcpu_hv_flag_find("evmcs")), "evmcs Intel only");
	/* QEMU sets 0x40000004 EAX bit 3 only for vapic without avic, and checks only
	 * 0x40000003 EAX bit 4 on the host for vapic. */
	CHECK_HEX(kvmcpu_hv_flag_clear_bits(kvmcpu_hv_flag_find("avic"), 0x40000004, KVMCPU_EAX),
		  0x8, "avic clears ApicAccessRecommended");
	for (size_t i = 0; i < n; i++)
		if (strcmp(want[i].name, "avic"))
			CHECK_HEX(kvmcpu_hv_flag_clear_bits(kvmcpu_hv_flag_find(want[i].name),
							    0x40000004, KVMCPU_EAX),
				  0, want[i].name);
	CHECK_HEX(kvmcpu_hv_flag_host_bits(kvmcpu_hv_flag_find("vapic"), 0x40000004, KVMCPU_EAX), 0,
		  "vapic host evidence: 3.EAX bit 4 only");
	CHECK_HEX(kvmcpu_hv_flag_host_bits(kvmcpu_hv_flag_find("vapic"), 0x40000003, KVMCPU_EAX),
		  0x10, "vapic host evidence: 3.EAX bit 4");
	CHECK_MSG(kvmcpu_hv_flag_clear_bits(NULL, 0x40000004, KVMCPU_EAX) == 0, "clear_bits(NULL)");
	CHECK_MSG(kvmcpu_hv_flag_find("hv-vpindex") == kvmcpu_hv_flag_find("vpindex"), "QEMU name");
	CHECK_MSG(kvmcpu_hv_flag_find("nonsense") == NULL, "unknown flag");
	CHECK_MSG(kvmcpu_hv_flag_at(n) == NULL, "flag_at out of range");
	CHECK_MSG(kvmcpu_hv_preset_count() == 4 && !strcmp(kvmcpu_hv_preset_name(2), "windows"),
		  "presets");
}

int main(void)
{
	test_table_is_tlfs_exact();
	test_presets();
	test_names_and_aliases();
	test_disable_takes_dependents();
	test_values();
	test_errors();
	return check_finish("test-hv-spec");
}
