/* x86-64 four-level page-table format: which VNode types it has. */
#include <paging_arch.h>

bool paging_vnode_type_is_native(enum objtype type)
{
    return type == ObjType_VNode_x86_64_pml4 || type == ObjType_VNode_x86_64_pdpt ||
           type == ObjType_VNode_x86_64_pdir || type == ObjType_VNode_x86_64_ptable;
}
