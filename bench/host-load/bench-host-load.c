/* SPDX-License-Identifier: MIT */
/*
 * Load time and peak memory of kvmcpu_host_load on worst-case files just under
 * the 64 MiB limit, each loaded in a fresh child process (so its ru_maxrss is
 * its own). JSON files are also read by a peer, Python's json module (C
 * accelerated), in the same way. Targets (docs/host-format.md, "Limits"): every
 * file loads or is refused within 2 s, with a peak RSS of at most twice the file
 * size plus 16 MiB. Prints a table and PASS/FAIL; exits 1 when a target is missed.
 *   bench-host-load [python3]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kvmcpu/host.h"

#define LIMIT ((size_t)64 << 20)
#define SIZE (LIMIT - 4096) /* just under the limit: the whole file is read */
#define TARGET_SECONDS 2.0
#define TARGET_RSS(size) (2 * (size) + ((size_t)16 << 20))

static const char leaves[] = "00000000 00 0000000d 756e6547 6c65746e 49656e69\n"
			     "00000001 00 000306c3 00100800 7ffafbff bfebfbff\n";

/* The largest tables a recording may hold (256 CPUID, 64 Hyper-V, 1024 caps and MSRs), in
 * descending order: the order that made insertion quadratic. */
static size_t text_tables(FILE *f)
{
	long start = ftell(f);
	fputs(leaves, f);
	for (unsigned i = 254; i > 0; i--)
		fprintf(f, "cpuid %08x 0 1 2 3 4\n", 0x80000000u + i);
	for (unsigned i = 64; i > 0; i--)
		fprintf(f, "hv-cpuid %08x 0 1 2 3 4\n", 0x40000000u + i - 1);
	for (unsigned i = 1024; i > 0; i--)
		fprintf(f, "cap KVM_CAP_%u %x\n", i, i);
	for (unsigned i = 1024; i > 0; i--)
		fprintf(f, "msr %x %x\n", i, i);
	return (size_t)(ftell(f) - start);
}

static void json_tables(FILE *f)
{
	fputs("{\"schema\": \"kvmcpu-host/1\", \"cpuid\": [\n"
	      "{\"function\": 0, \"eax\": 13, \"ebx\": 1970169159, \"ecx\": 1818588270, \"edx\": 1231384169},\n"
	      "{\"function\": 1, \"eax\": 198339, \"ebx\": 0, \"ecx\": 0, \"edx\": 0}",
	      f);
	for (unsigned i = 254; i > 0; i--)
		fprintf(f, ",\n{\"function\": %u, \"eax\": 1, \"ebx\": 2, \"ecx\": 3, \"edx\": 4}",
			0x80000000u + i);
	fputs("],\n\"hv_cpuid\": [", f);
	for (unsigned i = 64; i > 0; i--)
		fprintf(f, "%s{\"function\": %u, \"eax\": 1, \"ebx\": 2, \"ecx\": 3, \"edx\": 4}",
			i < 64 ? "," : "", 0x40000000u + i - 1);
	fputs("],\n\"caps\": {", f);
	for (unsigned i = 1024; i > 0; i--)
		fprintf(f, "%s\"KVM_CAP_%u\": %u", i < 1024 ? ", " : "", i, i);
	fputs("},\n\"msrs\": [", f);
	for (unsigned i = 1024; i > 0; i--)
		fprintf(f, "%s{\"index\": %u, \"value\": %u}", i < 1024 ? ", " : "", i, i);
	fputs("]", f);
}

/* Repeats @unit until the file holds @size bytes less @tail, then writes @tail. */
static void fill(FILE *f, const char *unit, const char *tail)
{
	size_t ulen = strlen(unit), have = (size_t)ftell(f), want = SIZE - strlen(tail);
	char block[1 << 16];
	size_t blen = sizeof(block) / ulen * ulen;
	for (size_t i = 0; i < blen; i += ulen)
		memcpy(block + i, unit, ulen);
	while (have + blen <= want) {
		fwrite(block, 1, blen, f);
		have += blen;
	}
	while (have + ulen <= want) {
		fputs(unit, f);
		have += ulen;
	}
	while (have < want) {
		fputc(unit[ulen - 1] == '\n' ? '\n' : ' ', f);
		have++;
	}
	fputs(tail, f);
}

static void make_text_comments(FILE *f)
{
	text_tables(f);
	fill(f, "#\n", "");
}

static void make_text_cr(FILE *f)
{
	fputs("00000000 00 0000000d 756e6547 6c65746e 49656e69\r"
	      "00000001 00 000306c3 00100800 7ffafbff bfebfbff\r",
	      f);
	fill(f, "#\r", "");
}

