/* SPDX-License-Identifier: MIT */
/* Small helpers shared by every part of the library. */
#ifndef KC_UTIL_H
#define KC_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kvmcpu/cpuid.h"
#include "kvmcpu/error.h"
#include "util/number.h"

#define KC_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Fills @err (when not NULL) and returns @code (a negative errno), so that a
 * failing path reads "return kc_fail(err, -EINVAL, hint, fmt, ...)".
 * @hint may be NULL.
 */
int kc_fail(struct kvmcpu_error *err, int code, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
#ifdef __clang_analyzer__
/* clang-tidy's analyzer sees each file alone: tell it that kc_fail returns @code. */
#define kc_fail(err, code, ...) (kc_fail(err, code, __VA_ARGS__), (code))
#endif

/*
 * Did-you-mean: writes into @buf up to @max names from @names (count @n, or
 * stride-accessed through @get) closest to @word by edit distance, as
 * "a, b, c". Empty when nothing is close.
 */
typedef const char *(*kc_name_at_fn)(size_t i, const void *ctx);
void kc_suggest(const char *word, size_t n, kc_name_at_fn get, const void *ctx, size_t max,
		char *buf, size_t len);
size_t kc_edit_distance(const char *a, const char *b);

/* Case-insensitive comparison that treats '-', '_' and '.' alike. */
bool kc_name_eq(const char *a, const char *b);

/*
 * Reads a whole regular file of at most @limit bytes; the caller frees *data
 * (NUL-terminated, *len bytes before the NUL). Never blocks on a FIFO, refuses
 * directories, FIFOs, sockets, devices and /proc or /sys files by name, and
 * never returns a short read as the whole file. Returns 0 or -errno, with the
 * message in @err: -EISDIR, -EINVAL (not a regular file), -EFBIG (over @limit),
 * -ENOMEM, or the errno of open/read.
 */
int kc_read_file(const char *path, size_t limit, char **data, size_t *len,
		 struct kvmcpu_error *err);
/* The reading half of kc_read_file, for an open descriptor (@what names it in messages). */
int kc_read_fd(int fd, const char *what, size_t limit, char **data, size_t *len,
	       struct kvmcpu_error *err);

/* Bounded string copy that always terminates. */
void kc_strlcpy(char *dst, const char *src, size_t size);

/*
 * Room for @need elements of @elem bytes in the growable array *@array of
 * capacity *@cap, by doubling: 0, or -ENOMEM with both left as they were.
 */
int kc_grow(void **array, size_t *cap, size_t need, size_t elem);

/*
 * The KVM_CPUID_FLAG_* bits an entry of leaf @function carries when nothing
 * says otherwise: KVMCPU_CPUID_FLAG_SIGNIFICANT_INDEX for the leaves whose
 * output depends on the subleaf in ECX (SDM Vol. 2A CPUID, APM Vol. 3 E.3), 0
 * for the others. Every builder and reader of CPUID entries takes it from here.
 */
uint32_t kc_leaf_flags(uint32_t function);
/*
 * The entry six numbers give in the order recordings write them (leaf, subleaf,
 * EAX, EBX, ECX, EDX; each already checked to fit 32 bits), with kc_leaf_flags.
 */
struct kvmcpu_cpuid_entry kc_cpuid_entry_of(const uint64_t v[6]);

/*
 * Twelve characters in three CPUID registers, four per register, the first in
 * the low byte, as CPUID returns vendor strings and hypervisor signatures. The
 * registers come in the order the text fills them: a hypervisor signature
 * (0x40000000, Hyper-V's 0x40000080) fills EBX, ECX, EDX; a vendor string (leaf
 * 0, 0x80000000) EBX, EDX, ECX, which kc_vendor_* below take care of.
 * kc_text_to_regs pads @text shorter than 12 characters with zero bytes;
 * kc_text_from_regs always terminates @out.
 */
void kc_text_to_regs(const char *text, uint32_t *r0, uint32_t *r1, uint32_t *r2);
void kc_text_from_regs(uint32_t r0, uint32_t r1, uint32_t r2, char out[13]);

/* The 12-character vendor string of CPUID leaf 0, which keeps it in EBX, EDX, ECX. */
void kc_vendor_from_regs(uint32_t ebx, uint32_t ecx, uint32_t edx, char out[13]);
void kc_vendor_to_regs(const char *vendor, uint32_t *ebx, uint32_t *ecx, uint32_t *edx);

/*
 * KVM's guest_cpuid_is_intel_compatible: every vendor but AuthenticAMD and
 * HygonGenuine. Such guests nest with VMX rather than SVM, and read a leaf
 * past the limits as the highest basic leaf. NULL counts as Intel-compatible.
 */
bool kc_vendor_is_intel_compatible(const char *vendor);

/*
 * Whether an options struct the caller sized @user_sz bytes (its sz field) is
 * one this library can read: at least @min_sz bytes (the fields of its first
 * version), and any bytes past @known_sz (fields of a newer header) zero.
 */
bool kc_opts_valid(const void *opts, size_t user_sz, size_t min_sz, size_t known_sz);

#endif
