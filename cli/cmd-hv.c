/* SPDX-License-Identifier: MIT */
/* kvmcpu hv: every Hyper-V flag with its bits, dependencies, host support and presets. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

struct hv_reg {
	uint32_t leaf;
	enum kvmcpu_reg reg;
	const char *label;
};

static const struct hv_reg hv_regs[] = {
	{ 0x40000003, KVMCPU_EAX, "3.EAX" }, { 0x40000003, KVMCPU_EBX, "3.EBX" },
	{ 0x40000003, KVMCPU_EDX, "3.EDX" }, { 0x40000004, KVMCPU_EAX, "4.EAX" },
	{ 0x4000000A, KVMCPU_EAX, "A.EAX" },
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: kvmcpu hv [--host FILE | --no-host] [--json]\n\n"
		"Lists every Hyper-V enlightenment flag an hv= spec can name: the CPUID bits it\n"
		"sets (3.EAX = leaf 0x40000003 EAX, A.EAX = leaf 0x4000000A EAX), the flags it\n"
		"requires, whether the host can provide it (and why not), and the presets that\n"
		"contain it ('(nested)': only with nested_virt).\n\n"
		"  --host FILE  judge a recorded host instead of /dev/kvm\n"
		"  --no-host    list the table without asking any host\n"
		"  --json       machine-readable output\n"
		"  -h, --help   this text\n\n"
		"Spec grammar: [preset+]token+token...; presets none, default, windows, passthrough;\n"
		"tokens NAME, no_NAME, spinlocks=N|never, vendor_id=TEXT, no_kvm_leaves.\n"
		"See docs/hyperv-enlightenments.md.\n");
}

/* "3.EAX[2,11] 4.EAX[3]" into @buf; "-" when the flag sets no bit. */
static const char *bits_text(const struct kvmcpu_hv_flag *f, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t r = 0; r < sizeof(hv_regs) / sizeof(hv_regs[0]); r++) {
		uint32_t m = kvmcpu_hv_flag_bits(f, hv_regs[r].leaf, hv_regs[r].reg);
		if (!m)
			continue;
		used += (size_t)snprintf(buf + used, len - used, "%s%s[", used ? " " : "",
					 hv_regs[r].label);
		bool first = true;
		for (int b = 0; b < 32 && used < len; b++) {
			if (!(m & (1u << b)))
				continue;
			used += (size_t)snprintf(buf + used, len - used, "%s%d", first ? "" : ",",
						 b);
			first = false;
		}
		if (used < len)
			used += (size_t)snprintf(buf + used, len - used, "]");
	}
	if (!strcmp(kvmcpu_hv_flag_name(f), "spinlocks"))
		snprintf(buf, len, "4.EBX=N");
	/* 0x4000000A EAX[15:0] is a version range (low 7:0, high 15:8), not two flags. */
	if (!strcmp(kvmcpu_hv_flag_name(f), "evmcs"))
		snprintf(buf, len, "4.EAX[14] A.EAX[15:0]=0x%04x",
			 kvmcpu_hv_flag_bits(f, 0x4000000a, KVMCPU_EAX) & 0xffff);
	if (!buf[0])
		snprintf(buf, len, "-");
	return buf;
}

static const char *deps_text(const struct kvmcpu_hv_flag *f, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < kvmcpu_hv_flag_dep_count(f) && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? "," : "",
					 kvmcpu_hv_flag_name(kvmcpu_hv_flag_dep_at(f, i)));
	if (!buf[0])
		snprintf(buf, len, "-");
	return buf;
}

static const char *presets_text(const struct kvmcpu_hv_flag *f, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t p = 0; p < kvmcpu_hv_preset_count() && used < len; p++) {
		bool plain = kvmcpu_hv_preset_contains(p, f, false);
		bool nested = kvmcpu_hv_preset_contains(p, f, true);
		if (!plain && !nested)
			continue;
		used += (size_t)snprintf(buf + used, len - used, "%s%s%s", used ? " " : "",
					 kvmcpu_hv_preset_name(p), plain ? "" : "(nested)");
	}
	if (!buf[0])
		snprintf(buf, len, "-");
	return buf;
}

