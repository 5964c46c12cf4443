/* SPDX-License-Identifier: MIT */
/* kvmcpu host: this host's fingerprint, to read or to record for other tools. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static void usage(FILE *f)
{
	fprintf(f, "Usage: kvmcpu host [--json | --text] [--host FILE]\n\n"
		   "Prints what this host's KVM can give a guest: vendor, kernel, KVM module,\n"
		   "capabilities, feature MSRs and the supported CPUID. --json and --text write a\n"
		   "recording that every --host option accepts (docs/host-format.md).\n\n"
		   "  --json       the JSON fingerprint (schema kvmcpu-host/1)\n"
		   "  --text       the line-based text format\n"
		   "  --host FILE  read a recording instead of /dev/kvm (to convert or inspect it)\n"
		   "  -h, --help   this text\n");
}

static void print_summary(const struct kvmcpu_host *h)
{
	printf("origin   %s\nvendor   %s\nkernel   %s\nmodule   %s\n", kvmcpu_host_origin(h),
	       kvmcpu_host_vendor(h), *kvmcpu_host_kernel(h) ? kvmcpu_host_kernel(h) : "-",
	       *kvmcpu_host_module(h) ? kvmcpu_host_module(h) : "-");
	const struct kvmcpu_cpuid_entry *brand[3];
	for (int i = 0; i < 3; i++)
		brand[i] = kvmcpu_host_cpuid_find(h, 0x80000002 + (uint32_t)i, 0);
	if (brand[0] && brand[1] && brand[2]) {
		char s[49] = { 0 };
		for (int i = 0; i < 3; i++)
			memcpy(s + 16 * i, &brand[i]->eax, 16);
		printf("brand    %s\n", s);
	}
	printf("\nKVM capabilities:\n");
	for (size_t i = 0; i < kvmcpu_host_cap_count(h); i++) {
		int64_t v;
		const char *name = kvmcpu_host_cap_at(h, i, &v);
		printf("  %-34s %lld\n", name, (long long)v);
	}
	printf("\nHyper-V CPUID (KVM_GET_SUPPORTED_HV_CPUID): %s\n",
	       kvmcpu_host_has_hv_cpuid(h) ? "" : "not available on this host");
	for (size_t i = 0; i < kvmcpu_host_hv_cpuid_count(h); i++) {
		const struct kvmcpu_cpuid_entry *e = kvmcpu_host_hv_cpuid_at(h, i);
		printf("  0x%08x 0x%x 0x%08x 0x%08x 0x%08x 0x%08x\n", e->function, e->index, e->eax,
		       e->ebx, e->ecx, e->edx);
	}
	printf("\nfeature MSRs (KVM_GET_MSR_FEATURE_INDEX_LIST): %zu\n", kvmcpu_host_msr_count(h));
	for (size_t i = 0; i < kvmcpu_host_msr_count(h); i++) {
		uint64_t v;
		uint32_t idx = kvmcpu_host_msr_at(h, i, &v);
		printf("  0x%08x 0x%016llx\n", idx, (unsigned long long)v);
	}
	printf("\nsupported CPUID (KVM_GET_SUPPORTED_CPUID): %zu entries\n", kvmcpu_host_cpuid_count(h));
	for (size_t i = 0; i < kvmcpu_host_cpuid_count(h); i++) {
		const struct kvmcpu_cpuid_entry *e = kvmcpu_host_cpuid_at(h, i);
		printf("  0x%08x 0x%-3x 0x%08x 0x%08x 0x%08x 0x%08x\n", e->function, e->index, e->eax,
		       e->ebx, e->ecx, e->edx);
	}
}

int cmd_host(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "text", no_argument, NULL, 't' },
		{ "host", required_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *host_path = NULL;
	int format = -1;
	int c;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
		case 't':
			if (format >= 0)
				return cli_usage("host", "give one of --json and --text");
			format = c == 'j' ? KVMCPU_HOST_JSON : KVMCPU_HOST_TEXT;
			break;
		case 'H':
			host_path = optarg;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			return cli_usage("host", "unknown option");
		}
	}
	if (optind < argc)
		return cli_usage("host", "unexpected argument '%s'", argv[optind]);
	struct kvmcpu_host *h;
	int rc = cli_open_host("host", host_path, &h);
	if (rc)
		return rc;
	if (format < 0) {
		print_summary(h);
	} else {
		struct kvmcpu_error err;
		kvmcpu_error_clear(&err);
		fflush(stdout); /* the host is written to the fd, after anything buffered */
		if (kvmcpu_host_save(h, STDOUT_FILENO, (enum kvmcpu_host_format)format, &err))
			rc = cli_report("host", &err, EXIT_HOST);
	}
	kvmcpu_host_free(h);
	return rc;
}
