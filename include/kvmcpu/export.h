/* SPDX-License-Identifier: MIT */
#ifndef KVMCPU_EXPORT_H
#define KVMCPU_EXPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "error.h"
#include "host.h"
#include "result.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A resolved CPU written in another VMM's own configuration language, so that
 * the table kvmcpu computed becomes a line of that VMM's configuration.
 * docs/export.md describes each format, what it can express and how the
 * output was proven with the real client.
 *
 * Lifetime and ownership: the writers read the result and config they are
 * given and write into caller buffers; they keep no pointer to any of them
 * and allocate nothing that outlives the call.
 *
 * Thread safety: the calls only read their arguments and constant tables;
 * any thread may call them concurrently, as long as no other thread frees or
 * modifies the result, config or host meanwhile.
 */
enum kvmcpu_export_format {
	KVMCPU_EXPORT_QEMU = 0, /* the -cpu argument (and -smp) */
	KVMCPU_EXPORT_LIBVIRT, /* domain XML: <cpu mode='custom'> and <features><hyperv> */
	KVMCPU_EXPORT_FIRECRACKER, /* a custom CPU template (JSON) */
	KVMCPU_EXPORT_PROXMOX, /* a cpu-models.conf entry */
	KVMCPU_EXPORT_OPENVMM, /* the parameter string "hv=...,cpu=...,nested_virt,..." */
	KVMCPU_EXPORT_NFORMATS
};

/**
 * kvmcpu_export_format_find() - a format by name ("qemu", "libvirt", ...)
 * @name: the name, case-insensitive
 * @out: receives the format
 * @err: error record, or NULL
 *
 * Return: 0 on success; -EINVAL when @out is NULL, or @name is NULL or unknown
 * (*@out is then left alone, and the hint names every format).
 * Thread safety: any thread; reads only constant tables.
 */
KVMCPU_API int kvmcpu_export_format_find(const char *name, enum kvmcpu_export_format *out,
					 struct kvmcpu_error *err);

/**
 * kvmcpu_export_format_name() - the name of a format ("qemu")
 * @format: the format
 *
 * Return: a static string, or NULL when @format is out of range.
 * Thread safety: any thread.
 */
KVMCPU_API const char *kvmcpu_export_format_name(enum kvmcpu_export_format format);

/* What to write, and how strict to be about it. */
struct kvmcpu_export_opts {
	enum kvmcpu_export_format format;
	/*
	 * How QEMU's -smp and openvmm's smp= spell the topology, or NULL for @cfg's own
	 * (kvmcpu_config_set_smp()). It must be the topology @cfg holds: libvirt's
	 * <topology> is always written from @cfg.
	 */
	const char *smp;
	/*
	 * false: a result the format cannot express exactly is an error.
	 * true: write what the format can say, and list what differs in @lost.
	 */
	bool lossy;
	/*
	 * The host the result was resolved on, or NULL. Firecracker passes the host's
	 * vendor through to the guest: with a host, a result of another vendor is
	 * reported as not expressible.
	 */
	const struct kvmcpu_host *host;
};

/**
 * kvmcpu_result_export() - write a resolved CPU in another VMM's format
 * @r: the result of kvmcpu_resolve(@cfg, ...); only read
 * @cfg: the config @r was resolved from: the openvmm format repeats its whole
 *       parameter string; the others write its topology and pmu where they
 *       can and count them, with host-cache-info, as lost where they cannot;
 *       only read
 * @opts: format and options; only read, @opts->host included
 * @buf: caller-owned; receives the text, always NUL-terminated when @len > 0;
 *       may be NULL when @len is 0 (to learn the length)
 * @len: size of @buf in bytes
 * @needed: receives the length the whole text needs (without the NUL), on
 *          success and when @buf is too small; may be NULL
 * @lost: caller-owned; receives, with @opts->lossy, one line per feature or
 *        bit the output does not carry exactly ("avx512f: libvirt 9.0 has no
 *        name for CPUID 0x7.0 EBX bit 16"), cut to fit and NUL-terminated;
 *        "" when nothing was lost. Written on success and when @buf is too
 *        small. May be NULL.
 * @lost_len: size of @lost in bytes; 0 leaves @lost alone
 * @err: error record, or NULL
 *
 * Every format but openvmm needs @cfg's CPU spec to start with a named model
 * (not cpu=host or cpu=max). Nothing is kept after the call.
 *
 * Return: 0 on success; -ENOSPC when @buf is too small (it needs *@needed + 1
 * bytes; the text is cut and NUL-terminated), or when QEMU's -cpu
 * argument outgrows the library's own limit; -EOPNOTSUPP when the format
 * cannot express the result exactly and @opts->lossy is false, with every
 * such feature or bit named in @err->message, or when the format has no model
 * to start from (no named model in the spec, or none the target VMM knows
 * with the model's vendor and signature); -EINVAL when @r, @cfg or @opts is
 * NULL, @buf is NULL with a non-zero @len, or @opts->format is unknown.
 * Thread safety: reads @r, @cfg, @opts and @opts->host; any thread,
 * concurrently, as long as no other thread frees or modifies them meanwhile.
 */
KVMCPU_API int kvmcpu_result_export(const struct kvmcpu_result *r, const struct kvmcpu_config *cfg,
				    const struct kvmcpu_export_opts *opts, char *buf, size_t len,
				    size_t *needed, char *lost, size_t lost_len,
				    struct kvmcpu_error *err);

#ifdef __cplusplus
}
#endif
#endif
