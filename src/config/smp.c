/* SPDX-License-Identifier: MIT */
/*
 * QEMU's -smp grammar and the defaults of its newest machine types
 * (hw/core/machine-smp.c): omitted dies and modules are 1; with cores omitted,
 * sockets and threads default to 1 and cores take the rest ("prefer cores
 * over sockets", machine types 6.2 and later); with sockets omitted they take
 * the rest; threads are computed last. The product must equal the vCPU count.
 */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "config/config-priv.h"
#include "util/util.h"

/* The largest count any level may have: more than any KVM accepts, small enough to multiply. */
#define SMP_MAX_COUNT 4096u

static int parse_count(const char *key, const char *value, unsigned *out, struct kvmcpu_error *err)
{
	char *end = NULL;
	errno = 0;
	unsigned long v = value && *value ? strtoul(value, &end, 10) : 0;
	if (!value || !*value || *end || errno || value[0] == '-' || value[0] == '+')
		return kc_fail(err, -EINVAL, "write a positive decimal number, e.g. smp=4,cores=2",
			       "smp: %s needs a number, not '%s'", key, value ? value : "");
	if (v == 0)
		return kc_fail(err, -EINVAL, "leave it out to take QEMU's default",
			       "smp: %s=0: every count must be at least 1", key);
	if (v > SMP_MAX_COUNT)
		return kc_fail(err, -EINVAL, NULL, "smp: %s=%lu is more than %u", key, v,
			       SMP_MAX_COUNT);
	*out = (unsigned)v;
	return 0;
}

int kc_smp_set_key(struct kc_smp_request *req, const char *key, const char *value,
		   struct kvmcpu_error *err)
{
	static const struct {
		const char *name;
		size_t off;
	} keys[] = {
		{ "smp", offsetof(struct kc_smp_request, cpus) },
		{ "cpus", offsetof(struct kc_smp_request, cpus) },
		{ "sockets", offsetof(struct kc_smp_request, sockets) },
		{ "dies", offsetof(struct kc_smp_request, dies) },
		{ "modules", offsetof(struct kc_smp_request, modules) },
		{ "cores", offsetof(struct kc_smp_request, cores) },
		{ "threads", offsetof(struct kc_smp_request, threads) },
	};
	for (size_t i = 0; i < KC_ARRAY_SIZE(keys); i++) {
		if (strcmp(key, keys[i].name))
			continue;
		unsigned *slot = (unsigned *)((char *)req + keys[i].off);
		if (*slot)
			return kc_fail(err, -EINVAL, "give each smp value once",
				       "smp: %s given twice", key);
		return parse_count(key, value, slot, err);
	}
	return 1;
}

int kc_smp_parse(const char *spec, struct kc_smp_request *req, struct kvmcpu_error *err)
{
	memset(req, 0, sizeof(*req));
	if (!spec || !*spec)
		return kc_fail(err, -EINVAL, "e.g. --smp 4 or --smp 8,sockets=2,cores=2,threads=2",
			       "empty smp spec");
	char buf[256];
	if (strlen(spec) >= sizeof(buf))
		return kc_fail(err, -E2BIG, NULL, "smp spec longer than %zu characters",
			       sizeof(buf) - 1);
	kc_strlcpy(buf, spec, sizeof(buf));
	char *save = NULL;
	bool first = true;
	for (char *item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(item, '=');
		int r;
		if (!eq && first) {
			r = parse_count("cpus", item, &req->cpus, err);
		} else if (!eq) {
			r = kc_fail(err, -EINVAL,
				    "write key=value: sockets, dies, modules, cores, threads",
				    "smp: '%s' has no value", item);
		} else {
			*eq = '\0';
			r = kc_smp_set_key(req, item, eq + 1, err);
			if (r == 1)
				r = kc_fail(
					err, -EINVAL,
					"the keys are cpus, sockets, dies, modules, cores, threads",
					"smp: unknown key '%s'", item);
		}
		if (r)
			return r;
		first = false;
	}
	return 0;
}

int kc_smp_complete(const struct kc_smp_request *req, struct kc_topology *out,
		    struct kvmcpu_error *err)
{
	unsigned cpus = req->cpus, sockets = req->sockets, cores = req->cores;
	unsigned threads = req->threads;
	unsigned dies = req->dies ? req->dies : 1, modules = req->modules ? req->modules : 1;
	if (!cpus) {
		sockets = sockets ? sockets : 1;
		cores = cores ? cores : 1;
		threads = threads ? threads : 1;
	} else if (!cores) {
		sockets = sockets ? sockets : 1;
		threads = threads ? threads : 1;
		cores = cpus / (sockets * dies * modules * threads);
	} else if (!sockets) {
		threads = threads ? threads : 1;
		sockets = cpus / (dies * modules * cores * threads);
	}
	if (!threads)
		threads = cpus / (sockets * dies * modules * cores);
	unsigned long long total = (unsigned long long)sockets * dies * modules * cores * threads;
	if (!cpus)
		cpus = total > UINT_MAX ? UINT_MAX : (unsigned)total;
	if (!sockets || !cores || !threads || total != cpus)
		return kc_fail(
			err, -EINVAL, "the product of the levels must equal the vCPU count",
			"smp: sockets (%u) * dies (%u) * modules (%u) * cores (%u) * threads (%u) "
			"= %llu, not %u vCPUs",
			sockets, dies, modules, cores, threads, total, cpus);
	*out = (struct kc_topology){ .cpus = cpus,
				     .sockets = sockets,
				     .dies = dies,
				     .modules = modules,
				     .cores = cores,
				     .threads = threads };
	return 0;
}
