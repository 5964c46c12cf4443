// SPDX-License-Identifier: MIT
/*
 * An LD_PRELOAD interposer around ioctl() that records, per vCPU, what a VMM (QEMU)
 * hands KVM: the last KVM_SET_CPUID2 table, the first value written to each MSR by
 * KVM_SET_MSRS (the feature MSRs are written once, at vCPU init, before any reset
 * state), and every KVM_ENABLE_CAP, on vCPU fds and on the VM fd.
 *
 * The record is a JSON document written to $KVMCPU_RECORD (nothing is recorded
 * when it is unset). It is rewritten, through a temporary file and rename(), after
 * every call that changes it, so it is complete even when the VMM aborts.
 * vCPU fds are told apart by the argument of KVM_CREATE_VCPU on a VM fd (QEMU
 * passes the APIC ID) and the order of creation. One mutex guards the record; the
 * interposer never runs in a signal handler (QEMU issues no ioctl from one).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* RTLD_NEXT */
#endif
#include <dlfcn.h>
#include <errno.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define MAX_FDS 65536
#define MAX_VCPUS 1024
#define MAX_CAPS 64

struct cap_call {
	uint32_t cap, flags;
	uint64_t args[4];
	int rc;
};

struct msr_write {
	uint32_t index;
	uint64_t value;
};

struct vcpu_record {
	unsigned long kvm_id; /* KVM_CREATE_VCPU's argument */
	int fd;
	unsigned cpuid_calls;
	int cpuid_rc;
	struct kvm_cpuid_entry2 *cpuid;
	uint32_t cpuid_nent;
	struct msr_write *msrs;
	size_t nmsrs, msrs_cap;
	struct cap_call caps[MAX_CAPS];
	unsigned ncaps;
};

typedef int (*ioctl_fn)(int, unsigned long, ...);

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static ioctl_fn real_ioctl;
static struct vcpu_record vcpus[MAX_VCPUS];
static unsigned nvcpus;
static unsigned short vcpu_of_fd[MAX_FDS]; /* vCPU slot + 1; 0: not a vCPU fd */
static unsigned char is_vm_fd[MAX_FDS];
static struct cap_call vm_caps[MAX_CAPS];
static unsigned nvm_caps;

static void write_caps(FILE *f, const struct cap_call *caps, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		fprintf(f, "%s{\"cap\":%u,\"flags\":%u,\"args\":[%llu,%llu,%llu,%llu],\"rc\":%d}",
			i ? "," : "", caps[i].cap, caps[i].flags,
			(unsigned long long)caps[i].args[0], (unsigned long long)caps[i].args[1],
			(unsigned long long)caps[i].args[2], (unsigned long long)caps[i].args[3],
			caps[i].rc);
}

static void write_vcpu(FILE *f, const struct vcpu_record *v)
{
	fprintf(f, "{\"kvm_id\":%lu,\"cpuid_calls\":%u,\"cpuid_rc\":%d,\"cpuid\":[", v->kvm_id,
		v->cpuid_calls, v->cpuid_rc);
	for (uint32_t i = 0; i < v->cpuid_nent; i++) {
		const struct kvm_cpuid_entry2 *e = &v->cpuid[i];
		fprintf(f,
			"%s{\"function\":%u,\"index\":%u,\"flags\":%u,\"eax\":%u,\"ebx\":%u,"
			"\"ecx\":%u,\"edx\":%u}",
			i ? "," : "", e->function, e->index, e->flags, e->eax, e->ebx, e->ecx,
			e->edx);
	}
	fputs("],\"msrs\":[", f);
	for (size_t i = 0; i < v->nmsrs; i++)
		fprintf(f, "%s{\"index\":%u,\"value\":%llu}", i ? "," : "", v->msrs[i].index,
			(unsigned long long)v->msrs[i].value);
	fputs("],\"caps\":[", f);
	write_caps(f, v->caps, v->ncaps);
	fputs("]}", f);
}

/* Called with the lock held. */
static void save(void)
{
	const char *path = getenv("KVMCPU_RECORD");
	char tmp[4096];

	if (!path || !*path)
		return;
	if (snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid()) >= (int)sizeof(tmp))
		return;
	FILE *f = fopen(tmp, "w");
	if (!f)
		return;
	fprintf(f, "{\"pid\":%ld,\"vm_caps\":[", (long)getpid());
	write_caps(f, vm_caps, nvm_caps);
	fputs("],\"vcpus\":[", f);
	for (unsigned i = 0; i < nvcpus; i++) {
		if (i)
			fputc(',', f);
		write_vcpu(f, &vcpus[i]);
	}
	fputs("]}\n", f);
	if (fclose(f) == 0)
		rename(tmp, path);
	else
		unlink(tmp);
}

