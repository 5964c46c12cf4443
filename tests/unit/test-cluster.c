/* SPDX-License-Identifier: MIT */
/*
 * kvmcpu/cluster.h through its public calls: argument errors, host sets, the
 * baseline's call order and streaming (each host freed right after it is added),
 * a proof that catches a host that was not added, fit and migration verdicts on
 * hosts built in memory from facts of the SDM (AVX-512F is CPUID.7.0:EBX[16],
 * invtsc CPUID.80000007H:EDX[8], MAXPHYADDR CPUID.80000008H:EAX[7:0]).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <kvmcpu/kvmcpu.h>

#include "helpers.h"

/* A copy of @src with some CPUID register bits cleared and a phys-bits / TSC of its own. */
static struct kvmcpu_host *variant(const struct kvmcpu_host *src, uint32_t leaf, int reg,
				   uint32_t clear, unsigned phys_bits, uint32_t tsc_khz,
				   int64_t tsc_control)
{
	struct kvmcpu_host *h = NULL;
	kvmcpu_host_new(&h, NULL);
	for (size_t i = 0; i < kvmcpu_host_cpuid_count(src); i++) {
		struct kvmcpu_cpuid_entry e = *kvmcpu_host_cpuid_at(src, i);
		if (e.function == leaf && e.index == 0)
			(&e.eax)[reg] &= ~clear;
		if (e.function == 0x80000008 && phys_bits)
			e.eax = (e.eax & ~0xffu) | phys_bits;
		kvmcpu_host_add_cpuid(h, &e, NULL);
	}
	for (size_t i = 0; i < kvmcpu_host_cap_count(src); i++) {
		int64_t v;
		const char *name = kvmcpu_host_cap_at(src, i, &v);
		kvmcpu_host_add_cap(h, name, v, NULL);
	}
	kvmcpu_host_add_cap(h, "KVM_CAP_TSC_CONTROL", tsc_control, NULL);
	kvmcpu_host_set_tsc_khz(h, tsc_khz);
	kvmcpu_host_set_info(h, "variant", "6.6.0", "kvm_intel", NULL);
	return h;
}

static void test_arguments(void)
{
	struct kvmcpu_error err;
	struct kvmcpu_baseline *b = NULL;
	CHECK_EQ(kvmcpu_baseline_new(NULL, NULL, &err), -EINVAL);
	CHECK_EQ(kvmcpu_baseline_new(NULL, &b, &err), 0);
	CHECK_EQ(kvmcpu_baseline_add(b, NULL, &err), -EINVAL);
	CHECK_EQ(kvmcpu_baseline_solve(b, &err), -ENODATA);
	CHECK_STR_CONTAINS(err.message, "no hosts");
	CHECK_EQ(kvmcpu_baseline_prove(b, NULL, &err), -EINVAL);
	kvmcpu_baseline_free(b);
	kvmcpu_baseline_free(NULL);
	CHECK_EQ(kvmcpu_fit_check(NULL, NULL, NULL, &err), -EINVAL);
	CHECK_EQ(kvmcpu_migration_check(NULL, NULL, NULL, NULL, &err), -EINVAL);
	CHECK_EQ(kvmcpu_host_diff(NULL, NULL, NULL, &err), -EINVAL);
	CHECK(!kvmcpu_fit_ok(NULL));
	CHECK_EQ(kvmcpu_fit_count(NULL), 0);
	CHECK(kvmcpu_diff_list_at(NULL, 0) == NULL);
	CHECK_EQ(kvmcpu_host_set_count(NULL), 0);
	CHECK(kvmcpu_host_set_path(NULL, 0) == NULL);
	CHECK_EQ(kvmcpu_model_generation(NULL), 0);
	CHECK(!strcmp(kvmcpu_diff_kind_name(KVMCPU_DIFF_HYPERV), "hyperv"));
	/* Generations order models: Ice Lake-SP after Skylake-SP, the psABI levels have none. */
	CHECK(kvmcpu_model_generation(kvmcpu_model_find("Icelake-Server-v1")) >
	      kvmcpu_model_generation(kvmcpu_model_find("Skylake-Server-v1")));
	CHECK(kvmcpu_model_generation(kvmcpu_model_find("EPYC-Milan")) >
	      kvmcpu_model_generation(kvmcpu_model_find("EPYC-Rome")));
	CHECK_EQ(kvmcpu_model_generation(kvmcpu_model_find("x86-64-v3")), 0);
}

