/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

const char *cli_tame(const char *s, char *buf, size_t len)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t used = 0;
	while (*p && used + 5 < len) {
		size_t n = kc_utf8_len(p);
		/* C0 controls, DEL, C1 controls (U+0080..U+009F) and stray bytes are escaped. */
		if (n == 0 || (n == 1 && (*p < 0x20 || *p == 0x7f)) ||
		    (n == 2 && p[0] == 0xc2 && p[1] < 0xa0)) {
			used += (size_t)snprintf(buf + used, len - used, "\\x%02x", *p);
			p++;
			continue;
		}
		if (used + n >= len)
			break;
		memcpy(buf + used, p, n);
		used += n;
		p += n;
	}
	buf[used] = '\0';
	return buf;
}

int cli_report(const char *cmd, const struct kvmcpu_error *err, int exit_code)
{
	char tame[4 * sizeof(err->message)];
	/* Messages quote what the user typed or what a host file held: tame both. */
	fprintf(stderr, "kvmcpu %s: %s\n", cmd,
		cli_tame(err->message[0] ? err->message : kvmcpu_strerror(err->code), tame,
			 sizeof(tame)));
	if (err->hint[0])
		fprintf(stderr, "  hint: %s\n", cli_tame(err->hint, tame, sizeof(tame)));
	return exit_code;
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
	char text[1024], tame[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	fprintf(stderr, "kvmcpu %s: %s\nTry 'kvmcpu %s --help'.\n", cmd,
		cli_tame(text, tame, sizeof(tame)), cmd);
	return EXIT_USAGE;
}

/* Errors that come from the machine, or from what it cannot do, rather than from what the user typed. */
int cli_exit_for(int code)
{
	switch (-code) {
	case ENOTSUP:
		return EXIT_NEGATIVE;
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

/* The shared options, in the order of enum CLI_OPT_*. */
static const struct option shared_opts[] = {
	{ "host", required_argument, NULL, 0x100 + 0 },
	{ "json", no_argument, NULL, 0x100 + 1 },
	{ "help", no_argument, NULL, 'h' },
	{ "cpu", required_argument, NULL, 0x100 + 3 },
	{ "hv", required_argument, NULL, 0x100 + 4 },
	{ "nested", no_argument, NULL, 0x100 + 5 },
	{ "smp", required_argument, NULL, 0x100 + 6 },
	{ "kvm", required_argument, NULL, 0x100 + 7 },
};
#define NSHARED (sizeof(shared_opts) / sizeof(shared_opts[0]))
#define MAX_OPTS 32

/* "--name" of the option argv[optind - 1] tried to give, without "=value". */
static const char *option_word(char **argv, char *buf, size_t len)
{
	snprintf(buf, len, "%s", argv[optind - 1]);
	char *eq = strchr(buf, '=');
	if (eq)
		*eq = '\0';
	return buf;
}

static int store_shared(const struct cli_parser *p, unsigned bit, const char *arg,
			struct cli_args *a)
{
	if (bit == CLI_OPT_CPU && (p->shared_repeatable & bit))
		return p->on_option(p->ctx, CLI_KEY_CPU, arg);
	switch (bit) {
	case CLI_OPT_HOST:
		a->host = arg;
		break;
	case CLI_OPT_JSON:
		a->json = true;
		break;
	case CLI_OPT_CPU:
		a->cpu = arg;
		break;
	case CLI_OPT_HV:
		a->hv = arg;
		break;
	case CLI_OPT_NESTED:
		a->nested = true;
		break;
	case CLI_OPT_SMP:
		a->smp = arg;
		break;
	case CLI_OPT_KVM:
		a->kvm = arg;
		break;
	}
	/* An empty value is never what the user meant. */
	if (arg && !*arg)
		return cli_usage(p->cmd, "--%s needs a value, not ''",
				 shared_opts[__builtin_ctz(bit)].name);
	return 0;
}

int cli_parse(const struct cli_parser *p, int argc, char **argv, struct cli_args *a,
	      int *first_operand)
{
	struct option opts[MAX_OPTS + 1];
	bool repeatable[MAX_OPTS], seen[MAX_OPTS] = { false };
	size_t n = 0;
	for (size_t i = 0; i < NSHARED; i++) {
		if (!(p->shared & (1u << i)))
			continue;
		repeatable[n] = p->shared_repeatable & (1u << i);
		opts[n++] = shared_opts[i];
	}
	for (const struct cli_opt *o = p->own; o && o->name && n < MAX_OPTS; o++) {
		repeatable[n] = o->repeatable;
		opts[n++] = (struct option){ o->name, o->has_arg, NULL, o->key };
	}
	opts[n] = (struct option){ 0 };
	*a = (struct cli_args){ 0 };
	opterr = 0; /* every error is reported once, below */
	optind = 1;
	int c, idx;
	char word[256];
	while (idx = -1, (c = getopt_long(argc, argv, p->shared & CLI_OPT_HELP ? ":h" : ":", opts,
					  &idx)) != -1) {
		if (c == '?') {
			bool is_long = !strncmp(argv[optind - 1], "--", 2);
			const char *w = is_long ? option_word(argv, word, sizeof(word))
						: (snprintf(word, sizeof(word), "-%c", optopt),
						   word);
			for (size_t i = 0; i < n; i++)
				if (is_long && !strcmp(w + 2, opts[i].name))
					return cli_usage(p->cmd, "option '%s' takes no value", w);
			return cli_usage(p->cmd, "unknown option '%s'", w);
		}
		if (c == ':')
			return cli_usage(p->cmd, "option '%s' needs a value",
					 option_word(argv, word, sizeof(word)));
		if (idx < 0) /* the short -h */
			for (size_t i = 0; i < n; i++)
				if (opts[i].val == c)
					idx = (int)i;
		if (idx >= 0 && seen[idx] && !repeatable[idx])
			return cli_usage(p->cmd, "--%s given twice; give it once", opts[idx].name);
		if (idx >= 0)
			seen[idx] = true;
		if (c == 'h') {
			p->usage(stdout);
			return CLI_HELP_SHOWN;
		}
		int rc = c >= 0x100 && c < 0x100 + (int)NSHARED
				 ? store_shared(p, 1u << (c - 0x100), optarg, a)
				 : p->on_option(p->ctx, c, optarg);
		if (rc)
			return rc;
	}
	if ((size_t)(argc - optind) > p->max_positional)
		return cli_usage(p->cmd, "unexpected argument '%s'",
				 argv[optind + (int)p->max_positional]);
	if (first_operand)
		*first_operand = optind;
	return 0;
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

/* Whether the parameter string @params has the item @key ("cpu", "nested_virt"...). */
static bool has_param(const char *params, const char *key)
{
	size_t len = strlen(key);
	for (const char *p = params; p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (!strncmp(p, key, len) && (p[len] == '=' || p[len] == ',' || !p[len]))
			return true;
	return false;
}

int cli_make_config(const char *cmd, const struct cli_args *a, struct kvmcpu_config **out)
{
	/* One part given twice, in --kvm and as its own option, is refused: nothing is last-wins. */
	static const struct {
		const char *key, *option;
	} parts[] = { { "cpu", "--cpu" }, { "hv", "--hv" }, { "nested_virt", "--nested" } };
	for (size_t i = 0; a->kvm && i < sizeof(parts) / sizeof(parts[0]); i++) {
		bool given = i == 0 ? a->cpu != NULL : i == 1 ? a->hv != NULL : a->nested;
		if (given && has_param(a->kvm, parts[i].key))
			return cli_usage(cmd,
					 "%s and --kvm's %s both set the same thing; give it once",
					 parts[i].option, parts[i].key);
	}
	struct kvmcpu_error err;
	struct kvmcpu_config *cfg = NULL;
	kvmcpu_error_clear(&err);
	char *params = NULL;
	int r = 0;
	if (a->kvm || a->smp) {
		/* --smp joins the parameter string, so the config parser checks it like smp=. */
		size_t len = (a->kvm ? strlen(a->kvm) : 0) + (a->smp ? strlen(a->smp) : 0) + 8;
		params = malloc(len);
		if (!params)
			return cli_usage(cmd, "out of memory");
		snprintf(params, len, "%s%s%s%s", a->kvm ? a->kvm : "", a->kvm && a->smp ? "," : "",
			 a->smp ? "smp=" : "", a->smp ? a->smp : "");
		r = kvmcpu_config_parse(params, &cfg, &err);
		free(params);
	} else {
		r = kvmcpu_config_new(&cfg, &err);
	}
	if (!r && a->cpu)
		r = kvmcpu_config_set_cpu(cfg, a->cpu, &err);
	if (!r && a->hv)
		r = kvmcpu_config_set_hv(cfg, a->hv, &err);
	if (r) {
		kvmcpu_config_free(cfg);
		return cli_report(cmd, &err, EXIT_USAGE);
	}
	if (a->nested)
		kvmcpu_config_set_nested(cfg, true);
	*out = cfg;
	return EXIT_OK;
}

size_t cli_dropped(const struct kvmcpu_result *r, char *buf, size_t len)
{
	size_t count = 0, used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < kvmcpu_result_notice_count(r); i++) {
		const struct kvmcpu_notice *n = kvmcpu_result_notice_at(r, i);
		if (n->kind != KVMCPU_NOTICE_DROPPED)
			continue;
		count++;
		if (used < len)
			used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? " " : "",
						 n->subject);
	}
	return count;
}

int cli_enforce(const char *cmd, const struct kvmcpu_result *r)
{
	char names[2048];
	size_t n = cli_dropped(r, names, sizeof(names));
	if (!n)
		return EXIT_OK;
	fprintf(stderr,
		"kvmcpu %s: --enforce: this host lacks %zu feature%s of the model: %s\n"
		"  hint: without --enforce they are dropped; 'kvmcpu models' lists the models this "
		"host runs unchanged\n",
		cmd, n, n == 1 ? "" : "s", names);
	return EXIT_NEGATIVE;
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

void cli_json_model_identity(struct kc_jw *w, const struct kvmcpu_model *named,
			     const struct kvmcpu_model *m)
{
	kc_jw_kv_str(w, "name", kvmcpu_model_name(named));
	kc_jw_kv_str(w, "alias_of", kvmcpu_model_alias_of(named));
	kc_jw_kv_str(w, "vendor", kvmcpu_model_vendor(m));
	kc_jw_kv_u64(w, "family", kvmcpu_model_family(m));
	kc_jw_kv_u64(w, "model", kvmcpu_model_model(m));
	kc_jw_kv_u64(w, "stepping", kvmcpu_model_stepping(m));
	kc_jw_kv_str(w, "psabi", *kvmcpu_model_psabi(m) ? kvmcpu_model_psabi(m) : NULL);
}

bool cli_parse_number(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	uint64_t v;
	if (kc_parse_number(s, strlen(s), KC_NUM_DEC_OR_0X, max, &v) || v < min)
		return false;
	*out = v;
	return true;
}
