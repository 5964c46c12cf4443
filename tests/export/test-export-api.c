/* SPDX-License-Identifier: MIT */
/*
 * The contract of kvmcpu_result_export(): the caller's buffer (NUL-terminated,
 * -ENOSPC with the length needed), -EINVAL for NULL arguments and unknown formats,
 * -EOPNOTSUPP naming what a format cannot say, and --lossy's list. Uses only the
 * public API, on a recorded host with Hyper-V.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <kvmcpu/kvmcpu.h>

#include "check.h"

static struct kvmcpu_result *resolve(const char *params, const struct kvmcpu_host *h,
				     struct kvmcpu_config **cfg)
{
	struct kvmcpu_error err;
	struct kvmcpu_result *r = NULL;
	CHECK_EQ(kvmcpu_config_parse(params, cfg, &err), 0);
	CHECK_EQ(kvmcpu_resolve(*cfg, h, &r, &err), 0);
	return r;
}

/* Exports @params in @format; the return code, the text in @buf and the lost list in @lost. */
static int export_params(const struct kvmcpu_host *h, const char *params,
			 enum kvmcpu_export_format format, bool lossy, char *buf, size_t len,
			 char *lost, size_t lost_len, struct kvmcpu_error *err)
{
	struct kvmcpu_config *cfg = NULL;
	struct kvmcpu_result *r = resolve(params, h, &cfg);
	struct kvmcpu_export_opts o = { .format = format, .lossy = lossy };
	buf[0] = lost[0] = '\0';
	int rc = kvmcpu_result_export(r, cfg, &o, buf, len, NULL, lost, lost_len, err);
	kvmcpu_result_free(r);
	kvmcpu_config_free(cfg);
	return rc;
}

/*
 * Keys of the parameter string beyond cpu/hv/nested_virt reach each format or are
 * named as lost, never dropped: pmu (QEMU's pmu property, libvirt's <pmu>), the
 * topology (QEMU's -smp grammar, libvirt's <topology>), host-cache-info (a property of
 * QEMU's host and max CPUs only). Options are passed without opts->smp, as a library
 * caller that put the topology in the config would.
 */
static void test_config_keys(const struct kvmcpu_host *h)
{
	char buf[8192], lost[1024];
	struct kvmcpu_error err;

	CHECK_EQ(export_params(h, "cpu=Skylake-Server,pmu", KVMCPU_EXPORT_QEMU, false, buf,
			       sizeof(buf), lost, sizeof(lost), &err),
		 0);
	CHECK_STR_CONTAINS(buf, ",pmu=on");
	CHECK_EQ(export_params(h, "cpu=Skylake-Server,pmu", KVMCPU_EXPORT_LIBVIRT, false, buf,
			       sizeof(buf), lost, sizeof(lost), &err),
		 0);
	CHECK_STR_CONTAINS(buf, "<features>\n  <pmu state='on'/>\n</features>");
	CHECK_EQ(export_params(h, "cpu=Skylake-Server,pmu", KVMCPU_EXPORT_PROXMOX, false, buf,
			       sizeof(buf), lost, sizeof(lost), &err),
		 -EOPNOTSUPP);
	CHECK_STR_CONTAINS(err.message, "pmu");
	CHECK_EQ(export_params(h, "cpu=Skylake-Server", KVMCPU_EXPORT_QEMU, false, buf, sizeof(buf),
			       lost, sizeof(lost), &err),
		 0);
	CHECK(!strstr(buf, "pmu"));

	const char *smp = "cpu=Skylake-Server,smp=8,sockets=2,dies=2,cores=2";
	CHECK_EQ(export_params(h, smp, KVMCPU_EXPORT_QEMU, false, buf, sizeof(buf), lost,
			       sizeof(lost), &err),
		 0);
	CHECK_STR_CONTAINS(buf, " -smp 8,sockets=2,dies=2,cores=2,threads=1\n");
	CHECK_EQ(export_params(h, smp, KVMCPU_EXPORT_LIBVIRT, false, buf, sizeof(buf), lost,
			       sizeof(lost), &err),
		 0);
	CHECK_STR_CONTAINS(buf, "  <topology sockets='2' dies='2' cores='2' threads='1'/>\n</cpu>");
	CHECK_EQ(export_params(h, "cpu=Skylake-Server,smp=4,modules=2", KVMCPU_EXPORT_LIBVIRT,
			       false, buf, sizeof(buf), lost, sizeof(lost), &err),
		 -EOPNOTSUPP);
	CHECK_STR_CONTAINS(err.message, "modules");
	CHECK_EQ(export_params(h, smp, KVMCPU_EXPORT_PROXMOX, true, buf, sizeof(buf), lost,
			       sizeof(lost), &err),
		 0);
	CHECK_STR_CONTAINS(lost, "no topology");
	CHECK_EQ(export_params(h, "cpu=Skylake-Server", KVMCPU_EXPORT_LIBVIRT, false, buf,
			       sizeof(buf), lost, sizeof(lost), &err),
		 0);
	CHECK(!strstr(buf, "<topology"));

	for (int f = KVMCPU_EXPORT_QEMU; f <= KVMCPU_EXPORT_PROXMOX; f++) {
		int rc = export_params(h, "cpu=Skylake-Server,host-cache-info", f, false, buf,
				       sizeof(buf), lost, sizeof(lost), &err);
		/* Firecracker's template writes every leaf, the host's caches with them. */
		if (f == KVMCPU_EXPORT_FIRECRACKER)
			continue;
		CHECK_EQ(rc, -EOPNOTSUPP);
		CHECK_STR_CONTAINS(err.message, "host-cache-info");
	}
}

