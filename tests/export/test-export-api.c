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
	kvmcpu_host_free(h);
	printf("export API: %d checks, %d failed\n", check_count, check_failures);
	return check_failures != 0;
}
