/* SPDX-License-Identifier: MIT */
/*
 * Hostile recordings at the library level: special files and read errors,
 * no stale errno in err.code, the one number parser, tables handed over in
 * any order, and both formats holding the same content (flags, signed
 * capabilities, names). Expected values are written by hand from
 * docs/host-format.md and the SDM's CPUID layout.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "host/load-priv.h"
#include "util/util.h"

#define LEAF0 "00000000 00 0000000d 756e6547 6c65746e 49656e69\n"
#define LEAF1 "00000001 00 000306c3 00100800 7ffafbff bfebfbff\n"

static char tmpdir[] = "/tmp/kvmcpu-hostile-XXXXXX";

static void on_alarm(int sig)
{
	(void)sig;
	static const char msg[] = "test-host-hostile: hung (a FIFO open blocked?)\n";
	if (write(2, msg, sizeof(msg) - 1) < 0)
		_exit(2);
	_exit(1);
}

static char *save(const struct kvmcpu_host *h, enum kvmcpu_host_format format)
{
	struct kvmcpu_error err;
	size_t size = 0;
	kvmcpu_host_save_mem(h, format, NULL, 0, &size, &err);
	char *buf = malloc(size + 1);
	CHECK_MSG(buf && !kvmcpu_host_save_mem(h, format, buf, size + 1, NULL, &err),
		  "save failed");
	return buf;
}

/* errno is set to a value no path below can produce, so a stale one shows. */
static void test_directory_code(void)
{
	struct kvmcpu_host *h = NULL;
	struct kvmcpu_error err;
	errno = EXDEV;
	CHECK_EQ(kvmcpu_host_load(tmpdir, &h, &err), -EISDIR);
	CHECK_EQ(err.code, -EISDIR);
	CHECK_STR_CONTAINS(err.message, "is a directory, not a regular file");
	CHECK(h == NULL);
}

static void test_fifo_does_not_block(void)
{
	char path[256];
	struct kvmcpu_host *h = NULL;
	struct kvmcpu_error err;
	snprintf(path, sizeof(path), "%s/fifo", tmpdir);
	CHECK(mkfifo(path, 0600) == 0);
	signal(SIGALRM, on_alarm);
	alarm(10);
	errno = EXDEV;
	CHECK_EQ(kvmcpu_host_load(path, &h, &err), -EINVAL);
	alarm(0);
	CHECK_STR_CONTAINS(err.message, "is a FIFO (named pipe), not a regular file");
	unlink(path);
}

/* A failing read is an error, never a shorter file. */
static void test_read_error(void)
{
	char path[256], *data = NULL;
	size_t len = 0;
	struct kvmcpu_error err;
	snprintf(path, sizeof(path), "%s/wronly", tmpdir);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0);
	CHECK(write(fd, LEAF0, strlen(LEAF0)) == (ssize_t)strlen(LEAF0));
	/* read() on a write-only descriptor fails with EBADF. */
	CHECK_EQ(kc_read_fd(fd, path, 1024, &data, &len, &err), -EBADF);
	CHECK_STR_CONTAINS(err.message, "cannot read");
	CHECK(data == NULL);
	close(fd);
	/* Over the limit while reading (the file grew after stat): refused, not cut. */
	fd = open(path, O_RDONLY);
	CHECK_EQ(kc_read_fd(fd, path, 10, &data, &len, &err), -EFBIG);
	CHECK_STR_CONTAINS(err.message, "is larger than the 0 MiB limit");
	close(fd);
	fd = open(path, O_RDONLY);
	CHECK_EQ(kc_read_fd(fd, path, strlen(LEAF0), &data, &len, &err), 0);
	CHECK_EQ(len, strlen(LEAF0));
	CHECK(data && !strcmp(data, LEAF0));
	free(data);
	close(fd);
	unlink(path);
}

