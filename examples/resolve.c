/* SPDX-License-Identifier: MIT */
/*
 * The smallest VMM-side use of libkvmcpu: resolve a CPU model (and Hyper-V
 * enlightenments) against this host and print the table for KVM_SET_CPUID2.
 *   cc resolve.c $(pkg-config --cflags --libs kvmcpu) -o resolve
 *   ./resolve 'cpu=Skylake-Server-v4,hv=windows' [HOSTFILE]
 */
#include <stdio.h>

#include <kvmcpu/kvmcpu.h>

int main(int argc, char **argv)
{
	const char *params = argc > 1 ? argv[1] : "cpu=x86-64-v2";
	struct kvmcpu_error err;
	struct kvmcpu_host *host = NULL;
	struct kvmcpu_config *cfg = NULL;
	struct kvmcpu_result *res = NULL;
	int rc = 1;

	if ((argc > 2 ? kvmcpu_host_load(argv[2], &host, &err)
		      : kvmcpu_host_open_live(NULL, &host, &err)) ||
	    kvmcpu_config_parse(params, &cfg, &err) ||
	    kvmcpu_resolve(cfg, host, &res, &err)) {
		fprintf(stderr, "error: %s\n%s%s\n", err.message, err.hint[0] ? "hint: " : "", err.hint);
		goto out;
	}
	size_t n;
	const struct kvmcpu_cpuid_entry *e = kvmcpu_result_cpuid(res, &n);
	for (size_t i = 0; i < n; i++)
		printf("%08x.%u: %08x %08x %08x %08x\n", e[i].function, e[i].index, e[i].eax,
		       e[i].ebx, e[i].ecx, e[i].edx);
	/* A VMM would now call kvmcpu_result_apply(res, vcpu_fd, vcpu_index, &err). */
	rc = 0;
out:
	kvmcpu_result_free(res);
	kvmcpu_config_free(cfg);
	kvmcpu_host_free(host);
	return rc;
}
