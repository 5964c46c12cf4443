/* SPDX-License-Identifier: MIT */
/*
 * Firecracker's CPU fingerprint (`cpu-template-helper fingerprint dump`): a JSON object
 * with the kernel version and guest_cpu_config, the guest's CPUID and MSRs written as
 * a custom CPU template whose bitmaps give every bit:
 *   { "kernel_version": "6.1.25-...", "guest_cpu_config": {
 *       "cpuid_modifiers": [ { "leaf": "0x1", "subleaf": "0x0", "flags": 0,
 *           "modifiers": [ { "register": "eax", "bitmap": "0b0000...0110" }, ... ] } ],
 *       "msr_modifiers": [ { "addr": "0x10a", "bitmap": "0b...64 bits..." } ] } }
 * It is Firecracker's normalised guest view of KVM's table (kvm kind), not KVM's raw
 * supported set: see docs/host-format.md.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "host/import.h"
#include "util/json.h"
#include "util/util.h"

#define FORMAT "Firecracker fingerprint"

struct fc_ctx {
	struct kvmcpu_host *h;
	const char *origin;
	struct kvmcpu_error *err;
};

/* "<origin>: Firecracker fingerprint: <path> (line L, column C): <what>" */
static int fc_fail(const struct fc_ctx *c, const struct kc_json *at, const char *path,
		   const char *hint, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static int fc_fail(const struct fc_ctx *c, const struct kc_json *at, const char *path,
		   const char *hint, const char *fmt, ...)
{
	char what[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return kc_fail(c->err, -EINVAL, hint, "%s: " FORMAT ": %s (line %u, column %u): %s",
		       c->origin, path, kc_json_line(at), kc_json_column(at), what);
}

/* Member @key of object @obj with type @type, or an error naming @path.@key. */
static int fc_member(const struct fc_ctx *c, const struct kc_json *obj, const char *path,
		     const char *key, enum kc_json_type type, const struct kc_json **out)
{
	const struct kc_json *v = kc_json_get(obj, key);
	if (!v)
		return fc_fail(c, obj, path, NULL, "missing member \"%s\"", key);
	if (kc_json_type(v) != type)
		return fc_fail(c, v, path, NULL, "member \"%s\" is %s, expected %s", key,
			       kc_json_type_name(kc_json_type(v)), kc_json_type_name(type));
	*out = v;
	return 0;
}

/* A "0x..." string member of at most @max. */
static int fc_hex(const struct fc_ctx *c, const struct kc_json *obj, const char *path,
		  const char *key, uint64_t max, uint64_t *out)
{
	const struct kc_json *v;
	int r = fc_member(c, obj, path, key, KC_JSON_STRING, &v);
	if (r)
		return r;
	size_t len;
	const char *s = kc_json_str(v, &len);
	if (len < 3 || s[0] != '0' || s[1] != 'x' || !kc_parse_u64(s, len, true, max, out))
		return fc_fail(c, v, path, NULL,
			       "member \"%s\" \"%.40s\" is not a hex number of at most %d bits",
			       key, s, max == UINT32_MAX ? 32 : 64);
	return 0;
}

/*
 * A bitmap "0b" + @bits digits ('_' separates groups). A fingerprint records every
 * bit; an 'x' (bit left alone) or a short bitmap is a CPU template, not a recording.
 */
static int fc_bitmap(const struct fc_ctx *c, const struct kc_json *obj, const char *path,
		     unsigned bits, uint64_t *out)
{
	const struct kc_json *v;
	int r = fc_member(c, obj, path, "bitmap", KC_JSON_STRING, &v);
	if (r)
		return r;
	size_t len;
	const char *s = kc_json_str(v, &len);
	uint64_t value = 0;
	unsigned n = 0;
	if (len < 2 || memcmp(s, "0b", 2))
		return fc_fail(c, v, path, NULL, "bitmap \"%.40s\" does not start with 0b", s);
	for (size_t i = 2; i < len; i++) {
		if (s[i] == '_')
			continue;
		if (s[i] == 'x')
			return fc_fail(
				c, v, path,
				"a fingerprint dump gives every bit; CPU templates are not host recordings",
				"bit %u is 'x' (left alone)", bits - 1 - n);
		if ((s[i] != '0' && s[i] != '1') || n == bits)
			return fc_fail(c, v, path, NULL, "bitmap is not %u binary digits", bits);
		value = value << 1 | (uint64_t)(s[i] - '0');
		n++;
	}
	if (n != bits)
		return fc_fail(
			c, v, path,
			"a fingerprint dump gives every bit; CPU templates are not host recordings",
			"bitmap has %u digits, expected %u", n, bits);
	*out = value;
	return 0;
}

static int fc_cpuid_entry(const struct fc_ctx *c, const struct kc_json *m, const char *path)
{
	if (kc_json_type(m) != KC_JSON_OBJECT)
		return fc_fail(c, m, path, NULL, "expected an object, got %s",
			       kc_json_type_name(kc_json_type(m)));
	uint64_t leaf = 0, subleaf = 0, flags = 0;
	const struct kc_json *fv = NULL, *mods = NULL;
	int r = fc_hex(c, m, path, "leaf", UINT32_MAX, &leaf);
	if (!r)
		r = fc_hex(c, m, path, "subleaf", UINT32_MAX, &subleaf);
	if (!r)
		r = fc_member(c, m, path, "flags", KC_JSON_NUMBER, &fv);
	if (!r && (!kc_json_u64(fv, &flags) || flags > UINT32_MAX))
		r = fc_fail(c, fv, path, NULL, "flags is not a 32-bit unsigned integer");
	if (!r)
		r = fc_member(c, m, path, "modifiers", KC_JSON_ARRAY, &mods);
	if (r)
		return r;
	static const char *const regs[4] = { "eax", "ebx", "ecx", "edx" };
	uint32_t value[4] = { 0 };
	bool seen[4] = { false };
	for (size_t i = 0; i < kc_json_count(mods); i++) {
		const struct kc_json *mod = kc_json_at(mods, i), *reg = NULL;
		char mpath[96];
		snprintf(mpath, sizeof(mpath), "%s.modifiers[%zu]", path, i);
		if (kc_json_type(mod) != KC_JSON_OBJECT)
			return fc_fail(c, mod, mpath, NULL, "expected an object");
		r = fc_member(c, mod, mpath, "register", KC_JSON_STRING, &reg);
		if (r)
			return r;
		const char *name = kc_json_str(reg, NULL);
		int k = 0;
		while (k < 4 && strcmp(name, regs[k]))
			k++;
		if (k == 4)
			return fc_fail(c, reg, mpath, NULL,
				       "register \"%.20s\" is not eax, ebx, ecx or edx", name);
		if (seen[k])
			return fc_fail(c, reg, mpath, NULL, "register %s given twice", regs[k]);
		uint64_t bits = 0;
		r = fc_bitmap(c, mod, mpath, 32, &bits);
		if (r)
			return r;
		value[k] = (uint32_t)bits;
		seen[k] = true;
	}
	for (int k = 0; k < 4; k++)
		if (!seen[k])
			return fc_fail(c, mods, path,
				       "a fingerprint dump gives all four registers of each leaf",
				       "no modifier for register %s", regs[k]);
	struct kvmcpu_cpuid_entry e = {
		.function = (uint32_t)leaf,
		.index = (uint32_t)subleaf,
		.flags = (uint32_t)flags,
		.eax = value[0],
		.ebx = value[1],
		.ecx = value[2],
		.edx = value[3],
	};
	r = kc_host_add_cpuid(c->h, &e);
	if (r == -EEXIST)
		return fc_fail(c, m, path, NULL, "leaf 0x%x subleaf 0x%x appears twice", e.function,
			       e.index);
	return r ? kc_fail(c->err, r, NULL, "%s: out of memory", c->origin) : 0;
}

/*
 * The guest MSRs that stand for the feature MSRs kvmcpu reads from KVM: the
 * capability MSRs whose bits are CPU features (Intel SDM Vol. 4). The other MSRs of a
 * fingerprint are the guest's boot state, not what the host offers.
 */
static bool is_feature_msr(uint32_t index)
{
	return index == 0x10a /* IA32_ARCH_CAPABILITIES */ ||
	       index == 0xcf /* IA32_CORE_CAPABILITIES */ ||
	       index == 0x345 /* IA32_PERF_CAPABILITIES */ ||
	       (index >= 0x480 && index <= 0x492) /* IA32_VMX_* */;
}

static int fc_msr_entry(const struct fc_ctx *c, const struct kc_json *m, const char *path)
{
	if (kc_json_type(m) != KC_JSON_OBJECT)
		return fc_fail(c, m, path, NULL, "expected an object, got %s",
			       kc_json_type_name(kc_json_type(m)));
	uint64_t addr = 0, value = 0;
	int r = fc_hex(c, m, path, "addr", UINT32_MAX, &addr);
	if (!r)
		r = fc_bitmap(c, m, path, 64, &value);
	if (r || !is_feature_msr((uint32_t)addr))
		return r;
	r = kc_host_add_msr(c->h, (uint32_t)addr, value);
	if (r == -EEXIST)
		return fc_fail(c, m, path, NULL, "MSR 0x%x appears twice", (unsigned)addr);
	return r ? kc_fail(c->err, r, NULL, "%s: out of memory", c->origin) : 0;
}

static int fc_array(const struct fc_ctx *c, const struct kc_json *arr, const char *name,
		    int (*entry)(const struct fc_ctx *, const struct kc_json *, const char *))
{
	for (size_t i = 0; i < kc_json_count(arr); i++) {
		char path[64];
		snprintf(path, sizeof(path), "guest_cpu_config.%s[%zu]", name, i);
		int r = entry(c, kc_json_at(arr, i), path);
		if (r)
			return r;
	}
	return 0;
}

static int fc_top(const struct fc_ctx *c, const struct kc_json *top)
{
	const struct kc_json *cfg = NULL, *cpuid = NULL, *kernel = NULL, *msrs = NULL;
	if (kc_json_type(top) != KC_JSON_OBJECT)
		return fc_fail(c, top, "(top level)", NULL, "expected an object");
	if (!kc_json_get(top, "guest_cpu_config") && kc_json_get(top, "cpuid_modifiers"))
		return fc_fail(
			c, top, "(top level)",
			"record the host with: cpu-template-helper fingerprint dump",
			"a Firecracker CPU template (cpuid_modifiers at the top level) says what to change, not what a host has");
	int r = fc_member(c, top, "(top level)", "guest_cpu_config", KC_JSON_OBJECT, &cfg);
	if (r)
		return r;
	if (kc_json_get(cfg, "reg_modifiers") && !kc_json_get(cfg, "cpuid_modifiers"))
		return fc_fail(c, cfg, "guest_cpu_config", "kvmcpu hosts are x86 hosts",
			       "an aarch64 fingerprint (reg_modifiers) has no CPUID");
	r = fc_member(c, cfg, "guest_cpu_config", "cpuid_modifiers", KC_JSON_ARRAY, &cpuid);
	if (!r)
		r = fc_array(c, cpuid, "cpuid_modifiers", fc_cpuid_entry);
	if (!r && (msrs = kc_json_get(cfg, "msr_modifiers"))) {
		if (kc_json_type(msrs) != KC_JSON_ARRAY)
			return fc_fail(c, msrs, "guest_cpu_config.msr_modifiers", NULL,
				       "expected an array");
		r = fc_array(c, msrs, "msr_modifiers", fc_msr_entry);
	}
	if (!r && (kernel = kc_json_get(top, "kernel_version"))) {
		if (kc_json_type(kernel) != KC_JSON_STRING)
			return fc_fail(c, kernel, "kernel_version", NULL, "expected a string");
		kc_host_set_info(c->h, NULL, kc_json_str(kernel, NULL), NULL);
	}
	return r;
}

/* A JSON object naming Firecracker's members; the JSON reader checks the rest. */
bool kc_import_firecracker_detect(const char *data, size_t len)
{
	size_t i = 0;
	if (len >= 3 && !memcmp(data, "\xef\xbb\xbf", 3))
		i = 3;
	while (i < len && strchr(" \t\r\n", data[i]) && data[i])
		i++;
	if (i >= len || data[i] != '{')
		return false;
	return memmem(data, len, "\"guest_cpu_config\"", 18) ||
	       memmem(data, len, "\"firecracker_version\"", 21) ||
	       memmem(data, len, "\"cpuid_modifiers\"", 17); /* a CPU template, refused by name */
}

int kc_import_firecracker(struct kvmcpu_host *h, const char *data, size_t len, const char *origin,
			  struct kvmcpu_error *err)
{
	char named[300];
	snprintf(named, sizeof(named), "%s: " FORMAT, origin);
	struct kc_json *top;
	int r = kc_json_parse(data, len, named, &top, err);
	if (r)
		return r;
	const struct fc_ctx c = { .h = h, .origin = origin, .err = err };
	r = fc_top(&c, top);
	kc_json_free(top);
	return r;
}