/*
 * Every model stands for a processor generation, except QEMU's generic ones (qemu32,
 * qemu64, kvm32, kvm64) and the psABI levels: a model added to data/ without a launch
 * date would otherwise sort as generic and never be a baseline's answer.
 */
static void test_every_model_has_a_generation(void)
{
	static const char *const generic[] = { "qemu32", "qemu64", "kvm32", "kvm64" };
	for (size_t i = 0; i < kvmcpu_model_count(); i++) {
		const struct kvmcpu_model *m = kvmcpu_model_at(i);
		const char *name = kvmcpu_model_name(kvmcpu_model_resolve_alias(m));
		bool is_generic = kvmcpu_model_is_psabi_level(m);
		for (size_t g = 0; g < sizeof(generic) / sizeof(generic[0]); g++)
			is_generic |= !strncmp(name, generic[g], strlen(generic[g])) &&
				      (name[strlen(generic[g])] == '-' ||
				       !name[strlen(generic[g])]);
		CHECK_MSG((kvmcpu_model_generation(m) == 0) == is_generic, "%s: generation %u",
			  kvmcpu_model_name(m), kvmcpu_model_generation(m));
	}
}

static void test_host_set(void)
{
	struct kvmcpu_error err;
	struct kvmcpu_host_set *set;
	char dir[] = "/tmp/kvmcpu-test-cluster-XXXXXX", path[600], hosts[512];
	CHECK(mkdtemp(dir) != NULL);
	snprintf(hosts, sizeof(hosts), "%s/tests/hosts/intel-haswell.txt", srcdir());
	CHECK_EQ(kvmcpu_host_set_new(&set, &err), 0);
	CHECK_EQ(kvmcpu_host_set_add(set, dir, &err), -ENOENT);
	CHECK_STR_CONTAINS(err.message, "no host recordings");
	snprintf(path, sizeof(path), "%s/b.txt", dir);
	CHECK_EQ(symlink(hosts, path), 0);
	snprintf(path, sizeof(path), "%s/a.json", dir);
	FILE *f = fopen(path, "w");
	fputs("{}\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/notes.md", dir);
	f = fopen(path, "w");
	fclose(f);
	CHECK_EQ(kvmcpu_host_set_add(set, dir, &err), 0);
	CHECK_EQ(kvmcpu_host_set_count(set), 2); /* a.json, b.txt; not notes.md */
	CHECK_STR_CONTAINS(kvmcpu_host_set_path(set, 0), "/a.json");
	CHECK_EQ(kvmcpu_host_set_add(set, hosts, &err), -EEXIST); /* b.txt is this file */
	CHECK_STR_CONTAINS(err.message, "one host given twice");
	struct kvmcpu_host *h = NULL;
	CHECK(kvmcpu_host_set_load(set, 0, &h, &err) < 0); /* "{}" is no recording */
	CHECK_EQ(kvmcpu_host_set_load(set, 1, &h, &err), 0);
	kvmcpu_host_free(h);
	CHECK_EQ(kvmcpu_host_set_load(set, 2, &h, &err), -ERANGE);
	CHECK(kvmcpu_host_set_add(set, "/nonexistent/host.json", &err) < 0);
	CHECK_STR_CONTAINS(err.message, "/nonexistent/host.json");
	kvmcpu_host_set_free(set);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	CHECK_EQ(system(path), 0);
}

