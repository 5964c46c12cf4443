/* SPDX-License-Identifier: MIT */
/* Shared pieces of the importers of other tools' recordings (src/host/import-*.c). */
#ifndef KC_HOST_IMPORT_H
#define KC_HOST_IMPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "host/host-priv.h"

/* One line of a text recording: @text (not terminated, no '\n', no trailing '\r'), @no from 1. */
struct kc_line {
	const char *text;
	size_t len;
	unsigned no;
};

/* Steps @l to the next line of @data from *@pos; false at the end of the data. */
bool kc_line_next(const char *data, size_t len, size_t *pos, struct kc_line *l);
/* The line with leading and trailing white space removed. */
struct kc_line kc_line_trim(struct kc_line l);
/* True when @l starts with @prefix. */
bool kc_line_starts(const struct kc_line *l, const char *prefix);

/* "<origin>:<line>: <format>: <what>", -EINVAL. */
int kc_import_fail(struct kvmcpu_error *err, const char *origin, const char *format, unsigned line,
		   const char *hint, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Adds a CPUID entry; a duplicate (leaf, subleaf) is an error naming the line. */
int kc_import_add_cpuid(struct kvmcpu_host *h, const struct kvmcpu_cpuid_entry *e,
			const char *origin, const char *format, unsigned line,
			struct kvmcpu_error *err);

/* Each importer: whether @data is its format, and the parser. */
bool kc_import_firecracker_detect(const char *data, size_t len);
int kc_import_firecracker(struct kvmcpu_host *h, const char *data, size_t len, const char *origin,
			  struct kvmcpu_error *err);
bool kc_import_cpuid_detect(const char *data, size_t len);
int kc_import_cpuid(struct kvmcpu_host *h, const char *data, size_t len, const char *origin,
		    struct kvmcpu_error *err);
bool kc_import_instlat_detect(const char *data, size_t len);
int kc_import_instlat(struct kvmcpu_host *h, const char *data, size_t len, const char *origin,
		      struct kvmcpu_error *err);

#endif
