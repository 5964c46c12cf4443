/* SPDX-License-Identifier: MIT */
/*
 * The user's request: CPU spec, Hyper-V spec, nested_virt, topology, address
 * widths, PMU; and the parameter string that carries them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config-priv.h"
#include "hv/hv.h"
#include "model/model-priv.h"
#include "util/util.h"

int kvmcpu_config_new(struct kvmcpu_config **out, struct kvmcpu_error *err)
{
	if (!out)
		return kc_fail(err, -EINVAL, NULL, "kvmcpu_config_new: out is NULL");
	struct kvmcpu_config *cfg = calloc(1, sizeof(*cfg));
	if (!cfg)
		return kc_fail(err, -ENOMEM, NULL, "out of memory");
	kc_strlcpy(cfg->cpu, "host", sizeof(cfg->cpu));
	cfg->kind = KC_CPU_HOST;
	/* One vCPU, as QEMU without -smp. */
	cfg->topo = (struct kc_topology){ 1, 1, 1, 1, 1, 1 };
	*out = cfg;
	return 0;
}

void kvmcpu_config_free(struct kvmcpu_config *cfg)
{
	if (!cfg)
		return;
	kc_hv_spec_free(cfg->hv_spec);
	free(cfg);
}

static const char *model_name_at(size_t i, const void *ctx)
{
	(void)ctx;
	/* "host" and "max" are names too, listed after the table. */
	if (i == kc_nmodels)
		return "host";
	if (i == kc_nmodels + 1)
		return "max";
	return kc_models[i].name;
}

static const char *feature_name_at(size_t i, const void *ctx)
{
	(void)ctx;
	if (i < kc_nfeatures)
		return kc_features[i].name;
	return kc_feature_aliases[i - kc_nfeatures].alias;
}

static int unknown_model(const char *name, struct kvmcpu_error *err)
{
	char near[256];
	kc_suggest(name, kc_nmodels + 2, model_name_at, NULL, 5, near, sizeof(near));
	char hint[300];
	if (*near)
		snprintf(hint, sizeof(hint), "did you mean: %s? ('kvmcpu models' lists all)", near);
	else
		snprintf(hint, sizeof(hint), "'kvmcpu models' lists every model");
	return kc_fail(err, -ENOENT, hint, "unknown CPU model '%s'", name);
}

static int unknown_feature(const char *token, const char *name, struct kvmcpu_error *err)
{
	char near[256];
	kc_suggest(name, kc_nfeatures + kc_nfeature_aliases, feature_name_at, NULL, 5, near,
		   sizeof(near));
	char hint[300];
	if (*near)
		snprintf(hint, sizeof(hint), "did you mean: %s?", near);
	else
		snprintf(hint, sizeof(hint), "'kvmcpu model MODEL' shows feature names");
	return kc_fail(err, -ENOENT, hint, "unknown CPU feature '%s' in '%s'", name, token);
}

/*
 * QEMU and libvirt write "Skylake-Server,+avx", "Haswell,avx=on,hle=off" and
 * "hv=relaxed,vapic"; kvmcpu joins with '+'. Writes @spec in kvmcpu's spelling
 * into @out (for the hint of the error that refuses the QEMU one).
 */
static void qemu_to_plus(const char *spec, char *out, size_t len)
{
	char buf[1100];
	kc_strlcpy(buf, spec, sizeof(buf));
	size_t used = 0;
	out[0] = '\0';
	char *save = NULL;
	for (char *t = strtok_r(buf, ",+", &save); t && used + 1 < len;
	     t = strtok_r(NULL, ",+", &save)) {
		bool off = *t == '-';
		t += off;
		char *eq = strchr(t, '=');
		bool onoff = eq && (!strcmp(eq + 1, "on") || !strcmp(eq + 1, "off"));
		if (onoff) {
			off = !strcmp(eq + 1, "off");
			*eq = '\0';
		}
		used += (size_t)snprintf(out + used, len - used, "%s%s%s", used ? "+" : "",
					 off ? "no_" : "", t);
	}
}

static int qemu_spelling(const char *what, const char *spec, struct kvmcpu_error *err)
{
	char plus[600], hint[700];
	qemu_to_plus(spec, plus, sizeof(plus));
	snprintf(hint, sizeof(hint),
		 "kvmcpu joins features with '+' and writes no_NAME to disable: %s", plus);
	return kc_fail(err, -EINVAL, hint, "%s '%s' is written the QEMU way (',' or NAME=on|off)",
		       what, spec);
}

