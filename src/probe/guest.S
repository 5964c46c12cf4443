/* SPDX-License-Identifier: MIT */
/*
 * The probe guest: 64-bit code that executes the requests the host left in
 * the mailbox (CPUID leaf/subleaf, RDMSR with #GP caught) and writes the
 * answers next to them, then reports through port I/O and halts.
 *
 * Only plain integer instructions, CPUID, IN/OUT, RDMSR/WRMSR and HLT are
 * used: on hosts where KVM emulates every guest instruction, the emulator
 * lacks SSE/AVX, INT3, CMPXCHG16B and XSAVE.
 *
 * The image is linked at KC_PROBE_LOAD (0x1000) and starts with a header the
 * host reads to enter long mode directly (it sets CR0/CR4/EFER, CR3, GDTR and
 * the segments from it); the guest then loads its own IDT.
 * The layout is shared with src/probe/guest-abi.h.
 */
	.intel_syntax noprefix
	.code64
	.text

#define PORT_DONE  0x0510
#define PORT_FAULT 0x0511
#define MAILBOX    0x100000

#define REQ_END    0
#define REQ_CPUID  1
#define REQ_RDMSR  2
#define REQ_SPIN   3
#define REQ_FAULT  4

	.globl header
header:
	.ascii "KCPG"          /* magic */
	.long 1                /* version */
	.quad entry            /* RIP */
	.quad pml4             /* CR3 */
	.quad gdt              /* GDTR base */
	.quad gdt_end - gdt - 1 /* GDTR limit */
	.quad stack_top        /* RSP */
	.quad MAILBOX          /* mailbox address */

entry:
	/*
	 * Build the IDT: one 16-byte interrupt gate per exception vector
	 * (SDM Vol. 3A 6.14.1, "64-Bit Mode IDT"): offset[15:0], selector,
	 * IST/type (0x8e00 = present, DPL 0, 64-bit interrupt gate),
	 * offset[31:16], offset[63:32], reserved.
	 */
	lea rdi, [rip + idt]
	lea rsi, [rip + stubs]
	xor ecx, ecx
1:
	mov rax, rsi
	mov word ptr [rdi], ax
	mov word ptr [rdi + 2], 0x08
	mov word ptr [rdi + 4], 0x8e00
	shr rax, 16
	mov word ptr [rdi + 6], ax
	shr rax, 16
	mov dword ptr [rdi + 8], eax
	mov dword ptr [rdi + 12], 0
	add rdi, 16
	add rsi, 16
	inc ecx
	cmp ecx, 32
	jb 1b
	lidt [rip + idtr]

	mov rsi, MAILBOX
	xor r14d, r14d          /* 1 while a RDMSR probe is in flight */
next:
	mov eax, dword ptr [rsi]
	cmp eax, REQ_END
	je done
	cmp eax, REQ_CPUID
	je do_cpuid
	cmp eax, REQ_RDMSR
	je do_rdmsr
	cmp eax, REQ_SPIN
	je do_spin
	cmp eax, REQ_FAULT
	je do_fault
	mov dword ptr [rsi + 12], 3   /* unknown request */
	jmp advance

do_cpuid:
	mov eax, dword ptr [rsi + 4]
	mov ecx, dword ptr [rsi + 8]
	cpuid
	mov dword ptr [rsi + 16], eax
	mov dword ptr [rsi + 20], ebx
	mov dword ptr [rsi + 24], ecx
	mov dword ptr [rsi + 28], edx
	mov dword ptr [rsi + 12], 1
	jmp advance

do_rdmsr:
	mov ecx, dword ptr [rsi + 4]
	xor r15d, r15d
	mov r14d, 1
	rdmsr                   /* the #GP handler skips it and sets r15d */
	xor r14d, r14d
	mov dword ptr [rsi + 16], eax
	mov dword ptr [rsi + 20], edx
	mov eax, 1
	add eax, r15d           /* 1 = read, 2 = #GP */
	mov dword ptr [rsi + 12], eax
	jmp advance

do_spin:
	jmp do_spin

do_fault:
	/* A non-canonical load raises #GP outside a RDMSR probe. */
	mov rax, 0x8000000000000000
	mov rax, qword ptr [rax]
	jmp advance

advance:
	add rsi, 32
	jmp next

done:
	mov dx, PORT_DONE
	mov eax, esi
	out dx, eax
	hlt
	jmp done

/* #GP with an error code on the stack: [rsp] code, [rsp + 8] RIP (SDM Vol. 3A 6.14.2). */
gp_handler:
	cmp r14d, 1
	jne fault_common_gp
	add qword ptr [rsp + 8], 2  /* RDMSR is 0f 32 */
	mov r15d, 1
	xor r14d, r14d
	add rsp, 8
	iretq
fault_common_gp:
	push 13
	jmp fault_common

/* Any other exception: report the vector and stop. */
fault_common:
	mov eax, dword ptr [rsp]
	mov dx, PORT_FAULT
	out dx, eax
	hlt
	jmp fault_common

	.balign 16
stubs:
	.set vec, 0
	.rept 32
	.balign 16
	.if vec == 13
	jmp gp_handler
	.else
	push vec
	jmp fault_common
	.endif
	.set vec, vec + 1
	.endr

	.balign 16
idtr:
	.word 32 * 16 - 1
	.quad idt

	.balign 16
/* Flat segments: 0x08 64-bit code (L=1), 0x10 data (SDM Vol. 3A 3.4.5). */
gdt:
	.quad 0
	.quad 0x00af9b000000ffff
	.quad 0x00cf93000000ffff
gdt_end:

	.balign 16
idt:
	.fill 32 * 16, 1, 0

	.balign 4096
/* Identity map of the first 1 GiB with 2 MiB pages (SDM Vol. 3A 4.5). */
pml4:
	.quad pdpt + 0x3
	.fill 511, 8, 0
pdpt:
	.quad pd + 0x3
	.fill 511, 8, 0
pd:
	.set addr, 0
	.rept 512
	.quad addr + 0x83
	.set addr, addr + 0x200000
	.endr

stack:
	.fill 4096, 1, 0
stack_top:
