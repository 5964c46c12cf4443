/* SPDX-License-Identifier: MIT */
/* kvmcpu export: a resolved CPU in QEMU's, libvirt's, Firecracker's, Proxmox's or OpenVMM's terms. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: kvmcpu export --format FORMAT --cpu SPEC [--hv SPEC] [--nested] [--smp SPEC]\n"
		"                     [--kvm PARAMS] [--host FILE] [--lossy] [--json]\n\n"
		"Writes the resolved CPU as another VMM's configuration:\n"
		"  qemu         the -cpu argument (and -smp): model, vendor=, +feat/-feat,\n"
		"               phys-bits, every hv-* property\n"
		"  libvirt      domain XML: <cpu mode='custom' match='exact' check='full'> and\n"
		"               <features><hyperv mode='custom'>\n"
		"  firecracker  a custom CPU template (cpuid_modifiers, msr_modifiers)\n"
		"  proxmox      a cpu-models.conf entry (flags, phys-bits, reported-model)\n"
		"  openvmm      the parameter string hv=...,cpu=...,nested_virt and every\n"
		"               other key the CPU was given (smp, phys-bits, pmu, ...)\n\n"
		"  --format F     one of the formats above\n"
		"  --cpu SPEC     MODEL[+feature|+no_feature]...\n"
		"  --hv SPEC      Hyper-V enlightenments: [PRESET+]flag+no_flag+spinlocks=N...\n"
		"  --nested       let the guest run its own hypervisor (implies --hv windows)\n"
		"  --smp SPEC     the vCPU topology, written where the format has one\n"
		"  --kvm PARAMS   the whole parameter string, e.g. 'cpu=Skylake-Server,pmu'\n"
		"  --host FILE    a recorded host (JSON or text); default: this machine's /dev/kvm\n"
		"  --lossy        when the format cannot say everything: write what it can and\n"
		"                 warn, listing every feature or bit that differs (else exit 2)\n"
		"  --json         one JSON object: format, output, lost\n"
		"  -h, --help     this text\n\n"
		"See docs/export.md for each format and how its output was proven.\n");
}

struct export_opts {
	const char *format;
	bool lossy;
};

static int export_option(void *ctx, int key, const char *arg)
{
	struct export_opts *o = ctx;
	if (key == 'f')
		o->format = arg;
	else if (key == 'l')
		o->lossy = true;
	return 0;
}

static void print_json(const char *format, const char *text, const char *lost)
{
	struct kc_jw w;
	kc_jw_init(&w, stdout);
	kc_jw_obj_begin(&w);
	kc_jw_kv_str(&w, "schema", "kvmcpu-export/1");
	kc_jw_kv_str(&w, "format", format);
	kc_jw_kv_str(&w, "output", text);
	kc_jw_key(&w, "lost");
	kc_jw_arr_begin(&w);
	for (const char *p = lost; *p;) {
		size_t n = strcspn(p, "\n");
		char line[512];
		snprintf(line, sizeof(line), "%.*s", (int)n, p);
		kc_jw_str(&w, line);
		p += n + (p[n] == '\n');
	}
	kc_jw_arr_end(&w);
	kc_jw_obj_end(&w);
	kc_jw_end(&w);
}

static int write_export(const struct kvmcpu_result *r, const struct kvmcpu_config *cfg,
			const struct kvmcpu_export_opts *eo, bool json)
{
	struct kvmcpu_error err;
	char lost[4096];
	size_t needed = 0, len = 65536;
	char *buf = malloc(len);
	int rc = buf ? kvmcpu_result_export(r, cfg, eo, buf, len, &needed, lost, sizeof(lost), &err)
		     : -ENOMEM;
	if (rc == -ENOSPC) {
		free(buf);
		len = needed + 1;
		buf = malloc(len);
		rc = buf ? kvmcpu_result_export(r, cfg, eo, buf, len, &needed, lost, sizeof(lost),
						&err)
			 : -ENOMEM;
	}
	if (rc == -ENOMEM) {
		free(buf);
		fprintf(stderr, "kvmcpu export: out of memory\n");
		return EXIT_HOST;
	}
	if (rc) {
		free(buf);
		/* A spec the format cannot express is bad input for that format: exit 2. */
		return cli_report("export", &err, EXIT_USAGE);
	}
	char tame[1024];
	for (const char *p = lost; *p;) {
		size_t n = strcspn(p, "\n");
		char line[512];
		snprintf(line, sizeof(line), "%.*s", (int)n, p);
		fprintf(stderr, "warning: --lossy: the %s output differs: %s\n",
			kvmcpu_export_format_name(eo->format), cli_tame(line, tame, sizeof(tame)));
		p += n + (p[n] == '\n');
	}
	if (json)
		print_json(kvmcpu_export_format_name(eo->format), buf, lost);
	else
		fputs(buf, stdout);
	free(buf);
	return EXIT_OK;
}

int cmd_export(int argc, char **argv)
{
	static const struct cli_opt own[] = {
		{ "format", required_argument, 'f', false },
		{ "lossy", no_argument, 'l', false },
		{ 0 },
	};
	struct export_opts o = { 0 };
	struct cli_args a;
	const struct cli_parser p = {
		.cmd = "export",
		.shared = CLI_OPT_CPU | CLI_OPT_HV | CLI_OPT_NESTED | CLI_OPT_SMP | CLI_OPT_KVM |
			  CLI_OPT_HOST | CLI_OPT_JSON | CLI_OPT_HELP,
		.own = own,
		.on_option = export_option,
		.ctx = &o,
		.usage = usage,
	};
	int rc = cli_parse(&p, argc, argv, &a, NULL);
	if (rc)
		return rc == CLI_HELP_SHOWN ? EXIT_OK : rc;
	if (!o.format)
		return cli_usage("export",
				 "give --format qemu|libvirt|firecracker|proxmox|openvmm");
	if (!a.cpu && !a.kvm)
		return cli_usage("export", "give --cpu SPEC");
	struct kvmcpu_error err;
	struct kvmcpu_export_opts eo = { .smp = a.smp, .lossy = o.lossy };
	kvmcpu_error_clear(&err);
	if (kvmcpu_export_format_find(o.format, &eo.format, &err))
		return cli_report("export", &err, EXIT_USAGE);
	struct kvmcpu_config *cfg;
	rc = cli_make_config("export", &a, &cfg);
	if (rc)
		return rc;
	struct kvmcpu_host *host;
	rc = cli_open_host("export", a.host, &host);
	if (rc) {
		kvmcpu_config_free(cfg);
		return rc;
	}
	struct kvmcpu_result *r;
	if (kvmcpu_resolve(cfg, host, &r, &err)) {
		rc = cli_report("export", &err, cli_exit_for(err.code));
	} else {
		eo.host = host;
		rc = write_export(r, cfg, &eo, a.json);
		kvmcpu_result_free(r);
	}
	kvmcpu_host_free(host);
	kvmcpu_config_free(cfg);
	return rc;
}
