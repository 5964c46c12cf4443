/* SPDX-License-Identifier: MIT */
/*
 * The recorded-host formats: round trips of every fixture host through JSON
 * and text, the exact JSON output for a small host, and every error of the
 * JSON reader with its message. Expected values are written by hand.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "host/load-priv.h"
#include "util/util.h"

/* Saves @h in @format into a malloc'd string: the length first, then the caller buffer. */
static char *save(const struct kvmcpu_host *h, enum kvmcpu_host_format format)
{
	struct kvmcpu_error err;
	size_t len = 0, again = 0;
	CHECK_EQ(kvmcpu_host_save_mem(h, format, NULL, 0, &len, &err), -ENOBUFS);
	char *buf = malloc(len + 1);
	if (!buf)
		return NULL;
	int rc = kvmcpu_host_save_mem(h, format, buf, len + 1, &again, &err);
	CHECK_MSG(!rc, "save failed: %s", err.message);
	CHECK_EQ(again, len);
	if (rc) {
		free(buf);
		return NULL;
	}
	CHECK_EQ(strlen(buf), len);
	return buf;
}

static struct kvmcpu_host *load(const char *data, const char *origin)
{
	struct kvmcpu_error err;
	struct kvmcpu_host *h = NULL;
	int r = kvmcpu_host_load_mem(data, strlen(data), origin, &h, &err);

	CHECK_MSG(r == 0, "%s: load failed: %s", origin, err.message);
	return r ? NULL : h;
}

static bool same_entries(const struct kvmcpu_cpuid_entry *a, size_t na,
			 const struct kvmcpu_cpuid_entry *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (a[i].function != b[i].function || a[i].index != b[i].index ||
		    a[i].flags != b[i].flags || a[i].eax != b[i].eax || a[i].ebx != b[i].ebx ||
		    a[i].ecx != b[i].ecx || a[i].edx != b[i].edx)
			return false;
	return true;
}

/* Everything a recording carries, except the origin (a loaded host is named after its file). */
static bool same_host(const struct kvmcpu_host *a, const struct kvmcpu_host *b, const char *what)
{
	const char *diff = NULL;

	if (!a || !b)
		diff = "missing host";
	else if (!same_entries(a->cpuid, a->ncpuid, b->cpuid, b->ncpuid))
		diff = "cpuid";
	else if (a->hv_cpuid_known != b->hv_cpuid_known ||
		 !same_entries(a->hv, a->nhv, b->hv, b->nhv))
		diff = "hv_cpuid";
	else if (a->ncaps != b->ncaps)
		diff = "number of caps";
	else if (a->nmsrs != b->nmsrs)
		diff = "number of msrs";
	else if (strcmp(a->kernel, b->kernel) || strcmp(a->module, b->module))
		diff = "kernel/module";
	else if (strcmp(kvmcpu_host_vendor(a), kvmcpu_host_vendor(b)))
		diff = "vendor";
	for (size_t i = 0; !diff && i < a->ncaps; i++) {
		int64_t v;

		if (kvmcpu_host_cap(b, a->caps[i].name, &v) != 1 || v != a->caps[i].value)
			diff = a->caps[i].name;
	}
	for (size_t i = 0; !diff && i < a->nmsrs; i++)
		if (a->msrs[i].index != b->msrs[i].index || a->msrs[i].value != b->msrs[i].value)
			diff = "msr";
	CHECK_MSG(diff == NULL, "%s: hosts differ in %s", what, diff);
	return diff == NULL;
}

/* JSON and text round trips of one host; also checks that saving is stable. */
static void round_trip(const struct kvmcpu_host *h, const char *name)
{
	char *json = save(h, KVMCPU_HOST_JSON), *json2, *text, *text2;
	struct kvmcpu_host *from_json, *from_text;
	char what[300];

	snprintf(what, sizeof(what), "%s via JSON", name);
	from_json = load(json, "rt.json");
	same_host(h, from_json, what);
	json2 = from_json ? save(from_json, KVMCPU_HOST_JSON) : NULL;
	/* Only the origin line may differ between the two saves. */
	if (json2) {
		const char *a = strstr(json, "\"kernel\""), *b = strstr(json2, "\"kernel\"");

		CHECK_MSG(a && b && !strcmp(a, b), "%s: second JSON save differs", name);
	}

	snprintf(what, sizeof(what), "%s via text", name);
	text = save(h, KVMCPU_HOST_TEXT);
	from_text = load(text, "rt.txt");
	/* A host whose Hyper-V CPUID is known but empty reads back as unknown from text. */
	if (!(h->hv_cpuid_known && !h->nhv)) {
		same_host(h, from_text, what);
		text2 = from_text ? save(from_text, KVMCPU_HOST_TEXT) : NULL;
	} else {
		text2 = NULL;
	}
	if (text2)
		CHECK_MSG(!strcmp(strstr(text, "# kernel:"), strstr(text2, "# kernel:")),
			  "%s: second text save differs", name);
	kvmcpu_host_free(from_json);
	kvmcpu_host_free(from_text);
	free(json);
	free(json2);
	free(text);
	free(text2);
}

