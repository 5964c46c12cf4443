/* SPDX-License-Identifier: MIT */
/*
 * A guest that loops forever is stopped by the timeout, one that faults is
 * reported with its vector, and the calling thread's signal state is left as
 * it was.
 */
#include <errno.h>
#include <signal.h>
#include <time.h>

#include "kvm-test.h"
#include "probe/probe-priv.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int run_one(uint32_t kind, unsigned timeout_ms, struct kvmcpu_error *err)
{
	struct kc_probe_req reqs[2] = { { .kind = KC_REQ_CPUID, .a = 0 }, { .kind = kind } };
	struct kc_probe_once p = { .timeout_ms = timeout_ms, .reqs = reqs, .nreqs = 2 };
	return kc_probe_once(&p, err);
}

int main(void)
{
	require_kvm();
	sigset_t before, after;
	pthread_sigmask(SIG_SETMASK, NULL, &before);

	struct kvmcpu_error err;
	double t0 = now_ms();
	int rc = run_one(KC_REQ_SPIN, 200, &err);
	double ms = now_ms() - t0;
	CHECK_EQ(rc, -ETIMEDOUT);
	CHECK_STR_CONTAINS(err.message, "did not finish within 200 ms");
	CHECK(ms >= 190 && ms < 2000);
	printf("spinning guest stopped after %.0f ms: %s\n", ms, err.message);

	rc = run_one(KC_REQ_FAULT, 1000, &err);
	CHECK_EQ(rc, -EIO);
	CHECK_STR_CONTAINS(err.message, "exception vector 13");
	printf("faulting guest: %s\n", err.message);

	/* A normal run right after still works. */
	struct kc_probe_req ok[1] = { { .kind = KC_REQ_CPUID, .a = 0 } };
	struct kc_probe_once p = { .reqs = ok, .nreqs = 1 };
	CHECK_EQ(kc_probe_once(&p, &err), 0);
	CHECK_EQ(ok[0].status, KC_REQ_DONE);

	pthread_sigmask(SIG_SETMASK, NULL, &after);
	for (int s = 1; s < SIGRTMAX; s++)
		CHECK_EQ(sigismember(&before, s), sigismember(&after, s));
	sigset_t pending;
	sigpending(&pending);
	CHECK(!sigismember(&pending, SIGRTMAX - 3));
	return check_finish("test-kvm-timeout");
}
