/* SPDX-License-Identifier: MIT */
/* The hv= spec grammar: presets, names and aliases, later-wins, every error. */
#include <errno.h>

#include "hv/hv-priv.h"
#include "hvtest.h"

#define F(id) KC_HV_BIT(KC_HV_##id)

static struct kc_hv_spec *parse_ok(const char *text)
{
	struct kc_hv_spec *s = NULL;
	struct kvmcpu_error err = { 0 };
	int rc = kc_hv_spec_parse(text, &s, &err);
	CHECK(rc == 0 && s, "'%s' should parse: %s", text, err.message);
	return s;
}

/* Parses @text expecting @code and every needle in the message (NULL-terminated list). */
static void parse_fails(const char *text, int code, const char *n1, const char *n2)
{
	struct kc_hv_spec *s = (struct kc_hv_spec *)1;
	struct kvmcpu_error err = { 0 };
	int rc = kc_hv_spec_parse(text, &s, &err);
	CHECK(rc == code, "'%s': rc %d, want %d (%s)", text ? text : "(null)", rc, code,
	      err.message);
	CHECK(s == NULL, "'%s': out must stay NULL on failure", text ? text : "(null)");
	CHECK(err.code == code, "'%s': err.code %d", text ? text : "(null)", err.code);
	if (n1)
		CHECK(strstr(err.message, n1) || strstr(err.hint, n1),
		      "'%s': message '%s' / hint '%s' lacks '%s'", text, err.message, err.hint, n1);
	if (n2)
		CHECK(strstr(err.message, n2) || strstr(err.hint, n2),
		      "'%s': message '%s' / hint '%s' lacks '%s'", text, err.message, err.hint, n2);
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
		CHECK(s->preset == cases[i].preset, "'%s' preset %d", cases[i].text, s->preset);
		CHECK(s->preset_given == cases[i].given, "'%s' preset_given", cases[i].text);
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
		{ "none+no_synic+stimer", F(STIMER) | F(SYNIC) | F(TIME) | F(VPINDEX) | F(HYPERCALL) },
		{ "none+relaxed+no_relaxed", 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kc_hv_spec *s = parse_ok(cases[i].text);
		if (!s)
			continue;
		CHECK_HEX(s->on, cases[i].on, cases[i].text);
		CHECK((s->on & s->off) == 0, "'%s': on and off overlap", cases[i].text);
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
		CHECK(s->spinlocks_given, "spinlocks given");
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
	s = parse_ok("default+spinlocks=0xFFFFFFFF");
	if (s) {
		CHECK_HEX(s->spinlocks, 0xFFFFFFFF, "spinlocks=0xFFFFFFFF");
		kc_hv_spec_free(s);
	}
	s = parse_ok("windows+vendor_id=KVMKVMKVM+no_kvm_leaves");
	if (s) {
		CHECK(s->vendor_given && !strcmp(s->vendor, "KVMKVMKVM"), "vendor '%s'", s->vendor);
		CHECK(s->no_kvm_leaves, "no_kvm_leaves");
		kc_hv_spec_free(s);
	}
	s = parse_ok("windows+hv-vendor-id=ABCDEFGHIJKL+no_kvm_leaves+kvm_leaves");
	if (s) {
		CHECK(!strcmp(s->vendor, "ABCDEFGHIJKL"), "12-char vendor '%s'", s->vendor);
		CHECK(!s->no_kvm_leaves, "kvm_leaves re-enables");
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
	parse_fails("default+spinlocks=100", -ERANGE, "out of range", "0xFFF");
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

int main(void)
{
	test_presets();
	test_names_and_aliases();
	test_disable_takes_dependents();
	test_values();
	test_errors();
	return hvt_finish("test-hv-spec");
}
