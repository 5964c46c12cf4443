/* SPDX-License-Identifier: MIT */
/* Shared pieces of the kvm suite: skip without a usable /dev/kvm, resolve a spec. */
#ifndef KVMCPU_TEST_KVM_H
#define KVMCPU_TEST_KVM_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <kvmcpu/kvmcpu.h>

#include "../unit/check.h"

#define SKIP 77

/* Exits 77 (meson's skip) with a loud reason when /dev/kvm cannot be used. */
static inline void require_kvm(void)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		perror("SKIP: this test needs a usable /dev/kvm");
		exit(SKIP);
	}
	close(fd);
}

static inline struct kvmcpu_host *live_host(void)
{
	struct kvmcpu_error err;
	struct kvmcpu_host *h = NULL;
	if (kvmcpu_host_open_live(NULL, &h, &err)) {
		fprintf(stderr, "FAIL: cannot read the live host: %s\n", err.message);
		exit(1);
	}
	return h;
}

/* Resolves @cpu (and @hv, may be NULL) on @host; exits on failure. */
static inline struct kvmcpu_result *resolve_spec(const struct kvmcpu_host *host, const char *cpu,
						 const char *hv)
{
	struct kvmcpu_error err;
	struct kvmcpu_config *cfg = NULL;
	struct kvmcpu_result *r = NULL;
	if (kvmcpu_config_new(&cfg, &err) || kvmcpu_config_set_cpu(cfg, cpu, &err) ||
	    (hv && kvmcpu_config_set_hv(cfg, hv, &err)) || kvmcpu_resolve(cfg, host, &r, &err)) {
		fprintf(stderr, "FAIL: cannot resolve cpu=%s hv=%s: %s\n", cpu, hv ? hv : "",
			err.message);
		exit(1);
	}
	kvmcpu_config_free(cfg);
	return r;
}

#endif
