/* SPDX-License-Identifier: MIT */
/*
 * The seam between the library and the kernel: every open, close, ioctl,
 * mmap and munmap the KVM layer (src/kvm, src/probe) makes goes through one
 * table. The library uses the real system calls; tests install a fake that
 * records the calls and can fail any of them, so apply, the VM helper and
 * the probe's control flow run on machines without /dev/kvm.
 */
#ifndef KC_KVM_SYS_H
#define KC_KVM_SYS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct kc_kvm_sys {
	int (*open)(const char *path, int flags);
	int (*close)(int fd);
	/* ioctl(2) with its third argument as a pointer-sized value. */
	int (*ioctl)(int fd, unsigned long request, uintptr_t arg);
	void *(*mmap)(void *addr, size_t len, int prot, int flags, int fd, off_t offset);
	int (*munmap)(void *addr, size_t len);
};

/* The table in use: the real system calls unless a test installed another. */
extern const struct kc_kvm_sys *kc_kvm_sys;

/*
 * Installs @sys (NULL: the real system calls). Tests only: it is not
 * synchronised, so no KVM call may be in flight on another thread.
 */
void kc_kvm_sys_set(const struct kc_kvm_sys *sys);

/* The call sites read like the system calls they stand for. */
#define kc_open(path, flags) (kc_kvm_sys->open((path), (flags)))
#define kc_close(fd) (kc_kvm_sys->close(fd))
#define kc_ioctl(fd, request, arg) (kc_kvm_sys->ioctl((fd), (request), (uintptr_t)(arg)))
#define kc_mmap(addr, len, prot, flags, fd, offset)                                                \
	(kc_kvm_sys->mmap((addr), (len), (prot), (flags), (fd), (offset)))
#define kc_munmap(addr, len) (kc_kvm_sys->munmap((addr), (len)))

#endif
