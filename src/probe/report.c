/* SPDX-License-Identifier: MIT */
/* The probe report and calibration as the caller reads them: accessors and destructors. */
#include <stdlib.h>

#include "probe/probe-priv.h"

void kvmcpu_probe_calibration_free(struct kvmcpu_probe_calibration *cal)
{
	if (!cal)
		return;
	free(cal->v);
	free(cal);
}

size_t kvmcpu_probe_calibration_count(const struct kvmcpu_probe_calibration *cal)
{
	return cal ? cal->n : 0;
}

const struct kvmcpu_probe_cal_reg *kvmcpu_probe_calibration_at(
	const struct kvmcpu_probe_calibration *cal, size_t i)
{
	return cal && i < cal->n ? &cal->v[i] : NULL;
}

void kvmcpu_probe_report_free(struct kvmcpu_probe_report *rep)
{
	if (!rep)
		return;
	free(rep->rows);
	free(rep->msrs);
	free(rep);
}

size_t kvmcpu_probe_row_count(const struct kvmcpu_probe_report *rep)
{
	return rep ? rep->nrows : 0;
}

const struct kvmcpu_probe_row *kvmcpu_probe_row_at(const struct kvmcpu_probe_report *rep, size_t i)
{
	return rep && i < rep->nrows ? &rep->rows[i] : NULL;
}

size_t kvmcpu_probe_msr_count(const struct kvmcpu_probe_report *rep)
{
	return rep ? rep->nmsrs : 0;
}

const struct kvmcpu_probe_msr *kvmcpu_probe_msr_at(const struct kvmcpu_probe_report *rep, size_t i)
{
	return rep && i < rep->nmsrs ? &rep->msrs[i] : NULL;
}

unsigned kvmcpu_probe_mismatch_bits(const struct kvmcpu_probe_report *rep)
{
	return rep ? rep->mismatch_bits : 0;
}

unsigned kvmcpu_probe_forced_bits(const struct kvmcpu_probe_report *rep)
{
	return rep ? rep->forced_bits : 0;
}

bool kvmcpu_probe_calibrated(const struct kvmcpu_probe_report *rep)
{
	return rep && rep->calibrated;
}

unsigned kvmcpu_probe_cpuid_count(const struct kvmcpu_probe_report *rep)
{
	return rep ? rep->ncpuid : 0;
}

bool kvmcpu_probe_passed(const struct kvmcpu_probe_report *rep, bool strict)
{
	return rep && !rep->mismatch_bits && (!strict || !rep->forced_bits);
}
