/* SPDX-License-Identifier: MIT */
/* The fake KVM of kvm-fake.h. */
#include <errno.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "kvm-fake.h"
#include "probe/guest-abi.h"
#include "util/kvm-sys.h"

struct fake_kvm fake;

enum { FAKE_FD_BASE = 1000, FAKE_RUN_SIZE = 4096 };
static int next_fd;

/* Records the call; true when it is the one planned to fail (errno is then set). */
static bool record_value(const char *what, unsigned long request, uint64_t arg, uint64_t value)
{
	if (fake.ncalls < FAKE_MAX_CALLS) {
		struct fake_call *c = &fake.calls[fake.ncalls];
		strncpy(c->what, what, sizeof(c->what) - 1);
		c->request = request;
		c->arg = arg;
		c->value = value;
	}
	fake.ncalls++;
	if (fake.fail_at && fake.ncalls == fake.fail_at) {
		errno = fake.fail_errno;
		return true;
	}
	return false;
}

static bool record(const char *what, unsigned long request, uint64_t arg)
{
	return record_value(what, request, arg, 0);
}

static int fake_open(const char *path, int flags)
{
	if (record("open", 0, 0))
		return -1;
	fake.open_fds++;
	return next_fd++;
}

static int fake_close(int fd)
{
	record("close", 0, 0);
	fake.open_fds--;
	return 0;
}

static int new_fd(void)
{
	fake.open_fds++;
	return next_fd++;
}

/* The trivial guest: each CPUID request gets the entry of exactly that (leaf, subleaf). */
static void answer_mailbox(void *mem)
{
	struct kc_probe_req *q = (struct kc_probe_req *)((char *)mem + KC_PROBE_MAILBOX);
	for (; q->kind != KC_REQ_END; q++) {
		q->status = KC_REQ_DONE;
		memset(q->out, 0, sizeof(q->out));
		if (q->kind != KC_REQ_CPUID)
			continue;
		for (size_t i = 0; i < fake.ntable; i++) {
			const struct kvmcpu_cpuid_entry *e = &fake.table[i];
			if (e->function == q->a && e->index == q->b) {
				q->out[0] = e->eax;
				q->out[1] = e->ebx;
				q->out[2] = e->ecx;
				q->out[3] = e->edx;
			}
		}
	}
}

static void *guest_mem;
static struct kvm_run *vcpu_run;

static int run_vcpu(void)
{
	struct kvm_run *run = vcpu_run;
	run->exit_reason = KVM_EXIT_IO;
	run->io.direction = KVM_EXIT_IO_OUT;
	run->io.data_offset = FAKE_RUN_SIZE / 2;
	switch (fake.guest) {
	case FAKE_GUEST_ANSWER:
		if (guest_mem)
			answer_mailbox(guest_mem);
		run->io.port = KC_PROBE_PORT_DONE;
		break;
	case FAKE_GUEST_HLT:
		run->exit_reason = KVM_EXIT_HLT;
		break;
	case FAKE_GUEST_FAULT: {
		uint32_t vector = 13;
		run->io.port = KC_PROBE_PORT_FAULT;
		memcpy((char *)run + run->io.data_offset, &vector, sizeof(vector));
		break;
	}
	case FAKE_GUEST_SPIN: {
		/* As KVM_RUN does: the vCPU runs until a signal arrives, then EINTR. */
		sigset_t pending;
		do {
			struct timespec ms = { 0, 1000000 };
			nanosleep(&ms, NULL);
			sigpending(&pending);
		} while (!sigismember(&pending, SIGRTMAX - 3));
		errno = EINTR;
		return -1;
	}
	}
	return 0;
}

static int fake_ioctl(int fd, unsigned long request, uintptr_t arg)
{
	uint64_t detail = 0, value = 0;
	if (request == KVM_ENABLE_CAP) {
		detail = ((const struct kvm_enable_cap *)arg)->cap;
	} else if (request == KVM_SET_MSRS) {
		detail = ((const struct kvm_msrs *)arg)->entries[0].index;
		value = ((const struct kvm_msrs *)arg)->entries[0].data;
	} else if (request == KVM_CHECK_EXTENSION) {
		detail = arg;
	}
	if (record_value("ioctl", request, detail, value))
		return -1;
	switch (request) {
	case KVM_GET_API_VERSION:
		return KVM_API_VERSION;
	case KVM_CHECK_EXTENSION:
		return (long)arg == fake.missing_cap ? 0 : 1;
	case KVM_GET_VCPU_MMAP_SIZE:
		return FAKE_RUN_SIZE;
	case KVM_CREATE_VM:
	case KVM_CREATE_VCPU:
		return new_fd();
	case KVM_SET_CPUID2: {
		const struct kvm_cpuid2 *c = (const struct kvm_cpuid2 *)arg;
		fake.ntable = c->nent < 256 ? c->nent : 256;
		memcpy(fake.table, c->entries, fake.ntable * sizeof(fake.table[0]));
		return 0;
	}
	case KVM_SET_MSRS:
		return (int)((const struct kvm_msrs *)arg)->nmsrs;
	case KVM_RUN:
		return run_vcpu();
	default:
		return 0;
	}
}

static void *fake_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t offset)
{
	if (record("mmap", 0, 0))
		return MAP_FAILED;
	void *p = calloc(1, len);
	if (!p)
		return MAP_FAILED;
	fake.live_maps++;
	if (fd < 0)
		guest_mem = p;
	else
		vcpu_run = p;
	return p;
}

static int fake_munmap(void *addr, size_t len)
{
	record("munmap", 0, 0);
	if (addr == guest_mem)
		guest_mem = NULL;
	if (addr == (void *)vcpu_run)
		vcpu_run = NULL;
	free(addr);
	fake.live_maps--;
	return 0;
}

static const struct kc_kvm_sys fake_sys = {
	.open = fake_open,
	.close = fake_close,
	.ioctl = fake_ioctl,
	.mmap = fake_mmap,
	.munmap = fake_munmap,
};

void fake_kvm_install(void)
{
	memset(&fake, 0, sizeof(fake));
	fake.missing_cap = -1;
	next_fd = FAKE_FD_BASE;
	guest_mem = NULL;
	vcpu_run = NULL;
	kc_kvm_sys_set(&fake_sys);
}

void fake_kvm_remove(void)
{
	kc_kvm_sys_set(NULL);
}

size_t fake_count(unsigned long request)
{
	size_t n = 0;
	for (size_t i = 0; i < fake.ncalls && i < FAKE_MAX_CALLS; i++)
		n += !strcmp(fake.calls[i].what, "ioctl") && fake.calls[i].request == request;
	return n;
}

size_t fake_find(unsigned long request, size_t after)
{
	for (size_t i = after; i < fake.ncalls && i < FAKE_MAX_CALLS; i++)
		if (!strcmp(fake.calls[i].what, "ioctl") && fake.calls[i].request == request)
			return i + 1;
	return 0;
}
