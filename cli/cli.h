/* SPDX-License-Identifier: MIT */
/* Shared pieces of the kvmcpu command line. The CLI uses only the public API. */
#ifndef KVMCPU_CLI_H
#define KVMCPU_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <kvmcpu/kvmcpu.h>

/* Exit codes, the same for every subcommand (documented in kvmcpu(1)). */
enum {
	EXIT_OK = 0,
	EXIT_NEGATIVE = 1, /* the answer is "no": not runnable, mismatch, ... */
	EXIT_USAGE = 2,    /* bad input: options, specs, files */
	EXIT_HOST = 3,     /* the host failed: /dev/kvm missing or an ioctl failed */
};

/* One subcommand: cli/cmd-<name>.c defines cmd_<name>. */
struct cli_command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

int cmd_models(int argc, char **argv);
int cmd_model(int argc, char **argv);
int cmd_cpuid(int argc, char **argv);
int cmd_host(int argc, char **argv);
int cmd_hv(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_verify(int argc, char **argv);

/* Prints "kvmcpu <cmd>: message" and the hint to stderr; returns @exit_code. */
int cli_report(const char *cmd, const struct kvmcpu_error *err, int exit_code);
/* Prints a usage error and "Try 'kvmcpu <cmd> --help'."; returns EXIT_USAGE. */
int cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Exit code for a library error: EXIT_HOST for host/ioctl errors, EXIT_USAGE otherwise. */
int cli_exit_for(int code);

/*
 * Opens the host: @path NULL means the live /dev/kvm host. On failure prints
 * the error and returns EXIT_USAGE (bad file) or EXIT_HOST (no usable KVM);
 * on success returns EXIT_OK.
 */
int cli_open_host(const char *cmd, const char *path, struct kvmcpu_host **out);

/*
 * Builds a config from the options every resolving command shares:
 * --cpu SPEC, --hv SPEC, --nested, --kvm PARAMS. @kvm_params, when set, is
 * parsed first and the other options override it. Prints errors.
 */
int cli_make_config(const char *cmd, const char *kvm_params, const char *cpu, const char *hv,
		    bool nested, struct kvmcpu_config **out);

/*
 * A small streaming JSON writer for --json output. Commas and indentation are
 * handled by the writer; keys are written with jw_key before each member.
 */
struct jw {
	FILE *f;
	int depth;
	bool need_comma[32];
	bool one_line[32]; /* arrays of scalars written on one line */
	bool after_key;
};
void jw_init(struct jw *w, FILE *f);
void jw_obj_begin(struct jw *w);
void jw_obj_end(struct jw *w);
void jw_arr_begin(struct jw *w);
/* An array written on one line: ["a", "b"]; for short lists of scalars. */
void jw_arr_begin_line(struct jw *w);
void jw_arr_end(struct jw *w);
void jw_key(struct jw *w, const char *key);
void jw_str(struct jw *w, const char *s); /* NULL writes null */
void jw_u64(struct jw *w, uint64_t v);
void jw_i64(struct jw *w, int64_t v);
void jw_bool(struct jw *w, bool v);
void jw_null(struct jw *w);
/* Finishes the document with a newline. */
void jw_end(struct jw *w);
/* A member: key and value in one call. */
void jw_kv_str(struct jw *w, const char *key, const char *s);
void jw_kv_u64(struct jw *w, const char *key, uint64_t v);
void jw_kv_bool(struct jw *w, const char *key, bool v);

/* A model's identity members: name, alias_of, vendor, family, model, stepping, psabi.
 * @named is the name asked for, @m the definition it resolves to. */
void cli_json_model_identity(struct jw *w, const struct kvmcpu_model *named,
			     const struct kvmcpu_model *m);

/* Monotonic time in milliseconds, for the timings commands report. */
double cli_now_ms(void);

/*
 * The CLI's one number parser, for option values: decimal, or hex with a 0x
 * prefix, with nothing else (no sign, no white space, no octal). True and *out
 * when @s is such a number from @min to @max.
 */
bool cli_parse_number(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/* Hex helpers for tables: "0x%08x". */
const char *cli_reg_name(int reg);

#endif
