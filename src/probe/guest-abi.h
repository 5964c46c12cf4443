/* SPDX-License-Identifier: MIT */
/* The contract between the probe guest (guest.S) and the host side (probe.c). */
#ifndef KC_GUEST_ABI_H
#define KC_GUEST_ABI_H

#include <stddef.h>
#include <stdint.h>

#define KC_PROBE_LOAD 0x1000u /* guest physical address of the image */
#define KC_PROBE_MEM (2u << 20) /* guest memory: image, stack, mailbox */
#define KC_PROBE_MAILBOX 0x100000u /* request array, up to the end of memory */
#define KC_PROBE_PORT_DONE 0x0510u /* OUT: every request answered */
#define KC_PROBE_PORT_FAULT 0x0511u /* OUT: unexpected exception, value = vector */

enum kc_probe_req_kind {
	KC_REQ_END = 0,
	KC_REQ_CPUID = 1, /* a = leaf, b = subleaf; out = EAX, EBX, ECX, EDX */
	KC_REQ_RDMSR = 2, /* a = MSR; out[0..1] = EAX, EDX; status 2 when #GP */
	KC_REQ_SPIN = 3, /* loops forever (tests the timeout) */
	KC_REQ_FAULT = 4, /* raises #GP outside a RDMSR probe (tests fault reports) */
};

enum kc_probe_req_status { KC_REQ_PENDING = 0, KC_REQ_DONE = 1, KC_REQ_GP = 2, KC_REQ_UNKNOWN = 3 };

/* One mailbox slot; 32 bytes, the guest steps through them in order. */
struct kc_probe_req {
	uint32_t kind;
	uint32_t a;
	uint32_t b;
	uint32_t status;
	uint32_t out[4];
};
_Static_assert(sizeof(struct kc_probe_req) == 32, "the guest steps 32 bytes per request");

#define KC_PROBE_MAX_REQS ((KC_PROBE_MEM - KC_PROBE_MAILBOX) / sizeof(struct kc_probe_req) - 1)

/* The header at the start of the image (guest.S "header"). */
struct kc_probe_header {
	char magic[4]; /* "KCPG" */
	uint32_t version;
	uint64_t rip;
	uint64_t cr3;
	uint64_t gdt_base;
	uint64_t gdt_limit;
	uint64_t rsp;
	uint64_t mailbox;
};

/* The embedded image (generated into the build directory from guest.S). */
extern const unsigned char kc_probe_image[];
extern const size_t kc_probe_image_size;

#endif
