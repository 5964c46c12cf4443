/* SPDX-License-Identifier: MIT */
/*
 * The public calls that build a host by hand and write it out: their error
 * records, and that what kvmcpu_host_save writes to an fd and what
 * kvmcpu_host_save_mem writes to a buffer load back as the same host.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "kvmcpu/kvmcpu.h"

/* Leaf 0 of a GenuineIntel CPU with max basic leaf 0xd (SDM Vol. 2A CPUID leaf 0). */
static const struct kvmcpu_cpuid_entry leaf0 = {
	.function = 0, .eax = 0xd, .ebx = 0x756e6547, .ecx = 0x6c65746e, .edx = 0x49656e69
};
/* Leaf 1 of a Haswell (family 6, model 0x3c, stepping 3): every recording needs leaves 0 and 1. */
static const struct kvmcpu_cpuid_entry leaf1 = { .function = 1, .eax = 0x000306c3 };

static struct kvmcpu_host *built_host(void)
{
	struct kvmcpu_error err;
	struct kvmcpu_host *h = NULL;
	CHECK_EQ(kvmcpu_host_new(&h, &err), 0);
	CHECK_EQ(kvmcpu_host_add_cpuid(h, &leaf0, &err), 0);
	CHECK_EQ(kvmcpu_host_add_cpuid(h, &leaf1, &err), 0);
	CHECK_EQ(kvmcpu_host_add_cap(h, "KVM_CAP_HYPERV", 1, &err), 0);
	CHECK_EQ(kvmcpu_host_add_msr(h, 0x10a, 0xeb, &err), 0);
	CHECK_EQ(kvmcpu_host_set_info(h, "by hand", "6.1.0", "kvm_intel", &err), 0);
	return h;
}

static void test_add_errors(void)
{
	struct kvmcpu_error err;
	struct kvmcpu_host *h = built_host();
	CHECK(!strcmp(kvmcpu_host_vendor(h), "GenuineIntel"));
	CHECK_EQ(kvmcpu_host_add_cpuid(h, &leaf0, &err), -EEXIST);
	CHECK_STR_CONTAINS(err.message, "CPUID leaf 0x0 subleaf 0 is already in the host");
	CHECK_EQ(kvmcpu_host_add_cap(h, "KVM_CAP_HYPERV", 0, &err), -EEXIST);
	CHECK_STR_CONTAINS(err.message, "KVM_CAP_HYPERV");
	CHECK_EQ(kvmcpu_host_add_cap(h, "", 0, &err), -EINVAL);
	CHECK_STR_CONTAINS(err.hint, "<linux/kvm.h>");
	CHECK_EQ(kvmcpu_host_add_msr(h, 0x10a, 0, &err), -EEXIST);
	CHECK_STR_CONTAINS(err.message, "MSR 0x10a");
	CHECK_EQ(kvmcpu_host_add_hv_cpuid(h, &leaf0, &err), 0);
	CHECK(kvmcpu_host_has_hv_cpuid(h));
	CHECK_EQ(kvmcpu_host_add_hv_cpuid(h, &leaf0, &err), -EEXIST);
	CHECK_STR_CONTAINS(err.message, "Hyper-V CPUID leaf 0x0");
	kvmcpu_host_free(h);
}

/* Everything written to the pipe, NUL-terminated (hosts this small fit a pipe buffer). */
static char *saved_to_fd(const struct kvmcpu_host *h, enum kvmcpu_host_format format)
{
	int p[2];
	struct kvmcpu_error err;
	if (pipe(p))
		return NULL;
	int rc = kvmcpu_host_save(h, p[1], format, &err);
	CHECK_MSG(rc == 0, "%s", err.message);
	close(p[1]);
	char *text = calloc(1, 65536);
	size_t used = 0;
	ssize_t n;
	while (text && used < 65535 && (n = read(p[0], text + used, 65535 - used)) > 0)
		used += (size_t)n;
	close(p[0]);
	return text;
}

static void test_save(void)
{
	struct kvmcpu_host *h = built_host();
	struct kvmcpu_error err;
	for (int format = KVMCPU_HOST_JSON; format <= KVMCPU_HOST_TEXT; format++) {
		char *fd_text = saved_to_fd(h, (enum kvmcpu_host_format)format);
		size_t len = 0;
		char small[8] = "unset";
		CHECK_EQ(kvmcpu_host_save_mem(h, (enum kvmcpu_host_format)format, small,
					      sizeof(small), &len, &err),
			 -ENOBUFS);
		CHECK(!strcmp(small, "unset"));
		CHECK(fd_text && strlen(fd_text) == len);
		char *buf = malloc(len + 1);
		CHECK_EQ(kvmcpu_host_save_mem(h, (enum kvmcpu_host_format)format, buf, len + 1,
					      NULL, &err),
			 0);
		CHECK(fd_text && buf && !strcmp(fd_text, buf));
		struct kvmcpu_host *back = NULL;
		CHECK_EQ(kvmcpu_host_load_mem(buf, len, "saved", &back, &err), 0);
		uint64_t v = 0;
		CHECK(kvmcpu_host_msr(back, 0x10a, &v) == 1 && v == 0xeb);
		CHECK(!strcmp(kvmcpu_host_kernel(back), "6.1.0"));
		kvmcpu_host_free(back);
		free(buf);
		free(fd_text);
	}
	CHECK_EQ(kvmcpu_host_save(h, -1, KVMCPU_HOST_JSON, &err), -EINVAL);
	CHECK_STR_CONTAINS(err.message, "file descriptor -1");
	CHECK_EQ(kvmcpu_host_save(h, 1, (enum kvmcpu_host_format)7, &err), -EINVAL);
	CHECK_STR_CONTAINS(err.message, "unknown host format 7");
	/* A write error is the fd's errno: a pipe with its reader gone gives EPIPE. */
	int p[2];
	CHECK(pipe(p) == 0);
	close(p[0]);
	signal(SIGPIPE, SIG_IGN);
	CHECK_EQ(kvmcpu_host_save(h, p[1], KVMCPU_HOST_TEXT, &err), -EPIPE);
	CHECK_STR_CONTAINS(err.message, "writing the host to fd");
	close(p[1]);
	kvmcpu_host_free(h);
}

int main(void)
{
	test_add_errors();
	test_save();
	return check_finish("test-host-api");
}
