/* SPDX-License-Identifier: MIT */
/*
 * The two kinds of host recording (docs/host-format.md): KVM's report and a raw
 * CPUID dump. How a recording says its kind, in both formats and through a round
 * trip; what a raw dump gains (the bits KVM sets on that processor, from Linux's
 * kvm_set_cpu_caps and friends) and what a KVM report gains (tsc-deadline from
 * KVM_CAP_TSC_DEADLINE_TIMER, as QEMU adds it); the XFD flag of leaf 0xD.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

enum { EAX, EBX, ECX, EDX };

static char *read_fixture(const char *name)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/tests/hosts/%s", srcdir(), name);
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "cannot open %s\n", path);
		exit(99);
	}
	static char buf[1 << 16];
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return strdup(buf);
}

/* @text with its "kind raw-cpuid" line replaced by @kind_line. */
static char *with_kind(const char *text, const char *kind_line)
{
	const char *at = strstr(text, "kind raw-cpuid\n");
	if (!at)
		return strdup(text);
	size_t head = (size_t)(at - text), klen = strlen(kind_line);
	const char *tail = at + strlen("kind raw-cpuid\n");
	char *out = malloc(head + klen + strlen(tail) + 1);
	memcpy(out, text, head);
	memcpy(out + head, kind_line, klen);
	strcpy(out + head + klen, tail);
	return out;
}

static struct kvmcpu_host *load(const char *text, struct kvmcpu_error *err)
{
	struct kvmcpu_host *h = NULL;
	kvmcpu_error_clear(err);
	if (kvmcpu_host_load_mem(text, strlen(text), "t", &h, err))
		return NULL;
	return h;
}

static char *save(const struct kvmcpu_host *h, enum kvmcpu_host_format fmt)
{
	size_t len = 0;
	struct kvmcpu_error err;
	kvmcpu_host_save_mem(h, fmt, NULL, 0, &len, &err);
	char *buf = malloc(len + 1);
	CHECK(buf && kvmcpu_host_save_mem(h, fmt, buf, len + 1, NULL, &err) == 0);
	return buf;
}

/* The Haswell dump's leaves 0 and 1, less tsc-deadline (leaf 1 ECX bit 24). */
static const char leaf0_intel[] = "00000000 00 0000000d 756e6547 6c65746e 49656e69\n"
				  "00000001 00 000306c3 00100800 7efafbff bfebfbff\n";

static void test_text_kind(void)
{
	struct kvmcpu_error err;
	char buf[512];
	struct kvmcpu_host *h = load(leaf0_intel, &err);
	CHECK(h && kvmcpu_host_kind(h) == KVMCPU_HOST_KVM);
	kvmcpu_host_free(h);

	snprintf(buf, sizeof(buf), "kind raw-cpuid\n%s", leaf0_intel);
	h = load(buf, &err);
	CHECK(h && kvmcpu_host_kind(h) == KVMCPU_HOST_RAW_CPUID);
	kvmcpu_host_free(h);

	snprintf(buf, sizeof(buf), "kind kvm\n%s", leaf0_intel);
	h = load(buf, &err);
	CHECK(h && kvmcpu_host_kind(h) == KVMCPU_HOST_KVM);
	kvmcpu_host_free(h);

	snprintf(buf, sizeof(buf), "%skind silicon\n", leaf0_intel);
	CHECK(!load(buf, &err));
	CHECK_STR_CONTAINS(err.message, "t:3: a kind line names kvm or raw-cpuid");
	snprintf(buf, sizeof(buf), "kind kvm\nkind raw-cpuid\n%s", leaf0_intel);
	CHECK(!load(buf, &err));
	CHECK_STR_CONTAINS(err.message, "t:2: duplicate kind line");
	snprintf(buf, sizeof(buf), "kind\n%s", leaf0_intel);
	CHECK(!load(buf, &err));
	CHECK_STR_CONTAINS(err.message, "t:1:");
}

