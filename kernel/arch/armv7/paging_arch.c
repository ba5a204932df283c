/* ARMv7 short-descriptor page-table format: which VNode types it has. */
#include <paging_arch.h>

bool paging_vnode_type_is_native(enum objtype type)
{
    return type == ObjType_VNode_ARM_l1 || type == ObjType_VNode_ARM_l2;
}
