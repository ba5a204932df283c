/* AT101: init deletes every user copy of its loaded root page table; the kernel keeps its own. */
#include "attack.h"

static const char *deleting_the_loaded_root_table_is_harmless(void)
{
    struct capref copy;
    ATTACK_OK(slot_alloc(&copy));
    ATTACK_OK(cap_copy(copy, attack_vroot()));
    ATTACK_OK(cap_delete(copy));
    ATTACK_OK(cap_delete(attack_vroot()));
    /* Still running on the same tables: the stack, the image and the CSpace all answer. */
    static volatile uint32_t image_word = 0x600dcafe;
    volatile uint32_t stack_word = image_word;
    ATTACK_FAIL_IF(stack_word != 0x600dcafe);
    return attack_cspace_works();
}

int main(void)
{
    static const struct attack only = {
        "AT101", "deleting every user copy of the loaded root table leaves the domain running",
        deleting_the_loaded_root_table_is_harmless};
    return attack_main(&only);
}