static void test_json_kind(void)
{
	static const char cpuid[] =
		"\"cpuid\": [{\"function\": 0, \"eax\": 13, \"ebx\": \"0x756e6547\", "
		"\"ecx\": \"0x6c65746e\", \"edx\": \"0x49656e69\"}, "
		"{\"function\": 1, \"eax\": \"0x906ea\", \"ebx\": 0, \"ecx\": 0, \"edx\": 0}]";
	struct kvmcpu_error err;
	char buf[512];

	snprintf(buf, sizeof(buf), "{\"schema\": \"kvmcpu-host/2\", \"kind\": \"raw-cpuid\", %s}",
		 cpuid);
	struct kvmcpu_host *h = load(buf, &err);
	CHECK_MSG(h && kvmcpu_host_kind(h) == KVMCPU_HOST_RAW_CPUID, "%s", err.message);
	kvmcpu_host_free(h);
	snprintf(buf, sizeof(buf), "{\"schema\": \"kvmcpu-host/2\", %s}", cpuid);
	h = load(buf, &err);
	CHECK(h && kvmcpu_host_kind(h) == KVMCPU_HOST_KVM);
	kvmcpu_host_free(h);
	/* Schema 1 has no kind: a reader of version 1 would take the dump for KVM's report. */
	snprintf(buf, sizeof(buf), "{\"schema\": \"kvmcpu-host/1\", \"kind\": \"raw-cpuid\", %s}",
		 cpuid);
	CHECK(!load(buf, &err));
	CHECK_STR_CONTAINS(err.message, "kind");
	CHECK_STR_CONTAINS(err.message, "unknown member");
	snprintf(buf, sizeof(buf), "{\"schema\": \"kvmcpu-host/2\", \"kind\": \"bare\", %s}",
		 cpuid);
	CHECK(!load(buf, &err));
	CHECK_STR_CONTAINS(err.message,
			   "\"bare\" is not a kind; expected \"kvm\" or \"raw-cpuid\"");
	snprintf(buf, sizeof(buf), "{\"schema\": \"kvmcpu-host/2\", \"kind\": 1, %s}", cpuid);
	CHECK(!load(buf, &err));
	CHECK_STR_CONTAINS(err.message, "expected a string");
}

/* Text -> JSON -> text keeps the kind; KVM's report is written as before (schema 1). */
static void test_round_trip(void)
{
	struct kvmcpu_error err;
	char *raw = read_fixture("intel-haswell.txt");
	struct kvmcpu_host *h = load(raw, &err);
	CHECK(h);
	char *json = save(h, KVMCPU_HOST_JSON);
	CHECK_STR_CONTAINS(json, "\"schema\": \"kvmcpu-host/2\"");
	CHECK_STR_CONTAINS(json, "\"kind\": \"raw-cpuid\"");
	struct kvmcpu_host *back = load(json, &err);
	CHECK_MSG(back && kvmcpu_host_kind(back) == KVMCPU_HOST_RAW_CPUID, "%s", err.message);
	char *text = save(back, KVMCPU_HOST_TEXT);
	CHECK_STR_CONTAINS(text, "\nkind raw-cpuid\n");
	kvmcpu_host_set_kind(back, KVMCPU_HOST_KVM);
	char *kvm_json = save(back, KVMCPU_HOST_JSON), *kvm_text = save(back, KVMCPU_HOST_TEXT);
	CHECK_STR_CONTAINS(kvm_json, "\"schema\": \"kvmcpu-host/1\"");
	CHECK(!strstr(kvm_json, "\"kind\""));
	CHECK(!strstr(kvm_text, "kind "));
	CHECK_EQ(kvmcpu_host_set_kind(back, (enum kvmcpu_host_kind)7), -EINVAL);
	CHECK(kvmcpu_host_kind_name((enum kvmcpu_host_kind)7) == NULL);
	free(json);
	free(text);
	free(kvm_json);
	free(kvm_text);
	free(raw);
	kvmcpu_host_free(back);
	kvmcpu_host_free(h);
}

static bool dropped(const struct kvmcpu_result *r, const char *feature)
{
	return has_notice(r, KVMCPU_NOTICE_DROPPED, feature);
}

/*
 * The two cases, and the same dumps read as KVM's report. Expected values
 * from Linux (v6.18) arch/x86/kvm/cpuid.c: x2apic, tsc-deadline, tsc-adjust and
 * arch-capabilities are EMULATED_F in kvm_set_cpu_caps; SPEC_CTRL when AMD_IBPB_RET,
 * AMD_IBPB and AMD_IBRS; SPEC_CTRL_SSBD when AMD_SSBD; ARAT in leaf 6 always.
 */
