/* System calls made with every register chosen by the attacker, and the registers seen after. */

    .text
    .arm

/*
 * void svc_probe_regs(uint32_t out[16], uint32_t call): r1-r12 and lr hold
 * values whose low bits are privileged mode numbers, the mode bits of the
 * CPSR are "set" to SVC (ignored in user mode), then svc. out gets r0-r12,
 * lr, sp and the CPSR as they are after the return; sp during the call is
 * &out[14], so the registers can be stored without a free register.
 */
    .globl svc_probe_regs
svc_probe_regs:
    push {r4-r11, lr}
    ldr ip, =probe_real_sp
    str sp, [ip]
    add sp, r0, #56
    mov r0, r1
    ldr r1, =0xa10001d3
    ldr r2, =0xa20001d3
    ldr r3, =0xa30001df
    ldr r4, =0xa40001d3
    ldr r5, =0xa50001d7
    ldr r6, =0xa60001db
    ldr r7, =0xa70001d3
    ldr r8, =0xa80001d1
    ldr r9, =0xa90001d2
    ldr r10, =0xaa0001d3
    ldr r11, =0xab0001d3
    ldr ip, =0xac0001d3
    ldr lr, =0xae0001d3
    msr cpsr_c, #0xd3
    svc #0
    stmdb sp, {r0-r12, lr}
    str sp, [sp]
    mrs r0, cpsr
    str r0, [sp, #4]
    ldr ip, =probe_real_sp
    ldr sp, [ip]
    pop {r4-r11, pc}

/* uint32_t svc_probe_sp(uint32_t call, uint32_t sp): the call made with sp as given; returns sp after. */
    .globl svc_probe_sp
svc_probe_sp:
    push {r4-r11, lr}
    ldr ip, =probe_real_sp
    str sp, [ip]
    mov sp, r1
    svc #0
    mov r0, sp
    ldr ip, =probe_real_sp
    ldr sp, [ip]
    pop {r4-r11, pc}

/*
 * The kernel returns results in r0-r5: the probes below keep r4 and r5 for
 * their caller (AAPCS callee-saved) around the call.
 */

/* uint32_t svc_probe_big_endian(uint32_t call): the call made in big-endian data mode; r0 after. */
    .globl svc_probe_big_endian
svc_probe_big_endian:
    push {r4, r5, r6, lr}
    setend be
    svc #0
    setend le
    pop {r4, r5, r6, pc}

/* uint32_t svc_probe_thumb(uint32_t call): the call made from Thumb code; r0 after. */
    .globl svc_probe_thumb
svc_probe_thumb:
    push {r4, r5, r6, lr}
    adr ip, 1f + 1
    bx ip
    .thumb
1:  svc #0
    pop {r4, r5, r6, pc}
    .arm

/*
 * void fault_with_known_registers(uint32_t vaddr): loads from vaddr with
 * r4-r11 known and sp 4 bytes off 8-byte alignment (nine words pushed).
 */
    .globl fault_with_known_registers
fault_with_known_registers:
    push {r4-r11, lr}
    ldr r4, =0x4b4b4b4b
    ldr r5, =0x5c5c5c5c
    ldr r6, =0x6d6d6d6d
    ldr r7, =0x7e7e7e7e
    ldr r8, =0x8f8f8f8f
    ldr r9, =0x90909090
    ldr r10, =0xa1a1a1a1
    ldr r11, =0xb2b2b2b2
    ldr r0, [r0]
    pop {r4-r11, pc}

    .bss
    .align 2
probe_real_sp:
    .skip 4

    .section .note.GNU-stack, "", %progbits
