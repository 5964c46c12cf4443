/* SPDX-License-Identifier: MIT */
/*
 * The KVM layer's control flow on a fake KVM (kvm-fake.h), on any machine:
 * the order of kvmcpu_result_apply (KVM API documentation, api.rst: a
 * capability that changes how KVM_SET_CPUID2 is checked first, then
 * KVM_SET_CPUID2, the other vCPU capabilities, then the MSRs KVM checks
 * against the CPUID just set), every failure path of apply, the VM helper and
 * the probe with its error message, and no fd or mapping left behind.
 */
#include <errno.h>
#include <linux/kvm.h>
#include <signal.h>
#include <string.h>

#include "check.h"
#include "kvm-fake.h"
#include "kvmcpu/kvmcpu.h"
#include "probe/guest-abi.h"
#include "probe/probe-priv.h"
#include "result/result-priv.h"

#define CAP_BEFORE 199 /* KVM_CAP_HYPERV_ENFORCE_CPUID: checked by KVM_SET_CPUID2 */
#define CAP_AFTER 148 /* KVM_CAP_HYPERV_SYNIC2 */

/* A plan with one capability of each kind and two MSRs, one of them per vCPU. */
static struct kvmcpu_result *small_plan(void)
{
	struct kvmcpu_result *r = kc_result_new();
	CHECK(r != NULL);
	if (!r)
		return NULL;
	/* Four vCPUs in one package, so that vCPU 3 exists. */
	r->topo = (struct kc_topology){
		.cpus = 4, .sockets = 1, .dies = 1, .modules = 1, .cores = 4, .threads = 1
	};
	/* "GenuineIntel", max basic leaf 1 (SDM Vol. 2A CPUID leaf 0). */
	kc_result_set(r, 0, 0, 0, 1, 0x756e6547, 0x6c65746e, 0x49656e69);
	kc_result_set(r, 1, 0, 0, 0x000306c3, 0, 0x80000000, 0x078bfbff);
	struct kvmcpu_cap after = { .cap = CAP_AFTER, .name = "KVM_CAP_HYPERV_SYNIC2" };
	struct kvmcpu_cap before = { .cap = CAP_BEFORE,
				     .name = "KVM_CAP_HYPERV_ENFORCE_CPUID",
				     .before_cpuid = true,
				     .args = { 1 } };
	/* Plan order is not apply order: the after-cap comes first on purpose. */
	CHECK_EQ(kc_result_add_cap(r, &after), 0);
	CHECK_EQ(kc_result_add_cap(r, &before), 0);
	CHECK_EQ(kc_result_add_msr(r, 0x10a, 0xeb, "IA32_ARCH_CAPABILITIES", false), 0);
	CHECK_EQ(kc_result_add_msr(r, 0x40000002, 0, "HV_X64_MSR_VP_INDEX", true), 0);
	return r;
}

static void test_apply_order(void)
{
	struct kvmcpu_result *r = small_plan();
	struct kvmcpu_error err;
	fake_kvm_install();
	CHECK_EQ(kvmcpu_result_apply(r, 1000, 3, &err), 0);
	CHECK_EQ(fake.ncalls, 5);
	CHECK(fake.calls[0].request == KVM_ENABLE_CAP && fake.calls[0].arg == CAP_BEFORE);
	CHECK(fake.calls[1].request == KVM_SET_CPUID2);
	CHECK(fake.calls[2].request == KVM_ENABLE_CAP && fake.calls[2].arg == CAP_AFTER);
	CHECK(fake.calls[3].request == KVM_SET_MSRS && fake.calls[3].arg == 0x10a);
	CHECK_EQ(fake.calls[3].value, 0xeb);
	/* HV_X64_MSR_VP_INDEX holds the vCPU's own index (Hyper-V TLFS 7.8.1). */
	CHECK(fake.calls[4].request == KVM_SET_MSRS && fake.calls[4].arg == 0x40000002);
	CHECK_EQ(fake.calls[4].value, 3);
	CHECK_EQ(fake.ntable, 2);
	CHECK_EQ(fake.table[1].ecx, 0x80000000);
	fake_kvm_remove();
	kvmcpu_result_free(r);
}

/* Each of the five ioctls of an apply fails in turn: the apply stops there and says which. */
static void test_apply_failures(void)
{
	static const char *const named[] = {
		"KVM_ENABLE_CAP KVM_CAP_HYPERV_ENFORCE_CPUID (199)",
		"KVM_SET_CPUID2 (2 entries",
		"KVM_ENABLE_CAP KVM_CAP_HYPERV_SYNIC2 (148)",
		"KVM_SET_MSRS IA32_ARCH_CAPABILITIES (0x10a) = 0xeb",
		"KVM_SET_MSRS HV_X64_MSR_VP_INDEX (0x40000002) = 0x3",
	};
	struct kvmcpu_result *r = small_plan();
	for (size_t k = 1; k <= 5; k++) {
		struct kvmcpu_error err;
		fake_kvm_install();
		fake.fail_at = k;
		fake.fail_errno = k == 2 ? EPERM : EINVAL;
		int rc = kvmcpu_result_apply(r, 1000, 3, &err);
		CHECK_EQ(rc, k == 2 ? -EPERM : -EINVAL);
		CHECK_EQ(err.code, rc);
		CHECK_EQ(fake.ncalls, k);
		CHECK_STR_CONTAINS(err.message, named[k - 1]);
		CHECK_STR_CONTAINS(err.message, strerror(fake.fail_errno));
		CHECK(err.hint[0] != '\0');
		fake_kvm_remove();
	}
	struct kvmcpu_error err;
	CHECK_EQ(kvmcpu_result_apply(r, -1, 0, &err), -EBADF);
	CHECK_STR_CONTAINS(err.message, "vCPU fd -1");
	kvmcpu_result_free(r);
}

/* What the message of a failed VM creation names, by the call that failed. */
static const char *vm_step_text(const struct fake_call *c, bool first_mmap)
{
	if (!strcmp(c->what, "open"))
		return "cannot open";
	if (!strcmp(c->what, "mmap"))
		return first_mmap ? "guest memory" : "kvm_run area";
	switch (c->request) {
	case KVM_GET_API_VERSION:
		return "KVM_GET_API_VERSION";
	case KVM_CHECK_EXTENSION:
		return "lacks KVM_CAP_";
	case KVM_GET_VCPU_MMAP_SIZE:
		return "KVM_GET_VCPU_MMAP_SIZE";
	case KVM_CREATE_VM:
		return "KVM_CREATE_VM";
	case KVM_SET_USER_MEMORY_REGION:
		return "KVM_SET_USER_MEMORY_REGION";
	case KVM_CREATE_VCPU:
		return "KVM_CREATE_VCPU";
	}
	return "?";
}

