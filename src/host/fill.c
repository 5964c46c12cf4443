/* SPDX-License-Identifier: MIT */
/* The public calls that build a host by hand and write one out (fd or caller buffer). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/host-priv.h"
#include "util/util.h"

int kvmcpu_host_new(struct kvmcpu_host **out, struct kvmcpu_error *err)
{
	if (!out)
		return kc_fail(err, -EINVAL, NULL, "kvmcpu_host_new: out is NULL");
	*out = kc_host_new();
	return *out ? 0 : kc_fail(err, -ENOMEM, NULL, "out of memory");
}

/* The error record of a kc_host_add_* result: what was added, and why it was refused. */
static int add_result(int rc, struct kvmcpu_error *err, const char *what, const char *fmt_arg)
{
	if (!rc)
		return 0;
	if (rc == -EEXIST)
		return kc_fail(err, rc, "each entry may be added once",
			       "%s %s is already in the host", what, fmt_arg);
	if (rc == -ENOMEM)
		return kc_fail(err, rc, NULL, "out of memory");
	return kc_fail(err, rc, NULL, "%s %s cannot be added: %s", what, fmt_arg, strerror(-rc));
}

static int add_entry(struct kvmcpu_host *h, const struct kvmcpu_cpuid_entry *e, bool hv,
		     struct kvmcpu_error *err)
{
	const char *call = hv ? "kvmcpu_host_add_hv_cpuid" : "kvmcpu_host_add_cpuid";
	if (!h || !e)
		return kc_fail(err, -EINVAL, NULL, "%s: host or entry is NULL", call);
	char leaf[48];
	snprintf(leaf, sizeof(leaf), "0x%x subleaf %u", e->function, e->index);
	return add_result(hv ? kc_host_add_hv_cpuid(h, e) : kc_host_add_cpuid(h, e), err,
			  hv ? "Hyper-V CPUID leaf" : "CPUID leaf", leaf);
}

int kvmcpu_host_add_cpuid(struct kvmcpu_host *h, const struct kvmcpu_cpuid_entry *e,
			  struct kvmcpu_error *err)
{
	return add_entry(h, e, false, err);
}

int kvmcpu_host_add_hv_cpuid(struct kvmcpu_host *h, const struct kvmcpu_cpuid_entry *e,
			     struct kvmcpu_error *err)
{
	return add_entry(h, e, true, err);
}

int kvmcpu_host_add_cap(struct kvmcpu_host *h, const char *name, int64_t value,
			struct kvmcpu_error *err)
{
	if (!h || !name)
		return kc_fail(err, -EINVAL, NULL, "kvmcpu_host_add_cap: host or name is NULL");
	int rc = kc_host_add_cap(h, name, value);
	if (rc == -EINVAL)
		return kc_fail(err, rc, "use the name <linux/kvm.h> gives it, e.g. KVM_CAP_HYPERV",
			       "capability name '%s' is empty or longer than 47 bytes", name);
	return add_result(rc, err, "capability", name);
}

int kvmcpu_host_add_msr(struct kvmcpu_host *h, uint32_t index, uint64_t value,
			struct kvmcpu_error *err)
{
	if (!h)
		return kc_fail(err, -EINVAL, NULL, "kvmcpu_host_add_msr: host is NULL");
	char msr[16];
	snprintf(msr, sizeof(msr), "0x%x", index);
	return add_result(kc_host_add_msr(h, index, value), err, "MSR", msr);
}

int kvmcpu_host_set_info(struct kvmcpu_host *h, const char *origin, const char *kernel,
			 const char *module, struct kvmcpu_error *err)
{
	if (!h)
		return kc_fail(err, -EINVAL, NULL, "kvmcpu_host_set_info: host is NULL");
	return kc_host_set_info(h, origin, kernel, module);
}

/* The whole recording in a malloc()ed string (open_memstream), *len bytes without the NUL. */
static int save_to_string(const struct kvmcpu_host *h, enum kvmcpu_host_format format, char **text,
			  size_t *len, struct kvmcpu_error *err)
{
	*text = NULL;
	FILE *f = open_memstream(text, len);
	if (!f)
		return kc_fail(err, -ENOMEM, NULL, "out of memory");
	int rc = kc_host_save_file(h, f, format, err);
	if (fclose(f) && !rc)
		rc = kc_fail(err, -ENOMEM, NULL, "out of memory");
	if (rc) {
		free(*text);
		*text = NULL;
	}
	return rc;
}

static int check_save_args(const struct kvmcpu_host *h, enum kvmcpu_host_format format,
			   const char *call, struct kvmcpu_error *err)
{
	if (!h)
		return kc_fail(err, -EINVAL, NULL, "%s: host is NULL", call);
	if (format != KVMCPU_HOST_JSON && format != KVMCPU_HOST_TEXT)
		return kc_fail(err, -EINVAL, "use KVMCPU_HOST_JSON or KVMCPU_HOST_TEXT",
			       "unknown host format %d", (int)format);
	return 0;
}

int kvmcpu_host_save(const struct kvmcpu_host *h, int fd, enum kvmcpu_host_format format,
		     struct kvmcpu_error *err)
{
	int rc = check_save_args(h, format, "kvmcpu_host_save", err);
	if (rc)
		return rc;
	if (fd < 0)
		return kc_fail(err, -EINVAL, NULL,
			       "kvmcpu_host_save: file descriptor %d is not valid", fd);
	char *text;
	size_t len;
	rc = save_to_string(h, format, &text, &len, err);
	for (size_t done = 0; !rc && done < len;) {
		ssize_t n = write(fd, text + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			rc = kc_fail(err, -errno, NULL, "writing the host to fd %d failed: %s", fd,
				     strerror(errno));
		else
			done += (size_t)n;
	}
	free(text);
	return rc;
}

int kvmcpu_host_save_mem(const struct kvmcpu_host *h, enum kvmcpu_host_format format, char *buf,
			 size_t size, size_t *len, struct kvmcpu_error *err)
{
	int rc = check_save_args(h, format, "kvmcpu_host_save_mem", err);
	if (rc)
		return rc;
	if (!buf && size)
		return kc_fail(err, -EINVAL, NULL, "kvmcpu_host_save_mem: buffer is NULL, size %zu",
			       size);
	char *text;
	size_t n;
	rc = save_to_string(h, format, &text, &n, err);
	if (rc)
		return rc;
	if (len)
		*len = n;
	if (n >= size)
		rc = kc_fail(err, -ENOBUFS, "call again with a buffer of the length given plus one",
			     "the host takes %zu bytes and a NUL; the buffer has %zu", n, size);
	else
		memcpy(buf, text, n + 1);
	free(text);
	return rc;
}