static void test_number_parser(void)
{
	uint64_t v = 7;
	CHECK_EQ(kc_parse_number("0x1F", 4, KC_NUM_0X_HEX, UINT32_MAX, &v), 0);
	CHECK_EQ(v, 31);
	CHECK_EQ(kc_parse_number("1f", 2, KC_NUM_0X_HEX, UINT32_MAX, &v), -EINVAL);
	CHECK_EQ(kc_parse_number("1f", 2, KC_NUM_HEX, UINT32_MAX, &v), 0);
	CHECK_EQ(v, 31);
	CHECK_EQ(kc_parse_number("1f", 2, KC_NUM_DEC_OR_0X, UINT32_MAX, &v), -EINVAL);
	CHECK_EQ(kc_parse_number("010", 3, KC_NUM_DEC_OR_0X, UINT32_MAX, &v), 0);
	CHECK_EQ(v, 10); /* decimal, never octal */
	CHECK_EQ(kc_parse_number("0x100000000", 11, KC_NUM_HEX, UINT32_MAX, &v), -ERANGE);
	CHECK_EQ(kc_parse_number("18446744073709551615", 20, KC_NUM_DEC_OR_0X, UINT64_MAX, &v), 0);
	CHECK_EQ(v, UINT64_MAX);
	CHECK_EQ(kc_parse_number("18446744073709551616", 20, KC_NUM_DEC_OR_0X, UINT64_MAX, &v),
		 -ERANGE);
	/* Junk after an overflow is junk, not "too large". */
	CHECK_EQ(kc_parse_number("99999999999999999999z", 21, KC_NUM_DEC_OR_0X, UINT64_MAX, &v),
		 -EINVAL);
	v = 7;
	CHECK_EQ(kc_parse_number("-1", 2, KC_NUM_DEC_OR_0X, UINT64_MAX, &v), -EINVAL);
	CHECK_EQ(kc_parse_number("+1", 2, KC_NUM_DEC_OR_0X, UINT64_MAX, &v), -EINVAL);
	CHECK_EQ(kc_parse_number(" 1", 2, KC_NUM_DEC_OR_0X, UINT64_MAX, &v), -EINVAL);
	CHECK_EQ(kc_parse_number("0x", 2, KC_NUM_HEX, UINT64_MAX, &v), -EINVAL);
	CHECK_EQ(kc_parse_number("", 0, KC_NUM_HEX, UINT64_MAX, &v), -EINVAL);
	CHECK_EQ(v, 7);
}

static struct kvmcpu_host *load(const char *data, size_t len, const char *origin,
				struct kvmcpu_error *err)
{
	struct kvmcpu_host *h = NULL;
	kvmcpu_error_clear(err);
	if (kvmcpu_host_load_mem(data, len, origin, &h, err))
		return NULL;
	return h;
}

/* Every table given in descending order comes out sorted, and duplicates are named. */
static void test_descending_tables(void)
{
	size_t cap = 1 << 20, n = 0;
	char *buf = malloc(cap);
	struct kvmcpu_error err;
	n += (size_t)snprintf(buf + n, cap - n, "{\"schema\": \"kvmcpu-host/1\", \"cpuid\": [\n");
	for (int i = KC_HOST_MAX_CPUID - 1; i >= 0; i--)
		n += (size_t)snprintf(
			buf + n, cap - n,
			"{\"function\": %d, \"eax\": %d, \"ebx\": 0, \"ecx\": 0, \"edx\": 0}%s\n",
			i, i + 1, i ? "," : "");
	n += (size_t)snprintf(buf + n, cap - n, "], \"caps\": {");
	for (int i = KC_HOST_MAX_CAPS - 1; i >= 0; i--)
		n += (size_t)snprintf(buf + n, cap - n, "\"KVM_CAP_%04d\": %d%s", i, i,
				      i ? ", " : "");
	n += (size_t)snprintf(buf + n, cap - n, "}, \"msrs\": [");
	for (int i = KC_HOST_MAX_MSRS - 1; i >= 0; i--)
		n += (size_t)snprintf(buf + n, cap - n, "{\"index\": %d, \"value\": %d}%s", i * 3,
				      i, i ? ", " : "");
	n += (size_t)snprintf(buf + n, cap - n, "]}\n");
	struct kvmcpu_host *h = load(buf, n, "desc.json", &err);
	CHECK_MSG(h != NULL, "desc.json: %s", err.message);
	if (h) {
		CHECK_EQ(kvmcpu_host_cpuid_count(h), KC_HOST_MAX_CPUID);
		for (size_t i = 0; i < kvmcpu_host_cpuid_count(h); i++)
			CHECK_EQ(kvmcpu_host_cpuid_at(h, i)->eax, i + 1);
		CHECK_EQ(kvmcpu_host_msr_count(h), KC_HOST_MAX_MSRS);
		for (size_t i = 0; i < kvmcpu_host_msr_count(h); i++) {
			uint64_t v;
			CHECK_EQ(kvmcpu_host_msr_at(h, i, &v), i * 3);
			CHECK_EQ(v, i);
		}
		uint64_t v = 0;
		CHECK_EQ(kvmcpu_host_msr(h, 3 * 500, &v), 1);
		CHECK_EQ(v, 500);
		CHECK_EQ(kvmcpu_host_msr(h, 3 * 500 + 1, &v), 0);
		/* Capabilities keep the recorded order. */
		int64_t c;
		CHECK(!strcmp(kvmcpu_host_cap_at(h, 0, &c), "KVM_CAP_1023") && c == 1023);
		CHECK(kvmcpu_host_cap(h, "KVM_CAP_0042", &c) == 1 && c == 42);
		kvmcpu_host_free(h);
	}
	/* One entry over each limit: one message naming the member. */
	n = (size_t)snprintf(buf, cap, "{\"schema\": \"kvmcpu-host/1\", \"cpuid\": [");
	for (int i = 0; i <= KC_HOST_MAX_CPUID; i++)
		n += (size_t)snprintf(buf + n, cap - n,
				      "%s{\"function\": %d, \"eax\": 0, \"ebx\": 0, "
				      "\"ecx\": 0, \"edx\": 0}",
				      i ? "," : "", i);
	n += (size_t)snprintf(buf + n, cap - n, "]}");
	CHECK(load(buf, n, "over.json", &err) == NULL);
	CHECK_STR_CONTAINS(err.message,
			   "over.json: cpuid (line 1, column 38): 257 CPUID entries, "
			   "more than 256; KVM reports at most 256 (KVM_MAX_CPUID_ENTRIES)");
	free(buf);
}