static void test_vm_failures(void)
{
	struct kvmcpu_error err;
	struct kvmcpu_vm *vm = NULL;
	fake_kvm_install();
	CHECK_EQ(kvmcpu_vm_new("/dev/fake-kvm", 2, 8192, &vm, &err), 0);
	CHECK_EQ(kvmcpu_vm_vcpu_count(vm), 2);
	size_t total = fake.ncalls;
	struct fake_call calls[64];
	CHECK(total <= 64);
	memcpy(calls, fake.calls, (total < 64 ? total : 64) * sizeof(calls[0]));
	kvmcpu_vm_free(vm);
	CHECK_EQ(fake.open_fds, 0);
	CHECK_EQ(fake.live_maps, 0);
	fake_kvm_remove();

	bool seen_mmap = false;
	for (size_t k = 1; k <= total && k <= 64; k++) {
		const struct fake_call *c = &calls[k - 1];
		bool first_mmap = !strcmp(c->what, "mmap") && !seen_mmap;
		seen_mmap |= !strcmp(c->what, "mmap");
		fake_kvm_install();
		fake.fail_at = k;
		fake.fail_errno = EIO;
		vm = (struct kvmcpu_vm *)&err; /* must come back NULL */
		int rc = kvmcpu_vm_new("/dev/fake-kvm", 2, 8192, &vm, &err);
		CHECK_MSG(rc < 0, "call %zu (%s %lx) failed, yet kvmcpu_vm_new returned %d", k,
			  c->what, c->request, rc);
		CHECK(vm == NULL);
		CHECK_STR_CONTAINS(err.message, vm_step_text(c, first_mmap));
		CHECK_MSG(fake.open_fds == 0 && fake.live_maps == 0,
			  "call %zu failed: %d fds and %d mappings left", k, fake.open_fds,
			  fake.live_maps);
		fake_kvm_remove();
	}

	fake_kvm_install();
	fake.missing_cap = KVM_CAP_EXT_CPUID;
	CHECK_EQ(kvmcpu_vm_new(NULL, 1, 0, &vm, &err), -EOPNOTSUPP);
	CHECK_STR_CONTAINS(err.message, "KVM_CAP_EXT_CPUID");
	CHECK_EQ(fake.open_fds, 0);
	fake_kvm_remove();
}

/* SynIC lives in KVM's local APIC: the irqchip must exist before the first vCPU. */
static void test_vm_for_synic(void)
{
	struct kvmcpu_result *r = small_plan();
	struct kvmcpu_error err;
	struct kvmcpu_vm *vm = NULL;
	fake_kvm_install();
	CHECK_EQ(kvmcpu_vm_new_for(r, NULL, 1, 0, &vm, &err), 0);
	size_t irqchip = fake_find(KVM_CREATE_IRQCHIP, 0);
	CHECK(irqchip != 0);
	CHECK(irqchip < fake_find(KVM_CREATE_VCPU, 0));
	kvmcpu_vm_free(vm);
	CHECK_EQ(fake.open_fds, 0);
	fake_kvm_remove();
	kvmcpu_result_free(r);
}

/* What the message of a failed probe step names, for the steps of the guest run itself. */
static const char *probe_step_text(const struct fake_call *c)
{
	if (strcmp(c->what, "ioctl"))
		return NULL;
	switch (c->request) {
	case KVM_GET_SREGS:
		return "KVM_GET_SREGS";
	case KVM_SET_SREGS:
		return "KVM_SET_SREGS";
	case KVM_SET_REGS:
		return "KVM_SET_REGS";
	case KVM_SET_CPUID2:
		return "KVM_SET_CPUID2";
	case KVM_ENABLE_CAP:
		return "KVM_ENABLE_CAP";
	case KVM_SET_SIGNAL_MASK:
		return "KVM_SET_SIGNAL_MASK";
	case KVM_RUN:
		return "KVM_RUN failed";
	case KVM_CREATE_VCPU:
		return "KVM_CREATE_VCPU";
	case KVM_CREATE_IRQCHIP:
		return "KVM_CREATE_IRQCHIP";
	}
	return NULL;
}

static bool same_sigmask(const sigset_t *a)
{
	sigset_t now;
	pthread_sigmask(SIG_SETMASK, NULL, &now);
	for (int s = 1; s < SIGRTMAX; s++)
		if (sigismember(a, s) != sigismember(&now, s))
			return false;
	return true;
}

