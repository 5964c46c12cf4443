/* SPDX-License-Identifier: MIT */
/* The real system calls behind the KVM seam (util/kvm-sys.h). */
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "util/kvm-sys.h"

static int real_open(const char *path, int flags)
{
	return open(path, flags);
}

static int real_ioctl(int fd, unsigned long request, uintptr_t arg)
{
	return ioctl(fd, request, arg);
}

static const struct kc_kvm_sys real_sys = {
	.open = real_open,
	.close = close,
	.ioctl = real_ioctl,
	.mmap = mmap,
	.munmap = munmap,
};

const struct kc_kvm_sys *kc_kvm_sys = &real_sys;

void kc_kvm_sys_set(const struct kc_kvm_sys *sys)
{
	kc_kvm_sys = sys ? sys : &real_sys;
}
