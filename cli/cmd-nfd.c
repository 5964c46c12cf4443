/* SPDX-License-Identifier: MIT */
/*
 * kvmcpu nfd: a Node Feature Discovery local feature file (features.d) naming the
 * models, psABI levels and Hyper-V presets this node runs, so that a scheduler can
 * place a VM on nodes that run its CPU. Labels live under kvmcpu's own namespace,
 * never KubeVirt's (cpu-model.node.kubevirt.io and friends belong to its labeller).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* NFD allows sub-namespaces of feature.node.kubernetes.io without configuration. */
#define DEFAULT_PREFIX "kvmcpu.feature.node.kubernetes.io"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: kvmcpu nfd [--prefix P] [--host FILE]\n\n"
		"Writes a Node Feature Discovery local feature file (the features.d format:\n"
		"one NAME=VALUE per line) with a label for every model and psABI level this\n"
		"host runs unchanged, every Hyper-V preset it gives in full, and its vendor,\n"
		"physical address width and TSC rate. Install it as\n"
		"/etc/kubernetes/node-feature-discovery/features.d/kvmcpu (docs/kubernetes.md).\n\n"
		"  --prefix P    the label namespace (default " DEFAULT_PREFIX ");\n"
		"                a DNS subdomain, not KubeVirt's\n"
		"  --host FILE   a recorded host instead of this machine's /dev/kvm\n"
		"  -h, --help    this text\n\n"
		"Exit status: 0 written, 2 bad input, 3 the host failed.\n");
}

/* @p is @domain or a subdomain of it. */
static bool ends_with_domain(const char *p, const char *domain)
{
	size_t len = strlen(p), n = strlen(domain);
	return len >= n && !strcmp(p + len - n, domain) && (len == n || p[len - n - 1] == '.');
}

/* A DNS subdomain (RFC 1123): labels of [a-z0-9-], alphanumeric at both ends. */
static const char *prefix_problem(const char *p)
{
	size_t len = strlen(p), label = 0;
	if (!len || len > 253)
		return "must be 1 to 253 characters";
	for (size_t i = 0; i <= len; i++) {
		char c = p[i];
		if (c == '.' || !c) {
			if (!label || p[i - 1] == '-')
				return "has an empty label or a label ending in '-'";
			label = 0;
			continue;
		}
		if (!(islower((unsigned char)c) || isdigit((unsigned char)c) || c == '-'))
			return "may hold only lowercase letters, digits, '-' and '.'";
		if (!label && c == '-')
			return "has a label starting with '-'";
		if (++label > 63)
			return "has a label longer than 63 characters";
	}
	/* NFD's master drops labels under kubernetes.io but for its own feature namespaces. */
	static const char *const nfd_own[] = { "feature.node.kubernetes.io",
					       "profile.node.kubernetes.io" };
	if (ends_with_domain(p, "kubernetes.io") && !ends_with_domain(p, nfd_own[0]) &&
	    !ends_with_domain(p, nfd_own[1]))
		return "is under kubernetes.io, which NFD refuses outside feature.node.kubernetes.io";
	if (ends_with_domain(p, "kubevirt.io"))
		return "is KubeVirt's namespace; kvmcpu's labels must not pose as its labeller's";
	return NULL;
}

/*
 * A label name (the part after the prefix): 1 to 63 of [A-Za-z0-9._-], alphanumeric
 * at both ends. Model names already are; anything else is left out, not mangled.
 */
static bool name_ok(const char *n)
{
	size_t len = strlen(n);
	if (!len || len > 63 || !isalnum((unsigned char)n[0]) ||
	    !isalnum((unsigned char)n[len - 1]))
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)n[i]) && n[i] != '-' && n[i] != '_' && n[i] != '.')
			return false;
	return true;
}

static void label(const char *prefix, const char *kind, const char *name, const char *value)
{
	char n[128];
	snprintf(n, sizeof(n), "%s%s", kind, name);
	if (name_ok(n))
		printf("%s/%s=%s\n", prefix, n, value);
}

