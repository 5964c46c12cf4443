/* SPDX-License-Identifier: MIT */
/*
 * Runs one command and reports its wall time and peak resident memory:
 *
 *   bench-run RESULT_FILE COMMAND [ARG...]
 *
 * writes "wall_ns=N maxrss_kib=N status=N" to RESULT_FILE. The command keeps
 * this program's stdin, stdout and stderr, so a caller can talk to it.
 *
 * Why a separate program: Linux carries the high-water RSS of a process's
 * memory image across exec (getrusage(2): ru_maxrss), so a command started
 * straight from a Python benchmark would report at least the interpreter's
 * size. This program is small; the command is forked from here, so its
 * ru_maxrss is its own peak (or this program's, about 1 MiB, when lower).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	struct rusage ru;
	int status;
	pid_t pid;
	FILE *out;

	if (argc < 3) {
		fprintf(stderr, "usage: bench-run RESULT_FILE COMMAND [ARG...]\n");
		return 2;
	}
	out = fopen(argv[1], "w");
	if (!out) {
		fprintf(stderr, "bench-run: %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	long long t0 = now_ns();

	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "bench-run: fork: %s\n", strerror(errno));
		return 2;
	}
	if (pid == 0) {
		fclose(out);
		execvp(argv[2], argv + 2);
		fprintf(stderr, "bench-run: %s: %s\n", argv[2], strerror(errno));
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) < 0) {
		fprintf(stderr, "bench-run: wait4: %s\n", strerror(errno));
		return 2;
	}
	long long wall = now_ns() - t0;

	fprintf(out, "wall_ns=%lld maxrss_kib=%ld status=%d\n", wall, ru.ru_maxrss,
		WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	fclose(out);
	return 0;
}
