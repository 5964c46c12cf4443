/* SPDX-License-Identifier: MIT */
/*
 * One run of the probe guest: a fresh VM, the image loaded, vCPU 0 put
 * straight into 64-bit mode, the table applied, the requests answered.
 *
 * The run is bounded: a one-shot POSIX timer sends a signal to this thread.
 * The signal is blocked in user space and unblocked only inside KVM_RUN
 * (KVM_SET_SIGNAL_MASK, KVM API doc 4.18), so it interrupts KVM_RUN with
 * EINTR without ever reaching a handler; it is then consumed with
 * sigtimedwait(). No signal disposition of the process is touched.
 */
#include <errno.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "kvm/kvm-priv.h"
#include "probe/probe-priv.h"
#include "util/kvm-sys.h"
#include "util/util.h"

/* A real-time signal used only while a probe runs (blocked outside KVM_RUN). */
#define KC_PROBE_SIGNAL (SIGRTMAX - 3)

/* Control register and EFER bits for direct long-mode entry (SDM Vol. 3A 2.5, 9.8.5). */
#define CR0_PE (1u << 0)
#define CR0_MP (1u << 1)
#define CR0_ET (1u << 4)
#define CR0_NE (1u << 5)
#define CR0_WP (1u << 16)
#define CR0_PG (1u << 31)
#define CR4_PAE (1u << 5)
#define EFER_LME (1u << 8)
#define EFER_LMA (1u << 10)

static int load_image(void *mem, size_t mem_size, const struct kc_probe_header **hdr,
		      struct kvmcpu_error *err)
{
	if (kc_probe_image_size + KC_PROBE_LOAD > KC_PROBE_MAILBOX || mem_size < KC_PROBE_MEM)
		return kc_fail(err, -E2BIG, NULL, "the probe image (%zu bytes) does not fit",
			       kc_probe_image_size);
	memcpy((char *)mem + KC_PROBE_LOAD, kc_probe_image, kc_probe_image_size);
	*hdr = (const struct kc_probe_header *)kc_probe_image;
	if (memcmp((*hdr)->magic, "KCPG", 4))
		return kc_fail(err, -EINVAL, NULL, "the embedded probe image has no KCPG header");
	return 0;
}

static void flat_segment(struct kvm_segment *s, uint16_t selector, uint8_t type, bool code)
{
	memset(s, 0, sizeof(*s));
	s->base = 0;
	s->limit = 0xffffffff;
	s->selector = selector;
	s->type = type;
	s->present = 1;
	s->s = 1;
	s->g = 1;
	s->l = code; /* 64-bit code segment (SDM Vol. 3A 5.2.1) */
	s->db = !code; /* D must be 0 when L is 1 */
}

static int enter_long_mode(int vcpu_fd, const struct kc_probe_header *hdr, struct kvmcpu_error *err)
{
	struct kvm_sregs sregs;
	if (kc_ioctl(vcpu_fd, KVM_GET_SREGS, &sregs) < 0)
		return kc_fail(err, -errno, NULL, "KVM_GET_SREGS failed: %s", strerror(errno));
	flat_segment(&sregs.cs, 0x08, 0xb, true);
	flat_segment(&sregs.ds, 0x10, 0x3, false);
	sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
	sregs.gdt.base = hdr->gdt_base;
	sregs.gdt.limit = (uint16_t)hdr->gdt_limit;
	sregs.cr3 = hdr->cr3;
	sregs.cr4 = CR4_PAE;
	sregs.cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG;
	sregs.efer = EFER_LME | EFER_LMA;
	if (kc_ioctl(vcpu_fd, KVM_SET_SREGS, &sregs) < 0)
		return kc_fail(err, -errno, NULL, "KVM_SET_SREGS (64-bit mode) failed: %s",
			       strerror(errno));
	struct kvm_regs regs;
	memset(&regs, 0, sizeof(regs));
	regs.rip = hdr->rip;
	regs.rsp = hdr->rsp;
	regs.rflags = 0x2; /* bit 1 is reserved and always 1 */
	if (kc_ioctl(vcpu_fd, KVM_SET_REGS, &regs) < 0)
		return kc_fail(err, -errno, NULL, "KVM_SET_REGS failed: %s", strerror(errno));
	return 0;
}

