/* SPDX-License-Identifier: MIT */
/*
 * The recorded host in JSON (schema "kvmcpu-host/1", docs/host-format.md):
 * the reader checks every member and names the JSON path of anything it
 * rejects; the writer prints one CPUID entry or MSR per line so that two
 * recordings diff leaf by leaf.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "host/load-priv.h"
#include "util/json.h"
#include "util/jsonw.h"
#include "util/util.h"

#define KC_HOST_SCHEMA "kvmcpu-host/1"
/* Version 2 adds "kind"; the writer uses it only for recordings that need it (raw dumps). */
#define KC_HOST_SCHEMA_KIND "kvmcpu-host/2"

/* ---- names of the feature MSRs KVM reports (SDM Vol. 4, AMD APM Vol. 2) ---- */

static const struct {
	uint32_t index;
	const char *name;
} feature_msr_names[] = {
	{ 0x0000008b, "IA32_BIOS_SIGN_ID" },
	{ 0x000000ce, "PLATFORM_INFO" },
	{ 0x000000cf, "IA32_CORE_CAPABILITIES" },
	{ 0x0000010a, "IA32_ARCH_CAPABILITIES" },
	{ 0x00000345, "IA32_PERF_CAPABILITIES" },
	{ 0x00000480, "IA32_VMX_BASIC" },
	{ 0x00000481, "IA32_VMX_PINBASED_CTLS" },
	{ 0x00000482, "IA32_VMX_PROCBASED_CTLS" },
	{ 0x00000483, "IA32_VMX_EXIT_CTLS" },
	{ 0x00000484, "IA32_VMX_ENTRY_CTLS" },
	{ 0x00000485, "IA32_VMX_MISC" },
	{ 0x00000486, "IA32_VMX_CR0_FIXED0" },
	{ 0x00000487, "IA32_VMX_CR0_FIXED1" },
	{ 0x00000488, "IA32_VMX_CR4_FIXED0" },
	{ 0x00000489, "IA32_VMX_CR4_FIXED1" },
	{ 0x0000048a, "IA32_VMX_VMCS_ENUM" },
	{ 0x0000048b, "IA32_VMX_PROCBASED_CTLS2" },
	{ 0x0000048c, "IA32_VMX_EPT_VPID_CAP" },
	{ 0x0000048d, "IA32_VMX_TRUE_PINBASED_CTLS" },
	{ 0x0000048e, "IA32_VMX_TRUE_PROCBASED_CTLS" },
	{ 0x0000048f, "IA32_VMX_TRUE_EXIT_CTLS" },
	{ 0x00000490, "IA32_VMX_TRUE_ENTRY_CTLS" },
	{ 0x00000491, "IA32_VMX_VMFUNC" },
	{ 0x00000492, "IA32_VMX_PROCBASED_CTLS3" },
	{ 0xc0011029, "AMD64_DE_CFG" },
};

static const char *feature_msr_name(uint32_t index)
{
	for (size_t i = 0; i < KC_ARRAY_SIZE(feature_msr_names); i++)
		if (feature_msr_names[i].index == index)
			return feature_msr_names[i].name;
	return NULL;
}

/* ---- reading ---- */

struct hj_ctx {
	struct kvmcpu_host *h;
	const char *origin;
	struct kvmcpu_error *err;
};