static void record_cap(struct cap_call *caps, unsigned *n, const struct kvm_enable_cap *c, int rc)
{
	if (*n >= MAX_CAPS)
		return;
	caps[*n] = (struct cap_call){ .cap = c->cap, .flags = c->flags, .rc = rc };
	memcpy(caps[*n].args, c->args, sizeof(caps[*n].args));
	(*n)++;
}

static void record_cpuid(struct vcpu_record *v, const struct kvm_cpuid2 *c, int rc)
{
	struct kvm_cpuid_entry2 *copy = malloc(sizeof(*copy) * (c->nent ? c->nent : 1));

	if (!copy)
		return;
	memcpy(copy, c->entries, sizeof(*copy) * c->nent);
	free(v->cpuid);
	v->cpuid = copy;
	v->cpuid_nent = c->nent;
	v->cpuid_calls++;
	v->cpuid_rc = rc;
}

/* Keeps the first value written to each MSR; returns whether a new index was seen. */
static int record_msrs(struct vcpu_record *v, const struct kvm_msrs *m)
{
	int changed = 0;

	for (uint32_t i = 0; i < m->nmsrs; i++) {
		size_t j;
		for (j = 0; j < v->nmsrs && v->msrs[j].index != m->entries[i].index; j++)
			;
		if (j < v->nmsrs)
			continue;
		if (v->nmsrs == v->msrs_cap) {
			size_t cap = v->msrs_cap ? 2 * v->msrs_cap : 64;
			struct msr_write *grown = realloc(v->msrs, cap * sizeof(*grown));
			if (!grown)
				return changed;
			v->msrs = grown;
			v->msrs_cap = cap;
		}
		v->msrs[v->nmsrs++] = (struct msr_write){ m->entries[i].index, m->entries[i].data };
		changed = 1;
	}
	return changed;
}

static struct vcpu_record *vcpu_for(int fd)
{
	if (fd < 0 || fd >= MAX_FDS || !vcpu_of_fd[fd])
		return NULL;
	return &vcpus[vcpu_of_fd[fd] - 1];
}

int ioctl(int fd, unsigned long request, ...)
{
	va_list ap;
	va_start(ap, request);
	void *arg = va_arg(ap, void *);
	va_end(ap);

	if (!real_ioctl) {
		real_ioctl = (ioctl_fn)dlsym(RTLD_NEXT, "ioctl");
		if (!real_ioctl) {
			errno = ENOSYS;
			return -1;
		}
	}
	int rc = real_ioctl(fd, request, arg);
	int saved_errno = errno;

	switch (request) {
	case KVM_CREATE_VM:
		if (rc >= 0 && rc < MAX_FDS) {
			pthread_mutex_lock(&lock);
			is_vm_fd[rc] = 1;
			pthread_mutex_unlock(&lock);
		}
		break;
	case KVM_CREATE_VCPU:
		pthread_mutex_lock(&lock);
		if (rc >= 0 && rc < MAX_FDS && fd >= 0 && fd < MAX_FDS && is_vm_fd[fd] &&
		    nvcpus < MAX_VCPUS) {
			vcpus[nvcpus] = (struct vcpu_record){ .kvm_id = (unsigned long)arg,
							      .fd = rc };
			vcpu_of_fd[rc] = (unsigned short)(++nvcpus);
			save();
		}
		pthread_mutex_unlock(&lock);
		break;
	case KVM_SET_CPUID2:
		pthread_mutex_lock(&lock);
		if (vcpu_for(fd) && arg) {
			record_cpuid(vcpu_for(fd), arg, rc);
			save();
		}
		pthread_mutex_unlock(&lock);
		break;
	case KVM_SET_MSRS:
		pthread_mutex_lock(&lock);
		if (vcpu_for(fd) && arg && record_msrs(vcpu_for(fd), arg))
			save();
		pthread_mutex_unlock(&lock);
		break;
	case KVM_ENABLE_CAP:
		pthread_mutex_lock(&lock);
		if (arg && vcpu_for(fd)) {
			struct vcpu_record *v = vcpu_for(fd);
			record_cap(v->caps, &v->ncaps, arg, rc);
			save();
		} else if (arg && fd >= 0 && fd < MAX_FDS && is_vm_fd[fd]) {
			record_cap(vm_caps, &nvm_caps, arg, rc);
			save();
		}
		pthread_mutex_unlock(&lock);
		break;
	default:
		break;
	}
	errno = saved_errno;
	return rc;
}