struct watchdog {
	timer_t timer;
	bool armed;
	sigset_t saved;
};

static int watchdog_start(struct watchdog *w, int vcpu_fd, unsigned timeout_ms,
			  struct kvmcpu_error *err)
{
	sigset_t block, inside;
	sigemptyset(&block);
	sigaddset(&block, KC_PROBE_SIGNAL);
	pthread_sigmask(SIG_BLOCK, &block, &w->saved);
	inside = w->saved;
	sigdelset(&inside, KC_PROBE_SIGNAL);
	/* The kernel's sigset is 64 bits on x86-64; glibc's sigset_t starts with it. */
	union {
		struct kvm_signal_mask hdr; /* ends in a flexible array: room for 8 bytes after it */
		unsigned char bytes[sizeof(struct kvm_signal_mask) + sizeof(uint64_t)];
	} mask;
	mask.hdr.len = sizeof(uint64_t);
	memcpy(mask.hdr.sigset, &inside, sizeof(uint64_t));
	if (kc_ioctl(vcpu_fd, KVM_SET_SIGNAL_MASK, &mask) < 0)
		return kc_fail(err, -errno, NULL, "KVM_SET_SIGNAL_MASK failed: %s",
			       strerror(errno));
	struct sigevent sev;
	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_THREAD_ID;
	sev.sigev_signo = KC_PROBE_SIGNAL;
	sev._sigev_un._tid = (pid_t)syscall(SYS_gettid); /* sigev_notify_thread_id */
	if (timer_create(CLOCK_MONOTONIC, &sev, &w->timer) < 0)
		return kc_fail(err, -errno, NULL, "timer_create for the probe timeout failed: %s",
			       strerror(errno));
	w->armed = true;
	struct itimerspec its = {
		.it_value = { .tv_sec = timeout_ms / 1000,
			      .tv_nsec = (timeout_ms % 1000) * 1000000L },
	};
	if (timer_settime(w->timer, 0, &its, NULL) < 0)
		return kc_fail(err, -errno, NULL, "timer_settime failed: %s", strerror(errno));
	return 0;
}

static bool watchdog_fired(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, KC_PROBE_SIGNAL);
	struct timespec zero = { 0, 0 };
	return sigtimedwait(&set, NULL, &zero) == KC_PROBE_SIGNAL;
}

static void watchdog_stop(struct watchdog *w)
{
	if (w->armed)
		timer_delete(w->timer);
	w->armed = false;
	while (watchdog_fired())
		;
	pthread_sigmask(SIG_SETMASK, &w->saved, NULL);
}

static uint64_t guest_rip(int vcpu_fd)
{
	struct kvm_regs regs;
	if (kc_ioctl(vcpu_fd, KVM_GET_REGS, &regs) < 0)
		return 0;
	return regs.rip;
}

static const char *exit_name(uint32_t reason)
{
	switch (reason) {
	case KVM_EXIT_HLT:
		return "HLT before the report";
	case KVM_EXIT_SHUTDOWN:
		return "shutdown (triple fault)";
	case KVM_EXIT_FAIL_ENTRY:
		return "VM entry failure";
	case KVM_EXIT_INTERNAL_ERROR:
		return "KVM internal error (emulation failure)";
	case KVM_EXIT_MMIO:
		return "MMIO outside guest memory";
	case KVM_EXIT_IO:
		return "I/O to an unexpected port";
	default:
		return "unexpected exit";
	}
}