/* Every vCPU's table of @params and of its openvmm export, parsed again, are the same. */
static void test_openvmm_round_trip(const struct kvmcpu_host *h)
{
	static const char *const specs[] = {
		"hv=windows,cpu=Cascadelake-Server+no_hle,nested_virt,smp=4,sockets=2,cores=2,"
		"phys-bits=42,pmu,host-cache-info",
		"cpu=Skylake-Server,host-phys-bits,host-phys-bits-limit=39,smp=6,dies=3,threads=2",
	};
	for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		char buf[4096], lost[256];
		struct kvmcpu_error err;
		CHECK_EQ(export_params(h, specs[i], KVMCPU_EXPORT_OPENVMM, false, buf, sizeof(buf),
				       lost, sizeof(lost), &err),
			 0);
		buf[strcspn(buf, "\n")] = '\0';
		struct kvmcpu_config *a = NULL, *b = NULL;
		struct kvmcpu_result *ra = resolve(specs[i], h, &a), *rb = resolve(buf, h, &b);
		CHECK(ra && rb);
		CHECK_EQ(kvmcpu_config_vcpu_count(b), kvmcpu_config_vcpu_count(a));
		for (unsigned v = 0; ra && rb && v < kvmcpu_config_vcpu_count(a); v++) {
			static struct kvmcpu_cpuid_entry ta[256], tb[256];
			size_t na = 0, nb = 0;
			CHECK_EQ(kvmcpu_result_cpuid_vcpu(ra, v, ta, 256, &na, &err), 0);
			CHECK_EQ(kvmcpu_result_cpuid_vcpu(rb, v, tb, 256, &nb, &err), 0);
			CHECK(na && na == nb && !memcmp(ta, tb, na * sizeof(*ta)));
		}
		kvmcpu_result_free(ra);
		kvmcpu_result_free(rb);
		kvmcpu_config_free(a);
		kvmcpu_config_free(b);
	}
}

