/* SPDX-License-Identifier: MIT */
/*
 * The smallest VMM-side use of libkvmcpu: resolve a CPU model (and Hyper-V
 * enlightenments) against this host and print the table for KVM_SET_CPUID2,
 * for every vCPU of the topology.
 *   cc resolve.c $(pkg-config --cflags --libs kvmcpu) -o resolve
 *   ./resolve 'cpu=Skylake-Server-v4,hv=windows,smp=4,threads=2' [HOSTFILE]
 */
#include <stdio.h>
#include <stdlib.h>

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
	    kvmcpu_config_parse(params, &cfg, &err) || kvmcpu_resolve(cfg, host, &res, &err)) {
		fprintf(stderr, "error: %s\n%s%s\n", err.message, err.hint[0] ? "hint: " : "",
			err.hint);
		goto out;
	}
	size_t n;
	kvmcpu_result_cpuid(res, &n);
	/* Each vCPU's table differs in its APIC ID and topology IDs; the VMM owns the copy. */
	struct kvmcpu_cpuid_entry *e = malloc(n * sizeof(*e));
	if (!e)
		goto out;
	for (unsigned v = 0; v < kvmcpu_result_vcpu_count(res); v++) {
		if (kvmcpu_result_cpuid_vcpu(res, v, e, n, &n, &err)) {
			fprintf(stderr, "error: %s\n", err.message);
			free(e);
			goto out;
		}
		printf("vCPU %u (APIC ID %u, the id for KVM_CREATE_VCPU):\n", v,
		       kvmcpu_result_vcpu_apic_id(res, v));
		for (size_t i = 0; i < n; i++)
			printf("%08x.%u: %08x %08x %08x %08x\n", e[i].function, e[i].index,
			       e[i].eax, e[i].ebx, e[i].ecx, e[i].edx);
	}
	free(e);
	/* A VMM would now call kvmcpu_result_apply(res, vcpu_fd, v, &err) for each vCPU v. */
	rc = 0;
out:
	kvmcpu_result_free(res);
	kvmcpu_config_free(cfg);
	kvmcpu_host_free(host);
	return rc;
}
