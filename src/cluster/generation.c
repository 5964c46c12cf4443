/* SPDX-License-Identifier: MIT */
/*
 * "Newest" for cluster answers: the launch of the processor generation a model
 * stands for (year * 100 + month, from the vendors' launch announcements), then
 * the model's version. Generic models (qemu64, kvm64, qemu32, kvm32, the psABI
 * levels) have no generation (0): any real generation that runs is preferred.
 */
#include <stdlib.h>
#include <string.h>

#include "cluster/cluster-priv.h"

static const struct {
	const char *name; /* unversioned model name */
	unsigned launch; /* year * 100 + month */
} generations[] = {
	{ "486", 198904 },
	{ "pentium", 199303 },
	{ "pentium2", 199705 },
	{ "athlon", 199906 },
	{ "pentium3", 199902 },
	{ "Opteron_G1", 200304 },
	{ "coreduo", 200601 },
	{ "Opteron_G2", 200608 },
	{ "core2duo", 200607 },
	{ "Conroe", 200607 },
	{ "phenom", 200711 },
	{ "Opteron_G3", 200709 },
	{ "Penryn", 200711 },
	{ "n270", 200806 },
	{ "Nehalem", 200811 },
	{ "Westmere", 201001 },
	{ "SandyBridge", 201101 },
	{ "Opteron_G4", 201111 },
	{ "IvyBridge", 201204 },
	{ "Opteron_G5", 201211 },
	{ "Haswell", 201306 },
	{ "Broadwell", 201409 },
	{ "Skylake-Client", 201508 },
	{ "EPYC", 201706 },
	{ "Skylake-Server", 201707 },
	{ "Denverton", 201708 },
	{ "KnightsMill", 201712 },
	{ "Dhyana", 201806 },
	{ "Cascadelake-Server", 201904 },
	{ "EPYC-Rome", 201908 },
	{ "Snowridge", 202002 },
	{ "Cooperlake", 202006 },
	{ "EPYC-Milan", 202103 },
	{ "Icelake-Server", 202104 },
	{ "EPYC-Genoa", 202211 },
	{ "YongFeng", 202212 },
	{ "SapphireRapids", 202301 },
	{ "SierraForest", 202406 },
	{ "GraniteRapids", 202409 },
	{ "EPYC-Turin", 202410 },
	{ "ClearwaterForest", 202506 },
	{ "DiamondRapids", 202606 },
};

/* "Skylake-Server-v4" -> length of "Skylake-Server" and version 4; version 0 without "-vN". */
static size_t split_version(const char *name, unsigned *version)
{
	const char *v = strrchr(name, '-');
	*version = 0;
	if (v && v[1] == 'v' && v[2] >= '1' && v[2] <= '9' &&
	    strspn(v + 2, "0123456789") == strlen(v + 2)) {
		*version = (unsigned)strtoul(v + 2, NULL, 10);
		return (size_t)(v - name);
	}
	return strlen(name);
}

unsigned kvmcpu_model_generation(const struct kvmcpu_model *m)
{
	if (!m)
		return 0;
	m = kvmcpu_model_resolve_alias(m);
	unsigned version;
	size_t len = split_version(m->name, &version);
	for (size_t i = 0; i < sizeof(generations) / sizeof(generations[0]); i++)
		if (strlen(generations[i].name) == len &&
		    !strncmp(generations[i].name, m->name, len))
			return generations[i].launch;
	return 0;
}

/* Newer first: generation, then version, then name (for a stable order). */
int kc_cluster_model_cmp_newest(const struct kvmcpu_model *a, const struct kvmcpu_model *b)
{
	unsigned ga = kvmcpu_model_generation(a), gb = kvmcpu_model_generation(b);
	if (ga != gb)
		return ga > gb ? -1 : 1;
	unsigned va, vb;
	split_version(a->name, &va);
	split_version(b->name, &vb);
	if (va != vb)
		return va > vb ? -1 : 1;
	return strcmp(a->name, b->name);
}