int main(void)
{
	const char *src = getenv("KVMCPU_SRCDIR");
	char path[1024];
	snprintf(path, sizeof(path), "%s/tests/hosts/hv-intel-evmcs.txt", src ? src : ".");
	struct kvmcpu_error err;
	struct kvmcpu_host *h = NULL;
	if (kvmcpu_host_load(path, &h, &err)) {
		fprintf(stderr, "cannot load %s: %s\n", path, err.message);
		return 1;
	}

	enum kvmcpu_export_format f;
	for (int i = 0; i < KVMCPU_EXPORT_NFORMATS; i++) {
		CHECK_EQ(kvmcpu_export_format_find(kvmcpu_export_format_name(i), &f, &err), 0);
		CHECK_EQ(f, i);
	}
	CHECK_EQ(kvmcpu_export_format_find("LibVirt", &f, &err), 0);
	CHECK_EQ(f, KVMCPU_EXPORT_LIBVIRT);
	CHECK_EQ(kvmcpu_export_format_find("vmware", &f, &err), -EINVAL);
	CHECK_STR_CONTAINS(err.message, "vmware");
	CHECK_STR_CONTAINS(err.hint, "firecracker");
	CHECK_EQ(kvmcpu_export_format_find(NULL, &f, &err), -EINVAL);
	CHECK(kvmcpu_export_format_name(KVMCPU_EXPORT_NFORMATS) == NULL);

	struct kvmcpu_config *cfg = NULL;
	struct kvmcpu_result *r = resolve("cpu=Skylake-Server+no_hle,hv=windows+tlbflush_ext", h,
					  &cfg);
	struct kvmcpu_export_opts o = { .format = KVMCPU_EXPORT_QEMU };
	char buf[8192], small[8], lost[512];
	size_t needed = 0;

	/* The whole text, and the same length reported for a buffer too small. */
	CHECK_EQ(kvmcpu_result_export(r, cfg, &o, buf, sizeof(buf), &needed, NULL, 0, &err), 0);
	CHECK_EQ(needed, strlen(buf));
	CHECK_STR_CONTAINS(buf, "-cpu Skylake-Server,vendor=GenuineIntel,-hle,");
	CHECK_STR_CONTAINS(buf, ",hv-tlbflush-ext,");
	size_t whole = needed;
	CHECK_EQ(kvmcpu_result_export(r, cfg, &o, small, sizeof(small), &needed, NULL, 0, &err),
		 -ENOSPC);
	CHECK_EQ(needed, whole);
	CHECK_EQ(strlen(small), sizeof(small) - 1);
	CHECK(!strncmp(small, buf, sizeof(small) - 1));
	CHECK_EQ(kvmcpu_result_export(r, cfg, &o, NULL, 0, &needed, NULL, 0, &err), -ENOSPC);
	CHECK_EQ(needed, whole);

	/* NULL arguments and formats out of range. */
	CHECK_EQ(kvmcpu_result_export(NULL, cfg, &o, buf, sizeof(buf), NULL, NULL, 0, &err),
		 -EINVAL);
	CHECK_EQ(kvmcpu_result_export(r, NULL, &o, buf, sizeof(buf), NULL, NULL, 0, &err), -EINVAL);
	CHECK_EQ(kvmcpu_result_export(r, cfg, NULL, buf, sizeof(buf), NULL, NULL, 0, &err),
		 -EINVAL);
	o.format = KVMCPU_EXPORT_NFORMATS;
	CHECK_EQ(kvmcpu_result_export(r, cfg, &o, buf, sizeof(buf), NULL, NULL, 0, &err), -EINVAL);

	/* libvirt 9.0 has no element for tlbflush_ext: refused by name, or listed with lossy. */
	o.format = KVMCPU_EXPORT_LIBVIRT;
	CHECK_EQ(kvmcpu_result_export(r, cfg, &o, buf, sizeof(buf), NULL, lost, sizeof(lost), &err),
		 -EOPNOTSUPP);
	CHECK_STR_CONTAINS(err.message, "tlbflush_ext");
	o.lossy = true;
	CHECK_EQ(kvmcpu_result_export(r, cfg, &o, buf, sizeof(buf), NULL, lost, sizeof(lost), &err),
		 0);
	CHECK_STR_CONTAINS(lost, "tlbflush_ext");
	CHECK_STR_CONTAINS(buf, "<hyperv mode='custom'>");

	/* Firecracker enables no Hyper-V: every flag is named on one line. */
	o.format = KVMCPU_EXPORT_FIRECRACKER;
	o.lossy = false;
	CHECK_EQ(kvmcpu_result_export(r, cfg, &o, buf, sizeof(buf), NULL, NULL, 0, &err),
		 -EOPNOTSUPP);
	CHECK_STR_CONTAINS(err.message, "relaxed");

	/* The parameter string gives back the config it came from. */
	o.format = KVMCPU_EXPORT_OPENVMM;
	CHECK_EQ(kvmcpu_result_export(r, cfg, &o, buf, sizeof(buf), NULL, NULL, 0, &err), 0);
	CHECK(!strcmp(buf, "hv=windows+tlbflush_ext,cpu=Skylake-Server+no_hle\n"));

	kvmcpu_result_free(r);
	kvmcpu_config_free(cfg);

	/* host is no named model. */
	r = resolve("cpu=host", h, &cfg);
	o.format = KVMCPU_EXPORT_QEMU;
	CHECK_EQ(kvmcpu_result_export(r, cfg, &o, buf, sizeof(buf), NULL, NULL, 0, &err),
		 -EOPNOTSUPP);
	CHECK_STR_CONTAINS(err.message, "named model");
	kvmcpu_result_free(r);
	kvmcpu_config_free(cfg);

	test_config_keys(h);
	test_openvmm_round_trip(h);
	kvmcpu_host_free(h);
	printf("export API: %d checks, %d failed\n", check_count, check_failures);
	return check_failures != 0;
}