static void test_fixture_round_trips(void)
{
	const char *src = getenv("KVMCPU_SRCDIR");
	char dir[512];
	struct dirent *d;
	DIR *dp;
	int n = 0;

	snprintf(dir, sizeof(dir), "%s/tests/hosts", src ? src : ".");
	dp = opendir(dir);
	CHECK_MSG(dp != NULL, "cannot open %s (set KVMCPU_SRCDIR)", dir);
	if (!dp)
		return;
	while ((d = readdir(dp))) {
		size_t len = strlen(d->d_name);
		struct kvmcpu_error err;
		struct kvmcpu_host *h;
		char path[1024];
		int r;

		if (len < 5 || strcmp(d->d_name + len - 4, ".txt"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		r = kvmcpu_host_load(path, &h, &err);
		CHECK_MSG(r == 0, "%s: %s", path, err.message);
		if (r)
			continue;
		CHECK(h->ncpuid > 10);
		round_trip(h, d->d_name);
		kvmcpu_host_free(h);
		n++;
	}
	closedir(dp);
	/* The fifteen real CPUID dumps of tests/hosts/. */
	CHECK(n >= 15);
}

static struct kvmcpu_host *small_host(bool with_hv)
{
	struct kvmcpu_host *h = NULL;
	kvmcpu_host_new(&h, NULL);
	struct kvmcpu_cpuid_entry e0 = {
		.function = 0, .eax = 0xd, .ebx = 0x756e6547, .ecx = 0x6c65746e, .edx = 0x49656e69
	};
	/* Leaf 1 of a Haswell (family 6, model 0x3c, stepping 3), as the SDM encodes it. */
	struct kvmcpu_cpuid_entry e1 = { .function = 1, .eax = 0x000306c3 };
	struct kvmcpu_cpuid_entry e7 = { .function = 7, .index = 1, .flags = 1, .eax = 0x10 };
	struct kvmcpu_cpuid_entry hv = { .function = 0x40000001, .eax = 0x31237648 };

	kvmcpu_host_add_cpuid(h, &e7, NULL);
	kvmcpu_host_add_cpuid(h, &e0, NULL);
	kvmcpu_host_add_cpuid(h, &e1, NULL);
	if (with_hv)
		kvmcpu_host_add_hv_cpuid(h, &hv, NULL);
	kvmcpu_host_add_cap(h, "KVM_CAP_HYPERV", 1, NULL);
	kvmcpu_host_add_cap(h, "KVM_CAP_X86_SMM", 0, NULL);
	kvmcpu_host_add_msr(h, 0x10a, 0xfffffffffffffffeull, NULL);
	kvmcpu_host_add_msr(h, 0xc0000123, 5, NULL);
	kvmcpu_host_set_info(h, "live:/dev/kvm", "6.1.0-18-amd64", "kvm_intel", NULL);
	return h;
}

static void test_exact_output(void)
{
	static const char expected_json[] =
		"{\n"
		"  \"schema\": \"kvmcpu-host/1\",\n"
		"  \"origin\": \"live:/dev/kvm\",\n"
		"  \"kernel\": \"6.1.0-18-amd64\",\n"
		"  \"module\": \"kvm_intel\",\n"
		"  \"cpuid\": [\n"
		"    { \"function\": \"0x00000000\", \"index\": \"0x00000000\", \"flags\": \"0x00000000\", "
		"\"eax\": \"0x0000000d\", \"ebx\": \"0x756e6547\", \"ecx\": \"0x6c65746e\", \"edx\": \"0x49656e69\" },\n"
		"    { \"function\": \"0x00000001\", \"index\": \"0x00000000\", \"flags\": \"0x00000000\", "
		"\"eax\": \"0x000306c3\", \"ebx\": \"0x00000000\", \"ecx\": \"0x00000000\", \"edx\": \"0x00000000\" },\n"
		"    { \"function\": \"0x00000007\", \"index\": \"0x00000001\", \"flags\": \"0x00000001\", "
		"\"eax\": \"0x00000010\", \"ebx\": \"0x00000000\", \"ecx\": \"0x00000000\", \"edx\": \"0x00000000\" }\n"
		"  ],\n"
		"  \"hv_cpuid\": [\n"
		"    { \"function\": \"0x40000001\", \"index\": \"0x00000000\", \"flags\": \"0x00000000\", "
		"\"eax\": \"0x31237648\", \"ebx\": \"0x00000000\", \"ecx\": \"0x00000000\", \"edx\": \"0x00000000\" }\n"
		"  ],\n"
		"  \"caps\": {\n"
		"    \"KVM_CAP_HYPERV\": 1,\n"
		"    \"KVM_CAP_X86_SMM\": 0\n"
		"  },\n"
		"  \"msrs\": [\n"
		"    { \"index\": \"0x0000010a\", \"name\": \"IA32_ARCH_CAPABILITIES\", \"value\": \"0xfffffffffffffffe\" },\n"
		"    { \"index\": \"0xc0000123\", \"value\": \"0x0000000000000005\" }\n"
		"  ]\n"
		"}\n";
	static const char expected_text[] =
		"# kvmcpu host recording, text format (docs/host-format.md)\n"
		"# origin: live:/dev/kvm\n"
		"# kernel: 6.1.0-18-amd64\n"
		"# module: kvm_intel\n"
		"kernel 6.1.0-18-amd64\n"
		"module kvm_intel\n"
		"cpuid 00000000 00000000 0000000d 756e6547 6c65746e 49656e69\n"
		"cpuid 00000001 00000000 000306c3 00000000 00000000 00000000\n"
		"cpuid 00000007 00000001 00000010 00000000 00000000 00000000\n"
		"hv-cpuid 40000001 00000000 31237648 00000000 00000000 00000000\n"
		"cap KVM_CAP_HYPERV 1\n"
		"cap KVM_CAP_X86_SMM 0\n"
		"msr 0000010a fffffffffffffffe\n"
		"msr c0000123 0000000000000005\n";
	static const char expected_empty[] = "{\n"
					     "  \"schema\": \"kvmcpu-host/1\",\n"
					     "  \"origin\": \"\",\n"
					     "  \"kernel\": \"\",\n"
					     "  \"module\": \"\",\n"
					     "  \"cpuid\": [],\n"
					     "  \"hv_cpuid\": null,\n"
					     "  \"caps\": {},\n"
					     "  \"msrs\": []\n"
					     "}\n";
	struct kvmcpu_host *h = small_host(true), *empty = NULL;
	kvmcpu_host_new(&empty, NULL);
	char *json = save(h, KVMCPU_HOST_JSON), *text = save(h, KVMCPU_HOST_TEXT);
	char *ej = save(empty, KVMCPU_HOST_JSON);

	CHECK_MSG(!strcmp(json, expected_json), "JSON output differs:\n%s", json);
	CHECK_MSG(!strcmp(text, expected_text), "text output differs:\n%s", text);
	CHECK_MSG(!strcmp(ej, expected_empty), "empty host JSON differs:\n%s", ej);
	round_trip(h, "small host");
	kvmcpu_host_free(h);
	h = small_host(false);
	round_trip(h, "small host without Hyper-V CPUID");
	kvmcpu_host_free(h);
	free(json);
	free(text);
	free(ej);
	kvmcpu_host_free(empty);
}

static void test_lenient_forms(void)
{
	/* Plain integers and hex strings mix; index and flags may be left out. */
	static const char doc[] =
		"{\"schema\": \"kvmcpu-host/1\", \"x-note\": [\"ignored\"],\n"
		" \"cpuid\": [{\"function\": 0, \"eax\": 13, \"ebx\": \"0x756E6547\", \"ecx\": \"0X6c65746e\","
		" \"edx\": 1231384169},\n"
		"   {\"function\": \"0xd\", \"index\": 1, \"eax\": 15, \"ebx\": 0, \"ecx\": 0, \"edx\": 0},\n"
		"   {\"function\": 1, \"index\": 0, \"flags\": \"0x0\", \"eax\": -0, \"ebx\": 0, \"ecx\": 0,"
		" \"edx\": \"0xffffffff\"}],\n"
		" \"hv_cpuid\": [],\n"
		" \"caps\": {\"KVM_CAP_NESTED_STATE\": 16384, \"KVM_CAP_HYPERV\": \"0x1\", \"x-c\": true},\n"
		" \"msrs\": [{\"index\": 266, \"value\": 18446744073709551615, \"name\": \"anything\"}]}\n";
	struct kvmcpu_host *h = load(doc, "lenient.json");
	const struct kvmcpu_cpuid_entry *e;
	uint64_t msr = 0;
	int64_t cap = 0;

	if (!h)
		return;
	CHECK(!strcmp(kvmcpu_host_vendor(h), "GenuineIntel"));
	CHECK(!strcmp(kvmcpu_host_origin(h), "lenient.json"));
	CHECK(!strcmp(kvmcpu_host_kernel(h), "") && !strcmp(kvmcpu_host_module(h), ""));
	e = kvmcpu_host_cpuid_find(h, 0xd, 1);
	/* Leaf 0xD is indexed (SDM Vol. 2A, CPUID leaf 0DH), so the default flag is set. */
	CHECK(e && e->eax == 15 && e->flags == KVMCPU_CPUID_FLAG_SIGNIFICANT_INDEX);
	e = kvmcpu_host_cpuid_find(h, 1, 0);
	CHECK(e && e->flags == 0 && e->edx == 0xffffffffu && e->eax == 0);
	CHECK(kvmcpu_host_has_hv_cpuid(h) && kvmcpu_host_hv_cpuid_count(h) == 0);
	CHECK(kvmcpu_host_cap(h, "KVM_CAP_NESTED_STATE", &cap) == 1 && cap == 16384);
	CHECK(kvmcpu_host_cap(h, "KVM_CAP_HYPERV", &cap) == 1 && cap == 1);
	CHECK(kvmcpu_host_cap_count(h) == 2);
	CHECK(kvmcpu_host_msr(h, 0x10a, &msr) == 1 && msr == UINT64_MAX);
	round_trip(h, "lenient.json");
	kvmcpu_host_free(h);
}

/* Flags are kept as recorded, even where they differ from the usual ones for the leaf. */
static void test_recorded_flags(void)
{
	static const char doc[] =
		"{\"schema\": \"kvmcpu-host/1\", \"cpuid\": [\n"
		"{\"function\": 0, \"eax\": 4, \"ebx\": 0, \"ecx\": 0, \"edx\": 0},\n"
		"{\"function\": 1, \"eax\": 0, \"ebx\": 0, \"ecx\": 0, \"edx\": 0},\n"
		"{\"function\": \"0x80000001\", \"flags\": \"0x1\", \"eax\": 0, \"ebx\": 0, \"ecx\": 0, \"edx\": 0},\n"
		"{\"function\": 4, \"index\": 2, \"flags\": 0, \"eax\": 0, \"ebx\": 0, \"ecx\": 0, \"edx\": 0}]}";
	struct kvmcpu_host *h = load(doc, "flags.json");
	const struct kvmcpu_cpuid_entry *e;
	char *json;

	if (!h)
		return;
	e = kvmcpu_host_cpuid_find(h, 0x80000001, 0);
	CHECK(e && e->flags == 1);
	e = kvmcpu_host_cpuid_find(h, 4, 2);
	CHECK(e && e->flags == 0);
	json = save(h, KVMCPU_HOST_JSON);
	CHECK(strstr(json,
		     "\"function\": \"0x00000004\", \"index\": \"0x00000002\", \"flags\": \"0x00000000\"") !=
	      NULL);
	CHECK(strstr(json,
		     "\"function\": \"0x80000001\", \"index\": \"0x00000000\", \"flags\": \"0x00000001\"") !=
	      NULL);
	free(json);
	/* The text format writes a flags= field where they differ from the leaf's usual ones. */
	json = save(h, KVMCPU_HOST_TEXT);
	CHECK(strstr(json,
		     "cpuid 00000004 00000002 00000000 00000000 00000000 00000000 flags=0\n") !=
	      NULL);
	CHECK(strstr(json,
		     "cpuid 80000001 00000000 00000000 00000000 00000000 00000000 flags=1\n") !=
	      NULL);
	free(json);
	round_trip(h, "flags.json");
	kvmcpu_host_free(h);
}

/* A real recording from a KVM-PVM host, as written by kvmcpu host --json. */
static void test_real_recording(void)
{
	const char *src = getenv("KVMCPU_SRCDIR");
	struct kvmcpu_error err;
	struct kvmcpu_host *h = NULL;
	const struct kvmcpu_cpuid_entry *e;
	char path[512], *file = NULL, *json;
	size_t len;
	int64_t cap = 0;
	uint64_t msr = 0;
	bool loaded;

	snprintf(path, sizeof(path), "%s/tests/json/data/kvm-pvm-amd.json", src ? src : ".");
	loaded = !kvmcpu_host_load(path, &h, &err) &&
		 !kc_read_file(path, (size_t)64 << 20, &file, &len, &err);
	CHECK_MSG(loaded, "%s: %s", path, err.message);
	if (!loaded) {
		kvmcpu_host_free(h);
		return;
	}
	CHECK(!strcmp(kvmcpu_host_vendor(h), "AuthenticAMD"));
	CHECK(!strcmp(kvmcpu_host_module(h), "kvm_pvm"));
	CHECK(!strcmp(kvmcpu_host_kernel(h), "6.18.44-fc-v669"));
	CHECK(kvmcpu_host_cpuid_count(h) == 75);
	CHECK(!kvmcpu_host_has_hv_cpuid(h));
	CHECK(kvmcpu_host_cap(h, "KVM_CAP_MAX_VCPUS", &cap) == 1 && cap == 1024);
	CHECK(kvmcpu_host_cap(h, "KVM_CAP_HYPERV", &cap) == 1 && cap == 0);
	CHECK(kvmcpu_host_msr(h, 0x10a, &msr) == 1 && msr == 0x400000000c000069ull);
	CHECK(kvmcpu_host_msr_count(h) == 4);
	/* This kernel reports leaf 0x1B without the significant-index flag. */
	e = kvmcpu_host_cpuid_find(h, 0x1b, 0);
	CHECK(e && e->flags == 0);
	e = kvmcpu_host_cpuid_find(h, 0x80000021, 0);
	CHECK(e && e->eax == 0x204 && e->ecx == 6);
	/* Saving gives the file back, from "kernel" on (origin and x-source precede it). */
	json = save(h, KVMCPU_HOST_JSON);
	CHECK(json && !strcmp(strstr(json, "  \"kernel\""), strstr(file, "  \"kernel\"")));
	free(json);
	free(file);
	kvmcpu_host_free(h);
}

/* ---- errors ---- */

static void expect_error(const char *doc, const char *message, int line)
{
	struct kvmcpu_host *h = NULL;
	kvmcpu_host_new(&h, NULL);
	struct kvmcpu_error err;
	int r;

	kvmcpu_error_clear(&err);
	r = kc_host_parse_json(h, doc, strlen(doc), "t.json", &err);
	CHECK_MSG(r == -EINVAL && !strcmp(err.message, message),
		  "from line %d:\n  got      (%d) %s\n  expected %s", line, r, err.message,
		  message);
	kvmcpu_host_free(h);
}

#define EXPECT_ERROR(doc, message) expect_error((doc), (message), __LINE__)

/* Schema line, one good entry, then the second entry with "eax": VALUE at line 5, column 8. */
#define L1 "{\"schema\": \"kvmcpu-host/1\",\n"
#define GOOD "{\"function\": 0, \"eax\": 0, \"ebx\": 0, \"ecx\": 0, \"edx\": 0}"
#define EAX_DOC(value)                                                                             \
	L1 "\"cpuid\": [\n" GOOD ",\n{\"function\": 2,\n\"eax\": " value                           \
	   ", \"ebx\": 0, \"ecx\": 0, \"edx\": 0}]}"
/* caps: the value of the one capability at line 4, column 14 for the name "KVM_CAP_X". */
#define CAPS_DOC(member) L1 "\"cpuid\": [" GOOD "],\n\"caps\": {\n" member "}}"
/* msrs: the one entry starts at line 4, column 1. */
#define MSRS_DOC(entry) L1 "\"cpuid\": [" GOOD "],\n\"msrs\": [\n" entry "]}"

static void test_errors(void)
{
	/* The document itself. */
	EXPECT_ERROR("", "t.json: line 1, column 1: empty input: expected a JSON value");
	EXPECT_ERROR("[1]", "t.json: a host recording is a JSON object, not an array");
	EXPECT_ERROR("\"x\"", "t.json: a host recording is a JSON object, not a string");
	EXPECT_ERROR(L1 "\"cpuid\": [" GOOD,
		     "t.json: line 2, column 66: unexpected end of input (truncated JSON?)");

	/* The schema and the top-level members. */
	EXPECT_ERROR(
		"{\"cpuid\": []}",
		"t.json: missing member \"schema\"; this version of kvmcpu reads \"kvmcpu-host/1\"");
	EXPECT_ERROR(
		"{\"schema\": \"kvmcpu-host/3\", \"cpuid\": []}",
		"t.json: schema (line 1, column 12): schema \"kvmcpu-host/3\" is not understood; "
		"this version of kvmcpu reads \"kvmcpu-host/1\" and \"kvmcpu-host/2\"");
	EXPECT_ERROR(
		"{\"schema\": \"kvmcpu-host/1.1\"}",
		"t.json: schema (line 1, column 12): schema \"kvmcpu-host/1.1\" is not understood; "
		"this version of kvmcpu reads \"kvmcpu-host/1\" and \"kvmcpu-host/2\"");
	EXPECT_ERROR(
		"{\"schema\": 1}",
		"t.json: schema (line 1, column 12): expected the string \"kvmcpu-host/1\", got number");
	EXPECT_ERROR(
		L1 "\"cpuids\": []}",
		"t.json: cpuids (line 2, column 11): unknown member (did you mean \"cpuid\"?)");
	EXPECT_ERROR(L1 "\"zzzzzzzzzzzz\": []}",
		     "t.json: zzzzzzzzzzzz (line 2, column 17): unknown member");
	EXPECT_ERROR(L1 "\"kernel\": \"6.1\"}", "t.json: missing member \"cpuid\"");
	EXPECT_ERROR(
		L1 "\"cpuid\": {}}",
		"t.json: cpuid (line 2, column 10): expected an array of CPUID entries, got object");
	EXPECT_ERROR(
		L1 "\"cpuid\": null}",
		"t.json: cpuid (line 2, column 10): expected an array of CPUID entries, got null");
	EXPECT_ERROR(L1 "\"kernel\": 6, \"cpuid\": []}",
		     "t.json: kernel (line 2, column 11): expected a string, got number");
	EXPECT_ERROR(L1 "\"module\": \"kvm\\u0000intel\", \"cpuid\": []}",
		     "t.json: module (line 2, column 11): contains a NUL character");
	EXPECT_ERROR(L1 "\"module\": \"kvm_intel_with_a_far_too_long_name\", \"cpuid\": []}",
		     "t.json: module (line 2, column 11): longer than 31 bytes");
	EXPECT_ERROR(L1 "\"origin\": [], \"cpuid\": []}",
		     "t.json: origin (line 2, column 11): expected a string, got array");

	/* CPUID entries. */
	EXPECT_ERROR(
		L1 "\"cpuid\": [\n" GOOD ",\n 7]}",
		"t.json: cpuid[1] (line 4, column 2): expected an object {function, index, flags, "
		"eax, ebx, ecx, edx}, got number");
	EXPECT_ERROR(L1 "\"cpuid\": [\n" GOOD
			",\n{\"function\": 1, \"eax\": 0, \"ebx\": 0, \"edx\": 0}]}",
		     "t.json: cpuid[1] (line 4, column 1): missing member \"ecx\"");
	EXPECT_ERROR(L1 "\"cpuid\": [\n{\"eax\": 0, \"ebx\": 0, \"ecx\": 0, \"edx\": 0}]}",
		     "t.json: cpuid[0] (line 3, column 1): missing member \"function\"");
	EXPECT_ERROR(
		L1 "\"cpuid\": [\n" GOOD ",\n{\"function\": 1, \"eaxx\": 0}]}",
		"t.json: cpuid[1].eaxx (line 4, column 25): unknown member (did you mean \"eax\"?)");
	EXPECT_ERROR(
		EAX_DOC("\"0x100000000\""),
		"t.json: cpuid[1].eax (line 5, column 8): \"0x100000000\" does not fit in 32 bits");
	EXPECT_ERROR(EAX_DOC("4294967296"),
		     "t.json: cpuid[1].eax (line 5, column 8): 4294967296 does not fit in 32 bits");
	EXPECT_ERROR(
		EAX_DOC("18446744073709551616"),
		"t.json: cpuid[1].eax (line 5, column 8): 18446744073709551616 does not fit in 32 bits");
	EXPECT_ERROR(
		EAX_DOC("\"0x10000000000000000\""),
		"t.json: cpuid[1].eax (line 5, column 8): \"0x10000000000000000\" does not fit in 32 bits");
	EXPECT_ERROR(
		EAX_DOC("-1"),
		"t.json: cpuid[1].eax (line 5, column 8): -1 is negative; expected an unsigned 32-bit value");
	EXPECT_ERROR(EAX_DOC("1.5"),
		     "t.json: cpuid[1].eax (line 5, column 8): 1.5 is not an integer");
	EXPECT_ERROR(EAX_DOC("1e2"),
		     "t.json: cpuid[1].eax (line 5, column 8): 1e2 is not an integer");
	EXPECT_ERROR(EAX_DOC("\"12\""),
		     "t.json: cpuid[1].eax (line 5, column 8): \"12\" is not a hex number");
	EXPECT_ERROR(EAX_DOC("\"0x\""),
		     "t.json: cpuid[1].eax (line 5, column 8): \"0x\" is not a hex number");
	EXPECT_ERROR(EAX_DOC("\"0x0x1\""),
		     "t.json: cpuid[1].eax (line 5, column 8): \"0x0x1\" is not a hex number");
	EXPECT_ERROR(EAX_DOC("\" 0x1\""),
		     "t.json: cpuid[1].eax (line 5, column 8): \" 0x1\" is not a hex number");
	EXPECT_ERROR(
		EAX_DOC("true"),
		"t.json: cpuid[1].eax (line 5, column 8): expected a hex string such as \"0x1f\" or an "
		"integer, got boolean");
	EXPECT_ERROR(
		EAX_DOC("null"),
		"t.json: cpuid[1].eax (line 5, column 8): expected a hex string such as \"0x1f\" or an "
		"integer, got null");
	EXPECT_ERROR(
		L1 "\"cpuid\": [\n" GOOD ",\n{\"function\": 1, \"index\": \"0x100000000\"}]}",
		"t.json: cpuid[1].index (line 4, column 26): \"0x100000000\" does not fit in 32 bits");
	EXPECT_ERROR(
		L1 "\"cpuid\": [\n" GOOD ",\n" GOOD "]}",
		"t.json: cpuid[1] (line 4, column 1): duplicate entry for function 0x00000000 index 0x0 "
		"(also cpuid[0])");
	EXPECT_ERROR(
		L1 "\"cpuid\": [\n" GOOD ",\n{\"function\": 0, \"index\": \"0x0\", \"eax\": 1,"
		   " \"ebx\": 0, \"ecx\": 0, \"edx\": 0}]}",
		"t.json: cpuid[1] (line 4, column 1): duplicate entry for function 0x00000000 index 0x0 "
		"(also cpuid[0])");
	/* The same leaf with another index is a different entry. */
	{
		static const char ok[] = L1
			"\"cpuid\": [" GOOD ",\n{\"function\": 0, \"index\": 1,"
			" \"eax\": 0, \"ebx\": 0, \"ecx\": 0, \"edx\": 0},\n"
			"{\"function\": 1, \"eax\": 0, \"ebx\": 0, \"ecx\": 0, \"edx\": 0}]}";
		struct kvmcpu_host *h = load(ok, "ok.json");

		CHECK(h && kvmcpu_host_cpuid_count(h) == 3);
		kvmcpu_host_free(h);
	}

	/* Hyper-V CPUID. */
	EXPECT_ERROR(
		L1 "\"cpuid\": [],\n\"hv_cpuid\": \"none\"}",
		"t.json: hv_cpuid (line 3, column 13): expected an array of CPUID entries or null, "
		"got string");
	EXPECT_ERROR(
		L1 "\"cpuid\": [],\n\"hv_cpuid\": [\n" GOOD ",\n" GOOD "]}",
		"t.json: hv_cpuid[1] (line 5, column 1): duplicate entry for function 0x00000000 "
		"index 0x0 (also hv_cpuid[0])");
	EXPECT_ERROR(L1 "\"cpuid\": [],\n\"hv_cpuid\": [{\"function\": \"0x40000001\"}]}",
		     "t.json: hv_cpuid[0] (line 3, column 14): missing member \"eax\"");

	/* Capabilities. */
	EXPECT_ERROR(
		L1 "\"cpuid\": [" GOOD "],\n\"caps\": []}",
		"t.json: caps (line 3, column 9): expected an object mapping KVM_CAP_* names to "
		"integers, got array");
	EXPECT_ERROR(
		CAPS_DOC("\"HYPERV\": 1"),
		"t.json: caps.HYPERV (line 4, column 11): a capability name is KVM_CAP_ and up to 39 "
		"of A-Z, 0-9 and _");
	EXPECT_ERROR(
		CAPS_DOC("\"KVM_CAP_\": 1"),
		"t.json: caps.KVM_CAP_ (line 4, column 13): a capability name is KVM_CAP_ and up to 39 "
		"of A-Z, 0-9 and _");
	EXPECT_ERROR(CAPS_DOC("\"KVM_CAP_X\": \"yes\""),
		     "t.json: caps.KVM_CAP_X (line 4, column 14): \"yes\" is not a hex number");
	EXPECT_ERROR(CAPS_DOC("\"KVM_CAP_X\": 0.5"),
		     "t.json: caps.KVM_CAP_X (line 4, column 14): 0.5 is not an integer");
	EXPECT_ERROR(
		CAPS_DOC("\"KVM_CAP_X\": 9223372036854775808"),
		"t.json: caps.KVM_CAP_X (line 4, column 14): 9223372036854775808 does not fit in 64 bits");
	EXPECT_ERROR(
		CAPS_DOC("\"KVM_CAP_X\": \"0x8000000000000000\""),
		"t.json: caps.KVM_CAP_X (line 4, column 14): \"0x8000000000000000\" does not fit in 63 bits");
	EXPECT_ERROR(
		CAPS_DOC("\"KVM_CAP_X\": false"),
		"t.json: caps.KVM_CAP_X (line 4, column 14): expected a hex string such as \"0x1f\" or "
		"an integer, got boolean");
	EXPECT_ERROR(CAPS_DOC("\"KVM_CAP_X\": 1, \"KVM_CAP_X\": 2"),
		     "t.json: line 4, column 17: duplicate key \"KVM_CAP_X\" in object");

	/* MSRs. */
	EXPECT_ERROR(
		L1 "\"cpuid\": [" GOOD "],\n\"msrs\": {}}",
		"t.json: msrs (line 3, column 9): expected an array of {index, name, value}, got object");
	EXPECT_ERROR(
		MSRS_DOC("\"0x10a\""),
		"t.json: msrs[0] (line 4, column 1): expected an object {index, name, value}, got string");
	EXPECT_ERROR(MSRS_DOC("{\"index\": \"0x10a\"}"),
		     "t.json: msrs[0] (line 4, column 1): missing member \"value\"");
	EXPECT_ERROR(MSRS_DOC("{\"value\": 0}"),
		     "t.json: msrs[0] (line 4, column 1): missing member \"index\"");
	EXPECT_ERROR(
		MSRS_DOC("{\"index\": \"0x1c0000000\", \"value\": 0}"),
		"t.json: msrs[0].index (line 4, column 11): \"0x1c0000000\" does not fit in 32 bits");
	EXPECT_ERROR(
		MSRS_DOC("{\"index\": 266, \"value\": \"0x1ffffffffffffffff\"}"),
		"t.json: msrs[0].value (line 4, column 25): \"0x1ffffffffffffffff\" does not fit in 64 bits");
	EXPECT_ERROR(MSRS_DOC("{\"index\": 266, \"value\": 0, \"name\": 7}"),
		     "t.json: msrs[0].name (line 4, column 36): expected a string, got number");
	EXPECT_ERROR(
		MSRS_DOC("{\"index\": 266, \"value\": 0, \"nmae\": \"x\"}"),
		"t.json: msrs[0].nmae (line 4, column 36): unknown member (did you mean \"name\"?)");
	EXPECT_ERROR(MSRS_DOC("{\"index\": 266, \"value\": 0},\n{\"index\": 1, \"value\": 0},\n"
			      "{\"index\": \"0x10a\", \"value\": 1}"),
		     "t.json: msrs[2] (line 6, column 1): duplicate MSR 0x0000010a (also msrs[0])");
}

/* Every cut of a saved recording fails as truncated JSON, never as a host error. */
static void test_truncated_recordings(void)
{
	struct kvmcpu_host *h = small_host(true);
	char *json = save(h, KVMCPU_HOST_JSON);
	size_t end = (size_t)(strrchr(json, '}') - json), n;
	int bad = 0;

	for (n = 1; n <= end; n++) {
		struct kvmcpu_host *t = NULL;
		kvmcpu_host_new(&t, NULL);
		struct kvmcpu_error err;

		if (kc_host_parse_json(t, json, n, "cut.json", &err) != -EINVAL ||
		    !strstr(err.message, "unexpected end of input (truncated JSON?)")) {
			if (!bad++)
				fprintf(stderr, "cut at %zu: %s\n", n, err.message);
		}
		kvmcpu_host_free(t);
	}
	CHECK(bad == 0);
	kvmcpu_host_free(h);
	free(json);
}

int main(void)
{
	test_fixture_round_trips();
	test_exact_output();
	test_lenient_forms();
	test_recorded_flags();
	test_real_recording();
	test_errors();
	test_truncated_recordings();
	return check_finish("test-host-json");
}
