/* SPDX-License-Identifier: MIT */
/* A minimal test harness: CHECK* record failures and go on; main returns the verdict. */
#ifndef KVMCPU_TEST_CHECK_H
#define KVMCPU_TEST_CHECK_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_failures;
static int check_count;

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		check_count++;                                                                     \
		if (!(cond)) {                                                                     \
			check_failures++;                                                          \
			fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond);   \
		}                                                                                  \
	} while (0)

#define CHECK_EQ(a, b)                                                                             \
	do {                                                                                       \
		uint64_t va_ = (uint64_t)(a), vb_ = (uint64_t)(b);                                 \
		check_count++;                                                                     \
		if (va_ != vb_) {                                                                  \
			check_failures++;                                                          \
			fprintf(stderr,                                                            \
				"%s:%d: %s == %s failed: 0x%" PRIx64 " != 0x%" PRIx64 "\n",        \
				__FILE__, __LINE__, #a, #b, va_, vb_);                             \
		}                                                                                  \
	} while (0)

#define CHECK_STR_CONTAINS(hay, needle)                                                            \
	do {                                                                                       \
		const char *h_ = (hay), *n_ = (needle);                                            \
		check_count++;                                                                     \
		if (!h_ || !strstr(h_, n_)) {                                                      \
			check_failures++;                                                          \
			fprintf(stderr, "%s:%d: '%s' does not contain '%s'\n", __FILE__, __LINE__, \
				h_ ? h_ : "(null)", n_);                                           \
		}                                                                                  \
	} while (0)

/* CHECK with a printf-style explanation: CHECK_MSG(cond, fmt, ...). */
#define CHECK_MSG(cond, ...)                                                                       \
	do {                                                                                       \
		check_count++;                                                                     \
		if (!(cond)) {                                                                     \
			check_failures++;                                                          \
			fprintf(stderr, "%s:%d: CHECK(%s) failed: ", __FILE__, __LINE__, #cond);   \
			fprintf(stderr, __VA_ARGS__);                                              \
			fputc('\n', stderr);                                                       \
		}                                                                                  \
	} while (0)

/* CHECK_EQ for register-sized values, named by @what (a string) in the message. */
#define CHECK_HEX(got, want, what)                                                                 \
	do {                                                                                       \
		uint64_t vg_ = (uint64_t)(got), vw_ = (uint64_t)(want);                            \
		check_count++;                                                                     \
		if (vg_ != vw_) {                                                                  \
			check_failures++;                                                          \
			fprintf(stderr,                                                            \
				"%s:%d: %s: %s == %s failed: got 0x%" PRIx64 ", want 0x%" PRIx64   \
				"\n",                                                              \
				__FILE__, __LINE__, (what), #got, #want, vg_, vw_);                \
		}                                                                                  \
	} while (0)

/* The plain closing line every runner understands. */
static inline int check_finish(const char *name)
{
	printf("%s: %d checks, %d passed, %d failed\n", name, check_count,
	       check_count - check_failures, check_failures);
	return check_failures ? 1 : 0;
}

#endif
