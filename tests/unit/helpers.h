/* SPDX-License-Identifier: MIT */
/* Shared helpers of the C unit tests: hosts from tests/hosts, resolving a spec. */
#ifndef KVMCPU_TEST_HELPERS_H
#define KVMCPU_TEST_HELPERS_H

#include <kvmcpu/kvmcpu.h>

#include "check.h"

static inline const char *srcdir(void)
{
	const char *d = getenv("KVMCPU_SRCDIR");
	return d ? d : ".";
}

/* Loads tests/hosts/<name>; aborts the test when the fixture is missing. */
static inline struct kvmcpu_host *fixture_host(const char *name)
{
	char path[512];
	struct kvmcpu_error err;
	struct kvmcpu_host *h;
	snprintf(path, sizeof(path), "%s/tests/hosts/%s", srcdir(), name);
	if (kvmcpu_host_load(path, &h, &err)) {
		fprintf(stderr, "cannot load %s: %s\n", path, err.message);
		exit(99);
	}
	return h;
}

/* A host that supports everything: every leaf a model can use, all bits set. */
static inline struct kvmcpu_host *all_ones_host(void)
{
	struct kvmcpu_host *h = NULL;
	kvmcpu_host_new(&h, NULL);
	const uint32_t ones = 0xffffffffu;
	for (uint32_t fn = 0; fn <= 0x29; fn++) {
		for (uint32_t idx = 0; idx < 3; idx++) {
			struct kvmcpu_cpuid_entry e = { fn, idx, 1, ones, ones, ones, ones, { 0 } };
			kvmcpu_host_add_cpuid(h, &e, NULL);
		}
	}
	/* Leaf 0xD: every component supported, each 64 bytes at a distinct offset. */
	for (uint32_t idx = 2; idx < 20; idx++) {
		struct kvmcpu_cpuid_entry e = { 0xd, idx, 1, 64, 0x240 + 64 * idx, 0, 0, { 0 } };
		kvmcpu_host_add_cpuid(h, &e, NULL);
	}
	for (uint32_t fn = 0x80000000; fn <= 0x80000026; fn++) {
		struct kvmcpu_cpuid_entry e = { fn, 0, 0, ones, ones, ones, ones, { 0 } };
		kvmcpu_host_add_cpuid(h, &e, NULL);
	}
	for (uint32_t fn = 0x40000000; fn <= 0x40000001; fn++) {
		struct kvmcpu_cpuid_entry e = { fn, 0, 0, ones, ones, ones, ones, { 0 } };
		kvmcpu_host_add_cpuid(h, &e, NULL);
	}
	for (uint32_t fn = 0xc0000000; fn <= 0xc0000001; fn++) {
		struct kvmcpu_cpuid_entry e = { fn, 0, 0, ones, ones, ones, ones, { 0 } };
		kvmcpu_host_add_cpuid(h, &e, NULL);
	}
	static const uint32_t msrs[] = { 0x10a, 0xcf,  0x345, 0x480, 0x481, 0x482, 0x483, 0x484,
					 0x485, 0x48b, 0x48c, 0x48d, 0x48e, 0x48f, 0x490, 0x491 };
	for (size_t i = 0; i < sizeof(msrs) / sizeof(msrs[0]); i++)
		kvmcpu_host_add_msr(h, msrs[i], ~0ull, NULL);
	kvmcpu_host_set_info(h, "all-ones", "", "", NULL);
	return h;
}

/* Resolves "params" on @h; NULL (and the message in @err) on failure. */
static inline struct kvmcpu_result *resolve(const char *params, const struct kvmcpu_host *h,
					    struct kvmcpu_error *err)
{
	struct kvmcpu_config *cfg;
	struct kvmcpu_result *r = NULL;
	kvmcpu_error_clear(err);
	if (kvmcpu_config_parse(params, &cfg, err))
		return NULL;
	if (kvmcpu_resolve(cfg, h, &r, err))
		r = NULL;
	kvmcpu_config_free(cfg);
	return r;
}

static inline uint32_t reg_of(const struct kvmcpu_result *r, uint32_t fn, uint32_t idx, int reg)
{
	const struct kvmcpu_cpuid_entry *e = kvmcpu_result_cpuid_find(r, fn, idx);
	if (!e)
		return 0xdeadbeef; /* a value no check expects */
	return (&e->eax)[reg];
}

static inline bool has_notice(const struct kvmcpu_result *r, enum kvmcpu_notice_kind kind,
			      const char *subject)
{
	for (size_t i = 0; i < kvmcpu_result_notice_count(r); i++) {
		const struct kvmcpu_notice *n = kvmcpu_result_notice_at(r, i);
		if (n->kind == kind && !strcmp(n->subject, subject))
			return true;
	}
	return false;
}

static inline uint64_t msr_of(const struct kvmcpu_result *r, uint32_t index, bool *found)
{
	for (size_t i = 0; i < kvmcpu_result_msr_count(r); i++) {
		if (kvmcpu_result_msr_at(r, i)->index == index) {
			*found = true;
			return kvmcpu_result_msr_at(r, i)->value;
		}
	}
	*found = false;
	return 0;
}

#endif