/*
 * One modifier: "name" enables, "-name" / "no_name" / "no-name" disable. A
 * token that is itself a feature name is taken as such first, so features
 * whose names begin with "no" (no-nested-data-bp) still enable.
 */
static int parse_modifier(struct kvmcpu_config *cfg, const char *tok, struct kvmcpu_error *err)
{
	bool enable = true;
	const char *name = tok;
	int f = -1;
	if (*tok == '-') {
		enable = false;
		name = tok + 1;
	} else if ((f = kc_feature_find(tok)) < 0 &&
		   (!strncmp(tok, "no_", 3) || !strncmp(tok, "no-", 3))) {
		enable = false;
		name = tok + 3;
	}
	if (f < 0)
		f = kc_feature_find(name);
	if (!*name)
		return kc_fail(err, -EINVAL, "write MODEL+feature or MODEL+no_feature",
			       "empty feature name in CPU spec");
	if (f < 0)
		return unknown_feature(tok, name, err);
	for (unsigned i = 0; i < cfg->nmods; i++)
		if (cfg->mods[i].feature == f && cfg->mods[i].enable != enable)
			return kc_fail(err, -EINVAL, "keep one of +NAME and +no_NAME",
				       "CPU spec '%s' both enables and disables '%s'", cfg->cpu,
				       kc_features[f].name);
	if (cfg->nmods == KC_MAX_MODS)
		return kc_fail(err, -E2BIG, NULL, "more than %d feature modifiers", KC_MAX_MODS);
	cfg->mods[cfg->nmods++] = (struct kc_cpu_mod){ .feature = f, .enable = enable };
	return 0;
}

int kvmcpu_config_set_cpu(struct kvmcpu_config *cfg, const char *spec, struct kvmcpu_error *err)
{
	if (!cfg)
		return kc_fail(err, -EINVAL, NULL, "kvmcpu_config_set_cpu: config is NULL");
	if (!spec || !*spec)
		return kc_fail(err, -EINVAL, "give a model name, 'host' or 'max'",
			       "empty CPU spec");
	if (strlen(spec) >= sizeof(cfg->cpu))
		return kc_fail(err, -E2BIG, NULL, "CPU spec longer than %zu characters",
			       sizeof(cfg->cpu) - 1);
	/* No model or feature name holds ',' or '=': they are QEMU's separators. */
	if (strpbrk(spec, ",="))
		return qemu_spelling("CPU spec", spec, err);
	struct kvmcpu_config next = *cfg;
	kc_strlcpy(next.cpu, spec, sizeof(next.cpu));
	next.nmods = 0;
	char buf[sizeof(cfg->cpu)];
	kc_strlcpy(buf, spec, sizeof(buf));
	char *save = NULL;
	char *tok = strtok_r(buf, "+", &save);
	if (!tok || buf[0] == '+')
		return kc_fail(err, -EINVAL, "the spec starts with the model: MODEL+feature...",
			       "CPU spec '%s' has no model name", spec);
	if (!strcmp(tok, "host") || !strcmp(tok, "max")) {
		next.kind = !strcmp(tok, "host") ? KC_CPU_HOST : KC_CPU_MAX;
		next.model = next.named = NULL;
	} else {
		const struct kvmcpu_model *m = kvmcpu_model_find(tok);
		if (!m)
			return unknown_model(tok, err);
		next.kind = KC_CPU_MODEL;
		next.named = m;
		next.model = kvmcpu_model_resolve_alias(m);
	}
	const size_t len = strlen(spec);
	if (spec[len - 1] == '+' || strstr(spec, "++"))
		return kc_fail(err, -EINVAL, "remove the empty '+'",
			       "empty feature name in CPU spec '%s'", spec);
	while ((tok = strtok_r(NULL, "+", &save))) {
		int r = parse_modifier(&next, tok, err);
		if (r)
			return r;
	}
	*cfg = next;
	return 0;
}

int kvmcpu_config_set_hv(struct kvmcpu_config *cfg, const char *spec, struct kvmcpu_error *err)
{
	if (!cfg)
		return kc_fail(err, -EINVAL, NULL, "kvmcpu_config_set_hv: config is NULL");
	if (!spec) {
		kc_hv_spec_free(cfg->hv_spec);
		cfg->hv_spec = NULL;
		cfg->hv_set = false;
		cfg->hv[0] = '\0';
		return 0;
	}
	if (strlen(spec) >= sizeof(cfg->hv))
		return kc_fail(err, -E2BIG, NULL, "Hyper-V spec longer than %zu characters",
			       sizeof(cfg->hv) - 1);
	if (strchr(spec, ','))
		return qemu_spelling("Hyper-V spec", spec, err);
	struct kc_hv_spec *parsed;
	int r = kc_hv_spec_parse(spec, &parsed, err);
	if (r)
		return r;
	kc_hv_spec_free(cfg->hv_spec);
	cfg->hv_spec = parsed;
	cfg->hv_set = true;
	kc_strlcpy(cfg->hv, spec, sizeof(cfg->hv));
	return 0;
}