static void print_text(const struct kvmcpu_host *h)
{
	char bits[96], deps[96], presets[96], t[3][1024];
	struct kvmcpu_error why;
	bool hv = h && kvmcpu_hv_host_available(h, &why) == 1;
	if (h)
		printf("host %s (%s): Hyper-V emulation %s%s%s\n\n",
		       cli_tame(kvmcpu_host_origin(h), t[0], sizeof(t[0])),
		       cli_tame(*kvmcpu_host_vendor(h) ? kvmcpu_host_vendor(h) : "unknown vendor",
				t[1], sizeof(t[1])),
		       hv ? "yes" : "no", hv ? "" : ": ",
		       hv ? "" : cli_tame(why.message, t[2], sizeof(t[2])));
	printf("%-22s %-30s %-22s %-5s %s\n", "FLAG", "BITS", "REQUIRES", "HOST", "PRESETS");
	for (size_t i = 0; i < kvmcpu_hv_flag_count(); i++) {
		const struct kvmcpu_hv_flag *f = kvmcpu_hv_flag_at(i);
		const char *host = "-";
		if (h)
			host = kvmcpu_hv_flag_host_support(f, h, NULL) == 1 ? "yes" : "no";
		printf("%-22s %-30s %-22s %-5s %s\n", kvmcpu_hv_flag_name(f),
		       bits_text(f, bits, sizeof(bits)), deps_text(f, deps, sizeof(deps)), host,
		       presets_text(f, presets, sizeof(presets)));
	}
	if (!h || !hv)
		return;
	bool header = false;
	for (size_t i = 0; i < kvmcpu_hv_flag_count(); i++) {
		const struct kvmcpu_hv_flag *f = kvmcpu_hv_flag_at(i);
		if (kvmcpu_hv_flag_host_support(f, h, &why) == 1)
			continue;
		if (!header)
			printf("\nNot available on this host:\n");
		header = true;
		printf("  %-22s %s\n", kvmcpu_hv_flag_name(f),
		       cli_tame(why.message, t[0], sizeof(t[0])));
	}
}

static void json_bits(struct kc_jw *w, const struct kvmcpu_hv_flag *f, bool host)
{
	kc_jw_arr_begin(w);
	for (size_t r = 0; r < sizeof(hv_regs) / sizeof(hv_regs[0]); r++) {
		uint32_t m = host ? kvmcpu_hv_flag_host_bits(f, hv_regs[r].leaf, hv_regs[r].reg)
				  : kvmcpu_hv_flag_bits(f, hv_regs[r].leaf, hv_regs[r].reg);
		if (!m)
			continue;
		kc_jw_obj_begin(w);
		kc_jw_kv_u64(w, "leaf", hv_regs[r].leaf);
		kc_jw_kv_str(w, "reg", cli_reg_name(hv_regs[r].reg));
		kc_jw_kv_u64(w, "mask", m);
		kc_jw_obj_end(w);
	}
	kc_jw_arr_end(w);
}

static void json_flag(struct kc_jw *w, const struct kvmcpu_hv_flag *f, const struct kvmcpu_host *h)
{
	struct kvmcpu_error why;
	kc_jw_obj_begin(w);
	kc_jw_kv_str(w, "name", kvmcpu_hv_flag_name(f));
	kc_jw_kv_str(w, "qemu", kvmcpu_hv_flag_qemu_name(f));
	kc_jw_key(w, "aliases");
	kc_jw_arr_begin(w);
	for (size_t i = 0; i < kvmcpu_hv_flag_alias_count(f); i++)
		kc_jw_str(w, kvmcpu_hv_flag_alias_at(f, i));
	kc_jw_arr_end(w);
	kc_jw_kv_str(w, "summary", kvmcpu_hv_flag_summary(f));
	kc_jw_key(w, "bits");
	json_bits(w, f, false);
	kc_jw_key(w, "host_bits");
	json_bits(w, f, true);
	kc_jw_key(w, "requires");
	kc_jw_arr_begin(w);
	for (size_t i = 0; i < kvmcpu_hv_flag_dep_count(f); i++)
		kc_jw_str(w, kvmcpu_hv_flag_name(kvmcpu_hv_flag_dep_at(f, i)));
	kc_jw_arr_end(w);
	kc_jw_kv_str(w, "host_cap", kvmcpu_hv_flag_host_cap(f));
	kc_jw_kv_str(w, "legacy_cap", kvmcpu_hv_flag_legacy_cap(f));
	kc_jw_kv_str(w, "vcpu_cap", kvmcpu_hv_flag_vcpu_cap(f));
	kc_jw_kv_bool(w, "intel_only", kvmcpu_hv_flag_intel_only(f));
	kc_jw_kv_bool(w, "nested_only", kvmcpu_hv_flag_nested_only(f));
	kc_jw_key(w, "host_supported");
	if (h) {
		bool ok = kvmcpu_hv_flag_host_support(f, h, &why) == 1;
		kc_jw_bool(w, ok);
		kc_jw_kv_str(w, "host_reason", ok ? NULL : why.message);
	} else {
		kc_jw_null(w);
		kc_jw_key(w, "host_reason");
		kc_jw_null(w);
	}
	kc_jw_key(w, "presets");
	kc_jw_arr_begin(w);
	for (size_t p = 0; p < kvmcpu_hv_preset_count(); p++) {
		bool plain = kvmcpu_hv_preset_contains(p, f, false);
		bool nested = kvmcpu_hv_preset_contains(p, f, true);
		if (!plain && !nested)
			continue;
		kc_jw_obj_begin(w);
		kc_jw_kv_str(w, "preset", kvmcpu_hv_preset_name(p));
		kc_jw_kv_bool(w, "nested_only", !plain);
		kc_jw_obj_end(w);
	}
	kc_jw_arr_end(w);
	kc_jw_obj_end(w);
}