static void test_probe_flow(void)
{
	struct kvmcpu_result *r = small_plan();
	struct kvmcpu_error err;
	struct kvmcpu_probe_report *rep = NULL;
	sigset_t before;
	pthread_sigmask(SIG_SETMASK, NULL, &before);
	fake_kvm_install();
	int rc = kvmcpu_probe_run(r, NULL, &rep, &err);
	CHECK_MSG(rc == 0, "%s", err.message);
	/* Long mode first, then the table, then the watchdog's signal mask, then the run. */
	size_t sregs = fake_find(KVM_SET_SREGS, 0), regs = fake_find(KVM_SET_REGS, 0);
	size_t cpuid = fake_find(KVM_SET_CPUID2, 0), mask = fake_find(KVM_SET_SIGNAL_MASK, 0);
	size_t run = fake_find(KVM_RUN, 0);
	CHECK(fake_find(KVM_GET_SREGS, 0) < sregs && sregs < regs && regs < cpuid);
	CHECK(cpuid < mask && mask < run);
	CHECK_EQ(fake_count(KVM_SET_MSRS), 2);
	CHECK_EQ(fake.open_fds, 0);
	CHECK_EQ(fake.live_maps, 0);
	CHECK(same_sigmask(&before));
	/* The fake guest answers table entries exactly: those rows show no mismatch. */
	size_t in_table = 0;
	for (size_t i = 0; i < kvmcpu_probe_row_count(rep); i++) {
		const struct kvmcpu_probe_row *row = kvmcpu_probe_row_at(rep, i);
		if (!row->in_table)
			continue;
		in_table++;
		CHECK_MSG(!row->mismatch, "leaf 0x%x reg %d: mismatch 0x%x", row->function,
			  (int)row->reg, row->mismatch);
	}
	CHECK_EQ(in_table, 2 * 4);
	kvmcpu_probe_report_free(rep);
	size_t total = fake.ncalls;
	fake_kvm_remove();

	for (size_t k = 1; k <= total; k++) {
		fake_kvm_install();
		fake.fail_at = k;
		fake.fail_errno = EFAULT;
		rep = (struct kvmcpu_probe_report *)&err;
		rc = kvmcpu_probe_run(r, NULL, &rep, &err);
		const struct fake_call *c = &fake.calls[k - 1];
		bool ioctl = !strcmp(c->what, "ioctl");
		/*
		 * Not fatal by design: closing and unmapping; the irqchip probe (no
		 * irqchip then); an MSR KVM refuses, which the report shows as host-forced.
		 */
		bool msr = ioctl && c->request == KVM_SET_MSRS;
		bool fatal = strcmp(c->what, "close") && strcmp(c->what, "munmap") && !msr &&
			     !(ioctl && c->request == KVM_CHECK_EXTENSION &&
			       c->arg == KVM_CAP_IRQCHIP);
		if (fatal) {
			CHECK_MSG(rc < 0 && err.message[0], "call %zu (%s 0x%lx) failed, rc %d", k,
				  c->what, c->request, rc);
			CHECK(rep == NULL);
			const char *named = probe_step_text(c);
			if (named)
				CHECK_STR_CONTAINS(err.message, named);
		} else {
			CHECK_MSG(rc == 0, "call %zu (%s 0x%lx): %s", k, c->what, c->request,
				  err.message);
			for (size_t i = 0; msr && !rc && i < kvmcpu_probe_msr_count(rep); i++) {
				const struct kvmcpu_probe_msr *m = kvmcpu_probe_msr_at(rep, i);
				CHECK_EQ(m->refused, m->index == c->arg);
			}
			kvmcpu_probe_report_free(rc ? NULL : rep);
		}
		CHECK_MSG(fake.open_fds == 0 && fake.live_maps == 0,
			  "call %zu failed: %d fds and %d mappings left", k, fake.open_fds,
			  fake.live_maps);
		CHECK(same_sigmask(&before));
		fake_kvm_remove();
	}
	kvmcpu_result_free(r);
}