void kvmcpu_config_set_nested(struct kvmcpu_config *cfg, bool nested)
{
	if (cfg)
		cfg->nested = nested;
}

const char *kvmcpu_config_cpu(const struct kvmcpu_config *cfg)
{
	return cfg ? cfg->cpu : NULL;
}

const char *kvmcpu_config_hv(const struct kvmcpu_config *cfg)
{
	return cfg && cfg->hv_set ? cfg->hv : NULL;
}

bool kvmcpu_config_nested(const struct kvmcpu_config *cfg)
{
	return cfg && cfg->nested;
}

int kvmcpu_config_set_smp(struct kvmcpu_config *cfg, const char *spec, struct kvmcpu_error *err)
{
	struct kc_smp_request req = { 0 };
	struct kc_topology topo = { 0 };
	if (!cfg)
		return kc_fail(err, -EINVAL, NULL, "kvmcpu_config_set_smp: config is NULL");
	int r = kc_smp_parse(spec, &req, err);
	if (!r)
		r = kc_smp_complete(&req, &topo, err);
	if (!r)
		cfg->topo = topo;
	return r;
}

unsigned kvmcpu_config_vcpu_count(const struct kvmcpu_config *cfg)
{
	return cfg ? cfg->topo.cpus : 0;
}

static int parse_bool(const char *v, bool *out)
{
	static const char *const yes[] = { "on", "yes", "true", "1" };
	static const char *const no[] = { "off", "no", "false", "0" };
	for (size_t i = 0; i < KC_ARRAY_SIZE(yes); i++) {
		if (!strcmp(v, yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcmp(v, no[i])) {
			*out = false;
			return 0;
		}
	}
	return -EINVAL;
}

/* A number parameter (phys-bits=N, host-phys-bits-limit=N) in [lo, hi]. */
static int parse_width(const char *key, const char *value, unsigned lo, unsigned hi, unsigned *out,
		       struct kvmcpu_error *err)
{
	char *end = NULL;
	unsigned long v = value && *value ? strtoul(value, &end, 10) : 0;
	if (!value || !*value || *end || value[0] == '-' || v < lo || v > hi)
		return kc_fail(err, -EINVAL, "an x86-64 physical address width is 32 to 52 bits",
			       "%s=%s is out of range: it must be %u to %u", key,
			       value ? value : "", lo, hi);
	*out = (unsigned)v;
	return 0;
}

/* A flag parameter: "key" or "key=on|off". */
static int parse_flag(const char *key, const char *value, bool *out, struct kvmcpu_error *err)
{
	bool on = true;
	if (value && parse_bool(value, &on))
		return kc_fail(err, -EINVAL, "write KEY or KEY=on|off",
			       "%s takes on or off, not '%s'", key, value);
	*out = on;
	return 0;
}

enum param_key {
	P_CPU,
	P_HV,
	P_NESTED,
	P_PHYS_BITS,
	P_HOST_PHYS_BITS,
	P_HOST_PHYS_BITS_LIMIT,
	P_PMU,
	P_HOST_CACHE_INFO,
	P_NKEYS
};

/* One "key=value" or flag item of the parameter string; smp keys go to @smp. */
static int parse_param(struct kvmcpu_config *cfg, char *item, unsigned pos, unsigned *seen,
		       struct kc_smp_request *smp, struct kvmcpu_error *err)
{
	static const char *const keys[P_NKEYS] = {
		[P_CPU] = "cpu",
		[P_HV] = "hv",
		[P_NESTED] = "nested_virt",
		[P_PHYS_BITS] = "phys-bits",
		[P_HOST_PHYS_BITS] = "host-phys-bits",
		[P_HOST_PHYS_BITS_LIMIT] = "host-phys-bits-limit",
		[P_PMU] = "pmu",
		[P_HOST_CACHE_INFO] = "host-cache-info",
	};
	char *eq = strchr(item, '=');
	if (eq)
		*eq = '\0';
	const char *value = eq ? eq + 1 : NULL;
	int r = value ? kc_smp_set_key(smp, item, value, err) : 1;
	if (r != 1)
		return r;
	size_t k = 0;
	while (k < P_NKEYS && strcmp(item, keys[k]))
		k++;
	if (k == P_NKEYS)
		return kc_fail(err, -EINVAL,
			       "parameters are cpu=SPEC, hv=SPEC, nested_virt, "
			       "smp=N,sockets=,dies=,modules=,cores=,threads=, phys-bits=N, "
			       "host-phys-bits, host-phys-bits-limit=N, pmu, host-cache-info",
			       "unknown parameter '%s' (item %u)", item, pos);
	if (*seen & (1u << k))
		return kc_fail(err, -EINVAL, "give each parameter once",
			       "parameter '%s' given twice (item %u)", item, pos);
	*seen |= 1u << k;
	switch ((enum param_key)k) {
	case P_NESTED:
		return parse_flag(item, value, &cfg->nested, err);
	case P_HOST_PHYS_BITS:
		return parse_flag(item, value, &cfg->host_phys_bits, err);
	case P_PMU:
		return parse_flag(item, value, &cfg->pmu, err);
	case P_HOST_CACHE_INFO:
		return parse_flag(item, value, &cfg->host_cache_info, err);
	case P_PHYS_BITS:
		return parse_width(item, value, 32, 52, &cfg->phys_bits, err);
	case P_HOST_PHYS_BITS_LIMIT:
		return parse_width(item, value, 32, 52, &cfg->host_phys_bits_limit, err);
	case P_CPU:
	case P_HV:
		if (!value || !*value)
			return kc_fail(err, -EINVAL,
				       k == P_CPU ? "write cpu=MODEL" : "write hv=PRESET+flag...",
				       "parameter '%s' needs a value (item %u)", item, pos);
		return k == P_CPU ? kvmcpu_config_set_cpu(cfg, value, err)
				  : kvmcpu_config_set_hv(cfg, value, err);
	case P_NKEYS:
		break;
	}
	return 0;
}

int kvmcpu_config_parse(const char *params, struct kvmcpu_config **out, struct kvmcpu_error *err)
{
	if (!params || !out)
		return kc_fail(err, -EINVAL, NULL, "no parameter string given");
	size_t len = strlen(params);
	if (len > 1024)
		return kc_fail(err, -E2BIG, NULL, "parameter string longer than 1024 characters");
	struct kvmcpu_config *cfg;
	int r = kvmcpu_config_new(&cfg, err);
	if (r)
		return r;
	char buf[1025];
	memcpy(buf, params, len + 1);
	unsigned seen = 0, pos = 0;
	struct kc_smp_request smp = { 0 };
	char *p = buf;
	const char *spec_item = NULL; /* the last cpu= or hv= item, for QEMU's "cpu=X,+avx" */
	int spec_len = 0;
	/* An empty string means the defaults: cpu=host, no Hyper-V, no nesting. */
	while (len && !r) {
		char *comma = strchr(p, ',');
		if (comma)
			*comma = '\0';
		pos++;
		if (!*p)
			r = kc_fail(err, -EINVAL, "separate parameters with single commas",
				    "empty parameter (item %u) in '%s'", pos, params);
		else
			r = parse_param(cfg, p, pos, &seen, &smp, err);
		const char *item = params + (p - buf);
		int item_len = comma ? (int)(comma - p) : (int)strlen(item);
		const char *eq = memchr(item, '=', (size_t)item_len);
		bool feature_like = !eq || !strncmp(eq, "=on", 3) || !strncmp(eq, "=off", 4);
		if (r == -EINVAL && spec_item && feature_like && err &&
		    !strncmp(err->message, "unknown parameter", 17)) {
			/* "+avx" or "vapic" after cpu=/hv=: QEMU's comma inside a spec. */
			char qemu[1100];
			snprintf(qemu, sizeof(qemu), "%.*s,%.*s", spec_len, spec_item, item_len,
				 item);
			r = qemu_spelling("parameter", qemu, err);
		}
		if (!strncmp(item, "cpu=", 4) || !strncmp(item, "hv=", 3)) {
			spec_item = item;
			spec_len = item_len;
		}
		if (!comma)
			break;
		p = comma + 1;
	}
	static const struct kc_smp_request none;
	if (!r && memcmp(&smp, &none, sizeof(smp)))
		r = kc_smp_complete(&smp, &cfg->topo, err);
	if (r) {
		kvmcpu_config_free(cfg);
		return r;
	}
	*out = cfg;
	return 0;
}
