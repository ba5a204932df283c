/* Tests the kernel fuzzer printed for the x86-64 format (usr/tests/kfuzz, doc/fuzzing.md). */
#include "../../fuzz_replay.h"

/*
 * Found by the kernel fuzzer (usr/tests/kfuzz), seed 0x3, page tables of VNode_x86_64_pml4;
 * shrunk from 1937 to 4 steps. It saw: step 3: the kernel's answer differs from the model's:
 * expected SYS_ERR_VM_RIGHTS_EXCEED, got SYS_ERR_OK. The kernel this ran on had map's execute-right
 * check removed on purpose (doc/fuzzing.md).
 */
START_TEST(test_fuzz_x86_64_seed_3)
{
    /* retype through 0x1: 0x100 at +0x15b0000 into 2 x Frame of 0x2000 bytes, in CNode 0x1 from
     * slot 25 */
    FUZZ_INVOKE(SYS_ERR_OK, 0x1, CMD_CNODE_RETYPE, 0x100, 0x15b0000, ObjType_Frame, 0x2000, 0x2,
                0x1, 0x19);
    /* mint through 0x1: 0x80001a00 into CNode 0x1 slot 13 (rights 0x9) */
    FUZZ_INVOKE(SYS_ERR_OK, 0x1, CMD_CNODE_MINT, 0x1, 0xd, 0x80001a00, 0x9);
    /* retype through 0x1: 0x100 at +0x144000 into 1 x VNode_x86_64_ptable of 0x1000 bytes, in CNode
     * 0x1 from slot 22 */
    FUZZ_INVOKE(SYS_ERR_OK, 0x1, CMD_CNODE_RETYPE, 0x100, 0x144000, ObjType_VNode_x86_64_ptable,
                0x1000, 0x1, 0x1, 0x16);
    /* map 0x80000d00 into table 0x80001600 at slot 0 x 1, flags 0x5, offset 0x1000 */
    FUZZ_INVOKE(SYS_ERR_VM_RIGHTS_EXCEED, 0x80001600, CMD_VNODE_MAP, 0x0, 0x80000d00, 0x5, 0x1000,
                0x1);
}
END_TEST

/*
 * Found by the kernel fuzzer (usr/tests/kfuzz), seed 0x1, page tables of VNode_x86_64_pml4;
 * shrunk from 2000 to 12 steps. It saw: after step 11: a slot reads back through identify
 * unlike the model: 0x21f should be Dispatcher 0x411d1800+0x400 rights 0xa word 0x4103, is
 * Dispatcher 0x411d1800+0x400 rights 0xa word 0x3. The kernel this ran on had the exit status
 * left out of identify's dispatcher word on purpose (doc/fuzzing.md): a second domain, set up
 * and run, is yielded to and exits with 0x41.
 */
START_TEST(test_fuzz_x86_64_dispatcher_seed_1)
{
    /* mint through 0x1: 0x80000200 into CNode 0x80000400 slot 1 (rights 0x3) */
    FUZZ_INVOKE(SYS_ERR_OK, 0x1, CMD_CNODE_MINT, 0x80000400, 0x1, 0x80000200, 0x3);
    /* retype through 0x1: 0x100 at +0x1b34000 into 5 x Frame of 0x4000 bytes, in CNode 0x1 from
     * slot 44 */
    FUZZ_INVOKE(SYS_ERR_OK, 0x1, CMD_CNODE_RETYPE, 0x100, 0x1b34000, ObjType_Frame, 0x4000, 0x5,
                0x1, 0x2c);
    /* mint through 0x1: 0x80000000 into CNode 0x80000200 slot 14 (rights 0x6) */
    FUZZ_INVOKE(SYS_ERR_OK, 0x1, CMD_CNODE_MINT, 0x80000200, 0xe, 0x80000000, 0x6);
    /* retype through 0x1: 0x100 at +0xa3000 into 1 x L1CNode of 0x10000 bytes, in CNode 0x401 from
     * slot 19 */
    FUZZ_INVOKE(SYS_ERR_OK, 0x1, CMD_CNODE_RETYPE, 0x100, 0xa3000, ObjType_L1CNode, 0x10000, 0x1,
                0x401, 0x13);
    /* mint through 0x1: 0x100 into CNode 0x20e slot 252 (rights 0xa) */
    FUZZ_INVOKE(SYS_ERR_OK, 0x1, CMD_CNODE_MINT, 0x20e, 0xfc, 0x100, 0xa);
    /* retype through 0x1: 0x100 at +0x1600000 into 1 x VNode_x86_64_pml4 of 0x1000 bytes, in CNode
     * 0x80000100 from slot 36 */
    FUZZ_INVOKE(SYS_ERR_OK, 0x1, CMD_CNODE_RETYPE, 0x100, 0x1600000, ObjType_VNode_x86_64_pml4,
                0x1000, 0x1, 0x80000100, 0x24);
    /* retype through 0x1: 0x80003000 at +0x0 into 1 x Frame of 0x2000 bytes, in CNode 0x80000000
     * from slot 33 */
    FUZZ_INVOKE(SYS_ERR_OK, 0x1, CMD_CNODE_RETYPE, 0x80003000, 0x0, ObjType_Frame, 0x2000, 0x1,
                0x80000000, 0x21);
    /* retype through 0x1: 0xfc at +0x10a9000 into 4 x Dispatcher of 0x400 bytes, in CNode 0x401
     * from slot 29 */
    FUZZ_INVOKE(SYS_ERR_OK, 0x1, CMD_CNODE_RETYPE, 0xfc, 0x10a9000, ObjType_Dispatcher, 0x400, 0x4,
                0x401, 0x1d);
    /* set up dispatcher 0x21f: CSpace 0x213, root table 0x124, frame 0x21 at 0xf2000, entry
     * 0x45e779, stack 0x513daf */
    FUZZ_INVOKE(SYS_ERR_OK, 0x21f, CMD_DISPATCHER_SETUP, 0x213, 0x124, 0x21, 0xf2000, 0x45e779,
                0x513daf);
    /* run dispatcher 0x21f */
    FUZZ_INVOKE(SYS_ERR_OK, 0x21f, CMD_DISPATCHER_RUN);
    /* yield */
    FUZZ_SYSCALL(SYS_ERR_OK, 0x5);
    /* exit with status 0x41 */
    FUZZ_SYSCALL(SYS_ERR_OK, 0x3, 0x41);
    FUZZ_IDENTIFY_WORD(0x21f,
                       0x4105); /* 0x4103 before the waiting state, 0x4104 before the blocked one */
}
END_TEST

Suite *fuzz_found_suite(void)
{
    Suite *s = suite_create("fuzz found");
    TCase *tc = fixture_tcase(s, "x86-64");
    tcase_add_test(tc, test_fuzz_x86_64_seed_3);
    tcase_add_test(tc, test_fuzz_x86_64_dispatcher_seed_1);
    return s;
}