static void test_duplicates_named(void)
{
	struct kvmcpu_error err;
	static const char text[] = LEAF0 LEAF1 "msr 10a 1\nmsr 10b 1\ncap KVM_CAP_A 1\n"
					       "msr 10a 2\ncap KVM_CAP_A 2\n";
	CHECK(load(text, sizeof(text) - 1, "dup.txt", &err) == NULL);
	/* The capability repeats first in table order, but MSR... : caps are checked before MSRs. */
	CHECK_STR_CONTAINS(err.message, "dup.txt:7: duplicate capability (also line 5)");
	static const char text2[] = LEAF0 LEAF1 "msr 10a 1\nmsr 10b 1\nmsr 10b 3\nmsr 10a 2\n";
	CHECK(load(text2, sizeof(text2) - 1, "dup.txt", &err) == NULL);
	CHECK_STR_CONTAINS(err.message, "dup.txt:5: duplicate MSR (also line 4)");
}

/* What one format reads, the other writes and reads back the same. */
static void test_both_formats_hold_it(void)
{
	static const char text[] =
		"\xef\xbb\xbf# BOM, CR-only line ends, flags, signed and 64-bit capabilities\r"
		"kernel 6.12.0-rc1+\rmodule kvm_amd\r"
		"00000000 00 00000010 68747541 444d4163 69746e65\r"
		"00000001 00 00a10f11 00000800 7ed8320b 178bfbff\r"
		"cpuid 80000020 0 0 e 0 0 flags=0\r"
		"cpuid 1b 0 0 0 0 0 flags=0\r"
		"cpuid 80000001 0 0 0 0 0 flags=1\r"
		"hv-cpuid 40000001 0 31237648 0 0 0 flags=0x2\r"
		"cap KVM_CAP_NEG -5\rcap KVM_CAP_MIN -8000000000000000\r"
		"cap KVM_CAP_BIG 7fffffffffffffff\r"
		"msr c0011029 ffffffffffffffff\r";
	struct kvmcpu_error err;
	struct kvmcpu_host *h = load(text, sizeof(text) - 1, "odd.txt", &err);
	CHECK_MSG(h != NULL, "odd.txt: %s", err.message);
	if (!h)
		return;
	CHECK(!strcmp(kvmcpu_host_vendor(h), "AuthenticAMD"));
	CHECK_EQ(kvmcpu_host_cpuid_find(h, 0x80000020, 0)->flags, 0);
	CHECK_EQ(kvmcpu_host_cpuid_find(h, 0x80000020, 0)->ebx, 0xe);
	CHECK_EQ(kvmcpu_host_cpuid_find(h, 0x1b, 0)->flags, 0);
	CHECK_EQ(kvmcpu_host_cpuid_find(h, 0x80000001, 0)->flags, 1);
	CHECK_EQ(kvmcpu_host_hv_cpuid_find(h, 0x40000001, 0)->flags, 2);
	int64_t c = 0;
	CHECK(kvmcpu_host_cap(h, "KVM_CAP_NEG", &c) == 1 && c == -5);
	CHECK(kvmcpu_host_cap(h, "KVM_CAP_MIN", &c) == 1 && c == INT64_MIN);
	CHECK(kvmcpu_host_cap(h, "KVM_CAP_BIG", &c) == 1 && c == INT64_MAX);
	CHECK(!strcmp(kvmcpu_host_kernel(h), "6.12.0-rc1+"));
	char *json = save(h, KVMCPU_HOST_JSON), *txt = save(h, KVMCPU_HOST_TEXT);
	struct kvmcpu_host *hj = load(json, strlen(json), "odd.json", &err);
	CHECK_MSG(hj != NULL, "odd.json: %s", err.message);
	struct kvmcpu_host *ht = load(txt, strlen(txt), "odd2.txt", &err);
	CHECK_MSG(ht != NULL, "odd2.txt: %s", err.message);
	char *json2 = hj ? save(hj, KVMCPU_HOST_JSON) : NULL,
	     *json3 = ht ? save(ht, KVMCPU_HOST_JSON) : NULL;
	/* Same bytes after the origin line. */
	CHECK(json2 && json3 && !strcmp(strstr(json, "\"kernel\""), strstr(json2, "\"kernel\"")) &&
	      !strcmp(strstr(json, "\"kernel\""), strstr(json3, "\"kernel\"")));
	free(json);
	free(json2);
	free(json3);
	free(txt);
	kvmcpu_host_free(h);
	kvmcpu_host_free(hj);
	kvmcpu_host_free(ht);
}

