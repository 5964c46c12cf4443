/* SPDX-License-Identifier: MIT */
/* kvmcpu host: this host's fingerprint, to read or to record for other tools. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: kvmcpu host [--json | --text] [--host FILE]\n\n"
		"Prints what this host's KVM can give a guest: vendor, kernel, KVM module,\n"
		"capabilities, feature MSRs and the supported CPUID. --json and --text write a\n"
		"recording that every --host option accepts (docs/host-format.md).\n\n"
		"  --json       the JSON fingerprint (schema kvmcpu-host/1; /2 for a raw CPUID dump)\n"
		"  --text       the line-based text format\n"
		"  --host FILE  read a recording instead of /dev/kvm (to convert or inspect it)\n"
		"  -h, --help   this text\n\n"
		"kvmcpu host diff A B compares two recordings (kvmcpu host diff --help).\n");
}

static void print_summary(const struct kvmcpu_host *h)
{
	/* Every string of a recording comes from another machine: tamed before a terminal sees it. */
	char t[4][1024];
	printf("origin   %s\nvendor   %s\nkernel   %s\nmodule   %s\n",
	       cli_tame(kvmcpu_host_origin(h), t[0], sizeof(t[0])),
	       cli_tame(kvmcpu_host_vendor(h), t[1], sizeof(t[1])),
	       cli_tame(*kvmcpu_host_kernel(h) ? kvmcpu_host_kernel(h) : "-", t[2], sizeof(t[2])),
	       cli_tame(*kvmcpu_host_module(h) ? kvmcpu_host_module(h) : "-", t[3], sizeof(t[3])));
	/* Which tool recorded it: kvmcpu itself, or another tool whose recording was imported. */
	printf("format   %s\n", *kvmcpu_host_source_format(h) ? kvmcpu_host_source_format(h) : "-");
	bool raw = kvmcpu_host_kind(h) == KVMCPU_HOST_RAW_CPUID;
	printf("kind     %s (%s)\n", kvmcpu_host_kind_name(kvmcpu_host_kind(h)),
	       raw ? "a processor's own CPUID dump; resolving adds the bits KVM sets on it"
		   : "what KVM reports: KVM_GET_SUPPORTED_CPUID and friends");
	const struct kvmcpu_cpuid_entry *brand[3];
	for (int i = 0; i < 3; i++)
		brand[i] = kvmcpu_host_cpuid_find(h, 0x80000002 + (uint32_t)i, 0);
	if (brand[0] && brand[1] && brand[2]) {
		char s[49] = { 0 };
		for (int i = 0; i < 3; i++)
			memcpy(s + 16 * i, &brand[i]->eax, 16);
		printf("brand    %s\n", cli_tame(s, t[0], sizeof(t[0])));
	}
	printf("\nKVM capabilities:\n");
	for (size_t i = 0; i < kvmcpu_host_cap_count(h); i++) {
		int64_t v;
		const char *name = kvmcpu_host_cap_at(h, i, &v);
		printf("  %-34s %lld\n", cli_tame(name, t[0], sizeof(t[0])), (long long)v);
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
	printf("\n%s: %zu entries\n",
	       raw ? "CPUID of the processor (raw dump)"
		   : "supported CPUID (KVM_GET_SUPPORTED_CPUID)",
	       kvmcpu_host_cpuid_count(h));
	for (size_t i = 0; i < kvmcpu_host_cpuid_count(h); i++) {
		const struct kvmcpu_cpuid_entry *e = kvmcpu_host_cpuid_at(h, i);
		printf("  0x%08x 0x%-3x 0x%08x 0x%08x 0x%08x 0x%08x\n", e->function, e->index,
		       e->eax, e->ebx, e->ecx, e->edx);
	}
}

/* --json (shared) and --text choose the recording's format; one of them at most. */
static int host_option(void *ctx, int key, const char *arg)
{
	(void)arg;
	if (key == 't')
		*(bool *)ctx = true;
	return 0;
}

int cmd_host(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "diff"))
		return cmd_host_diff(argc - 1, argv + 1);
	static const struct cli_opt own[] = { { "text", no_argument, 't', false }, { 0 } };
	bool text = false;
	struct cli_args a;
	const struct cli_parser p = { .cmd = "host",
				      .shared = CLI_OPT_HOST | CLI_OPT_JSON | CLI_OPT_HELP,
				      .own = own,
				      .on_option = host_option,
				      .ctx = &text,
				      .usage = usage };
	int rc = cli_parse(&p, argc, argv, &a, NULL);
	if (rc)
		return rc == CLI_HELP_SHOWN ? EXIT_OK : rc;
	if (a.json && text)
		return cli_usage("host", "give one of --json and --text");
	int format = a.json ? KVMCPU_HOST_JSON : text ? KVMCPU_HOST_TEXT : -1;
	const char *host_path = a.host;
	struct kvmcpu_host *h;
	rc = cli_open_host("host", host_path, &h);
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