/* Ten hosts added one at a time and freed at once; then a host never added fails the proof. */
static void test_baseline_streaming(void)
{
	struct kvmcpu_error err;
	struct kvmcpu_host *skx = fixture_host("intel-skylake-server.txt");
	struct kvmcpu_baseline *b;
	CHECK_EQ(kvmcpu_baseline_new(NULL, &b, &err), 0);
	for (int i = 0; i < 10; i++) {
		/* Every other host lacks AVX-512F (CPUID.7.0:EBX[16]). */
		struct kvmcpu_host *h = variant(skx, 7, 1, i % 2 ? 1u << 16 : 0, 40 + (unsigned)i,
						0, 0);
		CHECK_EQ(kvmcpu_baseline_add(b, h, &err), 0);
		kvmcpu_host_free(h);
	}
	CHECK_EQ(kvmcpu_baseline_solve(b, &err), 0);
	CHECK_EQ(kvmcpu_baseline_add(b, skx, &err), -EINVAL); /* no host after solve */
	CHECK_EQ(kvmcpu_baseline_host_count(b), 10);
	CHECK_EQ(kvmcpu_baseline_phys_bits(b), 40);
	CHECK(!strcmp(kvmcpu_baseline_psabi(b), "x86-64-v3")); /* v4 needs AVX-512F */
	CHECK(kvmcpu_baseline_hv(b) == NULL);
	CHECK(strncmp(kvmcpu_baseline_model(b), "Skylake-Server", 14) != 0);
	bool skylake_rung = false;
	for (size_t i = 0; i < kvmcpu_baseline_rung_count(b); i++) {
		const struct kvmcpu_rung *r = kvmcpu_baseline_rung_at(b, i);
		if (!strcmp(r->model, "Skylake-Server-v1")) {
			skylake_rung = r->nhosts == 5 && strstr(r->features, "avx512f");
		}
	}
	CHECK(skylake_rung);
	CHECK_EQ(kvmcpu_baseline_proven(b, &err), -EPROTO); /* nothing proven yet */
	for (int i = 0; i < 10; i++) {
		struct kvmcpu_host *h = variant(skx, 7, 1, i % 2 ? 1u << 16 : 0, 40 + (unsigned)i,
						0, 0);
		CHECK_EQ(kvmcpu_baseline_prove(b, h, &err), 0);
		kvmcpu_host_free(h);
	}
	CHECK_MSG(kvmcpu_baseline_proven(b, &err) == 0, "%s", err.message);
	/* A host that lacks what the answers need is caught by the proof. */
	struct kvmcpu_host *stranger = variant(skx, 1, 2, 1u << 28 /* AVX */, 46, 0, 0);
	CHECK_EQ(kvmcpu_baseline_prove(b, stranger, &err), 0);
	CHECK_EQ(kvmcpu_baseline_proven(b, &err), -EPROTO);
	CHECK_STR_CONTAINS(err.message, "drops");
	kvmcpu_host_free(stranger);
	kvmcpu_baseline_free(b);
	kvmcpu_host_free(skx);
}

/* The same ten hosts proven from the copies kept while adding: the same verdict. */
static void test_baseline_prove_all(void)
{
	struct kvmcpu_error err;
	struct kvmcpu_host *skx = fixture_host("intel-skylake-server.txt");
	struct kvmcpu_baseline *b;
	CHECK_EQ(kvmcpu_baseline_new(NULL, &b, &err), 0);
	CHECK_EQ(kvmcpu_baseline_prove_all(b, &err), -EINVAL); /* not solved */
	for (int i = 0; i < 10; i++) {
		struct kvmcpu_host *h = variant(skx, 7, 1, i % 2 ? 1u << 16 : 0, 40 + (unsigned)i,
						0, 0);
		CHECK_EQ(kvmcpu_baseline_add(b, h, &err), 0);
		kvmcpu_host_free(h);
	}
	CHECK_EQ(kvmcpu_baseline_solve(b, &err), 0);
	CHECK_EQ(kvmcpu_baseline_prove_all(b, &err), 0);
	CHECK_MSG(kvmcpu_baseline_proven(b, &err) == 0, "%s", err.message);
	CHECK_EQ(kvmcpu_baseline_prove_all(b, &err), -ENODATA); /* once */
	kvmcpu_baseline_free(b);
	kvmcpu_host_free(skx);
}

static const struct kvmcpu_diff *find_diff(const struct kvmcpu_diff_list *l, const char *subject)
{
	for (size_t i = 0; i < kvmcpu_diff_list_count(l); i++)
		if (!strcmp(kvmcpu_diff_list_at(l, i)->subject, subject))
			return kvmcpu_diff_list_at(l, i);
	return NULL;
}

