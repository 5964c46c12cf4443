/* SPDX-License-Identifier: MIT */
#ifndef KVMCPU_ERROR_H
#define KVMCPU_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

#define KVMCPU_API __attribute__((visibility("default")))

/**
 * A caller-owned error record. Every fallible call takes a pointer to one
 * (NULL is allowed when the caller does not want the text). On failure the
 * call returns a negative errno and fills @code with the same value, @message
 * with a sentence naming the offending input, and @hint with what to do about
 * it (empty when there is nothing useful to say).
 */
struct kvmcpu_error {
	int code;
	char message[512];
	char hint[256];
};

/** Clears an error record (code 0, empty strings). Accepts NULL. */
KVMCPU_API void kvmcpu_error_clear(struct kvmcpu_error *err);

/** A short text for a negative errno returned by this library. */
KVMCPU_API const char *kvmcpu_strerror(int code);

/** The library version, "MAJOR.MINOR.PATCH". */
KVMCPU_API const char *kvmcpu_version(void);

#ifdef __cplusplus
}
#endif
#endif