/* "<origin>: <path> (line L, column C): <what>" */
static int hj_fail(const struct hj_ctx *c, const struct kc_json *at, const char *path,
		   const char *hint, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static int hj_fail(const struct hj_ctx *c, const struct kc_json *at, const char *path,
		   const char *hint, const char *fmt, ...)
{
	char what[320];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return kc_fail(c->err, -EINVAL, hint, "%s: %s (line %u, column %u): %s", c->origin, path,
		       kc_json_line(at), kc_json_column(at), what);
}

static int hj_wrong_type(const struct hj_ctx *c, const struct kc_json *v, const char *path,
			 const char *expected)
{
	return hj_fail(c, v, path, NULL, "expected %s, got %s", expected,
		       kc_json_type_name(kc_json_type(v)));
}

static const char *hj_name_at(size_t i, const void *ctx)
{
	return ((const char *const *)ctx)[i];
}

/*
 * Rejects members not in @known (a NULL-terminated list): a misspelt member
 * would otherwise be silently ignored. Keys starting with "x-" are free for
 * annotations.
 */
static int hj_check_members(const struct hj_ctx *c, const struct kc_json *obj, const char *path,
			    const char *const *known)
{
	size_t n = 0, i, k;

	while (known[n])
		n++;
	for (i = 0; i < kc_json_count(obj); i++) {
		const char *key = kc_json_key_at(obj, i);
		char member[160], near[96];

		if (!strncmp(key, "x-", 2))
			continue;
		for (k = 0; k < n && strcmp(key, known[k]); k++)
			;
		if (k < n)
			continue;
		snprintf(member, sizeof(member), "%s%s%.80s", path, *path ? "." : "", key);
		kc_suggest(key, n, hj_name_at, known, 1, near, sizeof(near));
		if (*near)
			return hj_fail(c, kc_json_at(obj, i), member, NULL,
				       "unknown member (did you mean \"%s\"?)", near);
		return hj_fail(c, kc_json_at(obj, i), member,
			       "see docs/host-format.md for the members of each object",
			       "unknown member");
	}
	return 0;
}

/*
 * An unsigned value of @bits bits, written as a "0x..." hex string or as a
 * plain JSON integer.
 */
static int hj_unsigned(const struct hj_ctx *c, const struct kc_json *v, const char *path,
		       unsigned bits, uint64_t *out)
{
	uint64_t max = bits == 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1;
	const char *s, *text;
	size_t len;
	uint64_t u;

	if (kc_json_type(v) == KC_JSON_STRING) {
		s = kc_json_str(v, &len);
		int r = kc_parse_number(s, len, KC_NUM_0X_HEX, max, &u);
		if (r == -ERANGE)
			return hj_fail(c, v, path, NULL, "\"%.40s\" does not fit in %u bits", s,
				       bits);
		if (r)
			return hj_fail(
				c, v, path,
				"write hex strings as \"0x\" and hex digits, e.g. \"0x0000000d\"",
				"\"%.40s\" is not a hex number", s);
	} else if (kc_json_type(v) == KC_JSON_NUMBER) {
		text = kc_json_number_text(v);
		if (!kc_json_is_integer(v))
			return hj_fail(c, v, path, NULL, "%.40s is not an integer", text);
		if (text[0] == '-' && strcmp(text, "-0"))
			return hj_fail(c, v, path, NULL,
				       "%.40s is negative; expected an unsigned %u-bit value", text,
				       bits);
		if (!kc_json_u64(v, &u) || u > max)
			return hj_fail(c, v, path, NULL, "%.40s does not fit in %u bits", text,
				       bits);
	} else {
		return hj_wrong_type(c, v, path, "a hex string such as \"0x1f\" or an integer");
	}
	*out = u;
	return 0;
}

/* A required unsigned member of @obj. */
static int hj_member_u(const struct hj_ctx *c, const struct kc_json *obj, const char *path,
		       const char *key, unsigned bits, uint64_t *out)
{
	const struct kc_json *v = kc_json_get(obj, key);
	char member[96];
	const char *s;
	size_t len;
	uint64_t u;

	if (!v)
		return hj_fail(c, obj, path, NULL, "missing member \"%s\"", key);
	/* The usual well-formed hex string needs no path for a message. */
	if (kc_json_type(v) == KC_JSON_STRING && (s = kc_json_str(v, &len)) &&
	    !kc_parse_number(s, len, KC_NUM_0X_HEX,
			     bits == 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1, &u)) {
		*out = u;
		return 0;
	}
	snprintf(member, sizeof(member), "%s.%s", path, key);
	return hj_unsigned(c, v, member, bits, out);
}

/* An optional string member; *out stays untouched when absent. */
static int hj_member_str(const struct hj_ctx *c, const struct kc_json *obj, const char *path,
			 const char *key, size_t size, const char **out)
{
	const struct kc_json *v = kc_json_get(obj, key);
	char member[96];
	const char *s;
	size_t len;

	if (!v)
		return 0;
	snprintf(member, sizeof(member), "%s%s%s", path, *path ? "." : "", key);
	s = kc_json_str(v, &len);
	if (!s)
		return hj_wrong_type(c, v, member, "a string");
	if (strlen(s) != len)
		return hj_fail(c, v, member, NULL, "contains a NUL character");
	if (size && len >= size)
		return hj_fail(c, v, member, NULL, "longer than %zu bytes", size - 1);
	*out = s;
	return 0;
}

static const char *const cpuid_members[] = {
	"function", "index", "flags", "eax", "ebx", "ecx", "edx", NULL,
};
/* Positions in cpuid_members; the registers follow each other from HJ_EAX. */
enum { HJ_FUNCTION, HJ_INDEX, HJ_FLAGS, HJ_EAX, HJ_CPUID_MEMBERS = HJ_EAX + 4 };
_Static_assert(KC_ARRAY_SIZE(cpuid_members) == HJ_CPUID_MEMBERS + 1, "cpuid_members");

static int hj_cpuid_entry(const struct hj_ctx *c, const struct kc_json *v, const char *path,
			  struct kvmcpu_cpuid_entry *e)
{
	static const char *const regs[] = { "eax", "ebx", "ecx", "edx" };
	uint64_t u;
	int r;

	memset(e, 0, sizeof(*e));
	if (kc_json_type(v) != KC_JSON_OBJECT)
		return hj_wrong_type(c, v, path,
				     "an object {function, index, flags, eax, ebx, ecx, edx}");
	r = hj_check_members(c, v, path, cpuid_members);
	if (!r)
		r = hj_member_u(c, v, path, "function", 32, &u);
	if (r)
		return r;
	e->function = (uint32_t)u;
	if (kc_json_get(v, "index")) {
		r = hj_member_u(c, v, path, "index", 32, &u);
		if (r)
			return r;
		e->index = (uint32_t)u;
	}
	/* Without flags, the entry gets what KVM gives that leaf. */
	e->flags = kc_leaf_flags(e->function);
	if (kc_json_get(v, "flags")) {
		r = hj_member_u(c, v, path, "flags", 32, &u);
		if (r)
			return r;
		e->flags = (uint32_t)u;
	}
	for (size_t i = 0; i < KC_ARRAY_SIZE(regs); i++) {
		r = hj_member_u(c, v, path, regs[i], 32, &u);
		if (r)
			return r;
		(&e->eax)[i] = (uint32_t)u;
	}
	return 0;
}

/*
 * Position of the member named by @len bytes of @key in cpuid_members, or
 * HJ_CPUID_MEMBERS. The first letter, or the second for the registers, picks
 * the one name to compare.
 */
static size_t hj_cpuid_member(const char *key, size_t len)
{
	size_t k;

	if (len < 3)
		return HJ_CPUID_MEMBERS;
	if (key[0] == 'f')
		k = key[1] == 'u' ? HJ_FUNCTION : HJ_FLAGS;
	else if (key[0] == 'i')
		k = HJ_INDEX;
	else if (key[0] == 'e' && key[1] >= 'a' && key[1] <= 'd')
		k = HJ_EAX + (size_t)(key[1] - 'a');
	else
		return HJ_CPUID_MEMBERS;
	/* Byte by byte: the names are a few letters, shorter than a call to memcmp. */
	const char *name = cpuid_members[k];
	size_t i = 0;
	while (i < len && key[i] == name[i])
		i++;
	return i == len && !name[len] ? k : HJ_CPUID_MEMBERS;
}

/*
 * The entry of the members read: @seen has bit k for each cpuid_members[k]
 * present in @value. False when a required member is missing.
 */
static bool hj_cpuid_entry_of(const uint32_t value[HJ_CPUID_MEMBERS], unsigned seen,
			      struct kvmcpu_cpuid_entry *e)
{
	const unsigned required = 1u << HJ_FUNCTION | 0xfu << HJ_EAX;

	if ((seen & required) != required)
		return false;
	memset(e, 0, sizeof(*e));
	e->function = value[HJ_FUNCTION];
	if (seen & 1u << HJ_INDEX)
		e->index = value[HJ_INDEX];
	/* As in hj_cpuid_entry: without flags, the entry gets what KVM gives that leaf. */
	e->flags = seen & 1u << HJ_FLAGS ? value[HJ_FLAGS] : kc_leaf_flags(e->function);
	for (size_t k = 0; k < 4; k++)
		(&e->eax)[k] = value[HJ_EAX + k];
	return true;
}

/* Entry @i of the CPUID array @name. */
static int hj_cpuid_entry_at(const struct hj_ctx *c, const struct kc_json *arr, const char *name,
			     size_t i, struct kvmcpu_cpuid_entry *e)
{
	char path[48];

	snprintf(path, sizeof(path), "%s[%zu]", name, i);
	return hj_cpuid_entry(c, kc_json_at(arr, i), path, e);
}

/* An array or object longer than a host can hold: one message naming the member. */
static int hj_too_many(const struct hj_ctx *c, const struct kc_json *v, const char *name,
		       size_t max, const char *what, const char *why)
{
	return hj_fail(c, v, name, "this is not a recording of a KVM host",
		       "%zu %s, more than %zu; %s", kc_json_count(v), what, max, why);
}

/* "cpuid" or "hv_cpuid": an array of entries, each (function, index) once. */
static int hj_cpuid_array(const struct hj_ctx *c, const struct kc_json *arr, const char *name,
			  bool hv)
{
	struct kc_host_cpuid_in *in;
	size_t n = kc_json_count(arr), i, dup[2] = { 0, 0 };
	int r = 0;

	if (kc_json_type(arr) != KC_JSON_ARRAY)
		return hj_wrong_type(c, arr, name,
				     hv ? "an array of CPUID entries or null"
					: "an array of CPUID entries");
	if (!hv && n > KC_HOST_MAX_CPUID)
		return hj_too_many(c, arr, name, KC_HOST_MAX_CPUID, "CPUID entries",
				   "KVM reports at most 256 (KVM_MAX_CPUID_ENTRIES)");
	if (hv && n > KC_HOST_MAX_HV_CPUID)
		return hj_too_many(c, arr, name, KC_HOST_MAX_HV_CPUID, "Hyper-V CPUID entries",
				   "KVM reports a dozen");
	in = calloc(n ? n : 1, sizeof(*in));
	if (!in)
		return kc_fail(c->err, -ENOMEM, NULL, "out of memory");
	for (i = 0; i < n && !r; i++) {
		r = hj_cpuid_entry_at(c, arr, name, i, &in[i].e);
		in[i].where = i;
	}
	if (!r)
		r = kc_host_put_cpuid(c->h, hv, in, n, dup);
	if (r == -EEXIST) {
		const struct kc_json *v = kc_json_at(arr, dup[0]);
		char path[48];
		uint64_t fn = 0, idx = 0;

		snprintf(path, sizeof(path), "%s[%zu]", name, dup[0]);
		hj_unsigned(c, kc_json_get(v, "function"), path, 32, &fn);
		if (kc_json_get(v, "index"))
			hj_unsigned(c, kc_json_get(v, "index"), path, 32, &idx);
		r = hj_fail(c, v, path, "each (function, index) may appear once",
			    "duplicate entry for function 0x%08" PRIx64 " index 0x%" PRIx64
			    " (also %s[%zu])",
			    fn, idx, name, dup[1]);
	} else if (r == -ENOMEM) {
		r = kc_fail(c->err, r, NULL, "%s: %s: out of memory", c->origin, name);
	}
	free(in);
	return r;
}

static int hj_cap_value(const struct hj_ctx *c, const struct kc_json *v, const char *path,
			int64_t *value)
{
	uint64_t u;
	int r;

	if (kc_json_type(v) == KC_JSON_NUMBER && kc_json_is_integer(v)) {
		if (!kc_json_i64(v, value))
			return hj_fail(c, v, path, NULL, "%.40s does not fit in 64 bits",
				       kc_json_number_text(v));
		return 0;
	}
	/* Hex strings are allowed like everywhere else; the value is signed 64-bit. */
	r = hj_unsigned(c, v, path, 63, &u);
	if (!r)
		*value = (int64_t)u;
	return r;
}

static int hj_caps(const struct hj_ctx *c, const struct kc_json *obj)
{
	struct kc_host_cap_in *in;
	size_t i, n = 0, dup[2] = { 0, 0 };
	int r = 0;

	if (kc_json_type(obj) != KC_JSON_OBJECT)
		return hj_wrong_type(c, obj, "caps",
				     "an object mapping KVM_CAP_* names to integers");
	if (kc_json_count(obj) > KC_HOST_MAX_CAPS)
		return hj_too_many(c, obj, "caps", KC_HOST_MAX_CAPS, "capabilities",
				   "Linux defines a few hundred");
	in = calloc(kc_json_count(obj) + 1, sizeof(*in));
	if (!in)
		return kc_fail(c->err, -ENOMEM, NULL, "out of memory");
	for (i = 0; i < kc_json_count(obj) && !r; i++) {
		const char *name = kc_json_key_at(obj, i);
		const struct kc_json *v = kc_json_at(obj, i);
		char path[96];

		snprintf(path, sizeof(path), "caps.%.60s", name);
		if (!strncmp(name, "x-", 2))
			continue;
		if (!kc_host_cap_name_ok(name, strlen(name))) {
			r = hj_fail(c, v, path, "capability names are Linux's, e.g. KVM_CAP_HYPERV",
				    "a capability name is KVM_CAP_ and up to %zu of A-Z, 0-9 and _",
				    sizeof(in->name) - 9);
			break;
		}
		r = hj_cap_value(c, v, path, &in[n].value);
		kc_strlcpy(in[n].name, name, sizeof(in[n].name));
		in[n++].where = i;
	}
	if (!r)
		r = kc_host_put_caps(c->h, in, n, dup);
	/* JSON objects refuse repeated keys, so -EEXIST cannot come back here. */
	if (r == -ENOMEM || r == -EEXIST)
		r = kc_fail(c->err, r, NULL, "%s: caps: cannot add the capabilities: %s", c->origin,
			    kvmcpu_strerror(r));
	free(in);
	return r;
}

static const char *const msr_members[] = { "index", "name", "value", NULL };

static int hj_msr(const struct hj_ctx *c, const struct kc_json *v, const char *path,
		  struct kc_host_msr_in *in)
{
	const char *name = NULL;
	uint64_t index = 0;
	int r;

	if (kc_json_type(v) != KC_JSON_OBJECT)
		return hj_wrong_type(c, v, path, "an object {index, name, value}");
	r = hj_check_members(c, v, path, msr_members);
	if (!r)
		r = hj_member_u(c, v, path, "index", 32, &index);
	if (!r)
		r = hj_member_u(c, v, path, "value", 64, &in->value);
	/* The name is informative: checked for type, never trusted over the index. */
	if (!r)
		r = hj_member_str(c, v, path, "name", 0, &name);
	in->index = (uint32_t)index;
	return r;
}

static int hj_msrs(const struct hj_ctx *c, const struct kc_json *arr)
{
	struct kc_host_msr_in *in;
	size_t i, n = kc_json_count(arr), dup[2] = { 0, 0 };
	int r = 0;

	if (kc_json_type(arr) != KC_JSON_ARRAY)
		return hj_wrong_type(c, arr, "msrs", "an array of {index, name, value}");
	if (n > KC_HOST_MAX_MSRS)
		return hj_too_many(c, arr, "msrs", KC_HOST_MAX_MSRS, "MSRs",
				   "KVM reports a few dozen feature MSRs");
	in = calloc(n ? n : 1, sizeof(*in));
	if (!in)
		return kc_fail(c->err, -ENOMEM, NULL, "out of memory");
	for (i = 0; i < n && !r; i++) {
		char path[32];

		snprintf(path, sizeof(path), "msrs[%zu]", i);
		r = hj_msr(c, kc_json_at(arr, i), path, &in[i]);
		in[i].where = i;
	}
	if (!r)
		r = kc_host_put_msrs(c->h, in, n, dup);
	if (r == -EEXIST) {
		char path[32];
		uint32_t index = 0;

		for (i = 0; i < n; i++)
			if (in[i].where == dup[0])
				index = in[i].index;
		snprintf(path, sizeof(path), "msrs[%zu]", dup[0]);
		r = hj_fail(c, kc_json_at(arr, dup[0]), path, "each MSR may appear once",
			    "duplicate MSR 0x%08" PRIx32 " (also msrs[%zu])", index, dup[1]);
	} else if (r == -ENOMEM) {
		r = kc_fail(c->err, r, NULL, "%s: msrs: out of memory", c->origin);
	}
	free(in);
	return r;
}

static const char *const top_members[] = {
	"schema", "origin", "kernel", "module", "cpuid", "hv_cpuid", "caps", "msrs", NULL,
};
static const char *const top_members_v2[] = {
	"schema", "origin", "kernel", "module", "kind", "cpuid", "hv_cpuid", "caps", "msrs", NULL,
};

static int hj_schema(const struct hj_ctx *c, const struct kc_json *top)
{
	const struct kc_json *v = kc_json_get(top, "schema");
	const char *s;

	if (!v)
		return kc_fail(c->err, -EINVAL, "kvmcpu host --json writes a complete recording",
			       "%s: missing member \"schema\"; this version of kvmcpu reads \"%s\"",
			       c->origin, KC_HOST_SCHEMA);
	s = kc_json_str(v, NULL);
	if (!s)
		return hj_wrong_type(c, v, "schema", "the string \"" KC_HOST_SCHEMA "\"");
	if (strcmp(s, KC_HOST_SCHEMA) && strcmp(s, KC_HOST_SCHEMA_KIND))
		return hj_fail(
			c, v, "schema",
			strncmp(s, "kvmcpu-host/", 12)
				? "this is not a kvmcpu host recording"
				: "the file was written by another kvmcpu version; record the host again with this one",
			"schema \"%.60s\" is not understood; this version of kvmcpu reads \"%s\" and \"%s\"",
			s, KC_HOST_SCHEMA, KC_HOST_SCHEMA_KIND);
	return 0;
}

static int hj_info(const struct hj_ctx *c, const struct kc_json *top)
{
	const char *origin = NULL, *kernel = NULL, *module = NULL;
	int r;

	/* The recorded origin is checked but the loaded host keeps its file name as origin. */
	r = hj_member_str(c, top, "", "origin", sizeof(c->h->origin), &origin);
	if (!r)
		r = hj_member_str(c, top, "", "kernel", sizeof(c->h->kernel), &kernel);
	if (!r)
		r = hj_member_str(c, top, "", "module", sizeof(c->h->module), &module);
	if (r)
		return r;
	/* Until the next schema version the TSC frequency travels as an annotation. */
	const struct kc_json *tsc = kc_json_get(top, "x-tsc-khz");
	uint64_t khz = 0;
	if (tsc && (r = hj_unsigned(c, tsc, "x-tsc-khz", 32, &khz)))
		return r;
	kvmcpu_host_set_tsc_khz(c->h, (uint32_t)khz);
	/* The text format holds them as one word: both formats accept the same values. */
	if (kernel && !kc_host_word_ok(kernel, strlen(kernel), sizeof(c->h->kernel)))
		return hj_fail(c, kc_json_get(top, "kernel"), "kernel", NULL,
			       "a kernel release is printable ASCII without space or '#'");
	if (module && !kc_host_word_ok(module, strlen(module), sizeof(c->h->module)))
		return hj_fail(c, kc_json_get(top, "module"), "module", NULL,
			       "a module name is printable ASCII without space or '#'");
	return kc_host_set_info(c->h, NULL, kernel, module);
}

static bool hj_is_v2(const struct kc_json *top)
{
	const char *s = kc_json_str(kc_json_get(top, "schema"), NULL);
	return s && !strcmp(s, KC_HOST_SCHEMA_KIND);
}

/* "kind" (schema 2): "kvm", the default, or "raw-cpuid" for a processor's own CPUID dump. */
static int hj_kind(const struct hj_ctx *c, const struct kc_json *top)
{
	const char *name = NULL;
	enum kvmcpu_host_kind kind;
	int r = hj_member_str(c, top, "", "kind", 16, &name);
	if (r || !name)
		return r;
	if (!kc_host_kind_parse(name, strlen(name), &kind))
		return hj_fail(c, kc_json_get(top, "kind"), "kind",
			       "see docs/host-format.md, \"Kinds of recording\"",
			       "\"%.40s\" is not a kind; expected \"kvm\" or \"raw-cpuid\"", name);
	return kvmcpu_host_set_kind(c->h, kind);
}

static int hj_host(const struct hj_ctx *c, const struct kc_json *top)
{
	const struct kc_json *v;
	int r;

	if (kc_json_type(top) != KC_JSON_OBJECT)
		return kc_fail(c->err, -EINVAL, NULL,
			       "%s: a host recording is a JSON object, not a%s %s", c->origin,
			       kc_json_type(top) == KC_JSON_ARRAY ? "n" : "",
			       kc_json_type_name(kc_json_type(top)));
	r = hj_schema(c, top);
	if (!r && !hj_is_v2(top) && kc_json_get(top, "kind"))
		r = hj_fail(c, kc_json_get(top, "kind"), "kind",
			    "a recording with a kind is schema \"" KC_HOST_SCHEMA_KIND "\"",
			    "unknown member in schema \"" KC_HOST_SCHEMA "\"");
	if (!r)
		r = hj_check_members(c, top, "", hj_is_v2(top) ? top_members_v2 : top_members);
	if (!r)
		r = hj_info(c, top);
	if (!r)
		r = hj_kind(c, top);
	if (r)
		return r;
	v = kc_json_get(top, "cpuid");
	if (!v)
		return kc_fail(c->err, -EINVAL,
			       "a host recording lists the CPUID leaves KVM supports",
			       "%s: missing member \"cpuid\"", c->origin);
	r = hj_cpuid_array(c, v, "cpuid", false);
	if (r)
		return r;
	v = kc_json_get(top, "hv_cpuid");
	kc_host_set_hv_known(c->h, false);
	if (v && kc_json_type(v) != KC_JSON_NULL) {
		r = hj_cpuid_array(c, v, "hv_cpuid", true);
		if (r)
			return r;
		kc_host_set_hv_known(c->h, true);
	}
	v = kc_json_get(top, "caps");
	if (v) {
		r = hj_caps(c, v);
		if (r)
			return r;
	}
	v = kc_json_get(top, "msrs");
	return v ? hj_msrs(c, v) : 0;
}

/* ---- the usual recording, read in one pass ---- */

/*
 * A cluster command reads thousands of recordings, nearly all as `kvmcpu host
 * --json` wrote them. Those are read here in one pass over the bytes, with no
 * tree: members in any order and any spacing, strings of plain ASCII, registers
 * and MSRs as "0x" hex strings, capabilities as integers. Anything
 * else -- an escape, an annotation other than x-tsc-khz, another spelling of a
 * number, a member given twice, any error at all -- is declined, and the tree
 * reader (kc_host_parse_json_tree, hj_host) reads the whole document again with
 * every check and message.
 * So this path never decides what is wrong, only what is right: its hosts
 * equal the tree reader's (the host fuzz target compares both on every input).
 */

/* At most this many capabilities and MSRs on this path; a recording has a few dozen. */
#define HP_MAX_CAPS 256
#define HP_MAX_MSRS 256

struct hp_span {
	const char *s;
	size_t len;
};

struct hp_reader {
	const char *p, *end;
};

enum hp_member {
	HP_SCHEMA,
	HP_ORIGIN,
	HP_KERNEL,
	HP_MODULE,
	HP_KIND,
	HP_TSC_KHZ,
	HP_CPUID,
	HP_HV_CPUID,
	HP_CAPS,
	HP_MSRS,
	HP_MEMBERS,
};

static const char *const hp_member_names[HP_MEMBERS] = {
	"schema",    "origin", "kernel",   "module", "kind",
	"x-tsc-khz", "cpuid",  "hv_cpuid", "caps",   "msrs",
};

struct hp_doc {
	unsigned seen; /* 1 << enum hp_member for each member read */
	struct hp_span text[HP_KIND + 1]; /* schema .. kind */
	uint64_t tsc_khz;
	bool hv_null;
	size_t ncpuid, nhv, ncaps, nmsrs;
	struct kc_host_cpuid_in cpuid[KC_HOST_MAX_CPUID];
	struct kc_host_cpuid_in hv[KC_HOST_MAX_HV_CPUID];
	struct kc_host_cap_in caps[HP_MAX_CAPS];
	struct kc_host_msr_in msrs[HP_MAX_MSRS];
};

/*
 * Byte classes of the one-pass reader: HP_SPACE, JSON's white space; HP_PLAIN,
 * what a string may hold unescaped on this path (printable ASCII but '"' and
 * '\\'). Bytes from 0x80 are neither: the rest of the table is zero. One
 * lookup a byte is what makes this path fast.
 */
enum { HP_SPACE = 1, HP_PLAIN = 2 };
static const unsigned char hp_class[256] = {
	/* clang-format off */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 0, 0, /* 0x00 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x10 */
	3, 2, 0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* 0x20 */
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* 0x30 */
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* 0x40 */
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0, 2, 2, 2, /* 0x50 */
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* 0x60 */
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0, /* 0x70 */
	/* clang-format on */
};

static bool hp_is_class(char c, unsigned class)
{
	return hp_class[(unsigned char)c] & class;
}

static void hp_space(struct hp_reader *r)
{
	while (r->p < r->end && hp_is_class(*r->p, HP_SPACE))
		r->p++;
}

/* The token @c, after any white space. */
static bool hp_eat(struct hp_reader *r, char c)
{
	hp_space(r);
	if (r->p >= r->end || *r->p != c)
		return false;
	r->p++;
	return true;
}

/* A string of printable ASCII without escapes; its bytes stay in the input. */
static bool hp_string(struct hp_reader *r, struct hp_span *out)
{
	if (!hp_eat(r, '"'))
		return false;
	const char *start = r->p;
	while (r->p < r->end && hp_is_class(*r->p, HP_PLAIN))
		r->p++;
	if (r->p >= r->end || *r->p != '"')
		return false;
	*out = (struct hp_span){ start, (size_t)(r->p - start) };
	r->p++;
	return true;
}

static bool hp_is(const struct hp_span *s, const char *word)
{
	return s->len == strlen(word) && !memcmp(s->s, word, s->len);
}

/* A "0x" hex string of at most @max. */
static bool hp_hex(struct hp_reader *r, uint64_t max, uint64_t *out)
{
	struct hp_span s;

	/*
	 * A register as the writer spells it, "0x" and eight digits, is parsed in
	 * place: hex digits hold no quote or escape, so the number parser's check
	 * of the ten bytes between the quotes is the string's check too.
	 */
	hp_space(r);
	if (r->end - r->p >= 12 && r->p[0] == '"' && r->p[11] == '"' &&
	    !kc_parse_number(r->p + 1, 10, KC_NUM_0X_HEX, max, out)) {
		r->p += 12;
		return true;
	}
	return hp_string(r, &s) && !kc_parse_number(s.s, s.len, KC_NUM_0X_HEX, max, out);
}

/*
 * The digits of a JSON integer at the cursor, of at most @max. A leading zero
 * ends the number after it, so "01" leaves "1" where a ',' or '}' must follow,
 * and is declined there, as are a fraction or an exponent.
 */
static bool hp_digits(struct hp_reader *r, uint64_t max, uint64_t *out)
{
	const char *start = r->p;
	if (r->p < r->end && *r->p == '0')
		r->p++;
	else
		while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
			r->p++;
	return r->p > start &&
	       !kc_parse_number(start, (size_t)(r->p - start), KC_NUM_DEC_OR_0X, max, out);
}

/* A JSON integer without sign, of at most @max. */
static bool hp_unsigned(struct hp_reader *r, uint64_t max, uint64_t *out)
{
	hp_space(r);
	return hp_digits(r, max, out);
}

/* A JSON integer that fits 64 signed bits (capabilities: kc_jw_i64 writes them). */
static bool hp_signed(struct hp_reader *r, int64_t *out)
{
	uint64_t u;
	hp_space(r);
	bool negative = r->p < r->end && *r->p == '-';
	r->p += negative;
	if (!hp_digits(r, negative ? (uint64_t)INT64_MAX + 1 : INT64_MAX, &u))
		return false;
	/* -2^63 has no positive counterpart: negate one less, then step down. */
	*out = negative && u ? -(int64_t)(u - 1) - 1 : (int64_t)u;
	return true;
}

/* A member's key and its ':'. */
static bool hp_key(struct hp_reader *r, struct hp_span *key)
{
	return hp_string(r, key) && hp_eat(r, ':');
}

/* '{' or '[' and whether the object or array is empty (its closing token eaten). */
static bool hp_open(struct hp_reader *r, char open, char close, bool *empty)
{
	if (!hp_eat(r, open))
		return false;
	*empty = hp_eat(r, close);
	return true;
}

/*
 * The member of a CPUID entry whose key starts at the cursor, and its ':'. The
 * writer's order is tried first, @expect, by comparing the quoted name in place;
 * any other key is read as a string and looked up.
 */
static size_t hp_cpuid_key(struct hp_reader *r, size_t expect)
{
	struct hp_span key;

	hp_space(r);
	if (expect < HJ_CPUID_MEMBERS && r->p < r->end && *r->p == '"') {
		const char *name = cpuid_members[expect];
		const char *p = r->p + 1;
		while (p < r->end && *name && *p == *name)
			p++, name++;
		if (!*name && p < r->end && *p == '"') {
			r->p = p + 1;
			return hp_eat(r, ':') ? expect : HJ_CPUID_MEMBERS;
		}
	}
	return hp_key(r, &key) ? hj_cpuid_member(key.s, key.len) : HJ_CPUID_MEMBERS;
}

static bool hp_cpuid_entry(struct hp_reader *r, struct kvmcpu_cpuid_entry *e)
{
	uint32_t value[HJ_CPUID_MEMBERS];
	unsigned seen = 0;
	size_t k = HJ_FUNCTION;
	bool empty;

	if (!hp_open(r, '{', '}', &empty) || empty)
		return false;
	do {
		uint64_t u;
		k = hp_cpuid_key(r, k);
		if (k == HJ_CPUID_MEMBERS || seen & 1u << k || !hp_hex(r, UINT32_MAX, &u))
			return false;
		value[k] = (uint32_t)u;
		seen |= 1u << k++;
	} while (hp_eat(r, ','));
	return hp_eat(r, '}') && hj_cpuid_entry_of(value, seen, e);
}

/*
 * The elements of an array or the members of an object, each read by @item,
 * between @open and @close: empty, or items separated by commas.
 */
static bool hp_each(struct hp_reader *r, char open, char close,
		    bool (*item)(struct hp_reader *r, void *ctx), void *ctx)
{
	bool empty;

	if (!hp_open(r, open, close, &empty))
		return false;
	if (empty)
		return true;
	do {
		if (!item(r, ctx))
			return false;
	} while (hp_eat(r, ','));
	return hp_eat(r, close);
}

/* A CPUID array being read: its entries so far and how many it may hold. */
struct hp_cpuid_list {
	struct kc_host_cpuid_in *v;
	size_t max, *n;
};

static bool hp_cpuid_item(struct hp_reader *r, void *ctx)
{
	struct hp_cpuid_list *l = ctx;
	if (*l->n == l->max || !hp_cpuid_entry(r, &l->v[*l->n].e))
		return false;
	l->v[*l->n].where = *l->n;
	++*l->n;
	return true;
}

static bool hp_cpuid_array(struct hp_reader *r, struct kc_host_cpuid_in *v, size_t max, size_t *n)
{
	struct hp_cpuid_list l = { v, max, n };
	*n = 0;
	return hp_each(r, '[', ']', hp_cpuid_item, &l);
}

static bool hp_cap_item(struct hp_reader *r, void *ctx)
{
	struct hp_doc *d = ctx;
	struct kc_host_cap_in *c = &d->caps[d->ncaps];
	struct hp_span name;
	if (d->ncaps == HP_MAX_CAPS || !hp_key(r, &name) || name.len >= sizeof(c->name) ||
	    !kc_host_cap_name_ok(name.s, name.len) || !hp_signed(r, &c->value))
		return false;
	memcpy(c->name, name.s, name.len);
	c->name[name.len] = '\0';
	c->where = d->ncaps++;
	return true;
}

static bool hp_msr(struct hp_reader *r, struct kc_host_msr_in *m)
{
	unsigned seen = 0; /* 1: index, 2: name, 4: value */
	bool empty;

	if (!hp_open(r, '{', '}', &empty) || empty)
		return false;
	do {
		struct hp_span key, name;
		uint64_t u = 0;
		unsigned bit;
		bool ok;
		if (!hp_key(r, &key))
			return false;
		if (hp_is(&key, "index")) {
			bit = 1;
			ok = hp_hex(r, UINT32_MAX, &u);
			m->index = (uint32_t)u;
		} else if (hp_is(&key, "name")) {
			/* Informative, as in hj_msr: never trusted over the index. */
			bit = 2;
			ok = hp_string(r, &name);
		} else if (hp_is(&key, "value")) {
			bit = 4;
			ok = hp_hex(r, UINT64_MAX, &m->value);
		} else {
			return false;
		}
		if (!ok || seen & bit)
			return false;
		seen |= bit;
	} while (hp_eat(r, ','));
	return hp_eat(r, '}') && (seen & 5) == 5;
}

static bool hp_msr_item(struct hp_reader *r, void *ctx)
{
	struct hp_doc *d = ctx;
	if (d->nmsrs == HP_MAX_MSRS || !hp_msr(r, &d->msrs[d->nmsrs]))
		return false;
	d->msrs[d->nmsrs].where = d->nmsrs;
	d->nmsrs++;
	return true;
}

static bool hp_member_value(struct hp_reader *r, struct hp_doc *d, enum hp_member m)
{
	switch (m) {
	case HP_TSC_KHZ:
		return hp_unsigned(r, UINT32_MAX, &d->tsc_khz);
	case HP_CPUID:
		return hp_cpuid_array(r, d->cpuid, KC_HOST_MAX_CPUID, &d->ncpuid);
	case HP_HV_CPUID:
		hp_space(r);
		if (r->end - r->p >= 4 && !memcmp(r->p, "null", 4)) {
			r->p += 4;
			d->hv_null = true;
			return true;
		}
		return hp_cpuid_array(r, d->hv, KC_HOST_MAX_HV_CPUID, &d->nhv);
	case HP_CAPS:
		return hp_each(r, '{', '}', hp_cap_item, d);
	case HP_MSRS:
		return hp_each(r, '[', ']', hp_msr_item, d);
	default:
		return hp_string(r, &d->text[m]);
	}
}

static bool hp_document(struct hp_reader *r, struct hp_doc *d)
{
	bool empty;

	if (r->end - r->p >= 3 && !memcmp(r->p, "\xef\xbb\xbf", 3))
		r->p += 3;
	if (!hp_open(r, '{', '}', &empty) || empty)
		return false;
	do {
		struct hp_span key;
		size_t m = 0;
		if (!hp_key(r, &key))
			return false;
		while (m < HP_MEMBERS && !hp_is(&key, hp_member_names[m]))
			m++;
		if (m == HP_MEMBERS || d->seen & 1u << m || !hp_member_value(r, d, m))
			return false;
		d->seen |= 1u << m;
	} while (hp_eat(r, ','));
	if (!hp_eat(r, '}'))
		return false;
	hp_space(r);
	return r->p == r->end;
}

/* A NUL-terminated copy of text member @m in @buf, or NULL when absent; false when too long. */
static bool hp_text(const struct hp_doc *d, enum hp_member m, char *buf, size_t size,
		    const char **out)
{
	*out = NULL;
	if (!(d->seen & 1u << m))
		return true;
	if (d->text[m].len >= size)
		return false;
	memcpy(buf, d->text[m].s, d->text[m].len);
	buf[d->text[m].len] = '\0';
	*out = buf;
	return true;
}

/* What hj_host does with a document, for one read by hp_document; false: decline. */
static bool hp_install(struct kvmcpu_host *h, struct hp_doc *d)
{
	char schema[32], origin[sizeof(h->origin)], kernel[sizeof(h->kernel)],
		module[sizeof(h->module)], kind_name[16];
	const char *sv, *ov, *kv, *mv, *kn;
	enum kvmcpu_host_kind kind;
	size_t dup[2];

	if (!hp_text(d, HP_SCHEMA, schema, sizeof(schema), &sv) || !sv ||
	    !hp_text(d, HP_ORIGIN, origin, sizeof(origin), &ov) ||
	    !hp_text(d, HP_KERNEL, kernel, sizeof(kernel), &kv) ||
	    !hp_text(d, HP_MODULE, module, sizeof(module), &mv) ||
	    !hp_text(d, HP_KIND, kind_name, sizeof(kind_name), &kn))
		return false;
	bool v2 = !strcmp(sv, KC_HOST_SCHEMA_KIND);
	if ((!v2 && strcmp(sv, KC_HOST_SCHEMA)) || (kn && !v2) || !(d->seen & 1u << HP_CPUID))
		return false;
	if ((kv && !kc_host_word_ok(kv, strlen(kv), sizeof(h->kernel))) ||
	    (mv && !kc_host_word_ok(mv, strlen(mv), sizeof(h->module))) ||
	    (kn && !kc_host_kind_parse(kn, strlen(kn), &kind)))
		return false;
	kvmcpu_host_set_tsc_khz(h, (uint32_t)d->tsc_khz);
	kc_host_set_info(h, NULL, kv, mv);
	if (kn)
		kvmcpu_host_set_kind(h, kind);
	if (kc_host_put_cpuid(h, false, d->cpuid, d->ncpuid, dup))
		return false;
	bool hv = d->seen & 1u << HP_HV_CPUID && !d->hv_null;
	kc_host_set_hv_known(h, hv);
	if (hv && kc_host_put_cpuid(h, true, d->hv, d->nhv, dup))
		return false;
	if (d->seen & 1u << HP_CAPS && kc_host_put_caps(h, d->caps, d->ncaps, dup))
		return false;
	return !(d->seen & 1u << HP_MSRS && kc_host_put_msrs(h, d->msrs, d->nmsrs, dup));
}

int kc_host_parse_json_usual(struct kvmcpu_host *h, const char *data, size_t len)
{
	struct hp_reader r = { data, data + len };
	struct hp_doc *d = malloc(sizeof(*d));
	if (!d)
		return 1;
	d->seen = 0;
	d->tsc_khz = 0;
	d->hv_null = false;
	d->ncpuid = d->nhv = d->ncaps = d->nmsrs = 0;
	bool ok = hp_document(&r, d) && hp_install(h, d);
	free(d);
	return ok ? 0 : 1;
}

int kc_host_parse_json(struct kvmcpu_host *h, const char *data, size_t len, const char *origin,
		       struct kvmcpu_error *err)
{
	return kc_host_parse_json_usual(h, data, len)
		       ? kc_host_parse_json_tree(h, data, len, origin, err)
		       : 0;
}

int kc_host_parse_json_tree(struct kvmcpu_host *h, const char *data, size_t len, const char *origin,
			    struct kvmcpu_error *err)
{
	struct hj_ctx c = { .h = h, .origin = origin ? origin : "<memory>", .err = err };
	struct kc_json *top;
	int r;

	r = kc_json_parse_limited(data, len, c.origin, KC_HOST_JSON_MAX_VALUES, &top, err);
	if (r == -E2BIG && err) {
		char where[sizeof(err->message)];

		kc_strlcpy(where, err->message, sizeof(where));
		return kc_fail(err, -EINVAL, "this is not a recording of a KVM host",
			       "%.400s: a host recording holds a few thousand JSON values (at most "
			       "%d CPUID entries)",
			       where, KC_HOST_MAX_CPUID);
	}
	if (r)
		return r == -E2BIG ? -EINVAL : r;
	r = hj_host(&c, top);
	kc_json_free(top);
	return r;
}

/* ---- writing ---- */

/* One CPUID entry per line, so that two recordings diff leaf by leaf. */
static void hw_cpuid_array(struct kc_jw *w, const char *key, const struct kvmcpu_cpuid_entry *v,
			   size_t n)
{
	kc_jw_key(w, key);
	kc_jw_arr_begin(w);
	for (size_t i = 0; i < n; i++) {
		kc_jw_obj_begin_line(w);
		kc_jw_kv_hex32(w, "function", v[i].function);
		kc_jw_kv_hex32(w, "index", v[i].index);
		kc_jw_kv_hex32(w, "flags", v[i].flags);
		kc_jw_kv_hex32(w, "eax", v[i].eax);
		kc_jw_kv_hex32(w, "ebx", v[i].ebx);
		kc_jw_kv_hex32(w, "ecx", v[i].ecx);
		kc_jw_kv_hex32(w, "edx", v[i].edx);
		kc_jw_obj_end(w);
	}
	kc_jw_arr_end(w);
}

static void hw_caps(struct kc_jw *w, const struct kvmcpu_host *h)
{
	kc_jw_key(w, "caps");
	kc_jw_obj_begin(w);
	for (size_t i = 0; i < h->ncaps; i++) {
		kc_jw_key(w, h->caps[i].name);
		kc_jw_i64(w, h->caps[i].value);
	}
	kc_jw_obj_end(w);
}

static void hw_msrs(struct kc_jw *w, const struct kvmcpu_host *h)
{
	kc_jw_key(w, "msrs");
	kc_jw_arr_begin(w);
	for (size_t i = 0; i < h->nmsrs; i++) {
		const char *name = feature_msr_name(h->msrs[i].index);

		kc_jw_obj_begin_line(w);
		kc_jw_kv_hex32(w, "index", h->msrs[i].index);
		if (name)
			kc_jw_kv_str(w, "name", name);
		kc_jw_kv_hex64(w, "value", h->msrs[i].value);
		kc_jw_obj_end(w);
	}
	kc_jw_arr_end(w);
}

int kc_host_write_json(const struct kvmcpu_host *h, FILE *out, struct kvmcpu_error *err)
{
	bool kind = h->kind != KVMCPU_HOST_KVM;
	struct kc_jw w;

	kc_jw_init(&w, out);
	kc_jw_obj_begin(&w);
	kc_jw_kv_str(&w, "schema", kind ? KC_HOST_SCHEMA_KIND : KC_HOST_SCHEMA);
	kc_jw_kv_str(&w, "origin", h->origin);
	kc_jw_kv_str(&w, "kernel", h->kernel);
	kc_jw_kv_str(&w, "module", h->module);
	if (kind)
		kc_jw_kv_str(&w, "kind", kvmcpu_host_kind_name(h->kind));
	if (h->tsc_khz)
		kc_jw_kv_u64(&w, "x-tsc-khz", h->tsc_khz);
	hw_cpuid_array(&w, "cpuid", h->cpuid, h->ncpuid);
	if (h->hv_cpuid_known) {
		hw_cpuid_array(&w, "hv_cpuid", h->hv, h->nhv);
	} else {
		kc_jw_key(&w, "hv_cpuid");
		kc_jw_null(&w);
	}
	hw_caps(&w, h);
	hw_msrs(&w, h);
	kc_jw_obj_end(&w);
	kc_jw_end(&w);
	if (fflush(out) || ferror(out))
		return kc_fail(err, -EIO, NULL, "cannot write the host JSON: %s", strerror(errno));
	return 0;
}