static bool runs(const struct kvmcpu_host *host, const char *cpu, const char *hv)
{
	struct kvmcpu_error err;
	struct kvmcpu_config *cfg = NULL;
	struct kvmcpu_fit *fit = NULL;
	bool ok = !kvmcpu_config_new(&cfg, &err) && !kvmcpu_config_set_cpu(cfg, cpu, &err) &&
		  (!hv || !kvmcpu_config_set_hv(cfg, hv, &err)) &&
		  !kvmcpu_fit_check(cfg, host, &fit, &err) && kvmcpu_fit_ok(fit);
	kvmcpu_fit_free(fit);
	kvmcpu_config_free(cfg);
	return ok;
}

static void write_labels(const struct kvmcpu_host *host, const char *prefix)
{
	printf("# Node Feature Discovery local features (features.d), written by kvmcpu nfd\n"
	       "# for %s: the CPU models, psABI levels and Hyper-V presets this node runs.\n",
	       kvmcpu_host_origin(host));
	for (size_t i = 0; i < kvmcpu_model_count(); i++) {
		const struct kvmcpu_model *m = kvmcpu_model_at(i);
		if (runs(host, kvmcpu_model_name(m), NULL))
			label(prefix, kvmcpu_model_is_psabi_level(m) ? "psabi." : "model.",
			      kvmcpu_model_name(m), "true");
	}
	/* "none" gives nothing and "passthrough" whatever the host has: neither selects nodes. */
	for (size_t i = 0; i < kvmcpu_hv_preset_count(); i++) {
		const char *p = kvmcpu_hv_preset_name(i);
		if (strcmp(p, "none") && strcmp(p, "passthrough") && runs(host, "host", p))
			label(prefix, "hv.", p, "true");
	}
	char value[32];
	label(prefix, "", "vendor", kvmcpu_host_vendor(host));
	const struct kvmcpu_cpuid_entry *e = kvmcpu_host_cpuid_find(host, 0x80000008, 0);
	snprintf(value, sizeof(value), "%u", e && (e->eax & 0xff) ? e->eax & 0xff : 36);
	label(prefix, "", "phys-bits", value);
	if (kvmcpu_host_tsc_khz(host)) {
		snprintf(value, sizeof(value), "%u", kvmcpu_host_tsc_khz(host));
		label(prefix, "", "tsc-khz", value);
	}
	int64_t scale = 0;
	kvmcpu_host_cap(host, "KVM_CAP_TSC_CONTROL", &scale);
	label(prefix, "", "tsc-scaling", scale > 0 ? "true" : "false");
}

static int nfd_option(void *ctx, int key, const char *arg)
{
	(void)key;
	*(const char **)ctx = arg;
	return 0;
}

int cmd_nfd(int argc, char **argv)
{
	static const struct cli_opt own[] = { { "prefix", required_argument, 'p', false }, { 0 } };
	const char *prefix = DEFAULT_PREFIX;
	struct cli_args a;
	const struct cli_parser p = { .cmd = "nfd",
				      .shared = CLI_OPT_HOST | CLI_OPT_HELP,
				      .own = own,
				      .on_option = nfd_option,
				      .ctx = &prefix,
				      .usage = usage };
	int rc = cli_parse(&p, argc, argv, &a, NULL);
	if (rc)
		return rc == CLI_HELP_SHOWN ? EXIT_OK : rc;
	const char *problem = prefix_problem(prefix);
	if (problem) {
		char tame[300];
		return cli_usage("nfd", "--prefix '%s' %s", cli_tame(prefix, tame, sizeof(tame)),
				 problem);
	}
	struct kvmcpu_host *host;
	rc = cli_open_host("nfd", a.host, &host);
	if (rc)
		return rc;
	write_labels(host, prefix);
	kvmcpu_host_free(host);
	return EXIT_OK;
}