static void print_json(const struct kvmcpu_host *h)
{
	struct kvmcpu_error why;
	struct kc_jw w;
	kc_jw_init(&w, stdout);
	kc_jw_obj_begin(&w);
	kc_jw_schema(&w, "hv", 1);
	kc_jw_kv_str(&w, "host", h ? kvmcpu_host_origin(h) : NULL);
	kc_jw_key(&w, "hyperv");
	if (h) {
		bool ok = kvmcpu_hv_host_available(h, &why) == 1;
		kc_jw_bool(&w, ok);
		kc_jw_kv_str(&w, "hyperv_reason", ok ? NULL : why.message);
	} else {
		kc_jw_null(&w);
		kc_jw_key(&w, "hyperv_reason");
		kc_jw_null(&w);
	}
	kc_jw_key(&w, "presets");
	kc_jw_arr_begin(&w);
	for (size_t p = 0; p < kvmcpu_hv_preset_count(); p++) {
		kc_jw_obj_begin(&w);
		kc_jw_kv_str(&w, "name", kvmcpu_hv_preset_name(p));
		kc_jw_kv_str(&w, "summary", kvmcpu_hv_preset_summary(p));
		kc_jw_obj_end(&w);
	}
	kc_jw_arr_end(&w);
	kc_jw_key(&w, "flags");
	kc_jw_arr_begin(&w);
	for (size_t i = 0; i < kvmcpu_hv_flag_count(); i++)
		json_flag(&w, kvmcpu_hv_flag_at(i), h);
	kc_jw_arr_end(&w);
	kc_jw_obj_end(&w);
	kc_jw_end(&w);
}

static int hv_option(void *ctx, int key, const char *arg)
{
	(void)arg;
	if (key == 'n')
		*(bool *)ctx = true;
	return 0;
}

int cmd_hv(int argc, char **argv)
{
	static const struct cli_opt own[] = { { "no-host", no_argument, 'n', false }, { 0 } };
	bool no_host = false;
	struct cli_args a;
	const struct cli_parser p = { .cmd = "hv",
				      .shared = CLI_OPT_HOST | CLI_OPT_JSON | CLI_OPT_HELP,
				      .own = own,
				      .on_option = hv_option,
				      .ctx = &no_host,
				      .usage = usage };
	int prc = cli_parse(&p, argc, argv, &a, NULL);
	if (prc)
		return prc == CLI_HELP_SHOWN ? EXIT_OK : prc;
	const char *host_path = a.host;
	bool json = a.json;
	if (no_host && host_path)
		return cli_usage("hv", "--host and --no-host exclude each other");
	struct kvmcpu_host *h = NULL;
	if (!no_host) {
		int rc = cli_open_host("hv", host_path, &h);
		if (rc)
			return rc;
	}
	if (json)
		print_json(h);
	else
		print_text(h);
	kvmcpu_host_free(h);
	return EXIT_OK;
}
