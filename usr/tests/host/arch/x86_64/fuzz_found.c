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

Suite *fuzz_found_suite(void)
{
    Suite *s = suite_create("fuzz found");
    TCase *tc = fixture_tcase(s, "x86-64");
    tcase_add_test(tc, test_fuzz_x86_64_seed_3);
    return s;
}
