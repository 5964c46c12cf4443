/* SPDX-License-Identifier: MIT */
/*
 * What every libkvmcpu header shares: the export macro, the version of the
 * headers, and the error record every fallible call fills.
 */
#ifndef KVMCPU_COMMON_H
#define KVMCPU_COMMON_H

#ifdef __cplusplus
extern "C" {
#endif

/* Marks a function of the public ABI (listed by name in the symbol map, libkvmcpu.map). */
#define KVMCPU_API __attribute__((visibility("default")))

/* The version of these headers; kvmcpu_version() gives the library's at run time. */
#define KVMCPU_VERSION_MAJOR 1
#define KVMCPU_VERSION_MINOR 0
#define KVMCPU_VERSION_PATCH 0

/**
 * struct kvmcpu_error - a caller-owned error record
 * @code: the negative errno the failing call returned (0 after success)
 * @message: one sentence naming the offending input or the failing ioctl
 * @hint: what to do about it; empty when there is nothing useful to say
 *
 * Every fallible call takes a pointer to one as its last parameter; NULL is
 * allowed when the caller wants only the return value. The record is filled
 * only on failure: test the return value, not @code. The record holds no
 * pointers: it may be copied, kept, or put on the stack.
 */
struct kvmcpu_error {
	int code;
	char message[512];
	char hint[256];
};

/**
 * kvmcpu_error_clear() - reset an error record
 * @err: the record; NULL does nothing
 *
 * Sets @err->code to 0 and both strings to "".
 *
 * Thread safety: touches only @err.
 */
KVMCPU_API void kvmcpu_error_clear(struct kvmcpu_error *err);

/**
 * kvmcpu_strerror() - a short text for an error code
 * @code: a negative errno returned by this library (a positive one is read the same)
 *
 * Return: a string the caller does not free, never NULL: "success" for 0,
 * otherwise the C library's text for the errno (strerror).
 *
 * Thread safety: as the C library's strerror(); glibc's is safe from any thread.
 */
KVMCPU_API const char *kvmcpu_strerror(int code);

/**
 * kvmcpu_version() - the version of the library that was loaded
 *
 * Return: a static "MAJOR.MINOR.PATCH" string, never NULL. Compare with the
 * KVMCPU_VERSION_* macros to tell the headers from the library at run time.
 *
 * Thread safety: safe from any thread.
 */
KVMCPU_API const char *kvmcpu_version(void);

#ifdef __cplusplus
}
#endif
#endif
