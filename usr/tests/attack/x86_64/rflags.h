/* The RFLAGS bits the x86-64 attack domains set before entering the kernel (all else: attack.h). */
#ifndef ATTACK_X86_RFLAGS_H
#define ATTACK_X86_RFLAGS_H

#define ATTACK_RFLAGS_TF 0x100ull
#define ATTACK_RFLAGS_DF 0x400ull
#define ATTACK_RFLAGS_NT 0x4000ull
#define ATTACK_RFLAGS_AC 0x40000ull

#endif
