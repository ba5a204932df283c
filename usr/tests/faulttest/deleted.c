/* A domain that frees a mapped frame and reads where it was: the mapping went with it. */
#include "common.h"

int main(void)
{
    struct capref frame;
    volatile int *page = map_fresh_page(VREGION_FLAGS_READ_WRITE, &frame);
    *page = 42;
    printf("faulttest: wrote %d to 0x%llx\n", *page, (unsigned long long)(uintptr_t)page);
    /* Freeing revokes every copy of the frame, the pmap's mapped copy among them. */
    if (err_is_fail(frame_free(frame))) {
        printf("faulttest: frame_free failed\n");
        return 2;
    }
    printf("faulttest: reading 0x%llx\n", (unsigned long long)(uintptr_t)page);
    printf("faulttest: still running: read %d\n", *page);
    return 0;
}