static void test_fit_and_migration(void)
{
	struct kvmcpu_error err;
	struct kvmcpu_host *skx = fixture_host("intel-skylake-server.txt");
	struct kvmcpu_host *no512 = variant(skx, 7, 1, 1u << 16, 46, 2100000, 0);
	struct kvmcpu_host *fast = variant(skx, 7, 1, 0, 46, 3000000, 0);
	struct kvmcpu_host *scaling = variant(skx, 7, 1, 0, 46, 3000000, 1);
	struct kvmcpu_config *cfg;
	CHECK_EQ(kvmcpu_config_parse("cpu=Skylake-Server-v4+invtsc", &cfg, &err), 0);
	struct kvmcpu_fit *fit;
	CHECK_EQ(kvmcpu_fit_check(cfg, skx, &fit, &err), 0);
	CHECK(kvmcpu_fit_ok(fit));
	kvmcpu_fit_free(fit);
	/* +invtsc is a user enable: the host without it cannot run the spec at all. */
	CHECK_EQ(kvmcpu_fit_check(cfg, no512, &fit, &err), 0);
	CHECK(!kvmcpu_fit_ok(fit) && kvmcpu_fit_count(fit) >= 1);
	kvmcpu_fit_free(fit);
	struct kvmcpu_diff_list *l;
	/* Same host, other TSC rate, no scaling: invtsc is unsafe. */
	struct kvmcpu_host *slow = variant(skx, 7, 1, 0, 46, 2100000, 0);
	CHECK_EQ(kvmcpu_migration_check(cfg, slow, fast, &l, &err), 0);
	const struct kvmcpu_diff *d = find_diff(l, "tsc-khz");
	CHECK(d && d->blocking && d->kind == KVMCPU_DIFF_TIME && !strcmp(d->a, "2100000"));
	CHECK_EQ(kvmcpu_diff_list_blocking(l), 1);
	kvmcpu_diff_list_free(l);
	CHECK_EQ(kvmcpu_migration_check(cfg, slow, scaling, &l, &err), 0);
	d = find_diff(l, "tsc-khz");
	CHECK(d && !d->blocking);
	CHECK_EQ(kvmcpu_diff_list_blocking(l), 0);
	kvmcpu_diff_list_free(l);
	/* A rate within 250 ppm is the same rate. */
	struct kvmcpu_host *near = variant(skx, 7, 1, 0, 46, 2100000 + 500, 0);
	CHECK_EQ(kvmcpu_migration_check(cfg, slow, near, &l, &err), 0);
	CHECK(find_diff(l, "tsc-khz") == NULL);
	kvmcpu_diff_list_free(l);
	/* AVX-512F lost on the target, and phys-bits 46 -> 39. */
	struct kvmcpu_config *plain;
	/* Guests take the host's address width only with host-phys-bits (QEMU's default is 40). */
	CHECK_EQ(kvmcpu_config_parse("cpu=Skylake-Server-v4,host-phys-bits", &plain, &err), 0);
	struct kvmcpu_host *narrow = variant(skx, 7, 1, 1u << 16, 39, 0, 0);
	CHECK_EQ(kvmcpu_migration_check(plain, skx, narrow, &l, &err), 0);
	d = find_diff(l, "avx512f");
	CHECK(d && d->blocking && d->kind == KVMCPU_DIFF_FEATURE && strstr(d->fix, "+no_avx512f"));
	d = find_diff(l, "phys-bits");
	CHECK(d && d->blocking && !strcmp(d->a, "46") && !strcmp(d->b, "39") &&
	      strstr(d->fix, "phys-bits=39"));
	kvmcpu_diff_list_free(l);
	/* Host diff of the same: nothing; of the narrow one: avx512f by name. */
	CHECK_EQ(kvmcpu_host_diff(skx, skx, &l, &err), 0);
	CHECK_EQ(kvmcpu_diff_list_count(l), 0);
	kvmcpu_diff_list_free(l);
	CHECK_EQ(kvmcpu_host_diff(skx, narrow, &l, &err), 0);
	d = find_diff(l, "avx512f");
	CHECK(d && !strcmp(d->a, "yes") && !strcmp(d->b, "no"));
	kvmcpu_diff_list_free(l);
	kvmcpu_config_free(plain);
	kvmcpu_config_free(cfg);
	kvmcpu_host_free(narrow);
	kvmcpu_host_free(near);
	kvmcpu_host_free(slow);
	kvmcpu_host_free(scaling);
	kvmcpu_host_free(fast);
	kvmcpu_host_free(no512);
	kvmcpu_host_free(skx);
}

int main(void)
{
	test_arguments();
	test_every_model_has_a_generation();
	test_host_set();
	test_baseline_streaming();
	test_baseline_prove_all();
	test_fit_and_migration();
	return check_finish("test-cluster");
}
