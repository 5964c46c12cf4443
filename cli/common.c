/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "cli.h"

int cli_report(const char *cmd, const struct kvmcpu_error *err, int exit_code)
{
	fprintf(stderr, "kvmcpu %s: %s\n", cmd, err->message[0] ? err->message : kvmcpu_strerror(err->code));
	if (err->hint[0])
		fprintf(stderr, "  hint: %s\n", err->hint);
	return exit_code;
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "kvmcpu %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'kvmcpu %s --help'.\n", cmd);
	return EXIT_USAGE;
}

/* Errors that come from the machine rather than from what the user typed. */
int cli_exit_for(int code)
{
	switch (-code) {
	case EACCES:
	case EPERM:
	case ENODEV:
	case ENXIO:
	case EIO:
	case EBUSY:
	case EFAULT:
		return EXIT_HOST;
	default:
		return EXIT_USAGE;
	}
}

int cli_open_host(const char *cmd, const char *path, struct kvmcpu_host **out)
{
	struct kvmcpu_error err;
	kvmcpu_error_clear(&err);
	if (path) {
		if (kvmcpu_host_load(path, out, &err))
			return cli_report(cmd, &err, EXIT_USAGE);
		return EXIT_OK;
	}
	if (kvmcpu_host_open_live(NULL, out, &err)) {
		cli_report(cmd, &err, EXIT_HOST);
		fprintf(stderr, "  a recorded host: kvmcpu %s --host FILE\n", cmd);
		return EXIT_HOST;
	}
	return EXIT_OK;
}

int cli_make_config(const char *cmd, const char *kvm_params, const char *cpu, const char *hv,
		    bool nested, struct kvmcpu_config **out)
{
	struct kvmcpu_error err;
	struct kvmcpu_config *cfg = NULL;
	kvmcpu_error_clear(&err);
	int r = kvm_params ? kvmcpu_config_parse(kvm_params, &cfg, &err)
			   : kvmcpu_config_new(&cfg, &err);
	if (!r && cpu)
		r = kvmcpu_config_set_cpu(cfg, cpu, &err);
	if (!r && hv)
		r = kvmcpu_config_set_hv(cfg, hv, &err);
	if (r) {
		kvmcpu_config_free(cfg);
		return cli_report(cmd, &err, EXIT_USAGE);
	}
	if (nested)
		kvmcpu_config_set_nested(cfg, true);
	*out = cfg;
	return EXIT_OK;
}

const char *cli_reg_name(int reg)
{
	static const char *const names[] = { "eax", "ebx", "ecx", "edx" };
	return reg >= 0 && reg < 4 ? names[reg] : "?";
}

double cli_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

void cli_json_model_identity(struct jw *w, const struct kvmcpu_model *named,
			     const struct kvmcpu_model *m)
{
	jw_kv_str(w, "name", kvmcpu_model_name(named));
	jw_kv_str(w, "alias_of", kvmcpu_model_alias_of(named));
	jw_kv_str(w, "vendor", kvmcpu_model_vendor(m));
	jw_kv_u64(w, "family", kvmcpu_model_family(m));
	jw_kv_u64(w, "model", kvmcpu_model_model(m));
	jw_kv_u64(w, "stepping", kvmcpu_model_stepping(m));
	jw_kv_str(w, "psabi", *kvmcpu_model_psabi(m) ? kvmcpu_model_psabi(m) : NULL);
}

bool cli_parse_number(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned base = 10;
	uint64_t v = 0;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return false;
	for (; *s; s++) {
		unsigned d;
		if (*s >= '0' && *s <= '9')
			d = (unsigned)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = (unsigned)(*s - 'a' + 10);
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = (unsigned)(*s - 'A' + 10);
		else
			return false;
		if (v > (UINT64_MAX - d) / base)
			return false;
		v = v * base + d;
	}
	if (v < min || v > max)
		return false;
	*out = v;
	return true;
}