static void test_raw_dump_gains_kvm_bits(void)
{
	struct kvmcpu_error err;
	char *genoa = read_fixture("amd-epyc-genoa.txt"),
	     *genoa_kvm = with_kind(genoa, "kind kvm\n");
	struct kvmcpu_host *raw = load(genoa, &err), *kvm = load(genoa_kvm, &err);
	CHECK(raw && kvm);
	static const char *const kept[] = { "tsc-deadline", "spec-ctrl", "ssbd",
					    "arch-capabilities" };
	struct kvmcpu_result *r = resolve("cpu=Cascadelake-Server-v2", raw, &err);
	struct kvmcpu_result *k = resolve("cpu=Cascadelake-Server-v2", kvm, &err);
	CHECK(r && k);
	for (size_t i = 0; r && k && i < sizeof(kept) / sizeof(kept[0]); i++) {
		CHECK_MSG(!dropped(r, kept[i]), "%s dropped on the raw Genoa dump", kept[i]);
		CHECK_MSG(dropped(k, kept[i]), "%s kept on the Genoa data read as KVM's report",
			  kept[i]);
	}
	if (r) {
		CHECK_EQ((reg_of(r, 1, 0, ECX) >> 24) & 1, 1); /* tsc-deadline */
		CHECK_EQ((reg_of(r, 7, 0, EDX) >> 26) & 1, 1); /* spec-ctrl */
		CHECK_EQ((reg_of(r, 7, 0, EDX) >> 29) & 1, 1); /* arch-capabilities */
		CHECK_EQ((reg_of(r, 7, 0, EDX) >> 31) & 1, 1); /* ssbd */
		CHECK_EQ(reg_of(r, 0x40000001, 0, EAX) & 0x9, 0x9); /* kvmclock */
		/* ARCH_CAPABILITIES exists under KVM on every processor: model 0x2b (rdctl-no
		 * ibrs-all skip-l1dfl-vmentry mds-no) AND what KVM gives on AMD (rdctl-no,
		 * skip-l1dfl-vmentry, mds-no, ... never ibrs-all) = 0x29. */
		bool found;
		CHECK_EQ(msr_of(r, 0x10a, &found), 0x29);
		CHECK(found);
	}
	kvmcpu_result_free(r);
	kvmcpu_result_free(k);
	kvmcpu_host_free(raw);
	kvmcpu_host_free(kvm);
	free(genoa);
	free(genoa_kvm);

	char *conroe = read_fixture("intel-conroe.txt");
	raw = load(conroe, &err);
	r = resolve("cpu=Westmere", raw, &err);
	CHECK(r);
	if (r) {
		CHECK(!dropped(r, "x2apic"));
		CHECK(!dropped(r, "arat"));
		CHECK_EQ((reg_of(r, 1, 0, ECX) >> 21) & 1, 1); /* x2apic */
		CHECK_EQ(reg_of(r, 6, 0, EAX) & 4, 4); /* arat */
	}
	kvmcpu_result_free(r);
	kvmcpu_host_free(raw);
	free(conroe);

	/* Hygon (family 0x18, no AMD_SSBD): LS_CFG_SSBD, so kvm_amd offers virt-ssbd. */
	char *hygon = read_fixture("hygon-dhyana.txt");
	raw = load(hygon, &err);
	r = resolve("cpu=EPYC-Rome+virt-ssbd", raw, &err);
	CHECK_MSG(r != NULL, "virt-ssbd on the Hygon dump: %s", err.message);
	kvmcpu_result_free(r);
	kvmcpu_host_free(raw);
	char *hygon_kvm = with_kind(hygon, "kind kvm\n");
	struct kvmcpu_host *as_kvm = load(hygon_kvm, &err);
	r = resolve("cpu=EPYC-Rome+virt-ssbd", as_kvm, &err);
	CHECK(r == NULL);
	CHECK_STR_CONTAINS(err.message, "'virt-ssbd' was requested");
	kvmcpu_result_free(r);
	kvmcpu_host_free(as_kvm);
	free(hygon_kvm);
	free(hygon);
}

