/* SPDX-License-Identifier: MIT */
/* Shared pieces of the kvmcpu command line. The CLI uses only the public API. */
#ifndef KVMCPU_CLI_H
#define KVMCPU_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <kvmcpu/kvmcpu.h>

/*
 * The project's one JSON writer (kc_jw_*, kc_utf8_len) and number parser
 * (kc_parse_number), the only private headers the CLI uses: their sources
 * depend on libc only and are compiled into the CLI as well as into the
 * library, which does not export them (cli/meson.build).
 */
#include "util/jsonw.h"
#include "util/number.h"

/* Exit codes, the same for every subcommand (documented in kvmcpu(1)). */
enum {
	EXIT_OK = 0,
	EXIT_NEGATIVE = 1, /* the answer is "no": not runnable, mismatch, ... */
	EXIT_USAGE = 2, /* bad input: options, specs, files */
	EXIT_HOST = 3, /* the host failed: /dev/kvm missing or an ioctl failed */
	EXIT_OUTPUT = 4, /* the answer could not be written: stdout closed or full */
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
int cmd_compare(int argc, char **argv);
int cmd_baseline(int argc, char **argv);
int cmd_migrate_check(int argc, char **argv);
int cmd_host_diff(int argc, char **argv);
int cmd_nfd(int argc, char **argv);
int cmd_matrix(int argc, char **argv);
int cmd_complete(int argc, char **argv);
int cmd_export(int argc, char **argv);

/* Prints "kvmcpu <cmd>: message" and the hint to stderr; returns @exit_code. */
int cli_report(const char *cmd, const struct kvmcpu_error *err, int exit_code);
/* Prints a usage error and "Try 'kvmcpu <cmd> --help'."; returns EXIT_USAGE. */
int cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/*
 * Exit code for a library error: EXIT_NEGATIVE for a well-formed request this host
 * cannot satisfy (ENOTSUP), EXIT_HOST for host/ioctl errors, EXIT_USAGE otherwise.
 */
int cli_exit_for(int code);

/*
 * @s made safe for a terminal: control characters, C1 controls and bytes that are
 * not UTF-8 become \xNN escapes. Writes into @buf (always terminated) and returns it.
 */
const char *cli_tame(const char *s, char *buf, size_t len);

/*
 * The options every subcommand shares: one table, one spelling and one meaning
 * everywhere. A command names the ones it takes in cli_parser.shared.
 */
enum {
	CLI_OPT_HOST = 1u << 0, /* --host FILE: a recorded host */
	CLI_OPT_JSON = 1u << 1, /* --json */
	CLI_OPT_HELP = 1u << 2, /* -h, --help */
	CLI_OPT_CPU = 1u << 3, /* --cpu SPEC */
	CLI_OPT_HV = 1u << 4, /* --hv SPEC */
	CLI_OPT_NESTED = 1u << 5, /* --nested */
	CLI_OPT_SMP = 1u << 6, /* --smp SPEC: passed on as smp=SPEC */
	CLI_OPT_KVM = 1u << 7, /* --kvm PARAMS: the whole parameter string */
};

/* What the shared options said; NULL/false when not given. */
struct cli_args {
	const char *host, *cpu, *hv, *smp, *kvm;
	bool json, nested;
};

/* A subcommand's own option: getopt_long's fields plus whether it may repeat. */
struct cli_opt {
	const char *name;
	int has_arg; /* no_argument or required_argument */
	int key; /* a printable character, passed to on_option */
	bool repeatable;
};

struct cli_parser {
	const char *cmd;
	unsigned shared; /* CLI_OPT_* this command takes */
	unsigned shared_repeatable; /* shared options that may repeat (verify --cpu) */
	const struct cli_opt *own; /* terminated by a NULL name; may be NULL */
	/*
	 * Called for each own option and each repeatable shared option (key
	 * CLI_KEY_CPU...); returns 0 or an exit code. May be NULL without own options.
	 */
	int (*on_option)(void *ctx, int key, const char *arg);
	void *ctx;
	void (*usage)(FILE *f);
	size_t max_positional; /* operands allowed after the options */
};

/* Keys the shared options arrive with in on_option when repeatable. */
enum { CLI_KEY_CPU = 0x100 + 3 };

/* cli_parse's answer when --help was given and printed. */
#define CLI_HELP_SHOWN (-1)

/*
 * Parses @argv (argv[0] is the command name) with the shared options and the
 * command's own ones. getopt's messages are silenced: every error is printed once,
 * here. A repeated option is an error unless it is marked repeatable. Returns 0,
 * CLI_HELP_SHOWN, or EXIT_USAGE; *@first_operand is the index of the first operand.
 */
int cli_parse(const struct cli_parser *p, int argc, char **argv, struct cli_args *args,
	      int *first_operand);

/*
 * Opens the host: @path NULL means the live /dev/kvm host. On failure prints
 * the error and returns EXIT_USAGE (bad file) or EXIT_HOST (no usable KVM);
 * on success returns EXIT_OK.
 */
int cli_open_host(const char *cmd, const char *path, struct kvmcpu_host **out);

/*
 * Builds a config from the options every resolving command shares:
 * --cpu SPEC, --hv SPEC, --nested, --smp SPEC, --kvm PARAMS. The parameter string
 * is --kvm's (empty without it) followed by smp=SPEC; --cpu, --hv and --nested add
 * the parts it does not have (one part in both is an error). Prints errors and returns
 * an exit code.
 */
int cli_make_config(const char *cmd, const struct cli_args *a, struct kvmcpu_config **out);

/*
 * The features the model has and the host lacks (the DROPPED notices), joined by
 * spaces into @buf; returns how many. Zero means the model runs here unchanged.
 */
size_t cli_dropped(const struct kvmcpu_result *r, char *buf, size_t len);

/* With --enforce: prints the dropped features as an error and returns EXIT_NEGATIVE
 * when there are any, EXIT_OK otherwise. */
int cli_enforce(const char *cmd, const struct kvmcpu_result *r);

/* A model's identity members: name, alias_of, vendor, family, model, stepping, psabi.
 * @named is the name asked for, @m the definition it resolves to. */
void cli_json_model_identity(struct kc_jw *w, const struct kvmcpu_model *named,
			     const struct kvmcpu_model *m);

/*
 * Cluster subcommands (cli/cluster-common.c): a host set from HOST arguments and
 * --hosts directories, with at least @min_hosts recordings (printing the error
 * and returning EXIT_USAGE otherwise); loading one of them; a difference as text
 * or as a JSON object.
 */
struct cli_cluster_args {
	struct cli_args a; /* the shared options */
	char **paths; /* HOST operands */
	int npaths;
	char **dirs; /* --hosts DIR, repeatable */
	int ndirs;
	const char *from, *to; /* migrate-check --from/--to */
};
/*
 * Parses a cluster command's options: the @shared ones plus --json, --help,
 * --hosts DIR and, with @from_to, --from A --to B. Returns 0, CLI_HELP_SHOWN or
 * an exit code; free with cli_cluster_args_free().
 */
int cli_cluster_parse(const char *cmd, unsigned shared, bool from_to, void (*usage)(FILE *f),
		      int argc, char **argv, struct cli_cluster_args *c);
void cli_cluster_args_free(struct cli_cluster_args *c);
int cli_host_set(const char *cmd, char **paths, int npaths, char **dirs, int ndirs,
		 size_t min_hosts, struct kvmcpu_host_set **out);
int cli_host_set_load(const char *cmd, const struct kvmcpu_host_set *set, size_t i,
		      struct kvmcpu_host **out);
void cli_print_diff(FILE *f, const struct kvmcpu_diff *d, const char *indent);
void cli_json_diff(struct kc_jw *w, const struct kvmcpu_diff *d);

/* Monotonic time in milliseconds, for the timings commands report. */
double cli_now_ms(void);

/*
 * Option values through the project's one number parser (kc_parse_number,
 * KC_NUM_DEC_OR_0X): decimal, or hex with a 0x prefix, with nothing else (no
 * sign, no white space, no octal). True and *out when @s is such a number from
 * @min to @max.
 */
bool cli_parse_number(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/* Hex helpers for tables: "0x%08x". */
const char *cli_reg_name(int reg);

#endif