static void expect_refused(const char *data, const char *message)
{
	struct kvmcpu_error err;
	struct kvmcpu_host *h = load(data, strlen(data), "x", &err);
	CHECK(h == NULL);
	CHECK_MSG(strstr(err.message, message) != NULL, "got '%s', want '%s'", err.message,
		  message);
	kvmcpu_host_free(h);
}

static void test_refusals(void)
{
	expect_refused(LEAF0 LEAF1 "cpuid 2 0 0 0 0 0", "x:3: the last line has no line end");
	expect_refused(LEAF0 LEAF1 "# a comment cut", "x:3: the last line has no line end");
	expect_refused(LEAF0 "00000001 00 000306c3\n",
		       "x:2: a cpuid line needs exactly six hex numbers");
	expect_refused("00000000 00 0000000d 756e6547 6c65746e 49656e69",
		       "x:1: the last line has no line end");
	expect_refused(LEAF0 LEAF1 "cpuid 2 0 0 0 0 0 flags\n",
		       "x:3: a cpuid line has six hex numbers "
		       "and at most a flags=<hex> field");
	expect_refused(LEAF0 LEAF1 "cpuid 2 0 0 0 0 0 flags=100000000\n",
		       "x:3: field 8 'flags=100000000' is not a hex number of at most 32 bits");
	expect_refused(LEAF0 LEAF1 "cap KVM_CAP_X 8000000000000000\n",
		       "x:3: a capability value is a hex number");
	expect_refused(LEAF0 LEAF1 "cap KVM_CAP_X -8000000000000001\n",
		       "x:3: a capability value is a hex number");
	expect_refused(LEAF0 LEAF1 "cap KVM_CAP_x 1\n", "x:3: a capability name is KVM_CAP_");
	expect_refused(LEAF0 LEAF1 "kernel a\nkernel b\n", "x:4: a second kernel line");
	expect_refused(LEAF0 LEAF1 "module kvm\xc3\xa9\n",
		       "x:3: kernel and module names are printable ASCII");
	expect_refused(" \n[{\"schema\": \"kvmcpu-host/1\"}]", "x: not a kvmcpu recording");
	expect_refused("{\"schema\": \"kvmcpu-host/1\", \"module\": \"kvm\\u00e9\", \"cpuid\": []}",
		       "module (line 1, column 39): a module name is printable ASCII");
	expect_refused(
		"{\"schema\": \"kvmcpu-host/1\", \"cpuid\": [], \"caps\": {\"KVM_CAP_A B\": 1}}",
		"caps.KVM_CAP_A B (line 1, column 66): a capability name is KVM_CAP_");
}

int main(void)
{
	CHECK(mkdtemp(tmpdir) != NULL);
	test_directory_code();
	test_fifo_does_not_block();
	test_read_error();
	test_number_parser();
	test_descending_tables();
	test_duplicates_named();
	test_both_formats_hold_it();
	test_refusals();
	rmdir(tmpdir);
	return check_finish("test-host-hostile");
}