/* Runs until the guest reports; every other exit stops the run with a report. */
static int run_guest(int vcpu_fd, struct kvm_run *run, unsigned timeout_ms,
		     struct kvmcpu_error *err)
{
	for (;;) {
		if (kc_ioctl(vcpu_fd, KVM_RUN, 0) < 0) {
			int e = errno;
			if (e == EINTR && watchdog_fired())
				return kc_fail(err, -ETIMEDOUT,
					       "the guest loops or waits; "
					       "a host that does not run it cannot be probed",
					       "probe guest did not finish within %u ms "
					       "(stopped at RIP 0x%llx)",
					       timeout_ms, (unsigned long long)guest_rip(vcpu_fd));
			if (e == EINTR || e == EAGAIN)
				continue;
			return kc_fail(err, -e, NULL, "KVM_RUN failed: %s", strerror(e));
		}
		if (run->exit_reason == KVM_EXIT_IO && run->io.direction == KVM_EXIT_IO_OUT &&
		    run->io.port == KC_PROBE_PORT_DONE)
			return 0;
		if (run->exit_reason == KVM_EXIT_IO && run->io.direction == KVM_EXIT_IO_OUT &&
		    run->io.port == KC_PROBE_PORT_FAULT) {
			uint32_t vec;
			memcpy(&vec, (const char *)run + run->io.data_offset, sizeof(vec));
			return kc_fail(err, -EIO, NULL,
				       "probe guest raised exception vector %u "
				       "at RIP 0x%llx",
				       vec, (unsigned long long)guest_rip(vcpu_fd));
		}
		return kc_fail(err, -EIO, NULL,
			       "probe guest stopped unexpectedly: %s "
			       "(exit reason %u, RIP 0x%llx)",
			       exit_name(run->exit_reason), run->exit_reason,
			       (unsigned long long)guest_rip(vcpu_fd));
	}
}

static int run_in_vm(struct kvmcpu_vm *vm, struct kc_probe_once *p, struct kvmcpu_error *err)
{
	size_t mem_size;
	char *mem = kvmcpu_vm_mem(vm, &mem_size);
	const struct kc_probe_header *hdr;
	int rc = load_image(mem, mem_size, &hdr, err);
	if (rc)
		return rc;
	if (p->nreqs > KC_PROBE_MAX_REQS)
		return kc_fail(err, -E2BIG, NULL, "%zu probe requests; at most %zu fit", p->nreqs,
			       (size_t)KC_PROBE_MAX_REQS);
	struct kc_probe_req *box = (struct kc_probe_req *)(mem + KC_PROBE_MAILBOX);
	memcpy(box, p->reqs, p->nreqs * sizeof(*box));
	memset(&box[p->nreqs], 0, sizeof(*box)); /* KC_REQ_END */
	int vcpu_fd = kvmcpu_vm_vcpu_fd(vm, 0);
	rc = enter_long_mode(vcpu_fd, hdr, err);
	if (rc)
		return rc;
	if (p->table && p->plan)
		rc = kc_apply_with_table(p->plan, p->table, p->ntable, vcpu_fd, 0, &p->refused_msrs,
					 err);
	else if (p->table)
		rc = kc_set_cpuid(vcpu_fd, p->table, p->ntable, err);
	if (rc)
		return rc;
	struct watchdog w = { .armed = false };
	unsigned timeout = p->timeout_ms ? p->timeout_ms : KC_PROBE_DEFAULT_TIMEOUT_MS;
	rc = watchdog_start(&w, vcpu_fd, timeout, err);
	if (!rc)
		rc = run_guest(vcpu_fd, kvmcpu_vm_vcpu_run(vm, 0), timeout, err);
	watchdog_stop(&w);
	if (rc)
		return rc;
	memcpy(p->reqs, box, p->nreqs * sizeof(*box));
	return 0;
}

int kc_probe_once(struct kc_probe_once *p, struct kvmcpu_error *err)
{
	struct kvmcpu_vm *vm;
	int rc = kvmcpu_vm_new_for(p->plan, p->dev_path, 1, KC_PROBE_MEM, &vm, err);
	if (rc)
		return rc;
	rc = run_in_vm(vm, p, err);
	kvmcpu_vm_free(vm);
	return rc;
}

int kc_probe_floor(const char *dev_path, unsigned ncpuid, struct kvmcpu_error *err)
{
	kvmcpu_error_clear(err);
	struct kc_probe_req *reqs = calloc(ncpuid ? ncpuid : 1, sizeof(*reqs));
	if (!reqs)
		return kc_fail(err, -ENOMEM, NULL, "out of memory");
	for (unsigned i = 0; i < ncpuid; i++) {
		reqs[i].kind = KC_REQ_CPUID;
		reqs[i].a = i % 8;
	}
	struct kc_probe_once p = { .dev_path = dev_path, .reqs = reqs, .nreqs = ncpuid };
	int rc = kc_probe_once(&p, err);
	free(reqs);
	return rc;
}