static void make_text_descending(FILE *f)
{
	char line[64];
	fputs(leaves, f);
	for (unsigned i = 0xffffffffu; (size_t)ftell(f) + 64 < SIZE; i--) {
		snprintf(line, sizeof(line), "%08x 00 0 0 0 0\n", i);
		fputs(line, f);
	}
}

static void make_json_escapes(FILE *f)
{
	json_tables(f);
	fputs(",\n\"x-pad\": \"", f);
	fill(f, "\\u00e9", "\"}\n");
}

static void make_json_space(FILE *f)
{
	json_tables(f);
	fill(f, " ", "}\n");
}

static void make_json_values(FILE *f)
{
	fputs("{\"schema\": \"kvmcpu-host/1\", \"x-a\": [1", f);
	fill(f, ",1", "]}\n");
}

static void make_json_caps(FILE *f)
{
	fputs("{\"schema\": \"kvmcpu-host/1\", \"cpuid\": [], \"caps\": {\"KVM_CAP_0\": 1", f);
	for (unsigned i = 1; (size_t)ftell(f) + 64 < SIZE; i++)
		fprintf(f, ", \"KVM_CAP_%u\": 1", i);
	fputs("}}\n", f);
}

static const struct bench_case {
	const char *name;
	bool json;
	bool loads; /* true: a valid recording; false: refused */
	void (*make)(FILE *f);
} cases[] = {
	{ "text: largest tables (descending) + 32M comment lines", false, true,
	  make_text_comments },
	{ "text: CR-only line ends, 32M comment lines", false, true, make_text_cr },
	{ "text: 4M descending CPUID lines", false, false, make_text_descending },
	{ "json: largest tables (descending) + 64 MiB of \\u escapes", true, true,
	  make_json_escapes },
	{ "json: largest tables (descending) + 64 MiB of spaces", true, true, make_json_space },
	{ "json: 33M values in one array", true, false, make_json_values },
	{ "json: 3.7M capabilities", true, false, make_json_caps },
};

struct measure {
	double seconds;
	size_t rss;
	int status;
};

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Runs @argv (or kvmcpu_host_load(@path) when @argv is NULL) in a child. */
static struct measure measure(const char *path, char *const argv[])
{
	struct measure m = { 0, 0, -1 };
	double t0 = now();
	pid_t pid = fork();
	if (pid < 0)
		return m;
	if (!pid) {
		if (argv) {
			execvp(argv[0], argv);
			_exit(127);
		}
		struct kvmcpu_host *h = NULL;
		struct kvmcpu_error err;
		int r = kvmcpu_host_load(path, &h, &err);
		kvmcpu_host_free(h);
		_exit(r ? 1 : 0);
	}
	int status;
	struct rusage ru;
	if (wait4(pid, &status, 0, &ru) != pid)
		return m;
	m.seconds = now() - t0;
	m.rss = (size_t)ru.ru_maxrss * 1024;
	m.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	return m;
}

int main(int argc, char **argv)
{
	const char *python = argc > 1 ? argv[1] : "python3";
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char path[512];
	int failed = 0;

	printf("%-58s %6s %9s %9s  %-8s %s\n", "file (64 MiB - 4 KiB)", "result", "kvmcpu s",
	       "RSS MiB", "target", "peer: python3 json.load s / RSS MiB");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct bench_case *c = &cases[i];
		snprintf(path, sizeof(path), "%s/kvmcpu-bench-host-%d-%zu", tmp, (int)getpid(), i);
		FILE *f = fopen(path, "w");
		if (!f) {
			perror(path);
			return 1;
		}
		c->make(f);
		size_t size = (size_t)ftell(f);
		if (fclose(f)) {
			perror(path);
			return 1;
		}
		struct measure k = measure(path, NULL);
		bool ok = k.status == (c->loads ? 0 : 1) && k.seconds <= TARGET_SECONDS &&
			  k.rss <= TARGET_RSS(size);
		failed |= !ok;
		printf("%-58s %6s %9.3f %9.1f  %-8s", c->name, k.status == 0 ? "loaded" : "refused",
		       k.seconds, (double)k.rss / (1 << 20), ok ? "PASS" : "FAIL");
		if (c->json) {
			static char dash_c[] = "-c";
			static char script[] =
				"import json,sys; json.load(open(sys.argv[1], 'rb'))";
			char *pargv[] = { (char *)python, dash_c, script, path, NULL };
			struct measure p = measure(path, pargv);
			if (p.status == 0)
				printf(" %7.3f / %7.1f", p.seconds, (double)p.rss / (1 << 20));
			else
				printf(" (python3 exit %d)", p.status);
		}
		putchar('\n');
		fflush(stdout);
		unlink(path);
	}
	printf("targets: loaded or refused as expected within %.0f s, peak RSS <= 2 x size + 16 MiB\n",
	       TARGET_SECONDS);
	return failed;
}