static void test_probe_guest_stops(void)
{
	struct kvmcpu_result *r = small_plan();
	struct kvmcpu_error err;
	struct kvmcpu_probe_report *rep = NULL;
	fake_kvm_install();
	fake.guest = FAKE_GUEST_HLT;
	CHECK_EQ(kvmcpu_probe_run(r, NULL, &rep, &err), -EIO);
	CHECK_STR_CONTAINS(err.message, "HLT before the report");
	CHECK(rep == NULL);
	fake.guest = FAKE_GUEST_FAULT;
	CHECK_EQ(kvmcpu_probe_run(r, NULL, &rep, &err), -EIO);
	CHECK_STR_CONTAINS(err.message, "exception vector 13");
	/* A guest that never reports is stopped by the watchdog after the timeout. */
	fake.guest = FAKE_GUEST_SPIN;
	struct kvmcpu_probe_opts quick = KVMCPU_PROBE_OPTS(.timeout_ms = 30);
	CHECK_EQ(kvmcpu_probe_run(r, &quick, &rep, &err), -ETIMEDOUT);
	CHECK_STR_CONTAINS(err.message, "did not finish within 30 ms");
	CHECK(rep == NULL);
	sigset_t pending; /* the watchdog's signal was consumed, not left for the process */
	sigpending(&pending);
	CHECK(!sigismember(&pending, SIGRTMAX - 3));
	CHECK_EQ(fake.open_fds, 0);
	CHECK_EQ(fake.live_maps, 0);
	fake_kvm_remove();
	kvmcpu_result_free(r);
}

/* On a host that honours every bit, calibration finds none unhonoured. */
static void test_calibration_honest_host(void)
{
	struct kvmcpu_result *r = small_plan();
	struct kvmcpu_error err;
	struct kvmcpu_probe_calibration *cal = NULL;
	fake_kvm_install();
	CHECK_EQ(kvmcpu_probe_calibrate(r, NULL, &cal, &err), 0);
	CHECK_EQ(fake_count(KVM_SET_CPUID2), 2);
	CHECK_EQ(kvmcpu_probe_calibration_count(cal), 2 * 4);
	for (size_t i = 0; i < kvmcpu_probe_calibration_count(cal); i++)
		CHECK_EQ(kvmcpu_probe_calibration_at(cal, i)->unhonoured, 0);
	/* Leaf 1 EDX is inverted except APIC (bit 9, mirrors IA32_APIC_BASE.EN). */
	const struct kvmcpu_probe_cal_reg *edx = kvmcpu_probe_calibration_at(cal, 7);
	CHECK(edx && edx->function == 1 && edx->reg == KVMCPU_EDX);
	if (edx)
		CHECK_EQ(edx->tested, ~(1u << 9));
	kvmcpu_probe_calibration_free(cal);
	CHECK_EQ(fake.open_fds, 0);
	fake_kvm_remove();
	kvmcpu_result_free(r);
}

static void test_probe_opts_size(void)
{
	struct kvmcpu_result *r = small_plan();
	struct kvmcpu_error err;
	struct kvmcpu_probe_report *rep = NULL;
	struct {
		struct kvmcpu_probe_opts known;
		uint64_t newer_field;
	} grown = { .known = KVMCPU_PROBE_OPTS(.timeout_ms = 100), .newer_field = 1 };
	grown.known.sz = sizeof(grown);
	fake_kvm_install();
	CHECK_EQ(kvmcpu_probe_run(r, &grown.known, &rep, &err), -EINVAL);
	CHECK_STR_CONTAINS(err.message, "options size");
	grown.newer_field = 0; /* a newer caller that leaves the new field unset */
	CHECK_EQ(kvmcpu_probe_run(r, &grown.known, &rep, &err), 0);
	kvmcpu_probe_report_free(rep);
	struct kvmcpu_probe_opts unsized = { .timeout_ms = 100 };
	CHECK_EQ(kvmcpu_probe_run(r, &unsized, &rep, &err), -EINVAL);
	fake_kvm_remove();
	kvmcpu_result_free(r);
}

int main(void)
{
	test_apply_order();
	test_apply_failures();
	test_vm_failures();
	test_vm_for_synic();
	test_probe_flow();
	test_probe_guest_stops();
	test_calibration_honest_host();
	test_probe_opts_size();
	return check_finish("test-kvm-seam");
}
