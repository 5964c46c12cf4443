/* SPDX-License-Identifier: MIT */
/*
 * Named guest CPU models: every x86 model of QEMU (unversioned names, -vN
 * versions and named aliases) plus the x86-64 psABI levels, and the feature
 * words and feature names they are defined in.
 *
 * Everything here is const data generated from data/ by tools/gen-models.py.
 * The handles point into it, live as long as the process and are never
 * freed; every call in this header is safe from any thread.
 */
#ifndef KVMCPU_MODEL_H
#define KVMCPU_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "cpuid.h"

#ifdef __cplusplus
extern "C" {
#endif

/* An opaque handle on one model name of the const table. */
struct kvmcpu_model;

/**
 * kvmcpu_model_count() - the number of model names
 *
 * Return: unversioned names, versioned names, aliases and psABI levels together.
 * Thread safety: any thread.
 */
KVMCPU_API size_t kvmcpu_model_count(void);

/**
 * kvmcpu_model_at() - a model by position
 * @index: 0 <= @index < kvmcpu_model_count()
 *
 * Return: the model, or NULL when @index is out of range. Never freed.
 * Thread safety: any thread.
 */
KVMCPU_API const struct kvmcpu_model *kvmcpu_model_at(size_t index);

/**
 * kvmcpu_model_find() - a model by name
 * @name: "Skylake-Server", "Skylake-Server-v4", "x86-64-v3"; any letter case
 *
 * Return: the model, or NULL when no model has that name or @name is NULL.
 * Never freed.
 * Thread safety: any thread.
 */
KVMCPU_API const struct kvmcpu_model *kvmcpu_model_find(const char *name);

/**
 * kvmcpu_model_name() - the model's name
 * @m: the model
 *
 * Return: a static string, or NULL when @m is NULL.
 * Thread safety: any thread.
 */
KVMCPU_API const char *kvmcpu_model_name(const struct kvmcpu_model *m);

/**
 * kvmcpu_model_alias_of() - what an alias stands for
 * @m: the model
 *
 * Return: the name an unversioned name or a named alias resolves to, or NULL
 * when @m is a concrete versioned definition (or NULL).
 * Thread safety: any thread.
 */
KVMCPU_API const char *kvmcpu_model_alias_of(const struct kvmcpu_model *m);

/**
 * kvmcpu_model_resolve_alias() - the concrete definition behind a name
 * @m: the model
 *
 * Follows kvmcpu_model_alias_of() to the versioned definition.
 *
 * Return: that definition (@m itself when it is not an alias), NULL when @m is NULL.
 * Thread safety: any thread.
 */
KVMCPU_API const struct kvmcpu_model *kvmcpu_model_resolve_alias(const struct kvmcpu_model *m);

/**
 * kvmcpu_model_vendor() - the CPUID vendor string of the model
 * @m: the model
 *
 * Return: "GenuineIntel", "AuthenticAMD", ...; NULL when @m is NULL.
 * Thread safety: any thread.
 */
KVMCPU_API const char *kvmcpu_model_vendor(const struct kvmcpu_model *m);

/**
 * kvmcpu_model_family() - the display family (CPUID.01H:EAX, extended family added)
 * @m: the model
 *
 * Return: the family, 0 when @m is NULL.
 * Thread safety: any thread.
 */
KVMCPU_API unsigned kvmcpu_model_family(const struct kvmcpu_model *m);

/**
 * kvmcpu_model_model() - the display model number (extended model included)
 * @m: the model
 *
 * Return: the model number, 0 when @m is NULL.
 * Thread safety: any thread.
 */
KVMCPU_API unsigned kvmcpu_model_model(const struct kvmcpu_model *m);

/**
 * kvmcpu_model_stepping() - the stepping (CPUID.01H:EAX[3:0])
 * @m: the model
 *
 * Return: the stepping, 0 when @m is NULL.
 * Thread safety: any thread.
 */
KVMCPU_API unsigned kvmcpu_model_stepping(const struct kvmcpu_model *m);

/**
 * kvmcpu_model_brand() - the brand string (leaves 0x80000002..0x80000004)
 * @m: the model
 *
 * Return: a static string, NULL when @m is NULL.
 * Thread safety: any thread.
 */
KVMCPU_API const char *kvmcpu_model_brand(const struct kvmcpu_model *m);

/**
 * kvmcpu_model_note() - QEMU's note for this version
 * @m: the model
 *
 * Return: a static string, "" when the version has none, NULL when @m is NULL.
 * Thread safety: any thread.
 */
KVMCPU_API const char *kvmcpu_model_note(const struct kvmcpu_model *m);

/**
 * kvmcpu_model_psabi() - the highest x86-64 psABI level the model's own features meet
 * @m: the model
 *
 * What the model gives on a host with every feature; kvmcpu_result_psabi()
 * answers the same for a model resolved against a host.
 *
 * Return: "x86-64-v1" .. "x86-64-v4", "" when none, NULL when @m is NULL.
 * Thread safety: any thread.
 */
KVMCPU_API const char *kvmcpu_model_psabi(const struct kvmcpu_model *m);

/**
 * kvmcpu_model_provenance() - where the definition comes from
 * @m: the model
 *
 * Return: a static text naming the QEMU source or binary, or the psABI
 * document; NULL when @m is NULL.
 * Thread safety: any thread.
 */
KVMCPU_API const char *kvmcpu_model_provenance(const struct kvmcpu_model *m);

/**
 * kvmcpu_model_level() - the highest basic leaf the model defines (CPUID.0:EAX)
 * @m: the model
 *
 * Return: the leaf, 0 when @m is NULL.
 * Thread safety: any thread.
 */
KVMCPU_API uint32_t kvmcpu_model_level(const struct kvmcpu_model *m);

/**
 * kvmcpu_model_xlevel() - the highest extended leaf the model defines (CPUID.80000000H:EAX)
 * @m: the model
 *
 * Return: the leaf, 0 when @m is NULL.
 * Thread safety: any thread.
 */
KVMCPU_API uint32_t kvmcpu_model_xlevel(const struct kvmcpu_model *m);

/**
 * kvmcpu_model_is_psabi_level() - whether the model is an x86-64-vN level rather than a QEMU model
 * @m: the model
 *
 * Return: true for the psABI level models, false otherwise and when @m is NULL.
 * Thread safety: any thread.
 */
KVMCPU_API bool kvmcpu_model_is_psabi_level(const struct kvmcpu_model *m);

/*
 * Feature words: every CPUID register and feature MSR that carries feature
 * bits. A word is either a CPUID word (leaf, subleaf, register) or a MSR word.
 */

/**
 * struct kvmcpu_word_info - one feature word
 * @name: QEMU's name of the word ("FEAT_7_0_EBX")
 * @is_msr: true for a feature MSR word, false for a CPUID word
 * @leaf: CPUID words: the leaf
 * @subleaf: CPUID words: the subleaf, when @has_subleaf
 * @has_subleaf: CPUID words: the word is keyed by subleaf
 * @reg: CPUID words: the register
 * @msr: MSR words: the MSR index
 */
struct kvmcpu_word_info {
	const char *name;
	bool is_msr;
	uint32_t leaf;
	uint32_t subleaf;
	bool has_subleaf;
	enum kvmcpu_reg reg;
	uint32_t msr;
};

/**
 * kvmcpu_word_count() - the number of feature words
 *
 * Return: the count; word indices run from 0 to the count minus one.
 * Thread safety: any thread.
 */
KVMCPU_API size_t kvmcpu_word_count(void);

/**
 * kvmcpu_word_at() - a feature word by index
 * @index: 0 <= @index < kvmcpu_word_count()
 *
 * Return: the word, or NULL when @index is out of range. Never freed.
 * Thread safety: any thread.
 */
KVMCPU_API const struct kvmcpu_word_info *kvmcpu_word_at(size_t index);

/**
 * struct kvmcpu_feature_info - one named feature
 * @name: QEMU's property name ("avx512f")
 * @word: the index of its feature word (kvmcpu_word_at())
 * @mask: its bit(s) in that word
 */
struct kvmcpu_feature_info {
	const char *name;
	unsigned word;
	uint64_t mask;
};

/**
 * kvmcpu_feature_count() - the number of named features
 *
 * Return: the count.
 * Thread safety: any thread.
 */
KVMCPU_API size_t kvmcpu_feature_count(void);

/**
 * kvmcpu_feature_at() - a feature by index
 * @index: 0 <= @index < kvmcpu_feature_count()
 *
 * Return: the feature, or NULL when @index is out of range. Never freed.
 * Thread safety: any thread.
 */
KVMCPU_API const struct kvmcpu_feature_info *kvmcpu_feature_at(size_t index);

/**
 * kvmcpu_feature_find() - a feature by name
 * @name: a property name or alias, with '_', '-' and '.' alike ("sse4_1", "sse4.1", "pni")
 *
 * Return: the feature, or NULL when the name is unknown or @name is NULL.
 * Never freed.
 * Thread safety: any thread.
 */
KVMCPU_API const struct kvmcpu_feature_info *kvmcpu_feature_find(const char *name);

/**
 * kvmcpu_model_word() - the model's raw definition of one feature word
 * @m: the model
 * @word: a word index (kvmcpu_word_at())
 *
 * Return: the bits the model defines (version properties applied), before
 * any host is considered; 0 when @m is NULL or @word is out of range.
 * Thread safety: any thread.
 */
KVMCPU_API uint64_t kvmcpu_model_word(const struct kvmcpu_model *m, size_t word);

/**
 * kvmcpu_model_has_feature() - whether the model's definition has a feature
 * @m: the model
 * @f: the feature (kvmcpu_feature_find(), kvmcpu_feature_at())
 *
 * Return: true when every bit of @f is in the model's definition; false
 * otherwise and when @m or @f is NULL.
 * Thread safety: any thread.
 */
KVMCPU_API bool kvmcpu_model_has_feature(const struct kvmcpu_model *m,
					 const struct kvmcpu_feature_info *f);

#ifdef __cplusplus
}
#endif
#endif