/*
 * IA32_ARCH_CAPABILITIES on the raw Genoa dump equals what a real KVM (Linux 6.18)
 * reported on a Genoa processor: tests/hosts/hv-none-pvm.txt, recorded live.
 */
static void test_raw_arch_capabilities_match_live_kvm(void)
{
	struct kvmcpu_error err;
	struct kvmcpu_host *live = fixture_host("hv-none-pvm.txt");
	struct kvmcpu_host *raw = fixture_host("amd-epyc-genoa.txt");
	const struct kvmcpu_cpuid_entry *a = kvmcpu_host_cpuid_find(live, 1, 0);
	const struct kvmcpu_cpuid_entry *b = kvmcpu_host_cpuid_find(raw, 1, 0);
	CHECK(a && b && a->eax == b->eax); /* the same family, model and stepping */
	uint64_t live_value = 0;
	CHECK(kvmcpu_host_msr(live, 0x10a, &live_value) == 1);
	struct kvmcpu_result *r = resolve("cpu=host", raw, &err);
	CHECK(r);
	if (r) {
		bool found;
		CHECK_HEX(msr_of(r, 0x10a, &found), live_value,
			  "ARCH_CAPABILITIES of host on Genoa");
		CHECK(found);
	}
	kvmcpu_result_free(r);
	kvmcpu_host_free(live);
	kvmcpu_host_free(raw);
}

/* KVM's report: tsc-deadline only when KVM_CAP_TSC_DEADLINE_TIMER says so (QEMU's rule). */
static void test_kvm_report_tsc_deadline(void)
{
	struct kvmcpu_error err;
	char buf[512];
	static const char *const caps[] = { "", "cap KVM_CAP_TSC_DEADLINE_TIMER 0\n",
					    "cap KVM_CAP_TSC_DEADLINE_TIMER 1\n" };
	for (int i = 0; i < 3; i++) {
		snprintf(buf, sizeof(buf), "%s%s", leaf0_intel, caps[i]);
		struct kvmcpu_host *h = load(buf, &err);
		struct kvmcpu_result *r = h ? resolve("cpu=Haswell-noTSX", h, &err) : NULL;
		CHECK(r);
		if (r)
			CHECK_EQ((reg_of(r, 1, 0, ECX) >> 24) & 1, (i == 2));
		kvmcpu_result_free(r);
		kvmcpu_host_free(h);
	}
}

/*
 * Leaf 0xD on the Sapphire Rapids dump: subleaf 18 (AMX tile data) keeps ECX
 * 0x6 (64-byte aligned, XFD) and subleaf 17 (tile config) 0x2, as recorded.
 */
static void test_xfd_flag(void)
{
	struct kvmcpu_error err;
	struct kvmcpu_host *h = fixture_host("intel-sapphirerapids.txt");
	const struct kvmcpu_cpuid_entry *d17 = kvmcpu_host_cpuid_find(h, 0xd, 17);
	const struct kvmcpu_cpuid_entry *d18 = kvmcpu_host_cpuid_find(h, 0xd, 18);
	CHECK(d17 && d18 && d17->ecx == 0x2 && d18->ecx == 0x6);
	struct kvmcpu_result *r = resolve("cpu=SapphireRapids", h, &err);
	CHECK(r);
	if (r) {
		CHECK_EQ(reg_of(r, 0xd, 0, EAX) & 0x60000, 0x60000); /* XTILECFG, XTILEDATA */
		CHECK_EQ(reg_of(r, 0xd, 17, ECX), 0x2);
		CHECK_EQ(reg_of(r, 0xd, 18, ECX), 0x6);
		CHECK_EQ(reg_of(r, 0xd, 18, EAX), 0x2000);
	}
	kvmcpu_result_free(r);
	kvmcpu_host_free(h);
}

int main(void)
{
	test_text_kind();
	test_json_kind();
	test_round_trip();
	test_raw_dump_gains_kvm_bits();
	test_raw_arch_capabilities_match_live_kvm();
	test_kvm_report_tsc_deadline();
	test_xfd_flag();
	return check_finish("test-host-kind");
}
