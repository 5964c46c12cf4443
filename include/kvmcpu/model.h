/* SPDX-License-Identifier: MIT */
#ifndef KVMCPU_MODEL_H
#define KVMCPU_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Named guest CPU models: every x86 model of QEMU (unversioned names, -vN
 * versions and named aliases) plus the x86-64 psABI levels. The table is
 * const data generated from data/ by tools/gen-models.py; the handles below
 * point into it and are never freed.
 */
struct kvmcpu_model;

/** Number of model names (unversioned, versioned, aliases, psABI levels). */
KVMCPU_API size_t kvmcpu_model_count(void);
/** The model at @index (0 <= index < kvmcpu_model_count()), or NULL. */
KVMCPU_API const struct kvmcpu_model *kvmcpu_model_at(size_t index);
/** Finds a model by exact name; NULL when there is none. */
KVMCPU_API const struct kvmcpu_model *kvmcpu_model_find(const char *name);

KVMCPU_API const char *kvmcpu_model_name(const struct kvmcpu_model *m);
/** The name this one resolves to (an unversioned name or a named alias), or NULL. */
KVMCPU_API const char *kvmcpu_model_alias_of(const struct kvmcpu_model *m);
/** Follows alias_of to the concrete versioned definition (itself when not an alias). */
KVMCPU_API const struct kvmcpu_model *kvmcpu_model_resolve_alias(const struct kvmcpu_model *m);
KVMCPU_API const char *kvmcpu_model_vendor(const struct kvmcpu_model *m);
KVMCPU_API unsigned kvmcpu_model_family(const struct kvmcpu_model *m);
KVMCPU_API unsigned kvmcpu_model_model(const struct kvmcpu_model *m);
KVMCPU_API unsigned kvmcpu_model_stepping(const struct kvmcpu_model *m);
KVMCPU_API const char *kvmcpu_model_brand(const struct kvmcpu_model *m);
/** The version note ("" when none). */
KVMCPU_API const char *kvmcpu_model_note(const struct kvmcpu_model *m);
/** Highest x86-64 psABI level the model's features meet ("x86-64-v3", ...) or "". */
KVMCPU_API const char *kvmcpu_model_psabi(const struct kvmcpu_model *m);
/** Where the definition comes from (QEMU source or binary, or the psABI). */
KVMCPU_API const char *kvmcpu_model_provenance(const struct kvmcpu_model *m);
KVMCPU_API uint32_t kvmcpu_model_level(const struct kvmcpu_model *m);
KVMCPU_API uint32_t kvmcpu_model_xlevel(const struct kvmcpu_model *m);
/** True for the x86-64-vN psABI level models (not QEMU models). */
KVMCPU_API bool kvmcpu_model_is_psabi_level(const struct kvmcpu_model *m);

/*
 * Feature words: every CPUID register and feature MSR that carries feature
 * bits. A word is either a CPUID word (leaf, subleaf, register) or a MSR word.
 */
enum kvmcpu_reg { KVMCPU_EAX = 0, KVMCPU_EBX, KVMCPU_ECX, KVMCPU_EDX };

struct kvmcpu_word_info {
	const char *name;    /* "FEAT_7_0_EBX" */
	bool is_msr;
	uint32_t leaf;       /* CPUID words */
	uint32_t subleaf;
	bool has_subleaf;
	enum kvmcpu_reg reg;
	uint32_t msr;        /* MSR words */
};

KVMCPU_API size_t kvmcpu_word_count(void);
KVMCPU_API const struct kvmcpu_word_info *kvmcpu_word_at(size_t index);

struct kvmcpu_feature_info {
	const char *name;    /* QEMU property name, e.g. "avx512f" */
	unsigned word;       /* index into the word table */
	uint64_t mask;       /* bit(s) in that word */
};

KVMCPU_API size_t kvmcpu_feature_count(void);
KVMCPU_API const struct kvmcpu_feature_info *kvmcpu_feature_at(size_t index);
/** Looks a feature up by name or alias spelling ("sse4_1", "sse3"); -1 when unknown. */
KVMCPU_API int kvmcpu_feature_find(const char *name);

/** The model's raw definition of word @word (version props applied). */
KVMCPU_API uint64_t kvmcpu_model_word(const struct kvmcpu_model *m, size_t word);
KVMCPU_API bool kvmcpu_model_has_feature(const struct kvmcpu_model *m, size_t feature);

#ifdef __cplusplus
}
#endif
#endif
