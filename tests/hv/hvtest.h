/* SPDX-License-Identifier: MIT */
/* A tiny check harness shared by the hv suite's C tests. */
#ifndef HVTEST_H
#define HVTEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int hvt_failures;
static int hvt_checks;

#define CHECK(cond, ...)                                                             \
	do {                                                                         \
		hvt_checks++;                                                        \
		if (!(cond)) {                                                       \
			hvt_failures++;                                              \
			fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, \
				#cond);                                              \
			fprintf(stderr, __VA_ARGS__);                                \
			fputc('\n', stderr);                                         \
		}                                                                    \
	} while (0)

#define CHECK_HEX(got, want, what)                                                   \
	CHECK((unsigned long long)(got) == (unsigned long long)(want),               \
	      "%s: got 0x%llx, want 0x%llx", (what), (unsigned long long)(got),      \
	      (unsigned long long)(want))

static inline int hvt_finish(const char *name)
{
	if (hvt_failures) {
		fprintf(stderr, "%s: %d of %d checks failed\n", name, hvt_failures, hvt_checks);
		return 1;
	}
	printf("%s: all %d checks passed\n", name, hvt_checks);
	return 0;
}

/* Path of a file under the source tree (KVMCPU_SRCDIR, set by meson test). */
static inline const char *hvt_src_path(const char *rel, char *buf, size_t len)
{
	const char *src = getenv("KVMCPU_SRCDIR");
	snprintf(buf, len, "%s/%s", src ? src : ".", rel);
	return buf;
}

#endif
