/* SPDX-License-Identifier: MIT */
/*
 * The baseline's second pass without parsing every recording again: each host
 * added is appended, as loaded, to an unlinked temporary file, and the proof
 * reads them back one at a time. Memory stays that of one host; the copies sit
 * in the file (about 5 KiB a host) and vanish with it. The struct is written as
 * it is: its other pointers (source_format) point to the library's static strings,
 * valid in the one process that writes and reads the file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cluster/cluster-priv.h"
#include "host/host-priv.h"

static bool put(FILE *f, const void *p, size_t size)
{
	return !size || fwrite(p, size, 1, f) == 1;
}

static bool get(FILE *f, void **p, size_t size)
{
	*p = NULL;
	if (!size)
		return true;
	*p = malloc(size);
	return *p && fread(*p, size, 1, f) == 1;
}

int kc_spill_write(FILE *f, const struct kvmcpu_host *h)
{
	struct kvmcpu_host head = *h;
	head.cpuid = NULL;
	head.hv = NULL;
	head.caps = NULL;
	head.msrs = NULL;
	bool ok = put(f, &head, sizeof(head)) && put(f, h->cpuid, h->ncpuid * sizeof(*h->cpuid)) &&
		  put(f, h->hv, h->nhv * sizeof(*h->hv)) &&
		  put(f, h->caps, h->ncaps * sizeof(*h->caps)) &&
		  put(f, h->msrs, h->nmsrs * sizeof(*h->msrs));
	return ok ? 0 : -EIO;
}

int kc_spill_read(FILE *f, struct kvmcpu_host **out)
{
	struct kvmcpu_host *h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	if (fread(h, sizeof(*h), 1, f) != 1) {
		free(h);
		return -EIO;
	}
	void *cpuid, *hv, *caps, *msrs;
	bool ok = get(f, &cpuid, h->ncpuid * sizeof(*h->cpuid));
	ok = get(f, &hv, ok ? h->nhv * sizeof(*h->hv) : 0) && ok;
	ok = get(f, &caps, ok ? h->ncaps * sizeof(*h->caps) : 0) && ok;
	ok = get(f, &msrs, ok ? h->nmsrs * sizeof(*h->msrs) : 0) && ok;
	h->cpuid = cpuid;
	h->hv = hv;
	h->caps = caps;
	h->msrs = msrs;
	/* The capacities are the counts: the arrays hold exactly what was written. */
	h->capcpuid = h->ncpuid;
	h->caphv = h->nhv;
	h->capcaps = h->ncaps;
	h->capmsrs = h->nmsrs;
	if (!ok) {
		kvmcpu_host_free(h);
		return -EIO;
	}
	*out = h;
	return 0;
}
