/* Tests the kernel fuzzer printed for the ARMv7 format (usr/tests/kfuzz, doc/fuzzing.md). */
#include "../../fuzz_replay.h"

/*
 * Found by the kernel fuzzer (usr/tests/kfuzz), seed 0x3, page tables of VNode_ARM_l1;
 * shrunk from 434 to 8 steps. It saw: step 7: the kernel's answer differs from the model's:
 * expected SYS_ERR_VM_RIGHTS_EXCEED, got SYS_ERR_OK. The kernel this ran on had the execute-right
 * check of map and modify_flags removed on purpose (doc/fuzzing.md).
 */
START_TEST(test_fuzz_armv7_seed_3)
{
    /* retype through 0x1: 0x100 at +0xb0000 into 4 x L2CNode of 0x8000 bytes, in CNode 0x80000100
     * from slot 44 */
    FUZZ_INVOKE(SYS_ERR_OK, 0x1, CMD_CNODE_RETYPE, 0x100, 0xb0000, ObjType_L2CNode, 0x8000, 0x4,
                0x80000100, 0x2c);
    /* mint through 0x1: 0x200 into CNode 0x80000300 slot 11 (rights 0xb) */
    FUZZ_INVOKE(SYS_ERR_OK, 0x1, CMD_CNODE_MINT, 0x80000300, 0xb, 0x200, 0xb);
    /* copy through 0x1: 0x12e into CNode 0x1 slot 44 (rights 0x0) */
    FUZZ_INVOKE(SYS_ERR_OK, 0x1, CMD_CNODE_COPY, 0x1, 0x2c, 0x12e);
    /* retype through 0x1: 0x30b at +0x11000 into 10 x DevFrame of 0x2000 bytes, in CNode 0x80000300
     * from slot 33 */
    FUZZ_INVOKE(SYS_ERR_OK, 0x1, CMD_CNODE_RETYPE, 0x30b, 0x11000, ObjType_DevFrame, 0x2000, 0xa,
                0x80000300, 0x21);
    /* retype through 0x1: 0x100 at +0x1f0000 into 2 x VNode_ARM_l2 of 0x400 bytes, in CNode 0x12e
     * from slot 44 */
    FUZZ_INVOKE(SYS_ERR_OK, 0x1, CMD_CNODE_RETYPE, 0x100, 0x1f0000, ObjType_VNode_ARM_l2, 0x400,
                0x2, 0x12e, 0x2c);
    /* copy through 0x1: 0x327 into CNode 0x80000100 slot 18 (rights 0x0) */
    FUZZ_INVOKE(SYS_ERR_OK, 0x1, CMD_CNODE_COPY, 0x80000100, 0x12, 0x327);
    /* map 0x112 into table 0x2c2c at slot 7 x 1, flags 0x3, offset 0x0 */
    FUZZ_INVOKE(SYS_ERR_OK, 0x2c2c, CMD_VNODE_MAP, 0x7, 0x112, 0x3, 0x0, 0x1);
    /* modify_flags of 0x112: pages 0 + 1, flags 0xf */
    FUZZ_INVOKE(SYS_ERR_VM_RIGHTS_EXCEED, 0x112, CMD_FRAME_MODIFY_FLAGS, 0x0, 0x1, 0xf);
}
END_TEST

Suite *fuzz_found_suite(void)
{
    Suite *s = suite_create("fuzz found");
    TCase *tc = fixture_tcase(s, "ARMv7");
    tcase_add_test(tc, test_fuzz_armv7_seed_3);
    return s;
}
